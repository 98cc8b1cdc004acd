"""Validation rule group *duplicates*: exact copies of a row (``baris_ganda``, collapsed to the
first row in file order) and the same valid NIK under several No KK (``nik_ganda_kk``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dtks_analysis.editing.findings import PROGRAMS, Collector, blank_missing, col, norm

#: Free-text canonical fields compared after normalising case and spaces.
TEXT_FIELDS: tuple[str, ...] = (
    "id_dtks",
    "provinsi",
    "kabupaten",
    "alamat",
    "dusun",
    "rt",
    "rw",
    "tempat_lahir",
    "nama_ibu",
    "disabilitas",
)
#: Edited canonical fields compared as edited (a ``<field>_raw`` column, when clean.py keeps one,
#: is used only where the edited value is missing, so "Ya" and "1" compare equal).
EDITED_FIELDS: tuple[str, ...] = (
    "nik",
    "no_kk",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "hubungan",
    *PROGRAMS,
    "kode_kecamatan",
    "kode_desa",
)
#: Every field that defines an exact duplicate. Not compared: the source location
#: (``_file, _sheet, _row``), cell types, raw copies, region names (their codes are compared;
#: the raw name only when the code is unknown) and unknown ``x_`` columns (not part of the
#: record schema; a running "NO" column would otherwise hide every copy).
COMPARE_FIELDS: tuple[str, ...] = (*EDITED_FIELDS, *TEXT_FIELDS)

_FALLBACK_RAW = {"kode_kecamatan": "kecamatan_raw", "kode_desa": "desa_raw"}


def check_duplicates(
    df: pd.DataFrame,
    order: np.ndarray,
    usable: np.ndarray,
    nik_valid: np.ndarray,
    out: Collector,
) -> np.ndarray:
    """Exact copies (every copy after the first in file ``order``), then the same valid NIK
    under two or more usable No KK among the counted rows. Returns ``is_copy`` per row."""
    nik_codes = _codes(col(df, "nik"))  # one hashing of the million NIK strings, two uses
    is_copy, first = duplicates(df, order, nik_codes)
    rows_txt = col(df, "_row").to_numpy(dtype=object)
    sheet_txt = col(df, "_sheet").to_numpy(dtype=object)
    file_txt = col(df, "_file").to_numpy(dtype=object)

    def dup_msg(pos: np.ndarray) -> list[str]:
        return [
            f"Sama persis dengan baris {rows_txt[f]}"
            + (f" sheet {sheet_txt[f]}" if sheet_txt[f] not in (None, "") else "")
            + f" berkas {file_txt[f]}"
            for f in first[pos]
        ]

    out.add(is_copy, "baris_ganda", dup_msg)
    _nik_in_several_kk(df, usable & ~is_copy & nik_valid, out, nik_codes)
    return is_copy


def _codes(s: pd.Series) -> np.ndarray:
    """Per row a code: equal values share it, missing values share the code of ``""``."""
    codes, uniques = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)
    blank = np.flatnonzero(np.asarray(uniques, dtype=object) == "")
    codes[codes < 0] = blank[0] if len(blank) else len(uniques)
    return codes


def _nik_in_several_kk(
    df: pd.DataFrame, cand: np.ndarray, out: Collector, nik_codes: np.ndarray | None = None
) -> None:
    """``nik_ganda_kk`` on every candidate row whose NIK appears under two or more No KK
    (missing and blank values compare equal, as ``""``)."""
    n = len(df)
    if not cand.any():
        return
    if nik_codes is None:
        nik_codes = _codes(col(df, "nik"))
    ganda = np.zeros(n, dtype=bool)
    g, _ = pd.factorize(nik_codes[cand])
    k, kk_uniques = pd.factorize(blank_missing(col(df, "no_kk"))[cand])
    pair = pd.unique(g.astype(np.int64) * (len(kk_uniques) + 1) + k)
    n_kk = np.bincount(pair // (len(kk_uniques) + 1), minlength=int(g.max()) + 1)[g]
    ganda[np.flatnonzero(cand)] = n_kk >= 2
    n_kk_all = np.zeros(n, dtype=np.int64)
    n_kk_all[np.flatnonzero(cand)] = n_kk
    out.add(
        ganda,
        "nik_ganda_kk",
        lambda pos: [f"NIK ini tercatat pada {k} No KK berbeda" for k in n_kk_all[pos]],
    )


def _compare_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Canonical comparison form of the rows (see :data:`COMPARE_FIELDS`)."""
    cols: dict[str, pd.Series] = {}
    for f in EDITED_FIELDS:
        s = col(df, f)
        if pd.api.types.is_datetime64_any_dtype(s):
            v = s.dt.strftime("%Y-%m-%d").fillna("").astype(object)
        else:
            v = s.astype("string").fillna("").astype(object)
        raw_name = _FALLBACK_RAW.get(f, f"{f}_raw")
        if raw_name in df.columns and f not in ("nik", "no_kk"):
            missing = v == ""
            v = v.where(~missing, "?" + norm(df[raw_name]))
        cols[f] = v
    for f in TEXT_FIELDS:
        cols[f] = norm(col(df, f))
    return pd.DataFrame(cols, index=df.index)


def duplicates(
    df: pd.DataFrame, order: np.ndarray, nik_codes: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(is_copy, position of the first row) for exact duplicates, first = file order.

    ``nik_codes``: :func:`_codes` of the NIK column when the caller has them."""
    n = len(df)
    is_copy = np.zeros(n, dtype=bool)
    first = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return is_copy, first
    # cheap pre-filters, in file order: rows sharing their NIK (a copy must), then rows sharing
    # NIK, No KK, name and birth date; the full comparison only for those candidates
    if nik_codes is None:
        nik_codes = _codes(col(df, "nik"))
    shared = np.bincount(nik_codes)[nik_codes] >= 2  # (missing and "" share, as before)
    maybe = order[shared[order]]
    quick = pd.DataFrame(
        {f: col(df, f).to_numpy()[maybe] for f in ("nik", "no_kk", "nama", "tanggal_lahir")}
    )
    cand_pos = maybe[quick.duplicated(keep=False).to_numpy()]  # positions, in file order
    if not len(cand_pos):
        return is_copy, first
    sub = _compare_frame(df.take(cand_pos))
    dup = sub.duplicated(keep="first").to_numpy()
    h = pd.util.hash_pandas_object(sub, index=False).to_numpy()
    pos_sorted = cand_pos
    first_of_hash = pd.Series(pos_sorted).groupby(h, sort=False).transform("first").to_numpy()
    is_copy[pos_sorted[dup]] = True
    first[pos_sorted[dup]] = first_of_hash[dup]
    return is_copy, first
