"""Ingest of good (if messy) extracts: header detection, row numbers, cell types, CSV dialects."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from dtks_analysis.config import Settings
from dtks_analysis.intake.ingest import (
    CANONICAL,
    HEADER_MAP,
    META,
    REQUIRED,
    IngestResult,
    canonical_column,
    read_file,
    read_month,
)

HEADER = ["NIK", "NO KK", "NAMA", "HUBKEL", "DESA", "ADABPNT", "PBI", "PKH"]
NIK1, KK1 = "1211014101800001", "1211010101200001"
NIK2 = "1211010202800002"


def person(nik: object = NIK1, kk: object = KK1, nama: str = "BUDI", hub: object = "1") -> list:
    return [nik, kk, nama, hub, "Kuta Gambir", "1", "0", "Ya"]


def write_xlsx(path: Path, sheets: dict[str, list[list]], start: tuple[int, int] = (0, 0)) -> Path:
    """Rows written from cell ``start`` (0-based row, col); None cells are left empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(path)
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is not None:
                    ws.write(start[0] + i, start[1] + j, v)
    wb.close()
    return path


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8", nl: str = "\r\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(nl.join(lines).encode(encoding) + nl.encode())
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


# --------------------------------------------------------------------------- header map
@pytest.mark.parametrize(
    "spelling, canonical",
    [
        ("NIK", "nik"),
        ("N I K", "nik"),
        ("Nomor NIK", "nik"),
        ("NO. NIK", "nik"),
        ("NO. KK", "no_kk"),
        ("NOMOR KK", "no_kk"),
        ("NoKK", "no_kk"),
        ("Nomor Kartu Keluarga", "no_kk"),
        ("KK", "no_kk"),
        ("Nama Lengkap", "nama"),
        ("JnsKel", "jenis_kelamin"),
        ("JK", "jenis_kelamin"),
        ("TglLahir", "tanggal_lahir"),
        ("Tgl. Lahir", "tanggal_lahir"),
        ("TANGGAL_LAHIR", "tanggal_lahir"),
        ("Hub. Keluarga", "hubungan"),
        ("STATUS HUBUNGAN", "hubungan"),
        ("AdaPKH", "pkh"),
        ("BPNT/SEMBAKO", "bpnt"),
        ("Sembako", "bpnt"),
        ("PBI-JKN", "pbi_jkn"),
        ("KIS", "pbi_jkn"),
        ("AdaPBI", "pbi_jkn"),
        ("DESA/KELURAHAN", "desa"),
        ("Kelurahan", "desa"),
        ("KEC", "kecamatan"),
        ("IDDTKS", "id_dtks"),
        ("KABUPATEN/KOTA", "kabupaten"),
        ("NAMA IBU KANDUNG", "nama_ibu"),
        ("Penyandang Disabilitas", "disabilitas"),
        ("KODE DESA", "kode_desa"),
        ("Kode Kecamatan", "kode_kecamatan"),
        ("JENIS\nKELAMIN", "jenis_kelamin"),
        ("JENISKELAMIN", "jenis_kelamin"),
        ("NIK (16 DIGIT)", "nik"),
        ("PKH (1=Ya, 2=Tidak)", "pkh"),
        ("JENIS KELAMIN [L/P]", "jenis_kelamin"),
        ("Hubungan Keluarga (1-8)", "hubungan"),
        ("Penerima BPNT", "bpnt"),
        ("(catatan)", None),
        ("KETERANGAN", None),
        ("", None),
    ],
)
def test_header_spellings(spelling: str, canonical: str | None) -> None:
    assert canonical_column(spelling) == canonical


def test_header_map_targets_only_canonical_columns() -> None:
    assert set(HEADER_MAP.values()) == set(CANONICAL)
    assert set(REQUIRED) <= set(CANONICAL)


