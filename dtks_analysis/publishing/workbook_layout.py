"""Layout of the workbook's sheets: styles, wrapped text with row heights, A4 print setup,
the contents ("Daftar isi") and definitions ("Definisi") sheets. Used by :mod:`workbook`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from dtks_analysis.formatting import bulan_id, is_missing
from dtks_analysis.publishing import tables as registry
from dtks_analysis.vocab import NAMA_SUMBER

TITLE_ROW, UNIT_ROW, HEADER_ROW = 1, 2, 4
FIRST_DATA_ROW = HEADER_ROW + 1
DEFINISI_SHEET = "Definisi"
CONTENTS_SHEET = "Daftar isi"
DEFINISI_FIELDS: dict[str, str] = {
    "nama": "Nama",
    "jenis": "Jenis",
    "alias": "Alias",
    "definisi": "Definisi",
    "konsep": "Konsep",
    "interpretasi": "Interpretasi",
    "metode_perhitungan": "Metode perhitungan",
    "ukuran": "Ukuran",
    "satuan": "Satuan",
    "klasifikasi_penyajian": "Klasifikasi penyajian",
    "referensi_waktu": "Referensi waktu",
    "tipe_data": "Tipe data",
}
# activity metadata (meta["kegiatan"]) shown on the contents sheet
KEGIATAN_FIELDS: dict[str, str] = {
    "judul": "Kegiatan",
    "penyelenggara": "Penyelenggara",
    "frekuensi": "Frekuensi",
    "unit_analisis": "Unit analisis",
    "tingkat_penyajian": "Tingkat penyajian",
}

BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=12, color="1F4E79")
MUTED = Font(italic=True, size=9, color="52606D")
NOTE_FONT = Font(size=9, color="52606D")
HEADER_FILL = PatternFill("solid", fgColor="E8EEF4")
TOTAL_FILL = PatternFill("solid", fgColor="F2F5F8")
THIN = Side(style="thin", color="1F2933")
HAIR = Side(style="hair", color="9AA5B1")


#: 0/1 program flags as the report writes them (the CSV keeps 0/1)
YA_TIDAK: dict[int, str] = {1: "Ya", 0: "Tidak"}
#: widest column (characters); longer texts wrap
MAX_WIDTH = 48
#: printable width (characters at 100%) of A4 portrait with these margins: wider -> landscape
PORTRAIT_WIDTH = 95
LINE_HEIGHT = 15.0  # points per line of 11-point text
NOTE_LINE_HEIGHT = 12.0


def _month_number() -> dict[str, int]:
    return {bulan_id(f"2000-{m:02d}").split()[0]: m for m in range(1, 13)}


def month_iso(value: Any) -> Any:
    """ "Juli 2023" -> "2023-07" (the workbook writes months in words); other values as given."""
    if not isinstance(value, str) or len(value.split()) != 2:
        return value
    name, year = value.split()
    m = _month_number().get(name)
    return f"{year}-{m:02d}" if m and year.isdigit() else value


def text_lines(text: Any, width: float) -> int:
    """Lines ``text`` takes when wrapped in a column ``width`` characters wide (words do not
    fill a line exactly: 15% slack)."""
    room = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(len(part) * 1.15 / room)) for part in str(text).split("\n"))


def wide_text(ws: Worksheet, row: int, text: str, ncols: int, font: Font, line: float) -> None:
    """``text`` in column A of ``row``, merged over the table's ``ncols`` columns and wrapped,
    with the row as high as the wrapped text (so it prints whole, never cut at the edge)."""
    cell = ws.cell(row, 1, text)
    cell.font = font
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    width = sum(
        ws.column_dimensions[get_column_letter(j)].width or 8.43 for j in range(1, ncols + 1)
    )
    if ncols > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.row_dimensions[row].height = line * text_lines(text, width) + 2


def print_setup(ws: Worksheet, title: str, *, landscape: bool, repeat: str | None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.7
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.print_options.horizontalCentered = False
    if repeat:
        ws.print_title_rows = repeat
    ws.oddFooter.left.text = title[:200].replace("&", "&&")
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Halaman &P dari &N"
    ws.oddFooter.right.size = 8


def write_definisi(
    ws: Worksheet, definisi: list[Mapping[str, Any]], month: str, source: str
) -> None:
    """One block per variable or indicator: its name, then one row per metadata field (label,
    wrapped text). Three columns, so it prints on A4 portrait with readable type."""
    keys = [k for k in DEFINISI_FIELDS if any(k in d and d[k] not in (None, "") for d in definisi)]
    keys += sorted({k for d in definisi for k in d} - set(DEFINISI_FIELDS))
    keys = [k for k in keys if k != "nama"]
    widths = {"A": 5.0, "B": 22.0, "C": 70.0}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    title = f"Definisi Variabel dan Indikator, {bulan_id(month)}"
    wide_text(ws, TITLE_ROW, title, 3, TITLE_FONT, 16.0)
    wide_text(
        ws,
        UNIT_ROW,
        "Mengikuti standar metadata statistik (variabel dan indikator)",
        3,
        MUTED,
        NOTE_LINE_HEIGHT,
    )
    for j, h in enumerate(("No", "Unsur metadata", "Isi"), start=1):
        c = ws.cell(HEADER_ROW, j, h)
        c.font = BOLD
        c.fill = HEADER_FILL
        c.border = Border(top=THIN, bottom=THIN)
    top_wrap = Alignment(vertical="top", wrap_text=True)
    r = FIRST_DATA_ROW
    for i, d in enumerate(definisi, start=1):
        ws.cell(r, 1, i).alignment = Alignment(vertical="top", horizontal="center")
        name = str(d.get("nama") or "")
        head = ws.cell(r, 2, name)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
        head.alignment = top_wrap
        for j in (1, 2, 3):
            ws.cell(r, j).font = BOLD
            ws.cell(r, j).fill = TOTAL_FILL
            ws.cell(r, j).border = Border(top=HAIR)
        ws.row_dimensions[r].height = LINE_HEIGHT * text_lines(name, widths["B"] + widths["C"]) + 2
        r += 1
        for k in keys:
            v = d.get(k)
            if isinstance(v, list | tuple):
                v = "; ".join(str(x) for x in v)
            if is_missing(v) or v == "":
                continue
            ws.cell(r, 2, DEFINISI_FIELDS.get(k, k.replace("_", " ").capitalize()))
            ws.cell(r, 2).alignment = top_wrap
            ws.cell(r, 3, str(v)).alignment = top_wrap
            n = max(text_lines(v, widths["C"]), text_lines(ws.cell(r, 2).value, widths["B"]))
            ws.row_dimensions[r].height = LINE_HEIGHT * n + 2
            r += 1
    wide_text(ws, r + 1, source, 3, NOTE_FONT, NOTE_LINE_HEIGHT)
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)
    print_setup(
        ws, "Definisi variabel dan indikator", landscape=False, repeat=f"{HEADER_ROW}:{HEADER_ROW}"
    )


def _link(cell: Any, sheet: str) -> None:
    """An internal hyperlink to cell A1 of ``sheet``."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet}'!A1")


