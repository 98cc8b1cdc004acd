"""A month: every extract file read, checked (identical files, another kabupaten) and stacked
into one :class:`IngestResult`; and :func:`check_record_months` (files of another month)."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd
from tqdm import tqdm

from dtks_analysis.config import Settings
from dtks_analysis.intake.ingest import dtsen
from dtks_analysis.intake.ingest.csvfile import read_csv
from dtks_analysis.intake.ingest.excel import read_excel, sheet_formula_count
from dtks_analysis.intake.ingest.folder import (
    CSV_SUFFIXES,
    OTHER_SPREADSHEETS,
    list_extracts,
    read_sumber,
)
from dtks_analysis.intake.ingest.guards import check_file_size
from dtks_analysis.intake.ingest.header import no_header_error
from dtks_analysis.intake.ingest.messages import IngestError, place
from dtks_analysis.intake.ingest.regioncheck import check_region
from dtks_analysis.intake.ingest.table import concat_records

_T = TypeVar("_T")

FILE_COLUMNS = (
    "_file",
    "_sheet",
    "header_row",
    "rows",
    "unknown_columns",
    "skema_hubungan",
    "sha256",
)


@dataclass
class IngestResult:
    """Records of a month (one row per data row), the files/sheets read, and warnings."""

    records: pd.DataFrame
    files: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_file(
    path: Path, rel: str, scheme: str, kode: str
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """One extract file -> (records, files rows, warnings)."""
    check_file_size(path, rel)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(
            f"{rel}: file tidak dapat dibuka ({exc.strerror}). Periksa hak akses file. "
            f"(cannot open the file)"
        ) from exc
    if not data:
        raise IngestError(
            f"{rel}: file kosong (0 byte). Minta pengirim mengirim ulang file, atau hapus file "
            f"ini dari folder bulan. (empty file, 0 bytes: ask the sender for the file again)"
        )
    digest = _sha256(data)
    suffix = path.suffix.lower()
    warnings: list[str] = []
    try:
        if suffix in CSV_SUFFIXES:
            tables, warnings = read_csv(data, rel, scheme, kode)
            kind = "CSV"
        else:
            tables = read_excel(data, rel, scheme, kode)
            kind = "Excel"
    except MemoryError:
        raise IngestError(
            f"{rel}: memori tidak cukup untuk membaca file ini ({len(data)} byte). Periksa apakah "
            f"file berisi baris/kolom kosong berformat sampai jauh ke bawah/kanan; hapus, simpan "
            f"ulang, lalu jalankan lagi. (out of memory while reading this file)"
        ) from None
    with_header = [t for t in tables if t.status in ("ok", "headeronly")]
    if not with_header:
        if all(t.status == "empty" for t in tables):
            n_f = sum(sheet_formula_count(data, t.sheet) for t in tables)
            if n_f:
                raise _formula_error(rel, tables[0].sheet if tables else "", n_f)
            raise IngestError(
                f"{rel}: semua sheet kosong, tidak ada data. Minta pengirim mengirim ulang file "
                f"yang berisi data, atau hapus file ini dari folder bulan. (all sheets of the "
                f"workbook are empty: ask for the file again)"
            )
        raise no_header_error(rel, [t.sheet for t in tables], kind)
    for t in tables:
        if t.status == "noheader":
            warnings.append(
                f"{place(rel, t.sheet)}: tidak ada header yang dikenali; sheet ini dilewati "
                f"(no recognisable header; sheet skipped)"
            )
        elif t.status == "headeronly":
            n_f = sheet_formula_count(data, t.sheet)
            if n_f:
                raise _formula_error(rel, t.sheet, n_f)
            warnings.append(
                f"{place(rel, t.sheet or None)}: hanya berisi header, tanpa baris data "
                f"(header only, no records)"
            )
    recs = [t.records for t in with_header if t.records is not None and len(t.records)]
    records = concat_records(recs)
    files = pd.DataFrame(
        {
            "_file": rel,
            "_sheet": [t.sheet for t in with_header],
            "header_row": [int(t.header_row or 0) for t in with_header],
            "rows": [0 if t.records is None else len(t.records) for t in with_header],
            "unknown_columns": [",".join(t.unknown) for t in with_header],
            "skema_hubungan": scheme,
            "sha256": digest,
        },
        columns=list(FILE_COLUMNS),
    )
    for t in with_header:
        warnings.extend(t.warnings)
    with_records = [t for t in with_header if t.status == "ok"]
    if len(with_records) > 1:  # a sheet computed from another would count its records twice
        for t in with_records:
            n_f = sheet_formula_count(data, t.sheet)
            if n_f:
                warnings.append(
                    f"{place(rel, t.sheet)}: berisi {n_f} sel rumus (formula); nilai tersimpan "
                    f"dipakai. Pastikan sheet ini bukan salinan (rumus) dari sheet lain agar data "
                    f"tidak terhitung dua kali (sheet holds formulas; check it does not copy "
                    f"another sheet)"
                )
    if not len(records) and len(with_header) == sum(t.status == "headeronly" for t in tables):
        warnings.append(f"{rel}: file tidak berisi baris data (file has no records)")
    return records, files, warnings


def _formula_error(rel: str, sheet: str, n: int) -> IngestError:
    return IngestError(
        f"{place(rel, sheet or None)}: sel berisi rumus (formula) tanpa nilai tersimpan "
        f"({n} rumus; semua baris data terbaca kosong). Buka file di Excel agar rumus dihitung lalu "
        f"simpan, atau salin lalu 'Tempel Nilai' (Paste Values), kemudian kirim lagi. (formulas "
        f"without cached values: open and save the file in Excel, or paste values)"
    )


def read_file(path: Path, rel: str, scheme: str, kode: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one extract file: (records, one ``files`` row per sheet read).

    The file's warnings are in ``files.attrs["warnings"]``. Raises IngestError.
    """
    records, files, warnings = _read_file(Path(path), rel, scheme, kode)
    files.attrs["warnings"] = warnings
    return records, files


