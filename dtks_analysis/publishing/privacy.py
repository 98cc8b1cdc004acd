"""Personal-data guard for published outputs (``dtks check-outputs``).

Scans every file under an outputs folder, and every file's *name*, for NIK / No KK-like numbers
and for names and addresses taken from the month's input.

What counts as an ID is decided by :mod:`dtks_analysis.idtext` (16+ digit runs, also glued to
letters, and 2-6 digit groups joined by one separator that add up to 16); in HTML, inline tags
such as ``<span>`` are removed without a space and entities unescaped before looking.

Where: HTML (text and attributes), PDF (text per page, outline, metadata), XLSX (cells,
comments, sheet names, defined names, every header/footer section, data-validation lists, document
properties, and the text of every XML part of the package), CSV (cell by cell: a number is never
joined across cells), JSON, executed notebooks, every other file as bytes (latin-1), and the
path of every file. Names (2+ words) and addresses of the input count unless they are region
names of Dairi (``TANAH PINEM``, ``DESA PEGAGAN JULU V``): names of places are not personal data.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dtks_analysis.formatting import mask_id
from dtks_analysis.idtext import (  # noqa: F401  (re-exported: the scan's public API)
    SEPARATORS,
    find_ids,
    mask_ids,
    normalise,
)

_INLINE_TAGS = (
    "a|abbr|b|bdi|bdo|big|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|"
    "strong|sub|sup|textPath|time|tspan|tt|u|var|wbr"
)
_INLINE = re.compile(rf"</?(?:{_INLINE_TAGS})\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_WHITE = re.compile(r"[ \t\r\n]+")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ATTR = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
TEXT_SUFFIXES = {".html", ".htm", ".csv", ".json", ".txt", ".log", ".md", ".svg", ".yaml", ".yml"}
# words dropped in front of a place name before comparing it with the region tables
_PLACE_PREFIX = re.compile(
    r"^(?:(?:KABUPATEN|KAB|KECAMATAN|KEC|KOTA|DESA|KELURAHAN|KEL|DUSUN|DSN|LINGKUNGAN|LK)"
    r"(?:[\W_]+|$))+"
)


@dataclass(frozen=True)
class Leak:
    """One suspected piece of personal data in a published file.

    ``lokasi`` says where in the output (sheet, row, page, file name); ``sumber`` where the
    value came from in the input (``2023-12/kiriman/a.csv baris 7``) when it could be traced.
    """

    path: Path
    kind: str  # "id16" | "nama" | "alamat" | "id_keluarga" | "tidak_terbaca"
    sample: str  # masked
    lokasi: str = ""
    sumber: str = ""
    key: str = field(default="", repr=False, compare=False)  # the raw value, never shown

    def __str__(self) -> str:
        where = f" ({self.lokasi})" if self.lokasi else ""
        came = f"; berkas masukan {mask_ids(self.sumber)}" if self.sumber else ""
        return f"{mask_ids(str(self.path))}{where}: {self.kind} {self.sample}{came}"


def mask(value: str) -> str:
    """Mask an ID for messages: its digits, first 4 and last 4 kept.

    >>> mask("1211 0123 0415 0003")
    '1211********0003'
    """
    return mask_id(re.sub(r"\D", "", value))


def _mask_text(value: str) -> str:
    return value[:2] + "*" * max(len(value) - 2, 0)


# -- normalisation and ID detection -------------------------------------------------
def html_text(raw: str) -> str:
    """The visible text of an HTML fragment: white space collapsed to one space and inline tags
    removed *without* a space (so ``12<span>11</span>...`` and ``<b>1211</b>\n<b>0141</b>``
    join as a browser shows them), other tags become line breaks."""
    text = _COMMENT.sub("\n", raw)
    text = _WHITE.sub(" ", text)
    text = _INLINE.sub("", text)
    text = _TAG.sub("\n", text)
    return html.unescape(text)


# -- text extraction: (where in the file, text) chunks ---------------------------------
Chunk = tuple[str, str]


def _strings_in_json(obj: object, join_lists: bool = False) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            yield from _strings_in_json(v, join_lists)
    elif isinstance(obj, list):
        if join_lists and obj and all(isinstance(v, str) for v in obj):
            yield "".join(obj)  # nbformat splits multi-line strings into a list of lines
            return
        for v in obj:
            yield from _strings_in_json(v, join_lists)
    elif obj is not None:
        yield str(obj)


def _html_chunks(raw: str) -> Iterator[Chunk]:
    yield "", html_text(raw)
    attrs = [a or b for a, b in _ATTR.findall(raw)]
    if attrs:
        yield "atribut", html.unescape("\n".join(attrs))


def _xlsx_chunks(path: Path) -> Iterator[Chunk]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=False, data_only=False)
    try:
        yield "nama lembar", "\n".join(wb.sheetnames)
        names = [f"{n}\n{d.attr_text}" for n, d in wb.defined_names.items()]
        for ws in wb.worksheets:
            names += [f"{n}\n{d.attr_text}" for n, d in ws.defined_names.items()]
            parts: list[str] = []
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        parts.append(str(cell.value))
                    if cell.comment is not None:
                        parts.append(cell.comment.text)
            hf = ws.HeaderFooter
            for part in ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader"):
                item = getattr(hf, part)
                parts += [str(getattr(item, s).text or "") for s in ("left", "center", "right")]
            item = hf.firstFooter
            parts += [str(getattr(item, s).text or "") for s in ("left", "center", "right")]
            for dv in ws.data_validations.dataValidation:
                parts += [str(x) for x in (dv.formula1, dv.formula2, dv.prompt, dv.error) if x]
            yield f"lembar {ws.title}", "\n".join(parts)
        yield "nama terdefinisi", "\n".join(names)
        props = wb.properties
        yield "properti", "\n".join(str(v) for v in vars(props).values() if v is not None)
    finally:
        wb.close()
    yield from _zip_xml_chunks(path)


def _zip_xml_chunks(path: Path) -> Iterator[Chunk]:
    """Backstop: the text and attribute values of every XML part of an OOXML package."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.endswith((".xml", ".rels", ".vml")):
                continue
            raw = zf.read(name).decode("utf-8", "replace")
            # a shared string's rich-text runs are read as one text: join them without a break
            raw = re.sub(r"</t>\s*</r>\s*<r>.*?<t[^>]*>", "", raw, flags=re.DOTALL)
            yield name, html.unescape(_TAG.sub("\n", raw))
            attrs = [a or b for a, b in _ATTR.findall(raw)]
            if attrs:
                yield name, html.unescape("\n".join(attrs))


