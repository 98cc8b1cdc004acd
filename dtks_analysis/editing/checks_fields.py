"""Validation rule groups on single fields of every row: *regions* (village, kecamatan,
alternative spelling), *programs* (unrecognised flag values), *names* and *ages* (date of
birth, age at the reference date)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from dtks_analysis import regions
from dtks_analysis.arrays import date_parts
from dtks_analysis.config import Settings
from dtks_analysis.editing.checks_ids import recorded_birth_parts
from dtks_analysis.editing.findings import (
    PROGRAMS,
    Collector,
    arrow_text,
    col,
    filled,
    is_na,
    match,
    text,
)

_PROGRAM_LABEL = {"bpnt": "BPNT", "pbi_jkn": "PBI-JKN", "pkh": "PKH"}


# --------------------------------------------------------------------------- regions
def check_regions(
    df: pd.DataFrame, out: Collector, kode: str, scope: np.ndarray | None = None
) -> None:
    """``desa_tidak_dikenal``, ``kecamatan_tidak_dikenal``, ``wilayah_ejaan_lain`` (regions of
    the kabupaten ``kode``) on the rows of mask ``scope`` (default: every row). A row without a
    village name but with a village code (DTSEN family rows) is told about its code."""
    rows = np.ones(len(df), dtype=bool) if scope is None else scope
    kode_desa = col(df, "kode_desa")
    desa_raw = text(col(df, "desa_raw") if "desa_raw" in df.columns else col(df, "desa"))
    code_raw = text(col(df, "kode_desa_raw"))
    no_desa = is_na(kode_desa) & rows

    def desa_msg(pos: np.ndarray) -> list[str]:
        return [
            f"Desa/kelurahan '{d}' tidak ada dalam daftar resmi"
            if d
            else f"Kode desa '{c}' tidak ada dalam daftar resmi"
            if c
            else "Nama desa/kelurahan kosong"
            for d, c in zip(desa_raw.iloc[pos], code_raw.iloc[pos], strict=True)
        ]

    out.add(no_desa, "desa_tidak_dikenal", desa_msg)
    kec_raw = text(
        col(df, "kecamatan_raw") if "kecamatan_raw" in df.columns else col(df, "kecamatan")
    )
    kec_unmatched = _kecamatan_unmatched(kec_raw, kode) & rows
    kec_txt = kec_raw.to_numpy(dtype=object)
    out.add(
        kec_unmatched,
        "kecamatan_tidak_dikenal",
        lambda pos: [f"Kecamatan '{k}' tidak ada dalam daftar resmi" for k in kec_txt[pos]],
    )
    if "wilayah_ejaan_lain" in df.columns:
        alt = df["wilayah_ejaan_lain"].fillna(False).to_numpy(dtype=bool)
        out.add(alt & rows, "wilayah_ejaan_lain")


def _kecamatan_unmatched(kec_raw: pd.Series, kode: str) -> np.ndarray:
    """Rows whose kecamatan column is filled but names no kecamatan of kabupaten ``kode``.

    A row's kecamatan code may come from its village even when the kecamatan text is unknown,
    so the text itself is matched again with the matcher clean.py uses
    (:func:`regions.match_kecamatan`, on distinct values only).
    """
    is_filled = kec_raw.to_numpy(dtype=object) != ""
    if not is_filled.any():
        return is_filled
    codes, uniques = pd.factorize(kec_raw.to_numpy(dtype=object)[is_filled])
    u = pd.Series(uniques, dtype=object)
    matched = regions.match_kecamatan(kode, u, u)["kode_kecamatan"]  # a name, or a code typed there
    unknown = matched.isna().to_numpy(dtype=bool)[codes]
    out = np.zeros(len(kec_raw), dtype=bool)
    out[np.flatnonzero(is_filled)] = unknown
    return out


# --------------------------------------------------------------------------- programs
def check_programs(df: pd.DataFrame, out: Collector) -> None:
    """``program_tidak_dikenal`` per program column (``kolom`` names the program)."""
    for prog in PROGRAMS:
        if prog not in df.columns:
            continue
        bad = is_na(df[prog])
        label = _PROGRAM_LABEL[prog]
        if f"{prog}_raw" in df.columns:
            rawp = df[f"{prog}_raw"]
            out.add(
                bad,
                "program_tidak_dikenal",
                lambda pos, rawp=rawp, label=label: [
                    f"Isian {label} '{v}' tidak dikenal (dihitung tidak menerima)"
                    for v in text(rawp.iloc[pos])
                ],
                kolom=prog,
            )
        else:
            msg = f"Isian {label} tidak dikenal (dihitung tidak menerima)"
            out.add(bad, "program_tidak_dikenal", msg, kolom=prog)


# --------------------------------------------------------------------------- names
def check_names(df: pd.DataFrame, out: Collector) -> None:
    """``nama_kosong``; ``nama_tidak_wajar``: digits or fewer than 2 letters."""
    # names repeat: the regular expressions run once per distinct name (missing: code -1)
    codes, uniques = pd.factorize(col(df, "nama").to_numpy(dtype=object), use_na_sentinel=True)
    nama = arrow_text(pd.Series(uniques, dtype=object))
    empty_u = pc.fill_null(pc.equal(nama, ""), True).to_numpy(zero_copy_only=False)
    nama_empty = np.append(empty_u, True)[codes]
    out.add(nama_empty, "nama_kosong")
    has_digit = np.append(match(nama, r"\d"), False)[codes]
    two_letters = np.append(match(nama, r"\pL.*\pL"), False)[codes]  # RE2: any Unicode letter
    odd = ~nama_empty & (has_digit | ~two_letters)
    out.add(
        odd,
        "nama_tidak_wajar",
        lambda pos: np.where(has_digit[pos], "Nama berisi angka", "Nama kurang dari 2 huruf"),
    )


# --------------------------------------------------------------------------- ages
def check_ages(
    df: pd.DataFrame,
    nik_birth_date: pd.Series,
    settings: Settings,
    ref: pd.Timestamp,
    out: Collector,
    parts: tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]] | None = None,
) -> None:
    """``tgl_lahir_tidak_valid`` (a filled raw date that did not parse) and
    ``umur_tidak_wajar``: age (from the recorded date, else the date in the NIK) below 0 or
    above ``settings.umur_maks`` at ``ref``. ``parts``: the (year, month, day, known) of both
    dates when the caller has them (:class:`~dtks_analysis.editing.checks_ids.IdChecks`)."""
    n = len(df)
    if parts is None or not parts[0] or not parts[1]:
        parts = (recorded_birth_parts(df), date_parts(nik_birth_date))
    (ty, tm, td, tl_known), (by, bm, bday, bd_known) = parts
    tl_raw_col = next((c for c in ("tanggal_lahir_raw", "tgl_lahir_raw") if c in df.columns), None)
    if tl_raw_col is not None:
        bad_date = np.zeros(n, dtype=bool)
        unparsed = np.flatnonzero(~tl_known)
        bad_date[unparsed] = filled(df[tl_raw_col].iloc[unparsed])
        out.add(bad_date, "tgl_lahir_tidak_valid")
    # born: the recorded date, else the date in the NIK
    y, m, d = (np.where(tl_known, a, b) for a, b in ((ty, by), (tm, bm), (td, bday)))
    before = (m > ref.month) | ((m == ref.month) & (d > ref.day))
    age = np.where(tl_known | bd_known, ref.year - y - before, np.nan)
    with np.errstate(invalid="ignore"):
        odd_age = (age < 0) | (age > settings.umur_maks)
    from_record = tl_known

    def age_msg(pos: np.ndarray) -> list[str]:
        return [
            (
                "Tanggal lahir sesudah tanggal referensi (umur negatif)"
                if a < 0
                else f"Umur {a:.0f} tahun"
            )
            + ("" if rec else " (dihitung dari tanggal lahir pada NIK)")
            for a, rec in zip(age[pos], from_record[pos], strict=True)
        ]

    out.add(odd_age, "umur_tidak_wajar", age_msg)
