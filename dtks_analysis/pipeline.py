"""Orchestration of a month: prepare (ingest -> clean -> validate -> households, cached) and
build the published tables from every month present up to the report month."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dtks_analysis import locks
from dtks_analysis.config import (
    MONTH_RE,
    ParamsError,
    Settings,
    check_month,
    month_end,
    previous_month,
)
from dtks_analysis.counting import disclosure, flows, households, nonresponse, protection, stats
from dtks_analysis.counting.desil import SENSOR, desil_tables, has_dtsen, sumber_data
from dtks_analysis.editing import clean, corrections, person_keys, rules, validate
from dtks_analysis.editing import findings as findings_mod
from dtks_analysis.fingerprint import code_fingerprint
from dtks_analysis.fsutil import TreeError, replace_dir, walk_files
from dtks_analysis.intake import ingest
from dtks_analysis.intake.ingest import IngestError

log = logging.getLogger(__name__)

INTERIM_FILES = (
    "persons.parquet",
    "households.parquet",
    "findings.parquet",
    "files.parquet",
    "villages.parquet",
)


class MonthNotFound(ParamsError):
    """The requested month has no raw folder."""


@dataclass
class MonthData:
    """A month's cleaned data, as kept under ``data/interim/<YYYY-MM>/``."""

    month: str
    persons: pd.DataFrame
    households: pd.DataFrame
    findings: pd.DataFrame
    files: pd.DataFrame
    summary: dict = field(default_factory=dict)
    villages: pd.DataFrame = field(default_factory=pd.DataFrame)  # findings per village
    key: str = ""  # the interim cache key the month was prepared under (cache.json)


# -- months ---------------------------------------------------------------------
def month_dir(settings: Settings, month: str) -> Path:
    return settings.raw_root / check_month(month)


def available_months(settings: Settings) -> list[str]:
    """Months with a raw folder holding at least one file, sorted."""
    root = settings.raw_root
    if not root.is_dir():
        return []
    return sorted(
        p.name for p in root.iterdir() if p.is_dir() and MONTH_RE.match(p.name) and _has_files(p)
    )


def _has_files(folder: Path) -> bool:
    """True if the month folder holds a file (a folder that cannot be listed counts as holding
    files: reading the month then stops with the listing's message)."""
    try:
        return bool(walk_files(folder))
    except TreeError:
        return True


def resolve_month(month: str | None, settings: Settings) -> str:
    """The month to report: ``month`` (checked to exist) or the latest present."""
    months = available_months(settings)
    if month is None:
        if not months:
            raise MonthNotFound(
                f"Tidak ada data bulan apa pun di {settings.raw_root} (no month folders found). "
                f"Letakkan ekstrak di {settings.raw_root}/<YYYY-MM>/ atau jalankan `make sample`."
            )
        return months[-1]
    check_month(month)
    folder = settings.raw_root / month
    if month not in months and folder.is_dir():
        raise MonthNotFound(
            f"{folder}: folder bulan {month} kosong, tidak ada berkas ekstrak "
            f"(month folder is empty). Letakkan berkas .xlsx/.xls/.csv di sana."
        )
    if month not in months:
        have = ", ".join(months) or "tidak ada"
        raise MonthNotFound(
            f"Bulan {month} tidak ada di {settings.raw_root} (unknown month). "
            f"Bulan yang tersedia: {have}."
        )
    return month


# -- fingerprints -----------------------------------------------------------------
def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_files(settings: Settings, month: str) -> dict[str, str]:
    """Relative path -> sha256 of every file the month's ingest sees (same listing, symlinked
    folders followed), plus ``sumber.yaml`` and ignored files: the month's cache key."""

    try:
        listing = walk_files(month_dir(settings, month))
    except TreeError as exc:
        raise IngestError(str(exc)) from None
    return {rel: sha256_file(p) for p, rel in listing}


#: settings that only say where files live or which month is asked: not part of the cache key
_NOT_IN_KEY = {"data_dir", "out_dir", "raw_dir", "month", "sources", "kabupaten_folder"}


def _cache_key(settings: Settings, month: str, inputs: dict[str, str]) -> str:
    """Key of a month's interim data: the month, its input files, the whole package's code
    and every parameter (a parameter that does not change the cleaned data only costs a rebuild)."""
    params = {
        f.name: getattr(settings, f.name)
        for f in dataclasses.fields(settings)
        if f.name not in _NOT_IN_KEY
    }
    relevant = {"month": month, "inputs": inputs, "code": code_fingerprint(), "params": params}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True, default=str).encode()).hexdigest()


