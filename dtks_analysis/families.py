"""Which rows form one household, and where a household lives (DOMAIN.md section 7).

Two rules needed by two stages: validation's family checks (``editing/checks_family.py``:
one head per family, one village per family, located at the family's village) and the
household table (``counting/households.py``). They live here, below both stages, so that
validation does not import the later counting stage and both stages apply the same rule.

* **Key** (``kunci``): the No KK as edited; with ``kunci_rumah_tangga: id_dtks`` the household
  ID (``id_dtks``, trimmed) where it is filled, else the No KK.
* **Region** of a group of rows (in file order): the most frequent *known* ``kode_kecamatan``,
  ties to the value met first; then the most frequent known ``kode_desa`` among the rows of
  that kecamatan (rows with unknown kecamatan when the group's is unknown), ties to the first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dtks_analysis.arrays import mode_first

KUNCI_RUMAH_TANGGA: tuple[str, ...] = ("no_kk", "id_dtks")


def _values(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Column ``name`` as an object array ("" for missing or absent)."""
    if name not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    values = frame[name].to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = ""
    return values


def _trimmed(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Column ``name`` as trimmed strings ("" for missing), converted on distinct values."""
    if name not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    codes, uniques = pd.factorize(frame[name].to_numpy(dtype=object))
    mapped = pd.Series(uniques, dtype=object).astype(str).str.strip().to_numpy(dtype=object)
    out = np.full(len(frame), "", dtype=object)
    known = codes >= 0
    out[known] = mapped[codes[known]]
    return out


def household_key(frame: pd.DataFrame, kunci_rumah_tangga: str) -> pd.Series:
    """The household key of every row (object Series with a RangeIndex, "" when missing)."""
    if kunci_rumah_tangga not in KUNCI_RUMAH_TANGGA:
        raise ValueError(f"kunci_rumah_tangga: {kunci_rumah_tangga!r}")
    kk = _values(frame, "no_kk")
    if kunci_rumah_tangga == "id_dtks":
        idd = _trimmed(frame, "id_dtks")
        return pd.Series(np.where(idd != "", idd, kk), dtype=object)
    return pd.Series(kk, dtype=object)


def region_positions(
    g: np.ndarray, n_groups: int, kec_code: np.ndarray, desa_code: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per group, the row carrying the group's kecamatan and the row carrying its village.

    Rows are in file order; ``g`` is the group code per row, ``kec_code`` / ``desa_code`` the
    codes of ``kode_kecamatan`` / ``kode_desa`` (-1 = unknown). Returns two position arrays
    (-1: no known kecamatan / village for that group).
    """
    kec_pos = mode_first(g, kec_code, n_groups)
    group_kec = np.where(kec_pos >= 0, kec_code[np.maximum(kec_pos, 0)], -1)
    same_kec = kec_code == group_kec[g]
    desa_pos = mode_first(g, np.where(same_kec, desa_code, -1), n_groups)
    return kec_pos, desa_pos