# a line of a content stream that builds or paints a path (no text): ``x y l``, ``h``, ``f*``
_PDF_PATH = re.compile(
    rb"(?m)^(?:(?:[-+]?(?:\d+\.?\d*|\.\d+)[ \t]+)+(?:m|l|c|v|y|re)|h|S|s|f\*?|F|B\*?|b\*?|n)"
    rb"[ \t]*\r?\n"
)


def _pdf_page_text(page) -> str:
    """The text of a PDF page (pypdf), its path-drawing lines dropped first: the maps' vector
    paths are most of the content and none of the text, and parsing them took most of the time.
    Text, fonts and positions (``Tj``, ``Tf``, ``Tm``, ``cm``) stay, so the text is the same."""
    from pypdf.generic import DecodedStreamObject, NameObject

    contents = page.get_contents()
    if contents is not None:
        lean = DecodedStreamObject()
        lean.set_data(_PDF_PATH.sub(b"", contents.get_data()))
        page[NameObject("/Contents")] = lean
    return page.extract_text() or ""


def _pdf_chunks(path: Path) -> Iterator[Chunk]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    for i, page in enumerate(reader.pages, start=1):
        yield f"halaman {i}", _pdf_page_text(page)
    meta = reader.metadata or {}
    yield "metadata", "\n".join(str(v) for v in meta.values())

    def titles(items: list) -> Iterator[str]:
        for it in items:
            if isinstance(it, list):
                yield from titles(it)
            else:
                yield str(getattr(it, "title", "") or "")

    try:
        outline = "\n".join(titles(reader.outline))
    except Exception:  # a damaged outline must not hide the rest
        outline = ""
    yield "daftar isi PDF", outline


