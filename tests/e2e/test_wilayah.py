"""A region run on Dask (issue 15): three kabupaten on a LocalCluster of two worker processes
on loopback; the rollup against the generator's truth and against single runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dtks_analysis.cli import main
from tests import samples

KODES = ["12.11", "12.15", "12.17"]
MONTH = "2023-12"


@pytest.fixture(scope="module")
def wilayah_sample(tmp_path_factory) -> Path:
    """Three kabupaten of Sumatera Utara, two months, movers planted (``<root>/raw/<kode>/``)."""
    root = tmp_path_factory.mktemp("wilayah-sample")
    return samples.wilayah_sample(
        root, KODES, ["2023-11", MONTH], scale=0.05, seed=15, defect_rate=0.03
    )


@pytest.fixture(scope="module")
def wilayah_run(wilayah_sample, tmp_path_factory) -> Path:
    """``dtks wilayah --kode 12 --workers 2 --hanya-tabel``: the outputs folder."""
    out = tmp_path_factory.mktemp("wilayah-out")
    args = ["wilayah", "--kode", "12", "--month", MONTH, "--data-dir", str(wilayah_sample)]
    code = main([*args, "--out-dir", str(out), "--workers", "2", "--hanya-tabel", "-q"])
    assert code == 0
    return out


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"kode_kabupaten": str})


def test_rekap_kabupaten_equals_truth(wilayah_sample, wilayah_run):
    rekap = _csv(wilayah_run / "12" / MONTH / "tabel" / "rekap_kabupaten.csv")
    assert list(rekap["kode_kabupaten"]) == KODES
    for row in rekap.itertuples(index=False):
        tdir = wilayah_sample / "truth" / row.kode_kabupaten / MONTH
        summary = json.loads((tdir / "summary.json").read_text())
        rk = pd.read_csv(tdir / "rekap_kecamatan.csv")
        assert row.rumah_tangga == summary["rumah_tangga"]
        assert row.jiwa == summary["jiwa"]
        assert row.rt_imputasi == summary["rt_imputasi"]
        for col in ("rt_bpnt", "rt_pbi_jkn", "rt_pkh", "rt_bansos"):
            assert getattr(row, col) == rk[col].sum(), (row.kode_kabupaten, col)


def test_kabupaten_outputs_equal_a_single_run(wilayah_sample, wilayah_run, tmp_path):
    """Pakpak Bharat's tables from the region run are byte-identical to a single run of it in
    the single-kabupaten layout (data/raw/<YYYY-MM>/, kabupaten_kode from a params file)."""
    from dtks_analysis import pipeline
    from dtks_analysis.config import load_settings
    from dtks_analysis.publishing import export

    kode = "12.15"
    shutil.copytree(wilayah_sample / "raw" / kode, tmp_path / "data" / "raw")
    params = tmp_path / "p.yaml"
    params.write_text(f"kabupaten_kode: '{kode}'\n")
    s = load_settings(MONTH, params_file=params, data_dir=tmp_path / "data")
    assert s.kabupaten_folder == ""
    tables = pipeline.report_tables(MONTH, s, pipeline.prepare_months(MONTH, s))
    single = export.write_csvs({**tables.published, **tables.extra}, tmp_path / "tabel")
    region = wilayah_run / kode / MONTH / "tabel"
    assert sorted(p.name for p in region.glob("*.csv")) == sorted(p.name for p in single.values())
    for name, path in single.items():
        assert path.read_bytes() == (region / path.name).read_bytes(), name
    rekap = _csv(wilayah_run / "12" / MONTH / "tabel" / "rekap_kabupaten.csv")
    own = rekap.set_index("kode_kabupaten").loc[kode]
    rk = tables.published["rekap_kecamatan"]
    assert own["rumah_tangga"] == rk["rumah_tangga"].sum()
    assert own["rt_pkh"] == rk["rt_pkh"].sum()


def test_movers_counted(wilayah_sample, wilayah_run):
    dup = _csv(wilayah_run / "12" / MONTH / "tabel" / "duplikat_lintas_kabupaten.csv")
    truth = _csv(wilayah_sample / "truth" / f"duplikat_lintas_kabupaten_{MONTH}.csv")
    movers = pd.read_csv(wilayah_sample / "truth" / f"movers_{MONTH}.csv", dtype=str)
    assert len(movers) > 0 and truth["nik_juga_di_kabupaten_lain"].sum() > 0
    got = dict(zip(dup["kode_kabupaten"], dup["nik_juga_di_kabupaten_lain"], strict=True))
    want = dict(zip(truth["kode_kabupaten"], truth["nik_juga_di_kabupaten_lain"], strict=True))
    assert got == want
    assert set(dup["kabupaten"]) == {
        "Kabupaten Dairi",
        "Kabupaten Pakpak Bharat",
        "Kabupaten Samosir",
    }


def test_duplicate_niks_only_in_worklist(wilayah_sample, wilayah_run):
    work = pd.read_csv(
        wilayah_sample / "corrections" / "12" / MONTH / f"duplikat_lintas_kabupaten_{MONTH}.csv",
        dtype=str,
    )
    dup = _csv(wilayah_run / "12" / MONTH / "tabel" / "duplikat_lintas_kabupaten.csv")
    per = work.groupby("kode_kabupaten")["nik"].nunique()
    for row in dup.itertuples(index=False):
        assert per.get(row.kode_kabupaten, 0) == row.nik_juga_di_kabupaten_lain
    assert (work["juga_di"] != "").all() and (work["juga_di"] != work["kode_kabupaten"]).all()
    published = "".join(
        p.read_text(errors="ignore")
        for p in (wilayah_run / "12").rglob("*")
        if p.is_file() and p.suffix in (".csv", ".json")
    )
    assert not any(n in published for n in work["nik"])


def test_manifest_records_engine(wilayah_run):
    manifest = json.loads((wilayah_run / "12" / MONTH / "manifest.json").read_text())
    engine = manifest["engine"]
    assert engine["name"] == "dask.distributed"
    assert engine["scheduler"] == "LocalCluster" and engine["workers"] == 2
    assert set(manifest["kabupaten"]) == set(KODES)
    for kode in KODES:  # each kabupaten published like a single run, without the report
        month_dir = wilayah_run / kode / MONTH
        assert (month_dir / f"tabel_dtks_{MONTH}.xlsx").is_file()
        assert not list(month_dir.glob("*.html"))


def test_broken_kabupaten_fails_alone(wilayah_sample, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(wilayah_sample / "raw", data / "raw")
    broken = sorted((data / "raw" / "12.15" / MONTH).rglob("*.xlsx"))[0]
    broken.write_bytes(b"PK\x03\x04 bukan buku kerja")
    out = tmp_path / "out"
    args = ["wilayah", "--kode", ",".join(KODES), "--month", MONTH, "--data-dir", str(data)]
    code = main([*args, "--out-dir", str(out), "--workers", "2", "--hanya-tabel", "-q"])
    assert code != 0
    err = capsys.readouterr().err
    assert "12.15" in err and broken.name in err
    rollup = out / "12.11_12.15_12.17" / MONTH / "tabel"
    missing = _csv(rollup / "nonrespon_kabupaten.csv")
    assert list(missing["kode_kabupaten"]) == ["12.15"]
    assert list(_csv(rollup / "rekap_kabupaten.csv")["kode_kabupaten"]) == ["12.11", "12.17"]
    for kode in ("12.11", "12.17"):
        assert (out / kode / MONTH / "tabel" / "rekap_kecamatan.csv").is_file()
    assert not (out / "12.15" / MONTH).exists()


def test_rollup_report_html_pdf(wilayah_sample, wilayah_run, tmp_path):
    """The rollup report (HTML, PDF) from the region run's tables: every kabupaten by name, its
    households as published, the map, and nothing personal (the scan with every input name)."""
    from dtks_analysis import rollup, rollup_report
    from dtks_analysis.formatting import fmt_int
    from dtks_analysis.publishing import privacy
    from dtks_analysis.wilayah import KabupatenResult, WilayahResult

    result = WilayahResult(
        "12",
        MONTH,
        kabupaten=[KabupatenResult(k, folder=str(wilayah_run / k / MONTH), nama="") for k in KODES],
    )
    folder = wilayah_run / "12" / MONTH / "tabel"
    tables = {
        name: _csv(folder / f"{name}.csv")
        for name in ("rekap_kabupaten", "duplikat_lintas_kabupaten", "nonrespon_kabupaten")
    }
    tables |= rollup_report.province_tables(result, tables["rekap_kabupaten"])
    html, pdf = rollup_report.write_report(tmp_path, result, tables, KODES)
    text = html.read_text(encoding="utf-8")
    assert "Rekap DTKS Provinsi Sumatera Utara" in text and "Gambar 1." in text
    for kode in KODES:
        truth = json.loads((wilayah_sample / "truth" / kode / MONTH / "summary.json").read_text())
        assert fmt_int(truth["rumah_tangga"]) in text
    assert pdf.stat().st_size > 10_000
    for kode in KODES:
        persons = privacy.load_input_persons(wilayah_sample / "interim" / kode)
        leaks = privacy.check_outputs(tmp_path, persons, kode)
        assert leaks == [], privacy.leak_report(leaks)
    assert list(rollup.nonrespon_table(result)["kode_kabupaten"]) == []


def test_dtsen_region_against_truth(tmp_path):
    """A DTSEN month of two kabupaten: desil over the region and each kabupaten's targeting
    errors equal the generator's truth; the movers found equal the truth too."""
    kodes, month = ["12.15", "12.17"], "2025-02"
    data = samples.wilayah_sample(
        tmp_path / "data", kodes, ["2025-01", month], scale=0.03, seed=7, sumber="dtsen"
    )
    out = tmp_path / "out"
    args = ["wilayah", "--kode", "12", "--month", month, "--data-dir", str(data)]
    assert main([*args, "--out-dir", str(out), "--workers", "2", "--hanya-tabel", "-q"]) == 0
    tabel = out / "12" / month / "tabel"
    truth = [pd.read_csv(data / "truth" / k / month / "desil_kabupaten.csv", dtype={"desil": str})
             for k in kodes]  # fmt: skip
    want = pd.concat(truth).groupby("desil", sort=False).sum().reset_index()
    got = pd.read_csv(tabel / "desil_wilayah.csv", dtype={"desil": str})
    assert list(got.columns) == list(want.columns) and list(got["desil"]) == list(want["desil"])
    # a cell is hidden in the region exactly when some kabupaten hid it in its own table
    own = [pd.read_csv(out / k / month / "tabel" / "desil_kabupaten.csv", dtype={"desil": str})
           for k in kodes]  # fmt: skip
    counts = [c for c in want.columns if c != "desil"]
    hidden_somewhere = np.logical_or.reduce([o[counts].isna().to_numpy() for o in own])
    assert (got[counts].isna().to_numpy() == hidden_somewhere).all()
    shown = ~hidden_somewhere
    assert (got[counts].to_numpy()[shown] == want[counts].to_numpy()[shown]).all()
    ks = _csv(tabel / "ketepatan_sasaran_kabupaten.csv")
    for kode in kodes:
        t = pd.read_csv(data / "truth" / kode / month / "ketepatan_sasaran.csv", dtype=str)
        t = t[t["kode_kecamatan"] == kode]
        assert len(t) == 3  # the kabupaten's row per program
        mine = ks[ks["kode_kabupaten"] == kode]
        assert list(mine["rt_penerima_luar_sasaran"]) == [
            int(v) for v in t["rt_penerima_luar_sasaran"]
        ]
    dup = _csv(tabel / "duplikat_lintas_kabupaten.csv")
    dtruth = _csv(data / "truth" / f"duplikat_lintas_kabupaten_{month}.csv")
    assert list(dup["nik_juga_di_kabupaten_lain"]) == list(dtruth["nik_juga_di_kabupaten_lain"])
