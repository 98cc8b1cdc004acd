"""Orchestration of a month: prepare (ingest -> clean -> validate -> households, cached) and
build the published tables from every month present up to the report month."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dtks_analysis import __version__, locks
from dtks_analysis.config import (
    MONTH_RE,
    ParamsError,
    Settings,
    check_month,
    month_end,
    previous_month,
)
from dtks_analysis.counting.disclosure_lp import BulanTerbit
from dtks_analysis.fsutil import TreeError, replace_dir, walk_files

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
    from dtks_analysis.intake.ingest import IngestError

    try:
        listing = walk_files(month_dir(settings, month))
    except TreeError as exc:
        raise IngestError(str(exc)) from None
    return {rel: sha256_file(p) for p, rel in listing}


def code_fingerprint() -> str:
    """Hash of the whole package's code and reference data (every ``.py`` and every file under
    ``data/``): any change to the package invalidates every cached month, so the cache cannot go
    stale through a module nobody remembered to list."""
    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    files = sorted(pkg.rglob("*.py")) + sorted(p for p in (pkg / "data").rglob("*") if p.is_file())
    for p in files:
        h.update(p.relative_to(pkg).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


#: settings that only say where files live or which month is asked: not part of the cache key
_NOT_IN_KEY = {"data_dir", "out_dir", "raw_dir", "month", "sources"}


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


# -- month consistency ----------------------------------------------------------------
_NAME_MONTH = re.compile(r"(?<!\d)(20\d{2})[-_. ]?(0[1-9]|1[0-2])(?!\d)")
_PERIOD_COLUMNS = ("x_periode", "x_bulan", "x_bulan_data", "x_tanggal_data", "x_tgl_data")


def check_record_months(records: pd.DataFrame, month: str, month_path: Path) -> None:
    """Refuse files that say they belong to another month.

    A file whose name carries a ``YYYY-MM`` (or ``YYYYMM``) other than ``month``, or whose
    period column (``PERIODE``, ``BULAN``, ``TANGGAL DATA``) names only other months, raises
    IngestError naming the file: it was probably dropped in the wrong month folder.
    """
    from dtks_analysis.intake.ingest import IngestError

    for rel in sorted(records["_file"].unique()) if len(records) else []:
        found = {f"{y}-{m}" for y, m in _NAME_MONTH.findall(Path(rel).stem)}
        if found and month not in found:
            raise IngestError(
                f"{month_path / rel}: nama berkas menunjuk bulan {', '.join(sorted(found))}, "
                f"bukan {month}. Pindahkan berkas ke folder bulannya "
                f"(file name says another month than its folder)."
            )
    for col in _PERIOD_COLUMNS:
        if col not in records:
            continue
        text = records[col].dropna().astype(str)
        iso = text.str.extract(r"(20\d{2})[-/.](0[1-9]|1[0-2])").dropna()
        dmy = text.str.extract(r"(?:^|\D)(0[1-9]|1[0-2])[-/.](20\d{2})").dropna()
        months = pd.concat([iso[0] + "-" + iso[1], dmy[1] + "-" + dmy[0]], ignore_index=True)
        if len(months) and not (months == month).any():
            per_file = records.loc[months.index.intersection(records.index), "_file"]
            rel = per_file.iloc[0] if len(per_file) else records["_file"].iloc[0]
            raise IngestError(
                f"{month_path / rel}: kolom periode berisi bulan {', '.join(sorted(set(months))[:3])}, "
                f"bukan {month} (records are dated another month)."
            )


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

    with locks.file_lock(settings.data_dir / DATA_LOCK, wait=waiting):
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


def _prepare_month(month: str, settings: Settings, progress: bool, force: bool) -> MonthData:
    from dtks_analysis.counting import households
    from dtks_analysis.editing import clean, corrections, validate
    from dtks_analysis.intake import ingest

    inputs = input_files(settings, month)
    key = _cache_key(settings, month, inputs)
    out = interim_dir(settings, month)
    cache = out / "cache.json"
    derived = settings.corrections_root / month  # worklists: rewritten when missing
    cached = cache.is_file() and all((out / f).is_file() for f in INTERIM_FILES)
    if not force and cached and derived.is_dir():
        try:
            if json.loads(cache.read_text())["key"] == key:
                log.info("%s: data bersih dipakai ulang (cache)", month)
                return load_month(month, settings)
        except (ValueError, KeyError):
            pass

    ref = month_end(month)
    log.info("%s: membaca ekstrak", month)
    result = ingest.read_month(month_dir(settings, month), settings, progress=progress)
    check_record_months(result.records, month, month_dir(settings, month))
    cleaned = clean.clean_records(result.records, settings)
    checked = validate.validate(cleaned, settings, reference_date=ref)
    checked.findings = with_masked_examples(checked.findings, cleaned)
    if checked.persons.empty:
        raise ingest.IngestError(
            f"{month_dir(settings, month)}: tidak ada satu pun baris dengan No KK yang dapat "
            f"diolah ({len(cleaned)} baris diterima, semuanya tidak dapat diolah). Periksa kolom "
            f"No KK: harus 16 digit, diketik sebagai teks (no row has a usable No KK)."
        )
    hh = households.build_households(checked.persons, reference_date=ref)

    summary = {
        "month": month,
        "baris": int(len(cleaned)),
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
        corrections.write_worklists(checked.findings, cleaned, month, corr_tmp)
        written = corr_tmp / month
        write_file_list(result.files, month, written)
        if written.is_dir():
            replace_dir(written, settings.corrections_root / month)
        replace_dir(tmp, out)  # last: it holds the cache key, so a failure above redoes both
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(corr_tmp, ignore_errors=True)
    return MonthData(month, checked.persons, hh, checked.findings, result.files, summary, villages)


def with_masked_examples(findings: pd.DataFrame, cleaned: pd.DataFrame) -> pd.DataFrame:
    """Add ``contoh``: the ID as received, masked (``1211********0001``), for NIK/KK rules.

    Reviewers see the shape of a defect without the number; other rules get None.
    """
    from dtks_analysis.formatting import mask_id

    out = findings.copy()
    kode = out["kode_aturan"].astype(str)
    nik = cleaned["nik_raw"].reindex(out["record"]).to_numpy()
    kk = cleaned["no_kk_raw"].reindex(out["record"]).to_numpy()
    raw = np.where(kode.str.startswith("nik_"), nik, np.where(kode.str.startswith("kk_"), kk, None))
    masked = {v: mask_id(v) for v in pd.unique(raw[pd.notna(raw)])}
    out["contoh"] = [masked.get(v) if v is not None and v == v else None for v in raw]
    return out


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
        df = pd.read_parquet(d / name)
        for col in df.columns:
            if isinstance(df[col].dtype, pd.StringDtype):
                df[col] = df[col].astype(object).where(df[col].notna(), None)
        return df

    return MonthData(
        month,
        read("persons.parquet"),
        read("households.parquet"),
        read("findings.parquet"),
        read("files.parquet"),
        json.loads((d / "summary.json").read_text()),
        read("villages.parquet"),
    )


def prepare_months(until: str, settings: Settings, progress: bool = False) -> dict[str, MonthData]:
    """Bring every month present up to ``until`` (inclusive) up to date, in order."""
    with data_lock(settings):
        months = [m for m in available_months(settings) if m <= until]
        return {m: prepare_month(m, settings, progress=progress) for m in months}


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


def adjusted_households(data: dict[str, MonthData]) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Per month: (households incl. carried-forward non-respondents, non-respondent table)."""
    from dtks_analysis.counting import nonresponse

    out: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    for m, md in data.items():
        prev = data.get(previous_month(m))
        villages = set(md.summary["desa_ada"])
        out[m] = nonresponse.adjust(md.households, prev.households if prev else None, villages)
    return out


