"""The pipeline against the synthetic generator's truth: validation recall and precision, and
every published number (households, persons, programs, combinations, flows, non-response)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dtks_analysis import pipeline
from dtks_analysis.config import load_settings
from dtks_analysis.editing import rules
from tests.conftest import generate_sample

CASES = [
    # (months, scale, seed, defect rate)
    (["2023-11", "2023-12"], 0.1, 3, 0.02),
    (["2023-06", "2023-07", "2023-08"], 0.1, 97, 0.05),
]
KEY = ["file", "sheet", "row", "kode_aturan"]
#: a defect is reported at its place *and* in the column the generator's truth names
KEY_KOLOM = [*KEY, "kolom"]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"seed{c[2]}-rate{c[3]}")
def prepared(request, tmp_path_factory):
    months, scale, seed, rate = request.param
    root = generate_sample(tmp_path_factory.mktemp(f"truth{seed}"), months, scale, seed, rate)
    settings = load_settings(months[-1], raw_dir=root / "raw")
    data = pipeline.prepare_months(months[-1], settings)
    return root, settings, months, data


def _truth(root: Path, month: str, name: str) -> pd.DataFrame:
    return pd.read_csv(
        root / "truth" / month / name,
        dtype={"kode_kecamatan": str, "kode_desa": str, "sheet": str, "desil": str},
        keep_default_na=False,
        na_values=[""],
    )


def _found(data, month: str) -> pd.DataFrame:
    f = data[month].findings
    return f.rename(columns={"_file": "file", "_sheet": "sheet", "_row": "row"})[
        [*KEY_KOLOM, "tingkat"]
    ].assign(row=lambda d: d["row"].astype(int), sheet=lambda d: d["sheet"].fillna(""))


def test_every_injected_defect_is_reported_at_its_place(prepared):
    root, _settings, months, data = prepared
    for m in months:
        truth = _truth(root, m, "defects.csv")
        truth["sheet"] = truth["sheet"].fillna("")
        assert len(truth) > 0, "the generator injected no defect"
        found = _found(data, m)
        merged = truth[KEY_KOLOM].merge(
            found[KEY_KOLOM].drop_duplicates(), how="left", indicator=True
        )
        missed = merged[merged["_merge"] == "left_only"]
        assert missed.empty, f"{m}: {len(missed)} defects not reported:\n{missed.head(20)}"


def test_no_error_on_clean_records(prepared):
    root, _settings, months, data = prepared
    error_rules = set(
        rules.rules_table("Kabupaten Dairi").query("tingkat == 'error'")["kode_aturan"]
    )
    for m in months:
        truth = _truth(root, m, "defects.csv")
        truth["sheet"] = truth["sheet"].fillna("")
        found = _found(data, m)
        errors = found[found["tingkat"] == "error"]
        merged = errors[KEY].merge(truth[KEY], how="left", indicator=True)
        false = merged[merged["_merge"] == "left_only"]
        assert false.empty, f"{m}: {len(false)} error findings on clean records:\n{false.head(20)}"
        assert set(errors["kode_aturan"]) <= error_rules


def _compare(got: pd.DataFrame, want: pd.DataFrame, keys: list[str], what: str) -> None:
    got, want = got.copy(), want.copy()
    for k in keys:
        got[k] = got[k].fillna("").astype(str)
        want[k] = want[k].fillna("").astype(str)
    cols = [
        c
        for c in want.columns
        if c not in keys and c in got.columns and pd.api.types.is_numeric_dtype(want[c])
    ]
    assert set(want.columns) - set(keys) <= set(got.columns), what
    g = got.set_index(keys)[cols].sort_index()
    w = want.set_index(keys)[cols].sort_index()
    assert list(g.index) == list(w.index), f"{what}: rows differ"
    diff = (g.astype("Int64") != w.astype("Int64")).any(axis=1)
    assert not diff.any(), (
        f"{what}: differs\n{pd.concat([g[diff], w[diff]], keys=['got', 'truth'])}"
    )


def test_published_numbers_equal_truth(prepared):
    root, settings, months, data = prepared
    for m in months:
        t = pipeline.build_tables(m, settings, {k: v for k, v in data.items() if k <= m})
        _compare(
            t.published["rekap_kecamatan"],
            _truth(root, m, "rekap_kecamatan.csv"),
            ["kode_kecamatan", "kecamatan"],
            f"{m} rekap_kecamatan",
        )
        _compare(
            t.rekap_desa_lengkap,
            _truth(root, m, "rekap_desa.csv"),
            ["kode_kecamatan", "kode_desa"],
            f"{m} rekap_desa",
        )
        _compare(
            t.published["kombinasi_program"],
            _truth(root, m, "kombinasi_program.csv"),
            ["bpnt", "pbi_jkn", "pkh"],
            f"{m} kombinasi",
        )
        arus_t = _truth(root, m, "arus_program.csv")
        _compare(t.published["arus_program"], arus_t, ["program"], f"{m} arus")
        nr_t = _truth(root, m, "nonrespon.csv")
        nr = t.extra["nonrespon"]  # published: small villages unnamed (disclosure control)
        named = nr[nr["kode_desa"] != ""]
        assert set(named["kode_desa"]) <= set(nr_t["kode_desa"]), f"{m} non-respondents"
        assert set(nr["kode_kecamatan"]) == set(nr_t["kode_desa"].str[:8]), f"{m} nonrespon"
        if len(nr_t):
            full = t.rekap_desa_lengkap.dropna(subset=["kode_desa"])
            got = full[full["kode_desa"].isin(nr_t["kode_desa"])]
            _compare(
                got[["kode_desa", "rt_imputasi"]].rename(columns={"rt_imputasi": "rumah_tangga"}),
                nr_t[["kode_desa", "rumah_tangga"]],
                ["kode_desa"],
                f"{m} nonrespon",
            )
            _compare(
                named[["kode_desa", "rumah_tangga"]],
                nr_t[nr_t["kode_desa"].isin(named["kode_desa"])][["kode_desa", "rumah_tangga"]],
                ["kode_desa"],
                f"{m} nonrespon terbit",
            )


def test_flows_add_up(prepared):
    _root, settings, months, data = prepared
    t = pipeline.build_tables(months[-1], settings, data)
    a = t.published["arus_program"]
    assert (a["bulan_ini"] == a["bulan_lalu"] + a["baru"] - a["keluar"]).all()
    assert (a["bertahan"] == a["bulan_lalu"] - a["keluar"]).all()
