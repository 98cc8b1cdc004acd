"""Published tables to a formatted Excel workbook (openpyxl), and back.

Workbook (``write_workbook``): a contents sheet, one sheet per table (title, unit line, bold
header frozen and repeated on every printed page, Indonesian number formats, totals row for
additive tables, source line, notes, A4 print setup fitted to the page width) and a "Definisi"
sheet rendered from the variable and indicator metadata. Titles, sheet names, unit lines,
headers and which tables sum or hide cells come from the registry
(:mod:`dtks_analysis.publishing.tables`). The file is byte-for-byte reproducible: document dates
are fixed to the month's reference date and the zip entries carry a fixed time.
:func:`read_workbook_table` reads a table sheet back into a DataFrame with the CSV's columns.
"""

from __future__ import annotations

import datetime as dt
import io
import numbers
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dtks_analysis.formatting import (
    KOSONG,
    bulan_id,
    is_missing,
    source_line,
    source_line_periode,
    teks_sel,
)
from dtks_analysis.publishing import tables as registry
from dtks_analysis.publishing.cells import FLOAT_DIGITS, check_name, plain
from dtks_analysis.publishing.workbook_layout import (
    BOLD,
    CONTENTS_SHEET,
    DEFINISI_SHEET,
    FIRST_DATA_ROW,
    HAIR,
    HEADER_FILL,
    HEADER_ROW,
    LINE_HEIGHT,
    MAX_WIDTH,
    MUTED,
    NOTE_FONT,
    NOTE_LINE_HEIGHT,
    PORTRAIT_WIDTH,
    THIN,
    TITLE_FONT,
    TITLE_ROW,
    TOTAL_FILL,
    UNIT_ROW,
    YA_TIDAK,
    month_iso,
    print_setup,
    text_lines,
    wide_text,
    write_contents,
    write_definisi,
)
from dtks_analysis.vocab import PROGRAMS

FLAG_COLUMNS = frozenset(PROGRAMS)
# numeric columns that name a category (never summed, shown without separators)
CATEGORY_COLUMNS = frozenset({"ukuran", "kelompok_umur", "tahun"})
# tables whose empty cells are suppressed for confidentiality (not merely unavailable)
TOTAL_LABEL = "Jumlah"
NOTE_SUPPRESSED = (
    "– : nilai disembunyikan untuk melindungi kerahasiaan rumah tangga (sel bernilai kecil "
    "dan sel pelindungnya)."
)
NOTE_TOTAL_GIVEN = "Baris Jumlah mencakup nilai yang disembunyikan."
NOTE_TOTAL_HIDDEN = (
    "Jumlah kolom yang memuat sel tersembunyi tidak ditampilkan (–); lihat lembar Kecamatan."
)
NOTE_UNAVAILABLE = "– : data tidak tersedia (mis. bulan pertama, tanpa pembanding bulan lalu)."
# fractions (0..1) shown as 0.0%; "persen" columns already hold percentages (0..100)
_PCT_NAME = re.compile(r"(^|_)(cakupan|pct|proporsi|porsi|pangsa)(_|$)")
_PERSEN_NAME = re.compile(r"(^|_)persen(_|$)")


