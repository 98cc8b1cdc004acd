"""Refuse a file sent for another kabupaten, with the region matching of :mod:`dtks_analysis.regions`."""

from __future__ import annotations

import pandas as pd

from dtks_analysis import regions
from dtks_analysis.config import Settings, shorten
from dtks_analysis.intake.ingest.messages import IngestError


def check_region(records: pd.DataFrame, rel: str, settings: Settings) -> list[str]:
    """Stop on a file for another kabupaten; warn about rows that name another kabupaten.

    The file is for another kabupaten when its KABUPATEN/KOTA column names something other
    than the report's kabupaten on every filled row, or when none of its KECAMATAN values and
    none of its DESA values is one of the kabupaten's. Names and codes are recognised as
    :func:`dtks_analysis.regions.is_kabupaten`, :func:`~dtks_analysis.regions.is_kecamatan` and
    :func:`~dtks_analysis.regions.is_desa` say (the same rule as the editing stage's matching).
    """
    if records.empty:
        return []
    target = settings.kabupaten_nama
    kab = records["kabupaten"].dropna()
    warnings: list[str] = []
    if len(kab):
        uniq = pd.Series(kab.unique(), dtype=object)
        ok = regions.is_kabupaten(uniq, settings.kabupaten_kode, target).to_numpy()
        if not ok.any():
            shown = shorten(", ".join(shorten(str(v), 60) for v in uniq[:5]))
            raise IngestError(
                f"{rel}: data untuk kabupaten lain: {_other(records, settings)}kolom KABUPATEN/KOTA berisi {shown}, bukan "
                f"{target}. Keluarkan file ini dari folder bulan (atau periksa isinya). "
                f"(file is for another kabupaten: remove it from the month folder)"
            )
        if not ok.all():
            bad = set(uniq[~ok])
            n = int(kab.isin(bad).sum())
            warnings.append(
                f"{rel}: {n} baris dengan KABUPATEN/KOTA selain {target} "
                f"({shorten(', '.join(sorted(shorten(str(v), 60) for v in bad)[:5]))}) "
                f"(rows naming another kabupaten)"
            )
    kec = records["kecamatan"].dropna()
    kode = settings.kabupaten_kode
    if len(kec):
        uk = pd.Series(kec.unique(), dtype=object)
        if not regions.is_kecamatan(kode, uk).any():
            desa = pd.Series(records["desa"].dropna().unique(), dtype=object)
            if not len(desa) or not regions.is_desa(kode, desa).any():
                shown = shorten(", ".join(shorten(str(v), 60) for v in uk[:5]))
                raise IngestError(
                    f"{rel}: data untuk wilayah lain: {_other(records, settings)}tidak satu pun nama KECAMATAN ({shown}) "
                    f"maupun DESA/KELURAHAN di file ini ada di {target}. Keluarkan file ini dari "
                    f"folder bulan (atau periksa isinya). (file is for another kabupaten: none of "
                    f"its kecamatan or village names belongs to {target})"
                )
    return warnings


def _other(records: pd.DataFrame, settings: Settings) -> str:
    """ "berkas ini berisi data Kabupaten Karo (12.06), bukan Kabupaten Dairi; " when the
    records name another kabupaten of the national reference, else "" (nothing fits)."""
    kab = records["kabupaten"].dropna() if "kabupaten" in records else pd.Series([], dtype=object)
    kec = records["kecamatan"].dropna() if "kecamatan" in records else pd.Series([], dtype=object)
    other = regions.guess_kabupaten(kab, kec)
    if other is None or other == settings.kabupaten_kode:
        return ""
    return (
        f"berkas ini berisi data {regions.kabupaten_nama(other)} ({other}), bukan "
        f"{settings.kabupaten_nama}; "
    )
