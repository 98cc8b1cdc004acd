"""Issue 17 (items 4, 5, 6, 14): the personal-data scan's blind spots, place names that are not
personal data, where a hit comes from, IDs in input file names, and formula injection."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dtks_analysis import formatting
from dtks_analysis.cli import main
from dtks_analysis.publishing import export, privacy

NIK = "1211014107850003"
KK = "1211021107100013"
PERSONS = pd.DataFrame(
    {
        "nama": ["ROSMAULI BR SINAGA", "TANAH PINEM", "X"],
        "alamat": ["Jl. Sisingamangaraja No. 12", "DESA PEGAGAN JULU V", None],
        "nik": [NIK, "1211020101900002", None],
        "no_kk": [KK, "1211020101900001", None],
        "_file": ["kiriman/Sidikalang.xlsx", "kiriman/Tanah_Pinem.csv", "a.csv"],
        "_row": [7, 3, 2],
        "_bulan": ["2023-12", "2023-12", "2023-12"],
    }
)


def _clean_tree(root: Path) -> None:
    (root / "tabel").mkdir(parents=True)
    (root / "tabel" / "rekap.csv").write_text(
        "kecamatan,rumah_tangga,jiwa,bpnt,pkh,persen\n"
        "Tanah Pinem,1234,5678,9012,3456,12.5\n"
        "Pegagan Julu V,121,101,230,415,0003\n"  # 16 digits over 6 cells: cells never join
    )
    (root / "laporan.html").write_text(
        "<html><body><p>Pada Desember 2023 terdapat 35.412 rumah tangga di Kecamatan "
        "Tanah Pinem dan Desa Pegagan Julu V.</p>"
        '<svg><path d="M 58.523438 396.592188 L 72.57 403.25 L 1211.5 2023.25"/></svg>'
        "<table><tr><td>1211</td><td>0141</td><td>0785</td><td>0003</td></tr></table>"
        "<p>Contoh: 1211********0003; tanggal 2023-12-31T10:11:12.123456+00:00</p>"
        "</body></html>"
    )
    digest = "a" * 20 + "1234567890123456" + "b" * 28
    (root / "manifest.json").write_text(
        json.dumps(
            {
                "inputs": {"2023-12": {"kiriman/x.csv": digest}},
                "git_commit": "0123456789abcdef0123" + "1211014107850003" + "abcd",
                "n": 123456789012345,
            }
        )
    )
    # PDF-like table rows: numbers side by side, separated by spaces
    (root / "teks.txt").write_text(
        "Sidikalang 3.412 10.234 1.234 567 45,6%\nSitinjo 234 876 123 200 561 0\n"
    )


@pytest.fixture
def clean(tmp_path):
    root = tmp_path / "out"
    _clean_tree(root)
    return root


def test_real_looking_clean_tree_passes(clean):
    """Place names, digests, SVG coordinates, dates and numbers in tables are not leaks."""
    assert [str(x) for x in privacy.check_outputs(clean, PERSONS, "12.11")] == []


# -- item 5: blind spots -------------------------------------------------------------------
NBSP = "\u00a0"
TEXT_CASES = {
    "garis_bawah": ("a.txt", "nomor 1211_0141_0785_0003"),
    "garis_miring": ("a.txt", "nomor 1211/0141/0785/0003"),
    "koma_dalam_sel": ("a.csv", 'kk,n\n"1211,0141,0785,0003",1\n'),
    "8_8": ("a.txt", "kk 12110141 07850003 ok"),
    "4_12": ("a.txt", "kk 1211-014107850003"),
    "6_10": ("a.log", "kk 121101.4107850003"),
    "spasi_tak_putus": ("a.html", f"<p>1211{NBSP}0141{NBSP}0785{NBSP}0003</p>"),
    "entitas_nbsp": ("a.html", "<p>1211&nbsp;0141&nbsp;0785&nbsp;0003</p>"),
    "menempel_huruf": ("a.txt", f"berkas KK{NIK}.csv"),
    "garis_bawah_menempel": ("a.csv", f"berkas\nlaporan_{NIK}_desa\n"),
    "angka_lebar_penuh": ("a.txt", "NIK １２１１０１４１０７８５０００３"),
    "tag_inline": ("a.html", "<p>NIK 1211<span>0141</span><b>0785</b>0003</p>"),
    "tag_inline_baris": ("a.html", "<p>NIK <b>1211</b>\n<b>0141</b>\n<b>0785</b>\n<b>0003</b></p>"),
    "spasi_lebar_nol": ("a.txt", "NIK 1211\u200b014107850003"),
    "svg_teks": ("a.svg", "<svg><text>1211<tspan>01410785</tspan>0003</text></svg>"),
    "lebih_dari_16_digit": ("a.txt", f"nomor 9{NIK}7"),
    "berkas_lain": ("a.bin", b"\x00\x01PK" + NIK.encode() + b"\xff"),
}


@pytest.mark.parametrize("case", sorted(TEXT_CASES))
def test_blind_spot_is_caught(clean, case):
    name, content = TEXT_CASES[case]
    path = clean / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    leaks = privacy.check_outputs(clean, PERSONS, "12.11")
    assert [x.kind for x in leaks] == ["id16"], case
    assert leaks[0].path.name == name
    assert NIK not in str(leaks[0])


def test_id_in_file_name_is_caught(clean):
    (clean / "tabel" / f"KK{KK}.csv").write_text("a,b\n1,2\n")
    (clean / "1211" / "0211" / "0710").mkdir(parents=True)
    (clean / "1211" / "0211" / "0710" / "0013.txt").write_text("-")
    leaks = privacy.check_outputs(clean, PERSONS, "12.11")
    assert {(x.path.name, x.kind, x.lokasi) for x in leaks} == {
        (f"KK{KK}.csv", "id16", "nama berkas"),
        ("0013.txt", "id16", "nama berkas"),
    }
    assert all(KK not in str(x) for x in leaks)


def _png_with_text(text: str) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"tEXt", b"Comment\x00" + text.encode("latin-1"))
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def test_png_text_chunk_is_caught(clean):
    (clean / "grafik.png").write_bytes(_png_with_text("Rumah tangga"))
    assert privacy.check_outputs(clean, PERSONS, "12.11") == []
    (clean / "grafik.png").write_bytes(_png_with_text(f"sumber {NIK}"))
    assert [x.kind for x in privacy.check_outputs(clean, PERSONS, "12.11")] == ["id16"]


XLSX_CASES = ["nama_lembar", "nama_terdefinisi", "kepala_genap", "kaki_halaman_pertama", "validasi"]


@pytest.mark.parametrize("case", XLSX_CASES)
def test_blind_spot_in_xlsx_is_caught(clean, case):
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "tabel"
    if case == "nama_lembar":
        ws.title = f"KK{KK[:14]}"[:31]
        wb.create_sheet(f"x{KK}")
    elif case == "nama_terdefinisi":
        wb.defined_names[f"kk_{KK}"] = DefinedName(f"kk_{KK}", attr_text="Sheet!$A$1")
    elif case == "kepala_genap":
        ws.HeaderFooter.differentOddEven = True
        ws.evenHeader.left.text = f"KK {KK}"
    elif case == "kaki_halaman_pertama":
        ws.HeaderFooter.differentFirst = True
        ws.firstFooter.right.text = f"KK {KK}"
    elif case == "validasi":
        dv = DataValidation(type="list", formula1=f'"Ya,Tidak,{KK}"')
        ws.add_data_validation(dv)
        dv.add("B2")
    wb.save(clean / "t.xlsx")
    leaks = privacy.check_outputs(clean, PERSONS, "12.11")
    assert {x.kind for x in leaks} == {"id16"}, case
    assert all(x.path.name == "t.xlsx" for x in leaks)


# -- item 6: place names, and where a hit comes from ------------------------------------------
def test_place_names_are_not_personal_data():
    terms = privacy.personal_terms(PERSONS, "12.11")
    assert ("TANAH", "PINEM") not in terms["nama"]
    assert ("DESA", "PEGAGAN", "JULU", "V") not in terms["alamat"]
    assert ("ROSMAULI", "BR", "SINAGA") in terms["nama"]
    more = pd.DataFrame({"nama": ["NEMPU HILIR", "Kec. Tiga Lingga", "PAGAGAN JULU II"]})
    assert privacy.personal_terms(more, "12.11")["nama"] == {}


def test_names_spelled_by_two_adjacent_place_names_are_not_terms(tmp_path):
    """Batu Bara has the villages Dewi Sri and Tanjung Gading: its village table reads
    "... Dewi Sri Tanjung Gading ...", which held a synthetic person "Sri Tanjung" and blocked
    the kabupaten's publication. A name with a word that is no place word is still a term."""
    people = pd.DataFrame({"nama": ["Sri Tanjung", "Sri Susanti"]})
    terms = privacy.personal_terms(people, "12.19")["nama"]
    assert ("SRI", "TANJUNG") not in terms
    assert ("SRI", "SUSANTI") in terms
    (tmp_path / "desa.csv").write_text("desa\nDewi Sri\nTanjung Gading\nSri Susanti\n")
    leaks = privacy.check_outputs(tmp_path, people, "12.19")
    assert [x.path.name for x in leaks] == ["desa.csv"] and len(leaks) == 1


