"""Findings of validation: the collector every rule group adds to, the column helpers the
groups share, and the findings table in the contract's columns and order.

Messages (``pesan``) never contain NIK, No KK, names or birth dates, so findings can be
summarised safely; the correction worklists add the IDs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dtks_analysis.arrays import by_uniques  # noqa: F401  (re-exported for the checks)
from dtks_analysis.editing.rules import RULE_ORDER, RULES, uraian
from dtks_analysis.formatting import mask_id
from dtks_analysis.vocab import PROGRAMS  # noqa: F401  (re-exported for the checks)

FINDING_COLUMNS: tuple[str, ...] = (
    "record",
    "_file",
    "_sheet",
    "_row",
    "kode_aturan",
    "tingkat",
    "kolom",
    "pesan",
    "tindakan",
    "kode_kecamatan",
    "kode_desa",
)


#: Rules located at the family's (household's) region instead of the row's own region.
FAMILY_RULES: tuple[str, ...] = ("kk_tanpa_kepala", "kk_kepala_ganda", "kk_beda_desa")


# --------------------------------------------------------------------------- column helpers
def col(df: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` or an all-None object column."""
    if name in df.columns:
        return df[name]
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def text(s: pd.Series) -> pd.Series:
    """Trimmed string values, "" for missing."""
    out = by_uniques(s, lambda u: u.astype(str).str.strip(), "")
    return pd.Series(out, index=s.index, dtype=object)


def norm(s: pd.Series) -> pd.Series:
    """Comparison form of a text value: upper case, single spaces, "" for missing."""
    return s.astype("string").str.upper().str.split().str.join(" ").fillna("").astype(object)


def filled(s: pd.Series) -> np.ndarray:
    """True where the value is a non-blank string (or any non-missing non-string value)."""
    return text(s).to_numpy(dtype=object) != ""


def arrow_text(s: pd.Series) -> pa.Array:
    """Trimmed values as an arrow string array (null for missing)."""
    values = s.to_numpy(dtype=object)
    try:
        arr = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        arr = pa.array(s.astype("string").to_numpy(dtype=object, na_value=None), type=pa.string())
    return pc.utf8_trim_whitespace(arr)


def match(arr: pa.Array, pattern: str) -> np.ndarray:
    """Regex (RE2) search per value; False for null."""
    return pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(
        zero_copy_only=False
    )


def blank_missing(s: pd.Series) -> np.ndarray:
    """Values as an object array, "" for missing (``fillna("")`` without its dtype inference)."""
    values = s.to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = ""
    return values


def is_na(s: pd.Series) -> np.ndarray:
    return s.isna().to_numpy(dtype=bool)


# --------------------------------------------------------------------------- collector
class Collector:
    """Accumulates (position, rule, kolom, pesan) findings as arrays."""

    def __init__(self, wilayah: str) -> None:
        self.parts: list[pd.DataFrame] = []
        self.wilayah = wilayah  # the kabupaten/kota named by rule descriptions

    def add(
        self,
        mask: np.ndarray,
        code: str,
        pesan: str | Callable[[np.ndarray], Sequence[str] | np.ndarray] | None = None,
        kolom: str | None = None,
        region: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        pos = np.flatnonzero(mask)
        if not len(pos):
            return
        rule = RULES[code]
        if pesan is None:
            msg = np.full(len(pos), uraian(code, self.wilayah), dtype=object)
        elif isinstance(pesan, str):
            msg = np.full(len(pos), pesan, dtype=object)
        else:
            msg = np.asarray(pesan(pos), dtype=object)
        part = pd.DataFrame(
            {"pos": pos, "kode_aturan": code, "kolom": kolom or rule.kolom, "pesan": msg}
        )
        if region is not None:
            part["kode_kecamatan"] = region[0][pos]
            part["kode_desa"] = region[1][pos]
        self.parts.append(part)


def assemble(df: pd.DataFrame, out: Collector) -> pd.DataFrame:
    """Findings table in the contract's columns and deterministic order."""
    if not out.parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FINDING_COLUMNS})
    f = pd.concat(out.parts, ignore_index=True)
    pos = f["pos"].to_numpy()
    own_kec = col(df, "kode_kecamatan").to_numpy(dtype=object)[pos]
    own_desa = col(df, "kode_desa").to_numpy(dtype=object)[pos]
    if "kode_kecamatan" in f.columns:
        is_family = f["kode_aturan"].isin(FAMILY_RULES).to_numpy()
        kec = np.where(is_family, f["kode_kecamatan"].to_numpy(dtype=object), own_kec)
        desa = np.where(is_family, f["kode_desa"].to_numpy(dtype=object), own_desa)
    else:
        kec, desa = own_kec, own_desa
    res = pd.DataFrame(
        {
            "record": df.index.to_numpy()[pos],
            "_file": col(df, "_file").to_numpy(dtype=object)[pos],
            "_sheet": col(df, "_sheet").to_numpy(dtype=object)[pos],
            "_row": col(df, "_row").to_numpy()[pos],
            "kode_aturan": f["kode_aturan"].to_numpy(dtype=object),
            "tingkat": f["kode_aturan"].map({k: r.tingkat for k, r in RULES.items()}).to_numpy(),
            "kolom": f["kolom"].to_numpy(dtype=object),
            "pesan": f["pesan"].to_numpy(dtype=object),
            "tindakan": f["kode_aturan"].map({k: r.tindakan for k, r in RULES.items()}).to_numpy(),
            "kode_kecamatan": kec,
            "kode_desa": desa,
        }
    )
    res = res.astype({"kode_kecamatan": object, "kode_desa": object})
    res["kode_kecamatan"] = res["kode_kecamatan"].where(res["kode_kecamatan"].notna(), None)
    res["kode_desa"] = res["kode_desa"].where(res["kode_desa"].notna(), None)
    row_num = pd.to_numeric(res["_row"], errors="coerce").fillna(-1).to_numpy()
    sheet, _ = pd.factorize(res["_sheet"].fillna(""), sort=True)
    file_, _ = pd.factorize(res["_file"].fillna(""), sort=True)
    code, _ = pd.factorize(res["kode_aturan"], sort=True)
    kolom, _ = pd.factorize(res["kolom"], sort=True)
    order = np.lexsort((kolom, code, pos, row_num, sheet, file_))
    res = res.iloc[order].reset_index(drop=True)
    assert set(res["kode_aturan"]) <= set(RULE_ORDER)
    return res


def with_masked_examples(findings: pd.DataFrame, cleaned: pd.DataFrame) -> pd.DataFrame:
    """Add ``contoh``: the ID as received, masked (``1211********0001``), for NIK/KK rules.

    Reviewers see the shape of a defect without the number; other rules get None.
    """

    out = findings.copy()
    kode = out["kode_aturan"].astype(str)
    nik = cleaned["nik_raw"].reindex(out["record"]).to_numpy()
    kk = cleaned["no_kk_raw"].reindex(out["record"]).to_numpy()
    raw = np.where(kode.str.startswith("nik_"), nik, np.where(kode.str.startswith("kk_"), kk, None))
    masked = {v: mask_id(v) for v in pd.unique(raw[pd.notna(raw)])}
    out["contoh"] = [masked.get(v) if v is not None and v == v else None for v in raw]
    return out
