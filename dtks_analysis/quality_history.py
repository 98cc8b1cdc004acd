"""The village quality history of every prepared month up to a report month (issue 14): reads
the interim data (``data/interim/<YYYY-MM>/``) and computes ``counting.village_quality``.

Orchestration only (top layer): the numbers come from ``counting.village_quality``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd

from dtks_analysis import pipeline
from dtks_analysis.config import Settings
from dtks_analysis.counting import village_quality
from dtks_analysis.editing.person_keys import KEY_COLUMNS, distrust, person_keys

log = logging.getLogger(__name__)

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


#: ``data/interim/<month>/kunci_orang.parquet``: the month's person keys (confidential, like
#: the findings that hold them), stored with the month's interim cache key: a month already
#: done is not hashed again by the next report or by notebook 02 (issue 16)
KEYS_FILE = "kunci_orang.parquet"
_KEY_META = b"dtks_interim_key"


def _stored_keys(d: Path, key: str | None) -> pd.DataFrame | None:
    """The stored person keys of the interim folder ``d`` if stored under ``key``, else None."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if key is None:
        return None
    try:
        table = pq.read_table(d / KEYS_FILE)
    except (OSError, pa.ArrowException):
        return None
    if (table.schema.metadata or {}).get(_KEY_META) != key.encode():
        return None
    return table.to_pandas()


def _store_keys(present: pd.DataFrame, month: str, key: str, settings: Settings) -> None:
    """Store ``present`` beside the month's interim data (under the data lock, atomically),
    unless the month was rebuilt meanwhile (its key changed)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(present, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _KEY_META: key})
    with pipeline.data_lock(settings):
        if pipeline.interim_key(settings, month) != key:
            return
        d = pipeline.interim_dir(settings, month)
        tmp = d / f".{KEYS_FILE}.tmp-{os.getpid()}"
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, d / KEYS_FILE)
        finally:
            tmp.unlink(missing_ok=True)


def month_quality(month: str, settings: Settings) -> village_quality.MonthQuality:
    """What the history needs of a prepared month, read from its interim folder (the person
    keys from :data:`KEYS_FILE` when stored under the month's current interim key)."""
    d = pipeline.interim_dir(settings, month)
    findings = _read(d / "findings.parquet", _FINDING_COLUMNS)
    key = pipeline.interim_key(settings, month)
    present = _stored_keys(d, key)
    if present is None:
        persons = _read(d / "persons.parquet", ["nik", "no_kk", "nama", "tanggal_lahir"])
        keys = distrust(person_keys(persons), findings)  # persons are indexed by record
        present = pd.concat([keys, findings[list(KEY_COLUMNS)]], ignore_index=True)
        present = present.astype("Int64")
        if key is not None:
            try:
                _store_keys(present, month, key, settings)
            except OSError as exc:  # a read-only data folder: computed each time, as before
                log.warning("%s: kunci orang tidak disimpan (%s)", month, exc)
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
