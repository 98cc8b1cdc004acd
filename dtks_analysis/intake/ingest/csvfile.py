"""CSV extracts: encoding (UTF-8 with/without BOM, UTF-16 with BOM, else cp1252), delimiter
(``,`` ``;`` tab ``|`` or Excel's ``sep=`` line), strict quoting, and the guards against NUL
bytes and fields longer than the csv module's limit.

Rows with more fields than the header are accepted only when the extra fields are empty.
"""

from __future__ import annotations

import csv
import io
import re
from itertools import islice

import numpy as np

from dtks_analysis.intake.ingest import dtsen
from dtks_analysis.intake.ingest.excel import OLE2_MAGIC, ZIP_MAGIC
from dtks_analysis.intake.ingest.header import (
    Header,
    find_header,
    is_blank_row,
    no_header_error,
)
from dtks_analysis.intake.ingest.messages import IngestError
from dtks_analysis.intake.ingest.table import Table, table_from_rows
from dtks_analysis.intake.schema import CANONICAL

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


def _any_header(rows: list[list[str]], where: str) -> Header | None:
    """The DTSEN header of the rows if there is one, else the DTKS header (or None)."""
    found = dtsen.find_header(rows, where)
    return found[0] if found is not None else find_header(rows, where)


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
        hdr = _any_header(sample, rel)
        if hdr is None:
            continue
        known = sum(1 for n in hdr.names if n in CANONICAL or n in dtsen.FIELDS)
        score = (known, len(hdr.names), d)
        if best is None or score[:2] > best[:2]:
            best = score
    if best is None:
        raise no_header_error(rel, None, "CSV", extra=" dengan pemisah , ; tab atau |")
    return best[2], text


def read_csv(data: bytes, rel: str, scheme: str, kode: str) -> tuple[list[Table], list[str]]:
    """A CSV file as one table ("" sheet); warnings about its encoding."""
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE2_MAGIC):
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
    nonblank = [i for i, r in enumerate(rows) if not is_blank_row(r)]
    rows = [rows[i] for i in nonblank]
    nums = np.asarray(lines, dtype=np.int64)[nonblank] if nonblank else np.empty(0, np.int64)
    hdr = _any_header(rows, rel)
    if hdr is None:
        raise no_header_error(rel, None, "CSV")
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
    t = table_from_rows(rows, nums, rel, "", scheme, kode)
    return [t], warnings
