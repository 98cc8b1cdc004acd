"""Read a month's raw extracts (Excel and CSV) into one table of text records with provenance.

Contract: ``docs/architecture.md`` section 1. Every cell value becomes a stripped ``str`` or
``None``; numeric ID cells keep their raw cell type in ``_nik_type`` / ``_no_kk_type`` so that
Excel damage can be detected later (DOMAIN.md section 4). ``_row`` is the row number Excel shows
(1-based, counting title and header rows) or, for CSV, the 1-based line where the record starts.

Modules, one job each: :mod:`.cells` (cell values -> text), :mod:`.header` (header row and column
names), :mod:`.table` (rows under a header -> records), :mod:`.excel` (workbooks, calamine),
:mod:`.csvfile` (CSV text), :mod:`.guards` (size and zip-bomb limits), :mod:`.folder` (the
month folder and ``sumber.yaml``), :mod:`.regioncheck` (a file for another kabupaten, through
:mod:`dtks_analysis.regions`), :mod:`.month` (:func:`read_month`, :func:`check_record_months`),
:mod:`.messages` (:class:`IngestError`). This package re-exports the public API.

Choices for inputs without records (documented here, tested in
``tests/unit/test_ingest_bad_files.py``):

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

from dtks_analysis.intake.ingest.folder import (
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    OTHER_SPREADSHEETS,
    SKEMA,
    SUMBER_FILE,
    list_extracts,
)
from dtks_analysis.intake.ingest.guards import (
    MAX_FILE_BYTES,
    MAX_XLSX_UNCOMPRESSED,
    MAX_ZIP_RATIO,
    ZIP_RATIO_MIN_BYTES,
)
from dtks_analysis.intake.ingest.header import HEADER_SCAN_ROWS
from dtks_analysis.intake.ingest.messages import IngestError
from dtks_analysis.intake.ingest.month import (
    FILE_COLUMNS,
    IngestResult,
    check_record_months,
    read_file,
    read_month,
)
from dtks_analysis.intake.ingest.regioncheck import check_region
from dtks_analysis.intake.schema import (
    CANONICAL,
    HEADER_MAP,
    ID_COLUMNS,
    LABELS,
    META,
    REQUIRED,
    canonical_column,
)

__all__ = [
    "CANONICAL",
    "CSV_SUFFIXES",
    "EXCEL_SUFFIXES",
    "FILE_COLUMNS",
    "HEADER_MAP",
    "HEADER_SCAN_ROWS",
    "ID_COLUMNS",
    "LABELS",
    "MAX_FILE_BYTES",
    "MAX_XLSX_UNCOMPRESSED",
    "MAX_ZIP_RATIO",
    "META",
    "OTHER_SPREADSHEETS",
    "REQUIRED",
    "SKEMA",
    "SUMBER_FILE",
    "ZIP_RATIO_MIN_BYTES",
    "IngestError",
    "IngestResult",
    "canonical_column",
    "check_record_months",
    "check_region",
    "list_extracts",
    "read_file",
    "read_month",
]
