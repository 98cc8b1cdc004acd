"""households.build_households on small hand-computed person tables."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dtks_analysis.counting.households import HOUSEHOLD_COLUMNS, build_households, umur_tahun

REF = date(2023, 12, 31)
KEC = {"12.11.01": "Sidikalang", "12.11.02": "Sumbul"}
DESA = {
    "12.11.01.2008": "Belang Malum",
    "12.11.01.2011": "Huta Rakyat",
    "12.11.01.2012": "Kalang",
    "12.11.02.2001": "Pegagan Julu X",
    "12.11.02.2002": "Pegagan Julu IX",
}


def make_persons(rows: list[dict[str, Any]], disabilitas: bool = True) -> pd.DataFrame:
    """Counted person table (validate(...).persons schema) from short row dicts.

    Keys: kunci, hub, jk, lahir, bpnt, pbi, pkh, desa (code; sets kecamatan from it),
    kec (override kecamatan code), dis, file, sheet, row. Omitted: sensible defaults.
    """
    recs = []
    for i, r in enumerate(rows):
        desa = r.get("desa")
        kec = r.get("kec", desa[:8] if desa else None)
        recs.append(
            {
                "no_kk": r["kunci"],
                "nik": f"{i:016d}",
                "nama": f"ORANG {i}",
                "hubungan": r.get("hub", 3),
                "jenis_kelamin": r.get("jk", "L"),
                "tanggal_lahir": r.get("lahir", "1990-01-01"),
                "bpnt": r.get("bpnt", False),
                "pbi_jkn": r.get("pbi", False),
                "pkh": r.get("pkh", False),
                "kode_kecamatan": kec,
                "kecamatan": KEC.get(kec) if kec else None,
                "kode_desa": desa,
                "desa": DESA.get(desa) if desa else None,
                "disabilitas": r.get("dis"),
                "_file": r.get("file", "a.xlsx"),
                "_sheet": r.get("sheet", "Sheet1"),
                "_row": r.get("row", i + 2),
                "kunci": r["kunci"],
            }
        )
    df = pd.DataFrame(recs)
    df["hubungan"] = df["hubungan"].astype("Int8")
    df["tanggal_lahir"] = pd.to_datetime(df["tanggal_lahir"])
    for c in ("bpnt", "pbi_jkn", "pkh"):
        df[c] = df[c].astype("boolean")
    df["_row"] = df["_row"].astype("int64")
    if not disabilitas:
        df = df.drop(columns="disabilitas")
    return df


def one(hh: pd.DataFrame, key: str) -> pd.Series:
    return hh.set_index("kunci").loc[key]


def test_columns_dtypes_and_sorted_keys():
    p = make_persons([{"kunci": "K2", "hub": 1}, {"kunci": "K1", "hub": 1}])
    hh = build_households(p, REF, umur_maks=110, kunci_rumah_tangga="no_kk")
    assert list(hh.columns) == list(HOUSEHOLD_COLUMNS)
    assert hh["kunci"].tolist() == ["K1", "K2"]
    assert str(hh["jiwa"].dtype) == "int64"
    assert str(hh["umur_kepala"].dtype) == "Int64"
    assert str(hh["n_disabilitas"].dtype) == "Int64"
    assert hh["bpnt"].dtype == bool and hh["imputasi"].dtype == bool
    assert not hh["imputasi"].any()


def test_empty_input_gives_empty_table_with_columns():
    p = make_persons([{"kunci": "K1"}]).iloc[:0]
    hh = build_households(p, REF, umur_maks=110, kunci_rumah_tangga="no_kk")
    assert len(hh) == 0 and list(hh.columns) == list(HOUSEHOLD_COLUMNS)


def test_kecamatan_decided_first_then_village_within_it():
    # village 12.11.01.2008 is the most frequent overall (3 rows), but kecamatan 12.11.02 wins
    # 4-3, so the village is chosen among its rows: all tied at 1 -> first in file order (2002)
    rows = [
        {"kunci": "K", "desa": "12.11.01.2008", "row": 2},
        {"kunci": "K", "desa": "12.11.01.2008", "row": 3},
        {"kunci": "K", "desa": "12.11.01.2008", "row": 4},
        {"kunci": "K", "desa": "12.11.02.2001", "row": 9},
        {"kunci": "K", "desa": "12.11.02.2002", "row": 5},
        {"kunci": "K", "kec": "12.11.02", "desa": None, "row": 6},
        {"kunci": "K", "kec": "12.11.02", "desa": None, "row": 7},
    ]
    h = one(
        build_households(make_persons(rows), REF, umur_maks=110, kunci_rumah_tangga="no_kk"), "K"
    )
    assert h["kode_kecamatan"] == "12.11.02" and h["kecamatan"] == "Sumbul"
    assert h["kode_desa"] == "12.11.02.2002" and h["desa"] == "Pegagan Julu IX"
    assert h["n_desa"] == 3


def test_tie_goes_to_first_row_in_file_order_not_frame_order():
    rows = [
        {"kunci": "K", "desa": "12.11.01.2008", "file": "b.xlsx", "row": 2},
        {"kunci": "K", "desa": "12.11.02.2001", "file": "a.xlsx", "sheet": "S2", "row": 2},
        {"kunci": "K", "desa": "12.11.02.2002", "file": "a.xlsx", "sheet": "S1", "row": 10},
        {"kunci": "K", "desa": "12.11.01.2011", "file": "a.xlsx", "sheet": "S1", "row": 11},
    ]
    # kecamatan tie 2-2: first row in file order is a.xlsx/S1/10 (12.11.02); village tie within
    # 12.11.02: 2002 (a.xlsx/S1/10) before 2001 (a.xlsx/S2/2)
    h = one(
        build_households(make_persons(rows), REF, umur_maks=110, kunci_rumah_tangga="no_kk"), "K"
    )
    assert (h["kode_kecamatan"], h["kode_desa"]) == ("12.11.02", "12.11.02.2002")
    # numeric row order, not text order: row 9 comes before row 10
    rows2 = [
        {"kunci": "K", "desa": "12.11.01.2008", "row": 10},
        {"kunci": "K", "desa": "12.11.02.2001", "row": 9},
    ]
    h2 = one(
        build_households(make_persons(rows2), REF, umur_maks=110, kunci_rumah_tangga="no_kk"), "K"
    )
    assert h2["kode_desa"] == "12.11.02.2001"


def test_unknown_region_is_ignored_unless_nothing_is_known():
    rows = [
        {"kunci": "A", "desa": None},
        {"kunci": "A", "desa": None},
        {"kunci": "A", "desa": "12.11.01.2012"},
        {"kunci": "B", "desa": None},
        {"kunci": "C", "kec": "12.11.01", "desa": None},
    ]
    hh = build_households(
        make_persons(rows), REF, umur_maks=110, kunci_rumah_tangga="no_kk"
    ).set_index("kunci")
    assert hh.loc["A", "kode_desa"] == "12.11.01.2012"
    assert hh.loc["B", ["kode_kecamatan", "kecamatan", "kode_desa", "desa"]].isna().all()
    assert hh.loc["C", "kode_kecamatan"] == "12.11.01"
    assert hh.loc["C", "kode_desa"] is None
    assert hh["n_desa"].tolist() == [1, 0, 0]


def test_head_first_in_file_order_and_missing_head():
    rows = [
        {"kunci": "A", "hub": 3, "jk": "P", "lahir": "2010-05-01", "row": 2},
        {"kunci": "A", "hub": 1, "jk": "P", "lahir": "1970-06-15", "row": 5},
        {"kunci": "A", "hub": 1, "jk": "L", "lahir": "1960-01-01", "row": 4},
        {"kunci": "B", "hub": 2, "jk": "P", "row": 6},
        {"kunci": "B", "hub": None, "jk": "L", "row": 7},
        {"kunci": "C", "hub": 1, "jk": None, "lahir": None, "row": 8},
    ]
    hh = build_households(
        make_persons(rows), REF, umur_maks=110, kunci_rumah_tangga="no_kk"
    ).set_index("kunci")
    assert hh.loc["A", "jk_kepala"] == "L" and hh.loc["A", "umur_kepala"] == 63
    assert hh.loc["B", "jk_kepala"] is None and pd.isna(hh.loc["B", "umur_kepala"])
    assert hh.loc["C", "jk_kepala"] is None and pd.isna(hh.loc["C", "umur_kepala"])
    assert hh["jiwa"].tolist() == [3, 2, 1]


def test_age_boundaries_children_and_elderly():
    rows = [
        {"kunci": "K", "lahir": "2005-12-31"},  # 18 today -> not a child
        {"kunci": "K", "lahir": "2006-01-01"},  # 17 -> child
        {"kunci": "K", "lahir": "2023-12-31"},  # 0 -> child
        {"kunci": "K", "lahir": "1963-12-31"},  # 60 -> elderly
        {"kunci": "K", "lahir": "1964-01-01"},  # 59
        {"kunci": "K", "lahir": "2024-01-01"},  # after the reference date -> unknown
        {"kunci": "K", "lahir": "1900-01-01"},  # 123 > umur_maks -> unknown
        {"kunci": "K", "lahir": None},
    ]
    h = one(
        build_households(make_persons(rows), REF, umur_maks=110, kunci_rumah_tangga="no_kk"), "K"
    )
    assert (h["n_anak"], h["n_lansia"], h["jiwa"]) == (2, 1, 8)
    ages = umur_tahun(
        pd.to_datetime(pd.Series(["2000-02-29", "2000-03-01"])), date(2023, 2, 28), 110
    )
    assert ages.tolist() == [22, 22]
    assert umur_tahun(
        pd.to_datetime(pd.Series(["2000-02-29"])), date(2024, 2, 29), 110
    ).tolist() == [24]


def test_programs_any_member_and_unrecognised_counts_as_not_receiving():
    rows = [
        {"kunci": "A", "bpnt": None, "pbi": True, "pkh": False},
        {"kunci": "A", "bpnt": False, "pbi": None, "pkh": None},
        {"kunci": "B", "bpnt": None, "pbi": None, "pkh": True},
    ]
    hh = build_households(
        make_persons(rows), REF, umur_maks=110, kunci_rumah_tangga="no_kk"
    ).set_index("kunci")
    assert hh.loc["A", ["bpnt", "pbi_jkn", "pkh"]].tolist() == [False, True, False]
    assert hh.loc["B", ["bpnt", "pbi_jkn", "pkh"]].tolist() == [False, False, True]


def test_disability_counts_truthy_values_and_na_without_data():
    rows = [
        {"kunci": "A", "dis": "Ya", "file": "a.xlsx"},
        {"kunci": "A", "dis": "TUNA NETRA", "file": "a.xlsx"},
        {"kunci": "A", "dis": "Tidak", "file": "a.xlsx"},
        {"kunci": "A", "dis": None, "file": "a.xlsx"},
        {"kunci": "B", "dis": None, "file": "a.xlsx"},  # file a carries the column -> 0
        {"kunci": "C", "dis": None, "file": "b.csv"},  # file b has no disability data -> NA
        {"kunci": "D", "dis": " tidak ada ", "file": "c.csv"},
    ]
    hh = build_households(
        make_persons(rows), REF, umur_maks=110, kunci_rumah_tangga="no_kk"
    ).set_index("kunci")
    assert hh.loc["A", "n_disabilitas"] == 2
    assert hh.loc["B", "n_disabilitas"] == 0
    assert pd.isna(hh.loc["C", "n_disabilitas"])
    assert hh.loc["D", "n_disabilitas"] == 0
    no_col = build_households(
        make_persons(rows, disabilitas=False), REF, umur_maks=110, kunci_rumah_tangga="no_kk"
    )
    assert no_col["n_disabilitas"].isna().all()


def test_key_missing_raises():
    p = make_persons([{"kunci": "A"}, {"kunci": "B"}])
    p.loc[1, "kunci"] = None
    with pytest.raises(ValueError, match="kunci"):
        build_households(p, REF, umur_maks=110, kunci_rumah_tangga="no_kk")


# -- property: the vectorised build equals a plain per-household reference ------------------


def _reference(p: pd.DataFrame) -> pd.DataFrame:
    p = p.sort_values(["_file", "_sheet", "_row"], kind="stable").reset_index(drop=True)
    age = umur_tahun(p["tanggal_lahir"], REF, 110)
    out = []
    for key in sorted(p["kunci"].unique()):
        m = p[p["kunci"] == key]
        a = age[m.index]

        def mode_first(s: pd.Series) -> Any:
            s = s.dropna()
            if s.empty:
                return None
            counts = s.value_counts()
            best = counts[counts == counts.max()].index
            return s[s.isin(best)].iloc[0]

        kec = mode_first(m["kode_kecamatan"])
        same = m[m["kode_kecamatan"] == kec] if kec is not None else m[m["kode_kecamatan"].isna()]
        desa = mode_first(same["kode_desa"])
        heads = m[m["hubungan"] == 1]
        out.append(
            {
                "kunci": key,
                "kode_kecamatan": kec,
                "kode_desa": desa,
                "jiwa": len(m),
                "jk_kepala": heads["jenis_kelamin"].iloc[0] if len(heads) else None,
                "umur_kepala": a[heads.index[0]] if len(heads) else pd.NA,
                "n_anak": int((a < 18).sum()),
                "n_lansia": int((a >= 60).sum()),
                "bpnt": bool(m["bpnt"].fillna(False).any()),
                "pkh": bool(m["pkh"].fillna(False).any()),
                "n_desa": m["kode_desa"].nunique(),
            }
        )
    return pd.DataFrame(out)


person_rows = st.lists(
    st.fixed_dictionaries(
        {
            "kunci": st.sampled_from(["K1", "K2", "K3", "K4"]),
            "hub": st.sampled_from([1, 2, 3, None]),
            "jk": st.sampled_from(["L", "P", None]),
            "lahir": st.sampled_from(
                ["1940-03-01", "1963-12-31", "2006-01-01", "1990-07-07", None]
            ),
            "bpnt": st.sampled_from([True, False, None]),
            "pkh": st.sampled_from([True, False, None]),
            "desa": st.sampled_from([*DESA, None]),
            "file": st.sampled_from(["a.xlsx", "b.xlsx"]),
            "row": st.integers(2, 30),
        }
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(person_rows)
def test_matches_plain_reference(rows):
    p = make_persons(rows)
    got = build_households(p, REF, umur_maks=110, kunci_rumah_tangga="no_kk")
    want = _reference(p)
    assert got["kunci"].tolist() == want["kunci"].tolist()
    for col in want.columns:
        g = got[col].astype(object).where(got[col].notna(), None).tolist()
        w = want[col].astype(object).where(want[col].notna(), None).tolist()
        assert g == w, col


def test_large_frame_is_vectorised_enough():
    n = 200_000
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 50_000, n)
    desa = np.array(list(DESA))[rng.integers(0, len(DESA), n)]
    p = pd.DataFrame(
        {
            "kunci": pd.Series(keys).map("{:016d}".format),
            "hubungan": pd.array(rng.integers(1, 4, n), dtype="Int8"),
            "jenis_kelamin": np.where(rng.random(n) < 0.5, "L", "P"),
            "tanggal_lahir": pd.to_datetime("1950-01-01")
            + pd.to_timedelta(rng.integers(0, 25_000, n), "D"),
            "bpnt": pd.array(rng.random(n) < 0.3, dtype="boolean"),
            "pbi_jkn": pd.array(rng.random(n) < 0.5, dtype="boolean"),
            "pkh": pd.array(rng.random(n) < 0.1, dtype="boolean"),
            "kode_kecamatan": [d[:8] for d in desa],
            "kecamatan": "x",
            "kode_desa": desa,
            "desa": "y",
            "disabilitas": None,
            "_file": "a.xlsx",
            "_sheet": "S",
            "_row": np.arange(n) + 2,
        }
    )
    import time

    t0 = time.perf_counter()
    hh = build_households(p, REF, umur_maks=110, kunci_rumah_tangga="no_kk")
    assert time.perf_counter() - t0 < 20
    assert hh["jiwa"].sum() == n and len(hh) == len(set(keys))


def test_key_chosen_when_persons_have_none():
    p = make_persons([{"kunci": "K1", "hub": 1}, {"kunci": "K1"}, {"kunci": "K2", "hub": 1}])
    p = p.drop(columns="kunci")
    p["id_dtks"] = [" D1 ", None, "D1"]
    assert build_households(p, REF, umur_maks=110, kunci_rumah_tangga="no_kk")[
        "kunci"
    ].tolist() == ["K1", "K2"]
    by_id = build_households(p, REF, kunci_rumah_tangga="id_dtks", umur_maks=110)
    assert by_id["kunci"].tolist() == ["D1", "K1"]  # "D1" trimmed; no id_dtks: the No KK
    assert by_id["jiwa"].tolist() == [2, 1]
