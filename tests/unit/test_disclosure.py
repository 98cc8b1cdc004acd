"""disclosure.suppress / audit: naive rules leak, suppress leaves nothing recoverable."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dtks_analysis.counting import disclosure as d


def table(groups: dict[str, list[tuple[int, ...]]], cols=("rumah_tangga",)) -> pd.DataFrame:
    """Village table from {kode_kecamatan: [(value per col), ...]}; villages coded in order."""
    recs = []
    for g, cells in groups.items():
        for i, vals in enumerate(cells):
            recs.append(
                {
                    "kode_kecamatan": g,
                    "kode_desa": f"{g}.{2001 + i}",
                    **dict(zip(cols, vals, strict=True)),
                }
            )
    return pd.DataFrame(recs)


def published(t: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    out = t.copy()
    for c in mask.columns:
        out[c] = t[c].astype("Int64").mask(mask[c])
    return out


def leaks(t: pd.DataFrame, mask: pd.DataFrame, min_cell: int = 3, **kw) -> set[tuple[str, str]]:
    cols = list(mask.columns)
    res = d.audit(
        published(t, mask),
        d.group_totals(t, cols),
        min_cell,
        primary=d.primary_mask(t, cols, min_cell),
        value_cols=cols,
        **kw,
    )
    return {(t.loc[b, "kode_desa"], k) for b, k in zip(res["baris"], res["kolom"], strict=True)}


def hidden(mask: pd.DataFrame, t: pd.DataFrame, col: str = "rumah_tangga") -> list[str]:
    return t.loc[mask[col], "kode_desa"].tolist()


def test_audit_two_primaries_summing_to_two_are_pinned():
    t = table({"A": [(1,), (1,), (8,), (20,)]})
    mask = d.primary_mask(t, ["rumah_tangga"])  # naive: primary only, two cells hidden
    res = d.audit(published(t, mask), d.group_totals(t, ["rumah_tangga"]), 3, primary=mask)
    assert res[["baris", "lo", "hi"]].values.tolist() == [[0, 1.0, 1.0], [1, 1.0, 1.0]]
    out, m = d.suppress(t, ["rumah_tangga"])
    assert hidden(m, t) == ["A.2001", "A.2002", "A.2003"]  # + the smallest non-zero (8)
    assert leaks(t, m) == set()
    assert out["rumah_tangga"].isna().tolist() == [True, True, True, False]
    assert str(out["rumah_tangga"].dtype) == "Int64"


def test_primary_only_leaks_single_hidden_cell():
    t = table({"A": [(2,), (10,), (15,)], "B": [(7,), (9,)]})
    naive = d.primary_mask(t, ["rumah_tangga"])
    assert leaks(t, naive) == {("A.2001", "rumah_tangga")}
    # even a weak attacker who does not know which cells are primary recovers it
    res = d.audit(published(t, naive), d.group_totals(t, ["rumah_tangga"]), 3)
    assert res["baris"].tolist() == [0] and res["lo"].tolist() == [2.0]
    _, m = d.suppress(t, ["rumah_tangga"])
    assert hidden(m, t) == ["A.2001", "A.2002"]
    assert leaks(t, m) == set()


def test_two_primaries_at_the_maximum_are_pinned():
    t = table({"A": [(3,), (3,), (0,), (11,), (40,)]})
    naive = d.primary_mask(t, ["rumah_tangga"])  # two hidden: "never exactly one" holds
    assert leaks(t, naive) == {("A.2001", "rumah_tangga"), ("A.2002", "rumah_tangga")}
    _, m = d.suppress(t, ["rumah_tangga"])
    assert hidden(m, t) == ["A.2001", "A.2002", "A.2004"]
    assert leaks(t, m) == set()


COLS3 = ["rumah_tangga", "rt_pkh"]


def test_naive_secondary_zero_cell_leaks_through_row_relation():
    # village b has no household, so its rt_pkh is known to be 0 even when hidden
    t = table({"A": [(10, 2), (0, 0), (12, 9)]}, cols=COLS3)
    naive = d.primary_mask(t, COLS3)
    naive.loc[1, "rt_pkh"] = True  # primary + "smallest other cell" (a zero)
    assert leaks(t, naive) == {("A.2001", "rt_pkh"), ("A.2002", "rt_pkh")}
    _, m = d.suppress(t, COLS3)
    assert hidden(m, t, "rt_pkh") == ["A.2001", "A.2003"]
    assert leaks(t, m) == set()


def test_naive_one_secondary_leaks_when_bounded_by_its_row():
    # a: pkh 3 (primary); b: pkh 4 = its rumah_tangga 4 (published) -> with only b as the
    # secondary the attacker gets a >= 7 - 4 = 3, so a = 3 and b = 4
    t = table({"A": [(10, 3), (4, 4), (20, 12)]}, cols=COLS3)
    naive = d.primary_mask(t, COLS3)
    naive.loc[1, "rt_pkh"] = True
    assert leaks(t, naive) == {("A.2001", "rt_pkh"), ("A.2002", "rt_pkh")}
    # ignoring row relations, the same table looks safe: the relations matter
    assert leaks(t, naive, batas_atas={}) == set()
    _, m = d.suppress(t, COLS3)
    assert hidden(m, t, "rt_pkh") == ["A.2001", "A.2002", "A.2003"]
    assert leaks(t, m) == set()


def test_row_rule_hides_every_measure_of_a_small_village():
    cols = ["rumah_tangga", "jiwa", "rt_pkh"]
    t = table({"A": [(2, 7, 0), (9, 30, 4), (15, 50, 6)]}, cols=cols)
    out, m = d.suppress(t, cols)
    assert m.loc[0].tolist() == [True, True, True]
    assert out.loc[0, cols].isna().all()
    assert leaks(t, m) == set()


def test_secondary_choice_is_deterministic_smallest_then_code_order():
    t = table({"A": [(2,), (7,), (5,), (5,), (9,)]})
    _, m = d.suppress(t, ["rumah_tangga"])
    assert hidden(m, t) == ["A.2001", "A.2003"]
    _, m2 = d.suppress(t.iloc[::-1], ["rumah_tangga"])  # row order = code order decides
    assert sorted(hidden(m2, t.iloc[::-1])) == ["A.2001", "A.2004"]


def test_zero_total_group_needs_no_secondary():
    # row rule hides rt_pkh = 0 of the small village; the kecamatan's PKH total is 0, so every
    # village is known to have 0 anyway: no secondary cell is hidden, nothing is reported
    t = table({"A": [(2, 0), (40, 0), (50, 0)]}, cols=COLS3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", d.DisclosureWarning)
        _, m = d.suppress(t, COLS3)
    assert hidden(m, t, "rt_pkh") == ["A.2001"]
    assert hidden(m, t) == ["A.2001", "A.2002"]
    assert leaks(t, m) == set()


def test_zero_and_large_cells_published_and_unknown_group_untouched():
    t = table({"A": [(0,), (4,), (12,)], "": [(2,)]})
    out, m = d.suppress(t, ["rumah_tangga"])
    assert not m.any().any()
    assert out["rumah_tangga"].tolist() == [0, 4, 12, 2]


def test_group_pinned_for_the_strong_attacker_falls_back_to_weak_protection():
    # the only non-zero cells are two primaries of 1: whoever knows they are primary (>= 1)
    # reads them off the total 2 whatever is hidden; hiding the zero village would not help,
    # so the group is protected against an attacker who only sees which cells are hidden
    t = table({"A": [(1,), (1,), (0,)], "B": [(5,), (9,)]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", d.DisclosureWarning)
        _, m = d.suppress(t, ["rumah_tangga"])
    assert hidden(m, t) == ["A.2001", "A.2002"]
    assert m.attrs["model_lemah"] == ["A/rumah_tangga"] and m.attrs["tidak_terlindungi"] == []
    assert leaks(t, m) == {("A.2001", "rumah_tangga"), ("A.2002", "rumah_tangga")}
    weak = d.audit(published(t, m), d.group_totals(t, ["rumah_tangga"]), 3)
    assert weak.empty


def test_single_village_kecamatan_cannot_be_protected_and_warns():
    t = table({"A": [(2,)], "B": [(5,), (9,)]})
    with pytest.warns(d.DisclosureWarning, match="A/rumah_tangga"):
        _, m = d.suppress(t, ["rumah_tangga"])
    assert hidden(m, t) == ["A.2001"]
    assert m.attrs["tidak_terlindungi"] == ["A/rumah_tangga"]
    weak = d.audit(published(t, m), d.group_totals(t, ["rumah_tangga"]), 3)
    assert weak["baris"].tolist() == [0]


def test_min_cell_parameter():
    t = table({"A": [(4,), (5,), (30,)]})
    _, m3 = d.suppress(t, ["rumah_tangga"], min_cell=3)
    _, m5 = d.suppress(t, ["rumah_tangga"], min_cell=5)
    assert not m3.any().any()
    assert hidden(m5, t) == ["A.2001", "A.2002"]
    assert leaks(t, m5, min_cell=5) == set()
    with pytest.raises(ValueError):
        d.suppress(t, ["rumah_tangga"], min_cell=0)


# -- property: random tables ------------------------------------------------------------------


@st.composite
def village_tables(draw):
    recs = []
    for g in range(draw(st.integers(1, 3))):
        for i in range(draw(st.integers(1, 6))):
            rt = draw(st.sampled_from([0, 0, 1, 1, 2, 3, 4, 5, 6, 9, 20]))
            recs.append(
                {
                    "kode_kecamatan": f"12.11.{g + 1:02d}",
                    "kode_desa": f"12.11.{g + 1:02d}.{2001 + i}",
                    "rumah_tangga": rt,
                    "jiwa": rt + draw(st.integers(0, 2 * rt)),
                    "rt_pkh": draw(st.integers(0, rt)),
                    "rt_bpnt": draw(st.integers(0, rt)),
                }
            )
    return pd.DataFrame(recs), draw(st.integers(2, 4))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(village_tables())
def test_suppress_leaves_nothing_recoverable(case):
    t, min_cell = case
    cols = ["rumah_tangga", "jiwa", "rt_pkh", "rt_bpnt"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out, m = d.suppress(t, cols, min_cell=min_cell)
    message = " ".join(
        str(w.message) for w in caught if issubclass(w.category, d.DisclosureWarning)
    )
    prim = d.primary_mask(t, cols, min_cell)
    assert (m | ~prim).all().all()  # every primary cell hidden
    for c in cols:
        assert out[c].isna().equals(m[c])
        assert (out.loc[~m[c], c] == t.loc[~m[c], c]).all()
        # never exactly one hidden cell in a kecamatan (unless it has a single village, or
        # its total is 0 so every cell is known to be 0)
        n_hidden = m[c].groupby(t["kode_kecamatan"]).sum()
        size = t.groupby("kode_kecamatan").size()
        total = t[c].groupby(t["kode_kecamatan"]).sum()
        assert ((n_hidden != 1) | (size == 1) | (total == 0)).all()
    totals = d.group_totals(t, cols)
    strong = d.audit(out, totals, min_cell, primary=prim, value_cols=cols)
    for _, r in strong.iterrows():
        # only groups that no suppression protects against the strong attacker
        assert f"{r['kode_kecamatan']}/{r['kolom']}" in m.attrs["model_lemah"]
    weak = d.audit(out, totals, min_cell, value_cols=cols)
    for _, r in weak.iterrows():
        # only groups no cell suppression can protect at all: all hidden, and reported
        rows = t["kode_kecamatan"] == r["kode_kecamatan"]
        assert m.loc[rows, r["kolom"]].all()
        assert f"{r['kode_kecamatan']}/{r['kolom']}" in message
        assert f"{r['kode_kecamatan']}/{r['kolom']}" in m.attrs["tidak_terlindungi"]
    # deterministic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", d.DisclosureWarning)
        _, m2 = d.suppress(t, cols, min_cell=min_cell)
    assert m2.equals(m)


def test_on_rekap_desa_table():
    from dtks_analysis.counting import stats

    rng = np.random.default_rng(7)
    villages = stats.desa_reference("12.11")["kode_desa"].to_numpy()
    n = 3000
    desa = villages[rng.integers(0, len(villages), n)].astype(object)
    desa[:5] = None  # unknown village
    kec = np.array([x[:8] if x else "12.11.03" for x in desa], dtype=object)
    kec[:2] = None  # unknown kecamatan
    hh = pd.DataFrame(
        {
            "kunci": [f"K{i}" for i in range(n)],
            "kode_kecamatan": kec,
            "kode_desa": desa,
            "jiwa": rng.integers(1, 7, n),
            "bpnt": rng.random(n) < 0.2,
            "pbi_jkn": rng.random(n) < 0.4,
            "pkh": rng.random(n) < 0.03,
            "imputasi": rng.random(n) < 0.01,
        }
    )
    rd = stats.rekap_desa(hh, "12.11")
    cols = list(stats.MEASURES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", d.DisclosureWarning)
        out, m = d.suppress(rd, cols)
    assert m["rt_pkh"].sum() > 0 and m["rt_imputasi"].sum() > 0
    # unknown-kecamatan row (its figures equal the published kecamatan row) is untouched
    assert not m.iloc[-1].any() and out.iloc[-1]["rumah_tangga"] == 2
    totals = d.group_totals(rd, cols)
    strong = d.audit(out, totals, 3, primary=d.primary_mask(rd, cols), value_cols=cols)
    assert set(strong["kode_kecamatan"] + "/" + strong["kolom"]) <= set(m.attrs["model_lemah"])
    # every kecamatan has several villages: nothing is recoverable by the weak attacker
    assert m.attrs["tidak_terlindungi"] == []
    assert d.audit(out, totals, 3, value_cols=cols).empty
    assert list(out.columns) == list(rd.columns)
