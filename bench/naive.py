"""A naive baseline, kept here only: the NIK check and the household aggregation written row by
row, as a first script would do it (a Python loop per value, a dict of lists per No KK).

It is never used by the package; ``run_all.py --only naive`` times it against
``nik.parse_nik`` and ``households.build_households`` on the same input and prints the speed-up.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import lru_cache

import pandas as pd

from dtks_analysis.config import PACKAGE_DATA

PROGRAMS = ("bpnt", "pbi_jkn", "pkh")


@lru_cache(maxsize=1)
def _codes() -> tuple[set[str], set[str]]:
    """(province codes ``PP``, kabupaten codes ``PPKK``) of the Kemendagri list."""
    prov, kab = set(), set()
    with open(PACKAGE_DATA / "kode_wilayah_kemendagri.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["kode"].replace(".", "")
            if row["tingkat"] == "provinsi":
                prov.add(code)
            elif row["tingkat"] == "kabupaten_kota":
                kab.add(code)
    return prov, kab


def check_nik(value: str | None, reference_year: int, women_plus_40: bool = True) -> str | None:
    """The reason a NIK is invalid (``empty, excel, digits, length, province, kabupaten, date,
    serial``), or None when it is valid: one value at a time."""
    prov, kab = _codes()
    if value is None:
        return "empty"
    v = value.strip()
    if v.startswith("'"):
        v = v[1:].strip()
    if "E+" in v.upper():
        return "excel"
    for sep in (" ", ".", "-"):
        v = v.replace(sep, "")
    if v == "":
        return "empty"
    if not v.isdigit():
        return "digits"
    if len(v) != 16:
        return "length"
    if v[:2] not in prov:
        return "province"
    if v[:4] not in kab:
        return "kabupaten"
    day, month, yy = int(v[6:8]), int(v[8:10]), int(v[10:12])
    if women_plus_40 and day > 40:
        day -= 40
    year = 2000 + yy if 2000 + yy <= reference_year else 1900 + yy
    try:
        date(year, month, day)
    except ValueError:
        return "date"
    if v[12:] == "0000":
        return "serial"
    return None


def check_all(values: list[str | None], reference_year: int = 2024) -> list[str | None]:
    """:func:`check_nik` on every value, in a loop."""
    return [check_nik(v, reference_year) for v in values]


def _age(born: pd.Timestamp | None, ref: date) -> int | None:
    if born is None or pd.isna(born):
        return None
    age = ref.year - born.year - ((born.month, born.day) > (ref.month, ref.day))
    return age if 0 <= age <= 110 else None


def households(persons: pd.DataFrame, ref: date) -> dict[str, dict]:
    """One dict per No KK: village (most frequent), size, head's sex and age, children,
    elderly and programs (any member), built from a dict of lists of member rows."""
    members: dict[str, list[dict]] = {}
    for row in persons.to_dict("records"):
        members.setdefault(row["kunci"], []).append(row)
    out = {}
    for kunci, rows in members.items():
        counts: dict[str, int] = {}
        for r in rows:
            if r["kode_desa"] is not None:
                counts[r["kode_desa"]] = counts.get(r["kode_desa"], 0) + 1
        desa = max(counts, key=counts.get) if counts else None
        head = next((r for r in rows if r["hubungan"] is not pd.NA and r["hubungan"] == 1), None)
        ages = [_age(r["tanggal_lahir"], ref) for r in rows]
        out[kunci] = {
            "kode_desa": desa,
            "jiwa": len(rows),
            "jk_kepala": head["jenis_kelamin"] if head else None,
            "umur_kepala": _age(head["tanggal_lahir"], ref) if head else None,
            "n_anak": sum(1 for a in ages if a is not None and a < 18),
            "n_lansia": sum(1 for a in ages if a is not None and a >= 60),
            **{p: any(r[p] is not pd.NA and bool(r[p]) for r in rows) for p in PROGRAMS},
        }
    return out
