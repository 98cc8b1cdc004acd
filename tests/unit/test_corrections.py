"""Correction worklists written from a small validated frame."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import openpyxl
import openpyxl.utils
import pandas as pd
import pytest

from dtks_analysis.config import Settings
from dtks_analysis.editing.corrections import field_label, safe_name, write_worklists
from dtks_analysis.editing.rules import RULES
from dtks_analysis.editing.validate import validate
from tests.unit.test_validate import DESA2, REF, frame, person, wife

MONTH = "2023-12"


@pytest.fixture()
def checked():
    df = frame(
        person(),  # Kuta Gambir: clean head of family
        wife(nik_raw="1.21101E+15", nik="121101E+15"),  # Kuta Gambir: error
        person(
            no_kk="1211011203180007",
            nik="1211010101900001",
            tanggal_lahir=pd.Timestamp("1990-01-01"),
            kode_desa=DESA2[0],
            desa=DESA2[1],
            desa_raw=DESA2[1],
            wilayah_ejaan_lain=True,
        ),  # Sidiangkat: a note only
        person(
            no_kk="1211011203180008",
            nik="1211010202900001",
            tanggal_lahir=pd.Timestamp("1990-02-02"),
            kode_desa=None,
            desa=None,
            desa_raw="Antah",
        ),  # unknown village in Sidikalang: error
    )
    res = validate(df, Settings(), reference_date=REF)
    return df, res


def test_files_for_villages_with_problems_only(checked, tmp_path: Path) -> None:
    df, res = checked
    paths = write_worklists(res.findings, df, MONTH, tmp_path, Settings())
    rel = sorted(p.relative_to(tmp_path).as_posix() for p in paths)
    assert rel == [
        "2023-12/Sidikalang/Kuta Gambir.xlsx",
        "2023-12/Sidikalang/Tidak diketahui.xlsx",
        "2023-12/Sidikalang/_ringkasan_Sidikalang.xlsx",
    ]
    assert all(p.is_file() for p in paths)
    assert not (tmp_path / MONTH / "Sidikalang" / "Sidiangkat.xlsx").exists()


def test_rows_match_findings_and_ids_are_text(checked, tmp_path: Path) -> None:
    df, res = checked
    write_worklists(res.findings, df, MONTH, tmp_path, Settings())
    wb = openpyxl.load_workbook(tmp_path / MONTH / "Sidikalang" / "Kuta Gambir.xlsx")
    ws = wb.active
    assert "RAHASIA" in ws["A1"].value
    assert "RAHASIA" in wb.properties.title
    assert "Kelurahan Kuta Gambir, Kecamatan Sidikalang" in ws["A2"].value
    header = [c.value for c in ws[4]]
    assert header[:7] == ["No", "Berkas", "Lembar", "Baris", "NIK", "No KK", "Nama"]
    assert header[-1] == "Sudah diperbaiki"
    rows = [[c for c in r] for r in ws.iter_rows(min_row=5)]
    want = res.findings[
        (res.findings["kode_desa"] == "12.11.01.1005")
        & res.findings["tingkat"].isin(["error", "warning"])
    ]
    assert len(rows) == len(want) == 1
    row = {h: c for h, c in zip(header, rows[0], strict=True)}
    assert row["Baris"].value == 3
    assert row["NIK"].value == "1.21101E+15" and row["NIK"].data_type == "s"
    assert row["No KK"].value == "1211012010150003" and row["No KK"].data_type == "s"
    assert row["NIK"].number_format == "@"
    assert row["Kolom"].value == "NIK" and row["Isian diterima"].value == "1.21101E+15"
    assert row["Tingkat"].value == "Kesalahan"
    assert row["Sudah diperbaiki"].value is None
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref is not None
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in (9, "9")
    assert ws.print_title_rows is not None


def test_summary_counts_per_rule(checked, tmp_path: Path) -> None:
    df, res = checked
    write_worklists(res.findings, df, MONTH, tmp_path, Settings())
    wb = openpyxl.load_workbook(tmp_path / MONTH / "Sidikalang" / "_ringkasan_Sidikalang.xlsx")
    ws = wb["Ringkasan"]
    header = [c.value for c in ws[4]]
    assert header == [
        "Kode desa",
        "Desa/kelurahan",
        "Masalah",
        "Tingkat",
        "Jumlah catatan",
        "Baris bermasalah",
    ]
    body = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=5, values_only=True)]
    got = {(r["Desa/kelurahan"], r["Masalah"]): r["Jumlah catatan"] for r in body}
    assert got[("Kuta Gambir", RULES["nik_excel"].uraian)] == 1
    assert got[("Tidak diketahui", RULES["desa_tidak_dikenal"].uraian)] == 1
    assert got[("Kuta Gambir", "Jumlah Kuta Gambir")] >= 1
    assert not any(r["Masalah"] == RULES["wilayah_ejaan_lain"].uraian for r in body)  # notes


def _headers(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        row = 4 if ws.title != "Keterangan masalah" else 1
        out += [c.value for c in ws[row] if c.value]
    return out


def test_headers_and_fields_in_indonesian(checked, tmp_path: Path) -> None:
    df, res = checked
    paths = write_worklists(res.findings, df, MONTH, tmp_path, Settings())
    for path in paths:
        for h in _headers(path):
            assert not re.search(r"[a-z]_[a-z]", h), (path.name, h)  # no snake_case
            assert h not in ("Sheet", "Row", "Column", "File"), h
    ws = openpyxl.load_workbook(tmp_path / MONTH / "Sidikalang" / "Tidak diketahui.xlsx").active
    header = [c.value for c in ws[4]]
    kolom = [r[header.index("Kolom")] for r in ws.iter_rows(min_row=5, values_only=True)]
    assert "Desa/kelurahan" in kolom and not any("_" in k for k in kolom)
    assert field_label("tanggal_lahir") == "Tanggal lahir" and field_label("no_kk") == "No KK"


def test_row_heights_fit_wrapped_text(checked, tmp_path: Path) -> None:
    df, res = checked
    write_worklists(res.findings, df, MONTH, tmp_path, Settings())
    ws = openpyxl.load_workbook(tmp_path / MONTH / "Sidikalang" / "Kuta Gambir.xlsx").active
    header = [c.value for c in ws[4]]
    j = header.index("Masalah")
    width = ws.column_dimensions[openpyxl.utils.get_column_letter(j + 1)].width
    for row in ws.iter_rows(min_row=5):
        text = row[j].value or ""
        assert row[j].alignment.wrap_text
        height = ws.row_dimensions[row[j].row].height
        assert height is not None and height >= 14 * len(text) / width
    assert ws.page_setup.fitToHeight == 0  # pages follow the rows: no squeezing to one page


def _unknown_village(**over) -> dict:
    row = {
        "no_kk": "1211011203180008",
        "nik": "1211010202900001",
        "tanggal_lahir": pd.Timestamp("1990-02-02"),
        "kode_desa": None,
        "desa": None,
        "desa_raw": "Antah",
    }
    return person(**(row | over))


def test_unknown_village_filed_under_the_village_of_its_file(tmp_path: Path) -> None:
    """Rows of one village's file with an unrecognised village name go to that village."""
    one = {"_file": "kiriman/Sidikalang/Desa_Kuta_Gambir.xlsx", "_sheet": "Sheet1"}
    df = frame(person(**one), wife(**one), _unknown_village(**one))
    res = validate(df, Settings(), reference_date=REF)
    paths = write_worklists(res.findings, df, MONTH, tmp_path, Settings())
    names = {p.name for p in paths}
    assert "Kuta Gambir.xlsx" in names and "Tidak diketahui.xlsx" not in names
    ws = openpyxl.load_workbook(tmp_path / MONTH / "Sidikalang" / "Kuta Gambir.xlsx").active
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert [r[3] for r in rows] == [4]  # the file's row 4, to fix in that file
    assert rows[0][1] == one["_file"] and rows[0][2] == "Sheet1"