# -- prepare ------------------------------------------------------------------------
def interim_dir(settings: Settings, month: str) -> Path:
    return settings.interim_root / month


DATA_LOCK = ".dtks-data.lock"


@contextlib.contextmanager
def data_lock(settings: Settings) -> Iterator[None]:
    """Hold the data folder's lock (``<data_dir>/.dtks-data.lock``) while writing interim and
    corrections; wait, with a message, while another run holds it. Nested use passes."""

    def waiting(holder: dict) -> None:
        print(
            f"[dtks] menunggu proses lain (PID {holder.get('pid') or '?'}) yang sedang menulis "
            f"{settings.data_dir} ... (waiting for another run writing the data folder)",
            file=sys.stderr,
            flush=True,
        )

    # many-kabupaten layout: one lock per kabupaten, so kabupaten are prepared side by side
    sub = settings.kabupaten_folder
    lock = settings.data_dir / (f".dtks-data-{sub}.lock" if sub else DATA_LOCK)
    with locks.file_lock(lock, wait=waiting):
        yield


def prepare_month(
    month: str, settings: Settings, progress: bool = False, force: bool = False
) -> MonthData:
    """Ingest, clean and validate a month; write interim data and correction worklists.

    Reuses ``data/interim/<month>/`` when the month's input files, the code and the
    relevant parameters are unchanged. Raises IngestError / ParamsError on bad input,
    leaving earlier interim data untouched. Runs under :func:`data_lock`.
    """
    with data_lock(settings):
        return _prepare_month(month, settings, progress, force)


def _remove_temporaries(folder: Path, month: str) -> None:
    """Temporary folders of ``month`` left by killed runs (call under the data lock)."""
    if folder.is_dir():
        for stale in folder.glob(f".{month}.tmp*"):
            shutil.rmtree(stale, ignore_errors=True)


def is_current(month: str, settings: Settings) -> bool:
    """True when the month's interim data and worklists (rewritten when missing) were prepared
    from its current input files, the code and the parameters (the cache key matches)."""
    out = interim_dir(settings, month)
    cache = out / "cache.json"
    cached = cache.is_file() and all((out / f).is_file() for f in INTERIM_FILES)
    if not (cached and (settings.corrections_root / month).is_dir()):
        return False
    key = _cache_key(settings, month, input_files(settings, month))
    try:
        return json.loads(cache.read_text())["key"] == key
    except (ValueError, KeyError):
        return False


def _prepare_month(month: str, settings: Settings, progress: bool, force: bool) -> MonthData:
    if not force and is_current(month, settings):
        log.info("%s: data bersih dipakai ulang (cache)", month)
        if progress:  # one line per month, read or not
            msg = f"Ekstrak {month}: tidak berubah, data bersih dipakai ulang"
            print(msg, file=sys.stderr, flush=True)
        return load_month(month, settings)
    inputs = input_files(settings, month)
    key = _cache_key(settings, month, inputs)
    out = interim_dir(settings, month)
    ref = month_end(month)
    log.info("%s: membaca ekstrak", month)
    result = ingest.read_month(month_dir(settings, month), settings, progress=progress)
    ingest.check_record_months(result.records, month, month_dir(settings, month))
    cleaned = clean.clean_records(result.records, settings)
    checked = validate.validate(cleaned, settings, reference_date=ref)
    checked.findings = findings_mod.with_masked_examples(checked.findings, cleaned)
    checked.findings = person_keys.with_person_keys(checked.findings, cleaned)  # history
    if checked.persons.empty:
        raise ingest.IngestError(
            f"{month_dir(settings, month)}: tidak ada satu pun baris dengan No KK yang dapat "
            f"diolah ({len(cleaned)} baris diterima, semuanya tidak dapat diolah). Periksa kolom "
            f"No KK: harus 16 digit, diketik sebagai teks (no row has a usable No KK)."
        )
    hh = households.build_households(
        checked.persons,
        reference_date=ref,
        umur_maks=settings.umur_maks,
        kunci_rumah_tangga=settings.kunci_rumah_tangga,
        desil_acuan=settings.desil_acuan,
    )

    summary = {
        "month": month,
        "baris": int(checked.n_rows),  # person rows (not DTSEN family rows)
        "baris_dihitung": int(len(checked.persons)),
        "baris_tidak_dapat_diolah": int(len(checked.excluded)),
        "baris_ganda": int(checked.n_duplicates),
        "rumah_tangga": int(len(hh)),
        "berkas": int(result.files["_file"].nunique()) if len(result.files) else 0,
        # villages with counted rows: decides next month's non-response without reading persons
        "desa_ada": sorted(checked.persons["kode_desa"].dropna().unique().tolist()),
        "peringatan_ingest": list(result.warnings),
        "inputs": inputs,
    }

    villages = checked.summary_by_village()
    _remove_temporaries(out.parent, month)
    _remove_temporaries(settings.corrections_root, month)
    tmp = out.with_name(f".{month}.tmp-{os.getpid()}")
    corr_tmp = settings.corrections_root / f".{month}.tmp-{os.getpid()}"
    try:
        tmp.mkdir(parents=True)
        _to_parquet(checked.persons, tmp / "persons.parquet")
        _to_parquet(hh, tmp / "households.parquet")
        _to_parquet(checked.findings, tmp / "findings.parquet")
        _to_parquet(result.files, tmp / "files.parquet")
        _to_parquet(villages, tmp / "villages.parquet")
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True))
        (tmp / "cache.json").write_text(json.dumps({"key": key}))
        corr_tmp.mkdir(parents=True)
        corrections.write_worklists(checked.findings, cleaned, month, corr_tmp, settings)
        written = corr_tmp / month
        corrections.write_file_list(result.files, month, written)
        if written.is_dir():
            replace_dir(written, settings.corrections_root / month)
        replace_dir(tmp, out)  # last: it holds the cache key, so a failure above redoes both
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(corr_tmp, ignore_errors=True)
    return MonthData(
        month, checked.persons, hh, checked.findings, result.files, summary, villages, key
    )