# --------------------------------------------------------------------------- Excel basics
def test_title_blank_rows_offset_and_merged_title(tmp_path: Path, settings: Settings) -> None:
    """Row numbers are those Excel shows, with blank leading rows/columns and a merged title."""
    month = tmp_path / "2023-12"
    path = month / "Sidikalang.xlsx"
    path.parent.mkdir(parents=True)
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("DTKS")
    ws.merge_range("C3:J3", "DATA DTKS DESA KUTA GAMBIR")  # rows 1-2 blank, title on 3
    ws.write_row(4, 2, HEADER)  # header on Excel row 5, starting at column C
    ws.write_row(5, 2, person())  # row 6
    ws.write_row(7, 2, person(NIK2, nama="SITI", hub="2"))  # row 8 after a blank row 7
    wb.close()

    res = read_month(month, settings)
    assert isinstance(res, IngestResult)
    r = res.records
    assert r["_row"].tolist() == [6, 8]
    assert r["nama"].tolist() == ["BUDI", "SITI"]
    assert r["_file"].tolist() == ["Sidikalang.xlsx"] * 2
    assert r["_sheet"].tolist() == ["DTKS"] * 2
    assert list(r.columns[: len(META)]) == list(META)
    assert list(r.columns[len(META) : len(META) + len(CANONICAL)]) == list(CANONICAL)
    f = res.files
    assert f.loc[0, "header_row"] == 5 and f.loc[0, "rows"] == 2
    assert f.loc[0, "sha256"] and len(f.loc[0, "sha256"]) == 64


def test_cell_types_numbers_dates_and_text(tmp_path: Path, settings: Settings) -> None:
    month = tmp_path / "2023-12"
    path = month / "a.xlsx"
    month.mkdir()
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, [*HEADER, "TGL LAHIR", "RT", "KETERANGAN"])
    ws.write_row(
        1, 0, [1.21101230415e15, "  " + KK1 + " ", " BUDI\xa0 ", 1.0, "Kuta Gambir", 1, 2.0]
    )
    ws.write_string(1, 7, "Ya")
    ws.write_datetime(1, 8, dt.datetime(1980, 1, 2), date_fmt)
    ws.write_number(1, 9, 3)
    ws.write_number(1, 10, 1.5)
    ws.write_row(2, 0, [NIK2, 1211010101200002.0, "SITI", "ISTRI", "Kuta Gambir", True, "", ""])
    ws.write_string(2, 8, "02-03-1981")
    wb.close()

    r = read_month(month, settings).records
    first, second = r.iloc[0], r.iloc[1]
    assert first["nik"] == "1211012304150000" and first["_nik_type"] == "number"
    assert first["no_kk"] == KK1 and first["_no_kk_type"] == "text"
    assert first["nama"] == "BUDI"
    assert first["hubungan"] == "1" and first["bpnt"] == "1" and first["pbi_jkn"] == "2"
    assert first["tanggal_lahir"] == "1980-01-02"
    assert first["rt"] == "3" and first["x_keterangan"] == "1.5"
    assert second["_nik_type"] == "text" and second["_no_kk_type"] == "number"
    assert second["no_kk"] == "1211010101200002"
    assert second["bpnt"] == "TRUE" and second["pbi_jkn"] is None and second["pkh"] is None
    assert second["tanggal_lahir"] == "02-03-1981"
    # every value is str or None, never a number
    values = r.drop(columns="_row").to_numpy().ravel()
    assert all(v is None or type(v) is str for v in values)
    assert r["_row"].dtype == "int64"


def test_unknown_columns_kept_and_listed(tmp_path: Path, settings: Settings) -> None:
    month = tmp_path / "2023-12"
    write_xlsx(
        month / "a.xlsx",
        {"S": [[*HEADER, "Keterangan", "No. Urut", None], [*person(), "pindah", "1", "x"]]},
    )
    res = read_month(month, settings)
    r = res.records
    assert r.loc[0, "x_keterangan"] == "pindah"
    assert r.loc[0, "x_no_urut"] == "1"
    assert r.loc[0, "x_kolom_k"] == "x"  # data under a blank header cell (column K)
    assert res.files.loc[0, "unknown_columns"] == "x_keterangan,x_no_urut,x_kolom_k"
    assert r.loc[0, "kecamatan"] is None  # absent canonical column -> None


def test_repeated_header_and_blank_rows_dropped(tmp_path: Path, settings: Settings) -> None:
    month = tmp_path / "2023-12"
    rows = [HEADER, person(), ["", "  ", None, "", "", "", "", ""], HEADER, person(NIK2)]
    write_xlsx(month / "a.xlsx", {"S": rows})
    res = read_month(month, settings)
    assert res.records["_row"].tolist() == [2, 5]
    assert any("terulang di baris 4" in w and "repeated" in w for w in res.warnings)


