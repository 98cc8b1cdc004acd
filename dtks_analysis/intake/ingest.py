"""Read a month's raw extracts (Excel and CSV) into one table of text records with provenance.

Contract: ``docs/architecture.md`` section 1. Every cell value becomes a stripped ``str`` or
``None``; numeric ID cells keep their raw cell type in ``_nik_type`` / ``_no_kk_type`` so that
Excel damage can be detected later (DOMAIN.md section 4). ``_row`` is the row number Excel shows
(1-based, counting title and header rows) or, for CSV, the 1-based line where the record starts.

Choices for inputs without records (documented here, tested in ``tests/test_ingest_bad_files.py``):

* a sheet with a header but no data rows, or a workbook/CSV that only holds a header, gives a
  **warning** (the file is listed in ``files`` with ``rows`` 0); if its data cells are formulas
  without stored values it is an **error**;
* a workbook whose sheets are all empty, or none of which has a recognisable header, is an error;
* a month in which no file holds any record is an error.

Other documented choices: hidden sheets with a header are read (with a warning); vertically
merged cells in the data area are filled down with their value (with a warning); a second
header row under a merged group cell (``PROGRAM`` over ``PKH BPNT PBI``) is merged into the
header; a header row repeated inside the data is dropped (with a warning); two byte-identical
files, and spreadsheets in formats that are not read (``.xlsb``, ``.ods``), stop the run;
CSV rows with more fields than the header are accepted only when the extra fields are empty.
Symlinked sub-folders and files are followed (a loop, a folder reached twice or a broken link
stops the run); files above :data:`MAX_FILE_BYTES`, workbooks that unpack beyond
:data:`MAX_XLSX_UNCOMPRESSED` or a big part compressed beyond :data:`MAX_ZIP_RATIO`, CSV cells
longer than the csv module's field limit and NUL bytes in a CSV stop the run with a message.
``_row`` is an ``int64`` column (all other values are ``str`` or ``None``).

Every :class:`IngestError` message names the file (and sheet / row / column where it applies),
says what is wrong and what to do, in Indonesian, then in English in parentheses. Messages never
quote cell values of ID or name columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine as pcal
import yaml
from tqdm import tqdm
from xlsxwriter.utility import xl_col_to_name

from dtks_analysis.config import (
    MAX_PARAMS_BYTES,
    PACKAGE_DATA,
    Settings,
    YamlAliasError,
    load_settings,
    load_yaml_text,
    short_repr,
    shorten,
    yaml_error_text,
)
from dtks_analysis.errors import DtksError
from dtks_analysis.fsutil import TreeError, walk_files
from dtks_analysis.intake.schema import (  # noqa: F401  (re-exported: part of the ingest API)
    CANONICAL,
    HEADER_MAP,
    ID_COLUMNS,
    LABELS,
    META,
    REQUIRED,
    _header_key,
    canonical_column,
)

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
CSV_SUFFIXES = (".csv",)
OTHER_SPREADSHEETS = (".xlsb", ".ods", ".numbers", ".xlt", ".xltx", ".xltm", ".fods")
"""Spreadsheets that are not read: stop rather than silently leave a village's data out."""
SUMBER_FILE = "sumber.yaml"
SKEMA = ("dtks", "dukcapil")

FILE_COLUMNS = (
    "_file",
    "_sheet",
    "header_row",
    "rows",
    "unknown_columns",
    "skema_hubungan",
    "sha256",
)
HEADER_SCAN_ROWS = 20
"""The header is searched among this many first non-blank rows of a sheet."""
MAX_FILE_BYTES = 256 << 20
"""Largest extract file read (256 MiB). A whole kabupaten of ~130 000 persons is ~9 MB as .xlsx
and ~35 MB as CSV; a bigger file is not an extract and would exhaust the memory."""
MAX_XLSX_UNCOMPRESSED = 1 << 30
"""Largest total uncompressed size of an .xlsx/.xlsm (1 GiB; the scale-1 sample's biggest
workbook, the whole kabupaten in one sheet, holds 100 MB)."""
MAX_ZIP_RATIO = 500
"""Largest compression ratio of a big workbook part. Sample workbooks: at most 11.3; a sheet
styled down to row 1,000,000 (blank rows, ``tests/test_ingest.py``): 343 at 55 MiB; deflate
tops at ~1030, which crafted "zip bombs" reach."""
ZIP_RATIO_MIN_BYTES = 128 << 20
"""Parts smaller than this (128 MiB uncompressed) are not checked for their ratio."""


class IngestError(DtksError):
    """A month's extracts cannot be read; the message names the file and what to do."""


@dataclass
class IngestResult:
    """Records of a month (one row per data row), the files/sheets read, and warnings."""

    records: pd.DataFrame
    files: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- cell values
def _other_to_text(v: Any) -> str:
    """Text of a cell that is not str/float/int/bool (dates, times, durations)."""
    if type(v) is dt.datetime:
        if v.time() == dt.time(0):
            return v.date().isoformat()
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


def _numbers_to_text(vals: np.ndarray, as_id: bool) -> np.ndarray:
    """Float cell values -> text: integral values as digits, others as the shortest repr."""
    out = np.empty(len(vals), dtype=object)
    finite = np.isfinite(vals)
    integral = finite & (np.floor(vals) == vals) if not as_id else finite
    small = integral & (np.abs(vals) < 2.0**62)
    if small.any():
        out[small] = np.trunc(vals[small]).astype(np.int64).astype(str).astype(object)
    big = integral & ~small
    if big.any():
        out[big] = [f"{int(v)}" for v in vals[big]]
    rest = ~integral
    if rest.any():
        out[rest] = vals[rest].astype(str).astype(object)
    return out


_TYPE_CODE = {str: 1, float: 2, int: 3, bool: 4, dt.datetime: 5, dt.date: 6}


