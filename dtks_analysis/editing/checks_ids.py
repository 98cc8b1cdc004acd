"""Validation rule group *IDs*: structure of NIK and No KK (``nik_*``, ``kk_*``), which rows
have a usable No KK, and the NIK against the record (outside Dairi, sex, date of birth)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dtks_analysis.arrays import date_parts
from dtks_analysis.config import Settings
from dtks_analysis.editing import nik as nikmod
from dtks_analysis.editing.findings import Collector, by_uniques, col

#: No KK parse reasons that make a row unusable (not counted, "tidak dapat diolah").
KK_UNUSABLE: tuple[str, ...] = ("empty", "excel", "digits", "length")


@dataclass
class IdChecks:
    """Parses of NIK (``nik``) and No KK (``kk``), see :func:`id_checks`, and per row:
    ``usable`` (the No KK can be counted), ``nik_valid``, ``kk_valid`` (valid and not damaged
    by Excel)."""

    nik: pd.DataFrame
    kk: pd.DataFrame
    usable: np.ndarray
    nik_valid: np.ndarray
    kk_valid: np.ndarray
    #: (year, month, day, known) of the recorded birth date and of the NIK's, for check_ages
    birth_parts: tuple[np.ndarray, ...] = ()
    nik_birth_parts: tuple[np.ndarray, ...] = ()


def id_checks(
    df: pd.DataFrame,
    field_name: str,
    prefix: str,
    label: str,
    ref: pd.Timestamp,
    out: Collector,
) -> pd.DataFrame:
    """Structural checks of NIK (``prefix="nik"``) or No KK, added to ``out``.

    Returns the parse of :mod:`dtks_analysis.editing.nik` plus ``is16`` (16 digits, numeric cells
    included), ``excel`` and ``valid_struct`` (valid and not damaged by Excel).
    """
    raw_col = f"{field_name}_raw" if f"{field_name}_raw" in df.columns else field_name
    raw = col(df, raw_col)
    parser = nikmod.parse_nik if prefix == "nik" else nikmod.parse_kk
    prepared = nikmod.prepare(raw.reset_index(drop=True))  # converted and stripped once
    p = parser(prepared, reference_date=ref, region_parts=False)
    reason_code, reasons = pd.factorize(p["reason"].to_numpy(dtype=object))  # valid: -1

    def has_reason(*names: str | None) -> np.ndarray:
        codes = [-1 if r is None else i for i, r in enumerate([*reasons, None]) if r in names]
        return np.isin(reason_code, codes)

    # length after stripping: 16 where the parser decoded the digits, 0 when empty; the
    # separators are stripped again only for the other rows (few: letters, wrong length, ...)
    decoded = has_reason(None, "province", "kabupaten", "date", "serial")
    length = np.where(decoded, 16, 0)
    other = np.flatnonzero(~decoded & ~has_reason("empty"))
    if len(other):
        stripped = prepared.stripped.take(pa.array(other))
        length[other] = pc.fill_null(pc.utf8_length(stripped), 0).to_numpy()

    cell = by_uniques(col(df, f"_{field_name}_type"), lambda u: u.astype(str).str.lower(), "")
    # a number cell, or its float text written out ("1211...0001.0"): both went through Excel
    number = (cell == "number") | nikmod.float_text(prepared).to_numpy(dtype=bool)
    sci = has_reason("excel")
    excel = number | sci
    empty = has_reason("empty") & ~number
    digits = has_reason("digits")
    letters = digits & ~excel
    wrong_len = ~empty & ~excel & ~sci & (length != 16)
    is16 = ~empty & ~sci & ~digits & (length == 16)
    prov_bad = is16 & has_reason("province")
    kab_bad = is16 & has_reason("kabupaten")
    date_bad = is16 & p["birth_date"].isna().to_numpy() & ~number
    serial_bad = is16 & (p["serial"].to_numpy(dtype=object) == "0000") & ~number

    out.add(empty, f"{prefix}_kosong")
    out.add(
        excel,
        f"{prefix}_excel",
        lambda pos: np.where(
            number[pos],
            f"{label} tersimpan sebagai angka di Excel: digit ke-16 bisa hilang",
            f"{label} tampil dalam notasi ilmiah (mis. 1,21101E+15): digit hilang",
        ),
    )
    out.add(
        wrong_len,
        f"{prefix}_panjang",
        lambda pos: [f"{label} berisi {k} karakter (harus 16 digit)" for k in length[pos]],
    )
    out.add(letters, f"{prefix}_bukan_angka")
    out.add(prov_bad, f"{prefix}_provinsi")
    out.add(kab_bad, f"{prefix}_kabupaten")
    out.add(date_bad, f"{prefix}_tanggal")
    out.add(serial_bad, f"{prefix}_nomor_urut")
    seps = nikmod.had_separators(prepared).to_numpy(dtype=bool) & ~excel
    out.add(seps, f"{prefix}_tanda_baca")

    p["is16"] = is16
    p["excel"] = excel
    p["valid_struct"] = p["valid"].to_numpy(dtype=bool) & ~excel
    return p


def check_ids(df: pd.DataFrame, settings: Settings, ref: pd.Timestamp, out: Collector) -> IdChecks:
    """NIK and No KK structure, then the NIK against the record: prefix outside Dairi
    (structurally valid NIK, also from a numeric cell: its first 15 digits are intact), sex
    and birth date (whenever the NIK's date decodes)."""
    pn = id_checks(df, "nik", "nik", "NIK", ref, out)
    pk = id_checks(df, "no_kk", "kk", "No KK", ref, out)
    kk_reason = pk["reason"].to_numpy(dtype=object)
    usable = ~pd.Series(kk_reason).isin(KK_UNUSABLE).to_numpy()  # hashing, not object sort

    kab = pn["kabupaten"].to_numpy(dtype=object)
    out.add(
        pn["valid"].to_numpy(dtype=bool) & (kab != settings.kabupaten_nik4), "nik_luar_kabupaten"
    )
    nik_sex = pn["sex"].to_numpy(dtype=object)
    jk = col(df, "jenis_kelamin").to_numpy(dtype=object)
    decodes = pn["is16"].to_numpy(dtype=bool) & pn["birth_date"].notna().to_numpy()
    sex_known = pd.Series(jk).isin(["L", "P"]).to_numpy(dtype=bool)
    out.add(decodes & sex_known & (nik_sex != jk), "nik_beda_jk")
    recorded = recorded_birth_parts(df)
    from_nik = date_parts(pn["birth_date"])
    ty, tm, td, tl_known = recorded
    by, bm, bday, bd_known = from_nik
    same_date = tl_known & bd_known & (td == bday) & (tm == bm) & (ty % 100 == by % 100)
    out.add(decodes & tl_known & ~same_date, "nik_beda_tgl_lahir")

    return IdChecks(
        nik=pn,
        kk=pk,
        usable=usable,
        nik_valid=pn["valid_struct"].to_numpy(dtype=bool),
        kk_valid=pk["valid_struct"].to_numpy(dtype=bool),
        birth_parts=recorded,
        nik_birth_parts=from_nik,
    )


def recorded_birth_parts(
    df: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day, known) of the recorded date of birth."""
    tl = pd.to_datetime(col(df, "tanggal_lahir"), errors="coerce").reset_index(drop=True)
    return date_parts(tl)


def excluded_codes(ids: IdChecks, mask: np.ndarray) -> np.ndarray:
    """Rule code explaining why each row of ``mask`` (unusable No KK) is not counted."""
    reason = ids.kk["reason"].to_numpy(dtype=object)[mask]
    damaged = ids.kk["excel"].to_numpy(dtype=bool)[mask]  # numeric cell or scientific notation
    return np.select(
        [reason == "empty", damaged, reason == "digits"],
        ["kk_kosong", "kk_excel", "kk_bukan_angka"],
        default="kk_panjang",
    )