def test_million_blank_rows_is_fast(tmp_path: Path, settings: Settings) -> None:
    """A sheet whose used range runs to row 1,000,000 through blank (styled / empty) cells."""
    month = tmp_path / "2023-12"
    path = write_xlsx(month / "a.xlsx", {"Sheet1": [HEADER, person(), person(NIK2)]})
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    # rows without an r= attribute follow each other (rows 4 .. 1,000,000)
    blank = b'<row><c s="0"/><c t="inlineStr"><is><t></t></is></c></row>' * 999_997
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert sheet.count(b"</row></sheetData>") == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"</row></sheetData>", b"</row>" + blank + b"</sheetData>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in parts.items():
            zf.writestr(n, b)
    path.write_bytes(buf.getvalue())
    cpu0 = time.process_time()  # CPU time: not inflated when other jobs share the machine
    res = read_month(month, settings)
    cpu = time.process_time() - cpu0
    assert res.records["_row"].tolist() == [2, 3]
    assert cpu < 15.0, cpu


def test_several_sheets_and_sheet_without_header(tmp_path: Path, settings: Settings) -> None:
    month = tmp_path / "2023-12"
    write_xlsx(
        month / "a.xlsx",
        {
            "Petunjuk": [["Isi data per desa"], ["Kode hubungan: 1 = kepala keluarga"]],
            "Desa A": [HEADER, person()],
            "Kosong": [],
            "Desa B": [["REKAP"], HEADER, person(NIK2), person("1211010303800003")],
        },
    )
    res = read_month(month, settings)
    r = res.records
    assert r["_sheet"].tolist() == ["Desa A", "Desa B", "Desa B"]
    assert r["_row"].tolist() == [2, 3, 4]
    assert res.files["_sheet"].tolist() == ["Desa A", "Desa B"]
    assert res.files["header_row"].tolist() == [1, 2]
    assert any("Petunjuk" in w and "dilewati" in w for w in res.warnings)


def test_two_row_header_under_merged_group_cell(tmp_path: Path, settings: Settings) -> None:
    month = tmp_path / "2023-12"
    path = month / "a.xlsx"
    month.mkdir()
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["NIK", "NO KK", "NAMA", "HUBUNGAN KELUARGA", "DESA"])
    ws.merge_range("F1:H1", "KEPESERTAAN PROGRAM")
    ws.write_row(1, 5, ["PKH", "BPNT", "PBI"])
    ws.write_row(2, 0, [NIK1, KK1, "BUDI", "1", "Kuta Gambir", "1", "0", "1"])
    wb.close()
    res = read_month(month, settings)
    r = res.records
    assert len(r) == 1 and r.loc[0, "_row"] == 3
    assert (r.loc[0, "pkh"], r.loc[0, "bpnt"], r.loc[0, "pbi_jkn"]) == ("1", "0", "1")


def test_vertically_merged_data_cells_filled(tmp_path: Path, settings: Settings) -> None:
    month = tmp_path / "2023-12"
    path = month / "a.xlsx"
    month.mkdir()
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADER)
    ws.merge_range("B2:B3", KK1)  # one No KK cell spanning the family
    ws.write_row(1, 0, [NIK1])
    ws.write_row(1, 2, ["BUDI", "1", "Kuta Gambir", "1", "0", "1"])
    ws.write_row(2, 0, [NIK2])
    ws.write_row(2, 2, ["SITI", "2", "Kuta Gambir", "1", "0", "1"])
    wb.close()
    res = read_month(month, settings)
    assert res.records["no_kk"].tolist() == [KK1, KK1]
    assert any("merged" in w for w in res.warnings)


def test_xlsx_content_with_xls_name_and_hidden_lock_files(
    tmp_path: Path, settings: Settings
) -> None:
    month = tmp_path / "2023-12"
    write_xlsx(month / "b" / "desa.xls", {"S": [HEADER, person()]})  # xlsx saved as .xls
    write_xlsx(month / "a.XLSX", {"S": [HEADER, person(NIK2)]})
    (month / "~$a.xlsx").write_bytes(b"lock")
    (month / ".hidden.csv").write_text("junk")
    (month / "catatan.txt").write_text("catatan")
    res = read_month(month, settings)
    assert res.records["_file"].tolist() == ["a.XLSX", "b/desa.xls"]
    assert any("catatan.txt" in w and "diabaikan" in w for w in res.warnings)


