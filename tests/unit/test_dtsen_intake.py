"""DTSEN extracts (issue 13): keluarga and anggota files recognised by their columns, joined on
``id_keluarga`` into the DTKS person records, the three DTSEN rules at the right file and row,
mixed DTKS + DTSEN months, bad input. Ground truth is what each test writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from dtks_analysis.config import Settings
from dtks_analysis.editing import clean, validate
from dtks_analysis.intake.ingest import IngestError, read_month
from dtks_analysis.intake.ingest.dtsen import dtsen_column, spellings
from dtks_analysis.publishing import privacy

KEL_HEADER = [
    "id_keluarga", "nomor_kartu_keluarga", "kode_provinsi", "kode_kabupaten", "kode_kecamatan",
    "kode_desa", "alamat", "desil_nasional", "desil_provinsi", "desil_kabupaten_kota",
    "status_keluarga",
]  # fmt: skip
AGT_HEADER = [
    "id_keluarga", "nomor_kartu_keluarga", "nik", "nama", "hubungan_keluarga", "jenis_kelamin",
    "tanggal_lahir", "penerima_pkh", "penerima_bpnt", "penerima_pbi_jk",
]  # fmt: skip
# Kuta Gambir (12.11.01.1005, Sidikalang) and Pegagan Julu X (12.11.02.2001) in the reference
KEL = [
    ["DT0000000001", "1211010101200001", "12", "1211", "121101", "1211011005", "Jl Mawar 1",
     "3", "4", "2", "aktif"],
    ["DT0000000002", "1211020101200002", "12", "12.11", "12.11.02", "12.11.02.2001",
     "Jl Melati 2", "", "", "", "nonaktif"],
    ["DT0000000003", "1211010101200003", "12", "11", "01", "1005", "Jl Anggrek 3",
     "11", "x", "5", "aktif"],
]  # fmt: skip
AGT = [
    ["DT0000000001", "1211010101200001", "1211014101800001", "SITI AMBARITA", "1", "2",
     "1980-01-01", "1", "0", "1"],
    ["DT0000000001", "1211010101200001", "1211010101100001", "BUDI AMBARITA", "4", "1",
     "2010-01-01", "1", "0", "1"],
    ["DT0000000002", "1211020101200002", "1211020202700001", "JOKO SITORUS", "1", "1",
     "1970-02-02", "0", "Ya", "Tidak"],
    ["DT0000000009", "1211010101200009", "1211014303750001", "RINA TARIGAN", "1", "2",
     "1975-03-03", "0", "0", "0"],
]  # fmt: skip


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


def _csv(path: Path, header: list[str], rows: list[list[str]], sep: str = "|") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [sep.join(header), *(sep.join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Data")
    for i, row in enumerate([header, *rows]):
        for j, v in enumerate(row):
            if v not in (None, ""):
                ws.write(i, j, v)
    wb.close()
    return path


def _month(tmp_path: Path, sep: str = "|", kel=KEL, agt=AGT, kh=KEL_HEADER, ah=AGT_HEADER) -> Path:
    d = tmp_path / "raw" / "2025-01"
    _csv(d / "keluarga_dtsen_1211_2025-01.csv", kh, kel, sep)
    _csv(d / "anggota_keluarga_dtsen_1211_2025-01.csv", ah, agt, sep)
    return d


def _checked(month_dir: Path, settings: Settings) -> tuple[pd.DataFrame, validate.ValidationResult]:
    result = read_month(month_dir, settings)
    cleaned = clean.clean_records(result.records, settings)
    return result.records, validate.validate(cleaned, settings, reference_date="2025-01-31")


def _members(records: pd.DataFrame) -> pd.DataFrame:
    return records[records["_baris_keluarga"].isna()].reset_index(drop=True)


AGT_FILE = "anggota_keluarga_dtsen_1211_2025-01.csv"
KEL_FILE = "keluarga_dtsen_1211_2025-01.csv"


@pytest.mark.parametrize("sep", ["|", ";", ","])
def test_records_are_what_was_written(tmp_path: Path, settings: Settings, sep: str) -> None:
    records = _members(read_month(_month(tmp_path, sep), settings).records)
    assert len(records) == len(AGT)
    assert records["_file"].tolist() == [AGT_FILE] * 4
    assert records["_row"].tolist() == [2, 3, 4, 5]  # the anggota file rows (line numbers)
    assert records["nik"].tolist() == [r[2] for r in AGT]
    assert records["no_kk"].tolist() == [r[1] for r in AGT]  # the member's own No KK
    assert records["nama"].tolist() == [r[3] for r in AGT]
    assert records["hubungan"].tolist() == [r[4] for r in AGT]
    assert records["pkh"].tolist() == [r[7] for r in AGT]
    assert records["bpnt"].tolist() == [r[8] for r in AGT]
    assert records["pbi_jkn"].tolist() == [r[9] for r in AGT]
    assert records["id_keluarga"].tolist() == [r[0] for r in AGT]
    assert records["id_dtks"].tolist() == [r[0] for r in AGT[:3]] + [None]
    assert set(records["_skema_hubungan"]) == {"dukcapil"}
    assert set(records["sumber"]) == {"dtsen"}
    # region, address, desil and status of the family (plain and dotted codes alike)
    assert records["kode_desa"].tolist()[:3] == ["12.11.01.1005"] * 2 + ["12.11.02.2001"]
    assert records["kode_kecamatan"].tolist()[:3] == ["12.11.01"] * 2 + ["12.11.02"]
    assert records["alamat"].tolist()[:3] == ["Jl Mawar 1"] * 2 + ["Jl Melati 2"]
    assert records["desil_nasional"].tolist()[:2] == ["3", "3"]
    assert records["desil_provinsi"].tolist()[:2] == ["4", "4"]
    assert records["desil_kabupaten_kota"].tolist()[:2] == ["2", "2"]
    assert records["status_keluarga"].tolist()[:3] == ["aktif", "aktif", "nonaktif"]
    assert records.iloc[3][["kode_desa", "desil_nasional", "alamat"]].isna().all()


def test_upper_case_spaced_headers_and_xlsx(tmp_path: Path, settings: Settings) -> None:
    kh = ["ID KELUARGA", "No KK", "KODE PROVINSI", "KODE KABUPATEN", "KODE KECAMATAN",
          "KODE DESA", "ALAMAT", "DESIL NASIONAL", "DESIL PROVINSI", "DESIL KABUPATEN/KOTA",
          "STATUS KELUARGA"]  # fmt: skip
    ah = ["ID KELUARGA", "NOMOR KARTU KELUARGA", "NIK", "NAMA", "HUBUNGAN KELUARGA",
          "JENIS KELAMIN", "TANGGAL LAHIR", "PENERIMA PKH", "PENERIMA SEMBAKO",
          "PENERIMA PBI JK"]  # fmt: skip
    d = tmp_path / "raw" / "2025-01"
    kel = [[int(r[0][2:]), *r[1:]] for r in KEL]  # id_keluarga as a number cell
    agt = [[r[0][2:], *r[1:]] for r in AGT]  # ... and as text with leading zeros
    _xlsx(d / "kiriman" / "keluarga.xlsx", kh, kel)
    _xlsx(d / "kiriman" / "anggota.xlsx", ah, agt)
    records = _members(read_month(d, settings).records)
    assert records["_file"].tolist() == ["kiriman/anggota.xlsx"] * 4
    assert records["_sheet"].tolist() == ["Data"] * 4
    assert records["_row"].tolist() == [2, 3, 4, 5]
    assert records["nik"].tolist() == [r[2] for r in AGT]
    assert records["bpnt"].tolist() == [r[8] for r in AGT]  # penerima_sembako is BPNT
    # "0000000001" and the number 1 are the same family (leading zeros of digits)
    assert records["kode_desa"].tolist()[:3] == ["12.11.01.1005"] * 2 + ["12.11.02.2001"]
    assert records["desil_kabupaten_kota"].tolist()[:2] == ["2", "2"]


def test_header_mapping_file() -> None:
    table = spellings()
    assert table["desil_nasional"] == "desil_nasional"
    assert dtsen_column("DESIL NASIONAL") == "desil_nasional"
    assert dtsen_column("Desil Kabupaten/Kota") == "desil_kabupaten_kota"
    assert dtsen_column("No. KK") == "no_kk"
    assert dtsen_column("status_keluarga") == "status_keluarga"
    assert dtsen_column("penerima_pbi_jk") == "pbi_jkn"
    assert dtsen_column("Kolom Lain") is None


def test_findings_at_the_right_rows_and_persons(tmp_path: Path, settings: Settings) -> None:
    records, res = _checked(_month(tmp_path), settings)
    f = res.findings
    got = set(zip(f["_file"], f["_row"], f["kode_aturan"], f["kolom"], strict=True))
    assert got == {
        (AGT_FILE, 5, "anggota_tanpa_keluarga", "id_keluarga"),  # DT...9 has no family
        (KEL_FILE, 4, "keluarga_tanpa_anggota", "id_keluarga"),  # DT...3 has no member
        (KEL_FILE, 4, "desil_tidak_valid", "desil_nasional"),  # "11"
        (KEL_FILE, 4, "desil_tidak_valid", "desil_provinsi"),  # "x"
    }
    assert f.loc[f["kode_aturan"] == "anggota_tanpa_keluarga", "tingkat"].item() == "error"
    assert (f.loc[f["kode_aturan"] != "anggota_tanpa_keluarga", "tingkat"] == "warning").all()
    # messages never carry the family ID
    assert not f["pesan"].str.contains("DT000").any()
    p = res.persons.reset_index(drop=True)
    assert res.n_rows == 4 and len(p) == 4 and len(res.excluded) == 0  # family rows not persons
    assert p["nik"].tolist() == [r[2] for r in AGT]
    assert p["kode_desa"].tolist() == ["12.11.01.1005"] * 2 + ["12.11.02.2001", None]
    assert p["desa"].tolist()[:3] == ["Kuta Gambir", "Kuta Gambir", "Pegagan Julu X"]
    assert p["desil_nasional"].tolist() == ["3", "3", "", ""]
    assert p["desil_provinsi"].tolist() == ["4", "4", "", ""]
    assert p["status_keluarga"].tolist() == ["aktif", "aktif", "nonaktif", "aktif"]
    assert p["sumber"].tolist() == ["dtsen"] * 4
    assert p["id_keluarga"].tolist() == [r[0] for r in AGT]
    assert p["bpnt"].tolist() == [False, False, True, False]
    assert p["pbi_jkn"].tolist() == [True, True, False, False]
    assert p["hubungan"].tolist() == [1, 3, 1, 1]  # Dukcapil 4 (anak) -> DTKS 3
    # the orphan is counted by its own No KK
    assert p["kunci"].tolist()[3] == AGT[3][1]


def test_family_region_defect_is_found_at_the_family_row(
    tmp_path: Path, settings: Settings
) -> None:
    kel = [list(r) for r in KEL]
    kel[0][5] = "1211019999"  # no such village in Dairi
    _records, res = _checked(_month(tmp_path, kel=kel), settings)
    f = res.findings[res.findings["kode_aturan"] == "desa_tidak_dikenal"]
    assert list(zip(f["_file"], f["_row"], strict=True)) == [(KEL_FILE, 2)]
    assert "12.11.01.9999" in f["pesan"].item()
    assert res.persons["kode_desa"].tolist()[:2] == [None, None]


def test_mixed_month_dtks_and_dtsen(tmp_path: Path, settings: Settings) -> None:
    d = _month(tmp_path)
    _csv(
        d / "dtks_sidikalang.csv",
        ["NIK", "NO KK", "NAMA", "HUBKEL", "DESA", "ADABPNT", "PBI", "PKH"],
        [
            [
                "1211014101900001",
                "1211010101200077",
                "ANI SINAGA",
                "1",
                "Kuta Gambir",
                "1",
                "0",
                "1",
            ],
            [
                "1211014101900002",
                "1211010101200078",
                "ANI SIREGAR",
                "1",
                "Tanpa Nama",
                "0",
                "0",
                "0",
            ],
        ],  # fmt: skip
        ",",
    )
    _records, res = _checked(d, settings)
    p = res.persons.reset_index(drop=True)
    assert res.n_rows == 6
    dtks = p[p["sumber"] == "dtks"]
    assert dtks["nik"].tolist() == ["1211014101900001", "1211014101900002"]
    for c in ("id_keluarga", "desil_nasional", "desil_provinsi", "desil_kabupaten_kota",
              "status_keluarga"):  # fmt: skip
        assert dtks[c].tolist() == ["", ""], c
    assert (p["sumber"] == "dtsen").sum() == 4
    f = res.findings
    desa = f[f["kode_aturan"] == "desa_tidak_dikenal"]
    assert list(zip(desa["_file"], desa["_row"], strict=True)) == [("dtks_sidikalang.csv", 3)]


def test_keluarga_without_anggota_file(tmp_path: Path, settings: Settings) -> None:
    d = tmp_path / "raw" / "2025-01"
    _csv(d / "keluarga_dtsen_1211_2025-01.csv", KEL_HEADER, KEL)
    with pytest.raises(IngestError, match=r"keluarga_dtsen_1211_2025-01\.csv: berkas keluarga"):
        read_month(d, settings)


def test_anggota_without_keluarga_file(tmp_path: Path, settings: Settings) -> None:
    d = tmp_path / "raw" / "2025-01"
    _csv(d / "anggota.csv", AGT_HEADER, AGT)
    with pytest.raises(IngestError, match=r"anggota\.csv: berkas anggota keluarga DTSEN tanpa"):
        read_month(d, settings)


def test_second_pair_missing_its_anggota_file(tmp_path: Path, settings: Settings) -> None:
    d = _month(tmp_path)
    other = [["ZZ01", "1211010101200011", "12", "1211", "121101", "1211011005", "x", "1", "1",
              "1", "aktif"]]  # fmt: skip
    _csv(d / "keluarga_dtsen_bagian2.csv", KEL_HEADER, other)
    with pytest.raises(IngestError, match=r"keluarga_dtsen_bagian2\.csv: tidak satu pun keluarga"):
        read_month(d, settings)


def test_missing_required_column(tmp_path: Path, settings: Settings) -> None:
    kh = [h for h in KEL_HEADER if h != "kode_desa"]
    kel = [r[:5] + r[6:] for r in KEL]
    d = _month(tmp_path, kel=kel, kh=kh)
    with pytest.raises(IngestError, match=r"keluarga_dtsen_1211_2025-01\.csv: berkas keluarga "
                       r"DTSEN tanpa kolom wajib: KODE DESA"):  # fmt: skip
        read_month(d, settings)
    ah = [h for h in AGT_HEADER if h != "penerima_pkh"]
    agt = [r[:7] + r[8:] for r in AGT]
    d = _month(tmp_path / "b", agt=agt, ah=ah)
    with pytest.raises(
        IngestError, match=r"anggota keluarga DTSEN tanpa kolom wajib: PENERIMA PKH"
    ):
        read_month(d, settings)


def test_family_file_of_another_kabupaten(tmp_path: Path, settings: Settings) -> None:
    kel = [[r[0], r[1], "12", "06", "01", "2001", *r[6:]] for r in KEL]  # Karo (12.06)
    with pytest.raises(
        IngestError, match=r"keluarga_dtsen_1211_2025-01\.csv: data untuk kabupaten"
    ):
        read_month(_month(tmp_path, kel=kel), settings)


def test_empty_and_corrupt_dtsen_files_are_refused(tmp_path: Path, settings: Settings) -> None:
    d = _month(tmp_path)
    (d / "anggota_keluarga_dtsen_1211_2025-01.csv").write_bytes(b"")
    with pytest.raises(IngestError, match="file kosong"):
        read_month(d, settings)
    d = _month(tmp_path / "b")
    (d / "keluarga_dtsen_1211_2025-01.xlsx").write_bytes(b"PK\x03\x04 broken")
    (d / "keluarga_dtsen_1211_2025-01.csv").unlink()
    with pytest.raises(IngestError, match=r"keluarga_dtsen_1211_2025-01\.xlsx: file Excel rusak"):
        read_month(d, settings)


def test_privacy_scan_finds_family_ids(tmp_path: Path) -> None:
    persons = pd.DataFrame(
        {
            "nama": ["SITI AMBARITA", "BUDI AMBARITA"],
            "id_keluarga": ["DT-0000-000001", "77"],  # the short one is not distinctive
            "_file": ["a.csv", "a.csv"],
            "_row": [2, 3],
        }
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "t.csv").write_text("desa,nilai\nKuta Gambir,77\nx,DT0000000001\n", encoding="utf-8")
    leaks = privacy.check_outputs(out, persons, "12.11")
    assert [(x.kind, x.sumber) for x in leaks] == [("id_keluarga", "a.csv baris 2")]
    (out / "t.csv").write_text("desa,nilai\nKuta Gambir,77\n", encoding="utf-8")
    assert privacy.check_outputs(out, persons, "12.11") == []


def test_bpnt_is_bpnt_or_sembako(tmp_path: Path, settings: Settings) -> None:
    ah = [*AGT_HEADER, "penerima_sembako"]
    sembako = ["1", "0", "0", "Ya"]
    agt = [[*r, s] for r, s in zip(AGT, sembako, strict=True)]
    _records, res = _checked(_month(tmp_path, agt=agt, ah=ah), settings)
    # penerima_bpnt 0, 0, Ya, 0 | penerima_sembako 1, 0, 0, Ya
    assert res.persons["bpnt"].tolist() == [True, False, True, True]


def test_prepared_month_counts_person_rows(tmp_path: Path) -> None:
    from dtks_analysis import config, pipeline

    _month(tmp_path)
    s = config.load_settings(
        "2025-01", data_dir=tmp_path / "data", raw_dir=tmp_path / "raw", out_dir=tmp_path / "out"
    )
    d = pipeline.prepare_month("2025-01", s)
    assert d.summary["baris"] == 4 and d.summary["baris_dihitung"] == 4
    assert d.summary["rumah_tangga"] == 3  # two families with members, one member without
    assert set(d.findings["kode_aturan"]) == {
        "anggota_tanpa_keluarga",
        "keluarga_tanpa_anggota",
        "desil_tidak_valid",
    }
    assert (s.corrections_root / "2025-01" / "Sidikalang" / "Kuta Gambir.xlsx").is_file()
    assert {"id_keluarga", "desil_nasional", "status_keluarga", "sumber"} <= set(d.persons)


def test_dtks_person_file_with_a_desil_column_stays_dtks(
    tmp_path: Path, settings: Settings
) -> None:
    d = tmp_path / "raw" / "2023-12"
    _csv(
        d / "bdt.csv",
        ["NIK", "NO KK", "NAMA", "HUBKEL", "DESA", "ADABPNT", "PBI", "PKH", "DESIL"],
        [
            [
                "1211014101900001",
                "1211010101200077",
                "ANI SINAGA",
                "1",
                "Kuta Gambir",
                "1",
                "0",
                "1",
                "2",
            ]
        ],  # fmt: skip
        ",",
    )
    records = read_month(d, settings).records
    assert records["x_desil"].tolist() == ["2"] and "sumber" not in records


def test_status_and_desil_codings(settings: Settings) -> None:
    records = pd.DataFrame(
        {
            "sumber": ["dtsen"] * 5 + [None],
            "status_keluarga": ["Non Aktif", "TIDAK-AKTIF", "aktif", None, "xyz", None],
            "desil_nasional": ["03", "10.0", "Desil 2", None, "0", None],
        }
    )
    out = clean.clean_records(records, settings)
    assert out["status_keluarga"].tolist() == [
        "nonaktif", "nonaktif", "aktif", "aktif", "aktif", "",
    ]  # fmt: skip
    assert out["desil_nasional"].tolist() == ["3", "10", "2", "", "", ""]
    assert out["sumber"].tolist() == ["dtsen"] * 5 + ["dtks"]