def _safe_workbook(wb: Workbook) -> None:
    """Every text cell of ``wb`` made safe, and no cell left as a formula: a text that starts
    with ``=`` is stored as text with a leading ``'`` (formula injection)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    safe = teks_sel(cell.value)
                    if safe != cell.value or cell.data_type == "f":
                        cell.value = safe
                        cell.data_type = "s"


# --------------------------------------------------------------------------- workbook


def _reference_datetime(month: str) -> dt.datetime:
    year, mon = (int(p) for p in month.split("-"))
    nxt = dt.date(year + mon // 12, mon % 12 + 1, 1)
    return dt.datetime.combine(nxt - dt.timedelta(days=1), dt.time(0, 0))


def _kind(df: pd.DataFrame, col: str, pct_cols: set[str]) -> str:
    """``pct``, ``int``, ``dec``, ``flag`` or ``text``: how a column is shown."""
    if col in pct_cols or _PCT_NAME.search(col):
        return "pct"
    if _PERSEN_NAME.search(col):
        return "persen"
    if col.startswith("kode_") or col == "bulan":
        return "text"
    s = df[col]
    vals = [v for v in s if not is_missing(v)]
    if not vals:
        return "int"  # an all-missing column (e.g. first-month flows): shown as "–"
    if pd.api.types.is_bool_dtype(s) or (
        col in FLAG_COLUMNS and all(plain(v) in (0, 1) for v in vals)
    ):
        return "yatidak"
    if col in CATEGORY_COLUMNS and vals and all(isinstance(plain(v), int) for v in vals):
        return "flag"
    if pd.api.types.is_numeric_dtype(s) or (
        vals and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in vals)
    ):
        plains = [plain(v) for v in vals]
        return "int" if all(isinstance(v, int) for v in plains) else "dec"
    return "text"


_FORMATS = {
    "int": "#,##0",
    "dec": "#,##0.0",
    "pct": "0.0%",
    "persen": "0.0",
    "flag": "0",
    "yatidak": "@",
    "text": "@",
}


def _width(values: Iterable[Any], header: str, kind: str) -> float:
    longest = 0
    for v in values:
        if v is None:
            continue
        if kind in ("int", "dec") and isinstance(v, int | float):
            n = len(f"{v:,.0f}") + (2 if kind == "dec" else 0)
        elif kind == "pct" and isinstance(v, int | float):
            n = 6
        else:
            n = len(str(v))
        longest = max(longest, n)
    words = header.split()
    head = max((len(w) for w in words), default=4)
    head = max(head, min(len(header), 16))
    return float(min(max(longest, head, 6) + 2, MAX_WIDTH))


def _write_table_sheet(
    ws: Worksheet,
    name: str,
    df: pd.DataFrame,
    *,
    number: int,
    month: str,
    source: str,
    notes: list[str],
    pct_cols: set[str],
    total: Mapping[str, Any] | None,
    additive: bool,
    sumber_data: str = "DTKS",
) -> None:
    cols = list(df.columns)
    kinds = {c: _kind(df, c, pct_cols) for c in cols}
    # = registry.caption(name, month) with the number the workbook gives the table
    title = f"Tabel {number}. {registry.title(name, sumber_data)}, {bulan_id(month)}"

    for j, col in enumerate(cols, start=1):
        c = ws.cell(HEADER_ROW, j, registry.long_label(col, name))
        c.font = BOLD
        c.fill = HEADER_FILL
        c.border = Border(top=THIN, bottom=THIN)
        c.alignment = Alignment(
            horizontal="left" if kinds[col] == "text" else "center",
            vertical="center",
            wrap_text=True,
        )
    has_suppressed = False
    right = Alignment(horizontal="right")
    for i, rec in enumerate(df.itertuples(index=False, name=None)):
        r = FIRST_DATA_ROW + i
        for j, (col, v) in enumerate(zip(cols, rec, strict=True), start=1):
            value = plain(v)
            kind = kinds[col]
            if value is None:
                if kind in ("int", "dec", "pct", "persen", "flag"):
                    cell = ws.cell(r, j, KOSONG)
                    cell.alignment = right
                    has_suppressed = True
                continue
            if kind == "text":
                if col == "bulan":
                    value = bulan_id(value)
                else:
                    value = registry.VALUE_LABELS.get(col, {}).get(str(value), str(value))
            elif kind == "yatidak":
                value = YA_TIDAK[int(value)]
            cell = ws.cell(r, j, value)
            cell.number_format = _FORMATS[kind]
            if kind in ("flag", "yatidak"):
                cell.alignment = Alignment(horizontal="center", vertical="top")
            elif kind == "text":
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    last = FIRST_DATA_ROW + len(df) - 1
    if len(df):
        for j in range(1, len(cols) + 1):
            ws.cell(last, j).border = Border(bottom=HAIR)

    total_hidden = False
    if additive and len(df):
        r = last + 1
        sums = dict(total or {})
        for col in cols:
            if col not in sums and kinds[col] == "int" and col not in FLAG_COLUMNS:
                s = df[col]
                sums[col] = None if s.isna().any() else int(pd.to_numeric(s).sum())
        label_col = next((c for c in cols if kinds[c] in ("text", "flag", "yatidak")), cols[0])
        for j, col in enumerate(cols, start=1):
            cell = ws.cell(r, j)
            if col == label_col:
                cell.value = TOTAL_LABEL
            elif col in sums:
                value = plain(sums[col])
                cell.value = KOSONG if value is None else value
                total_hidden = total_hidden or value is None
                cell.number_format = _FORMATS.get(kinds[col], "#,##0")
                cell.alignment = right
            cell.font = BOLD
            cell.fill = TOTAL_FILL
            cell.border = Border(top=THIN, bottom=THIN)
        last = r

    all_notes = list(notes)
    if has_suppressed and name in registry.suppressed_tables():
        all_notes[:0] = [
            NOTE_SUPPRESSED,
            *([NOTE_TOTAL_HIDDEN] if total_hidden else []),
            *([NOTE_TOTAL_GIVEN] if total and not total_hidden else []),
        ]
    elif has_suppressed:
        all_notes.insert(0, NOTE_UNAVAILABLE)

    widths = {}
    for j, col in enumerate(cols, start=1):
        values = [_shown(v, col, kinds[col]) for v in df[col]]
        widths[col] = _width(values, registry.long_label(col, name), kinds[col])
        ws.column_dimensions[get_column_letter(j)].width = widths[col]
    lines = 1
    for col in cols:
        lines = max(lines, text_lines(registry.long_label(col, name), widths[col]))
    ws.row_dimensions[HEADER_ROW].height = LINE_HEIGHT * lines + 2
    wrapped = [c for c in cols if kinds[c] == "text"]
    if wrapped:
        for i in range(len(df)):
            n = max(text_lines(_shown(df[c].iat[i], c, "text"), widths[c]) for c in wrapped)
            if n > 1:
                ws.row_dimensions[FIRST_DATA_ROW + i].height = LINE_HEIGHT * n + 2

    wide_text(ws, TITLE_ROW, title, len(cols), TITLE_FONT, 16.0)
    wide_text(ws, UNIT_ROW, registry.unit_line(name), len(cols), MUTED, NOTE_LINE_HEIGHT)
    r = last + 2
    wide_text(ws, r, source, len(cols), NOTE_FONT, NOTE_LINE_HEIGHT)
    for k, note in enumerate(all_notes, start=1):
        text = f"Catatan: {note}" if not note.startswith("Catatan") else note
        wide_text(ws, r + k, text, len(cols), NOTE_FONT, NOTE_LINE_HEIGHT)
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)
    print_setup(
        ws,
        title,
        landscape=sum(widths.values()) > PORTRAIT_WIDTH,
        repeat=f"{HEADER_ROW}:{HEADER_ROW}",
    )


def _shown(v: Any, col: str, kind: str) -> Any:
    """What a cell shows (for widths and heights)."""
    value = plain(v)
    if value is None:
        return None
    if kind == "yatidak":
        return YA_TIDAK.get(int(value), str(value))
    if kind == "text":
        if col == "bulan":
            return bulan_id(value)
        return registry.VALUE_LABELS.get(col, {}).get(str(value), str(value))
    return value


#: a number openpyxl wrote with 16 significant digits ("%.16g": 73.71249400000001)
_LONG_FLOAT = re.compile(rb"<v>(-?\d+\.\d{6,})</v>")


def _short_float(m: re.Match[bytes]) -> bytes:
    """The value as the CSV writes it: cells hold numbers rounded to ``FLOAT_DIGITS`` decimals
    (``cells.plain``), so rounding the 16-digit text again gives back that number, written in
    its shortest form (``73.712494``): the same value as the CSV, and no 16-digit run that reads
    like a NIK."""
    return b"<v>" + repr(round(float(m.group(1)), FLOAT_DIGITS)).encode() + b"</v>"


def _deterministic_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite an xlsx (zip) with a fixed timestamp on every entry, order kept.

    openpyxl stamps ``dcterms:modified`` with the wall clock on save; it is set back to ``when``.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    fixed = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                body = _LONG_FLOAT.sub(_short_float, body)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + fixed + rb"\g<2>",
                    body,
                )
            dst.writestr(zi, body)
    return out.getvalue()


def _source(df: pd.DataFrame, month: str, instansi: str, sumber_data: str) -> str:
    """The source line of a table of several months (its ``bulan`` column) naming their
    sources, else the month's."""
    if "bulan" in df.columns and len(df):
        return source_line_periode(df["bulan"], instansi, sumber_data)
    return source_line(month, instansi, sumber_data)


