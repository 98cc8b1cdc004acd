"""Data-entry templates (issue 14): the workbook's validation rules, protection, print setup and
Petunjuk read back with openpyxl, the ingest reading a template back, bad input, atomic writes.
The round trip against the generator's truth is tests/truth/test_template_roundtrip.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dtks_analysis import cli, regions
from dtks_analysis.config import Settings
from dtks_analysis.editing import template_book, templates
from dtks_analysis.intake.ingest import read_file
from dtks_analysis.intake.ingest.sheetregion import region_from_context
from tests.unit.test_validate import DESA, KK1, frame, person, wife

MONTH = "2023-11"
KK3 = "0011012010150003"  # a leading zero that must survive


@pytest.fixture()
def persons() -> pd.DataFrame:
    return frame(
        person(kode_kecamatan="12.11.01", kode_desa=DESA[0], desa=DESA[1], id_dtks="121101"),
        wife(kode_kecamatan="12.11.01", kode_desa=DESA[0], desa=DESA[1], pkh=True),
        person(
            no_kk=KK3,
            nik="1211010101900001",
            nama="ANA",
            tanggal_lahir=pd.NaT,
            jenis_kelamin=None,
            hubungan=None,
            bpnt=None,
            kode_kecamatan="12.11.01",
            kode_desa=DESA[0],
            desa=DESA[1],
            rt=None,
        ),
        person(nik="1211010101900002", kode_kecamatan="12.11.01", kode_desa="12.11.01.1007"),
    )


@pytest.fixture()
def written(persons, tmp_path: Path) -> Path:
    rows = templates.template_rows(persons)
    paths = template_book.write_templates(
        rows, {DESA[0]: MONTH}, MONTH, tmp_path, Settings(), only=DESA[0]
    )
    assert paths == [tmp_path / MONTH / "Sidikalang" / "Kuta Gambir.xlsx"]
    return paths[0]


def _dv(ws) -> dict[str, object]:
    """Data validation per column letter (each rule covers exactly one column)."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        (rng,) = str(dv.sqref).split()
        first, last = rng.split(":")
        col = "".join(ch for ch in first if ch.isalpha())
        assert col == "".join(ch for ch in last if ch.isalpha())
        out[col] = (dv, int(first[len(col) :]), int(last[len(col) :]))
    return out


def test_every_column_has_its_rule(written: Path) -> None:
    ws = openpyxl.load_workbook(written).worksheets[0]
    header = [c.value for c in ws[6]][:16]
    assert header == [
        "NO KK", "NIK", "NAMA", "HUBUNGAN KELUARGA", "JENIS KELAMIN", "TEMPAT LAHIR",
        "TANGGAL LAHIR", "NAMA IBU KANDUNG", "ALAMAT", "DUSUN", "RT", "RW", "BPNT", "PBI-JKN",
        "PKH", "ID DTKS",
    ]  # fmt: skip
    rules = _dv(ws)
    assert sorted(rules) == [chr(65 + j) for j in range(16)]
    last = 6 + 3 + 100  # three persons of Kuta Gambir and 100 empty rows
    for col, (dv, first, end) in rules.items():
        assert (first, end) == (7, last), col
        assert dv.showErrorMessage and dv.showInputMessage and dv.errorStyle in (None, "stop")
        assert dv.promptTitle and dv.prompt and dv.error and dv.errorTitle
        assert len(dv.prompt) <= 255 and len(dv.error) <= 255 and len(dv.promptTitle) <= 32
    for col in "AB":  # NIK, No KK: 16 characters of text, digits only
        dv = rules[col][0]
        assert dv.type == "custom"
        f = dv.formula1
        assert f.startswith(f"AND(ISTEXT({col}7),LEN({col}7)=16,") and f"MID({col}7," in f
    lists = {col: rules[col][0].formula1 for col in "DEMNO"}
    assert all(rules[c][0].type == "list" for c in lists)
    assert lists["D"] == (
        '"Kepala keluarga,Istri/suami,Anak,Menantu,Cucu,Orang tua/mertua,Pembantu,Lainnya"'
    )
    assert lists["E"] == '"Laki-laki,Perempuan"'
    assert lists["M"] == lists["N"] == lists["O"] == '"Ya,Tidak"'
    date_rule = rules["G"][0]
    assert date_rule.type == "date" and date_rule.operator in (None, "between")
    # Excel serials: 1 = 1900-01-01, 45291 = 2023-12-31 (the month after November ends)
    assert (date_rule.formula1, date_rule.formula2) == ("1", "45291")
    assert {rules[c][0].type for c in "CFHIJ"} == {"textLength"}
    assert {rules[c][0].type for c in "KLP"} == {"custom"}
    # the same rules colour a wrong pre-filled or pasted value red
    red = {str(cf.sqref): cf.rules[0].formula[0] for cf in ws.conditional_formatting}
    assert sorted(red) == [f"{c}7:{c}{last}" for c in "ABKLP"]
    for c in "ABKLP":
        assert red[f"{c}7:{c}{last}"] == f'AND({c}7<>"",NOT({rules[c][0].formula1}))'


