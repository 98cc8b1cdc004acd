"""stats.*: fixed-shape published tables on hand-computed household frames."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dtks_analysis.counting import stats
from tests.unit.test_households import make_persons


def make_hh(rows: list[tuple]) -> pd.DataFrame:
    """Households from (kode_desa or kode_kecamatan or None, jiwa, bpnt, pbi, pkh, imputasi,
    jk_kepala) tuples; a village code sets its kecamatan."""
    recs = []
    for i, (code, jiwa, b, p, k, imp, jk) in enumerate(rows):
        kec = code[:8] if code else None
        desa = code if code and len(code) > 8 else None
        recs.append(
            {
                "kunci": f"K{i:03d}",
                "kode_kecamatan": kec,
                "kecamatan": "x" if kec else None,
                "kode_desa": desa,
                "desa": "y" if desa else None,
                "jiwa": jiwa,
                "jk_kepala": jk,
                "bpnt": b,
                "pbi_jkn": p,
                "pkh": k,
                "imputasi": imp,
            }
        )
    return pd.DataFrame(recs)


HH = make_hh(
    [
        ("12.11.01.2008", 4, True, True, False, False, "L"),
        ("12.11.01.2008", 1, False, False, False, True, "P"),
        ("12.11.01", 3, False, False, True, False, None),  # known kecamatan, unknown village
        ("12.11.15.2001", 9, True, False, False, False, "L"),
        (None, 2, False, True, True, False, "L"),
    ]
)


def test_rekap_kecamatan_all_kecamatan_and_unknown_row():
    rk = stats.rekap_kecamatan(HH, "12.11")
    assert list(rk.columns) == ["kode_kecamatan", "kecamatan", *stats.MEASURES]
    assert len(rk) == 16
    assert rk["kode_kecamatan"].iloc[:15].tolist() == [f"12.11.{i:02d}" for i in range(1, 16)]
    assert rk.iloc[-1][["kode_kecamatan", "kecamatan"]].tolist() == ["", "Tidak diketahui"]
    s01 = rk.set_index("kode_kecamatan").loc["12.11.01"]
    assert s01["kecamatan"] == "Sidikalang"
    assert s01[list(stats.MEASURES)].tolist() == [3, 8, 1, 1, 1, 2, 1]
    unk = rk.iloc[-1][list(stats.MEASURES)].tolist()
    assert unk == [1, 2, 0, 1, 1, 1, 0]
    assert (rk.loc[rk["kode_kecamatan"] == "12.11.02", list(stats.MEASURES)] == 0).all().all()
    assert all(str(rk[c].dtype) == "int64" for c in stats.MEASURES)
    assert rk["rumah_tangga"].sum() == len(HH) and rk["jiwa"].sum() == HH["jiwa"].sum()


def test_rekap_kecamatan_without_unknown_has_15_rows():
    rk = stats.rekap_kecamatan(HH[HH["kode_kecamatan"].notna()], "12.11")
    assert len(rk) == 15 and "" not in rk["kode_kecamatan"].tolist()
    empty = stats.rekap_kecamatan(HH.iloc[:0], "12.11")
    assert len(empty) == 15 and empty["rumah_tangga"].sum() == 0


def test_rekap_desa_layout_and_values():
    rd = stats.rekap_desa(HH, "12.11")
    assert list(rd.columns[:4]) == ["kode_kecamatan", "kecamatan", "kode_desa", "desa"]
    assert len(rd) == 169 + 2  # one unknown village in 12.11.01 + unknown kecamatan
    known = rd[rd["kode_desa"] != ""]
    assert known["kode_desa"].tolist() == sorted(known["kode_desa"])
    # the unknown-village row of 12.11.01 follows its last village, before 12.11.02
    pos = rd.index[(rd["kode_kecamatan"] == "12.11.01") & (rd["kode_desa"] == "")][0]
    assert rd.loc[pos - 1, "kode_kecamatan"] == "12.11.01"
    assert rd.loc[pos + 1, "kode_kecamatan"] == "12.11.02"
    assert rd.loc[pos, "desa"] == "Tidak diketahui" and rd.loc[pos, "rumah_tangga"] == 1
    last = rd.iloc[-1]
    assert last[["kode_kecamatan", "kecamatan", "kode_desa", "desa"]].tolist() == [
        "",
        "Tidak diketahui",
        "",
        "Tidak diketahui",
    ]
    bm = rd.set_index("kode_desa").loc["12.11.01.2008"]
    assert bm["desa"] == "Belang Malum"
    assert bm[list(stats.MEASURES)].tolist() == [2, 5, 1, 1, 0, 1, 1]
    # villages add up to their kecamatan
    rk = stats.rekap_kecamatan(HH, "12.11")
    by_kec = rd.groupby("kode_kecamatan", sort=True)[list(stats.MEASURES)].sum()
    pd.testing.assert_frame_equal(
        by_kec, rk.set_index("kode_kecamatan")[list(stats.MEASURES)].sort_index()
    )


def test_rekap_desa_without_unknowns_is_exactly_169_villages():
    rd = stats.rekap_desa(HH.iloc[[0, 1, 3]], "12.11")
    assert len(rd) == 169 and (rd["kode_desa"] != "").all()


def test_unknown_code_raises():
    bad = make_hh([("12.11.99.2001", 1, False, False, False, False, "L")])
    with pytest.raises(ValueError, match="12.11.99"):
        stats.rekap_kecamatan(bad, "12.11")


def test_village_outside_its_kecamatan_raises():
    bad = make_hh([("12.11.01.2008", 1, False, False, False, False, "L")])
    bad["kode_kecamatan"] = "12.11.02"
    with pytest.raises(ValueError, match="12.11.01.2008"):
        stats.rekap_desa(bad, "12.11")


def test_kombinasi_program_eight_rows_fixed_order():
    k = stats.kombinasi_program(HH)
    assert k[["bpnt", "pbi_jkn", "pkh"]].values.tolist() == [
        [0, 0, 0],
        [0, 0, 1],
        [0, 1, 0],
        [0, 1, 1],
        [1, 0, 0],
        [1, 0, 1],
        [1, 1, 0],
        [1, 1, 1],
    ]
    assert k["rumah_tangga"].tolist() == [1, 1, 0, 1, 1, 0, 1, 0]
    assert all(str(k[c].dtype) == "int64" for c in k.columns)
    assert stats.kombinasi_program(HH.iloc[:0])["rumah_tangga"].tolist() == [0] * 8


def test_cakupan_program_percentages_and_total():
    c = stats.cakupan_program(HH, "12.11")
    tot = c.iloc[-1]
    assert (tot["kode_kecamatan"], tot["kecamatan"], tot["rumah_tangga"]) == ("12.11", "Jumlah", 5)
    assert tot["persen_bpnt"] == pytest.approx(40.0)
    assert tot["persen_bansos"] == pytest.approx(80.0)
    s01 = c.set_index("kode_kecamatan").loc["12.11.01"]
    assert s01["persen_pkh"] == pytest.approx(100 / 3)
    assert np.isnan(c.set_index("kode_kecamatan").loc["12.11.02", "persen_bpnt"])


def test_ukuran_and_jk_kepala():
    big = make_hh([("12.11.01", n, False, False, False, False, "P") for n in (1, 7, 8, 12)])
    u = stats.ukuran_rumah_tangga(big)
    assert u["ukuran"].tolist() == ["1", "2", "3", "4", "5", "6", "7", "8+"]
    assert u["rumah_tangga"].tolist() == [1, 0, 0, 0, 0, 0, 1, 2]
    assert u["persen"].sum() == pytest.approx(100.0)
    j = stats.jk_kepala(HH)
    assert j["rumah_tangga"].tolist() == [3, 1, 1]
    assert j["persen"].tolist() == pytest.approx([60.0, 20.0, 20.0])


def test_struktur_umur_groups_by_sex():
    p = make_persons(
        [
            {"kunci": "A", "jk": "L", "lahir": "2023-01-01"},  # 0
            {"kunci": "A", "jk": "P", "lahir": "2019-01-01"},  # 4
            {"kunci": "A", "jk": "P", "lahir": "2018-12-31"},  # 5
            {"kunci": "A", "jk": "L", "lahir": "1948-12-31"},  # 75
            {"kunci": "A", "jk": None, "lahir": "1920-06-01"},  # 103
            {"kunci": "A", "jk": "L", "lahir": None},
        ]
    )
    s = stats.struktur_umur(p, date(2023, 12, 31), umur_maks=110)
    assert len(s) == 17 and s["kelompok_umur"].iloc[[0, 1, 15, 16]].tolist() == [
        "0-4",
        "5-9",
        "75+",
        "Tidak diketahui",
    ]
    idx = s.set_index("kelompok_umur")
    assert idx.loc["0-4", ["laki_laki", "perempuan", "jk_tidak_diketahui", "jumlah"]].tolist() == [
        1,
        1,
        0,
        2,
    ]
    assert idx.loc["5-9", "perempuan"] == 1
    assert idx.loc["75+", ["laki_laki", "jk_tidak_diketahui", "jumlah"]].tolist() == [1, 1, 2]
    assert idx.loc["Tidak diketahui", "laki_laki"] == 1
    assert s["jumlah"].sum() == len(p)


def test_kualitas_data_all_rules_zeros_and_unknown_codes():
    rules = pd.DataFrame(
        {
            "kode_aturan": ["nik_kosong", "nik_excel", "baris_ganda"],
            "tingkat": ["error", "error", "note"],
            "uraian": ["NIK kosong", "NIK rusak oleh Excel", "Baris ganda"],
        }
    )
    findings = pd.DataFrame(
        {
            "record": [1, 2, 2, 5],
            "kode_aturan": ["nik_excel", "nik_excel", "baris_ganda", "zz_baru"],
            "tingkat": ["error", "error", "note", "warning"],
        }
    )
    k = stats.kualitas_data(findings, rules)
    assert list(k.columns) == ["kode_aturan", "tingkat", "uraian", "jumlah_catatan"]
    assert k["kode_aturan"].tolist() == ["nik_kosong", "nik_excel", "baris_ganda", "zz_baru"]
    assert k["jumlah_catatan"].tolist() == [0, 2, 1, 1]
    assert k.iloc[-1]["tingkat"] == "warning"
    assert str(k["jumlah_catatan"].dtype) == "int64"
