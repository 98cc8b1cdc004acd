"""Issue 11: headers matched by their normalised words, combined columns split, the village
of a sheet taken from its tab or title rows, and every kecamatan column used."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtks_analysis.config import Settings
from dtks_analysis.editing import clean
from dtks_analysis.intake.ingest import IngestError, canonical_column, read_file, read_month
from tests.unit.test_ingest import KK1, NIK1, NIK2, write_csv, write_xlsx


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


@pytest.mark.parametrize(
    "spelling, canonical",
    [
        ("NamaKec", "kecamatan"),
        ("NAMA_KEC", "kecamatan"),
        ("Nama Kec.", "kecamatan"),
        ("NmKec", "kecamatan"),
        ("NamaDesa", "desa"),
        ("Nama Kelurahan", "desa"),
        ("Hub. Dgn KRT", "hubungan"),
        ("Hub. Dgn Kepala Keluarga", "hubungan"),
        ("Hubungan Dgn KK", "hubungan"),
        ("Hubkel", "hubungan"),
        ("PBI JK", "pbi_jkn"),
        ("PBI-JK", "pbi_jkn"),
        ("JKN-KIS", "pbi_jkn"),
        ("PBI APBN", "pbi_jkn"),
        ("No KTP", "nik"),
        ("NIK KTP", "nik"),
        ("Nomor KTP", "nik"),
        ("Kode Kec.", "kode_kecamatan"),
        ("JK", "jenis_kelamin"),  # JK alone stays the sex, PBI JK is PBI-JKN
        ("No. KK", "no_kk"),
        ("Keterangan", None),
        ("Nama Kepala Keluarga", None),
    ],
)
def test_headers_matched_by_words(spelling: str, canonical: str | None) -> None:
    assert canonical_column(spelling) == canonical


def _write(tmp_path: Path, header: list[str], rows: list[list], sheet: str = "Data") -> Path:
    return write_xlsx(tmp_path / "2023-07" / "a.xlsx", {sheet: [header, *rows]})


def test_new_spellings_no_longer_stop_the_run(tmp_path: Path) -> None:
    header = ["No KTP", "NO KK", "NAMA", "Hub. Dgn KRT", "Nama Kelurahan", "BPNT", "PBI JK", "PKH"]
    path = _write(tmp_path, header, [[NIK1, KK1, "BUDI", "1", "Kuta Gambir", "1", "0", "0"]])
    records, _ = read_file(path, "a.xlsx", "dtks", "12.11")
    row = records.iloc[0]
    assert (row["nik"], row["hubungan"], row["desa"], row["pbi_jkn"]) == (
        NIK1,
        "1",
        "Kuta Gambir",
        "0",
    )


def test_unrecognised_column_resembling_a_field_is_a_warning(tmp_path: Path, settings) -> None:
    header = ["NIK", "NO KK", "NAMA", "HUBKEL", "DESA", "BPNT", "PBI", "PKH", "Status PKH Lama"]
    header[-1] = "Kecamatan Asal Desa"  # names two levels: not a column, but resembles one
    write_csv(
        tmp_path / "raw" / "2023-07" / "a.csv",
        [",".join(header), f"{NIK1},{KK1},BUDI,1,Kuta Gambir,1,0,0,X"],
    )
    result = read_month(tmp_path / "raw" / "2023-07", settings)
    assert "x_kecamatan_asal_desa" in result.records.columns
    assert any("Kecamatan Asal Desa" in w and "mirip" in w for w in result.warnings)


def test_birth_place_date_and_rt_rw_are_split(tmp_path: Path) -> None:
    header = ["NIK", "NO KK", "NAMA", "HUBKEL", "DESA", "BPNT", "PBI", "PKH"]
    header += ["Tempat/Tgl Lahir", "RT/RW"]
    base = ["1", "Kuta Gambir", "1", "0", "0"]
    rows = [
        [NIK1, KK1, "BUDI", *base, "SIDIKALANG, 12-03-1985", "002/003"],
        [NIK2, KK1, "SITI", *base, "Sidikalang / 12 Maret 1985", "1 / 4"],
    ]
    records, _ = read_file(_write(tmp_path, header, rows), "a.xlsx", "dtks", "12.11")
    assert records["tempat_lahir"].tolist() == ["SIDIKALANG", "Sidikalang"]
    assert records["tanggal_lahir"].tolist() == ["12-03-1985", "12 Maret 1985"]
    assert records["rt"].tolist() == ["002", "1"]
    assert records["rw"].tolist() == ["003", "4"]
    assert not [c for c in records.columns if c.startswith("~")]


HEADER_NO_DESA = ["NIK", "NO KK", "NAMA", "HUBKEL", "BPNT", "PBI", "PKH"]
ROW_NO_DESA = [NIK1, KK1, "BUDI", "1", "1", "0", "0"]


def test_village_from_the_sheet_tab(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "a.xlsx",
        {"Kuta Gambir": [HEADER_NO_DESA, ROW_NO_DESA], "Sidikalang": [HEADER_NO_DESA, ROW_NO_DESA]},
    )
    records, _ = read_file(path, "a.xlsx", "dtks", "12.11")
    # "Sidikalang" is a kecamatan (and kelurahan) name: the tab names the village first
    assert records["desa"].tolist() == ["Kuta Gambir", "Sidikalang"]


def test_village_and_kecamatan_from_a_title_row(tmp_path: Path) -> None:
    title = ["DATA DTKS DESA SUKARAMAI KEC. SIDIKALANG BULAN JULI 2023"]
    path = write_xlsx(tmp_path / "a.xlsx", {"Lembar1": [title, HEADER_NO_DESA, ROW_NO_DESA]})
    records, files = read_file(path, "a.xlsx", "dtks", "12.11")
    assert (records["desa"].iloc[0], records["kecamatan"].iloc[0]) == ("SUKARAMAI", "SIDIKALANG")
    assert any("judul atau nama sheet" in w for w in files.attrs["warnings"])


def test_no_village_anywhere_is_still_an_error(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "a.xlsx", {"Lembar1": [["DATA DTKS"], HEADER_NO_DESA, ROW_NO_DESA]}
    )
    with pytest.raises(IngestError, match=r"a\.xlsx.*Lembar1.*DESA/KELURAHAN"):
        read_file(path, "a.xlsx", "dtks", "12.11")


def test_namakec_is_used_when_the_village_is_unknown(tmp_path: Path, settings) -> None:
    header = ["NIK", "NO KK", "NAMA", "Hubkel", "NamaDesa", "NamaKec", "BPNT", "PBI", "PKH"]
    row = [NIK1, KK1, "BUDI", "1", "Desa Tak Dikenal", "Sumbul", "1", "0", "0"]
    write_xlsx(tmp_path / "raw" / "2023-07" / "a.xlsx", {"Data": [header, row]})
    result = read_month(tmp_path / "raw" / "2023-07", settings)
    assert result.records["kecamatan"].tolist() == ["Sumbul"]
    cleaned = clean.clean_records(result.records, settings)
    assert cleaned["kode_kecamatan"].tolist() == ["12.11.02"]
    assert cleaned["kode_desa"].tolist() == [None]


def test_title_kecamatan_is_not_used_when_the_sheet_has_a_desa_column(tmp_path: Path) -> None:
    title = ["DESA KUTA GAMBIR KECAMATAN SIDIKALANG - KEADAAN JULI 2023"]
    header = [*HEADER_NO_DESA, "DESA"]
    path = write_xlsx(
        tmp_path / "a.xlsx", {"Lembar1": [title, header, [*ROW_NO_DESA, "Kuta Gambr"]]}
    )
    records, _ = read_file(path, "a.xlsx", "dtks", "12.11")
    assert records["kecamatan"].tolist() == [None]