def read_month(month_dir: Path, settings: Settings, progress: bool = False) -> IngestResult:
    """Read every extract of a month folder into one records table (contract section 1).

    Raises IngestError for a missing or empty folder, an unreadable file, a file without a
    recognisable header or a required column, a file for another kabupaten, two identical
    files, or a month without any record.
    """
    month_dir = Path(month_dir)
    if not month_dir.is_dir():
        raise IngestError(
            f"{month_dir}: folder bulan tidak ditemukan. Periksa bulan yang diminta, atau "
            f"letakkan file ekstrak di folder ini. (month folder not found: check the month or "
            f"put the extracts there)"
        )
    schemes, sumber_path = read_sumber(month_dir, settings.skema_hubungan)
    files, ignored = list_extracts(month_dir)
    other_sheets = [rel for rel in ignored if Path(rel).suffix.lower() in OTHER_SPREADSHEETS]
    if other_sheets:
        raise IngestError(
            f"{other_sheets[0]}: format lembar kerja ini tidak didukung. Buka di Excel/LibreOffice "
            f"lalu 'Simpan Sebagai' Excel Workbook (.xlsx) dan hapus file aslinya dari folder "
            f"bulan. (unsupported spreadsheet format: save it as .xlsx)"
        )
    if not files:
        what = f" (isi folder: {', '.join(ignored[:10])})" if ignored else " (folder kosong)"
        raise IngestError(
            f"{month_dir}: tidak ada file ekstrak (.xlsx, .xlsm, .xls, .csv) di folder bulan"
            f"{what}. Salin file kiriman desa/kecamatan ke folder ini, lalu jalankan lagi. "
            f"(no extract files in the month folder)"
        )
    warnings: list[str] = [
        f"{rel}: bukan file ekstrak (.xlsx/.xlsm/.xls/.csv); diabaikan (not an extract; ignored)"
        for rel in ignored
    ]
    known = {rel for _, rel in files}
    warnings += [
        f"{sumber_path}: '{rel}' tidak ada di folder bulan (file listed in sumber.yaml not found)"
        for rel in sorted(set(schemes) - known)
    ]
    all_records: list[pd.DataFrame] = []
    all_files: list[pd.DataFrame] = []
    by_hash: dict[str, str] = {}
    for path, rel in counted(files, f"Membaca ekstrak {month_dir.name}", progress):
        scheme = schemes.get(rel, settings.skema_hubungan)
        records, frows, warns = _read_file(path, rel, scheme, settings.kabupaten_kode)
        digest = frows["sha256"].iloc[0]
        if digest in by_hash:
            raise IngestError(
                f"{rel}: isinya sama persis dengan {by_hash[digest]} (file ganda). Hapus salah "
                f"satunya agar data tidak terhitung dua kali. (identical to another file: remove "
                f"one so records are not counted twice)"
            )
        by_hash[digest] = rel
        if rel not in schemes and "sumber" in records and (records["sumber"] == "dtsen").any():
            frows["skema_hubungan"] = "dukcapil"  # DTSEN files code relationships as Dukcapil
        warnings += warns
        warnings += check_region(records, rel, settings)
        all_records.append(records)
        all_files.append(frows)
    records, joined = dtsen.join_families(concat_records(all_records), schemes)
    warnings += joined
    files_df = pd.concat(all_files, ignore_index=True)
    if records.empty:
        raise IngestError(
            f"{month_dir}: tidak ada satu pun baris data di {len(files)} file ekstrak bulan ini "
            f"(semua hanya berisi header atau kosong). Periksa file kiriman. (no records in any "
            f"of the month's files)"
        )
    return IngestResult(records, files_df, warnings)


def counted(items: Sequence[_T], label: str, enabled: bool, unit: str = "berkas") -> Iterator[_T]:
    """Iterate ``items`` showing one line ``"<label>: n/N <unit>"`` on stderr: on a terminal
    rewritten in place as the files are read (tqdm), in a log or pipe written once at the end
    (no stream of carriage-return updates)."""
    if not enabled:
        yield from items
        return
    if sys.stderr.isatty():
        fmt = "{desc}: {n_fmt}/{total_fmt} " + unit + " [{elapsed}]"
        yield from tqdm(items, desc=label, bar_format=fmt, file=sys.stderr)
        return
    for n, item in enumerate(items, start=1):
        yield item
        if n == len(items):
            print(f"{label}: {n}/{len(items)} {unit}", file=sys.stderr, flush=True)


_NAME_MONTH = re.compile(r"(?<!\d)(20\d{2})[-_. ]?(0[1-9]|1[0-2])(?!\d)")


_PERIOD_COLUMNS = ("x_periode", "x_bulan", "x_bulan_data", "x_tanggal_data", "x_tgl_data")


def check_record_months(records: pd.DataFrame, month: str, month_path: Path) -> None:
    """Refuse files that say they belong to another month.

    A file whose name carries a ``YYYY-MM`` (or ``YYYYMM``) other than ``month``, or whose
    period column (``PERIODE``, ``BULAN``, ``TANGGAL DATA``) names only other months, raises
    IngestError naming the file: it was probably dropped in the wrong month folder.
    """
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
