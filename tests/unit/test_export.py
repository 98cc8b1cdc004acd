"""CSV and Excel output of the published tables (dtks_analysis.publishing.export)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from dtks_analysis.publishing import export
from dtks_analysis.publishing import tables as registry

SRC = "Sumber: DTKS Dinas Sosial Kabupaten Samosir, Desember 2023, diolah"


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    rekap = pd.DataFrame(
        {
            "kode_kecamatan": ["12.11.01", "12.11.02", ""],
            "kecamatan": ["Sidikalang", "Sumbul", "Tidak diketahui"],
            "rumah_tangga": [35000, 1200, 3],
            "jiwa": [100000, 4000, 7],
            "rt_bpnt": [12000, 500, 1],
            "rt_pbi_jkn": [20000, 700, 2],
            "rt_pkh": [5000, 100, 0],
            "rt_bansos": [25000, 900, 2],
            "rt_imputasi": [10, 0, 0],
        }
    )
    desa = pd.DataFrame(
        {
            "kode_kecamatan": ["12.11.01", "12.11.01", "12.11.01"],
            "kecamatan": ["Sidikalang"] * 3,
            "kode_desa": ["12.11.01.1001", "12.11.01.2002", "12.11.01.2003"],
            "desa": ["Batang Beruh", "Bintang", "Kalang"],
            "rumah_tangga": pd.array([120, pd.NA, 50], dtype="Int64"),
            "jiwa": [400.0, None, 160.0],
            "rt_bpnt": [40, 3, 5],
            "rt_pbi_jkn": [60, 1, 20],
            "rt_pkh": [10, 0, 5],
            "rt_bansos": [70, 1, 22],
            "rt_imputasi": [0, 0, 0],
        }
    )
    rows = [(a, b, c) for a in (False, True) for b in (False, True) for c in (False, True)]
    komb = pd.DataFrame(rows, columns=["bpnt", "pbi_jkn", "pkh"])
    komb["rumah_tangga"] = [9000, 300, 12000, 2500, 800, 60, 7000, 3500]
    arus = pd.DataFrame(
        {
            "program": ["bpnt", "pbi_jkn", "pkh"],
            "bulan_lalu": [None, None, None],
            "baru": [None, None, None],
            "keluar": [None, None, None],
            "bertahan": [None, None, None],
            "bulan_ini": [14120, 24810, 6240],
        }
    )
    tren = pd.DataFrame({"bulan": ["2023-11", "2023-12"], "rumah_tangga": [35300, 36203]})
    kualitas = pd.DataFrame(
        {
            "kode_aturan": ["nik_kosong", "nik_luar_kabupaten"],
            "tingkat": ["error", "note"],
            "uraian": ["NIK kosong", "NIK dari luar Dairi"],
            "jumlah_catatan": [12, 3],
        }
    )
    return {
        "rekap_kecamatan": rekap,
        "rekap_desa": desa,
        "kombinasi_program": komb,
        "arus_program": arus,
        "tren_bulanan": tren,
        "kualitas_data": kualitas,
    }


META = {
    "instansi": "Dinas Sosial Kabupaten Samosir",
    "kabupaten": "Kabupaten Samosir",
    "definisi": [
        {
            "nama": "Cakupan BPNT",
            "jenis": "indikator",
            "definisi": "Persentase rumah tangga DTKS yang menerima BPNT",
            "konsep": "Rumah tangga penerima BPNT",
            "interpretasi": "Makin tinggi, makin banyak rumah tangga DTKS yang menerima BPNT",
            "metode_perhitungan": "rt_bpnt / rumah_tangga x 100%",
            "ukuran": "Persentase",
            "satuan": "Persen",
            "klasifikasi_penyajian": ["Kabupaten", "Kecamatan"],
        }
    ],
    "tanggal_rilis": "5 Januari 2024",
    "kegiatan": {"judul": "Kompilasi Produk Administrasi DTKS", "frekuensi": "Bulanan"},
}


class TestCsv:
    def test_exact_bytes(self, tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
        paths = export.write_csvs(tables, tmp_path)
        assert set(paths) == set(tables)
        desa = paths["rekap_desa"].read_bytes()
        assert not desa.startswith(b"\xef\xbb\xbf") and b"\r\n" not in desa
        lines = desa.decode("utf-8").splitlines()
        assert lines[0].startswith("kode_kecamatan,kecamatan,kode_desa,desa,rumah_tangga,jiwa")
        assert lines[1] == "12.11.01,Sidikalang,12.11.01.1001,Batang Beruh,120,400,40,60,10,70,0"
        assert lines[2] == "12.11.01,Sidikalang,12.11.01.2002,Bintang,,,3,1,0,1,0"  # NA empty
        komb = paths["kombinasi_program"].read_text(encoding="utf-8").splitlines()
        assert komb[:2] == ["bpnt,pbi_jkn,pkh,rumah_tangga", "0,0,0,9000"]  # bool -> 0/1
        rekap = paths["rekap_kecamatan"].read_text(encoding="utf-8").splitlines()
        assert rekap[3] == ",Tidak diketahui,3,7,1,2,0,2,0"

    def test_deterministic_and_round_trips(self, tables, tmp_path: Path) -> None:
        a = export.write_csvs(tables, tmp_path / "a")
        b = export.write_csvs(tables, tmp_path / "b")
        for name in tables:
            assert a[name].read_bytes() == b[name].read_bytes()
        back = pd.read_csv(a["rekap_kecamatan"], dtype={"kode_kecamatan": str})
        assert back["rumah_tangga"].tolist() == [35000, 1200, 3]

    def test_refuses_unsafe_names(self, tables, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="tidak valid"):
            export.write_csvs({"../rekap": tables["tren_bulanan"]}, tmp_path)


class TestWorkbook:
    @pytest.fixture
    def book(self, tables, tmp_path: Path) -> Path:
        return export.write_workbook(tables, tmp_path / "tabel_dtks_2023-12.xlsx", "2023-12", META)

    def test_sheets_titles_units_sources(self, book: Path) -> None:
        wb = load_workbook(book)
        assert wb.sheetnames == [
            "Daftar isi",
            "Kecamatan",
            "Kombinasi program",
            "Arus program",
            "Tren bulanan",
            "Kualitas data",
            "Desa",
            "Definisi",
        ]  # in the order of the table numbers (the report's order)
        assert wb["Kualitas data"]["B5"].value == "Kesalahan"  # readable severity
        ws = wb["Kecamatan"]
        assert ws["A1"].value == (
            "Tabel 1. " + registry.TABLES["rekap_kecamatan"].title + ", Desember 2023"
        )
        assert ws["A1"].font.bold
        assert ws["A2"].value.startswith("Satuan: rumah tangga")
        assert ws["C4"].value == "Rumah tangga" and ws["C4"].font.bold
        column_a = [c.value for c in ws["A"]]
        assert SRC in column_a
        contents = [c.value for c in wb["Daftar isi"]["A"]]
        assert "Frekuensi: Bulanan" in contents and "Tanggal rilis: 5 Januari 2024" in contents
        assert wb["Daftar isi"]["A6"].hyperlink.location == "'Kecamatan'!A1"

    def test_number_formats_totals_and_layout(self, book: Path) -> None:
        ws = load_workbook(book)["Kecamatan"]
        assert ws["C5"].value == 35000 and ws["C5"].number_format == "#,##0"
        assert ws["A5"].value == "12.11.01" and ws["A5"].data_type == "s"
        total_row = 5 + 3
        assert ws.cell(total_row, 1).value == "Jumlah"
        assert ws.cell(total_row, 3).value == 35000 + 1200 + 3
        assert ws.cell(total_row, 4).value == 104007 and ws.cell(total_row, 4).font.bold
        assert ws.freeze_panes == "A5"
        assert ws.print_title_rows == "$4:$4"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.right.text == "Halaman &P dari &N"
        assert ws.column_dimensions["B"].width >= len("Tidak diketahui")

    def test_no_totals_for_non_additive(self, book: Path) -> None:
        ws = load_workbook(book)["Arus program"]
        values = [c.value for row in ws.iter_rows() for c in row]
        assert "Jumlah" not in values
        assert ws["A5"].value == "BPNT"  # readable label in the workbook
        assert ws["B5"].value == "–"  # first month: flows not available, with a note
        assert any(isinstance(v, str) and "tidak tersedia" in v for v in values)

    def test_suppressed_cells_dash_with_note(self, book: Path) -> None:
        ws = load_workbook(book)["Desa"]
        assert ws["E6"].value == "–" and ws["F6"].value == "–"
        total_row = 5 + 3
        assert ws.cell(total_row, 5).value == "–"  # a column sum would reveal nothing true
        assert ws.cell(total_row, 7).value == 48
        notes = [c.value for c in ws["A"] if isinstance(c.value, str)]
        assert any("disembunyikan untuk melindungi kerahasiaan" in n for n in notes)

    def test_explicit_totals_used(self, tables, tmp_path: Path) -> None:
        meta = {**META, "total": {"rekap_desa": {"rumah_tangga": 172, "jiwa": 561}}}
        path = export.write_workbook(tables, tmp_path / "t.xlsx", "2023-12", meta)
        ws = load_workbook(path)["Desa"]
        assert ws.cell(8, 5).value == 172 and ws.cell(8, 6).value == 561
        notes = [c.value for c in ws["A"] if isinstance(c.value, str)]
        assert export.NOTE_TOTAL_GIVEN in " ".join(notes)

    def test_kombinasi_totals(self, book: Path) -> None:
        ws = load_workbook(book)["Kombinasi program"]
        assert ws.cell(13, 1).value == "Jumlah" and ws.cell(13, 4).value == 35160
        assert ws["A6"].value == "Tidak" and ws["C6"].value == "Ya"  # as the report says

    def test_months_in_words(self, book: Path) -> None:
        ws = load_workbook(book)["Tren bulanan"]
        assert [ws["A5"].value, ws["A6"].value] == ["November 2023", "Desember 2023"]

    def test_definisi_sheet(self, book: Path) -> None:
        ws = load_workbook(book)["Definisi"]
        assert [c.value for c in ws[4]][:3] == ["No", "Unsur metadata", "Isi"]
        rows = [(r[1].value, r[2].value) for r in ws.iter_rows(min_row=5) if r[1].value]
        assert rows[0] == ("Cakupan BPNT", None)  # one block per variable, its name first
        fields = dict(rows[1:])
        assert fields["Klasifikasi penyajian"] == "Kabupaten; Kecamatan"
        assert "Metode perhitungan" in fields
        assert ws.cell(6, 3).alignment.wrap_text

    def test_definisi_prints_readable(self, book: Path) -> None:
        """Three columns on A4 portrait: long texts wrap in rows high enough to show them."""
        ws = load_workbook(book)["Definisi"]
        width = sum(ws.column_dimensions[c].width for c in "ABC")
        assert width <= 100 and ws.page_setup.orientation == "portrait"
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
        for row in ws.iter_rows(min_row=5):
            text = row[2].value
            if isinstance(text, str) and len(text) > ws.column_dimensions["C"].width:
                assert row[2].alignment.wrap_text
                lines = len(text) / ws.column_dimensions["C"].width
                assert ws.row_dimensions[row[2].row].height >= 14 * lines

    def test_long_titles_and_texts_wrap(self, book: Path) -> None:
        ws = load_workbook(book)["Kualitas data"]
        assert "A1:D1" in {str(r) for r in ws.merged_cells.ranges}  # title over the table
        assert ws["A1"].alignment.wrap_text and ws.row_dimensions[1].height
        assert ws["C5"].alignment.wrap_text  # text columns wrap
        assert ws.print_title_rows == "$4:$4"

    def test_identical_bytes_on_rerun(self, tables, tmp_path: Path) -> None:
        a = export.write_workbook(tables, tmp_path / "a.xlsx", "2023-12", META)
        time.sleep(1.1)  # zip entry times and document dates must not follow the clock
        b = export.write_workbook(tables, tmp_path / "b.xlsx", "2023-12", META)
        assert a.read_bytes() == b.read_bytes()
        props = load_workbook(a).properties
        assert props.created.date().isoformat() == "2023-12-31"
        assert props.modified.date().isoformat() == "2023-12-31"

    def test_workbook_and_csv_hold_the_same_numbers(self, tables, book: Path, tmp_path) -> None:
        csvs = export.write_csvs(tables, tmp_path / "csv")
        for name, path in csvs.items():
            from_csv = pd.read_csv(path, dtype=str, keep_default_na=False)
            from_xlsx = export.read_workbook_table(book, name)
            assert list(from_xlsx.columns) == list(from_csv.columns), name
            as_text = {
                c: ["" if pd.isna(v) else str(v) for v in from_xlsx[c].tolist()]
                for c in from_xlsx.columns
            }
            assert as_text == from_csv.to_dict("list"), name


def test_write_tables_layout(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    paths = export.write_tables(tables, tmp_path / "2023-12", "2023-12", META)
    assert paths["xlsx"] == tmp_path / "2023-12" / "tabel_dtks_2023-12.xlsx"
    assert paths["rekap_kecamatan"] == tmp_path / "2023-12" / "tabel" / "rekap_kecamatan.csv"
    assert all(p.is_file() for p in paths.values())


def test_floats_rounded_and_percent_columns(tmp_path: Path) -> None:
    share = pd.DataFrame(
        {
            "ukuran": ["1", "2", "8+"],
            "rumah_tangga": [1, 2, 4],
            "persen": [100 / 7, 200 / 7, 400 / 7],  # percentages 0..100, as stats writes them
            "cakupan": [1 / 7, 2 / 7, 4 / 7],  # a fraction
        }
    )
    text = export.write_csvs({"ukuran_rumah_tangga": share}, tmp_path)[
        "ukuran_rumah_tangga"
    ].read_text(encoding="utf-8")
    assert "1,1,14.285714,0.142857" in text
    assert not any(len(run) >= 16 for run in re.findall(r"\d+", text))  # no NIK-like runs
    path = export.write_workbook(
        {"ukuran_rumah_tangga": share}, tmp_path / "u.xlsx", "2023-12", META
    )
    ws = load_workbook(path)["Ukuran rumah tangga"]
    assert ws["C4"].value == "Persentase (%)"
    assert ws["C5"].value == 14.285714 and ws["C5"].number_format == "0.0"
    assert ws["D5"].number_format == "0.0%"