def _to_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` (index kept) with its object columns stored as strings.

    Columns of ``str``/``None`` go to Arrow strings directly (a copy and a pandas string
    conversion of every column cost ~2 s per scale-1 month); a column holding anything else
    takes the pandas ``astype("string")`` route. :func:`load_month` reads both back the same.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pa.Schema.from_pandas(df, preserve_index=True)
        for col in df.columns:
            if df[col].dtype == object:
                i = schema.get_field_index(col)
                schema = schema.set(i, pa.field(col, pa.string()))
        table = pa.Table.from_pandas(df, schema=schema, preserve_index=True)
    except (pa.ArrowException, TypeError, ValueError):
        df = df.copy()
        for col in df.columns:
            if df[col].dtype == object:
                df[col] = df[col].astype("string")
        df.to_parquet(path, index=True)
        return
    pq.write_table(table, path)


def load_month(month: str, settings: Settings, full: bool = True) -> MonthData:
    """Read a prepared month back from ``data/interim/<month>/``.

    ``full=False`` reads only the households, findings and summary (what trends, flows and
    non-response need from earlier months); the other tables are then empty.
    """
    d = interim_dir(settings, month)

    def read(name: str) -> pd.DataFrame:
        if not full and name not in ("households.parquet", "findings.parquet"):
            return pd.DataFrame()
        return _read_parquet(d / name)

    try:
        key = json.loads((d / "cache.json").read_text())["key"]
    except (OSError, ValueError, KeyError):
        key = ""
    return MonthData(
        month,
        read("persons.parquet"),
        read("households.parquet"),
        read("findings.parquet"),
        read("files.parquet"),
        json.loads((d / "summary.json").read_text()),
        read("villages.parquet"),
        key,
    )


def _read_parquet(path: Path) -> pd.DataFrame:
    """Read a frame written by :func:`_to_parquet` (string columns back to ``str``/``None``)."""
    df = pd.read_parquet(path)
    for col in df.columns:
        if isinstance(df[col].dtype, pd.StringDtype):
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


def prepare_months(until: str, settings: Settings, progress: bool = False) -> dict[str, MonthData]:
    """Bring every month present up to ``until`` (inclusive) up to date: months to rebuild side
    by side in worker processes (:mod:`dtks_analysis.prepare_pool`), results in month order."""
    from dtks_analysis import prepare_pool

    with data_lock(settings):
        months = [m for m in available_months(settings) if m <= until]
        return prepare_pool.prepare_all(months, settings, progress)


# -- tables -----------------------------------------------------------------------------
@dataclass
class ReportTables:
    """Everything the report and the published tables show for one month."""

    month: str
    published: dict[str, pd.DataFrame]  # written as tabel/*.csv and the workbook
    extra: dict[str, pd.DataFrame]
    summary: dict  # the month's intake summary (rows, households, exclusions, files)
    previous_month: str | None
    findings: pd.DataFrame  # the month's validation findings (record level: never published)
    rekap_desa_lengkap: pd.DataFrame  # village table before suppression (never published)
    villages: pd.DataFrame  # findings per village (validate.summary_by_village)
    rekap_desil_lengkap: pd.DataFrame | None = None  # rekap_desil unsuppressed (DTSEN months)


def adjusted_households(data: dict[str, MonthData]) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Per month: (households incl. carried-forward non-respondents, non-respondent table)."""

    out: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    for m, md in data.items():
        prev = data.get(previous_month(m))
        villages = set(md.summary["desa_ada"])
        out[m] = nonresponse.adjust(md.households, prev.households if prev else None, villages)
    return out


def _kualitas(findings: pd.DataFrame, full: pd.DataFrame, mask, settings: Settings) -> pd.DataFrame:
    """``kualitas_data``: findings per rule, then the information loss of disclosure control."""
    rules_t = rules.rules_table(settings.kabupaten_nama)
    loss = disclosure.information_loss(full, mask, settings.min_cell)
    return pd.concat([stats.kualitas_data(findings, rules_t), loss], ignore_index=True)


def build_tables(
    month: str, settings: Settings, data: dict[str, MonthData] | None = None
) -> ReportTables:
    """Compute every published table of ``month`` from the prepared months up to it."""

    if data is None:
        data = {
            m: load_month(m, settings, full=(m == month))
            for m in available_months(settings)
            if m <= month
        }
    adjusted = adjusted_households(data)
    hh, nonresp = adjusted[month]
    prev_m = previous_month(month)
    prev_hh = adjusted[prev_m][0] if prev_m in adjusted else None
    cur = data[month]
    ref = month_end(month)

    rekap_kec = stats.rekap_kecamatan(hh, settings.kabupaten_kode)
    village = protection.published_villages(
        adjusted, month, settings.min_cell, settings.kabupaten_kode
    )[month]
    rekap_desa_full, rekap_desa = village.lengkap, village.terbit.desa
    tren = flows.tren_bulanan({m: adjusted[m][0] for m in sorted(adjusted) if m <= month})
    published = {
        "rekap_kecamatan": rekap_kec,
        "rekap_desa": rekap_desa,
        "kombinasi_program": stats.kombinasi_program(hh),
        "arus_program": flows.arus_program(prev_hh, hh),
        "tren_bulanan": tren,
        "kualitas_data": _kualitas(cur.findings, rekap_desa_full, village.mask, settings),
    }
    extra = {
        "cakupan_program": stats.cakupan_program(hh, settings.kabupaten_kode),
        "ukuran_rumah_tangga": stats.ukuran_rumah_tangga(hh),
        "jk_kepala": stats.jk_kepala(hh),
        "struktur_umur": stats.struktur_umur(cur.persons, ref, umur_maks=settings.umur_maks),
        "nonrespon": disclosure.nonrespon_published(nonresp, rekap_desa),
        "tren_kualitas": flows.tren_kualitas(
            {m: d.findings for m, d in data.items()},
            {m: d.summary["baris"] for m, d in data.items()},
        ),
        "berkas_masuk": stats.received_summary(cur.files),
    }
    desil, desil_full = desil_tables(adjusted, month, settings) if has_dtsen(hh) else ({}, None)
    loss = desil.pop(SENSOR, None)  # information loss of the desil tables' protection
    if loss is not None:
        published["kualitas_data"] = pd.concat(
            [published["kualitas_data"], loss], ignore_index=True
        )
    published.update(desil)  # DTSEN households this month (issue 13); none in DTKS-only months
    if desil:
        extra["sumber_data"] = sumber_data({m: a[0] for m, a in adjusted.items()})
    return ReportTables(
        month,
        published,
        extra,
        cur.summary,
        prev_m if prev_m in adjusted else None,
        cur.findings,
        rekap_desa_full,
        cur.villages,
        desil_full,
    )


# -- persisted tables ---------------------------------------------------------------------
#: ``data/interim/<month>/tabel/``: the month's ReportTables as the run built them. Confidential
#: (the ``*_lengkap`` tables are unsuppressed), never under ``outputs/``; it goes with the month's
#: interim folder when that is rebuilt.
TABLES_DIR = "tabel"


def tables_dir(settings: Settings, month: str) -> Path:
    return interim_dir(settings, month) / TABLES_DIR


def tables_key(month: str, keys: dict[str, str]) -> str | None:
    """Key of a month's tables: the interim cache keys (input files, whole package code, every
    parameter) of every month up to it. None when a month has no key (never stored)."""
    if month not in keys or not all(keys.values()):
        return None
    relevant = {"month": month, "months": dict(sorted(keys.items()))}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def current_keys(until: str, settings: Settings) -> dict[str, str]:
    """Interim cache key, as of now, of every month present up to ``until``."""
    return {
        m: _cache_key(settings, m, input_files(settings, m))
        for m in available_months(settings)
        if m <= until
    }


def interim_key(settings: Settings, month: str) -> str | None:
    try:
        return json.loads((interim_dir(settings, month) / "cache.json").read_text())["key"]
    except (OSError, ValueError, KeyError):
        return None


def save_tables(tables: ReportTables, settings: Settings, keys: dict[str, str]) -> Path | None:
    """Store ``tables`` under ``data/interim/<month>/tabel/`` with the key of ``keys`` (the
    interim keys of the months they were built from); atomically, under the data lock. Nothing
    is stored when the month's interim data changed meanwhile (another run rebuilt it)."""
    month = tables.month
    key = tables_key(month, keys)
    folder = tables_dir(settings, month)
    with data_lock(settings):
        if key is None or interim_key(settings, month) != keys[month]:
            return None
        for stale in folder.parent.glob(f".{TABLES_DIR}.tmp*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = folder.with_name(f".{TABLES_DIR}.tmp-{os.getpid()}")
        try:
            for group in ("published", "extra"):
                (tmp / group).mkdir(parents=True)
                for name, df in getattr(tables, group).items():
                    _to_parquet(df, tmp / group / f"{name}.parquet")
            _to_parquet(tables.rekap_desa_lengkap, tmp / "rekap_desa_lengkap.parquet")
            if tables.rekap_desil_lengkap is not None:
                _to_parquet(tables.rekap_desil_lengkap, tmp / "rekap_desil_lengkap.parquet")
            meta = {
                "key": key,
                "month": month,
                "previous_month": tables.previous_month,
                "published": list(tables.published),
                "extra": list(tables.extra),
            }
            (tmp / "tables.json").write_text(json.dumps(meta, indent=2))
            replace_dir(tmp, folder)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


def stored_tables(month: str, settings: Settings, keys: dict[str, str]) -> ReportTables | None:
    """The stored tables of ``month`` if they were built from months with exactly ``keys``
    (call under the data lock), else None: a stale table set is never returned."""
    folder = tables_dir(settings, month)
    key = tables_key(month, keys)
    try:
        meta = json.loads((folder / "tables.json").read_text())
    except (OSError, ValueError):
        return None
    if key is None or meta.get("key") != key or interim_key(settings, month) != keys[month]:
        return None
    d = interim_dir(settings, month)
    try:
        return ReportTables(
            month,
            {n: _read_parquet(folder / "published" / f"{n}.parquet") for n in meta["published"]},
            {n: _read_parquet(folder / "extra" / f"{n}.parquet") for n in meta["extra"]},
            json.loads((d / "summary.json").read_text()),
            meta["previous_month"],
            _read_parquet(d / "findings.parquet"),
            _read_parquet(folder / "rekap_desa_lengkap.parquet"),
            _read_parquet(d / "villages.parquet"),
            _read_parquet(p) if (p := folder / "rekap_desil_lengkap.parquet").exists() else None,
        )
    except (OSError, ValueError, KeyError) as exc:
        log.warning("%s: tabel tersimpan tidak terbaca (%s); dihitung ulang", month, exc)
        return None


def report_tables(month: str, settings: Settings, data: dict[str, MonthData]) -> ReportTables:
    """The tables of ``month`` from the prepared months ``data`` (every month up to it): the
    stored set when it was built from the same months, else built now and stored."""
    keys = {m: d.key for m, d in data.items()}
    with data_lock(settings):
        found = stored_tables(month, settings, keys)
    if found is not None:
        log.info("%s: tabel tersimpan dipakai ulang (%s)", month, tables_dir(settings, month))
        return found
    tables = build_tables(month, settings, data)
    save_tables(tables, settings, keys)
    return tables


def load_tables(month: str, settings: Settings) -> ReportTables:
    """What notebook 02 shows: the tables the run stored, when every month's input files, the
    code and the parameters are unchanged since; otherwise (the notebook opened without a run,
    or inputs changed) the months are prepared and the tables built and stored."""
    with data_lock(settings):
        found = stored_tables(month, settings, current_keys(month, settings))
        if found is not None:
            return found
        data = prepare_months(month, settings)
    return report_tables(month, settings, data)