def _csv_chunks(raw: str) -> Iterator[Chunk]:
    """One chunk per CSV row, its cells on separate lines (never joined across cells)."""
    try:
        rows = list(csv.reader(io.StringIO(raw)))
    except csv.Error:
        yield "", raw
        return
    for i, row in enumerate(rows, start=1):
        if row:
            yield f"baris {i}", "\n".join(row)


def extract_chunks(path: Path) -> Iterator[Chunk]:
    """All text a reader (or a scraper) could get out of ``path``, with where it is."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        yield from _pdf_chunks(path)
        return
    if suffix in {".xlsx", ".xlsm"}:
        yield from _xlsx_chunks(path)
        return
    data = path.read_bytes()
    if suffix == ".ipynb":
        nb = json.loads(data.decode("utf-8"))
        for s in _strings_in_json(nb, join_lists=True):
            yield "", s
            if "<" in s:
                yield from _html_chunks(s)
        return
    if suffix not in TEXT_SUFFIXES:
        yield "", data.decode("latin-1")  # PNG text chunks, fonts, unknown types: the bytes
        return
    raw = data.decode("utf-8", errors="replace")
    if suffix in {".html", ".htm", ".svg"}:
        yield from _html_chunks(raw)
    elif suffix == ".csv":
        yield from _csv_chunks(raw)
    elif suffix == ".json":
        try:
            yield "", "\n".join(_strings_in_json(json.loads(raw)))
        except json.JSONDecodeError:
            yield "", raw
    else:
        yield "", raw


def extract_text(path: Path) -> str:
    """All text of ``path`` in one string (normalised)."""
    return "\n".join(normalise(t) for _, t in extract_chunks(path))


# -- personal terms from the input --------------------------------------------------------
_WORD = re.compile(r"[A-Za-z']+")


def _normalise_words(text: str) -> list[str]:
    return [w.upper() for w in _WORD.findall(text)]


def _place_names(kode: str) -> pd.Series:
    """Every name of the kabupaten ``kode``, its kecamatan and villages, in both spellings."""
    from dtks_analysis import regions

    nama = regions.kabupaten_nama(kode)
    short = re.sub(r"^(Kabupaten|Kota)\s+", "", nama)
    return pd.concat(
        [
            t[c]
            for t in (regions.kecamatan_table(kode), regions.desa_table(kode))
            for c in ("nama", "nama_bps")
        ]
        + [pd.Series([short, nama])],
        ignore_index=True,
    )


@lru_cache(maxsize=8)
def place_phrases(kode: str) -> frozenset[tuple[str, ...]]:
    """Every run of 2+ words inside a region name of kabupaten ``kode`` (``NEMPU HILIR`` of Siempat Nempu
    Hilir): a person's name equal to one would match the report's place names."""
    from dtks_analysis import regions

    out: set[tuple[str, ...]] = set()
    for name in _place_names(kode).dropna():
        words = _normalise_words(str(name))
        variants = [words, [regions.OLD_SPELLINGS.get(w, w) for w in words]]
        variants += [
            [old if w == new else w for w in words] for old, new in regions.OLD_SPELLINGS.items()
        ]
        for v in variants:
            out |= {tuple(v[i:j]) for i in range(len(v)) for j in range(i + 2, len(v) + 1)}
    return frozenset(out)


@lru_cache(maxsize=8)
def place_words(kode: str) -> frozenset[str]:
    """Every word of a region name of kabupaten ``kode``, in both spellings."""
    from dtks_analysis import regions

    words = {w for name in _place_names(kode).dropna() for w in _normalise_words(str(name))}
    return frozenset(words | {old for old, new in regions.OLD_SPELLINGS.items() if new in words})


@lru_cache(maxsize=8)
def place_keys(kode: str) -> frozenset[str]:
    """Matching keys of every name of kabupaten ``kode``, its kecamatan and villages."""
    from dtks_analysis import regions

    keys = set(place_key(_place_names(kode)))
    for old, new in regions.OLD_SPELLINGS.items():
        keys |= {k.replace(new, old) for k in keys if new in k}
    return frozenset(k for k in keys if k)


def place_key(values: pd.Series) -> pd.Series:
    """Upper case, leading DESA/KELURAHAN/KEC/DUSUN... words dropped, non-alphanumerics removed."""
    up = values.fillna("").astype(str).str.upper().str.strip()
    return up.str.replace(_PLACE_PREFIX, "", regex=True).str.replace(r"[\W_]", "", regex=True)


def _sources(persons: pd.DataFrame) -> pd.Series:
    """Where each input row came from: ``2023-12/kiriman/a.csv baris 7`` ("" when unknown)."""
    if "_file" not in persons:
        return pd.Series("", index=persons.index)
    file = persons["_file"].fillna("").astype(str)
    if "_bulan" in persons:
        file = persons["_bulan"].astype(str) + "/" + file
    if "_row" in persons:
        row = pd.to_numeric(persons["_row"], errors="coerce")
        line = (" baris " + row.astype("Int64").astype(str)).where(row.notna(), "")
        file = file + line
    return file.where(persons["_file"].notna(), "")


_ID_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?")
MIN_ID_KELUARGA = 8
"""A DTSEN ``id_keluarga`` is looked for when it has this many letters/digits (10 when it is
only digits): shorter ones cannot be told apart from the numbers of a table."""


def id_keluarga_key(value: str) -> str:
    """Comparison form of a family ID: letters and digits, upper case (``kel-0012`` -> ``KEL0012``)."""
    return re.sub(r"[^0-9A-Z]", "", str(value).upper())


def _id_keluarga_terms(persons: pd.DataFrame) -> dict[tuple[str, ...], str]:
    """Distinctive ``id_keluarga`` values (DTSEN family IDs: never published, whatever their
    form; NIK-shaped ones are also caught as IDs) -> where each came from."""
    if "id_keluarga" not in persons:
        return {}
    sub = persons[persons["id_keluarga"].notna()].drop_duplicates("id_keluarga")
    out: dict[tuple[str, ...], str] = {}
    for value, where in zip(sub["id_keluarga"].astype(str), _sources(sub), strict=True):
        key = id_keluarga_key(value)
        if len(key) >= (10 if key.isdigit() else MIN_ID_KELUARGA):
            out.setdefault((key,), where)
    return out


def _id_tokens(text: str) -> set[tuple[str, ...]]:
    """Every token of ``text`` that may be a family ID, whole (separators dropped) and by its
    letter/digit runs."""
    out: set[tuple[str, ...]] = set()
    for tok in _ID_TOKEN.findall(text):
        out.add((id_keluarga_key(tok),))
        out.update((p.upper(),) for p in re.findall(r"[A-Za-z0-9]+", tok))
    return out


def personal_terms(persons: pd.DataFrame, kode: str) -> dict[str, dict[tuple[str, ...], str]]:
    """Names (2+ words) and distinctive addresses of a person table, as word tuples, each with
    where its first occurrence came from in the input (``""`` when unknown); and the DTSEN
    family IDs (``id_keluarga``, one-element tuples of :func:`id_keluarga_key`).

    Values that are region names of the kabupaten ``kode`` (``TANAH PINEM``, ``DESA PEGAGAN JULU V``), or a run
    of words inside one (``NEMPU HILIR``), are dropped: names of places are not personal data.
    So are names made only of words of region names (``SRI TANJUNG`` in Batu Bara, with the villages
    Dewi Sri and Tanjung Gading): a table of villages spells them out across two cells.
    """
    out: dict[str, dict[tuple[str, ...], str]] = {"nama": {}, "alamat": {}}
    places, phrases, words_of_places = place_keys(kode), place_phrases(kode), place_words(kode)
    for kind, col, min_len in (("nama", "nama", 6), ("alamat", "alamat", 12)):
        if col not in persons:
            continue
        first = persons[persons[col].notna()].drop_duplicates(col)
        first = first[~place_key(first[col]).isin(places)]
        for value, where in zip(first[col].astype(str), _sources(first), strict=True):
            words = tuple(_normalise_words(value))
            if (
                len(words) >= 2
                and len(" ".join(words)) >= min_len
                and words not in phrases
                and not words_of_places.issuperset(words)
            ):
                out[kind].setdefault(words, where)
    ids = _id_keluarga_terms(persons)
    if ids:
        out["id_keluarga"] = ids
    return out


def _id_sources(persons: pd.DataFrame | None) -> dict[str, str]:
    """Input NIK / No KK (digits) -> where it first came from."""
    if persons is None:
        return {}
    out: dict[str, str] = {}
    for col in ("nik", "no_kk"):
        if col not in persons:
            continue
        sub = persons[persons[col].notna()].drop_duplicates(col)
        digits = sub[col].astype(str).str.replace(r"\D", "", regex=True)
        for value, where in zip(digits, _sources(sub), strict=True):
            out.setdefault(value, where)
    return out


# -- matching -------------------------------------------------------------------
Terms = dict[str, dict[tuple[str, ...], str]] | dict[str, set[tuple[str, ...]]]


def phrase_index(terms: Terms | None) -> dict[str, tuple[list[int], frozenset[str]]]:
    """Per kind of term: the word counts of its phrases and their first words (computed once
    for the many pieces of text of a scan)."""
    return {
        k: (sorted({len(p) for p in v}), frozenset(p[0] for p in v if p))
        for k, v in (terms or {}).items()
    }


def find_leaks(
    text: str,
    path: Path,
    terms: Terms | None = None,
    lokasi: str = "",
    index: dict[str, tuple[list[int], frozenset[str]]] | None = None,
) -> list[Leak]:
    """Leaks in one piece of a file's text (normalised here). ``index``: :func:`phrase_index`
    of ``terms``, when the caller computed it once for many calls."""
    text = normalise(text)
    leaks = [Leak(path, "id16", mask_id(d), lokasi, key=d) for _, _, d in find_ids(text)]
    if terms:
        words = _normalise_words(text)
        index = index or phrase_index(terms)
        for kind, phrases in terms.items():
            if kind == "id_keluarga" and phrases:
                for g in sorted(t for t in _id_tokens(text) if t in phrases):
                    sumber = phrases.get(g, "") if isinstance(phrases, dict) else ""
                    leaks.append(Leak(path, kind, _mask_text(g[0]), lokasi, sumber))
                continue
            if not phrases or len(words) < 2:
                continue
            lengths, firsts = index[kind]
            found: set[tuple[str, ...]] = set()
            # a phrase can only start at a word that starts one
            for i in (i for i, w in enumerate(words) if w in firsts):
                for n in lengths:
                    if i + n > len(words):
                        break
                    gram = tuple(words[i : i + n])
                    if gram in phrases:
                        found.add(gram)
            for g in sorted(found):
                sumber = phrases.get(g, "") if isinstance(phrases, dict) else ""
                leaks.append(Leak(path, kind, _mask_text(" ".join(g)), lokasi, sumber))
    return leaks


#: file -> (its :func:`file_stamp`, its leaks) of an earlier scan
Scanned = dict[Path, tuple[tuple[int, int], list[Leak]]]


def iter_files(root: Path) -> Iterable[Path]:
    """Every regular file under ``root`` in a stable order."""
    return sorted(p for p in root.rglob("*") if p.is_file())


def scan_file(path: Path, root: Path, terms: Terms | None = None) -> list[Leak]:
    """Leaks in one output file and in its path (relative to ``root``), once per value."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    index = phrase_index(terms)
    leaks = find_leaks(rel, path, terms, "nama berkas", index)
    try:
        for where, text in extract_chunks(path):
            leaks += find_leaks(text, path, terms, where, index)
    except Exception as exc:  # unreadable output is itself a problem worth reporting
        leaks.append(Leak(path, "tidak_terbaca", f"({type(exc).__name__}: {exc})"))
    unique: dict[tuple[str, str], Leak] = {}
    for leak in leaks:
        unique.setdefault((leak.kind, leak.sample), leak)
    return list(unique.values())


