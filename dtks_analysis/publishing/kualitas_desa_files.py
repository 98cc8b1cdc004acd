"""The village quality history's own files (issue 14): ``tabel/kualitas_desa.csv``, the Dinas
workbook ``kualitas_desa_<month>.xlsx`` (grades coloured by conditional formatting) and the
one-page A4 summary per kecamatan for the camat (``camat/<kecamatan>.html`` and ``.pdf``).

Everything here is counts of rows and findings per village: no person data.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.utils import get_column_letter

from dtks_analysis.config import Settings, month_end
from dtks_analysis.counting import village_quality as vq
from dtks_analysis.formatting import bulan_id, fmt_dec, fmt_int, periode_id
from dtks_analysis.publishing import export, tables
from dtks_analysis.publishing.kualitas_desa import GRADE_COLORS, GRADE_INK, month_label
from dtks_analysis.publishing.workbook import _deterministic_zip
from dtks_analysis.publishing.workbook_layout import (
    BOLD,
    HAIR,
    HEADER_FILL,
    MUTED,
    TITLE_FONT,
    print_setup,
)

CSV_NAME = "kualitas_desa"
REGION = ["kode_kecamatan", "kecamatan", "kode_desa", "desa"]


def write_csv(history: pd.DataFrame, tabel_dir: Path) -> Path:
    """``tabel_dir/kualitas_desa.csv`` (tidy, codes and ``YYYY-MM``, like every table CSV)."""
    return export.write_csvs({CSV_NAME: history}, tabel_dir)[CSV_NAME]


def _grade_rules(ws, cells: str) -> None:
    """One conditional-formatting rule per grade on ``cells`` (fill and font colour)."""
    for g in vq.GRADES:
        ink = "FFFFFF" if GRADE_INK[g] == "white" else "1F2933"
        ws.conditional_formatting.add(
            cells,
            CellIsRule(
                operator="equal",
                formula=[f'"{g}"'],
                fill=PatternFill(
                    "solid",
                    fgColor=GRADE_COLORS[g].lstrip("#").upper(),
                    bgColor=GRADE_COLORS[g].lstrip("#").upper(),
                ),
                font=Font(color=ink, bold=True),
            ),
        )


def _header(ws, row: int, labels: list[str]) -> None:
    for j, text in enumerate(labels, start=1):
        c = ws.cell(row, j, text)
        c.font, c.fill = BOLD, HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        c.border = Border(bottom=HAIR)


def _title(ws, title: str, sub: str) -> None:
    ws.cell(1, 1, title).font = TITLE_FONT
    ws.cell(2, 1, sub).font = MUTED


def write_workbook(
    history: pd.DataFrame, path: Path, month: str, settings: Settings, sumber_data: str = "DTKS"
) -> Path:
    """The Dinas workbook: sheet "Nilai" (village x month grades, coloured by grade), sheet
    "Angka" (every number of the history), sheet "Keterangan" (grades and definitions).
    Deterministic (fixed timestamps); A4 landscape, header rows repeated on every page."""
    months = sorted(history["bulan"].unique())
    periode = periode_id(months)
    sumber = f"Sumber: {sumber_data} {settings.instansi}, {periode}, diolah"
    wb = Workbook()
    ws = wb.active
    ws.title = "Nilai"
    _title(ws, f"Nilai Kualitas Data Desa/Kelurahan per Bulan, {settings.kabupaten_nama}", sumber)
    wide = history.pivot(index="kode_desa", columns="bulan", values="nilai")
    regions = history.drop_duplicates("kode_desa").set_index("kode_desa")[REGION[:2] + ["desa"]]
    _header(
        ws,
        4,
        [
            "Kode kecamatan",
            "Kecamatan",
            "Kode desa/kelurahan",
            "Desa/kelurahan",
            *(month_label(m) for m in months),
        ],
    )
    for i, (kode, row) in enumerate(regions.iterrows(), start=5):
        values = [row["kode_kecamatan"], row["kecamatan"], kode, row["desa"]]
        values += [wide.loc[kode, m] for m in months]
        for j, v in enumerate(values, start=1):
            c = ws.cell(i, j, v)
            if j > 4:
                c.alignment = Alignment(horizontal="center")
    last = 4 + len(regions)
    first_col, last_col = get_column_letter(5), get_column_letter(4 + len(months))
    _grade_rules(ws, f"{first_col}5:{last_col}{last}")
    for j, w in enumerate([14, 20, 18, 26, *([10] * len(months))], start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = "E5"
    ws.auto_filter.ref = f"A4:{last_col}{last}"
    ws.cell(
        last + 2,
        1,
        "Nilai: A, B, C, D menurut kesalahan per 100 baris (lihat lembar "
        "Keterangan); TM = tidak mengirim data.",
    ).font = MUTED
    print_setup(ws, "Nilai kualitas data desa/kelurahan", landscape=True, repeat="4:4")

    ws2 = wb.create_sheet("Angka")
    _title(ws2, f"Kualitas Data Desa/Kelurahan per Bulan, {settings.kabupaten_nama}", sumber)
    cols = list(vq.HISTORY_COLUMNS)
    _header(ws2, 4, [tables.long_label(c) for c in cols])
    data = history[cols].copy()
    data["bulan"] = [month_label(m) for m in data["bulan"]]
    for i, rec in enumerate(data.itertuples(index=False), start=5):
        for j, v in enumerate(rec, start=1):
            c = ws2.cell(i, j, v.item() if hasattr(v, "item") else v)
            if cols[j - 1].endswith("_per_100"):
                c.number_format = "0.00"
    last2 = 4 + len(data)
    g = get_column_letter(cols.index("nilai") + 1)
    _grade_rules(ws2, f"{g}5:{g}{last2}")
    for j, c in enumerate(cols, start=1):
        ws2.column_dimensions[get_column_letter(j)].width = 26 if c in ("desa", "kecamatan") else 14
    ws2.freeze_panes = "A5"
    ws2.auto_filter.ref = f"A4:{get_column_letter(len(cols))}{last2}"
    print_setup(ws2, "Kualitas data desa/kelurahan (angka)", landscape=True, repeat="4:4")

    ws3 = wb.create_sheet("Keterangan")
    _title(ws3, "Keterangan", sumber)
    t = settings.kualitas_desa
    lines = [
        ("Nilai A", f"kesalahan per 100 baris paling banyak {fmt_dec(t['A'], 2)}"),
        ("Nilai B", f"lebih dari {fmt_dec(t['A'], 2)} sampai {fmt_dec(t['B'], 2)}"),
        ("Nilai C", f"lebih dari {fmt_dec(t['B'], 2)} sampai {fmt_dec(t['C'], 2)}"),
        ("Nilai D", f"lebih dari {fmt_dec(t['C'], 2)}"),
        ("TM", "tidak mengirim data pada bulan itu"),
        (
            "Kerahasiaan",
            "Tabel ini menghitung baris data dan temuan, bukan orang atau rumah "
            "tangga, sehingga tidak memerlukan penyembunyian sel.",
        ),
        *((tables.long_label(c), tables.definition(c)) for c in cols),
    ]
    for i, (k, v) in enumerate(lines, start=4):
        ws3.cell(i, 1, k).font = BOLD
        ws3.cell(i, 2, v).alignment = Alignment(wrap_text=True, vertical="top")
    ws3.column_dimensions["A"].width = 34
    ws3.column_dimensions["B"].width = 90
    print_setup(ws3, "Keterangan", landscape=False, repeat=None)

    when = dt.datetime.combine(month_end(month), dt.time())
    wb.properties.creator = settings.instansi
    wb.properties.created = wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_deterministic_zip(buf.getvalue(), when))
    return path


# --------------------------------------------------------------------------- camat pages
CSS = """
@page { size: A4 portrait; margin: 14mm 14mm 14mm 14mm; }
body { font-family: "Liberation Sans", Arial, sans-serif; font-size: 9.5pt; color: #1f2933; }
h1 { font-size: 13pt; color: #1f4e79; margin: 0 0 2mm 0; }
p { margin: 1.2mm 0; }
.sub { color: #52606d; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; font-size: 8.5pt; }
th { background: #e8eef4; border-bottom: 1px solid #1f2933; padding: 1mm; text-align: center; }
td { border-bottom: 0.5px solid #cbd2d9; padding: 0.8mm 1mm; }
td.n { text-align: right; } td.g { text-align: center; font-weight: bold; }
ul { margin: 1mm 0 1mm 5mm; padding: 0; } li { margin: 0.8mm 0; }
.halaman { page-break-after: always; break-after: page; }
.halaman:last-child { page-break-after: auto; break-after: auto; }
"""


def _trend(row: pd.Series, months: list[str]) -> str:
    ranks = [vq.GRADES.index(row[m]) for m in months if row[m] != vq.TIDAK_MENGIRIM]
    if len(ranks) < 2:
        return "–"
    half = len(ranks) // 2
    early, late = sum(ranks[:half]) / half, sum(ranks[half:]) / (len(ranks) - half)
    return "membaik" if late < early - 0.25 else "memburuk" if late > early + 0.25 else "tetap"


def _todo(now: pd.DataFrame) -> list[str]:
    """What the camat asks the villages to do, from this month's grades and corrections."""
    out = []
    bad = now[now["nilai"] == "D"]["desa"].tolist()
    silent = now[now["nilai"] == vq.TIDAK_MENGIRIM]["desa"].tolist()
    if silent:
        out.append(
            f"Pastikan {', '.join(silent)} mengirim data bulan depan; rumah tangganya bulan ini "
            "dibawa dari bulan lalu (imputasi)."
        )
    if bad:
        out.append(
            f"Minta operator {', '.join(bad)} memperbaiki daftar koreksi desanya sebelum kiriman "
            "berikut, terutama NIK dan No KK (16 digit, diketik sebagai teks, bukan angka)."
        )
    low = now[
        (now["baris_koreksi_lalu"] > 0)
        & (now["baris_diperbaiki"] < 0.5 * now["baris_koreksi_lalu"])
    ]
    if len(low):
        out.append(
            f"Daftar koreksi bulan lalu belum banyak diperbaiki di {', '.join(low['desa'])}: "
            "tanyakan kendalanya kepada operator desa."
        )
    out.append(
        "Sampaikan terima kasih kepada desa/kelurahan bernilai A, dan minta desa/kelurahan "
        "bernilai C atau D belajar dari cara kerja mereka."
    )
    return out


def camat_html(
    history: pd.DataFrame,
    kode_kecamatan: str,
    month: str,
    settings: Settings,
    sumber_data: str = "DTKS",
) -> str:
    """One A4 page (an HTML ``<section>``) for the camat of ``kode_kecamatan`` (``sumber_data``:
    the registry of the months shown, "DTKS", "DTSEN" or "DTKS dan DTSEN")."""
    h = history[(history["kode_kecamatan"] == kode_kecamatan) & (history["bulan"] <= month)]
    months = sorted(h["bulan"].unique())[-6:]
    kec = str(h["kecamatan"].iloc[0])
    wide = h.pivot(index="kode_desa", columns="bulan", values="nilai")[months]
    now = h[h["bulan"] == month].set_index("kode_desa")
    counts = now["nilai"].value_counts()
    e = html.escape
    head = "".join(f"<th>{e(month_label(m))}</th>" for m in months)
    rows = []
    for kode in now.index:
        r = now.loc[kode]
        cells = "".join(
            f'<td class="g" style="background:{GRADE_COLORS[g]};color:{GRADE_INK[g]}">{g}</td>'
            for g in wide.loc[kode]
        )
        koreksi = (
            f"{fmt_int(r['baris_diperbaiki'])} dari {fmt_int(r['baris_koreksi_lalu'])}"
            if r["baris_koreksi_lalu"]
            else "–"
        )
        rows.append(
            f"<tr><td>{e(str(r['desa']))}</td>{cells}"
            f'<td class="n">{fmt_dec(r["kesalahan_per_100"], 2)}</td>'
            f'<td class="n">{fmt_dec(r["peringatan_per_100"], 2)}</td>'
            f'<td class="n">{koreksi}</td><td>{_trend(wide.loc[kode], months)}</td></tr>'
        )
    t = settings.kualitas_desa
    ringkas = ", ".join(f"{fmt_int(counts.get(g, 0))} bernilai {g}" for g in "ABCD")
    todo = "".join(f"<li>{e(x)}</li>" for x in _todo(now))
    return f"""<section class="halaman">
<h1>Kualitas Data {e(sumber_data)} Desa/Kelurahan — Kecamatan {e(kec)}</h1>
<p class="sub">{e(settings.instansi)} · {e(bulan_id(month))} · untuk Camat {e(kec)}</p>
<p>Dari {fmt_int(len(now))} desa/kelurahan di Kecamatan {e(kec)} pada {e(bulan_id(month))}:
{e(ringkas)}, dan {fmt_int(counts.get(vq.TIDAK_MENGIRIM, 0))} tidak mengirim data.</p>
<table><thead><tr><th>Desa/kelurahan</th>{head}<th>Kesalahan per 100 baris</th>
<th>Peringatan per 100 baris</th><th>Daftar koreksi bulan lalu yang diperbaiki</th>
<th>Tren 6 bulan</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
<p class="sub">Nilai menurut temuan kesalahan per 100 baris data: A paling banyak
{fmt_dec(t["A"], 2)}, B paling banyak {fmt_dec(t["B"], 2)}, C paling banyak {fmt_dec(t["C"], 2)},
D di atasnya; TM = tidak mengirim. Tren: nilai pada paruh akhir dibanding paruh awal periode
{e(periode_id(months))}. Angka menghitung baris data, bukan orang.</p>
<h2 style="font-size:10.5pt;margin:3mm 0 1mm 0">Yang perlu dilakukan</h2>
<ul>{todo}</ul>
<p class="sub">Sumber: {e(sumber_data)} {e(settings.instansi)}, {e(periode_id(months))}, diolah. Daftar
koreksi per desa (berisi NIK, rahasia) dikirim Dinas langsung kepada operator desa.</p>
</section>"""


def _file_name(kecamatan: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", kecamatan).strip("_") or "kecamatan"


def _document(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>{body}</body></html>"
    )


def write_camat_pages(
    history: pd.DataFrame,
    month: str,
    settings: Settings,
    folder: Path,
    pdf: bool = True,
    sumber_data: str = "DTKS",
) -> list[Path]:
    """``folder/<Kecamatan>.html`` and, with ``pdf``, ``folder/<Kecamatan>.pdf`` (one A4 page
    each) for every kecamatan; returns the written files.

    The PDFs are printed by the report's Chromium path in one run (every page in one document,
    then split with pypdf: one browser start instead of fifteen); should a page not fit on one
    sheet, each kecamatan is printed on its own instead."""
    from dtks_analysis.publishing import render

    folder.mkdir(parents=True, exist_ok=True)
    kec = history.drop_duplicates("kode_kecamatan").sort_values("kode_kecamatan")
    pages, written = [], []
    for kode, nama in zip(kec["kode_kecamatan"], kec["kecamatan"], strict=True):
        page = camat_html(history, kode, month, settings, sumber_data)
        pages.append(page)
        path = folder / f"{_file_name(nama)}.html"
        path.write_text(_document(f"Kualitas data desa, Kecamatan {nama}", page), "utf-8")
        written.append(path)
    if not pdf:
        return written
    import pypdf

    whole = folder / ".semua.html"
    whole.write_text(_document("Kualitas data desa", "".join(pages)), "utf-8")
    try:
        printed = render.html_to_pdf(whole, whole.with_suffix(".pdf"), page_numbers=False)
        reader = pypdf.PdfReader(printed)
        one_each = len(reader.pages) == len(written)
        pdfs = []
        for i, path in enumerate(written):
            target = path.with_suffix(".pdf")
            if one_each:
                w = pypdf.PdfWriter()
                w.add_page(reader.pages[i])
                w.add_metadata({"/Title": f"Kualitas data desa, {path.stem.replace('_', ' ')}"})
                with target.open("wb") as fh:
                    w.write(fh)
            else:
                render.html_to_pdf(path, target, page_numbers=False)
            pdfs.append(target)
    finally:
        whole.unlink(missing_ok=True)
        whole.with_suffix(".pdf").unlink(missing_ok=True)
    return written + pdfs
