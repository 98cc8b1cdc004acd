"""The template workbook of one village (xlsxwriter): the data sheet with its title rows, data
validation and sheet protection, and the "Petunjuk" sheet (columns, rules, usual mistakes).
What goes in it (columns, rows, villages) is in :mod:`dtks_analysis.editing.templates`."""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from dtks_analysis.config import Settings, month_end
from dtks_analysis.editing.corrections import FIELD_LABELS, RAHASIA, _print_setup
from dtks_analysis.editing.templates import (
    COLUMNS,
    DATE_MIN,
    HEADER_ROW,
    SHEET_PETUNJUK,
    Column,
    Village,
    col_letter,
    empty_rows,
    template_path,
    validation_formula,
    villages,
)
from dtks_analysis.formatting import bulan_id
from dtks_analysis.fsutil import replace_dir


def _rule_words(col: Column, last_date: date) -> str:
    """The column's validation rule in words (Petunjuk)."""
    if col.kind == "id16":
        return (
            "Teks tepat 16 angka. Ditolak: angka (bukan teks), kurang atau lebih dari 16 digit, "
            "spasi, titik, tanda hubung, huruf."
        )
    if col.kind == "list":
        return "Hanya pilihan dari daftar: " + ", ".join(col.choices) + "."
    if col.kind == "date":
        return (
            f"Tanggal (bukan teks) antara {DATE_MIN:%d-%m-%Y} dan {last_date:%d-%m-%Y}, "
            "tampil hari-bulan-tahun."
        )
    if col.kind in ("id", "digits"):
        return f"Teks berisi angka saja, paling banyak {col.max_len} angka."
    return f"Teks paling panjang {col.max_len} huruf."


#: the usual mistakes per field (Petunjuk)
MISTAKES: dict[str, str] = {
    "no_kk": (
        "Diketik atau ditempel sebagai angka: Excel hanya menyimpan 15 angka, angka ke-16 menjadi "
        "0 dan tampil 1,21101E+15 (notasi ilmiah); angka yang hilang tidak dapat dipulihkan. Nol "
        "di depan hilang pada sel berformat Angka. Memakai No KK lama setelah keluarga pindah "
        "atau pecah."
    ),
    "nik": (
        "Sama seperti No KK: diketik sebagai angka (notasi ilmiah 1,21101E+15, angka terakhir "
        "menjadi 0), nol di depan hilang, spasi atau titik di tengah. NIK anggota tertukar."
    ),
    "nama": "Gelar atau singkatan yang tidak ada di KK; nama panggilan.",
    "hubungan": (
        "Dua Kepala keluarga dalam satu No KK, atau tidak ada sama sekali. Kode angka dari "
        "skema lain (Dukcapil: 3 = istri): pakai pilihan daftar."
    ),
    "jenis_kelamin": (
        "Tidak cocok dengan NIK: pada NIK perempuan, angka tanggal lahir (digit 7-8) ditambah 40."
    ),
    "tempat_lahir": "-",
    "tanggal_lahir": (
        "Urutan bulan-hari-tahun (12/31/1985), tahun 2 angka (85), atau tanggal diketik di sel "
        "berformat Teks. Ketik hari-bulan-tahun, mis. 31-12-1985."
    ),
    "nama_ibu": "-",
    "alamat": "-",
    "dusun": "-",
    "rt": "Diketik sebagai angka sehingga nol di depan hilang (001 menjadi 1).",
    "rw": "Diketik sebagai angka sehingga nol di depan hilang (002 menjadi 2).",
    "bpnt": "Sel dibiarkan kosong: kosong dibaca Tidak. Kode 1/2 atau 0/1: pakai Ya/Tidak.",
    "pbi_jkn": "Sel dibiarkan kosong: kosong dibaca Tidak. Kode 1/2 atau 0/1: pakai Ya/Tidak.",
    "pkh": "Sel dibiarkan kosong: kosong dibaca Tidak. Kode 1/2 atau 0/1: pakai Ya/Tidak.",
    "id_dtks": "Diubah, atau disalin ke orang lain. Orang baru: biarkan kosong.",
}

