"""nonresponse.adjust: carry-forward of villages that sent nothing this month."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dtks_analysis.counting.households import build_households
from dtks_analysis.counting.nonresponse import NONRESPON_COLUMNS, adjust
from tests.unit.test_households import make_persons

REF_PREV = date(2023, 11, 30)
REF_CUR = date(2023, 12, 31)


def _prev() -> pd.DataFrame:
    rows = [
        {"kunci": "A1", "desa": "12.11.01.2008", "hub": 1, "bpnt": True},
        {"kunci": "A1", "desa": "12.11.01.2008"},
        {"kunci": "A2", "desa": "12.11.01.2008", "hub": 1},
        {"kunci": "A3", "desa": "12.11.01.2008", "hub": 1},  # moves to another village
        {"kunci": "B1", "desa": "12.11.01.2011", "hub": 1},
        {"kunci": "C1", "desa": "12.11.02.2001", "hub": 1},
        {"kunci": "U1", "desa": None, "hub": 1},  # unknown village: never a non-respondent
    ]
    return build_households(make_persons(rows), REF_PREV, umur_maks=110, kunci_rumah_tangga="no_kk")


def _cur_persons() -> pd.DataFrame:
    rows = [
        {"kunci": "B1", "desa": "12.11.01.2011", "hub": 1},
        {"kunci": "A3", "desa": "12.11.01.2011", "hub": 1},
        {"kunci": "B2", "desa": "12.11.01.2011", "hub": 1},
        {"kunci": "C9", "desa": "12.11.02.2002", "hub": 1},
        # a row of village 12.11.02.2001 whose household lives mostly elsewhere: the
        # village sent rows, so it is a respondent
        {"kunci": "C9", "desa": "12.11.02.2001"},
        {"kunci": "C9", "desa": "12.11.02.2002"},
    ]
    return make_persons(rows)


def test_carry_forward_of_non_respondent_village():
    persons = _cur_persons()
    cur = build_households(persons, REF_CUR, umur_maks=110, kunci_rumah_tangga="no_kk")
    adjusted, table = adjust(cur, _prev(), set(persons["kode_desa"].dropna()))
    assert adjusted["kunci"].tolist() == ["A1", "A2", "A3", "B1", "B2", "C9"]
    imp = adjusted.set_index("kunci")["imputasi"]
    assert imp[["A1", "A2"]].all() and not imp[["A3", "B1", "B2", "C9"]].any()
    # the carried-forward household keeps last month's data
    a1 = adjusted.set_index("kunci").loc["A1"]
    assert (a1["jiwa"], a1["bpnt"], a1["kode_desa"]) == (2, True, "12.11.01.2008")
    # A3 is present this month (in its new village): its current row, not imputed
    assert adjusted.set_index("kunci").loc["A3", "kode_desa"] == "12.11.01.2011"
    assert list(table.columns) == list(NONRESPON_COLUMNS)
    assert table.to_dict("records") == [
        {
            "kode_kecamatan": "12.11.01",
            "kecamatan": "Sidikalang",
            "kode_desa": "12.11.01.2008",
            "desa": "Belang Malum",
            "rumah_tangga": 2,
        }
    ]
    assert adjusted.dtypes.equals(cur.dtypes)


def test_villages_as_series_with_missing_values():
    persons = _cur_persons()
    cur = build_households(persons, REF_CUR, umur_maks=110, kunci_rumah_tangga="no_kk")
    villages = pd.concat([persons["kode_desa"], pd.Series([None])])
    adjusted, table = adjust(cur, _prev(), villages)
    assert table["kode_desa"].tolist() == ["12.11.01.2008"]
    assert int(adjusted["imputasi"].sum()) == 2


def test_imputed_households_are_not_carried_twice():
    prev = _prev()
    prev.loc[prev["kunci"].isin(["A1", "A2", "A3"]), "imputasi"] = True
    persons = _cur_persons()
    cur = build_households(persons, REF_CUR, umur_maks=110, kunci_rumah_tangga="no_kk")
    adjusted, table = adjust(cur, prev, set(persons["kode_desa"].dropna()))
    assert table.empty and list(table.columns) == list(NONRESPON_COLUMNS)
    assert not adjusted["imputasi"].any() and len(adjusted) == len(cur)


def test_village_with_all_keys_present_is_listed_with_zero():
    prev = build_households(
        make_persons([{"kunci": "X", "desa": "12.11.02.2001"}]),
        REF_PREV,
        umur_maks=110,
        kunci_rumah_tangga="no_kk",
    )
    persons = make_persons([{"kunci": "X", "desa": "12.11.02.2002"}])
    cur = build_households(persons, REF_CUR, umur_maks=110, kunci_rumah_tangga="no_kk")
    adjusted, table = adjust(cur, prev, set(persons["kode_desa"]))
    assert table[["kode_desa", "rumah_tangga"]].values.tolist() == [["12.11.02.2001", 0]]
    assert len(adjusted) == 1 and not adjusted["imputasi"].any()


def test_no_previous_month_leaves_households_unchanged():
    persons = _cur_persons()
    cur = build_households(persons, REF_CUR, umur_maks=110, kunci_rumah_tangga="no_kk")
    for prev in (None, cur.iloc[:0]):
        adjusted, table = adjust(cur, prev, set(persons["kode_desa"]))
        pd.testing.assert_frame_equal(adjusted, cur)
        assert table.empty and str(table["rumah_tangga"].dtype) == "int64"


def test_empty_current_month_carries_everything_known():
    prev = _prev()
    cur = build_households(
        make_persons([{"kunci": "Z"}]), REF_CUR, umur_maks=110, kunci_rumah_tangga="no_kk"
    ).iloc[:0]
    adjusted, table = adjust(cur, prev, set())
    assert adjusted["kunci"].tolist() == ["A1", "A2", "A3", "B1", "C1"]
    assert adjusted["imputasi"].all()
    assert table["rumah_tangga"].tolist() == [3, 1, 1]
    assert str(adjusted["jiwa"].dtype) == "int64"
