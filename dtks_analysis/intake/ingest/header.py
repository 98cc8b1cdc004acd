"""Header row detection and column naming, with the spellings of :mod:`..schema`.

A header needs NIK or NO KK plus two other known columns among the first
:data:`HEADER_SCAN_ROWS` non-blank rows; a second header row under a merged group cell
(``PROGRAM`` over ``PKH BPNT PBI``) is merged into it; unknown columns become ``x_<name>``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from dtks_analysis.config import shorten
from dtks_analysis.intake.ingest.messages import IngestError, place
from dtks_analysis.intake.schema import (
    LABELS,
    REQUIRED,
    _header_key,
    canonical_column,
    resembling_field,
)

HEADER_SCAN_ROWS = 20
"""The header is searched among this many first non-blank rows of a sheet."""


@dataclass
class Header:
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


def is_blank_row(row: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def find_header(rows: Sequence[Sequence[Any]], where: str) -> Header | None:
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
        if is_blank_row(row):
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

    names, warnings = name_columns(texts, where, canonical_column)
    return Header(hi, data_start, names, texts, warnings)


def name_columns(
    texts: Sequence[str],
    where: str,
    classify: Callable[[str], str | None],
    letters: bool = True,
) -> tuple[list[str | None], list[str]]:
    """Field name of each header text (``classify``), else ``x_<key>`` (unique), and the
    warnings for duplicate fields and unrecognised columns that resemble a field.

    ``letters``: name a column by its Excel letter (``kolom_c``, "(C)" in messages), else by
    its position (``kolom_3``; the DTSEN files, which are mostly CSV)."""
    names: list[str | None] = []
    used: set[str] = set()
    warnings: list[str] = []
    for j, t in enumerate(texts):
        if not t:
            names.append(None)
            continue
        c = classify(t)
        col = xl_col_to_name(j)
        key = _header_key(t) or (f"kolom_{col.lower()}" if letters else f"kolom_{j + 1}")
        label = f"kolom '{t}' ({col})" if letters else f"kolom '{t}'"
        if c is not None and c not in used:
            used.add(c)
            names.append(c)
            continue
        if c is not None:
            warnings.append(
                f"{where}: {label} dobel untuk {c}; kolom pertama dipakai, "
                f"yang ini disimpan sebagai x_{key} (duplicate column for {c}; the first is used)"
            )
        elif letters and (like := resembling_field(t)) is not None:
            warnings.append(
                f"{where}: {label} tidak dikenali tetapi mirip kolom "
                f"{like}; disimpan sebagai x_{key}. Periksa judul kolomnya. (unrecognised column "
                f"resembles {like})"
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
    return names, warnings


def missing_required(
    rel: str, sheet: str | None, hdr: Header, header_row: int, given: set[str] | None = None
) -> None:
    """Stop when a required column is missing (``given``: columns known from elsewhere, e.g. the
    village named by the sheet tab)."""
    present = {n for n in hdr.names if n} | (given or set())
    missing = [c for c in REQUIRED if c not in present]
    if not missing:
        return
    want = ", ".join(LABELS[c] for c in missing)
    found = shorten(", ".join(shorten(t, 40) for t in hdr.texts if t), 400)
    raise IngestError(
        f"{place(rel, sheet)}: kolom wajib tidak ditemukan: {want} (header di baris "
        f"{header_row}). Kolom yang ditemukan: {found}. Tambahkan kolom tersebut atau perbaiki "
        f"judul kolomnya, lalu jalankan lagi. (required column(s) missing: {want}; "
        f"headers found: {found})"
    )


def no_header_error(rel: str, sheets: list[str] | None, kind: str, extra: str = "") -> IngestError:
    where = f" (sheet: {', '.join(repr(s) for s in sheets)})" if sheets else ""
    return IngestError(
        f"{rel}{where}: tidak ditemukan baris judul kolom (header) yang dikenali dalam "
        f"{HEADER_SCAN_ROWS} baris pertama{extra}. Header harus memuat NIK atau NO KK dan kolom "
        f"lain seperti NAMA, HUBUNGAN KELUARGA, DESA/KELURAHAN. Tambahkan atau perbaiki baris "
        f"judul kolom. (no recognisable header row in this {kind} file: it needs NIK or NO KK "
        f"plus other known columns)"
    )