def write_contents(
    ws: Worksheet, names: list[str], month: str, meta: Mapping[str, Any], source: str
) -> None:
    instansi = meta["instansi"]
    word = str(meta.get("sumber_data") or "DTKS")
    words = dict(meta.get("sumber_tabel") or {})
    ws.cell(
        1,
        1,
        f"Tabel {NAMA_SUMBER.get(word, word)} {meta['kabupaten']}",
    ).font = TITLE_FONT
    ws.cell(2, 1, f"Keadaan {bulan_id(month)}").font = Font(bold=True, size=11)
    ws.cell(3, 1, instansi).font = NOTE_FONT
    if meta.get("data_sementara"):
        ws.cell(3, 2, "Data sementara").font = Font(bold=True, color="9B2C2C")
    ws.cell(HEADER_ROW + 1, 1, "Lembar").font = BOLD
    ws.cell(HEADER_ROW + 1, 2, "Isi").font = BOLD
    for c in (ws.cell(HEADER_ROW + 1, 1), ws.cell(HEADER_ROW + 1, 2)):
        c.fill = HEADER_FILL
        c.border = Border(top=THIN, bottom=THIN)
    r = HEADER_ROW + 2
    for k, name in enumerate(names, start=1):
        ws.cell(r, 1, registry.sheet_name(name))
        n = registry.number(name, k, dtsen=bool(registry.DTSEN_TABLES & set(names)))
        ws.cell(r, 2, f"Tabel {n}. {registry.title(name, words.get(name, word))}")
        ws.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = LINE_HEIGHT * text_lines(ws.cell(r, 2).value, 75) + 2
        _link(ws.cell(r, 1), registry.sheet_name(name))
        ws.cell(r, 1).font = Font(color="1F4E79", underline="single")
        r += 1
    if meta.get("definisi"):
        ws.cell(r, 1, DEFINISI_SHEET)
        _link(ws.cell(r, 1), DEFINISI_SHEET)
        ws.cell(r, 1).font = Font(color="1F4E79", underline="single")
        ws.cell(r, 2, "Definisi variabel dan indikator")
        r += 1
    r += 1
    lines = [
        source,
        "Tanda – : nilai disembunyikan untuk melindungi kerahasiaan atau tidak tersedia.",
        _csv_line(names),
        *(str(x) for x in meta.get("catatan_umum", [])),
    ]
    if meta.get("tanggal_rilis"):
        lines.insert(0, f"Tanggal rilis: {meta['tanggal_rilis']}")
    kegiatan = meta.get("kegiatan") or {}
    for key, label in KEGIATAN_FIELDS.items():
        if kegiatan.get(key):
            lines.append(f"{label}: {kegiatan[key]}")
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 75  # the row heights above assume this width
    for line in lines:
        wide_text(ws, r, line, 2, NOTE_FONT, NOTE_LINE_HEIGHT)
        r += 1
    print_setup(ws, "Daftar isi", landscape=False, repeat=None)


def _csv_line(names: list[str]) -> str:
    """Which tables also exist as CSV (machine-readable: codes and months as ``YYYY-MM``)."""
    no_csv = [
        registry.number(n, 0) for n in names if n in registry.TABLES and not registry.TABLES[n].csv
    ]
    but = f" (kecuali Tabel {', '.join(str(n) for n in no_csv)})" if no_csv else ""
    return (
        f"Tabel-tabel ini{but} tersedia juga sebagai berkas CSV (UTF-8) di folder tabel/, dengan "
        "kode (mis. 1/0 untuk Ya/Tidak) dan bulan dalam bentuk YYYY-MM."
    )