GENERAL = (
    "Lembar data berisi orang yang terdaftar pada bulan data awal (lihat baris judul). "
    "Perbarui isian yang berubah; yang sudah benar tidak perlu diketik ulang.",
    "Orang baru: isi di baris kosong bergaris di bawah data (tidak terkunci). Satu baris untuk "
    "satu orang; anggota satu keluarga memakai No KK yang sama.",
    "Orang yang tidak lagi terdaftar (pindah, meninggal): pilih sel barisnya dari NO KK sampai "
    "ID DTKS lalu tekan Delete. Baris kosong dilewati saat dibaca.",
    "Wilayah (desa/kelurahan dan kecamatan) tertulis di baris judul dan terkunci. Jangan "
    "mengubah baris judul, nama lembar, atau judul kolom, dan jangan menambah kolom.",
    "Setiap kolom memeriksa isiannya (validasi data): isian yang salah ditolak dengan pesan. "
    "Isian lama yang melanggar aturan terlihat dengan Data > Validasi Data > Lingkari Data "
    "Tidak Valid (Circle Invalid Data); NO KK, NIK, RT, RW dan ID DTKS yang salah berwarna merah.",
    "Tempel (paste) dari berkas lain melewati validasi: pakai Tempel Khusus > Nilai (Paste "
    "Special > Values), lalu periksa lagi dengan Lingkari Data Tidak Valid.",
    "Simpan sebagai Excel .xlsx (jangan .csv atau .xls), tanpa kata sandi, lalu kirim ke Dinas "
    "Sosial. Proteksi lembar tanpa kata sandi hanya mencegah salah ketik: jangan dilepas.",
    "Berkas ini RAHASIA (data pribadi, UU 27/2022): simpan di komputer kantor, kirim hanya ke "
    "Dinas Sosial, jangan dibagikan di grup obrolan atau media sosial, dan jangan dicetak untuk "
    "ditempel di tempat umum.",
)


def _book(path: Path, title: str, created: datetime, author: str) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    wb.set_properties(
        {
            "title": title,
            "subject": "Templat isian data DTKS",
            "author": author,
            "keywords": "RAHASIA",
            "comments": RAHASIA,
            "created": created,
        }
    )
    return wb


def _validation(col: Column, cell: str, last_date: date) -> dict:
    """xlsxwriter data-validation options of a column (first data cell ``cell``)."""
    opts: dict = {
        "ignore_blank": True,
        "input_title": FIELD_LABELS.get(col.field, col.header)[:32],
        "input_message": col.prompt,
        "error_title": "Isian tidak sesuai",
        "error_message": col.error,
        "error_type": "stop",
    }
    formula = validation_formula(col, cell)
    if formula is not None:
        opts.update(validate="custom", value=f"={formula}")
    elif col.kind == "list":
        opts.update(validate="list", source=list(col.choices))
    elif col.kind == "date":
        opts.update(validate="date", criteria="between", minimum=DATE_MIN, maximum=last_date)
    else:
        opts.update(validate="length", criteria="<=", value=col.max_len)
    return opts


def last_birth_date(month: str) -> date:
    """The latest birth date a template accepts: the end of the month after ``month`` (the
    template is returned as a later month's data).

    >>> last_birth_date("2023-11"), last_birth_date("2023-12")
    (datetime.date(2023, 12, 31), datetime.date(2024, 1, 31))
    """
    end = month_end(month)
    nxt = f"{end.year + end.month // 12}-{end.month % 12 + 1:02d}"
    return month_end(nxt)