def test_file_named_for_a_village_without_recognised_rows(tmp_path: Path) -> None:
    only = {"_file": "kiriman/Sidikalang/Desa_Sidiangkat.csv", "_sheet": ""}
    df = frame(_unknown_village(**only))
    res = validate(df, Settings(), reference_date=REF)
    paths = write_worklists(res.findings, df, MONTH, tmp_path, Settings())
    assert "Sidiangkat.xlsx" in {p.name for p in paths}


def test_several_villages_or_another_kecamatan_stay_unknown(tmp_path: Path) -> None:
    many = {"_file": "siks_ng.xlsx", "_sheet": "Data DTKS"}
    df = frame(
        person(**many),
        person(
            no_kk="1211011203180007",
            nik="1211010101900001",
            kode_desa=DESA2[0],
            desa=DESA2[1],
            desa_raw=DESA2[1],
            **many,
        ),
        _unknown_village(**many),
        # a file of a Sidikalang village, but the row says Sumbul: not moved across kecamatan
        person(_file="kiriman/Desa_Kuta_Gambir.xlsx", _sheet="Sheet1"),
        _unknown_village(
            _file="kiriman/Desa_Kuta_Gambir.xlsx",
            _sheet="Sheet1",
            no_kk="1211011203180009",
            nik="1211010303900001",
            kode_kecamatan="12.11.02",
            kecamatan="Sumbul",
        ),
    )
    res = validate(df, Settings(), reference_date=REF)
    paths = write_worklists(res.findings, df, MONTH, tmp_path, Settings())
    rel = {p.relative_to(tmp_path / MONTH).as_posix() for p in paths}
    assert {"Sidikalang/Tidak diketahui.xlsx", "Sumbul/Tidak diketahui.xlsx"} <= rel


def test_deterministic(checked, tmp_path: Path) -> None:
    df, res = checked
    a = write_worklists(res.findings, df, MONTH, tmp_path / "a", Settings())
    b = write_worklists(res.findings, df, MONTH, tmp_path / "b", Settings())
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in a]
    assert digest == [hashlib.sha256(p.read_bytes()).hexdigest() for p in b]


def test_no_problems_no_files(tmp_path: Path) -> None:
    df = frame(person(), wife())
    res = validate(df, Settings(), reference_date=REF)
    assert write_worklists(res.findings, df, MONTH, tmp_path, Settings()) == []


def test_safe_names() -> None:
    assert safe_name("Sumbul/Pegagan") == "Sumbul_Pegagan"
    assert safe_name("..") == "Tidak diketahui"
    assert safe_name("  ") == "Tidak diketahui"