def test_sumber_yaml_sets_scheme_per_file(tmp_path: Path, settings: Settings) -> None:
    month = tmp_path / "2023-12"
    write_xlsx(month / "kiriman" / "Sidikalang.xlsx", {"S": [HEADER, person()]})
    write_xlsx(month / "Sumbul.xlsx", {"S": [HEADER, person(NIK2)]})
    (month / "sumber.yaml").write_text(
        'files:\n  "kiriman/Sidikalang.xlsx": {skema_hubungan: dukcapil}\n'
        '  "hilang.xlsx": {skema_hubungan: dtks}\n'
    )
    res = read_month(month, settings)
    got = dict(zip(res.records["_file"], res.records["_skema_hubungan"], strict=True))
    assert got == {"Sumbul.xlsx": "dtks", "kiriman/Sidikalang.xlsx": "dukcapil"}
    assert res.files.set_index("_file")["skema_hubungan"].to_dict() == got
    assert any("hilang.xlsx" in w for w in res.warnings)
    dk = Settings(data_dir=tmp_path, skema_hubungan="dukcapil")
    assert set(read_month(month, dk).records["_skema_hubungan"]) == {"dukcapil"}


def test_header_only_file_among_others_is_a_warning(tmp_path: Path, settings: Settings) -> None:
    month = tmp_path / "2023-12"
    write_xlsx(month / "a.xlsx", {"S": [HEADER, person()]})
    write_xlsx(month / "b.xlsx", {"S": [HEADER]})
    res = read_month(month, settings)
    assert len(res.records) == 1
    assert res.files.set_index("_file").loc["b.xlsx", "rows"] == 0
    assert any("b.xlsx" in w and "header only" in w for w in res.warnings)


def test_columns_differ_between_files_filled_with_none(tmp_path: Path, settings: Settings) -> None:
    month = tmp_path / "2023-12"
    write_xlsx(month / "a.xlsx", {"S": [[*HEADER, "CATATAN"], [*person(), "x"]]})
    write_csv(month / "b.csv", [",".join(HEADER), ",".join(person(NIK2))])
    r = read_month(month, settings).records
    assert r["x_catatan"].tolist() == ["x", None]
    assert r["_sheet"].tolist() == ["S", ""]
    assert r["x_catatan"].dtype == object


def test_progress_bar(
    tmp_path: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    month = tmp_path / "2023-12"
    write_xlsx(month / "a.xlsx", {"S": [HEADER, person()]})
    read_month(month, settings, progress=True)
    assert "Membaca ekstrak" in capsys.readouterr().err
    read_month(month, settings, progress=False)
    assert "Membaca ekstrak" not in capsys.readouterr().err


def test_openpyxl_written_file_and_read_file_api(tmp_path: Path) -> None:
    path = tmp_path / "o.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Laporan"])
    ws.append(["ID DTKS", "NOMOR KK", "NOMOR NIK", "NAMA", "HUBUNGAN KELUARGA",
               "DESA/KELURAHAN", "BPNT", "PBI-JKN", "PKH"])  # fmt: skip
    ws.append(["D1", KK1, int(NIK1), "BUDI", 1, "Kuta Gambir", "Y", "N", None])
    wb.save(path)
    records, files = read_file(path, "o.xlsx", "dtks", "12.11")
    assert records.loc[0, "nik"] == NIK1 and records.loc[0, "_nik_type"] == "number"
    assert records.loc[0, "id_dtks"] == "D1" and records.loc[0, "_row"] == 3
    assert files.loc[0, "header_row"] == 2
    assert files.attrs["warnings"] == []


# --------------------------------------------------------------------------- CSV
@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_csv_delimiters(tmp_path: Path, settings: Settings, delim: str) -> None:
    month = tmp_path / "2023-12"
    write_csv(month / "a.csv", [delim.join(HEADER), delim.join(person())])
    r = read_month(month, settings).records
    assert r.loc[0, "nik"] == NIK1 and r.loc[0, "pkh"] == "Ya"
    assert r.loc[0, "_row"] == 2 and r.loc[0, "_nik_type"] == "text"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings(tmp_path: Path, settings: Settings, encoding: str) -> None:
    month = tmp_path / "2023-12"
    write_csv(
        month / "a.csv",
        [";".join(HEADER), ";".join(person(nama="JOSÉ ÑAÑEZ"))],
        encoding=encoding,
    )
    res = read_month(month, settings)
    assert res.records.loc[0, "nama"] == "JOSÉ ÑAÑEZ"
    assert res.records.columns[len(META)] == "id_dtks"  # BOM did not end up in a header
    assert res.records.loc[0, "nik"] == NIK1
    assert any("cp1252" in w for w in res.warnings) == (encoding == "cp1252")


