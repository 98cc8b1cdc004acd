"""Parameters: merge order, refusal of unknown keys / wrong types / bad months."""

from pathlib import Path

import pytest

from dtks_analysis.config import ParamsError, check_month, load_settings, month_end, previous_month


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_default_and_month_layers(tmp_path):
    _write(tmp_path, "default.yaml", "min_cell: 3\nkabupaten_kode: '12.11'\n")
    _write(tmp_path, "2023-12.yaml", "min_cell: 5\n")
    s = load_settings("2023-12", params_dir=tmp_path)
    assert s.min_cell == 5
    assert s.month == "2023-12"
    assert load_settings("2023-11", params_dir=tmp_path).min_cell == 3


def test_params_file_overrides_month(tmp_path):
    _write(tmp_path, "default.yaml", "min_cell: 3\n")
    extra = _write(tmp_path, "x.yaml", "min_cell: 4\n")
    assert load_settings("2023-12", params_file=extra, params_dir=tmp_path).min_cell == 4


@pytest.mark.parametrize(
    "text, words",
    [
        ("min_sel: 3\n", ["min_sel", "tidak dikenal"]),
        ("min_cell: tiga\n", ["min_cell", "int"]),
        ("min_cell: 0\n", ["min_cell", ">= 1"]),
        ("data_sementara: 1\n", ["data_sementara", "bool"]),
        ("- a\n- b\n", ["mapping"]),
        ("min_cell: [\n", ["YAML"]),
        ("skema_hubungan: bps\n", ["skema_hubungan"]),
    ],
)
def test_bad_params_file(tmp_path, text, words):
    _write(tmp_path, "default.yaml", "")
    bad = _write(tmp_path, "bad.yaml", text)
    with pytest.raises(ParamsError) as exc:
        load_settings("2023-12", params_file=bad, params_dir=tmp_path)
    for w in words:
        assert w in str(exc.value)
    assert "bad.yaml" in str(exc.value)


@pytest.mark.parametrize("month", ["2023-13", "2023-1", "23-12", "Desember", "", "2023/12"])
def test_bad_month(month):
    with pytest.raises(ParamsError, match="YYYY-MM"):
        check_month(month)


def test_missing_params_file(tmp_path):
    with pytest.raises(ParamsError, match="tidak ditemukan"):
        load_settings("2023-12", params_file=tmp_path / "nope.yaml", params_dir=tmp_path)


def test_raw_dir_alone_puts_interim_beside_it(tmp_path):
    s = load_settings(None, raw_dir=tmp_path / "x" / "raw", params_dir=tmp_path)
    assert s.raw_root == tmp_path / "x" / "raw"
    assert s.interim_root == tmp_path / "x" / "interim"
    assert s.corrections_root == tmp_path / "x" / "corrections"


def test_month_helpers():
    assert str(month_end("2023-02")) == "2023-02-28"
    assert previous_month("2023-01") == "2022-12"
