"""File-level bad-input catalogue (issue #4 malformed inputs, issue #7 item 1).

Every case must stop with an IngestError that names the file (or folder) and says, in
Indonesian then English, what is wrong; or, where documented in ``ingest``'s docstring, give
a warning.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from dtks_analysis.config import Settings
from dtks_analysis.intake.ingest import LABELS, REQUIRED, IngestError, read_month

HEADER = ["NIK", "NO KK", "NAMA", "HUBUNGAN KELUARGA", "DESA", "BPNT", "PBI-JKN", "PKH"]
ROW = ["1211014101800001", "1211010101200001", "BUDI", "1", "Kuta Gambir", "1", "0", "1"]
ROW2 = ["1211010202800002", "1211010101200001", "SITI", "2", "Kuta Gambir", "1", "0", "1"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


@pytest.fixture
def month(tmp_path: Path) -> Path:
    m = tmp_path / "raw" / "2023-12"
    m.mkdir(parents=True)
    return m


def xlsx_bytes(rows: list[list], sheet: str = "Data") -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(sheet)
    for i, row in enumerate(rows):
        ws.write_row(i, 0, row)
    wb.close()
    return buf.getvalue()


def good_file(month: Path, name: str = "baik.xlsx") -> None:
    (month / name).write_bytes(xlsx_bytes([HEADER, ROW2]))


def fails(month: Path, settings: Settings, *words: str) -> str:
    """read_month raises IngestError whose message contains every word (case-insensitive)."""
    with pytest.raises(IngestError) as exc:
        read_month(month, settings)
    msg = str(exc.value)
    for w in words:
        assert w.lower() in msg.lower(), f"{w!r} not in: {msg}"
    # Indonesian first, then English in parentheses
    assert re.search(r"\([a-z][^()]*\)\s*$", msg.split("\n")[-1]) or msg.rstrip().endswith(")")
    return msg


# --------------------------------------------------------------------------- folder level
def test_missing_folder(tmp_path: Path, settings: Settings) -> None:
    fails(tmp_path / "raw" / "2031-01", settings, "2031-01", "tidak ditemukan", "not found")


def test_month_path_is_a_file(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "2023-12"
    p.write_text("x")
    fails(p, settings, "2023-12", "folder bulan tidak ditemukan")


def test_empty_folder(month: Path, settings: Settings) -> None:
    fails(month, settings, "2023-12", "tidak ada file ekstrak", "folder kosong", "no extract")


def test_folder_without_extracts_lists_what_it_holds(month: Path, settings: Settings) -> None:
    (month / "surat.pdf").write_bytes(b"%PDF-1.4")
    (month / "~$lock.xlsx").write_bytes(b"x")
    fails(month, settings, "2023-12", "surat.pdf", "no extract files")


def test_month_with_only_header_files_has_no_records(month: Path, settings: Settings) -> None:
    (month / "a.xlsx").write_bytes(xlsx_bytes([HEADER]))
    (month / "b.csv").write_text(",".join(HEADER) + "\n")
    fails(month, settings, "2023-12", "tidak ada satu pun baris data", "no records")


def test_identical_files(month: Path, settings: Settings) -> None:
    data = xlsx_bytes([HEADER, ROW])
    (month / "a.xlsx").write_bytes(data)
    (month / "kiriman").mkdir()
    (month / "kiriman" / "a (1).xlsx").write_bytes(data)
    fails(month, settings, "kiriman/a (1).xlsx", "a.xlsx", "sama persis", "identical")


def test_sumber_yaml_bad_scheme(month: Path, settings: Settings) -> None:
    good_file(month)
    (month / "sumber.yaml").write_text('files:\n  "baik.xlsx": {skema_hubungan: bps}\n')
    fails(month, settings, "sumber.yaml", "baik.xlsx", "dukcapil", "skema_hubungan")


def test_sumber_yaml_not_yaml(month: Path, settings: Settings) -> None:
    good_file(month)
    (month / "sumber.yaml").write_text("files: [unclosed\n")
    fails(month, settings, "sumber.yaml", "bukan YAML", "not valid YAML")


def test_sumber_yaml_wrong_shape(month: Path, settings: Settings) -> None:
    good_file(month)
    (month / "sumber.yaml").write_text("files:\n  - baik.xlsx\n")
    fails(month, settings, "sumber.yaml", "format", "malformed")


# --------------------------------------------------------------------------- unreadable files
def test_zero_byte_xlsx(month: Path, settings: Settings) -> None:
    good_file(month)
    (month / "Sumbul.xlsx").write_bytes(b"")
    fails(month, settings, "Sumbul.xlsx", "0 byte", "empty file")


def test_zero_byte_csv(month: Path, settings: Settings) -> None:
    (month / "Sumbul.csv").write_bytes(b"")
    fails(month, settings, "Sumbul.csv", "file kosong", "0 bytes")


def test_whitespace_only_csv(month: Path, settings: Settings) -> None:
    (month / "Sumbul.csv").write_text("\n  \n\n")
    fails(month, settings, "Sumbul.csv", "tidak berisi teks", "no content")


def test_truncated_zip(month: Path, settings: Settings) -> None:
    data = xlsx_bytes([HEADER, ROW])
    (month / "Parbuluan.xlsx").write_bytes(data[: len(data) // 2])
    fails(month, settings, "Parbuluan.xlsx", "rusak atau terpotong", "truncated")


def test_zip_that_is_not_a_workbook(month: Path, settings: Settings) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    (month / "surat.xlsx").write_bytes(buf.getvalue())
    fails(month, settings, "surat.xlsx", "bukan buku kerja Excel", "not an Excel workbook")


def test_corrupt_sheet_xml(month: Path, settings: Settings) -> None:
    data = xlsx_bytes([HEADER, ROW])
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in src.namelist():
            body = src.read(n)
            if n == "xl/worksheets/sheet1.xml":
                body = body[: len(body) // 2]  # cut in the middle of the XML
            zf.writestr(n, body)
    (month / "Sitinjo.xlsx").write_bytes(buf.getvalue())
    fails(month, settings, "Sitinjo.xlsx", "rusak", "corrupt")


def test_encrypted_workbook(month: Path, settings: Settings) -> None:
    """An encrypted .xlsx is an OLE2 container holding an EncryptedPackage stream."""
    ole = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4088)
    name = "EncryptedPackage".encode("utf-16-le")
    ole[1024 : 1024 + len(name)] = name
    (month / "Berampu.xlsx").write_bytes(bytes(ole))
    fails(month, settings, "Berampu.xlsx", "kata sandi", "terenkripsi", "password-protected")


def test_ole2_without_workbook_in_xlsx(month: Path, settings: Settings) -> None:
    (month / "Berampu.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    fails(month, settings, "Berampu.xlsx", "rusak atau terenkripsi", "encrypted")


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body><table><tr><td>NIK</td></tr></table></body></html>",
        b"\r\n  <TABLE border=1><TR><TD>NIK</TD></TR></TABLE>",
        b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
    ],
)
def test_html_saved_as_xls(month: Path, settings: Settings, content: bytes) -> None:
    (month / "Sidikalang.xls").write_bytes(content)
    fails(month, settings, "Sidikalang.xls", "HTML", "Simpan Sebagai", "save as .xlsx")


def test_text_file_named_xlsx(month: Path, settings: Settings) -> None:
    (month / "Sumbul.xlsx").write_text(",".join(HEADER) + "\n" + ",".join(ROW) + "\n")
    fails(month, settings, "Sumbul.xlsx", "bukan file Excel", ".csv", "not an Excel workbook")


def test_excel_file_named_csv(month: Path, settings: Settings) -> None:
    (month / "Sumbul.csv").write_bytes(xlsx_bytes([HEADER, ROW]))
    fails(month, settings, "Sumbul.csv", "file Excel yang diberi nama .csv", "rename")


# --------------------------------------------------------------------------- CSV content
def test_csv_mixed_delimiters(month: Path, settings: Settings) -> None:
    lines = [";".join(HEADER), ";".join(ROW), ",".join(ROW2)]
    (month / "Sumbul.csv").write_text("\n".join(lines) + "\n")
    msg = fails(month, settings, "Sumbul.csv", "baris 3", "pemisah kolom campuran", "line 3")
    assert ROW2[0] not in msg  # IDs are not quoted in messages


def test_csv_short_row(month: Path, settings: Settings) -> None:
    lines = [",".join(HEADER), ",".join(ROW), "", ",".join(ROW2[:5])]
    (month / "Sumbul.csv").write_text("\n".join(lines) + "\n")
    fails(month, settings, "Sumbul.csv", "baris 4 berisi 5 kolom", "header has 8")


def test_csv_undecodable_encoding(month: Path, settings: Settings) -> None:
    body = (
        ",".join(HEADER) + "\n"
    ).encode() + b"1211014101800001,1211010101200001,B\x81\x8dDI,1,X,1,0,1\n"
    (month / "Sumbul.csv").write_bytes(body)
    fails(month, settings, "Sumbul.csv", "encoding", "bukan UTF-8", "baris 2", "CSV UTF-8")


def test_csv_binary(month: Path, settings: Settings) -> None:
    (month / "Sumbul.csv").write_bytes(b"NIK\x00\x00\x01\x02" * 10)
    fails(month, settings, "Sumbul.csv", "biner", "not a CSV text file")


# --------------------------------------------------------------------------- headers
def test_no_recognisable_header_xlsx(month: Path, settings: Settings) -> None:
    rows = [["No", "Nama Kepala", "Alamat"], ["1", "BUDI", "JL X"]]
    (month / "Sumbul.xlsx").write_bytes(xlsx_bytes(rows, sheet="Lembar1"))
    fails(month, settings, "Sumbul.xlsx", "Lembar1", "header", "NIK atau NO KK", "no recognisable")


def test_no_recognisable_header_csv(month: Path, settings: Settings) -> None:
    (month / "Sumbul.csv").write_text("a;b;c\n1;2;3\n")
    fails(month, settings, "Sumbul.csv", "tidak ditemukan baris judul kolom", "CSV")


def test_data_without_header_does_not_leak_ids(month: Path, settings: Settings) -> None:
    (month / "Sumbul.xlsx").write_bytes(xlsx_bytes([ROW, ROW2]))
    msg = fails(month, settings, "Sumbul.xlsx", "header")
    assert ROW[0] not in msg and "BUDI" not in msg


@pytest.mark.parametrize("missing", REQUIRED)
def test_required_column_missing(month: Path, settings: Settings, missing: str) -> None:
    idx = [i for i, h in enumerate(HEADER) if h != LABELS[missing] and h != "DESA"]
    if missing != "desa":
        idx.append(HEADER.index("DESA"))
    idx.sort()
    header = [HEADER[i] for i in idx]
    (month / "Sumbul.xlsx").write_bytes(xlsx_bytes([header, [ROW[i] for i in idx]]))
    msg = fails(
        month,
        settings,
        "Sumbul.xlsx",
        "Data",
        "kolom wajib tidak ditemukan",
        LABELS[missing],
        "required column",
        "headers found",
    )
    for h in header:
        assert h in msg


def test_all_sheets_empty(month: Path, settings: Settings) -> None:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.add_worksheet("Sheet1")
    wb.add_worksheet("Sheet2")
    wb.close()
    (month / "Sumbul.xlsx").write_bytes(buf.getvalue())
    fails(month, settings, "Sumbul.xlsx", "semua sheet kosong", "all sheets", "empty")


def test_formulas_without_cached_values(month: Path, settings: Settings) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Rumus"
    ws.append(HEADER)
    for r in range(2, 6):
        ws.append([f'="12110141018000"&TEXT({r},"00")', "=A2", '=UPPER("budi")', "=1"] + ["=1"] * 4)
    path = month / "Sumbul.xlsx"
    wb.save(path)
    fails(month, settings, "Sumbul.xlsx", "Rumus", "rumus", "tanpa nilai tersimpan", "cached")


def test_header_only_file_alone_is_an_error_for_the_month(month: Path, settings: Settings) -> None:
    (month / "Sumbul.xlsx").write_bytes(xlsx_bytes([["JUDUL"], HEADER]))
    fails(month, settings, "2023-12", "1 file", "no records")


# --------------------------------------------------------------------------- another kabupaten
def test_file_for_another_kabupaten_by_column(month: Path, settings: Settings) -> None:
    good_file(month)
    rows = [[*HEADER, "KABUPATEN/KOTA"], [*ROW, "KARO"], [*ROW2, "Kabupaten Karo"]]
    (month / "Kabanjahe.xlsx").write_bytes(xlsx_bytes(rows))
    fails(month, settings, "Kabanjahe.xlsx", "kabupaten lain", "KARO", "Kabupaten Dairi", "another")


def test_file_for_another_kabupaten_by_kecamatan(month: Path, settings: Settings) -> None:
    header = ["NIK", "NO KK", "NAMA", "HUBUNGAN KELUARGA", "KECAMATAN", "DESA", "BPNT", "PBI",
              "PKH"]  # fmt: skip
    rows = [
        header,
        [ROW[0], ROW[1], "BUDI", "1", "Kabanjahe", "Gung Leto", "1", "0", "1"],
        [ROW2[0], ROW2[1], "SITI", "2", "Berastagi", "Gundaling I", "1", "0", "1"],
    ]
    (month / "Karo.xlsx").write_bytes(xlsx_bytes(rows))
    fails(month, settings, "Karo.xlsx", "wilayah lain", "Kabanjahe", "KECAMATAN", "another")


def test_bps_code_of_dairi_is_accepted_but_karo_name_is_not(
    month: Path, settings: Settings
) -> None:
    rows = [[*HEADER, "KABUPATEN/KOTA"], [*ROW, "1210"], [*ROW2, "12.11"]]
    (month / "a.xlsx").write_bytes(xlsx_bytes(rows))
    assert len(read_month(month, settings).records) == 2


def test_csv_unclosed_quote(month: Path, settings: Settings) -> None:
    """An unclosed quote would swallow every later line into one field: refuse it."""
    lines = [",".join(HEADER), ",".join(ROW[:2]) + ',"BUDI,1,Kuta Gambir,1,0,1', ",".join(ROW2)]
    (month / "Sumbul.csv").write_text("\n".join(lines) + "\n")
    fails(month, settings, "Sumbul.csv", "format CSV rusak", "baris 2", "unbalanced quotes")


@pytest.mark.parametrize("name", ["Sumbul.xlsb", "Sumbul.ods"])
def test_unsupported_spreadsheet_format(month: Path, settings: Settings, name: str) -> None:
    good_file(month)
    (month / name).write_bytes(b"PK\x03\x04whatever")
    fails(month, settings, name, "tidak didukung", "Simpan Sebagai", "save it as .xlsx")
