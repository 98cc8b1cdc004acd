"""Personal-data guard for published outputs (``dtks check-outputs``).

Scans every file under an outputs folder for NIK / No KK-like numbers (16 digits, also written
with separators) and for names and addresses taken from the month's input, in HTML (text and
attributes), PDF text, XLSX cells and comments, CSV, JSON, executed notebooks and logs.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dtks_analysis.formatting import mask_id

# 16 digits in a row, not glued to other letters/digits (so hex digests do not match)
_ID_PLAIN = re.compile(r"(?<![0-9A-Za-z])[0-9]{16}(?![0-9A-Za-z])")
# the same number written with separators in the layouts people use for NIK / No KK
_SEP = r"[ .\-]"
_ID_SEPARATED = re.compile(
    r"(?<![0-9.])(?:"
    rf"[0-9]{{2}}{_SEP}[0-9]{{2}}{_SEP}[0-9]{{2}}{_SEP}?[0-9]{{6}}{_SEP}?[0-9]{{4}}"  # 12.11.01.230415.0003
    rf"|[0-9]{{4}}{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}"  # 1211 0123 0415 0003
    rf"|[0-9]{{6}}{_SEP}[0-9]{{6}}{_SEP}[0-9]{{4}}"  # 121101-230415-0003
    r")(?![0-9]|\.[0-9])"
)
TEXT_SUFFIXES = {".html", ".htm", ".csv", ".json", ".txt", ".log", ".md", ".svg", ".yaml", ".yml"}


@dataclass(frozen=True)
class Leak:
    """One suspected piece of personal data in a published file."""

    path: Path
    kind: str  # "id16" | "nama" | "alamat"
    sample: str  # masked

    def __str__(self) -> str:
        return f"{self.path}: {self.kind} {self.sample}"


def mask(value: str) -> str:
    """Mask an ID for messages: its digits, first 4 and last 4 kept.

    >>> mask("1211 0123 0415 0003")
    '1211********0003'
    """
    return mask_id(re.sub(r"\D", "", value))


def _mask_text(value: str) -> str:
    return value[:2] + "*" * max(len(value) - 2, 0)


# -- text extraction ------------------------------------------------------------
def _strings_in_json(obj: object) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            yield from _strings_in_json(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings_in_json(v)
    elif obj is not None:
        yield str(obj)


def _xlsx_text(path: Path) -> str:
    import openpyxl

    parts: list[str] = []
    wb = openpyxl.load_workbook(path, read_only=False, data_only=False)
    try:
        for ws in wb.worksheets:
            parts.append(ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        parts.append(str(cell.value))
                    if cell.comment is not None:
                        parts.append(cell.comment.text)
            parts.append(str(ws.oddHeader.center.text or ""))
            parts.append(str(ws.oddFooter.center.text or ""))
    finally:
        wb.close()
    # document properties and anything else in the package (e.g. sheet names, shared strings)
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith(".xml") and ("docProps" in name or "comments" in name):
                parts.append(re.sub(r"<[^>]+>", " ", zf.read(name).decode("utf-8", "replace")))
    return "\n".join(parts)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    parts = [page.extract_text() or "" for page in reader.pages]
    meta = reader.metadata or {}
    parts.extend(str(v) for v in meta.values())
    return "\n".join(parts)


def extract_text(path: Path) -> str:
    """All text a reader (or a scraper) could get out of ``path``."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _pdf_text(path)
    if suffix == ".xlsx":
        return _xlsx_text(path)
    if suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return "\n".join(_strings_in_json(nb))
    raw = path.read_bytes().decode("utf-8", errors="replace")
    if suffix in {".html", ".htm", ".svg"}:
        import html

        return raw + "\n" + html.unescape(re.sub(r"<[^>]+>", " ", raw))
    if suffix == ".json":
        try:
            return "\n".join(_strings_in_json(json.loads(raw)))
        except json.JSONDecodeError:
            return raw
    return raw


# -- matching -------------------------------------------------------------------
_WORD = re.compile(r"[A-Za-z']+")


def _normalise_words(text: str) -> list[str]:
    return [w.upper() for w in _WORD.findall(text)]


def personal_terms(persons: pd.DataFrame) -> dict[str, set[tuple[str, ...]]]:
    """Names (2+ words) and addresses (distinctive ones) from a person table, as word tuples."""
    out: dict[str, set[tuple[str, ...]]] = {"nama": set(), "alamat": set()}
    for kind, col, min_len in (("nama", "nama", 6), ("alamat", "alamat", 12)):
        if col not in persons:
            continue
        for value in pd.unique(persons[col].dropna().astype(str)):
            words = tuple(_normalise_words(value))
            if len(words) >= 2 and len(" ".join(words)) >= min_len:
                out[kind].add(words)
    return out


def find_leaks(
    text: str, path: Path, terms: dict[str, set[tuple[str, ...]]] | None = None
) -> list[Leak]:
    """Leaks in one file's text."""
    leaks = [Leak(path, "id16", mask(m.group())) for m in _ID_PLAIN.finditer(text)]
    leaks += [Leak(path, "id16", mask(m.group())) for m in _ID_SEPARATED.finditer(text)]
    if terms:
        words = _normalise_words(text)
        for kind, phrases in terms.items():
            if not phrases:
                continue
            lengths = sorted({len(p) for p in phrases})
            found: set[tuple[str, ...]] = set()
            for n in lengths:
                for i in range(len(words) - n + 1):
                    gram = tuple(words[i : i + n])
                    if gram in phrases:
                        found.add(gram)
            leaks += [Leak(path, kind, _mask_text(" ".join(g))) for g in sorted(found)]
    return leaks


def iter_files(root: Path) -> Iterable[Path]:
    """Every regular file under ``root`` in a stable order."""
    return sorted(p for p in root.rglob("*") if p.is_file())


def check_outputs(root: Path, persons: pd.DataFrame | None = None) -> list[Leak]:
    """Scan every file under ``root``; return the leaks found (empty list = clean)."""
    terms = personal_terms(persons) if persons is not None else None
    leaks: list[Leak] = []
    for path in iter_files(root):
        suffix = path.suffix.lower()
        if suffix in {".png", ".jpg", ".jpeg", ".gif", ".woff", ".woff2", ".ttf", ".lock"}:
            continue
        try:
            text = extract_text(path)
        except Exception as exc:  # unreadable output is itself a problem worth reporting
            leaks.append(Leak(path, "tidak_terbaca", f"({type(exc).__name__}: {exc})"))
            continue
        leaks.extend(dict.fromkeys(find_leaks(text, path, terms)))  # once per file and value
    return leaks


def load_input_persons(interim_root: Path) -> pd.DataFrame | None:
    """Names and addresses of every month's cleaned input under ``interim_root`` (or None)."""
    import pyarrow.parquet as pq

    frames = []
    for p in sorted(interim_root.glob("*/persons.parquet")):
        names = set(pq.read_schema(p).names)
        cols = [c for c in ("nama", "alamat") if c in names]
        if cols:
            frames.append(pd.read_parquet(p, columns=cols))
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True).drop_duplicates()