def file_stamp(path: Path) -> tuple[int, int]:
    """(size, mtime in ns) of ``path``: an early scan of it holds while this is unchanged."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def scan_files(
    root: Path,
    paths: list[Path],
    persons: pd.DataFrame | None,
    kode: str,
    terms: Terms | None = None,
) -> Scanned:
    """Scan ``paths`` (files under ``root``) now, for :func:`check_outputs` to reuse: a report
    scans its finished files while its notebooks run. The leaks keep their input sources.
    ``terms``: :func:`personal_terms` of ``persons``, when the caller has them."""
    if terms is None and persons is not None:
        terms = personal_terms(persons, kode)
    return {p: (file_stamp(p), scan_file(p, Path(root), terms)) for p in paths}


def check_outputs(
    root: Path,
    persons: pd.DataFrame | None | Callable[[], pd.DataFrame | None],
    kode: str,
    scanned: Scanned | None = None,
    terms: Terms | None = None,
) -> list[Leak]:
    """Scan every file under ``root`` (contents and names); return the leaks (empty = clean).

    ``kode`` is the report's kabupaten: its place names are not personal names. ``scanned``
    (:func:`scan_files`) gives the leaks of files scanned earlier, used when the file is
    unchanged since (same size and time); the result is that of a scan of every file now.
    ``persons`` may be a function that loads them (called only to name where an ID came from),
    with their ``terms`` given (:class:`privacy_inputs.InputPersons`)."""
    root = Path(root)
    scanned = scanned or {}
    load = persons if callable(persons) else None
    if load is not None:
        persons = load() if terms is None else None  # without terms, the names come from them
    leaks: list[Leak] = []
    for path in iter_files(root):
        early = scanned.get(path)
        if early is not None and early[0] == file_stamp(path):
            leaks.extend(early[1])
            continue
        if terms is None and persons is not None:
            terms = personal_terms(persons, kode)
        leaks.extend(scan_file(path, root, terms))
    if any(x.kind == "id16" for x in leaks):
        sources = _id_sources(load() if load is not None else persons)
        leaks = [replace(x, sumber=sources.get(x.key, x.sumber)) for x in leaks]
    return leaks


def leak_report(leaks: list[Leak], limit: int = 50) -> str:
    """The lines shown to the analyst for ``leaks`` (report.py and check-outputs share them)."""
    lines = [f"  {x}" for x in leaks[:limit]]
    if len(leaks) > limit:
        lines.append(f"  ... dan {len(leaks) - limit} lainnya (and more)")
    lines.append(
        "  Tindakan: hapus atau perbaiki nilai itu di berkas masukan yang disebut (nama berkas, "
        "nama lembar, judul kolom, isi sel), lalu jalankan ulang (fix the named input and rerun)."
    )
    return "\n".join(lines)


def load_input_persons(interim_root: Path) -> pd.DataFrame | None:
    """Names, addresses and IDs of every month's cleaned input under ``interim_root``, with
    where each row came from (``_bulan``, ``_file``, ``_row``); None when there is none."""
    import pyarrow.parquet as pq

    frames = []
    # latest month first: a value is traced to the month the analyst is working on
    for p in sorted(interim_root.glob("*/persons.parquet"), reverse=True):
        names = set(pq.read_schema(p).names)
        wanted = ("nama", "alamat", "nik", "no_kk", "id_keluarga", "_file", "_row")
        cols = [c for c in wanted if c in names]
        if {"nama", "alamat", "nik", "no_kk", "id_keluarga"} & set(cols):
            df = pd.read_parquet(p, columns=cols)
            df["_bulan"] = p.parent.name
            frames.append(df)
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True)
