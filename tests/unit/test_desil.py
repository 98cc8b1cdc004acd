"""DTSEN desil tables (counting/desil.py), household desil columns, parameters and the report
section, on small hand-made person frames whose answers are worked out by hand (issue 13).

Households of :func:`_persons` (kecamatan Sidikalang 12.11.01 / Sumbul 12.11.02):

| key | kec | jiwa | desil_nasional per row | status | programs | desil row |
|---|---|---|---|---|---|---|
| K1 | 01 | 2 | "2", "" | aktif | bpnt, pkh | 2 |
| K2 | 01 | 1 | "5" | aktif | pbi | 5 |
| K3 | 01 | 1 | "3" | nonaktif | pkh | nonaktif (wins over 3) |
| K4 | 02 | 3 | "", "", "" | aktif | bpnt | belum_diperingkat |
| K5 | 02 | 1 | "9" | aktif | bpnt | 9 |
| K6 | 02 | 1 | "1" | aktif | - | 1 |
| K7 | 02 | 3 | "", "4", "8" | aktif | pbi | 4 (first filled in file order) |
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dtks_analysis.config import ParamsError, load_settings
from dtks_analysis.counting import desil, households
from tests import desil_attack
from tests.unit.test_households import make_persons

SIDI, SUMBUL = "12.11.01.2008", "12.11.02.2001"
SASARAN = {"bpnt": 4, "pbi_jkn": 5, "pkh": 4}

ROWS = [
    ("K1", SIDI, "2", "aktif", {"bpnt": True, "pkh": True}),
    ("K1", SIDI, "", "aktif", {}),
    ("K2", SIDI, "5", "aktif", {"pbi": True}),
    ("K3", SIDI, "3", "nonaktif", {"pkh": True}),
    ("K4", SUMBUL, "", "aktif", {"bpnt": True}),
    ("K4", SUMBUL, "", "aktif", {}),
    ("K4", SUMBUL, "", "aktif", {}),
    ("K5", SUMBUL, "9", "aktif", {"bpnt": True}),
    ("K6", SUMBUL, "1", "aktif", {}),
    ("K7", SUMBUL, "", "aktif", {}),
    ("K7", SUMBUL, "4", "aktif", {"pbi": True}),
    ("K7", SUMBUL, "8", "aktif", {}),
]


def _persons(rows=ROWS, sumber: str = "dtsen") -> pd.DataFrame:
    p = make_persons(
        [
            {"kunci": k, "desa": d, "hub": 1 if i == 0 or rows[i - 1][0] != k else 3, **prog}
            for i, (k, d, _, _, prog) in enumerate(rows)
        ]
    )
    p["desil_nasional"] = [r[2] for r in rows]
    p["desil_provinsi"] = ["3" if r[0] == "K5" else r[2] for r in rows]
    p["desil_kabupaten_kota"] = ""
    p["status_keluarga"] = [r[3] for r in rows]
    p["sumber"] = sumber
    return p


def _hh(persons: pd.DataFrame, acuan: str = "nasional") -> pd.DataFrame:
    return households.build_households(
        persons, date(2025, 1, 31), umur_maks=110, kunci_rumah_tangga="no_kk", desil_acuan=acuan
    )


@pytest.fixture(scope="module")
def hh() -> pd.DataFrame:
    return _hh(_persons())


# -- households -------------------------------------------------------------------------
def test_household_desil_nonaktif_sumber(hh) -> None:
    h = hh.set_index("kunci")
    assert h["desil"].dtype == "Int8"
    want = {"K1": 2, "K2": 5, "K3": 3, "K4": None, "K5": 9, "K6": 1, "K7": 4}
    for k, d in want.items():
        assert pd.isna(h.at[k, "desil"]) if d is None else h.at[k, "desil"] == d, k
    assert h["nonaktif"].tolist() == [False, False, True, False, False, False, False]
    assert set(h["sumber"]) == {"dtsen"}


def test_dtks_persons_give_empty_desil_columns() -> None:
    """DTKS-only data: the DTSEN person columns are absent."""
    p = make_persons([{"kunci": "A", "hub": 1, "desa": SIDI}])
    h = _hh(p)
    assert h["desil"].isna().all() and not h["nonaktif"].any() and h["sumber"].tolist() == ["dtks"]
    assert not desil.has_dtsen(h)


def test_invalid_desil_is_not_ranked_and_sumber_any_member() -> None:
    rows = [("A", SIDI, "11", "aktif", {}), ("A", SIDI, "x", "aktif", {})]
    p = _persons(rows)
    p.loc[1, "sumber"] = "dtks"
    p.loc[0, "sumber"] = "dtsen"
    h = _hh(p)
    assert h["desil"].isna().all() and h["sumber"].tolist() == ["dtsen"]


def test_desil_acuan_switches_the_column() -> None:
    prov = _hh(_persons(), "provinsi").set_index("kunci")
    assert prov.at["K5", "desil"] == 3
    kab = _hh(_persons(), "kabupaten_kota")
    assert kab["desil"].isna().all()
    k = desil.ketepatan_sasaran(prov.reset_index(), "12.11", "Kabupaten Dairi", SASARAN)
    bpnt = k[(k["kode_kecamatan"] == "12.11") & (k["program"] == "bpnt")].iloc[0]
    # K5 (BPNT) is now desil 3: inside the target
    assert (bpnt["rt_penerima_sasaran"], bpnt["rt_penerima_luar_sasaran"]) == (2, 1)


# -- desil_kabupaten ----------------------------------------------------------------------
def test_desil_kabupaten_cells(hh) -> None:
    t = desil.desil_kabupaten(hh).set_index("desil")
    assert list(t.index) == [*(str(d) for d in range(1, 11)), "belum_diperingkat", "nonaktif"]
    want = {  # rumah_tangga, jiwa, rt_bpnt, rt_pbi_jkn, rt_pkh
        "1": (1, 1, 0, 0, 0),
        "2": (1, 2, 1, 0, 1),
        "4": (1, 3, 0, 1, 0),
        "5": (1, 1, 0, 1, 0),
        "9": (1, 1, 1, 0, 0),
        "belum_diperingkat": (1, 3, 1, 0, 0),
        "nonaktif": (1, 1, 0, 0, 1),
    }
    for label in t.index:
        assert tuple(t.loc[label]) == want.get(label, (0, 0, 0, 0, 0)), label
    assert t["rumah_tangga"].sum() == len(hh)  # same total as the other tables


# -- ketepatan_sasaran --------------------------------------------------------------------
def _row(k: pd.DataFrame, kode: str, prog: str) -> pd.Series:
    return k[(k["kode_kecamatan"] == kode) & (k["program"] == prog)].iloc[0]


@pytest.mark.parametrize(
    ("kode", "prog", "want"),
    [  # penerima, penerima_sasaran, luar_sasaran, sasaran, sasaran_tidak_menerima
        ("12.11", "bpnt", (3, 1, 2, 3, 2)),
        ("12.11", "pbi_jkn", (2, 2, 0, 4, 2)),
        ("12.11", "pkh", (2, 1, 1, 3, 2)),  # K3 nonaktif: outside the target
        ("12.11.01", "bpnt", (1, 1, 0, 1, 0)),
        ("12.11.01", "pbi_jkn", (1, 1, 0, 2, 1)),
        ("12.11.01", "pkh", (2, 1, 1, 1, 0)),
        ("12.11.02", "bpnt", (2, 0, 2, 2, 2)),  # K4 not ranked, K5 desil 9
        ("12.11.02", "pbi_jkn", (1, 1, 0, 2, 1)),
        ("12.11.02", "pkh", (0, 0, 0, 2, 2)),
        ("12.11.03", "pkh", (0, 0, 0, 0, 0)),
    ],
)
def test_ketepatan_cells(hh, kode, prog, want) -> None:
    k = desil.ketepatan_sasaran(hh, "12.11", "Kabupaten Dairi", SASARAN)
    r = _row(k, kode, prog)
    cols = [
        "rt_penerima",
        "rt_penerima_sasaran",
        "rt_penerima_luar_sasaran",
        "rt_sasaran",
        "rt_sasaran_tidak_menerima",
    ]
    assert tuple(int(r[c]) for c in cols) == want
    assert r["batas_desil"] == SASARAN[prog]
    inkl = 100 * want[2] / want[0] if want[0] else math.nan
    ekskl = 100 * want[4] / want[3] if want[3] else math.nan
    for got, exp in ((r["persen_salah_inklusi"], inkl), (r["persen_salah_eksklusi"], ekskl)):
        assert (math.isnan(got) and math.isnan(exp)) or got == pytest.approx(exp)


def test_ketepatan_layout(hh) -> None:
    k = desil.ketepatan_sasaran(hh, "12.11", "Kabupaten Dairi", SASARAN)
    assert tuple(k.columns) == desil.KETEPATAN_COLUMNS
    assert k.iloc[0]["kecamatan"] == "Kabupaten Dairi" and k.iloc[0]["kode_kecamatan"] == "12.11"
    assert k["program"].tolist()[:6] == ["bpnt", "pbi_jkn", "pkh"] * 2
    assert len(k) == 3 * 16  # kabupaten + the 15 kecamatan of Dairi


# -- arus_desil ---------------------------------------------------------------------------
def test_arus_desil_entries_exits_and_moves() -> None:
    prev = pd.DataFrame(
        {"kunci": ["K1", "K2", "K8"], "desil": pd.array([2, 5, 7], dtype="Int8")}
    ).assign(nonaktif=False)
    cur = pd.DataFrame(
        {"kunci": ["K1", "K2", "K9"], "desil": pd.array([3, 5, pd.NA], dtype="Int8")}
    ).assign(nonaktif=[False, True, False])
    a = desil.arus_desil(prev, cur).set_index("desil_lalu")
    assert list(a.index) == [*desil.LABELS, "masuk"]
    assert list(a.columns) == [*desil.LABELS, "keluar"]
    expect = {
        ("2", "3"): 1,
        ("5", "nonaktif"): 1,
        ("7", "keluar"): 1,
        ("masuk", "belum_diperingkat"): 1,
    }
    for (r, c), v in expect.items():
        assert a.at[r, c] == v
    assert a.to_numpy().sum() == 4


# -- rekap_desil and its disclosure control -----------------------------------------------
def test_rekap_desil_full_cells(hh) -> None:
    full = desil.rekap_desil_lengkap(hh, "12.11")  # what rekap_desil protects
    f = full.set_index(["kode_kecamatan", "desil"])
    assert tuple(f.loc[("12.11.01", "nonaktif")])[1:] == (1, 1, 0, 0, 1)
    assert tuple(f.loc[("12.11.02", "4")])[1:] == (1, 3, 0, 1, 0)
    assert f["rumah_tangga"].sum() == 7 and len(full) == 15 * 12


def _random_households(n: int = 4000, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    kec = [f"12.11.{i:02d}" for i in range(1, 16)]
    d = rng.integers(1, 11, n).astype(float)
    d[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "kunci": [f"K{i:05d}" for i in range(n)],
            "kode_kecamatan": rng.choice(
                kec, n, p=np.linspace(1, 3, 15) / np.linspace(1, 3, 15).sum()
            ),
            "jiwa": rng.integers(1, 7, n),
            "bpnt": rng.random(n) < 0.3,
            "pbi_jkn": rng.random(n) < 0.5,
            "pkh": rng.random(n) < 0.15,
            "desil": pd.array(d, dtype="Float64").astype("Int8"),
            "nonaktif": rng.random(n) < 0.03,
            "imputasi": False,
        }
    )


def _protected(hh: pd.DataFrame, min_cell: int = 3):
    """(truth, the three published desil tables, kecamatan totals) as desil_tables makes them."""
    full = desil.rekap_desil_lengkap(hh, "12.11")
    pub, mask = desil.protect(full, min_cell, SASARAN)
    dk = desil.hide_kabupaten(desil.desil_kabupaten(hh), mask)
    ket = desil.hide_ketepatan(desil.ketepatan_sasaran(hh, "12.11", "Kab", SASARAN), mask)
    totals = full.groupby(full["kode_kecamatan"].fillna(""))[list(desil.COUNTS)].sum()
    return full, pub, dk, ket, totals


def test_rekap_desil_protected_against_every_published_table() -> None:
    hh = _random_households()
    full, pub, dk, ket, totals = _protected(hh)
    cols = list(desil.COUNTS)
    v = full[cols].to_numpy()
    hidden = pub[cols].isna().to_numpy()
    assert hidden[(v >= 1) & (v <= 3)].all(), "every primary cell is hidden"
    shown = pub[cols].to_numpy(dtype=float)
    assert (shown[~hidden] == v[~hidden]).all()
    found = desil_attack.attack(full, pub, dk, ket, totals, 3)
    assert len(found) >= hidden.sum()
    assert desil_attack.disclosed(found).empty, desil_attack.disclosed(found)


def test_zero_one_row_over_fifteen_kecamatan_is_protected(caplog) -> None:
    """Desil 10 x BPNT: 8 recipients, one in each of 8 kecamatan, none in the 7 others. Its
    cells are 1 (primary, hidden) or 0 (published): with the kabupaten cell published, the
    strong attacker pins every hidden 1 (8 hidden cells of at least 1 each, summing to 8)."""
    hh = _random_households()
    d10 = (hh["desil"] == 10).fillna(False).to_numpy()
    hh.loc[d10, "bpnt"] = False
    kec = [f"12.11.{i:02d}" for i in range(1, 16)]
    first = hh[d10].drop_duplicates("kode_kecamatan").set_index("kode_kecamatan")["kunci"]
    chosen = first.reindex(kec[::2]).dropna()  # kecamatan 01, 03, .., 15: 8 of them
    assert len(chosen) == 8
    hh.loc[hh["kunci"].isin(chosen), "bpnt"] = True
    with caplog.at_level("WARNING"):
        full, pub, dk, ket, totals = _protected(hh)
    assert "tetap dapat dihitung" not in caplog.text
    row = full[(full["desil"] == "10")].set_index("kode_kecamatan")["rt_bpnt"]
    assert sorted(row.tolist()) == [0] * 7 + [1] * 8
    found = desil_attack.attack(full, pub, dk, ket, totals, 3)
    assert desil_attack.disclosed(found).empty, desil_attack.disclosed(found)
    # the same rekap_desil mask with desil_kabupaten published in full gives the 1s away
    full_dk = desil.desil_kabupaten(hh)
    leak = desil_attack.disclosed(desil_attack.attack(full, pub, full_dk, ket, totals, 3))
    assert {"10"} <= {b.split("/")[1] for b in leak.loc[leak["kolom"] == "rt_bpnt", "baris"]}


# -- parameters ---------------------------------------------------------------------------
def test_default_parameters() -> None:
    s = load_settings("2023-12")
    assert s.desil_acuan == "nasional" and s.sasaran_desil == SASARAN
    assert load_settings("2023-12", sasaran_desil={"pkh": 3}).sasaran_desil["pkh"] == 3


@pytest.mark.parametrize(
    "bad",
    [
        {"desil_acuan": "kota"},
        {"sasaran_desil": {"pkh": 11}},
        {"sasaran_desil": {"pkh": 0}},
        {"sasaran_desil": {"pkh": True}},
        {"sasaran_desil": {"sembako": 4}},
        {"sasaran_desil": [4, 5, 4]},
    ],
)
def test_parameter_refusals(bad) -> None:
    with pytest.raises(ParamsError):
        load_settings("2023-12", **bad)
