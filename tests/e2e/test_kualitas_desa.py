"""End to end (issue 14): the village quality history's CSV, the Dinas workbook, the camat pages
and the report page, from the session's report on the small sample."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
from pypdf import PdfReader

from dtks_analysis.regions import desa_table, kecamatan_table

MONTH = "2023-12"
MONTHS = ["2023-10", "2023-11", "2023-12"]  # the small sample (tests/conftest.py)
A4 = (595.28, 841.89)


def test_csv_covers_every_village_and_month_without_personal_fields(built_report):
    _root, d = built_report
    h = pd.read_csv(d / "tabel" / "kualitas_desa.csv", dtype={"kode_desa": str})
    assert len(h) == len(desa_table("12.11")) * len(MONTHS)
    assert sorted(h["bulan"].unique()) == MONTHS
    assert set(h["nilai"]) <= {"A", "B", "C", "D", "TM"}
    assert not {"nik", "no_kk", "nama", "alamat"} & set(h.columns)
    assert (h.loc[h["bulan"] == MONTHS[0], "baris_koreksi_lalu"] == 0).all()
    assert (h["baris_diperbaiki"] <= h["baris_koreksi_lalu"]).all()


def test_workbook_holds_the_csv_and_colours_grades(built_report):
    _root, d = built_report
    h = pd.read_csv(d / "tabel" / "kualitas_desa.csv", dtype={"kode_desa": str})
    wb = openpyxl.load_workbook(d / f"kualitas_desa_{MONTH}.xlsx")
    ws = wb["Nilai"]
    rules = {r.formula[0] for cf in ws.conditional_formatting for r in cf.rules}
    assert rules == {'"A"', '"B"', '"C"', '"D"', '"TM"'}
    grades = {
        (row[2], m): g
        for row in ws.iter_rows(min_row=5, max_row=4 + h["kode_desa"].nunique(), values_only=True)
        for m, g in zip(MONTHS, row[4:], strict=True)
    }
    want = {(k, m): g for k, m, g in h[["kode_desa", "bulan", "nilai"]].itertuples(index=False)}
    assert grades == want
    assert wb["Angka"].max_row - 4 == len(h)


def test_one_a4_page_per_kecamatan_for_the_camat(built_report):
    _root, d = built_report
    pdfs = sorted((d / "camat").glob("*.pdf"))
    assert len(pdfs) == len(kecamatan_table("12.11"))
    for p in pdfs:
        r = PdfReader(str(p))
        assert len(r.pages) == 1, p.name
        box = r.pages[0].mediabox
        assert abs(float(box.width) - A4[0]) < 2 and abs(float(box.height) - A4[1]) < 2
        text = r.pages[0].extract_text()
        assert "Kecamatan" in text and "Yang perlu dilakukan" in text, p.name


def test_report_page_with_tables_and_figures(built_report):
    _root, d = built_report
    html = (d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")
    assert re.search(r"<h2[^>]*>Kualitas data desa dari bulan ke bulan", html)
    assert "Tabel 14. Desa/Kelurahan yang Nilai Kualitas Datanya Membaik" in html
    assert "Tabel 15. Desa/Kelurahan yang Nilai Kualitas Datanya Memburuk" in html
    assert 'id="nilai-12.11.01.' in html  # the grade map
    text = "\n".join(
        p.extract_text() for p in PdfReader(str(d / f"laporan_dtks_{MONTH}.pdf")).pages
    )
    assert "Nilai kualitas data desa/kelurahan, Desember 2023" in text
    assert "Banyaknya desa/kelurahan menurut nilai kualitas data" in text
