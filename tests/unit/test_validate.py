"""Validation rules on small cleaned frames built here (contract section 2 schema)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from dtks_analysis.config import Settings
from dtks_analysis.editing import nik as nikmod
from dtks_analysis.editing.rules import RULES, rules_table
from dtks_analysis.editing.validate import FINDING_COLUMNS, ValidationResult, validate

REF = "2023-12-31"
KK1 = "1211012010150003"
KK2 = "1211011203180007"
KEC = ("12.11.01", "Sidikalang")
DESA = ("12.11.01.1005", "Kuta Gambir")
DESA2 = ("12.11.01.1007", "Sidiangkat")


def person(**over: Any) -> dict[str, Any]:
    """One clean cleaned-frame row (a male head of family KK1 in Kuta Gambir); override fields."""
    row: dict[str, Any] = {
        "_file": "kiriman/Sidikalang.xlsx",
        "_sheet": "Sheet1",
        "_row": 2,
        "_nik_type": "text",
        "_no_kk_type": "text",
        "_skema_hubungan": "dtks",
        "id_dtks": None,
        "provinsi": "SUMATERA UTARA",
        "kabupaten": "DAIRI",
        "alamat": "Jl. Merdeka",
        "dusun": None,
        "rt": "001",
        "rw": "002",
        "nik_raw": "1211010507850001",
        "no_kk_raw": KK1,
        "nik": "1211010507850001",
        "no_kk": KK1,
        "nama": "BUDI SITUMORANG",
        "tanggal_lahir": pd.Timestamp("1985-07-05"),
        "tanggal_lahir_raw": "1985-07-05",
        "tempat_lahir": "SIDIKALANG",
        "jenis_kelamin": "L",
        "nama_ibu": None,
        "hubungan": 1,
        "hubungan_raw": "1",
        "bpnt": True,
        "pbi_jkn": False,
        "pkh": False,
        "disabilitas": None,
        "kode_kecamatan": KEC[0],
        "kecamatan": KEC[1],
        "kode_desa": DESA[0],
        "desa": DESA[1],
        "kecamatan_raw": "Sidikalang",
        "desa_raw": "Kuta Gambir",
        "wilayah_ejaan_lain": False,
    }
    row.update(over)
    if "nik" in over and "nik_raw" not in over:
        row["nik_raw"] = over["nik"]
    if "no_kk" in over and "no_kk_raw" not in over:
        row["no_kk_raw"] = over["no_kk"]
    if "nik_raw" in over and "nik" not in over:
        row["nik"] = nikmod.strip_id(pd.Series([over["nik_raw"]]))[0]
    if "no_kk_raw" in over and "no_kk" not in over:
        row["no_kk"] = nikmod.strip_id(pd.Series([over["no_kk_raw"]]))[0]
    return row


def wife(**over: Any) -> dict[str, Any]:
    base = {
        "nik": "1211014809870002",
        "nama": "RINA BR SIREGAR",
        "tanggal_lahir": pd.Timestamp("1987-09-08"),
        "tanggal_lahir_raw": "1987-09-08",
        "jenis_kelamin": "P",
        "hubungan": 2,
        "hubungan_raw": "2",
    }
    base.update(over)
    return person(**base)


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    """Cleaned frame with contract dtypes; ``_row`` numbered from 2, index labels from 100."""
    df = pd.DataFrame(list(rows))
    df["_row"] = np.arange(2, len(df) + 2)
    df["tanggal_lahir"] = pd.to_datetime(df["tanggal_lahir"])
    df["hubungan"] = df["hubungan"].astype("Int8")
    for p in ("bpnt", "pbi_jkn", "pkh"):
        df[p] = df[p].astype("boolean")
    df["wilayah_ejaan_lain"] = df["wilayah_ejaan_lain"].astype(bool)
    df.index = pd.RangeIndex(100, 100 + len(df))  # index labels differ from positions
    return df


def run(df: pd.DataFrame, **settings: Any) -> ValidationResult:
    return validate(df, Settings(**settings), reference_date=REF)


def codes_at(res: ValidationResult, record: int) -> set[str]:
    f = res.findings
    return set(f.loc[f["record"] == record, "kode_aturan"])


def all_codes(res: ValidationResult) -> set[str]:
    return set(res.findings["kode_aturan"])


# --------------------------------------------------------------------------- rules catalogue
class TestRules:
    def test_catalogue_complete_and_valid(self) -> None:
        t = rules_table("Kabupaten Dairi")
        assert list(t.columns[:4]) == ["kode_aturan", "tingkat", "uraian", "tindakan"]
        assert t["kode_aturan"].is_unique
        assert set(t["tingkat"]) <= {"error", "warning", "note"}
        assert (t["uraian"].str.len() > 5).all() and (t["tindakan"].str.len() > 5).all()
        expected = {
            "nik_kosong", "nik_excel", "nik_panjang", "nik_bukan_angka", "nik_provinsi",
            "nik_kabupaten", "nik_tanggal", "nik_nomor_urut", "nik_tanda_baca", "nik_luar_kabupaten",
            "nik_beda_jk", "nik_beda_tgl_lahir", "nik_ganda_kk", "kk_kosong", "kk_excel",
            "kk_panjang", "kk_bukan_angka", "kk_provinsi", "kk_kabupaten", "kk_tanggal",
            "kk_nomor_urut", "kk_tanda_baca", "baris_ganda", "kk_tanpa_kepala", "kk_kepala_ganda",
            "kk_beda_desa", "desa_tidak_dikenal", "kecamatan_tidak_dikenal", "wilayah_ejaan_lain",
            "program_tidak_dikenal", "hubungan_tidak_dikenal", "nama_kosong", "nama_tidak_wajar",
            "tgl_lahir_tidak_valid", "umur_tidak_wajar", "keluarga_tanpa_anggota",
            "anggota_tanpa_keluarga", "desil_tidak_valid",
        }  # fmt: skip
        assert set(t["kode_aturan"]) == expected
        assert RULES["nik_excel"].tingkat == "error"
        assert RULES["nik_beda_jk"].tingkat == "warning"
        assert RULES["baris_ganda"].tingkat == "note"


# --------------------------------------------------------------------------- clean input
class TestCleanFamily:
    def test_clean_family_has_no_findings(self) -> None:
        res = run(frame(person(), wife()))
        assert res.findings.empty
        assert list(res.findings.columns) == list(FINDING_COLUMNS)
        assert len(res.persons) == 2 and res.excluded.empty and res.n_duplicates == 0
        assert res.persons["nik_valid"].all() and res.persons["kk_valid"].all()
        assert res.persons["kunci"].tolist() == [KK1, KK1]
        assert res.persons.index.tolist() == [100, 101]


# --------------------------------------------------------------------------- NIK / KK structure
class TestIdRules:
    @pytest.mark.parametrize(
        ("over", "code"),
        [
            ({"nik": None, "nik_raw": None}, "nik_kosong"),
            ({"nik_raw": "1211010507850001", "_nik_type": "number"}, "nik_excel"),
            ({"nik_raw": "1.21101E+15", "nik": "121101E+15"}, "nik_excel"),
            ({"nik": "121101050785001"}, "nik_panjang"),
            ({"nik": "12110105078500011"}, "nik_panjang"),
            ({"nik": "12110105O7850001"}, "nik_bukan_angka"),
            ({"nik": "9911010507850001"}, "nik_provinsi"),
            ({"nik": "1299010507850001"}, "nik_kabupaten"),
            ({"nik": "1211013207850001"}, "nik_tanggal"),
            ({"nik": "1211010507850000"}, "nik_nomor_urut"),
            ({"nik_raw": "'1211.0105-0785 0001"}, "nik_tanda_baca"),
        ],
    )
    def test_nik_rule_alone(self, over: dict[str, Any], code: str) -> None:
        res = run(frame(person(**over), wife()))
        nik_codes = {c for c in codes_at(res, 100) if c.startswith("nik_")}
        assert nik_codes == {code}
        row = res.findings[res.findings["kode_aturan"] == code].iloc[0]
        assert row["tingkat"] == RULES[code].tingkat
        assert row["_file"] == "kiriman/Sidikalang.xlsx" and row["_row"] == 2
        assert row["kode_desa"] == DESA[0]

    @pytest.mark.parametrize(
        ("over", "code"),
        [
            ({"no_kk": None, "no_kk_raw": None}, "kk_kosong"),
            ({"no_kk_raw": "1.21101E+15", "no_kk": "121101E+15"}, "kk_excel"),
            ({"no_kk": "121101201015003"}, "kk_panjang"),
            ({"no_kk": "12110120101500X3"}, "kk_bukan_angka"),
        ],
    )
    def test_unusable_kk_is_excluded_but_checked(self, over: dict[str, Any], code: str) -> None:
        res = run(frame(person(**over, nama="12"), wife()))
        assert {code, "nama_tidak_wajar"} <= codes_at(res, 100)
        assert res.persons.index.tolist() == [101]
        assert res.excluded.index.tolist() == [100]
        assert res.excluded["kode_aturan"].tolist() == [code]

    @pytest.mark.parametrize(
        ("over", "code"),
        [
            ({"no_kk_raw": KK1, "_no_kk_type": "number"}, "kk_excel"),
            ({"no_kk": "9911012010150003"}, "kk_provinsi"),
            ({"no_kk": "1299012010150003"}, "kk_kabupaten"),
            ({"no_kk": "1211014510150003"}, "kk_tanggal"),  # no +40 rule for KK
            ({"no_kk": "1211012010150000"}, "kk_nomor_urut"),
            ({"no_kk_raw": "1211 0120 1015 0003"}, "kk_tanda_baca"),
        ],
    )
    def test_usable_kk_with_fault_is_counted(self, over: dict[str, Any], code: str) -> None:
        res = run(frame(person(**over)))
        assert {c for c in codes_at(res, 100) if c.startswith("kk_")} == {code}
        assert res.persons.index.tolist() == [100]
        assert bool(res.persons["kk_valid"].iloc[0]) is (code == "kk_tanda_baca")

    def test_short_number_cell_kk_excluded_as_excel(self) -> None:
        res = run(frame(person(no_kk_raw="121101201015000", _no_kk_type="number"), wife()))
        assert {c for c in codes_at(res, 100) if c.startswith("kk_")} == {"kk_excel"}
        assert res.excluded["kode_aturan"].tolist() == ["kk_excel"]

    def test_number_cell_damage_explains_other_faults(self) -> None:
        # a numeric cell that lost digits: only the Excel rule, not length/date/serial
        res = run(
            frame(
                person(nik_raw="121101050785000", _nik_type="number"),
                wife(nik_raw="1211014809870000", _nik_type="number"),
            )
        )
        assert {c for c in codes_at(res, 100) if c.startswith("nik_")} == {"nik_excel"}
        assert {c for c in codes_at(res, 101) if c.startswith("nik_")} == {"nik_excel"}
        assert not res.persons["nik_valid"].any()

    def test_float_text_id_is_treated_like_a_number_cell(self) -> None:
        # "...0001.0": a CSV export of a numeric cell: groups its family, damaged by Excel
        res = run(frame(person(no_kk_raw=KK1 + ".0"), wife()))
        assert {c for c in codes_at(res, 100) if c.startswith("kk_")} == {"kk_excel"}
        assert res.persons.index.tolist() == [100, 101]
        assert not bool(res.persons["kk_valid"].iloc[0])
        res = run(frame(person(nik_raw="1211010507850001.0"), wife()))
        assert {c for c in codes_at(res, 100) if c.startswith("nik_")} == {"nik_excel"}
        number = run(frame(person(nik_raw="1211010507850001", _nik_type="number"), wife()))
        assert res.findings["pesan"].tolist() == number.findings["pesan"].tolist()

    @pytest.mark.parametrize(
        "raw",
        ['="1211010507850001"', "=1211010507850001", "`1211010507850001", "1211/01/050785/0001"],
    )
    def test_text_forcing_codings_are_usable(self, raw: str) -> None:
        res = run(frame(person(nik_raw=raw), wife()))
        assert {c for c in codes_at(res, 100) if c.startswith("nik_")} == {"nik_tanda_baca"}
        assert bool(res.persons["nik_valid"].iloc[0])

    def test_several_faults_all_reported(self) -> None:
        res = run(frame(person(nik="1299013207850000")))
        assert {"nik_kabupaten", "nik_tanggal", "nik_nomor_urut"} <= codes_at(res, 100)

    def test_letters_and_wrong_length_both(self) -> None:
        res = run(frame(person(nik="12110A")))
        assert {"nik_bukan_angka", "nik_panjang"} <= codes_at(res, 100)


class TestNikVsRecord:
    def test_outside_dairi_is_a_note(self) -> None:
        res = run(frame(person(nik="1271010507850001"), wife()))
        f = res.findings
        assert f["kode_aturan"].tolist() == ["nik_luar_kabupaten"]
        assert f["tingkat"].tolist() == ["note"]

    def test_outside_dairi_only_for_valid_nik(self) -> None:
        res = run(frame(person(nik="1271010507850000"), wife()))
        assert codes_at(res, 100) == {"nik_nomor_urut"}
        res = run(frame(person(nik_raw="1271010507850010", _nik_type="number"), wife()))
        assert codes_at(res, 100) == {"nik_excel", "nik_luar_kabupaten"}

    def test_sex_mismatch(self) -> None:
        res = run(frame(person(jenis_kelamin="P"), wife()))
        assert codes_at(res, 100) == {"nik_beda_jk"}
        assert res.findings["tingkat"].tolist() == ["warning"]

    def test_sex_unknown_not_compared(self) -> None:
        res = run(frame(person(jenis_kelamin=None), wife()))
        assert res.findings.empty

    @pytest.mark.parametrize(
        ("recorded", "fires"),
        [
            ("1985-07-05", False),
            ("1885-07-05", False),  # same 2-digit year: century not compared
            ("1985-07-06", True),
            ("1985-08-05", True),
            ("1986-07-05", True),
        ],
    )
    def test_birth_date_mismatch(self, recorded: str, fires: bool) -> None:
        res = run(frame(person(tanggal_lahir=pd.Timestamp(recorded)), wife()), umur_maks=200)
        assert ("nik_beda_tgl_lahir" in codes_at(res, 100)) is fires

    def test_woman_day_plus_40(self) -> None:
        res = run(frame(person(), wife(tanggal_lahir=pd.Timestamp("1987-09-08"))))
        assert res.findings.empty
        res = run(frame(person(), wife(jenis_kelamin="L")))
        assert codes_at(res, 101) == {"nik_beda_jk"}


# --------------------------------------------------------------------------- duplicates
class TestDuplicates:
    def test_exact_copy_collapsed(self) -> None:
        res = run(frame(person(), wife(), person(_file="z.xlsx", _sheet="")))
        assert codes_at(res, 102) == {"baris_ganda"}
        assert codes_at(res, 100) == set()
        assert res.persons.index.tolist() == [100, 101]
        assert res.n_duplicates == 1
        msg = res.findings.loc[res.findings.record == 102, "pesan"].item()
        assert "baris 2" in msg and "kiriman/Sidikalang.xlsx" in msg

    def test_equal_after_editing(self) -> None:
        # different raw spelling of the same edited values still collapses
        res = run(
            frame(person(), wife(), person(nik_raw="1211 0105 0785 0001", alamat="jl.  merdeka"))
        )
        assert "baris_ganda" in codes_at(res, 102)

    def test_any_difference_not_collapsed(self) -> None:
        res = run(frame(person(), wife(), person(rt="003")))
        assert "baris_ganda" not in all_codes(res)
        assert len(res.persons) == 3
        # same NIK, same KK, different row: no nik_ganda_kk either
        assert "nik_ganda_kk" not in all_codes(res)

    def test_first_in_file_order_kept(self) -> None:
        df = frame(person(), wife())
        df["_row"] = [9, 10]
        copy = frame(person())
        copy["_row"] = [3]
        res = run(pd.concat([df, copy.set_axis([7])]))
        assert codes_at(res, 100) == {"baris_ganda"}
        assert 7 in res.persons.index

    def test_counts_add_up(self) -> None:
        res = run(frame(person(), wife(), person(), person(no_kk=None, no_kk_raw=None)))
        assert res.n_rows == len(res.persons) + len(res.excluded) + res.n_duplicates


class TestNikInTwoFamilies:
    def test_every_row_flagged(self) -> None:
        other = wife(no_kk=KK2, nik="1211010507850001", jenis_kelamin="L", hubungan=1)
        other["tanggal_lahir"] = pd.Timestamp("1985-07-05")
        res = run(frame(person(), wife(), other))
        f = res.findings
        assert sorted(f.loc[f.kode_aturan == "nik_ganda_kk", "record"]) == [100, 102]
        assert len(res.persons) == 3  # both rows stay in their households

    def test_unusable_kk_does_not_count(self) -> None:
        other = person(no_kk="12110120", hubungan=3)
        res = run(frame(person(), wife(), other))
        assert "nik_ganda_kk" not in all_codes(res)


# --------------------------------------------------------------------------- families
class TestFamilies:
    def test_no_head_every_member(self) -> None:
        res = run(frame(person(hubungan=3, hubungan_raw="3"), wife()))
        f = res.findings
        assert sorted(f.loc[f.kode_aturan == "kk_tanpa_kepala", "record"]) == [100, 101]

    def test_two_heads(self) -> None:
        res = run(frame(person(), wife(hubungan=1)))
        f = res.findings
        assert sorted(f.loc[f.kode_aturan == "kk_kepala_ganda", "record"]) == [100, 101]
        assert (f["tingkat"] == "warning").all()

    def test_spread_over_villages_uses_household_region(self) -> None:
        third = wife(nik="1211015503100003", hubungan=3, tanggal_lahir=pd.Timestamp("2010-03-15"))
        res = run(
            frame(
                person(kode_desa=DESA2[0], desa=DESA2[1], desa_raw=DESA2[1]),
                wife(),
                third,
            )
        )
        f = res.findings[res.findings.kode_aturan == "kk_beda_desa"]
        assert sorted(f["record"]) == [100, 101, 102]
        assert set(f["kode_desa"]) == {DESA[0]}  # the household's (most frequent) village

    def test_id_dtks_key(self) -> None:
        df = frame(person(id_dtks="A1"), wife(id_dtks="A2", hubungan=1))
        res = run(df, kunci_rumah_tangga="id_dtks")
        assert res.persons["kunci"].tolist() == ["A1", "A2"]
        assert "kk_kepala_ganda" not in all_codes(res)
        assert "kk_kepala_ganda" in all_codes(run(df))

    def test_excluded_rows_not_in_families(self) -> None:
        res = run(frame(person(), wife(no_kk=None, no_kk_raw=None, hubungan=1)))
        assert "kk_kepala_ganda" not in all_codes(res)


# --------------------------------------------------------------------------- other fields
class TestFields:
    def test_unknown_village_and_empty_village(self) -> None:
        res = run(
            frame(
                person(kode_desa=None, desa=None, desa_raw="Desa Antah"),
                wife(kode_desa=None, desa=None, desa_raw=None),
            )
        )
        f = res.findings[res.findings.kode_aturan == "desa_tidak_dikenal"]
        assert f["record"].tolist() == [100, 101]
        assert "Antah" in f["pesan"].iloc[0] and "kosong" in f["pesan"].iloc[1]
        assert f["kode_desa"].isna().all() and (f["kode_kecamatan"] == KEC[0]).all()

    def test_unknown_kecamatan(self) -> None:
        res = run(
            frame(person(kecamatan_raw="Antah Berantah"), wife(kecamatan_raw="KEC. SIDIKALANG"))
        )
        assert codes_at(res, 100) == {"kecamatan_tidak_dikenal"}
        assert codes_at(res, 101) == set()
        assert res.findings["kode_kecamatan"].tolist() == [KEC[0]]  # code from the village
        res = run(frame(person(kecamatan_raw=None), wife(kecamatan_raw="12.11.01")))
        assert res.findings.empty

    def test_alternative_spelling_note(self) -> None:
        res = run(frame(person(wilayah_ejaan_lain=True), wife()))
        assert res.findings["kode_aturan"].tolist() == ["wilayah_ejaan_lain"]

    def test_program_flags_per_column(self) -> None:
        res = run(frame(person(bpnt=None, pkh=None), wife()))
        f = res.findings
        assert f["kode_aturan"].tolist() == ["program_tidak_dikenal"] * 2
        assert sorted(f["kolom"]) == ["bpnt", "pkh"]

    def test_relationship_empty(self) -> None:
        res = run(frame(person(), wife(hubungan=None, hubungan_raw="")))
        assert codes_at(res, 101) == {"hubungan_tidak_dikenal"}
        assert "kosong" in res.findings["pesan"].iloc[0]

    def test_relationship(self) -> None:
        res = run(frame(person(), wife(hubungan=None, hubungan_raw="SEPUPU")))
        assert codes_at(res, 101) == {"hubungan_tidak_dikenal"}
        assert "SEPUPU" in res.findings["pesan"].iloc[0]

    @pytest.mark.parametrize(
        ("nama", "code"),
        [(None, "nama_kosong"), ("", "nama_kosong"), ("BUDI 2", "nama_tidak_wajar"),
         ("B", "nama_tidak_wajar"), ("-", "nama_tidak_wajar")],
    )  # fmt: skip
    def test_names(self, nama: str | None, code: str) -> None:
        res = run(frame(person(nama=nama), wife()))
        assert codes_at(res, 100) == {code}

    def test_name_with_apostrophe_ok(self) -> None:
        res = run(frame(person(nama="NUR'AINI BR. TAMBA"), wife()))
        assert res.findings.empty

    def test_unparseable_birth_date(self) -> None:
        res = run(frame(person(tanggal_lahir=None, tanggal_lahir_raw="31/02/1985"), wife()))
        assert codes_at(res, 100) == {"tgl_lahir_tidak_valid"}
        res = run(frame(person(tanggal_lahir=None, tanggal_lahir_raw=None), wife()))
        assert res.findings.empty

    def test_implausible_age(self) -> None:
        res = run(frame(person(tanggal_lahir=pd.Timestamp("1885-07-05")), wife()))
        assert codes_at(res, 100) == {"umur_tidak_wajar"}
        res = run(frame(person(tanggal_lahir=pd.Timestamp("2024-07-05")), wife()))
        assert "umur_tidak_wajar" in codes_at(res, 100)
        # limit from settings
        res = run(frame(person(), wife()), umur_maks=30)
        assert sorted(res.findings["record"]) == [100, 101]


# --------------------------------------------------------------------------- result shape
class TestResult:
    def test_order_and_summaries(self) -> None:
        df = frame(
            person(nama=None, bpnt=None),
            wife(kode_desa=None, desa=None, desa_raw="X"),
            person(_file="a.csv", _sheet="", nik="1211010507850000"),
        )
        df["_row"] = [10, 9, 2]
        res = run(df)
        f = res.findings
        keys = list(zip(f["_file"], f["_row"], f["kode_aturan"], strict=True))
        assert keys == sorted(keys)
        assert f["_file"].iloc[0] == "a.csv"
        by_rule = res.summary_by_rule()
        assert len(by_rule) == len(RULES) and (by_rule["jumlah_catatan"] >= 0).all()
        assert by_rule["jumlah_catatan"].sum() == len(f)
        by_v = res.summary_by_village()
        assert list(by_v.columns[:8]) == [
            "kode_kecamatan", "kecamatan", "kode_desa", "desa", "errors", "warnings", "notes",
            "records",
        ]  # fmt: skip
        assert by_v["records"].sum() == 3
        assert by_v[["errors", "warnings", "notes"]].to_numpy().sum() == len(f)
        unknown = by_v[by_v["kode_desa"].isna()]
        assert unknown["desa"].tolist() == ["Tidak diketahui"] and unknown["records"].item() == 1

    def test_row_numbers_as_text_sort_numerically(self) -> None:
        df = frame(person(nama=None), wife(nama=None))
        df["_row"] = ["10", "9"]
        res = run(df)
        assert res.findings["_row"].tolist() == ["9", "10"]

    def test_excluded_reason_and_person_flags(self) -> None:
        res = run(frame(person(), wife(nik="1211014809870000"), person(no_kk="12345", hubungan=3)))
        assert res.excluded["kode_aturan"].tolist() == ["kk_panjang"]
        assert res.excluded["alasan"].str.len().gt(5).all()
        assert res.persons["nik_valid"].tolist() == [True, False]
        assert res.persons["kk_valid"].tolist() == [True, True]

    def test_messages_hold_no_ids(self) -> None:
        other = wife(no_kk=KK2, nik="1211010507850001", jenis_kelamin="L", hubungan=1)
        res = run(frame(person(nik="1211010507850000"), wife(), other, person()))
        assert not res.findings["pesan"].str.contains(r"\d{8}").any()

    def test_empty_input(self) -> None:
        res = run(frame(person()).iloc[0:0])
        assert res.findings.empty and res.persons.empty and res.n_rows == 0
        assert len(res.summary_by_rule()) == len(RULES)


# --------------------------------------------------------------------------- with households
class TestFamilyRegionMatchesHouseholds:
    """Family findings are located where ``households.build_households`` puts the household:
    both apply :mod:`dtks_analysis.families` (validation does not import counting)."""

    @pytest.mark.parametrize("key", ["no_kk", "id_dtks"])
    def test_family_findings_at_household_region(self, key: str) -> None:
        from dtks_analysis.counting.households import build_households

        rows = [
            person(kode_desa=DESA2[0], desa=DESA2[1], id_dtks="A"),
            wife(id_dtks="A"),
            wife(nik="1211015503100003", hubungan=3, _file="b.csv", id_dtks="B"),
            person(no_kk=KK2, nik="1211010507850002", kode_desa=DESA2[0], id_dtks="A"),
            wife(no_kk=KK2, nik="1211014809870003", hubungan=1, kode_kecamatan=None),
        ]
        df = frame(*rows)
        df["_row"] = [9, 3, 2, 5, 4]
        res = run(df, kunci_rumah_tangga=key)
        hh = build_households(
            res.persons, REF, umur_maks=110, kunci_rumah_tangga="no_kk"
        ).set_index("kunci")
        f = res.findings[res.findings["kode_aturan"].str.startswith("kk_")]
        assert len(f)
        kunci = res.persons["kunci"]
        for rec, kec, desa in zip(f["record"], f["kode_kecamatan"], f["kode_desa"], strict=True):
            assert (kec, desa) == tuple(hh.loc[kunci[rec], ["kode_kecamatan", "kode_desa"]])
        # the same key when households choose it themselves
        again = build_households(
            res.persons.drop(columns="kunci"), REF, kunci_rumah_tangga=key, umur_maks=110
        )
        pd.testing.assert_frame_equal(again, hh.reset_index())
