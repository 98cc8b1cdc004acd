"""Correction worklists written from a small validated frame."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dtks_analysis.config import Settings
from dtks_analysis.editing.corrections import safe_name, write_worklists
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
    assert header[:7] == ["No", "Berkas", "Sheet", "Baris", "NIK", "No KK", "Nama"]
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
    assert row["Kolom"].value == "nik" and row["Isian diterima"].value == "1.21101E+15"
    assert row["Tingkat"].value == "Kesalahan"
    assert row["Sudah diperbaiki"].value is None
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref is not None
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in (9, "9")
    assert ws.print_title_rows is not None


def test_summary_counts_per_rule(checked, tmp_path: Path) -> None:
    df, res = checked
    write_worklists(res.findings, df, MONTH, tmp_path, Settings())
    ws = openpyxl.load_workbook(
        tmp_path / MONTH / "Sidikalang" / "_ringkasan_Sidikalang.xlsx"
    ).active
    header = [c.value for c in ws[4]]
    assert {"nik_excel", "desa_tidak_dikenal"} <= set(header)
    assert "wilayah_ejaan_lain" not in header  # notes are not sent back
    body = {
        r[1]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=5, values_only=True)
    }
    assert body["Kuta Gambir"]["nik_excel"] == 1
    assert body["Tidak diketahui"]["desa_tidak_dikenal"] == 1


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
