"""Issue 11: any kabupaten from the parameters (regions, names, instansi, messages)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dtks_analysis import regions
from dtks_analysis.config import ParamsError, Settings, load_settings
from dtks_analysis.editing.clean import clean_records
from dtks_analysis.intake.ingest import IngestError, read_month
from dtks_analysis.publishing import privacy
from tests.unit.test_ingest_bad_files import HEADER, ROW, ROW2, good_file, xlsx_bytes

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("kode", "nama", "provinsi", "instansi"),
    [
        ("12.17", "Kabupaten Samosir", "Sumatera Utara", "Dinas Sosial Kabupaten Samosir"),
        ("13.75", "Kota Bukittinggi", "Sumatera Barat", "Dinas Sosial Kota Bukittinggi"),
        ("12.11", "Kabupaten Dairi", "Sumatera Utara", "Dinas Sosial Kabupaten Dairi"),
    ],
)
def test_names_and_instansi_follow_the_code(kode, nama, provinsi, instansi, tmp_path) -> None:
    s = load_settings(kabupaten_kode=kode)
    assert (s.kabupaten_nama, s.provinsi_nama, s.instansi) == (nama, provinsi, instansi)
    if kode != "12.11":  # Dairi's office address is not another kabupaten's
        assert "Dairi" not in s.alamat_instansi + s.kontak_instansi


def test_a_params_file_may_still_set_the_names(tmp_path: Path) -> None:
    pf = tmp_path / "p.yaml"
    pf.write_text('kabupaten_kode: "12.17"\ninstansi: "Dinsos Samosir"\n', encoding="utf-8")
    s = load_settings(params_file=pf)
    assert (s.kabupaten_nama, s.instansi) == ("Kabupaten Samosir", "Dinsos Samosir")


def test_a_code_missing_from_the_national_reference_is_refused() -> None:
    with pytest.raises(ParamsError, match="tidak ada dalam daftar"):
        load_settings(kabupaten_kode="12.99")


def test_samosir_regions_from_the_national_reference() -> None:
    kec = regions.kecamatan_table("12.17")
    assert "Pangururan" in set(kec["nama"]) and len(kec) == 9
    m = regions.match_kecamatan("12.17", pd.Series(["Kec. Pangururan", "Sidikalang"]))
    assert m["kode_kecamatan"].tolist() == ["12.17.08", None]


def test_a_village_name_in_two_kecamatan_is_resolved_by_the_row_kecamatan() -> None:
    names = pd.Series(["Huta Ginjang", "Huta Ginjang", "Huta Ginjang"])
    kec = pd.Series(["12.17.01", "12.17.06", None])
    m = regions.match_desa("12.17", names, kec)
    # without a kecamatan the name decides nothing
    assert m["kode_desa"].tolist() == ["12.17.01.2010", "12.17.06.2001", None]
    assert regions.is_desa("12.17", pd.Series(["Huta Ginjang"])).tolist() == [True]


def test_clean_matches_the_settings_kabupaten() -> None:
    rec = pd.DataFrame(
        {"kecamatan": ["Simanindo", "Sianjar Mula Mula"], "desa": ["Huta Ginjang", "Huta Ginjang"]}
    )
    out = clean_records(rec, Settings(kabupaten_kode="12.17", kabupaten_nama="Kabupaten Samosir"))
    assert out["kode_desa"].tolist() == ["12.17.01.2010", "12.17.06.2001"]
    assert out["kecamatan"].tolist() == ["Simanindo", "Sianjar Mula Mula"]


def test_retired_codes_are_valid_in_a_nik() -> None:
    assert "9101" in regions.kabupaten_codes()  # Merauke before the 2022 Papua split


def test_place_names_of_the_settings_kabupaten_are_not_personal() -> None:
    persons = pd.DataFrame({"nama": ["Sianjar Mula Mula", "Budi Santoso Siregar"]})
    terms = privacy.personal_terms(persons, "12.17")
    assert list(terms["nama"]) == [("BUDI", "SANTOSO", "SIREGAR")]


def test_another_kabupaten_is_named_in_the_message(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    month = tmp_path / "raw" / "2023-12"
    month.mkdir(parents=True)
    good_file(month)
    rows = [[*HEADER, "KABUPATEN/KOTA"], [*ROW, "KARO"], [*ROW2, "Kabupaten Karo"]]
    (month / "Kabanjahe.xlsx").write_bytes(xlsx_bytes(rows))
    with pytest.raises(IngestError) as exc:
        read_month(month, settings)
    assert "berkas ini berisi data Kabupaten Karo (12.06), bukan Kabupaten Dairi" in str(exc.value)
