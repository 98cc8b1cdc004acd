"""Reference data for the generator: the kabupaten's regions, Kemendagri codes, name keys."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from dtks_analysis.config import PACKAGE_DATA

from .names import Pool, pool_for

DAIRI = "12.11"
DAIRI_FAMILIES = 37_000  # families at scale 1 in Dairi: ~42 % of its 333,335 inhabitants

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
    """The kabupaten's kecamatan and villages plus the national codes and its name pool."""

    kecamatan: pd.DataFrame  # kode, nama, kode_nik6
    desa: pd.DataFrame  # kode, nama, jenis, kode_kec, kecamatan, kode_nik6, nama_bps, key, key_bps
    provinces: frozenset[str]  # 2-digit
    kabupaten: frozenset[str]  # 4-digit
    other_kec6: tuple[str, ...]  # 6-digit kecamatan prefixes outside Dairi (for migrants)
    desa_by_key: dict[str, int]  # official name key -> desa row position (names used once)
    desa_by_bps_key: dict[str, int]  # BPS key (only where it differs from the official key)
    kec_by_key: dict[str, int]
    names: Pool
    # "<kode_kec>|<key>" -> position: a name repeated across kecamatan is told apart by the
    # kecamatan the row names
    desa_by_pair: dict[str, int] = field(default_factory=dict)
    desa_by_pair_bps: dict[str, int] = field(default_factory=dict)
    kode: str = DAIRI  # the kabupaten, dotted (12.11)
    nik4: str = "1211"
    nama: str = "Kabupaten Dairi"  # Kemendagri spelling
    singkat: str = "DAIRI"  # upper case, without "Kabupaten"/"Kota"
    siks: str = "KAB. DAIRI"  # as the SIKS-NG export writes it
    provinsi: str = "SUMATERA UTARA"
    families: float = DAIRI_FAMILIES  # families at scale 1


def _regions(kabupaten: str) -> pd.DataFrame:
    """Kecamatan and villages in force of ``kabupaten`` (Dairi: with its BPS spellings)."""
    if kabupaten == DAIRI:
        return pd.read_csv(PACKAGE_DATA / "wilayah_dairi.csv", dtype=str, keep_default_na=False)
    w = pd.read_csv(PACKAGE_DATA / "wilayah_indonesia.csv.gz", dtype=str, keep_default_na=False)
    w = w[(w["berlaku"] == "1") & w["kode"].str.startswith(kabupaten + ".")]
    w = w[w["tingkat"].isin(["kecamatan", "desa"])].copy()
    if not (w["tingkat"] == "desa").any():
        raise ValueError(f"kabupaten {kabupaten!r}: tidak ada desa (no villages in the reference)")
    w["kode_nik6"] = w["kode"].str[:8].str.replace(".", "", regex=False)
    w["nama_bps"] = w["nama"]  # no other spelling known: no wilayah_ejaan_lain defect
    return w.sort_values("kode").reset_index(drop=True)


@lru_cache(maxsize=4)
def load_reference(kabupaten: str = DAIRI) -> Reference:
    """Read the packaged reference data for ``kabupaten`` (cached)."""
    pop = pd.read_csv(PACKAGE_DATA / "penduduk_kabupaten.csv", dtype=str, keep_default_na=False)
    pop = pop.set_index("kode")
    if kabupaten not in pop.index or kabupaten.count(".") != 1:
        raise ValueError(f"kabupaten {kabupaten!r} tidak dikenal (unknown kabupaten code)")
    w = _regions(kabupaten)
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
    nik4 = kabupaten.replace(".", "")
    other = tuple(sorted(c for c in kec6 if not c.startswith(nik4)))
    official = set(desa["key"])
    once = desa["key"].map(desa["key"].value_counts()) == 1
    by_key = {key: i for i, key in enumerate(desa["key"]) if once.iat[i]}
    bps_once = desa["key_bps"].map(desa["key_bps"].value_counts()) == 1
    by_bps = {
        kb: i
        for i, (kb, ko) in enumerate(zip(desa["key_bps"], desa["key"], strict=True))
        if kb != ko and kb not in official and bps_once.iat[i]
    }
    by_pair = {
        f"{kk}|{key}": i
        for i, (kk, key) in enumerate(zip(desa["kode_kec"], desa["key"], strict=True))
    }
    by_pair_bps = {
        f"{kk}|{kb}": i
        for i, (kk, kb, ko) in enumerate(
            zip(desa["kode_kec"], desa["key_bps"], desa["key"], strict=True)
        )
        if kb != ko and f"{kk}|{kb}" not in by_pair
    }
    kec_by_key = {kec_key(n): i for i, n in enumerate(kec["nama"])}
    nama = str(pop.loc[kabupaten, "nama"])
    kota = nama.startswith("Kota ")
    singkat = nama.removeprefix("Kabupaten ").removeprefix("Kota ")
    if kabupaten == DAIRI:
        families = float(DAIRI_FAMILIES)
    else:
        dairi_pop = int(pop.loc[DAIRI, "jumlah"])
        families = DAIRI_FAMILIES * int(pop.loc[kabupaten, "jumlah"]) / dairi_pop
    return Reference(
        kec,
        desa,
        provinces,
        kab,
        other,
        by_key,
        by_bps,
        kec_by_key,
        desa_by_pair=by_pair,
        desa_by_pair_bps=by_pair_bps,
        names=pool_for(kabupaten, singkat, tuple(kec["nama"])),
        kode=kabupaten,
        nik4=nik4,
        nama=nama,
        singkat=singkat.upper(),
        siks=("KOTA " if kota else "KAB. ") + singkat.upper(),
        provinsi=str(pop.loc[kabupaten[:2], "nama"]).upper(),
        families=families,
    )


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