@dataclass
class VillageMonth:
    """A month's village table: true (``lengkap``) and as published (``terbit``)."""

    lengkap: pd.DataFrame
    terbit: BulanTerbit
    mask: pd.DataFrame


def published_villages(
    adjusted: dict[str, tuple[pd.DataFrame, pd.DataFrame]],
    month: str,
    min_cell: int,
    memo: dict[str, VillageMonth] | None = None,
) -> dict[str, VillageMonth]:
    """Suppressed village table of ``month`` and of the months it depends on.

    A month with villages carried forward is suppressed consistently with last month's
    published table (:func:`disclosure.suppress` with ``sebelumnya``), so last month is
    suppressed first (recursively, until a month without carried villages).
    """
    from dtks_analysis.counting import disclosure, stats

    memo = {} if memo is None else memo
    if month in memo:
        return memo
    hh, nonresp = adjusted[month]
    full = stats.rekap_desa(hh)
    cols = [c for c in stats.MEASURES if c in full.columns]
    dibawa = set(nonresp["kode_desa"].dropna())
    prev_m = previous_month(month)
    sebelumnya, turun = None, set()
    if dibawa and prev_m in adjusted:
        prev = published_villages(adjusted, prev_m, min_cell, memo)[prev_m]
        sebelumnya = prev.terbit
        turun = _villages_lower_than_last_month(full, prev.lengkap, dibawa, cols)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", disclosure.DisclosureWarning)
        terbit, mask = disclosure.suppress(
            full,
            cols,
            min_cell=min_cell,
            lp=True,
            dibawa=dibawa,
            sebelumnya=sebelumnya,
            turun=turun,
        )
    kec = stats.rekap_kecamatan(hh)
    named = disclosure.named_carried(terbit, dibawa)
    unnamed = set(nonresp.loc[~nonresp["kode_desa"].isin(named), "kode_kecamatan"].dropna())
    primer = disclosure.primary_mask(full, cols, min_cell)
    memo[month] = VillageMonth(
        full, BulanTerbit(month, terbit, kec, primer, named, turun, unnamed), mask
    )
    if mask.attrs.get("model_lemah"):
        log.info("%s: dilindungi terhadap penyerang lemah: %s", month, mask.attrs["model_lemah"])
    if mask.attrs.get("tidak_terlindungi"):
        log.warning(
            "%s: sel tersembunyi yang tetap dapat dihitung dari total kecamatan: %s",
            month,
            mask.attrs["tidak_terlindungi"],
        )
    return memo