def _dates_to_text(vals: np.ndarray, with_time: bool) -> np.ndarray:
    """date/datetime objects -> ISO ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM:SS`` if a time is set)."""
    try:
        stamps = pd.DatetimeIndex(vals).to_numpy().astype("datetime64[s]")
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return np.array([_other_to_text(v) for v in vals], dtype=object)
    day = stamps.astype("datetime64[D]")
    out = np.datetime_as_string(day, unit="D").astype(object)
    if with_time:
        timed = stamps != day
        if timed.any():
            out[timed] = np.char.replace(
                np.datetime_as_string(stamps[timed], unit="s"), "T", " "
            ).astype(object)
    return out


def _strip_strings(col: np.ndarray) -> np.ndarray:
    """str cells -> stripped str, ``""`` -> None (arrow kernels; Python only where changed)."""
    try:
        arr = pa.array(col, type=pa.string())
    except (pa.ArrowException, UnicodeError):  # e.g. lone surrogates
        out = pd.Series(col, dtype=object).str.strip().to_numpy(dtype=object)
        out[out == ""] = None
        return out
    trimmed = pc.utf8_trim_whitespace(arr)
    changed = pc.invert(pc.equal(arr, trimmed))
    out = col.copy()
    if pc.any(changed).as_py():
        idx = np.flatnonzero(changed.to_numpy(zero_copy_only=False))
        out[idx] = trimmed.take(pa.array(idx)).to_numpy(zero_copy_only=False)
    empty = pc.equal(trimmed, "").to_numpy(zero_copy_only=False)
    if empty.any():
        out[empty] = None
    return out