def _write_book(
    path: Path,
    rows: pd.DataFrame,
    v: Village,
    month: str,
    source: str | None,
    settings: Settings,
) -> None:
    """Write one village's template to ``path`` (the caller renames it into place)."""
    created = datetime.combine(month_end(month), datetime.min.time())
    wb = _book(path, f"RAHASIA - {v.title}", created, settings.instansi)
    ws = wb.add_worksheet(v.tab)
    red = wb.add_format({"bold": True, "font_color": "#C00000", "font_size": 12})
    bold = wb.add_format({"bold": True, "font_size": 12})
    head = wb.add_format(
        {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"}
    )
    text = wb.add_format({"num_format": "@", "locked": False, "border": 1, "valign": "top"})
    day = wb.add_format({"num_format": "dd-mm-yyyy", "locked": False, "border": 1})
    red_fill = wb.add_format({"bg_color": "#F4CCCC", "font_color": "#9C0006"})
    last_date = last_birth_date(month)
    ws.write_string(0, 0, RAHASIA, red)
    ws.write_string(1, 0, v.title, bold)
    ws.write_string(2, 0, f"Kode wilayah Kemendagri: {v.kode}. {settings.kabupaten_nama}.")
    if source is None:
        start = f"Belum ada data yang diterima sampai {bulan_id(month)}: isi di baris kosong."
    else:
        start = (
            f"Data awal: {bulan_id(source)} (data terakhir yang diterima sampai "
            f"{bulan_id(month)}). Perbarui untuk bulan berikutnya."
        )
    ws.write_string(3, 0, start)
    ws.write_string(4, 0, "Baca lembar Petunjuk sebelum mengisi. Satu baris untuk satu orang.")
    n = len(rows)
    last = HEADER_ROW + n + empty_rows(n)  # last data row (0-based)
    for j, col in enumerate(COLUMNS):
        fmt = day if col.kind == "date" else text
        ws.set_column(j, j, col.width)
        ws.write_string(HEADER_ROW, j, col.header, head)
        values = rows[col.field].to_numpy(dtype=object) if n else np.empty(0, dtype=object)
        first = HEADER_ROW + 1
        if col.kind == "date":
            for i, x in enumerate(values):
                if x is None or x != x:
                    ws.write_blank(first + i, j, None, fmt)
                else:
                    ws.write_number(first + i, j, float(x), fmt)
        else:
            for i, x in enumerate(values):
                if x is None:
                    ws.write_blank(first + i, j, None, fmt)
                else:
                    ws.write_string(first + i, j, x, fmt)
        for r in range(first + n, last + 1):
            ws.write_blank(r, j, None, fmt)
        cell = f"{col_letter(j)}{first + 1}"
        ws.data_validation(first, j, last, j, _validation(col, cell, last_date))
        formula = validation_formula(col, cell)
        if formula is not None:  # a value that breaks the rule (pre-filled, pasted) shows red
            bad = f'=AND({cell}<>"",NOT({formula}))'
            ws.conditional_format(
                first, j, last, j, {"type": "formula", "criteria": bad, "format": red_fill}
            )
    ws.set_row(HEADER_ROW, 32)
    ws.freeze_panes(HEADER_ROW + 1, 3)
    ws.autofilter(HEADER_ROW, 0, last, len(COLUMNS) - 1)
    ws.protect(
        "",
        {
            "autofilter": True,
            "sort": True,
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )
    _print_setup(ws, HEADER_ROW, v.title)
    ws.activate()
    _write_petunjuk(wb, v, last_date, empty_rows(n))
    wb.close()


def _write_petunjuk(wb: xlsxwriter.Workbook, v: Village, last_date: date, spare: int) -> None:
    """The "Petunjuk" sheet: how to fill, each column with its rule and usual mistakes."""
    ws = wb.add_worksheet(SHEET_PETUNJUK)
    red = wb.add_format({"bold": True, "font_color": "#C00000", "font_size": 12})
    bold = wb.add_format({"bold": True, "font_size": 12})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    cell = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
    head = wb.add_format(
        {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"}
    )
    widths = (("Kolom", 18), ("Cara mengisi", 48), ("Aturan di Excel", 40), ("Kesalahan umum", 56))
    for j, (_h, w) in enumerate(widths):
        ws.set_column(j, j, w)
    ws.write_string(0, 0, RAHASIA, red)
    ws.write_string(1, 0, "Petunjuk pengisian templat data DTKS", bold)
    r = 3
    for k, para in enumerate(GENERAL, start=1):
        ws.merge_range(r, 0, r, len(widths) - 1, "", wrap)
        if k == 2:
            para = para.replace("baris kosong", f"{spare} baris kosong", 1)
        ws.write_string(r, 0, f"{k}. {para}", wrap)
        ws.set_row(r, 15 * max(2, int(np.ceil(len(para) / 150))) + 3)
        r += 1
    r += 1
    header_row = r
    for j, (h, _w) in enumerate(widths):
        ws.write_string(r, j, h, head)
    for col in COLUMNS:
        r += 1
        texts = (col.header, col.prompt, _rule_words(col, last_date), MISTAKES[col.field])
        for j, t in enumerate(texts):
            ws.write_string(r, j, t, cell)
        lines = max(
            int(np.ceil(len(t) * 1.15 / (w - 1.5)))
            for t, (_h, w) in zip(texts, widths, strict=True)
        )
        ws.set_row(r, 15 * max(lines, 1) + 3)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    _print_setup(ws, header_row, f"Petunjuk - {v.title}")


def write_template(
    path: Path,
    rows: pd.DataFrame,
    v: Village,
    month: str,
    source: str | None,
    settings: Settings,
) -> Path:
    """Write one village's template at ``path`` through a temporary file renamed when complete
    (an interrupted run leaves the earlier file, never half a workbook)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}.xlsx")
    try:
        _write_book(tmp, rows, v, month, source, settings)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_templates(
    rows: pd.DataFrame,
    sources: dict[str, str],
    month: str,
    root: Path,
    settings: Settings,
    only: str | None = None,
) -> list[Path]:
    """Write the templates of every village of the kabupaten (or of village ``only``) under
    ``<root>/<month>/``; return the paths written, sorted.

    ``rows`` is :func:`templates.template_rows` of the persons to pre-fill (``kode_desa`` says
    whose); ``sources`` the month each village's rows come from (a village absent from it gets
    an empty template). Every village: written into a temporary folder swapped in whole when
    complete. One village: its file alone, through a temporary file.
    """
    groups = {k: g for k, g in rows.groupby("kode_desa", sort=False)} if len(rows) else {}
    empty = rows.iloc[0:0]
    chosen = villages(settings.kabupaten_kode, only)
    if only is not None:
        v = chosen[0]
        path = template_path(root, month, v)
        return [
            write_template(path, groups.get(v.kode, empty), v, month, sources.get(v.kode), settings)
        ]
    final = Path(root) / month
    tmp = final.with_name(f".{month}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        for v in chosen:
            path = template_path(tmp.parent, tmp.name, v)
            write_template(path, groups.get(v.kode, empty), v, month, sources.get(v.kode), settings)
        replace_dir(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return sorted(template_path(root, month, v) for v in chosen)