def _villages_lower_than_last_month(
    full: pd.DataFrame, prev_full: pd.DataFrame, dibawa: set[str], cols: list[str]
) -> set[str]:
    """Carried villages whose cells differ from last month's (a family moved away)."""
    keep = [c for c in cols if c != "rt_imputasi"]
    a = full[full["kode_desa"].isin(dibawa)].set_index("kode_desa")[keep]
    b = prev_full.drop_duplicates("kode_desa").set_index("kode_desa")[keep].reindex(a.index)
    return set(a.index[(a != b).any(axis=1).to_numpy()])


def received_summary(files: pd.DataFrame) -> pd.DataFrame:
    """Published intake: one kabupaten row ``berkas, lembar, baris`` (files, sheets, rows).

    Nothing per file or per kind of file: a village's own file holds that village's persons,
    and a per-kind split can isolate one file. The list per file stays confidential
    (:func:`received_files`, written under ``data/corrections/<month>/``).
    """
    return pd.DataFrame(
        {
            "berkas": [int(files["_file"].nunique()) if len(files) else 0],
            "lembar": [int(len(files))],
            "baris": [int(files["rows"].sum()) if len(files) else 0],
        }
    )


FILE_LIST_COLUMNS: dict[str, str] = {
    "_file": "Berkas",
    "_sheet": "Lembar",
    "header_row": "Baris judul kolom",
    "rows": "Baris data",
    "unknown_columns": "Kolom tidak dikenal",
    "skema_hubungan": "Skema hubungan",
}


def file_list_path(corrections_root: Path, month: str) -> Path:
    """``data/corrections/<month>/berkas_masuk_<month>.xlsx``: the confidential file list."""
    return corrections_root / month / f"berkas_masuk_{month}.xlsx"


def write_file_list(files: pd.DataFrame, month: str, folder: Path) -> Path:
    """Write every (file, sheet) read with its header row, rows and unknown columns to
    ``folder/berkas_masuk_<month>.xlsx`` (CONFIDENTIAL: rows of a village's own file are that
    village's persons, so it is never published)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"berkas_masuk_{month}.xlsx"
    cols = [c for c in FILE_LIST_COLUMNS if c in files.columns]
    table = files[cols].rename(columns=FILE_LIST_COLUMNS)
    # file names are text, never formulas (a name starting with "=" must not run)
    options = {"options": {"strings_to_formulas": False, "strings_to_urls": False}}
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs=options) as xw:
        table.to_excel(xw, sheet_name="Berkas", index=False, startrow=2)
        ws = xw.sheets["Berkas"]
        ws.write_string(0, 0, f"RAHASIA - berkas yang diterima {month} (jangan diterbitkan)")
        ws.set_column(0, 0, 48)
        ws.set_column(1, len(cols) - 1, 16)
    return path


def received_files(files: pd.DataFrame) -> pd.DataFrame:
    """Records received per source file (sheets summed): ``berkas, lembar, baris``."""
    if files.empty:
        return pd.DataFrame({"berkas": [], "lembar": [], "baris": []})
    g = files.groupby("_file", sort=True).agg(lembar=("_sheet", "count"), baris=("rows", "sum"))
    return g.reset_index().rename(columns={"_file": "berkas"})


def build_tables(
    month: str, settings: Settings, data: dict[str, MonthData] | None = None
) -> ReportTables:
    """Compute every published table of ``month`` from the prepared months up to it."""
    from dtks_analysis.counting import disclosure, flows, stats
    from dtks_analysis.editing import rules

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

    rekap_kec = stats.rekap_kecamatan(hh)
    village = published_villages(adjusted, month, settings.min_cell)[month]
    rekap_desa_full, rekap_desa = village.lengkap, village.terbit.desa
    tren = flows.tren_bulanan({m: adjusted[m][0] for m in sorted(adjusted) if m <= month})
    published = {
        "rekap_kecamatan": rekap_kec,
        "rekap_desa": rekap_desa,
        "kombinasi_program": stats.kombinasi_program(hh),
        "arus_program": flows.arus_program(prev_hh, hh),
        "tren_bulanan": tren,
        "kualitas_data": stats.kualitas_data(cur.findings, rules.rules_table()),
    }
    extra = {
        "cakupan_program": stats.cakupan_program(hh),
        "ukuran_rumah_tangga": stats.ukuran_rumah_tangga(hh),
        "jk_kepala": stats.jk_kepala(hh),
        "struktur_umur": stats.struktur_umur(cur.persons, ref),
        "nonrespon": disclosure.nonrespon_published(nonresp, rekap_desa),
        "tren_kualitas": flows.tren_kualitas(
            {m: d.findings for m, d in data.items()},
            {m: d.summary["baris"] for m, d in data.items()},
        ),
        "berkas_masuk": received_summary(cur.files),
    }
    return ReportTables(
        month,
        published,
        extra,
        cur.summary,
        prev_m if prev_m in adjusted else None,
        cur.findings,
        rekap_desa_full,
        cur.villages,
    )
