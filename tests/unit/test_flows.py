"""flows.*: stay/new/exit per program and monthly trends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dtks_analysis.config import ParamsError
from dtks_analysis.counting import flows


def hh(spec: dict[str, str]) -> pd.DataFrame:
    """Households from {kunci: programs} where programs is a string of b/p/k letters."""
    keys = sorted(spec)
    return pd.DataFrame(
        {
            "kunci": keys,
            "bpnt": [("b" in spec[k]) for k in keys],
            "pbi_jkn": [("p" in spec[k]) for k in keys],
            "pkh": [("k" in spec[k]) for k in keys],
            "imputasi": False,
        }
    )


PREV = hh({"A": "bp", "B": "b", "C": "pk", "D": "", "E": "b"})
CUR = hh({"A": "b", "B": "", "C": "pk", "F": "bpk", "G": "b", "D": "p"})


def test_arus_program_hand_computed():
    a = flows.arus_program(PREV, CUR)
    assert list(a.columns) == list(flows.ARUS_COLUMNS)
    assert a["program"].tolist() == ["bpnt", "pbi_jkn", "pkh"]
    rows = a.set_index("program")
    # bpnt: prev {A,B,E}, cur {A,F,G}: stay A, new F G, exit B E
    assert rows.loc["bpnt"].tolist() == [3, 2, 2, 1, 3]
    # pbi: prev {A,C}, cur {C,F,D}: stay C, new F D, exit A
    assert rows.loc["pbi_jkn"].tolist() == [2, 2, 1, 1, 3]
    # pkh: prev {C}, cur {C,F}
    assert rows.loc["pkh"].tolist() == [1, 1, 0, 1, 2]
    assert all(str(a[c].dtype) == "Int64" for c in flows.ARUS_COLUMNS[1:])
    assert (a["bulan_ini"] == a["bulan_lalu"] + a["baru"] - a["keluar"]).all()


def test_first_month_only_stock():
    a = flows.arus_program(None, CUR)
    assert a["bulan_ini"].tolist() == [3, 3, 2]
    assert a[["bulan_lalu", "baru", "keluar", "bertahan"]].isna().all().all()
    assert str(a["baru"].dtype) == "Int64"


def test_unrecognised_flags_count_as_not_receiving():
    cur = CUR.astype({"pkh": "boolean"})
    cur.loc[cur["kunci"] == "C", "pkh"] = pd.NA
    a = flows.arus_program(PREV, cur).set_index("program")
    assert a.loc["pkh"].tolist() == [1, 1, 1, 0, 1]


def test_duplicated_keys_refused():
    with pytest.raises(ValueError, match="ganda"):
        flows.arus_program(PREV, pd.concat([CUR, CUR.iloc[:1]]))


def test_identity_violation_raises(monkeypatch):
    # a receiver list with a repeated key (cannot come from a checked table) breaks the identity
    def broken(table: pd.DataFrame, program: str) -> pd.Index:
        base = pd.Index(table["kunci"][table[program]])
        return base.append(base[:1]) if table is CUR else base

    monkeypatch.setattr(flows, "_receivers", broken)
    with pytest.raises(flows.FlowIdentityError, match="bpnt"):
        flows.arus_program(PREV, CUR)


def test_tren_bulanan_sorted():
    t = flows.tren_bulanan({"2024-01": CUR, "2023-12": PREV})
    assert t["bulan"].tolist() == ["2023-12", "2024-01"]
    assert t[["rumah_tangga", "rt_bpnt", "rt_pbi_jkn", "rt_pkh"]].values.tolist() == [
        [5, 3, 2, 1],
        [6, 3, 3, 2],
    ]
    assert str(t["rumah_tangga"].dtype) == "int64"
    # households receiving at least one program (the Ringkasan's "tidak menerima" change)
    assert t["rt_bansos"].tolist() == [4, 5]
    with pytest.raises(ParamsError):
        flows.tren_bulanan({"2023-13": CUR})


def test_tren_kualitas_error_rate():
    f1 = pd.DataFrame(
        {"record": [0, 0, 1, 2, 3], "tingkat": ["error", "error", "warning", "error", "note"]}
    )
    t = flows.tren_kualitas({"2023-12": f1, "2024-01": f1.iloc[:0]}, {"2023-12": 8, "2024-01": 4})
    assert t["bulan"].tolist() == ["2023-12", "2024-01"]
    assert t["catatan_error"].tolist() == [2, 0]
    assert t["persen_error"].tolist() == pytest.approx([25.0, 0.0])
    t2 = flows.tren_kualitas({}, {"2024-02": 0})
    assert np.isnan(t2["persen_error"].iloc[0])
