"""The many-kabupaten layout: data/raw/<kode>/<YYYY-MM>/ and params/<kode>.yaml (issue 15)."""

from pathlib import Path

import pytest

from dtks_analysis import pipeline
from dtks_analysis.config import ParamsError, load_settings


def _params(tmp_path: Path, **files: str) -> Path:
    d = tmp_path / "params"
    d.mkdir()
    (d / "default.yaml").write_text("kabupaten_kode: '12.11'\nmin_cell: 3\nalamat_instansi: 'X'\n")
    for name, text in files.items():
        (d / f"{name}.yaml").write_text(text)
    return d


def test_folder_of_a_kabupaten_sets_code_and_paths(tmp_path):
    params = _params(tmp_path)
    data = tmp_path / "data"
    (data / "raw" / "12.15" / "2023-12").mkdir(parents=True)
    (data / "raw" / "12.15" / "2023-12" / "a.csv").write_text("x\n")
    s = load_settings("2023-12", params_dir=params, raw_dir=data / "raw" / "12.15")
    assert s.kabupaten_kode == "12.15"
    assert s.kabupaten_nama == "Kabupaten Pakpak Bharat"
    assert s.alamat_instansi == ""  # Dairi's office address is not Pakpak Bharat's
    assert s.data_dir == data
    assert s.interim_root == data / "interim" / "12.15"
    assert s.corrections_root == data / "corrections" / "12.15"
    assert pipeline.available_months(s) == ["2023-12"]
    same = load_settings("2023-12", params_dir=params, kabupaten="12.15", data_dir=data)
    assert same.raw_root == s.raw_root and same.interim_root == s.interim_root
    assert "kabupaten_folder" not in s.to_papermill()


def test_kabupaten_params_file_between_defaults_and_month(tmp_path):
    params = _params(tmp_path, **{"12.17": "min_cell: 5\n", "2023-12": "umur_maks: 100\n"})
    s = load_settings("2023-12", params_dir=params, kabupaten="12.17", data_dir=tmp_path)
    assert (s.min_cell, s.umur_maks, s.kabupaten_kode) == (5, 100, "12.17")
    assert str(params / "12.17.yaml") in s.sources
    other = load_settings("2023-12", params_dir=params, kabupaten="12.15", data_dir=tmp_path)
    assert other.min_cell == 3


def test_params_cannot_move_a_folder_to_another_kabupaten(tmp_path):
    params = _params(tmp_path, **{"2023-12": "kabupaten_kode: '12.17'\n"})
    with pytest.raises(ParamsError, match="12.15"):
        load_settings("2023-12", params_dir=params, kabupaten="12.15", data_dir=tmp_path)


def test_single_layout_unchanged(tmp_path):
    params = _params(tmp_path)
    s = load_settings("2023-12", params_dir=params, data_dir=tmp_path)
    assert s.kabupaten_folder == ""
    assert s.interim_root == tmp_path / "interim"
    assert s.raw_root == tmp_path / "raw"


def test_select_kabupaten(tmp_path):
    from dtks_analysis.wilayah import WilayahError, folder_name, select_kabupaten

    for k in ("12.11", "12.15", "13.75"):
        (tmp_path / k).mkdir()
    (tmp_path / "2023-12").mkdir()  # a single-layout month folder is not a kabupaten
    assert select_kabupaten("12", tmp_path) == ["12.11", "12.15"]
    assert select_kabupaten("ID", tmp_path) == ["12.11", "12.15", "13.75"]
    assert select_kabupaten("12.17, 12.11", tmp_path) == ["12.11", "12.17"]
    with pytest.raises(WilayahError, match="14"):
        select_kabupaten("14", tmp_path)
    with pytest.raises(WilayahError):
        select_kabupaten("12.1x", tmp_path)
    assert folder_name("12.15,12.11") == "12.11_12.15"
    assert folder_name("id") == "ID"


def test_largest_kabupaten_submitted_first(tmp_path):
    from dtks_analysis.wilayah import largest_first

    for kode, n in (("12.11", 10), ("12.15", 300), ("12.17", 50)):
        month = tmp_path / kode / "2023-12"
        month.mkdir(parents=True)
        (month / "a.csv").write_bytes(b"x" * n)
    assert largest_first(["12.11", "12.15", "12.17", "12.01"], tmp_path, "2023-12") == [
        "12.15",
        "12.17",
        "12.11",
        "12.01",
    ]
