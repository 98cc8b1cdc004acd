"""The village quality history (issue 14) on small frames built here: grade, person keys, the
corrected-row rule, the parameter, the Dinas workbook's conditional formatting."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from dtks_analysis.config import ParamsError, load_settings
from dtks_analysis.counting import village_quality as vq
from dtks_analysis.editing.person_keys import (
    KEY_COLUMNS,
    distrust,
    person_keys,
    with_person_keys,
)

T = {"A": 0.75, "B": 1.25, "C": 2.0}
NIK = ["1211010101800001", "1211014101850002", "1211010202900003"]
KK = "1211010101100001"


def _persons(nik, nama, lahir, kk=KK) -> pd.DataFrame:
    return pd.DataFrame({"nik": nik, "nama": nama, "tanggal_lahir": lahir, "no_kk": kk})


class TestGrade:
    def test_thresholds_are_inclusive_and_silent_is_tm(self):
        e = pd.Series([0.0, 0.75, 0.76, 1.25, 2.0, 2.01, 5.0])
        sent = pd.Series([1, 1, 1, 1, 1, 1, 0])
        assert vq.grade(e, sent, T).tolist() == ["A", "A", "B", "B", "C", "D", "TM"]


class TestPersonKeys:
    def test_keys_survive_parquet_precision(self):
        """Int64 hashes must not pass through float (they would lose their last digits)."""
        p = _persons(NIK, ["A", "B", "C"], ["1980-01-01", "1985-01-01", "1990-02-02"])
        f = pd.DataFrame({"record": [2, 0, 99]})
        out = with_person_keys(f, p)
        keys = person_keys(p)
        assert out.loc[0, "kunci_nik"] == keys.loc[2, "kunci_nik"]
        assert out.loc[1, "kunci_nama_kk"] == keys.loc[0, "kunci_nama_kk"]
        assert out.loc[2, list(KEY_COLUMNS)].isna().all()

    def test_missing_parts_give_missing_keys(self):
        k = person_keys(_persons(["12345", None], [None, "B"], ["1980-01-01", None], [KK, "x"]))
        assert k.loc[0].notna().tolist() == [False, False, True, False]
        assert k.loc[1].notna().sum() == 0


def _month(month, persons, findings, villages) -> vq.MonthQuality:
    f = pd.DataFrame(findings, columns=["record", "kode_aturan", "tingkat", "kolom"])
    f["kode_desa"] = "12.11.01.2008"
    f = with_person_keys(f, persons)
    keys = distrust(person_keys(persons), f)
    present = pd.concat([keys, f[list(KEY_COLUMNS)]], ignore_index=True)
    v = pd.DataFrame(villages, columns=["kode_desa", "records", "errors", "warnings"])
    return vq.MonthQuality(month, v, f, present)


class TestCorrected:
    def test_same_person_without_the_rule_is_corrected(self):
        # last month: person 0 with a damaged NIK (nik_excel), person 1 with an empty name,
        # person 2 with a wrong birth date; this month person 0 clean, person 1 with a changed
        # NIK (another rule), person 2 still with the same rule
        prev = _month(
            "2023-11",
            _persons(
                ["1211010101800000", NIK[1], NIK[2]],
                ["A", None, "C"],
                ["1980-01-01", "1985-01-01", "1991-02-02"],
            ),
            [
                (0, "nik_excel", "error", "nik"),
                (1, "nama_kosong", "warning", "nama"),
                (2, "nik_beda_tgl_lahir", "warning", "tanggal_lahir"),
            ],
            [("12.11.01.2008", 3, 1, 2)],
        )
        cur = _month(
            "2023-12",
            _persons(
                [NIK[0], "1211010101850002", NIK[2]],
                ["A", "B", "C"],
                ["1980-01-01", "1985-01-01", "1991-02-02"],
            ),
            [
                (1, "nik_beda_jk", "warning", "jenis_kelamin"),
                (2, "nik_beda_tgl_lahir", "warning", "tanggal_lahir"),
            ],
            [("12.11.01.2008", 3, 0, 2)],
        )
        w = vq._worklist(prev.findings)
        assert vq.corrected(w, cur).tolist() == [True, True, False]
        h = vq.village_history({"2023-11": prev, "2023-12": cur}, "12.11", T)
        row = h[(h["kode_desa"] == "12.11.01.2008") & (h["bulan"] == "2023-12")].iloc[0]
        assert (row["baris_koreksi_lalu"], row["baris_diperbaiki"]) == (3, 2)
        assert len(h) == 2 * 169 and set(h.loc[h["baris"] == 0, "nilai"]) == {"TM"}

    def test_a_person_who_does_not_appear_is_not_corrected(self):
        prev = _month(
            "2023-11",
            _persons([NIK[0]], ["A"], ["1980-01-01"]),
            [(0, "nik_excel", "error", "nik")],
            [("12.11.01.2008", 1, 1, 0)],
        )
        cur = _month(
            "2023-12",
            _persons([NIK[1]], ["B"], ["1985-01-01"], "1211010101100002"),
            [],
            [("12.11.01.2008", 1, 0, 0)],
        )
        assert vq.corrected(vq._worklist(prev.findings), cur).tolist() == [False]

    def test_two_people_with_the_same_damaged_nik_are_not_one_person(self):
        """Excel zeroes the last digit: X (...0011) damaged last month and Y (...0012) this month
        both read ...0010; X, now clean, was corrected."""
        damaged = "1211066504180010"
        prev = _month(
            "2023-11",
            _persons([damaged], ["X"], ["1980-01-01"]),
            [(0, "nik_excel", "error", "nik")],
            [("12.11.01.2008", 1, 1, 0)],
        )
        cur = _month(
            "2023-12",
            _persons([damaged, "1211066504180011"], ["Y", "X"], ["1975-05-05", "1980-01-01"]),
            [(0, "nik_excel", "error", "nik")],
            [("12.11.01.2008", 2, 1, 0)],
        )
        assert vq.corrected(vq._worklist(prev.findings), cur).tolist() == [True]


class TestParameter:
    def test_default_and_layer_merge(self, tmp_path):
        assert load_settings("2023-12").kualitas_desa == T
        p = tmp_path / "p.yaml"
        p.write_text("kualitas_desa: {C: 3}\n")
        assert load_settings("2023-12", params_file=p).kualitas_desa == {**T, "C": 3.0}

    @pytest.mark.parametrize(
        "text",
        [
            "kualitas_desa: {E: 1}",
            "kualitas_desa: {A: -1}",
            "kualitas_desa: {A: 'x'}",
            "kualitas_desa: {A: 2, B: 1}",
            "kualitas_desa: 3",
        ],
    )
    def test_bad_values_are_refused(self, tmp_path, text):
        p = tmp_path / "p.yaml"
        p.write_text(text + "\n")
        with pytest.raises(ParamsError, match="kualitas_desa"):
            load_settings("2023-12", params_file=p)


def test_workbook_has_one_rule_per_grade(tmp_path):
    from dtks_analysis.publishing import kualitas_desa_files as kf

    rows = []
    for m, nilai, e in (("2023-11", "D", 3.0), ("2023-12", "A", 0.1)):
        rows.append(
            {
                "kode_kecamatan": "12.11.01",
                "kecamatan": "Sidikalang",
                "kode_desa": "12.11.01.2008",
                "desa": "Desa X",
                "bulan": m,
                "mengirim": 1,
                "baris": 100,
                "kesalahan": int(e),
                "peringatan": 0,
                "kesalahan_per_100": e,
                "peringatan_per_100": 0.0,
                "baris_koreksi_lalu": 0,
                "baris_diperbaiki": 0,
                "nilai": nilai,
            }
        )
    h = pd.DataFrame(rows)
    path = kf.write_workbook(h, tmp_path / "k.xlsx", "2023-12", load_settings("2023-12"))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Nilai", "Angka", "Keterangan"]
    ws = wb["Nilai"]
    assert [ws.cell(4, j).value for j in (5, 6)] == ["Nov 2023", "Des 2023"]
    assert [ws.cell(5, j).value for j in (5, 6)] == ["D", "A"]
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert sorted(r.formula[0] for r in rules) == sorted(f'"{g}"' for g in vq.GRADES)
    assert ws.print_title_rows == "$4:$4" and ws.page_setup.orientation == "landscape"
    assert (
        path.read_bytes()
        == kf.write_workbook(
            h, tmp_path / "k2.xlsx", "2023-12", load_settings("2023-12")
        ).read_bytes()
    )
