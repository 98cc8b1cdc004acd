"""Reference data for the generator: Dairi regions, Kemendagri codes and name matching keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from dtks_analysis.config import PACKAGE_DATA

_NON_ALNUM = re.compile(r"[^0-9A-Z]")


def name_key(name: str | None) -> str:
    """Matching key of a region name: upper case, every non-alphanumeric removed."""
    if name is None:
        return ""
    return _NON_ALNUM.sub("", str(name).upper())


def kec_key(name: str | None) -> str:
    """Key of a kecamatan name, with the prefixes KOTA/KECAMATAN/KEC dropped."""
    k = name_key(name)
    for p in ("KECAMATAN", "KEC", "KOTA"):
        if k.startswith(p) and len(k) > len(p):
            return k[len(p) :]
    return k


def desa_key(name: str | None) -> str:
    """Key of a village name, with the prefixes DESA/KELURAHAN/KEL dropped."""
    k = name_key(name)
    for p in ("KELURAHAN", "DESA", "KEL"):
        if k.startswith(p) and len(k) > len(p):
            return k[len(p) :]
    return k


@dataclass(frozen=True)
class Reference:
    """Dairi kecamatan and villages plus the national province/kabupaten/kecamatan codes."""

    kecamatan: pd.DataFrame  # kode, nama, kode_nik6
    desa: pd.DataFrame  # kode, nama, jenis, kode_kec, kecamatan, kode_nik6, nama_bps, key, key_bps
    provinces: frozenset[str]  # 2-digit
    kabupaten: frozenset[str]  # 4-digit
    other_kec6: tuple[str, ...]  # 6-digit kecamatan prefixes outside Dairi (for migrants)
    desa_by_key: dict[str, int]  # official name key -> desa row position
    desa_by_bps_key: dict[str, int]  # BPS key (only where it differs from the official key)
    kec_by_key: dict[str, int]


@lru_cache(maxsize=1)
def load_reference() -> Reference:
    """Read the packaged reference CSVs (cached)."""
    w = pd.read_csv(PACKAGE_DATA / "wilayah_dairi.csv", dtype=str, keep_default_na=False)
    kec = w[w["tingkat"] == "kecamatan"][["kode", "nama", "kode_nik6"]].reset_index(drop=True)
    desa = w[w["tingkat"] == "desa"][["kode", "nama", "jenis", "kode_nik6", "nama_bps"]].copy()
    desa["kode_kec"] = desa["kode"].str[:8]
    desa = desa.merge(
        kec.rename(columns={"kode": "kode_kec", "nama": "kecamatan"})[["kode_kec", "kecamatan"]],
        on="kode_kec",
    )
    desa = desa.sort_values("kode").reset_index(drop=True)
    desa["key"] = desa["nama"].map(desa_key)
    desa["key_bps"] = desa["nama_bps"].map(desa_key)
    k = pd.read_csv(PACKAGE_DATA / "kode_wilayah_kemendagri.csv", dtype=str, keep_default_na=False)
    provinces = frozenset(k.loc[k["tingkat"] == "provinsi", "kode"])
    kab = frozenset(
        k.loc[k["tingkat"] == "kabupaten_kota", "kode"].str.replace(".", "", regex=False)
    )
    kec6 = k.loc[k["tingkat"] == "kecamatan", "kode"].str.replace(".", "", regex=False)
    other = tuple(sorted(c for c in kec6 if not c.startswith("1211")))
    by_key = {key: i for i, key in enumerate(desa["key"])}
    by_bps = {
        kb: i
        for i, (kb, ko) in enumerate(zip(desa["key_bps"], desa["key"], strict=True))
        if kb != ko and kb not in by_key
    }
    kec_by_key = {kec_key(n): i for i, n in enumerate(kec["nama"])}
    return Reference(kec, desa, provinces, kab, other, by_key, by_bps, kec_by_key)


def ejaan_lain_candidates(ref: Reference) -> dict[int, str]:
    """Villages whose BPS spelling matches only through the BPS name: position -> BPS name.

    Excludes names that start like a prefix the matcher may drop (KOTA, DESA, KEL...), so the
    pipeline can only match them through the alternative spelling.
    """
    out = {}
    for i, row in ref.desa.iterrows():
        kb = name_key(row["nama_bps"])
        if kb in ref.desa_by_bps_key and kb.startswith(("KOTA", "DESA", "KEL", "KEC")) is False:
            out[int(i)] = str(row["nama_bps"])
    return out