def test_protection_formats_and_print_setup(written: Path) -> None:
    wb = openpyxl.load_workbook(written)
    ws = wb.worksheets[0]
    assert wb.sheetnames == ["Kuta Gambir", "Petunjuk"]
    assert ws.protection.sheet and wb["Petunjuk"].protection.sheet
    assert all(c.protection.locked for c in ws[6][:16])  # header
    assert all(ws.cell(r, 1).protection.locked for r in range(1, 6))  # title rows
    for r in (7, 9, 109):  # first, last pre-filled, last empty row
        assert not any(ws.cell(r, j).protection.locked for j in range(1, 17)), r
    assert ws.cell(110, 1).protection.locked  # below the data area
    assert {ws.cell(r, c).number_format for r in (7, 100) for c in (1, 2)} == {"@"}
    assert ws["G7"].number_format == "dd-mm-yyyy"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$6:$6"
    assert "RAHASIA" in ws["A1"].value and "RAHASIA" in ws.oddHeader.left.text
    assert ws["A2"].value == "Templat isian data DTKS - KELURAHAN KUTA GAMBIR, KECAMATAN SIDIKALANG"


def test_prefilled_values_are_text_and_dates(written: Path) -> None:
    ws = openpyxl.load_workbook(written).worksheets[0]
    rows = [[c.value for c in r[:16]] for r in ws.iter_rows(min_row=7, max_row=10)]
    assert rows[0][:5] == [KK3, "1211010101900001", "ANA", None, None]  # leading zero kept
    assert rows[0][6] is None and rows[0][12] is None  # unknown date and flag stay empty
    head, spouse = rows[1], rows[2]
    assert head[:5] == [KK1, "1211010507850001", "BUDI SITUMORANG", "Kepala keluarga", "Laki-laki"]
    assert head[6] == pd.Timestamp("1985-07-05").to_pydatetime()
    assert head[10:16] == ["001", "002", "Ya", "Tidak", "Tidak", "121101"]
    assert spouse[3:5] == ["Istri/suami", "Perempuan"] and spouse[14] == "Ya"
    assert rows[3] == [None] * 16  # the other village's person is not here
    assert all(isinstance(v, str) for r in rows[:3] for v in r[:2])


def test_petunjuk_explains_every_column_and_the_usual_mistakes(written: Path) -> None:
    ws = openpyxl.load_workbook(written)["Petunjuk"]
    text = "\n".join(str(c.value) for r in ws.iter_rows() for c in r if c.value)
    for col in templates.COLUMNS:
        assert col.header in text
    for words in ("notasi ilmiah", "sebagai angka", "nol di depan", "hari-bulan-tahun", "Delete"):
        assert words in text, words


def test_the_ingest_reads_a_template_back(persons, written: Path) -> None:
    rec, files = read_file(written, "Kuta Gambir.xlsx", "dtks", "12.11")
    assert list(files["_sheet"]) == ["Kuta Gambir"] and files["unknown_columns"].iloc[0] == ""
    assert len(rec) == 3 and set(rec["desa"]) == {"KUTA GAMBIR"}
    assert set(rec["kecamatan"]) == {"SIDIKALANG"}
    assert list(rec["no_kk"]) == [KK3, KK1, KK1] and set(rec["_nik_type"]) == {"text"}
    assert list(rec["hubungan"]) == [None, "Kepala keluarga", "Istri/suami"]
    assert list(rec["tanggal_lahir"]) == [None, "1985-07-05", "1987-09-08"]


def test_every_village_title_names_its_village() -> None:
    """The ingest (sheetregion) finds every village of Dairi from its template's title row."""
    vs = templates.villages("12.11")
    found = pd.DataFrame([region_from_context("Lembar1", [[v.title]], "12.11") for v in vs])
    kec = regions.match_kecamatan("12.11", found["kecamatan"], pd.Series([None] * len(vs)))
    assert list(kec["kode_kecamatan"]) == [v.kode_kecamatan for v in vs]
    desa = regions.match_desa("12.11", found["desa"], kec["kode_kecamatan"])
    assert list(desa["kode_desa"]) == [v.kode for v in vs]
    assert len(vs) == 169


def test_same_input_same_bytes(persons, tmp_path: Path) -> None:
    rows = templates.template_rows(persons)

    def digest(root: Path) -> str:
        (p,) = template_book.write_templates(
            rows, {DESA[0]: MONTH}, MONTH, root, Settings(), DESA[0]
        )
        return hashlib.sha256(p.read_bytes()).hexdigest()

    assert digest(tmp_path / "a") == digest(tmp_path / "b")


def test_interrupted_write_leaves_the_earlier_file(written: Path, persons, monkeypatch) -> None:
    before = written.read_bytes()

    def broken(path, *args):
        Path(path).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(template_book, "_write_book", broken)
    with pytest.raises(OSError):
        template_book.write_templates(
            templates.template_rows(persons), {}, MONTH, written.parents[2], Settings(), DESA[0]
        )
    assert written.read_bytes() == before
    assert sorted(p.name for p in written.parent.iterdir()) == [written.name]


def test_unknown_village_code() -> None:
    assert templates.check_desa("1211011005", "12.11") == "12.11.01.1005"
    with pytest.raises(templates.TemplateError, match=r"12\.11\.99\.9999.*tidak dikenal"):
        templates.check_desa("12.11.99.9999", "12.11")


def test_cli_bad_input(tmp_path: Path, capsys) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    args = ["template", "--raw-dir", str(raw)]
    assert cli.main([*args, "--month", "2023-13"]) == 2
    assert "Bulan tidak valid" in capsys.readouterr().err
    assert cli.main([*args, "--month", MONTH, "--desa", "99"]) == 2
    assert "'99' tidak dikenal" in capsys.readouterr().err
    assert cli.main([*args, "--month", MONTH]) == 2
    err = capsys.readouterr().err
    assert f"Belum ada bulan yang diterima sampai {MONTH}" in err
    assert not (tmp_path / "templates").exists()