def write_workbook(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    month: str,
    meta: Mapping[str, Any],
) -> Path:
    """Write the formatted workbook ``tabel_dtks_<month>.xlsx``; return its path.

    Parameters
    ----------
    tables
        ``{name: DataFrame}`` as published (same frames as the CSVs); sheet order follows it.
    month
        ``YYYY-MM``: the reference month in titles and the source line; also fixes the file's
        creation date (the month's last day), so two runs give identical bytes.
    meta
        Required keys: ``instansi`` (source lines, author) and ``kabupaten`` (title).
        Optional keys: ``sumber_data`` (the month's source, "DTKS" by default, in titles and
        source lines), ``sumber_tabel`` (``{table: sources}`` of a table of several months);
        ``definisi`` (list of dicts: nama, jenis, definisi, konsep,
        interpretasi, metode_perhitungan, ukuran, satuan, klasifikasi_penyajian, ...) for the
        "Definisi" sheet; ``instansi``; ``kabupaten``; ``tanggal_rilis`` (display string);
        ``data_sementara`` (bool); ``kegiatan`` (activity metadata: judul, penyelenggara,
        frekuensi, unit_analisis, tingkat_penyajian -> contents sheet); ``catatan`` (``{table: [note, ...]}``); ``catatan_umum``
        (list); ``persen`` (``{table: [column, ...]}`` shown as ``0.0%``, for fractions);
        ``total`` (``{table: {column: value}}``: totals row values, e.g. unsuppressed village
        totals, overriding the column sums); ``aditif`` (table names that get a totals row,
        replacing the default set).

    Columns: whole numbers ``#,##0``, fractions ``0.0%`` (names with cakupan/persen/pct/
    proporsi, or listed in ``persen``), other decimals ``#,##0.0``; Excel shows the separators
    of the reader's locale (``35.412`` in Indonesian Excel). Missing (suppressed) cells show
    "–" with a note; a totals column that includes a suppressed cell is shown as "–" unless
    ``total`` supplies it.
    """
    meta = dict(meta)
    missing = [k for k in ("instansi", "kabupaten") if not meta.get(k)]
    if missing:
        raise ValueError(f"write_workbook: meta tanpa {', '.join(missing)} (required keys)")
    path = Path(path)
    word = str(meta.get("sumber_data") or "DTKS")  # the month's source (issue 13)
    words = dict(meta.get("sumber_tabel") or {})  # a table of several months: their sources
    source = source_line(month, meta["instansi"], word)
    names = registry.in_report_order(list(tables))
    for name in names:
        check_name(name)
    additive = set(meta.get("aditif", registry.additive_tables()))
    wb = Workbook()
    contents = wb.active
    contents.title = CONTENTS_SHEET
    write_contents(contents, names, month, meta, source)
    for k, name in enumerate(names, start=1):
        ws = wb.create_sheet(registry.sheet_name(name))
        _write_table_sheet(
            ws,
            name,
            tables[name],
            number=registry.number(name, k, dtsen=bool(registry.DTSEN_TABLES & set(names))),
            month=month,
            source=_source(tables[name], month, meta["instansi"], words[name])
            if name in words
            else source,
            sumber_data=words.get(name, word),
            notes=[str(n) for n in meta.get("catatan", {}).get(name, [])],
            pct_cols=set(meta.get("persen", {}).get(name, [])),
            total=meta.get("total", {}).get(name),
            additive=name in additive,
        )
    if meta.get("definisi"):
        write_definisi(wb.create_sheet(DEFINISI_SHEET), list(meta["definisi"]), month, source)

    _safe_workbook(wb)
    when = _reference_datetime(month)
    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.creator = meta["instansi"]
    wb.properties.lastModifiedBy = None
    wb.properties.title = f"Tabel {word} {bulan_id(month)}"
    wb.properties.language = "id-ID"
    buf = io.BytesIO()
    wb.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(_deterministic_zip(buf.getvalue(), when))
    os.replace(tmp, path)
    return path