def _cells_to_text(col: np.ndarray, as_id: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Raw cell values -> (stripped str or None, mask of numeric cells)."""
    n = len(col)
    if n == 0:
        return np.empty(0, dtype=object), np.zeros(0, dtype=bool)
    s = pd.Series(col, dtype=object, copy=False)
    if pd.api.types.infer_dtype(s, skipna=False) == "string":
        return _strip_strings(col), np.zeros(n, dtype=bool)
    code = s.map(type).map(_TYPE_CODE).fillna(0).to_numpy(dtype=np.int8)
    out = np.full(n, None, dtype=object)
    is_str = code == 1
    if is_str.any():
        out[is_str] = _strip_strings(col[is_str])
    is_num = (code == 2) | (code == 3)
    if (code == 2).any():
        out[code == 2] = _numbers_to_text(col[code == 2].astype(np.float64), as_id)
    if (code == 3).any():
        out[code == 3] = [f"{v}" for v in col[code == 3]]
    if (code == 4).any():
        out[code == 4] = np.where(col[code == 4].astype(bool), "TRUE", "FALSE")
    for c in (5, 6):
        if (code == c).any():
            out[code == c] = _dates_to_text(col[code == c], with_time=c == 5)
    other = code == 0
    if other.any():
        vals = col[other]
        out[other] = [None if v is None else _other_to_text(v).strip() for v in vals]
    out[out == ""] = None
    return out, is_num


# --------------------------------------------------------------------------- header detection
@dataclass
class _Header:
    """A detected header: where it is and what each column is called."""

    index: int  # position in the rows list of the (first) header row
    data_start: int  # position of the first data row
    names: list[str | None]  # output column per position (None = blank, to decide later)
    texts: list[str]  # header text per position
    warnings: list[str]


def _row_mapping(row: Sequence[Any]) -> dict[str, int]:
    """Canonical column -> first position in a candidate header row."""
    found: dict[str, int] = {}
    for j, v in enumerate(row):
        if isinstance(v, str) and v.strip():
            c = canonical_column(v)
            if c is not None and c not in found:
                found[c] = j
    return found


def _is_blank_row(row: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _find_header(rows: Sequence[Sequence[Any]], where: str) -> _Header | None:
    """Find the header among the first non-blank rows; None if no row qualifies.

    A header needs NIK or NO KK plus at least two other known columns; the row mapping the
    most known columns wins (ties: the first). A second header row directly below (e.g. ``PKH``
    ``BPNT`` ``PBI`` under a merged ``PROGRAM`` cell) is merged into it.
    """
    best: tuple[int, int, dict[str, int]] | None = None
    seen = 0
    for i, row in enumerate(rows):
        if seen >= HEADER_SCAN_ROWS:
            break
        if _is_blank_row(row):
            continue
        seen += 1
        m = _row_mapping(row)
        if ("nik" in m or "no_kk" in m) and len(m) >= 3 and (best is None or len(m) > best[0]):
            best = (len(m), i, m)
    if best is None:
        return None
    _, hi, mapping = best
    texts = ["" if v is None else str(v).strip() for v in rows[hi]]
    data_start = hi + 1
    width = max(len(texts), len(rows[hi + 1]) if hi + 1 < len(rows) else 0)
    texts += [""] * (width - len(texts))
    # second header row below a merged group cell
    if hi + 1 < len(rows):
        sub = ["" if v is None else str(v).strip() for v in rows[hi + 1]]
        sub += [""] * (width - len(sub))
        new = {}
        ok = any(sub)
        for j, t in enumerate(sub):
            if not t:
                continue
            c = canonical_column(t)
            parent = canonical_column(texts[j]) if texts[j] else None
            if parent is not None and c != parent:
                ok = False
                break
            if c is None and parent is None and texts[j]:
                continue  # label under an unknown group cell: keep the sub label
            if c is None and not texts[j]:
                continue
            if c is not None and c not in mapping and c not in new.values():
                new[j] = c
        if ok and new:
            for j, t in enumerate(sub):
                if t and (canonical_column(t) is not None or not texts[j]):
                    texts[j] = t
            data_start = hi + 2

    names: list[str | None] = []
    used: set[str] = set()
    warnings: list[str] = []
    for j, t in enumerate(texts):
        if not t:
            names.append(None)
            continue
        c = canonical_column(t)
        key = _header_key(t) or f"kolom_{xl_col_to_name(j).lower()}"
        if c is not None and c not in used:
            used.add(c)
            names.append(c)
            continue
        if c is not None:
            warnings.append(
                f"{where}: kolom '{t}' ({xl_col_to_name(j)}) dobel untuk {c}; kolom pertama dipakai, "
                f"yang ini disimpan sebagai x_{key} (duplicate column for {c}; the first is used)"
            )
        names.append(f"x_{key}")
    # unique x_ names
    counts: dict[str, int] = {}
    for j, nm in enumerate(names):
        if nm is None or not nm.startswith("x_"):
            continue
        counts[nm] = counts.get(nm, 0) + 1
        if counts[nm] > 1:
            names[j] = f"{nm}_{counts[nm]}"
    return _Header(hi, data_start, names, texts, warnings)


# --------------------------------------------------------------------------- table building
@dataclass
class _Table:
    """Records of one sheet, or why there are none."""

    sheet: str
    records: pd.DataFrame | None = None
    header_row: int | None = None  # Excel row / CSV line of the header
    unknown: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    status: str = "ok"  # ok | empty | noheader | headeronly


def _where(rel: str, sheet: str | None) -> str:
    return f"{rel} (sheet '{sheet}')" if sheet else rel


def _missing_required(rel: str, sheet: str | None, hdr: _Header, header_row: int) -> None:
    present = {n for n in hdr.names if n}
    missing = [c for c in REQUIRED if c not in present]
    if not missing:
        return
    want = ", ".join(LABELS[c] for c in missing)
    found = shorten(", ".join(shorten(t, 40) for t in hdr.texts if t), 400)
    raise IngestError(
        f"{_where(rel, sheet)}: kolom wajib tidak ditemukan: {want} (header di baris "
        f"{header_row}). Kolom yang ditemukan: {found}. Tambahkan kolom tersebut atau perbaiki "
        f"judul kolomnya, lalu jalankan lagi. (required column(s) missing: {want}; "
        f"headers found: {found})"
    )


def _build_table(
    rows: list[list[Any]],
    rownums: np.ndarray,
    hdr: _Header,
    rel: str,
    sheet: str,
    scheme: str,
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Data rows (equal length) -> records frame (all text), unknown columns, warnings."""
    where = _where(rel, sheet or None)
    width = len(hdr.names)
    n = len(rows)
    warnings: list[str] = []
    grid = np.array(rows, dtype=object) if n else np.empty((0, width), dtype=object)
    if grid.ndim != 2:  # ragged rows (cannot happen for calamine; CSV rows are padded)
        grid = np.array(pd.DataFrame(rows).fillna("").to_numpy(dtype=object))
    data: dict[str, np.ndarray] = {}
    types: dict[str, np.ndarray] = {}
    unknown: list[str] = []
    keep = np.zeros(n, dtype=bool)
    for j in range(max(width, grid.shape[1])):
        raw = grid[:, j] if j < grid.shape[1] else np.full(n, "", dtype=object)
        name = hdr.names[j] if j < width else None
        text, is_num = _cells_to_text(raw, as_id=name in ID_COLUMNS)
        filled = np.not_equal(text, None)
        if name is None:
            if not filled.any():
                continue  # blank header, no data: an empty spacer column
            name = f"x_kolom_{xl_col_to_name(j).lower()}"
        keep |= filled
        if name in ID_COLUMNS:
            types[name] = np.where(is_num, "number", "text").astype(object)
        if name.startswith("x_"):
            unknown.append(name)
        data[name] = text
    del grid

    # repeated header rows inside the data
    id_col = "nik" if "nik" in data else "no_kk"
    ids = pd.Series(data[id_col], dtype=object)
    maybe = np.flatnonzero(
        keep & ids.notna().to_numpy() & ~ids.str.contains(r"[0-9]", na=True).to_numpy(dtype=bool)
    )
    repeated = []
    canon = [c for c in data if c in CANONICAL]
    for i in maybe:
        hits = sum(1 for c in canon if data[c][i] and canonical_column(data[c][i]) == c)
        if hits >= 3 and canonical_column(data[id_col][i]) == id_col:
            repeated.append(i)
    if repeated:
        keep[repeated] = False
        shown = ", ".join(str(int(rownums[i])) for i in repeated[:10])
        more = f" dan {len(repeated) - 10} lainnya" if len(repeated) > 10 else ""
        warnings.append(
            f"{where}: baris judul kolom (header) terulang di baris {shown}{more}; "
            f"baris tersebut dibuang (header repeated inside the data; dropped)"
        )
    m = int(keep.sum())
    everything = m == n
    none_col = np.full(m, None, dtype=object)

    def pick(a: np.ndarray) -> np.ndarray:
        return a if everything else a[keep]

    cols: dict[str, Any] = {
        "_file": np.full(m, rel, dtype=object),
        "_sheet": np.full(m, sheet, dtype=object),
        "_row": pick(np.asarray(rownums, dtype=np.int64)),
        "_nik_type": pick(types["nik"]) if "nik" in types else np.full(m, "text", dtype=object),
        "_no_kk_type": (
            pick(types["no_kk"]) if "no_kk" in types else np.full(m, "text", dtype=object)
        ),
        "_skema_hubungan": np.full(m, scheme, dtype=object),
    }
    for c in CANONICAL:
        cols[c] = pick(data[c]) if c in data else none_col
    for c in unknown:
        cols[c] = pick(data[c])
    out = pd.DataFrame(cols, index=pd.RangeIndex(m), copy=False)
    return out, unknown, hdr.warnings + warnings


def _table_from_rows(
    rows: list[list[Any]],
    rownums: np.ndarray,
    rel: str,
    sheet: str,
    scheme: str,
    merged: Iterable[tuple[tuple[int, int], tuple[int, int]]] | None = None,
) -> _Table:
    """Header detection + records of one sheet (rows already without blank rows)."""
    where = _where(rel, sheet or None)
    if not rows:
        return _Table(sheet, status="empty")
    hdr = _find_header(rows, where)
    if hdr is None:
        return _Table(sheet, status="noheader")
    header_row = int(rownums[hdr.index])
    _missing_required(rel, sheet or None, hdr, header_row)
    data_rows = rows[hdr.data_start :]
    data_nums = rownums[hdr.data_start :]
    warnings = []
    if merged:
        filled = _fill_merged_positions(data_rows, data_nums, merged)
        if filled:
            warnings.append(
                f"{where}: {filled} sel gabungan (merged) di area data; nilainya diisikan ke "
                f"semua baris gabungan (merged data cells filled down)"
            )
    df, unknown, warns = _build_table(data_rows, data_nums, hdr, rel, sheet, scheme)
    t = _Table(sheet, df, header_row, unknown, warnings + warns)
    if df.empty:
        t.status = "headeronly"
    return t


def _fill_merged_positions(
    data_rows: list[list[Any]],
    data_nums: np.ndarray,
    merged: Iterable[tuple[tuple[int, int], tuple[int, int]]],
) -> int:
    """Fill merged ranges given in absolute 0-based sheet rows into the kept data rows."""
    if not len(data_nums):
        return 0
    pos = {int(r) - 1: i for i, r in enumerate(data_nums)}
    first = int(data_nums[0]) - 1
    n = 0
    for (r0, c0), (r1, _c1) in merged:
        if r0 < first or r1 <= r0 or r0 not in pos:
            continue
        top = data_rows[pos[r0]]
        v = top[c0] if c0 < len(top) else ""
        if v in ("", None):
            continue
        for r in range(r0 + 1, r1 + 1):
            i = pos.get(r)
            if i is not None and c0 < len(data_rows[i]) and data_rows[i][c0] in ("", None):
                data_rows[i][c0] = v
        n += 1
    return n


# --------------------------------------------------------------------------- Excel
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")


def _err_reupload(rel: str, what: str, what_en: str) -> IngestError:
    return IngestError(
        f"{rel}: {what}. Minta pengirim mengirim ulang file yang benar, lalu jalankan lagi. "
        f"({what_en}: ask the sender for the file again)"
    )


def _encrypted_error(rel: str) -> IngestError:
    return IngestError(
        f"{rel}: file Excel dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca. "
        f"Buka di Excel dengan kata sandinya, hapus kata sandi (File > Info > Protect Workbook > "
        f"Encrypt with Password, kosongkan), simpan, lalu letakkan lagi di folder. "
        f"(password-protected / encrypted workbook: remove the password, save, and retry)"
    )


def _looks_like_markup(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    return head.startswith(b"<")


def _open_workbook(data: bytes, rel: str) -> pcal.CalamineWorkbook:
    """Open workbook bytes, telling apart corrupt, encrypted, HTML and non-Excel files."""
    head = data[:8]
    if head.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                _check_zip_sizes(zf.infolist(), rel)
        except (zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise _err_reupload(
                rel,
                f"file Excel rusak atau terpotong (tidak lengkap saat diunduh/disalin): {exc}",
                "corrupt or truncated workbook (bad zip archive)",
            ) from exc
        if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
            raise _err_reupload(
                rel,
                "file ini arsip zip tetapi bukan buku kerja Excel (mis. file Word/.docx atau zip "
                "biasa yang diberi nama Excel)",
                "a zip archive but not an Excel workbook",
            )
    elif head == _OLE2:
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise _encrypted_error(rel)
    elif _looks_like_markup(data):
        raise IngestError(
            f"{rel}: file ini adalah halaman HTML/XML yang diberi nama Excel, bukan file Excel "
            f"asli (sering terjadi pada hasil unduhan aplikasi). Buka di Excel lalu 'Simpan "
            f"Sebagai' Excel Workbook (.xlsx), lalu ganti file ini. "
            f"(HTML/XML file saved with an Excel extension: open it in Excel and save as .xlsx)"
        )
    else:
        raise IngestError(
            f"{rel}: bukan file Excel (isi file tidak dikenali sebagai .xlsx atau .xls). Jika "
            f"isinya teks/CSV, ganti ekstensinya menjadi .csv; jika tidak, minta pengirim "
            f"mengirim ulang. (not an Excel workbook; if it is CSV text, rename it to .csv)"
        )
    try:
        return pcal.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pcal.PasswordError as exc:
        raise _encrypted_error(rel) from exc
    except Exception as exc:  # calamine raises several error types for damaged files
        if head == _OLE2:
            raise IngestError(
                f"{rel}: file Excel lama (.xls/OLE2) rusak atau terenkripsi dan tidak dapat "
                f"dibaca ({exc}). Buka di Excel, hapus kata sandi bila ada, simpan sebagai .xlsx. "
                f"(corrupt or encrypted legacy workbook: remove any password, save as .xlsx)"
            ) from exc
        raise _err_reupload(
            rel,
            f"file Excel rusak dan tidak dapat dibuka ({exc})",
            "corrupt workbook",
        ) from exc


def _check_zip_sizes(entries: list[zipfile.ZipInfo], rel: str) -> None:
    """Refuse a workbook that would unpack to absurd sizes (a "zip bomb") before reading it."""
    total = sum(e.file_size for e in entries)
    big = [e for e in entries if e.file_size >= ZIP_RATIO_MIN_BYTES]
    worst = max(big, key=lambda e: e.file_size / max(e.compress_size, 1), default=None)
    ratio = worst.file_size / max(worst.compress_size, 1) if worst is not None else 0.0
    if total <= MAX_XLSX_UNCOMPRESSED and ratio <= MAX_ZIP_RATIO:
        return
    mib = total / (1 << 20)
    raise IngestError(
        f"{rel}: isi file Excel ini jika dibuka berukuran {mib:.0f} MiB (rasio kompresi "
        f"{ratio:.0f}:1); batasnya {MAX_XLSX_UNCOMPRESSED >> 20} MiB dan rasio "
        f"{MAX_ZIP_RATIO}:1. File ini tidak dibaca: kemungkinan rusak, berisi jutaan baris kosong "
        f"berformat, atau sengaja dibuat ('zip bomb'). Buka di Excel, hapus baris/kolom kosong, "
        f"simpan ulang, atau minta pengirim mengirim ulang. (workbook unpacks to {mib:.0f} MiB, "
        f"compression ratio {ratio:.0f}:1, above the limits: not read)"
    )


def _check_file_size(path: Path, rel: str) -> None:
    """Refuse a file larger than :data:`MAX_FILE_BYTES` before reading it into memory."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # reported by the read itself
    if size > MAX_FILE_BYTES:
        raise IngestError(
            f"{rel}: file terlalu besar ({size / (1 << 20):.0f} MiB; batas "
            f"{MAX_FILE_BYTES >> 20} MiB). Ekstrak satu kabupaten jauh lebih kecil; periksa "
            f"apakah ini file yang benar. (file too large: {size} bytes, limit {MAX_FILE_BYTES})"
        )


def _sheet_formula_count(data: bytes, sheet: str) -> int:
    """Number of formula cells in a sheet of an .xlsx/.xlsm file (0 if unknown)."""
    if not data.startswith(_ZIP):
        return 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            rid = None
            for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", wb):
                attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(1)))
                if _xml_unescape(attrs.get("name", "")) == sheet:
                    rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
            if rid is None:
                return 0
            target = None
            for m in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
                attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(1)))
                if attrs.get("Id") == rid:
                    target = attrs.get("Target")
            if not target:
                return 0
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            xml = zf.read(path)
    except (KeyError, zipfile.BadZipFile, OSError):
        return 0
    return len(re.findall(rb"<(?:\w+:)?f[\s>/]", xml))


def _xml_unescape(s: str) -> str:
    return (
        s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _read_excel(data: bytes, rel: str, scheme: str) -> list[_Table]:
    """Every worksheet of a workbook as a table (records or a status)."""
    wb = _open_workbook(data, rel)
    tables: list[_Table] = []
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != pcal.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = wb.get_sheet_by_name(meta.name)
                raw = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
            except Exception as exc:
                raise _err_reupload(
                    rel,
                    f"sheet '{meta.name}' rusak dan tidak dapat dibaca ({exc})",
                    f"sheet '{meta.name}' is corrupt",
                ) from exc
            width = len(raw[0]) if raw else 0
            empty = [""] * width
            keep = [i for i, r in enumerate(raw) if r != empty]
            rows = [raw[i] for i in keep]
            del raw
            nums = np.asarray(keep, dtype=np.int64) + 1
            t = _table_from_rows(rows, nums, rel, meta.name, scheme, merged)
            if meta.visible != pcal.SheetVisibleEnum.Visible and t.status == "ok":
                t.warnings.append(
                    f"{_where(rel, meta.name)}: sheet tersembunyi (hidden) ikut dibaca; periksa "
                    f"bahwa isinya bukan salinan data sheet lain (hidden sheet read)"
                )
            tables.append(t)
    finally:
        wb.close()
    return tables


# --------------------------------------------------------------------------- CSV
_DELIMITERS = (",", ";", "\t", "|")


def _decode(data: bytes, rel: str) -> tuple[str, str]:
    """Bytes -> (text, encoding): UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _encoding_error(rel, data, exc) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _encoding_error(rel, data, exc) from exc
    nul = data.find(b"\x00")
    if nul >= 0:  # anywhere in the file: csv (Python >= 3.11) would take it as a character
        line = data[:nul].count(b"\n") + 1
        raise IngestError(
            f"{rel}: berisi byte biner (NUL) di baris {line}, bukan file teks CSV (mungkin rusak "
            f"saat disalin). Ekspor ulang dari aplikasi sebagai 'CSV UTF-8'. (binary content (NUL "
            f"byte) at line {line}, not a CSV text file: export again as CSV UTF-8)"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _encoding_error(rel, data, exc) from exc


def _encoding_error(rel: str, data: bytes, exc: UnicodeDecodeError) -> IngestError:
    pos = exc.start
    line = data[:pos].count(b"\n") + 1
    return IngestError(
        f"{rel}: pengodean karakter (encoding) tidak dikenali: bukan UTF-8 dan bukan "
        f"Windows-1252 (byte 0x{data[pos]:02X} di baris {line}). Buka file di Excel lalu simpan "
        f"ulang sebagai 'CSV UTF-8 (Comma delimited)'. (unrecognised text encoding, neither "
        f"UTF-8 nor cp1252, at line {line}: save the file again as CSV UTF-8)"
    )


def _csv_records(text: str, delim: str, rel: str) -> tuple[list[list[str]], list[int]]:
    """All CSV records with the 1-based line each starts on (strict quoting)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    prev = 0
    try:
        for rec in reader:
            rows.append(rec)
            lines.append(prev + 1)
            prev = reader.line_num
    except csv.Error as exc:
        if _is_field_limit(exc):
            raise _field_too_large(rel, prev + 1) from None
        raise IngestError(
            f'{rel}: format CSV rusak mulai baris {prev + 1} ({exc}). Periksa tanda kutip (") '
            f"yang tidak ditutup atau salah letak, lalu ekspor ulang file CSV. (malformed CSV from "
            f"line {prev + 1}: check unbalanced quotes and export again)"
        ) from exc
    return rows, lines


def _is_field_limit(exc: csv.Error) -> bool:
    return "field larger than field limit" in str(exc)


def _field_too_large(rel: str, line: int) -> IngestError:
    limit = csv.field_size_limit()
    return IngestError(
        f"{rel}: baris {line} berisi satu sel lebih panjang dari {limit} karakter; file "
        f'ekstrak tidak pernah berisi sel sepanjang itu (biasanya tanda kutip (") yang tidak '
        f"ditutup, atau file rusak). Perbaiki baris tersebut atau ekspor ulang file CSV. "
        f"(line {line} holds a field longer than {limit} characters: unbalanced quote or "
        f"damaged file)"
    )


def _pick_delimiter(text: str, rel: str) -> tuple[str, str]:
    """Delimiter whose split of the first lines gives the best header; also the text to parse."""
    first_nl = text.find("\n")
    first = (text if first_nl < 0 else text[:first_nl]).strip()
    m = re.fullmatch(r"sep=(.)", first)
    if m:  # Excel's "sep=;" hint line: keep the line (blank) so line numbers stay right
        return m.group(1), "\n" + text[first_nl + 1 :] if first_nl >= 0 else ""
    best: tuple[int, int, str] | None = None
    for d in _DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=d)
        try:
            sample = list(islice(reader, 60))
        except csv.Error as exc:
            if _is_field_limit(exc):
                raise _field_too_large(rel, reader.line_num) from None
            continue
        hdr = _find_header(sample, rel)
        if hdr is None:
            continue
        score = (sum(1 for n in hdr.names if n in CANONICAL), len(hdr.names), d)
        if best is None or score[:2] > best[:2]:
            best = score
    if best is None:
        raise _no_header_error(rel, None, "CSV", extra=" dengan pemisah , ; tab atau |")
    return best[2], text


def _read_csv(data: bytes, rel: str, scheme: str) -> tuple[list[_Table], list[str]]:
    """A CSV file as one table ("" sheet); warnings about its encoding."""
    if data.startswith(_ZIP) or data.startswith(_OLE2):
        raise IngestError(
            f"{rel}: ini file Excel yang diberi nama .csv. Ganti ekstensinya menjadi .xlsx/.xls, "
            f"lalu jalankan lagi. (an Excel workbook named .csv: rename it to .xlsx/.xls)"
        )
    text, enc = _decode(data, rel)
    warnings = []
    if enc == "cp1252":
        warnings.append(
            f"{rel}: dibaca dengan pengodean Windows-1252 (bukan UTF-8) (read as cp1252)"
        )
    if not text.strip():
        raise IngestError(
            f"{rel}: file CSV tidak berisi teks apa pun (hanya spasi/baris kosong). Minta "
            f"pengirim mengirim ulang file. (CSV file has no content: ask for the file again)"
        )
    delim, text = _pick_delimiter(text, rel)
    rows, lines = _csv_records(text, delim, rel)
    nonblank = [i for i, r in enumerate(rows) if not _is_blank_row(r)]
    rows = [rows[i] for i in nonblank]
    nums = np.asarray(lines, dtype=np.int64)[nonblank] if nonblank else np.empty(0, np.int64)
    hdr = _find_header(rows, rel)
    if hdr is None:
        raise _no_header_error(rel, None, "CSV")
    width = len(rows[hdr.index])
    lens = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    bad = np.flatnonzero(lens[hdr.data_start :] != width) + hdr.data_start
    for i in bad:
        r = rows[i]
        if len(r) > width and not any(v.strip() for v in r[width:]):
            rows[i] = r[:width]
            continue
        shown = {"\t": "tab"}.get(delim, delim)
        raise IngestError(
            f"{rel}: baris {int(nums[i])} berisi {len(r)} kolom, padahal header (baris "
            f"{int(nums[hdr.index])}) berisi {width} kolom dengan pemisah '{shown}'. Kemungkinan "
            f"pemisah kolom campuran (mis. ',' dan ';') atau tanda kutip tidak ditutup. Perbaiki "
            f"baris tersebut atau ekspor ulang file CSV. (line {int(nums[i])} has {len(r)} "
            f"field(s) but the header has {width}: mixed delimiters or unbalanced quotes)"
        )
    t = _table_from_rows(rows, nums, rel, "", scheme)
    return [t], warnings


def _no_header_error(rel: str, sheets: list[str] | None, kind: str, extra: str = "") -> IngestError:
    where = f" (sheet: {', '.join(repr(s) for s in sheets)})" if sheets else ""
    return IngestError(
        f"{rel}{where}: tidak ditemukan baris judul kolom (header) yang dikenali dalam "
        f"{HEADER_SCAN_ROWS} baris pertama{extra}. Header harus memuat NIK atau NO KK dan kolom "
        f"lain seperti NAMA, HUBUNGAN KELUARGA, DESA/KELURAHAN. Tambahkan atau perbaiki baris "
        f"judul kolom. (no recognisable header row in this {kind} file: it needs NIK or NO KK "
        f"plus other known columns)"
    )


# --------------------------------------------------------------------------- files
def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_file(path: Path, rel: str, scheme: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """One extract file -> (records, files rows, warnings)."""
    _check_file_size(path, rel)
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
            tables, warnings = _read_csv(data, rel, scheme)
            kind = "CSV"
        else:
            tables = _read_excel(data, rel, scheme)
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
            n_f = sum(_sheet_formula_count(data, t.sheet) for t in tables)
            if n_f:
                raise _formula_error(rel, tables[0].sheet if tables else "", n_f)
            raise IngestError(
                f"{rel}: semua sheet kosong, tidak ada data. Minta pengirim mengirim ulang file "
                f"yang berisi data, atau hapus file ini dari folder bulan. (all sheets of the "
                f"workbook are empty: ask for the file again)"
            )
        raise _no_header_error(rel, [t.sheet for t in tables], kind)
    for t in tables:
        if t.status == "noheader":
            warnings.append(
                f"{_where(rel, t.sheet)}: tidak ada header yang dikenali; sheet ini dilewati "
                f"(no recognisable header; sheet skipped)"
            )
        elif t.status == "headeronly":
            n_f = _sheet_formula_count(data, t.sheet)
            if n_f:
                raise _formula_error(rel, t.sheet, n_f)
            warnings.append(
                f"{_where(rel, t.sheet or None)}: hanya berisi header, tanpa baris data "
                f"(header only, no records)"
            )
    recs = [t.records for t in with_header if t.records is not None and len(t.records)]
    records = _concat_records(recs)
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
            n_f = _sheet_formula_count(data, t.sheet)
            if n_f:
                warnings.append(
                    f"{_where(rel, t.sheet)}: berisi {n_f} sel rumus (formula); nilai tersimpan "
                    f"dipakai. Pastikan sheet ini bukan salinan (rumus) dari sheet lain agar data "
                    f"tidak terhitung dua kali (sheet holds formulas; check it does not copy "
                    f"another sheet)"
                )
    if not len(records) and len(with_header) == sum(t.status == "headeronly" for t in tables):
        warnings.append(f"{rel}: file tidak berisi baris data (file has no records)")
    return records, files, warnings


def _formula_error(rel: str, sheet: str, n: int) -> IngestError:
    return IngestError(
        f"{_where(rel, sheet or None)}: sel berisi rumus (formula) tanpa nilai tersimpan "
        f"({n} rumus; semua baris data terbaca kosong). Buka file di Excel agar rumus dihitung lalu "
        f"simpan, atau salin lalu 'Tempel Nilai' (Paste Values), kemudian kirim lagi. (formulas "
        f"without cached values: open and save the file in Excel, or paste values)"
    )


def _empty_records() -> pd.DataFrame:
    cols = [*META, *CANONICAL]
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    df["_row"] = df["_row"].astype(np.int64)
    return df


def _ordered_columns(cols: Iterable[str]) -> list[str]:
    cols = list(cols)
    extra = [c for c in cols if c not in META and c not in CANONICAL]
    return [*META, *CANONICAL, *extra]


def _concat_records(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack record frames column by column; columns missing from a frame become None.

    (``pd.concat`` checks every None of object columns for NA-ness, which is slow for
    many small frames, and fills missing columns with NaN.)
    """
    frames = [f for f in frames if len(f)]
    if not frames:
        return _empty_records()
    if len(frames) == 1:
        return frames[0]  # already ordered, RangeIndex
    names: list[str] = []
    seen: set[str] = set()
    for f in frames:
        for c in f.columns:
            if c not in seen:
                seen.add(c)
                names.append(c)
    data: dict[str, np.ndarray] = {}
    for c in _ordered_columns(names):
        parts = [
            f[c].to_numpy(dtype=np.int64 if c == "_row" else object)
            if c in f.columns
            else np.full(len(f), None, dtype=object)
            for f in frames
        ]
        data[c] = np.concatenate(parts)
    return pd.DataFrame(data, index=pd.RangeIndex(len(data["_row"])), copy=False)


def read_file(path: Path, rel: str, scheme: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one extract file: (records, one ``files`` row per sheet read).

    The file's warnings are in ``files.attrs["warnings"]``. Raises IngestError.
    """
    records, files, warnings = _read_file(Path(path), rel, scheme)
    files.attrs["warnings"] = warnings
    return records, files


# --------------------------------------------------------------------------- regions
def _region_key(values: pd.Series) -> pd.Series:
    """Upper case, non-alphanumerics removed (``"Lau Pak-Pak"`` -> ``LAUPAKPAK``)."""
    return values.astype(str).str.upper().str.replace(r"[^0-9A-Z]", "", regex=True)


def _strip_prefix(keys: pd.Series, prefixes: tuple[str, ...]) -> pd.Series:
    pat = "^(?:" + "|".join(prefixes) + ")(?=.)"
    return keys.str.replace(pat, "", regex=True)


_KEC_PREFIX = ("KECAMATAN", "KEC", "KOTA")
_DESA_PREFIX = ("KELURAHAN", "DESA", "KEL")
_KAB_PREFIX = ("KABUPATEN", "KAB", "KOTA")


@lru_cache(maxsize=4)
def _region_keys(kabupaten_kode: str, kabupaten_nama: str) -> dict[str, frozenset[str]]:
    """Accepted keys (names in both spellings, with and without prefix, and codes) per level."""
    w = pd.read_csv(PACKAGE_DATA / "wilayah_dairi.csv", dtype=str, keep_default_na=False)
    w = w[w["kode"].str.startswith(kabupaten_kode)]
    out: dict[str, frozenset[str]] = {}
    for level, prefixes in (("kecamatan", _KEC_PREFIX), ("desa", _DESA_PREFIX)):
        part = w[w["tingkat"] == level]
        names = pd.concat([part["nama"], part["nama_bps"]])
        keys = _region_key(names)
        codes = pd.concat([part["kode"].str.replace(".", "", regex=False), part["kode_bps"]])
        if level == "kecamatan":
            codes = pd.concat([codes, part["kode_nik6"]])
        out[level] = frozenset(
            set(keys) | set(_strip_prefix(keys, prefixes)) | set(codes[codes != ""])
        )
    kab = w[w["tingkat"] == "kabupaten"]
    kab_names = pd.concat([kab["nama"], kab["nama_bps"], pd.Series([kabupaten_nama])])
    kk = _region_key(kab_names)
    out["kabupaten"] = frozenset(
        set(kk)
        | set(_strip_prefix(kk, _KAB_PREFIX))
        | {kabupaten_kode.replace(".", "")}
        | set(kab["kode_bps"][kab["kode_bps"] != ""])
    )
    return out


def _matches(values: pd.Series, accepted: frozenset[str], prefixes: tuple[str, ...]) -> pd.Series:
    keys = _region_key(values)
    return keys.isin(accepted) | _strip_prefix(keys, prefixes).isin(accepted)


def check_region(records: pd.DataFrame, rel: str, settings: Settings) -> list[str]:
    """Stop on a file for another kabupaten; warn about rows that name another kabupaten.

    The file is for another kabupaten when its KABUPATEN/KOTA column names something other
    than the report's kabupaten on every filled row, or when none of its KECAMATAN values and
    none of its DESA values is one of the kabupaten's (names in either spelling, or codes).
    """
    if records.empty:
        return []
    keys = _region_keys(settings.kabupaten_kode, settings.kabupaten_nama)
    target = settings.kabupaten_nama
    kab = records["kabupaten"].dropna()
    warnings: list[str] = []
    if len(kab):
        uniq = pd.Series(kab.unique(), dtype=object)
        ok = _matches(uniq, keys["kabupaten"], _KAB_PREFIX).to_numpy()
        if not ok.any():
            shown = shorten(", ".join(shorten(str(v), 60) for v in uniq[:5]))
            raise IngestError(
                f"{rel}: data untuk kabupaten lain: kolom KABUPATEN/KOTA berisi {shown}, bukan "
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
    if len(kec) and keys["kecamatan"]:
        uk = pd.Series(kec.unique(), dtype=object)
        if not _matches(uk, keys["kecamatan"], _KEC_PREFIX).any():
            desa = pd.Series(records["desa"].dropna().unique(), dtype=object)
            if not len(desa) or not _matches(desa, keys["desa"], _DESA_PREFIX).any():
                shown = shorten(", ".join(shorten(str(v), 60) for v in uk[:5]))
                raise IngestError(
                    f"{rel}: data untuk wilayah lain: tidak satu pun nama KECAMATAN ({shown}) "
                    f"maupun DESA/KELURAHAN di file ini ada di {target}. Keluarkan file ini dari "
                    f"folder bulan (atau periksa isinya). (file is for another kabupaten: none of "
                    f"its kecamatan or village names belongs to {target})"
                )
    return warnings


# --------------------------------------------------------------------------- month
def _read_sumber(month_dir: Path, default: str) -> tuple[dict[str, str], Path | None]:
    """Per-file relationship scheme declared in ``sumber.yaml`` (relative path -> scheme)."""
    p = month_dir / SUMBER_FILE
    if not p.is_file():
        return {}, None
    bad = (
        f"{p}: isi tidak sesuai format. Contoh yang benar:\n"
        f'files:\n  "kiriman/Sidikalang.xlsx": {{skema_hubungan: dukcapil}}\n'
        f"(sumber.yaml is malformed)"
    )
    if p.stat().st_size > MAX_PARAMS_BYTES:
        raise IngestError(
            f"{p}: berkas terlalu besar ({p.stat().st_size} byte, batas {MAX_PARAMS_BYTES}); "
            f"sumber.yaml hanya berisi daftar file dan skemanya (sumber.yaml too large)"
        )
    try:
        doc = load_yaml_text(p.read_text(encoding="utf-8"))
    except YamlAliasError as exc:
        _, line = yaml_error_text(exc)
        raise IngestError(
            f"{p}: baris {line}: anchor/alias YAML (&nama, *nama) tidak diizinkan; tulis skema "
            f"setiap file secara langsung (YAML anchors/aliases are not allowed)"
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" di baris {mark.line + 1}" if mark is not None else ""
        raise IngestError(
            f"{p}: bukan YAML yang valid{at}. Perbaiki penulisannya, contoh:\n"
            f'files:\n  "kiriman/Sidikalang.xlsx": {{skema_hubungan: dukcapil}}\n'
            f"(not valid YAML{at.replace(' di baris', ' at line')})"
        ) from exc
    if doc is None:
        return {}, p
    if not isinstance(doc, dict) or not isinstance(doc.get("files", {}), dict):
        raise IngestError(bad)
    out: dict[str, str] = {}
    for rel, spec in (doc.get("files") or {}).items():
        if not isinstance(spec, dict):
            raise IngestError(bad)
        skema = spec.get("skema_hubungan", default)
        if skema not in SKEMA:
            raise IngestError(
                f"{p}: skema_hubungan untuk {short_repr(rel)} harus 'dtks' atau 'dukcapil', "
                f"bukan {short_repr(skema)}. (skema_hubungan must be dtks or dukcapil)"
            )
        out[str(rel).replace("\\", "/").removeprefix("./")] = skema
    return out, p


def list_extracts(month_dir: Path) -> tuple[list[tuple[Path, str]], list[str]]:
    """Extract files under a month folder, sorted by relative POSIX path; and ignored files.

    Symlinked sub-folders are followed (:func:`dtks_analysis.fsutil.walk_files`, also used for
    the cache key), hidden entries and ``~$`` lock files skipped.
    """
    found: list[tuple[Path, str]] = []
    ignored: list[str] = []
    try:
        listing = walk_files(month_dir)
    except TreeError as exc:
        raise IngestError(str(exc)) from None
    for p, rel in listing:
        if p.suffix.lower() in EXCEL_SUFFIXES + CSV_SUFFIXES:
            found.append((p, rel))
        elif rel != SUMBER_FILE:
            ignored.append(rel)
    found.sort(key=lambda x: x[1])
    return found, sorted(ignored)


def read_month(
    month_dir: Path, settings: Settings | None = None, progress: bool = False
) -> IngestResult:
    """Read every extract of a month folder into one records table (contract section 1).

    Raises IngestError for a missing or empty folder, an unreadable file, a file without a
    recognisable header or a required column, a file for another kabupaten, two identical
    files, or a month without any record.
    """
    settings = settings if settings is not None else load_settings()
    month_dir = Path(month_dir)
    if not month_dir.is_dir():
        raise IngestError(
            f"{month_dir}: folder bulan tidak ditemukan. Periksa bulan yang diminta, atau "
            f"letakkan file ekstrak di folder ini. (month folder not found: check the month or "
            f"put the extracts there)"
        )
    schemes, sumber_path = _read_sumber(month_dir, settings.skema_hubungan)
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
    for path, rel in tqdm(files, desc="Membaca ekstrak", unit="file", disable=not progress):
        scheme = schemes.get(rel, settings.skema_hubungan)
        records, frows, warns = _read_file(path, rel, scheme)
        digest = frows["sha256"].iloc[0]
        if digest in by_hash:
            raise IngestError(
                f"{rel}: isinya sama persis dengan {by_hash[digest]} (file ganda). Hapus salah "
                f"satunya agar data tidak terhitung dua kali. (identical to another file: remove "
                f"one so records are not counted twice)"
            )
        by_hash[digest] = rel
        warnings += warns
        warnings += check_region(records, rel, settings)
        all_records.append(records)
        all_files.append(frows)
    records = _concat_records(all_records)
    files_df = pd.concat(all_files, ignore_index=True)
    if records.empty:
        raise IngestError(
            f"{month_dir}: tidak ada satu pun baris data di {len(files)} file ekstrak bulan ini "
            f"(semua hanya berisi header atau kosong). Periksa file kiriman. (no records in any "
            f"of the month's files)"
        )
    return IngestResult(records, files_df, warnings)


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
