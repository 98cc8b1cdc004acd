"""Issue 17: every published village-level table is protected together, against a linear-
programming attacker who uses every linear relation between the columns, the kecamatan
totals, the non-response list and last month's published table.

Ground truth is the generator's (``truth/<month>/rekap_desa.csv``; a carried-forward village
has last month's true cells), never the code under test.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dtks_analysis import pipeline
from dtks_analysis.config import load_settings
from dtks_analysis.counting import disclosure as d
from dtks_analysis.counting import disclosure_lp as dlp
from dtks_analysis.counting import protection
from dtks_analysis.publishing import sections
from tests.conftest import generate_sample
from tests.unit.test_disclosure import leaks, table

MONTHS = ["2023-11", "2023-12"]
# three villages that send their own file and are small in this sample
REMOVED = {
    "12.11.01.2017": "Bintang_Mersada",
    "12.11.01.2008": "Belang_Malum",
    "12.11.03.2005": "Tigalingga",
}
MIN_CELL_REMOVED = 9  # so the three villages are primary cells at this small scale


def _truth(root: Path, month: str) -> pd.DataFrame:
    return pd.read_csv(
        root / "truth" / month / "rekap_desa.csv",
        dtype={"kode_kecamatan": str, "kode_desa": str},
        keep_default_na=False,
        na_values=[""],
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return generate_sample(tmp_path_factory.mktemp("lp-base"), MONTHS, 0.1, 20231, 0.02)


def _run(root: Path, min_cell: int):
    settings = dataclasses.replace(
        load_settings(MONTHS[-1], raw_dir=root / "raw"), min_cell=min_cell
    )
    data = pipeline.prepare_months(MONTHS[-1], settings)
    tables = {
        m: pipeline.build_tables(m, settings, {k: v for k, v in data.items() if k <= m})
        for m in MONTHS
    }
    adjusted = pipeline.adjusted_households(data)
    villages: dict = {}  # month -> lists of groups protected only weakly / not at all
    for m in MONTHS:
        protection.published_villages(adjusted, m, min_cell, "12.11", villages)
    villages = {
        m: villages[m].mask.attrs if m in villages else {"model_lemah": [], "tidak_terlindungi": []}
        for m in MONTHS
    }
    return root, settings, data, tables, villages


@pytest.fixture(scope="module")
def plain(base, tmp_path_factory):
    root = tmp_path_factory.mktemp("lp-plain") / "s"
    shutil.copytree(base, root)
    return _run(root, 3)


@pytest.fixture(scope="module")
def removed(base, tmp_path_factory):
    root = tmp_path_factory.mktemp("lp-removed") / "s"
    shutil.copytree(base, root)
    for name in REMOVED.values():
        for p in (root / "raw" / MONTHS[-1]).rglob(f"Desa_{name}.*"):
            p.unlink()
    return _run(root, MIN_CELL_REMOVED)


def _true_village_table(root: Path, month: str, tables) -> pd.DataFrame:
    """The true village table: the generator's, with carried villages holding last month's
    true cells (the sample's raw files of removed villages are gone, not its truth)."""
    truth = _truth(root, month)
    full = tables[month].rekap_desa_lengkap
    carried = set(full.loc[full["rt_imputasi"] > 0, "kode_desa"]) - set(
        truth.loc[truth["rt_imputasi"] > 0, "kode_desa"]
    )
    if carried:
        prev = _truth(root, pipeline.previous_month(month)).set_index("kode_desa")
        for col in ["rumah_tangga", "jiwa", "rt_bpnt", "rt_pbi_jkn", "rt_pkh", "rt_bansos"]:
            rows = truth["kode_desa"].isin(carried)
            truth.loc[rows, col] = prev.loc[truth.loc[rows, "kode_desa"], col].to_numpy()
        truth.loc[truth["kode_desa"].isin(carried), "rt_imputasi"] = truth["rumah_tangga"]
    return truth


def _reader_view(root: Path, tables, month: str, min_cell: int, strong: bool) -> dlp.BulanTerbit:
    """What a reader sees of ``month`` (published tables only), plus, for the strong attacker,
    which hidden cells are primary (from the generator's truth)."""
    t = tables[month]
    pub = t.published["rekap_desa"]
    truth = _true_village_table(root, month, tables)
    cols = dlp.value_columns(pub)
    key = ["kode_kecamatan", "kode_desa"]
    true = pub[key].fillna("").merge(truth[[*key, *cols]].fillna(""), on=key, how="left")
    assert len(true) == len(pub)
    primer = d.primary_mask(true.set_index(pub.index), cols, min_cell) if strong else None
    nr = t.extra["nonrespon"]
    dibawa = set(nr["kode_desa"]) - {""}
    tanpa_nama = set(nr.loc[nr["kode_desa"] == "", "kode_kecamatan"])
    turun = set()
    if dibawa and t.previous_month:
        prev = _true_village_table(root, t.previous_month, tables).set_index("kode_desa")
        now = true.set_index("kode_desa")
        c = [x for x in cols if x != "rt_imputasi"]
        turun = {v for v in dibawa if (now.loc[v, c] != prev.loc[v, c]).any()}
    return dlp.BulanTerbit(
        month, pub, t.published["rekap_kecamatan"], primer, dibawa, turun, tanpa_nama
    )


def _attack(case, months: list[str], min_cell: int):
    root, _settings, _data, tables, villages = case
    strong = dlp.intervals(
        [_reader_view(root, tables, m, min_cell, True) for m in months], min_cell
    )
    weak = dlp.intervals([_reader_view(root, tables, m, min_cell, False) for m in months], min_cell)
    return strong, weak, villages


def _check_protection(strong: pd.DataFrame, weak: pd.DataFrame, villages, months) -> None:
    """The rule of docs/methodology.md: no hidden cell is pinned at a non-zero value by the
    strong attacker, except in groups listed as protected against the weak one
    (``model_lemah``); none by the weak attacker, except groups listed ``tidak_terlindungi``."""
    assert len(strong) > 50, "the sample should hide cells"
    # (a group listed in month t may also be disclosed in t-1: t's publication disclosed it)
    lemah = {g for m in months for g in villages[m]["model_lemah"]}
    tidak = {g for m in months for g in villages[m]["tidak_terlindungi"]}
    for res, allowed in ((strong, lemah | tidak), (weak, tidak)):
        bad = res[res["terungkap"]]
        found = set(bad["kode_kecamatan"] + "/" + bad["kolom"])
        assert found <= allowed, f"disclosed:\n{bad.to_string()}"
    # every other hidden cell: the interval holds two whole numbers, or is [0, 0]
    ok = strong["terlindungi"] | (strong["hi"] < 1 - dlp.EPS) | strong["terungkap"]
    assert ok.all()


# -- item 3: rt_bansos bounds the program cells ---------------------------------------------


def test_rt_bansos_bounds_each_program_cell():
    # a: pkh 3 (primary); b: pkh 5 as its published rt_bansos 5. Hiding b as the only
    # secondary looks safe against rt_pkh <= rumah_tangga, but rt_pkh <= rt_bansos gives
    # b <= 5, so a >= 8 - 5 = 3 = its prior maximum: a = 3, b = 5
    cols = ["rumah_tangga", "rt_pkh", "rt_bansos"]
    t = table({"A": [(10, 3, 6), (12, 5, 5), (40, 20, 25)]}, cols=cols)
    naive = d.primary_mask(t, cols)
    naive.loc[1, "rt_pkh"] = True
    assert leaks(t, naive) == {("A.2001", "rt_pkh"), ("A.2002", "rt_pkh")}
    _, m = d.suppress(t, cols)
    assert m["rt_pkh"].tolist() == [True, True, True]
    assert leaks(t, m) == set()
    pub = t.copy()
    for c in cols:
        pub[c] = t[c].astype("Int64").mask(m[c])
    res = dlp.intervals(
        [dlp.BulanTerbit("m", pub, d.group_totals(t, cols), d.primary_mask(t, cols))]
    )
    assert not res["terungkap"].any()


# -- item 1: nonrespon follows the village mask ----------------------------------------------


def test_nonrespon_publishes_no_hidden_village_cell(removed):
    root, settings, _data, tables, _v = removed
    t = tables[MONTHS[-1]]
    prev = _truth(root, MONTHS[0]).set_index("kode_desa")
    assert prev.loc[list(REMOVED), "rumah_tangga"].between(1, settings.min_cell).all()
    desa = t.published["rekap_desa"].dropna(subset=["kode_desa"]).set_index("kode_desa")
    assert desa.loc[list(REMOVED), "rumah_tangga"].isna().all()
    nr = t.extra["nonrespon"]
    named = nr[nr["kode_desa"] != ""].set_index("kode_desa")
    # a named village's count is its published rekap_desa cell; a hidden one is not named
    assert (named["rumah_tangga"] == desa.loc[named.index, "rt_imputasi"]).all()
    assert desa.loc[named.index, "rumah_tangga"].notna().all()
    assert not set(REMOVED) & set(named.index)
    assert set(nr.loc[nr["kode_desa"] == "", "kode_kecamatan"]) >= {c[:8] for c in REMOVED}
    assert nr.loc[nr["kode_desa"] == "", "rumah_tangga"].isna().all()
    html = sections.quality_section_html(t, settings)
    text = " ".join(sections.highlights(t, settings))
    from dtks_analysis.publishing import tables as registry

    nonrespon = html[html.index(f"Tabel {registry.TABLES['nonrespon'].number}.") :]
    assert d.LAIN in nonrespon
    for code in REMOVED:
        name = str(prev.loc[code, "desa"])
        assert name not in named["desa"].tolist()
        assert f"({name}" not in text and f", {name}" not in text
    # the sentence gives the kabupaten total only
    total = int(t.published["rekap_kecamatan"]["rt_imputasi"].sum())
    assert f"{total} rumah tangganya dibawa" in text.replace(".", "")


# -- item 2: no row counts per file ----------------------------------------------------------


def test_no_row_counts_per_file_are_published(plain):
    root, settings, data, tables, _v = plain
    month = MONTHS[-1]
    t = tables[month]
    files = data[month].files
    one_village = files[files["_file"].str.contains("Desa_")]
    assert len(one_village) > 0
    got = t.extra["berkas_masuk"]
    assert len(got) == 1 and "berkas" in got and got["baris"].iloc[0] == files["rows"].sum()
    assert got["berkas"].iloc[0] == files["_file"].nunique()
    html = sections.quality_section_html(t, settings) + sections.files_html(
        data[month], settings.instansi
    )
    for name in files["_file"]:
        assert Path(name).name not in html
        assert Path(name).stem.replace("_", " ") not in html
    # the list per file is written under data/corrections/ (confidential)
    path = settings.corrections_root / month / f"berkas_masuk_{month}.xlsx"
    assert path.is_file() and root in path.parents
    detail = pd.read_excel(path, skiprows=2)
    assert detail["Baris data"].sum() == files["rows"].sum()
    assert set(detail["Berkas"]) == set(files["_file"])


# -- the LP attack on every village table of a month and of two consecutive months ------------


CASES = {"plain": 3, "removed": MIN_CELL_REMOVED}


@pytest.mark.parametrize("case", list(CASES))
def test_lp_attack_one_month(case, request):
    data = request.getfixturevalue(case)
    strong, weak, villages = _attack(data, [MONTHS[-1]], CASES[case])
    _check_protection(strong, weak, villages, [MONTHS[-1]])
    if case == "plain":
        assert villages[MONTHS[-1]]["tidak_terlindungi"] == []


@pytest.mark.parametrize("case", list(CASES))
def test_lp_attack_two_months(case, request):
    data = request.getfixturevalue(case)
    strong, weak, villages = _attack(data, MONTHS, CASES[case])
    assert set(strong["bulan"]) == set(MONTHS)
    _check_protection(strong, weak, villages, MONTHS)
    if case == "removed":  # the removed villages' hidden cells are protected in both months
        cells = strong[strong["kode_desa"].isin(REMOVED)]
        assert len(cells) and cells["bulan"].nunique() == 2
