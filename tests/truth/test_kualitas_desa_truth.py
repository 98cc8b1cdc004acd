"""The village quality history (issue 14) against the generator's truth, on six sample months:
rows received, error and warning findings, non-response, corrected worklist rows and grades are
recomputed here from ``truth/<month>/rows.parquet``, ``defects.csv`` and ``nonrespon.csv``
(the person behind a row is the generator's ``pid``, never the pipeline's person keys)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dtks_analysis import quality_history
from dtks_analysis.editing import rules

MONTHS = ["2023-07", "2023-08", "2023-09", "2023-10", "2023-11", "2023-12"]
LOC = ["file", "sheet", "row"]


@pytest.fixture(scope="module")
def history(backtest_months):
    """The history of the backtest sample's six months (prepared once per session, with their
    interim data and worklists beside ``raw/``: tests/conftest.py)."""
    months, settings, _data = backtest_months
    assert months == MONTHS
    root = settings.data_dir
    return root, settings, quality_history.build_history(MONTHS[-1], settings)


def _truth_month(root: Path, month: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows as written, worklist defects with their pid and village) of one month."""
    rows = pd.read_parquet(root / "truth" / month / "rows.parquet")
    rows = rows.rename(columns={"path": "file"})
    rows["sheet"] = rows["sheet"].fillna("")
    defects = pd.read_csv(
        root / "truth" / month / "defects.csv", dtype={"sheet": str}, keep_default_na=False
    )
    level = rules.rules_table("Kabupaten Dairi").set_index("kode_aturan")["tingkat"]
    defects["tingkat"] = defects["kode_aturan"].map(level)
    defects = defects[defects["tingkat"].isin(["error", "warning"])]
    defects = defects.merge(rows[[*LOC, "pid", "t_kode_desa"]], on=LOC, how="left")
    assert defects["pid"].notna().all()
    return rows, defects


def _expected(root: Path) -> pd.DataFrame:
    out = []
    prev = None
    for m in MONTHS:
        rows, defects = _truth_month(root, m)
        known = rows[rows["t_kode_desa"].notna()]
        d = defects[defects["t_kode_desa"].notna()]
        e = pd.DataFrame({"baris": known.groupby("t_kode_desa").size()})
        lv = d.groupby(["t_kode_desa", "tingkat"]).size().unstack(fill_value=0)
        e["kesalahan"] = lv.get("error", pd.Series(dtype=int)).reindex(e.index, fill_value=0)
        e["peringatan"] = lv.get("warning", pd.Series(dtype=int)).reindex(e.index, fill_value=0)
        if prev is not None:
            pw = prev[prev["t_kode_desa"].notna()]
            appears = pw["pid"].isin(rows["pid"])
            again = pd.MultiIndex.from_frame(pw[["pid", "kode_aturan"]]).isin(
                pd.MultiIndex.from_frame(defects[["pid", "kode_aturan"]])
            )
            pw = pw.assign(ok=appears.to_numpy() & ~again)
            g = pw.groupby("t_kode_desa")["ok"].agg(["size", "sum"])
            e = e.join(g.rename(columns={"size": "koreksi", "sum": "diperbaiki"}), how="outer")
        e["bulan"] = m
        out.append(e.rename_axis("kode_desa").reset_index())
        prev = defects
    exp = pd.concat(out, ignore_index=True).fillna(0)
    for c in ("baris", "kesalahan", "peringatan", "koreksi", "diperbaiki"):
        exp[c] = exp[c].astype(np.int64)
    return exp


def _grade(per100: pd.Series, sent: pd.Series, t: dict[str, float]) -> pd.Series:
    g = pd.Series("D", index=per100.index)
    g[per100 <= t["C"]] = "C"
    g[per100 <= t["B"]] = "B"
    g[per100 <= t["A"]] = "A"
    g[~sent] = "TM"
    return g


def test_history_equals_truth(history):
    root, settings, h = history
    assert len(h) == 169 * len(MONTHS)
    exp = _expected(root)
    got = h.set_index(["kode_desa", "bulan"])
    want = exp.set_index(["kode_desa", "bulan"]).reindex(got.index, fill_value=0)
    for g, w in (
        ("baris", "baris"),
        ("kesalahan", "kesalahan"),
        ("peringatan", "peringatan"),
        ("baris_koreksi_lalu", "koreksi"),
        ("baris_diperbaiki", "diperbaiki"),
    ):
        diff = got[g] != want[w]
        assert not diff.any(), f"{g}:\n{pd.concat([got.loc[diff, g], want.loc[diff, w]], axis=1)}"
    assert (got["mengirim"] == (want["baris"] > 0).astype(int)).all()
    per100 = (want["kesalahan"] / want["baris"].where(want["baris"] > 0) * 100).round(2).fillna(0)
    grades = _grade(per100, want["baris"] > 0, settings.kualitas_desa)
    assert (got["nilai"] == grades).all()
    assert want["diperbaiki"].sum() > 0 and (want["diperbaiki"] < want["koreksi"]).any()


def test_a_village_that_stops_sending(history):
    root, _settings, h = history
    silent = []
    for prev, m in zip(MONTHS, MONTHS[1:], strict=False):
        nr = pd.read_csv(root / "truth" / m / "nonrespon.csv", dtype={"kode_desa": str})
        silent += [(k, prev, m) for k in nr["kode_desa"]]
    assert silent, "the sample has no village that stops sending"
    g = h.set_index(["kode_desa", "bulan"])
    for k, prev, m in silent:
        assert g.loc[(k, m), "nilai"] == "TM" and g.loc[(k, m), "mengirim"] == 0
        assert g.loc[(k, prev), "mengirim"] == 1
        # its worklist rows of the month before are counted; only people who moved to a village
        # that did send can have been corrected (the exact number: test_history_equals_truth)
        assert g.loc[(k, m), "baris_diperbaiki"] <= g.loc[(k, m), "baris_koreksi_lalu"] // 2
        assert (
            g.loc[(k, m), "baris_koreksi_lalu"]
            == g.loc[(k, prev), "kesalahan"] + g.loc[(k, prev), "peringatan"]
        )


def test_a_village_that_improves(history):
    root, settings, h = history
    exp = _expected(root)
    per100 = exp["kesalahan"] / exp["baris"].where(exp["baris"] > 0) * 100
    exp["nilai"] = _grade(per100.round(2).fillna(0), exp["baris"] > 0, settings.kualitas_desa)
    wide = exp.pivot(index="kode_desa", columns="bulan", values="nilai")
    improves = wide.index[(wide[MONTHS[0]] == "D") & (wide[MONTHS[-1]] == "A")]
    assert len(improves), "the sample has no village going from D to A"
    got = h.pivot(index="kode_desa", columns="bulan", values="nilai")
    for k in improves:
        assert got.loc[k, MONTHS[0]] == "D" and got.loc[k, MONTHS[-1]] == "A"
