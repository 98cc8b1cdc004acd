"""Size limits checked before a file is read into memory: whole file, and unpacked workbook.

(Symlink loops, folders reached twice and broken links are refused by
:func:`dtks_analysis.fsutil.walk_files`, see :func:`..folder.list_extracts`.)
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from dtks_analysis.intake.ingest.messages import IngestError

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


def check_zip_sizes(entries: list[zipfile.ZipInfo], rel: str) -> None:
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


def check_file_size(path: Path, rel: str) -> None:
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