def test_leak_message_says_where_in_input_and_output(clean):
    (clean / "tabel" / "x.csv").write_text("a,b\n1,2\n3,Rosmauli br Sinaga\n")
    (clean / "y.txt").write_text(f"kk {KK[:8]} {KK[8:]}")
    leaks = privacy.check_outputs(clean, PERSONS, "12.11")
    text = privacy.leak_report(leaks)
    assert "x.csv (baris 3): nama RO" in text
    assert "berkas masukan 2023-12/kiriman/Sidikalang.xlsx baris 7" in text
    assert "y.txt" in text and "id16 1211********0013" in text
    assert "ROSMAULI" not in text and KK not in text


def test_load_input_persons_reads_location(tmp_path):
    month = tmp_path / "interim" / "2023-12"
    month.mkdir(parents=True)
    PERSONS.drop(columns="_bulan").to_parquet(month / "persons.parquet")
    persons = privacy.load_input_persons(tmp_path / "interim")
    assert {"_file", "_row", "_bulan", "nik", "no_kk"} <= set(persons.columns)
    assert persons["_bulan"].eq("2023-12").all()


def test_cli_names_output_file_and_input_row(clean, tmp_path, capsys):
    data = tmp_path / "data"
    month = data / "interim" / "2023-12"
    month.mkdir(parents=True)
    PERSONS.drop(columns="_bulan").to_parquet(month / "persons.parquet")
    assert main(["check-outputs", str(clean), "--data-dir", str(data)]) == 0
    (clean / "z.csv").write_text(f"nik\n{NIK}\n")
    assert main(["check-outputs", str(clean), "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert "z.csv (baris 2): id16 1211********0003" in err
    assert "berkas masukan 2023-12/kiriman/Sidikalang.xlsx baris 7" in err


# -- item 4: input text masked before publication ---------------------------------------
def test_teks_publik_masks_ids_and_keeps_other_text():
    assert formatting.teks_publik(f"kiriman/KK{KK}.csv") == "kiriman/KK1211********0013.csv"
    assert formatting.teks_publik("kolom KET 1211 0211 0710 0013") == "kolom KET 1211********0013"
    assert (
        formatting.teks_publik("Desa_Sukadame_2023-12.csv – 1.234")
        == "Desa_Sukadame_2023-12.csv – 1.234"
    )
    assert formatting.teks_publik(12) == 12


def test_manifest_masks_ids_in_input_names():
    from dtks_analysis.report import public_manifest

    sha = "ab" * 32
    m = public_manifest({"inputs": {"2023-12": {f"kiriman/KK{KK}.csv": sha}}, "n": 3})
    assert m == {"inputs": {"2023-12": {"kiriman/KK1211********0013.csv": sha}}, "n": 3}


# -- item 14: formula injection -------------------------------------------------------------
DANGEROUS = ['=HYPERLINK("http://x","klik")', "+1+2", "-3+4", "@SUM(A1)", "\tx", "\rx"]


def test_text_cells_are_neutralised_in_csv_and_xlsx(tmp_path):
    df = pd.DataFrame({"berkas": [*DANGEROUS, f"KK{KK}.csv"], "n": [-1, 2, 3, 4, 5, 6, 7]})
    paths = export.write_tables(
        {"berkas_uji": df},
        tmp_path,
        "2023-12",
        {"instansi": "Dinas Uji", "kabupaten": "Kabupaten Uji"},
    )
    text = paths["berkas_uji"].read_text()
    cells = pd.read_csv(paths["berkas_uji"], dtype=str, keep_default_na=False)
    assert all(v.startswith("'") for v in cells["berkas"][:6]), cells["berkas"].tolist()
    assert cells["n"][0] == "-1"  # numbers stay numbers
    assert KK not in text
    wb = openpyxl.load_workbook(paths["xlsx"])
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
                    assert KK not in cell.value
    values = [c for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for c in r]
    assert -1 in values


def test_teks_sel():
    assert formatting.teks_sel("=1+1") == "'=1+1"
    assert formatting.teks_sel("Sidikalang") == "Sidikalang"
    assert formatting.teks_sel(-5) == -5


# -- end to end: a raw file named after a No KK, a person named like a kecamatan ----------
