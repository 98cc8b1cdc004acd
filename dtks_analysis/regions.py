"""Packaged region reference data (Kemendagri codes, Dairi kecamatan and villages).

Everything is read once and cached. See ``dtks_analysis/data/README.md`` for sources.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from dtks_analysis.config import PACKAGE_DATA

KEMENDAGRI_CSV = PACKAGE_DATA / "kode_wilayah_kemendagri.csv"
DAIRI_CSV = PACKAGE_DATA / "wilayah_dairi.csv"


@lru_cache(maxsize=1)
def kemendagri_table() -> pd.DataFrame:
    """All provinces, kabupaten/kota and kecamatan of Indonesia: ``kode, tingkat, nama``."""
    return pd.read_csv(KEMENDAGRI_CSV, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def province_codes() -> frozenset[str]:
    """2-digit Kemendagri province codes.

    >>> "12" in province_codes(), "99" in province_codes()
    (True, False)
    """
    t = kemendagri_table()
    return frozenset(t.loc[t["tingkat"] == "provinsi", "kode"].str.replace(".", "", regex=False))


@lru_cache(maxsize=1)
def kabupaten_codes() -> frozenset[str]:
    """4-digit Kemendagri kabupaten/kota codes (``1211`` = Kabupaten Dairi).

    >>> "1211" in kabupaten_codes(), "1299" in kabupaten_codes()
    (True, False)
    """
    t = kemendagri_table()
    kab = t.loc[t["tingkat"] == "kabupaten_kota", "kode"]
    return frozenset(kab.str.replace(".", "", regex=False))
