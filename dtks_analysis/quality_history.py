"""The village quality history of every prepared month up to a report month (issue 14): reads
the interim data (``data/interim/<YYYY-MM>/``) and computes ``counting.village_quality``.

Orchestration only (top layer): the numbers come from ``counting.village_quality``.
"""

from __future__ import annotations

import pandas as pd

from dtks_analysis import pipeline
from dtks_analysis.config import Settings
from dtks_analysis.counting import village_quality
from dtks_analysis.editing.person_keys import KEY_COLUMNS, distrust, person_keys

_FINDING_COLUMNS = ["record", "kolom", "kode_desa", "tingkat", "kode_aturan", *KEY_COLUMNS]


def _read(path, columns: list[str]) -> pd.DataFrame:
    """``columns`` of a Parquet file; person-key columns missing from it come back empty."""
    import pyarrow.parquet as pq

    have = set(pq.read_schema(path).names)
    df = pd.read_parquet(path, columns=[c for c in columns if c in have])
    for c in columns:
        if c not in df.columns:
            df[c] = pd.array([pd.NA] * len(df), dtype="Int64")
    return df


def month_quality(month: str, settings: Settings) -> village_quality.MonthQuality:
    """What the history needs of a prepared month, read from its interim folder."""
    d = pipeline.interim_dir(settings, month)
    findings = _read(d / "findings.parquet", _FINDING_COLUMNS)
    persons = _read(d / "persons.parquet", ["nik", "no_kk", "nama", "tanggal_lahir"])
    keys = distrust(person_keys(persons), findings)  # persons are indexed by record
    present = pd.concat([keys, findings[list(KEY_COLUMNS)]], ignore_index=True).astype("Int64")
    villages = pd.read_parquet(d / "villages.parquet")
    return village_quality.MonthQuality(month, villages, findings, present)


def build_history(month: str, settings: Settings) -> pd.DataFrame:
    """``kualitas_desa`` over every prepared month up to ``month`` (the months must have been
    prepared: ``pipeline.prepare_months``)."""
    months = [m for m in pipeline.available_months(settings) if m <= month]
    data = {m: month_quality(m, settings) for m in months}
    return village_quality.village_history(data, settings.kabupaten_kode, settings.kualitas_desa)


def load_history(month: str, settings: Settings) -> pd.DataFrame:
    """Notebook 02's entry: prepare the months when needed (cache hits after a run), then
    :func:`build_history`."""
    pipeline.prepare_months(month, settings)
    return build_history(month, settings)
