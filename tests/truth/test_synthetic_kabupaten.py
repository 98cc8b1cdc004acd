"""Samples for any kabupaten (issue 11 item 4): a small Samosir (12.17) sample keeps the truth
consistent, carries Samosir's codes and villages and never mentions Dairi."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dtks_analysis.cli import main
from dtks_analysis.config import PACKAGE_DATA
from dtks_analysis.synthetic import generate
from dtks_analysis.synthetic import names as N
from dtks_analysis.synthetic.reference import load_reference
from tests.truth.test_synthetic import _digits, kk_ok, nik_ok, read_back

KAB = "12.17"
MONTHS = ["2023-07", "2023-08"]
REF = load_reference(KAB)


@pytest.fixture(scope="module")
def samosir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samosir")
    code = main(
        ["sample", "--kabupaten", KAB, "--out", str(out), "--months", "2023-07..2023-08"]
        + ["--scale", "0.02", "--seed", "13", "--defects", "0.03", "-q"]
    )
    assert code == 0
    return out


def _csv(p: Path) -> pd.DataFrame:
    return pd.read_csv(p, dtype=str, keep_default_na=False)


def _reference_in_force() -> pd.DataFrame:
    with gzip.open(PACKAGE_DATA / "wilayah_indonesia.csv.gz", "rt", encoding="utf-8") as fh:
        w = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return w[(w["berlaku"] == "1") & w["kode"].str.startswith(KAB + ".")]


def test_reference_is_samosirs_regions_in_force() -> None:
    w = _reference_in_force()
    assert set(REF.desa["kode"]) == set(w.loc[w["tingkat"] == "desa", "kode"])
    assert set(REF.kecamatan["kode"]) == set(w.loc[w["tingkat"] == "kecamatan", "kode"])
    assert (REF.kode, REF.nik4, REF.siks, REF.provinsi) == (
        "12.17", "1217", "KAB. SAMOSIR", "SUMATERA UTARA",
    )  # fmt: skip
    assert not any(c.startswith("1217") for c in REF.other_kec6)
    # sized from the population: 149,875 inhabitants, the DTKS ~42 % of them
    pop = _csv(PACKAGE_DATA / "penduduk_kabupaten.csv").set_index("kode")
    persons = REF.families * 140_000 / 37_000  # Dairi: 37 000 families, ~140 000 persons
    assert abs(persons - 0.42 * int(pop.at[KAB, "jumlah"])) < 0.02 * persons


def test_default_is_dairi() -> None:
    d = load_reference()
    assert d.kode == load_reference("12.11").kode == "12.11"
    assert (d.kode, d.nik4, d.siks, d.families) == ("12.11", "1211", "KAB. DAIRI", 37_000)
    assert len(d.desa) == 169 and d.names.marga == N.MARGA and d.names.batak


def test_population_size_at_scale_one() -> None:
    from dtks_analysis.synthetic.panel import Panel

    panel = Panel(REF, np.random.default_rng(3), 1.0)
    panel.init(np.datetime64("2023-07-31"))
    assert abs(len(panel.persons) - 0.42 * 149_875) < 0.1 * 0.42 * 149_875
    assert panel.families["desa"].nunique() == len(REF.desa)


def test_identifiers_carry_samosirs_codes(samosir: Path) -> None:
    nik6 = dict(zip(REF.desa["kode"], REF.desa["kode_nik6"], strict=True))
    for m in MONTHS:
        p = pd.read_parquet(samosir / "truth" / m / "panel.parquet")
        assert p["nik"].is_unique
        assert all(
            nik_ok(n, f, d.date()) for n, f, d in zip(p["nik"], p["female"], p["dob"], strict=True)
        )
        # kk_ok checks Dairi's prefix: Samosir's cards must follow the same rules under 1217
        assert all(k.startswith("1217") and kk_ok("1211" + k[4:]) for k in p["no_kk"])
        assert (p["no_kk"].str[:6] == p["kode_desa"].map(nik6)).all()
        local = p["nik"].str.startswith("1217")
        assert 0.9 < local.mean() < 0.995  # the rest: migrants from other kabupaten
        assert not p.loc[~local, "nik"].str[:4].isin(["1217"]).any()
        assert set(p["kode_desa"]) <= set(REF.desa["kode"])
        # Samosir is a Toba Batak region: the marga pool
        assert p["nama"].str.contains(" br ").any()


def test_truth_is_consistent(samosir: Path) -> None:
    desa = set(_reference_in_force().query("tingkat == 'desa'")["kode"])
    prev = None
    for i, m in enumerate(MONTHS):
        t = samosir / "truth" / m
        s = json.loads((t / "summary.json").read_text())
        rk, rd = _csv(t / "rekap_kecamatan.csv"), _csv(t / "rekap_desa.csv")
        kb, hh = _csv(t / "kombinasi_program.csv"), pd.read_parquet(t / "households.parquet")
        assert set(rk["kode_kecamatan"]) - {""} == set(REF.kecamatan["kode"])
        assert set(rd["kode_desa"]) - {""} == desa
        assert kb["rumah_tangga"].astype(int).sum() == s["rumah_tangga"] == len(hh)
        for col in ("rumah_tangga", "jiwa", "rt_bpnt", "rt_pbi_jkn", "rt_pkh", "rt_imputasi"):
            assert rk[col].astype(int).sum() == rd[col].astype(int).sum()
        assert s["jiwa"] == hh["jiwa"].sum() == rk["jiwa"].astype(int).sum()
        assert s["baris"] == s["baris_dihitung"] + s["baris_ganda"] + s["baris_tidak_dapat_diolah"]
        nr = _csv(t / "nonrespon.csv")
        assert (len(nr) > 0) == (i > 0)
        assert nr["rumah_tangga"].astype(int).sum() == s["rt_imputasi"] == hh["imputasi"].sum()
        assert 0.005 < s["nik_luar_kabupaten"] / s["baris_dihitung"] < 0.06  # other kabupaten
        a = _csv(t / "arus_program.csv").set_index("program")
        for prog in ("bpnt", "pbi_jkn", "pkh"):
            assert int(a.at[prog, "bulan_ini"]) == rk[f"rt_{prog}"].astype(int).sum()
            if prev is not None:
                lalu, baru, keluar = (int(a.at[prog, c]) for c in ("bulan_lalu", "baru", "keluar"))
                assert lalu == int(prev.at[prog, "bulan_ini"])
                assert int(a.at[prog, "bulan_ini"]) == lalu + baru - keluar
        prev = a


def test_rows_and_defects_are_in_the_files(samosir: Path) -> None:
    for m in MONTHS:
        rows = read_back(samosir / "raw" / m)
        truth_rows = pd.read_parquet(samosir / "truth" / m / "rows.parquet")
        assert len(rows) == len(truth_rows)
        for r in truth_rows.itertuples():
            cell = rows[(r.path, r.sheet, r.row)]
            assert _digits(cell["nik"]) == _digits(r.nik) or "E+" in str(r.nik)
        d = _csv(samosir / "truth" / m / "defects.csv")
        assert len(d) > 0
        for x in d.itertuples():
            assert (x.file, x.sheet, int(x.row)) in rows
        # what the generator injected is what the independent checker finds
        d["row"] = d["row"].astype(int)
        found = d.groupby(["file", "sheet", "row"])["kode_aturan"].agg(set)
        for x in truth_rows.itertuples():
            want = set(filter(None, x.defect.split(";")))
            assert want == found.get((x.path, x.sheet, x.row), set()), (x.path, x.row)
        # no BPS spelling is known outside Dairi
        assert "wilayah_ejaan_lain" not in set(d["kode_aturan"])


def _texts(root: Path) -> list[tuple[str, str]]:
    """(path, text) of every generated file; workbooks: every part of the package."""
    out = []
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(root).as_posix()
        if p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                out += [(f"{rel}:{n}", z.read(n).decode("utf-8")) for n in z.namelist()]
        elif p.suffix == ".parquet":
            df = pd.read_parquet(p)
            buf = io.StringIO()
            df.to_csv(buf, index=False)
            out.append((rel, buf.getvalue()))
        else:
            out.append((rel, p.read_bytes().decode("utf-8", errors="replace")))
    return out


def test_nothing_mentions_dairi(samosir: Path) -> None:
    texts = _texts(samosir)
    assert len(texts) > 20
    for rel, text in texts:
        # `nik_luar_kabupaten` is the pipeline's rule code (its meaning: outside the configured
        # kabupaten); every other mention of Dairi would be a leak from the default sample
        t = text.replace("nik_luar_kabupaten", "")
        assert "dairi" not in t.lower(), rel
    siks = next(t for r, t in texts if "siks_ng_2023-08.xlsx:xl/worksheets/sheet1.xml" in r)
    assert "KAB. SAMOSIR" in siks and "SUMATERA UTARA" in siks
    core = next(t for r, t in texts if r.endswith("siks_ng_2023-08.xlsx:docProps/app.xml"))
    assert "Dinas Sosial Kabupaten Samosir" in core


def test_mixed_pool_outside_the_batak_regions(tmp_path: Path) -> None:
    """A Javanese kota: mixed Indonesian names (no marga, no "br"), its own labels and codes."""
    ref = load_reference("33.74")  # Kota Semarang
    assert ref.siks == "KOTA SEMARANG" and ref.provinsi == "JAWA TENGAH" and not ref.names.batak
    generate(tmp_path, ["2023-12"], scale=0.005, seed=2, progress=False, kabupaten="33.74")
    p = pd.read_parquet(tmp_path / "truth" / "2023-12" / "panel.parquet")
    assert not p["nama"].str.contains(" br ").any()
    assert not p["nama"].str.split().str[-1].isin(N.MARGA).any()
    assert p["nik"].str.startswith("3374").mean() > 0.9
    assert set(p["kode_desa"]) <= set(ref.desa["kode"])
    for rel, text in _texts(tmp_path / "raw"):
        assert "dairi" not in text.lower(), rel


def test_unknown_kabupaten_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="kabupaten"):
        generate(tmp_path, ["2023-12"], scale=0.01, kabupaten="12.99", progress=False)