def test_csv_title_lines_quotes_blank_lines_and_ids_as_text(
    tmp_path: Path, settings: Settings
) -> None:
    month = tmp_path / "2023-12"
    lines = [
        "DATA DTKS KABUPATEN DAIRI",
        "",
        ",".join(HEADER),
        f'00{NIK1[2:]},{KK1},"SIREGAR, BUDI",1,Kuta Gambir,1,0,Ya',
        "",
        f'{NIK2},{KK1},"BARIS\nDUA",2,Kuta Gambir,NA,,',
        f"1.21101E+15,{KK1},ANI,3,Kuta Gambir,1,0,Ya,",  # one trailing empty field
    ]
    write_csv(month / "a.csv", lines, nl="\n")
    r = read_month(month, settings).records
    assert r["_row"].tolist() == [4, 6, 8]
    assert r.loc[0, "nik"] == "00" + NIK1[2:]  # leading zeros kept
    assert r.loc[0, "nama"] == "SIREGAR, BUDI"
    assert r.loc[1, "bpnt"] == "NA" and r.loc[1, "pkh"] is None  # "NA" is text, not missing
    assert r.loc[2, "nik"] == "1.21101E+15"


def test_csv_excel_sep_hint(tmp_path: Path, settings: Settings) -> None:
    month = tmp_path / "2023-12"
    write_csv(month / "a.csv", ["sep=;", ";".join(HEADER), ";".join(person())])
    r = read_month(month, settings).records
    assert r.loc[0, "_row"] == 3 and r.loc[0, "desa"] == "Kuta Gambir"


def test_region_check_accepts_dairi_spellings(tmp_path: Path, settings: Settings) -> None:
    month = tmp_path / "2023-12"
    header = [*HEADER, "KABUPATEN/KOTA", "KECAMATAN"]
    rows = [
        header,
        [*person(), "KABUPATEN DAIRI", "Kota Sidikalang"],
        [*person(NIK2), "Dairi", "TIGA LINGGA"],
        [*person("1211010303800003"), "Karo", "Sidikalang"],
    ]
    write_xlsx(month / "a.xlsx", {"S": rows})
    res = read_month(month, settings)
    assert len(res.records) == 3
    assert any("KABUPATEN/KOTA selain" in w and "Karo" in w for w in res.warnings)


def test_records_frame_has_expected_dtypes(tmp_path: Path, settings: Settings) -> None:
    month = tmp_path / "2023-12"
    write_xlsx(month / "a.xlsx", {"S": [HEADER, person()]})
    r = read_month(month, settings).records
    assert all(pd.api.types.is_object_dtype(t) for t in r.drop(columns="_row").dtypes)
    assert isinstance(r.index, pd.RangeIndex)


def test_formula_copy_sheet_is_read_with_a_warning(tmp_path: Path, settings: Settings) -> None:
    """Cached formula values are read; a formula sheet beside another sheet is flagged."""
    month = tmp_path / "2023-12"
    path = month / "a.xlsx"
    month.mkdir()
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Asli")
    ws.write_row(0, 0, HEADER)
    ws.write_row(1, 0, person())
    cp = wb.add_worksheet("Salinan")
    for j, v in enumerate(HEADER):
        cp.write_formula(0, j, f"=Asli!{chr(65 + j)}1", None, v)
    for j, v in enumerate(person()):
        cp.write_formula(1, j, f"=Asli!{chr(65 + j)}2", None, v)
    wb.close()
    res = read_month(month, settings)
    assert res.records["_sheet"].tolist() == ["Asli", "Salinan"]
    assert res.records.loc[1, "nik"] == NIK1  # the cached value
    assert any("'Salinan'" in w and "16 sel rumus" in w for w in res.warnings)
    assert not any("'Asli'" in w for w in res.warnings)