def read_workbook_table(path: str | Path, name: str) -> pd.DataFrame:
    """Read table ``name`` back from a workbook written by :func:`write_workbook`.

    Returns the data rows (no totals row) with the CSV column names; "–" becomes missing.
    Used by tests to check that the workbook and the CSVs hold the same numbers.
    """
    wb = load_workbook(str(path), read_only=True, data_only=True)
    ws = wb[registry.sheet_name(name)]
    rows = list(ws.iter_rows(min_row=HEADER_ROW, values_only=True))
    wb.close()
    header = [h for h in rows[0] if h is not None]
    additive = name in registry.additive_tables()
    own = registry.TABLES[name].fields if name in registry.TABLES else ()
    inverse = {registry.long_label(c, name): c for c in (*registry.FIELDS, *own)}
    cols = [inverse.get(h, h) for h in header]
    data = []
    for row in rows[1:]:
        cells = list(row[: len(cols)])
        if all(c is None for c in cells) or (additive and TOTAL_LABEL in cells):
            break  # the totals row the writer adds (a table's own "Jumlah" row is data)
        data.append([None if c == KOSONG else c for c in cells])
    df = pd.DataFrame(data, columns=cols, dtype=object)
    for col in df.columns:
        vals = [v for v in df[col] if v is not None]
        if vals and all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            df[col] = df[col].astype("Int64")
    for col, labels in registry.VALUE_LABELS.items():
        if col in df.columns:
            back = {v: k for k, v in labels.items()}
            df[col] = df[col].map(lambda v, b=back: b.get(v, v))
    if "bulan" in df.columns:
        df["bulan"] = df["bulan"].map(month_iso)
    ya_tidak = {v: k for k, v in YA_TIDAK.items()}
    for col in FLAG_COLUMNS & set(df.columns):
        vals = [v for v in df[col] if v is not None]
        if vals and all(v in ya_tidak for v in vals):
            df[col] = df[col].map(lambda v: None if v is None else ya_tidak[v]).astype("Int64")
    return df
