"""Editing stage: normalisers (docs/architecture.md section 2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dtks_analysis.config import Settings
from dtks_analysis.editing.clean import (
    normalise_flag,
    normalise_header,
    normalise_hubungan,
    normalise_name,
    normalise_sex,
    parse_dates,
)


# --------------------------------------------------------------------------- headers
@pytest.mark.parametrize(
    "header,key",
    [
        ("NOMOR KK", "no_kk"),
        ("No. KK", "no_kk"),
        ("no_kk", "no_kk"),
        ("NoKK", "no_kk"),
        ("NO KK", "no_kk"),
        ("NOKK", "no_kk"),
        ("No.KK", "no_kk"),
        ("  Nomor  KK ", "no_kk"),
        ("NOMOR NIK", "no_nik"),
        ("No. NIK", "no_nik"),
        ("NIK", "nik"),
        ("N I K", "nik"),
        ("Nik", "nik"),
        ("KABUPATEN/KOTA", "kabupaten_kota"),
        ("DESA/KELURAHAN", "desa_kelurahan"),
        ("TglLahir", "tgl_lahir"),
        ("Tgl. Lahir", "tgl_lahir"),
        ("TANGGAL LAHIR", "tanggal_lahir"),
        ("JnsKel", "jns_kel"),
        ("AdaPBI", "ada_pbi"),
        ("PBI-JKN", "pbi_jkn"),
        ("PBI JKN", "pbi_jkn"),
        ("HUB. KELUARGA", "hub_keluarga"),
        ("Hubkel", "hubkel"),
        ("ID DTKS", "id_dtks"),
        ("NAMA IBU KANDUNG", "nama_ibu_kandung"),
        ("Nomor Kartu Keluarga", "no_kartu_keluarga"),
        ("No", "no"),
        ("NO.", "no"),
        ("", ""),
        (None, ""),
        ("Keterangan\n(opsional)", "keterangan_opsional"),
    ],
)
def test_normalise_header(header: str | None, key: str):
    assert normalise_header(header) == key


def test_normalise_header_keeps_words_starting_like_no():
    assert normalise_header("NOMINAL") == "nominal"
    assert normalise_header("Nomor Urut") == "no_urut"
    assert normalise_header("NAMA") == "nama"


# --------------------------------------------------------------------------- flags
@pytest.mark.parametrize(
    "value,expected",
    [
        ("1", True),
        ("Y", True),
        ("ya", True),
        (" YA ", True),
        ("Yes", True),
        ("TRUE", True),
        ("Ada", True),
        ("1.0", True),
        (1, True),
        ("0", False),
        ("2", False),
        ("N", False),
        ("T", False),
        ("Tidak", False),
        ("NO", False),
        ("false", False),
        ("Tidak Ada", False),
        ("TIDAK  ADA", False),
        ("", False),
        ("   ", False),
        (None, False),
        (np.nan, False),
        ("0.0", False),
        ("-", None),
        ("?", None),
        ("3", None),
        ("x", None),
        ("Ada?", None),
        ("YAA", None),
    ],
)
def test_normalise_flag(value: object, expected: bool | None):
    out = normalise_flag(pd.Series([value], dtype=object))
    assert out.dtype == "boolean"
    if expected is None:
        assert out.isna().iloc[0]
    else:
        assert out.iloc[0] is np.bool_(expected) or out.iloc[0] == expected
        assert not out.isna().iloc[0]


def test_normalise_flag_keeps_index_and_empty():
    s = pd.Series(["1", "0", "?"], index=[5, 1, 9], name="pkh")
    out = normalise_flag(s)
    assert out.index.tolist() == [5, 1, 9]
    assert out.name == "pkh"
    assert out.tolist() == [True, False, pd.NA]
    assert len(normalise_flag(pd.Series([], dtype=object))) == 0


# --------------------------------------------------------------------------- relationship
def test_hubungan_dtks_numbers():
    s = pd.Series([str(i) for i in range(0, 12)] + ["01", "3.0"])
    out = normalise_hubungan(s, "dtks")
    assert out.dtype == "Int8"
    assert out.tolist() == [pd.NA, 1, 2, 3, 4, 5, 6, 7, 8, pd.NA, pd.NA, pd.NA, 1, 3]


def test_hubungan_dukcapil_numbers():
    s = pd.Series([str(i) for i in range(1, 13)])
    out = normalise_hubungan(s, "dukcapil")
    assert out.tolist() == [1, 2, 2, 3, 4, 5, 6, 6, 8, 7, 8, pd.NA]


@pytest.mark.parametrize("scheme", ["dtks", "dukcapil"])
def test_hubungan_labels_same_in_both_schemes(scheme: str):
    labels = {
        "KEPALA KELUARGA": 1,
        "Kepala Keluarga": 1,
        "KK": 1,
        "ISTRI": 2,
        "SUAMI": 2,
        "istri/suami": 2,
        "ANAK": 3,
        "MENANTU": 4,
        "CUCU": 5,
        "ORANG TUA": 6,
        "MERTUA": 6,
        "PEMBANTU": 7,
        "FAMILI LAIN": 8,
        "LAINNYA": 8,
        "1. Kepala Keluarga": 1,
        "4 - Anak": 3,
        "TETANGGA": None,
        "": None,
    }
    out = normalise_hubungan(pd.Series(list(labels)), scheme)
    expected = [pd.NA if v is None else v for v in labels.values()]
    assert out.tolist() == expected


def test_hubungan_scheme_per_row():
    values = pd.Series(["3", "3", "10", "10", None], index=[10, 11, 12, 13, 14])
    scheme = pd.Series(["dtks", "dukcapil", "dukcapil", "dtks", "dukcapil"], index=values.index)
    out = normalise_hubungan(values, scheme)
    assert out.index.equals(values.index)
    assert out.tolist() == [3, 2, 7, pd.NA, pd.NA]
    # scheme given in a different order is aligned on the index
    assert normalise_hubungan(values, scheme.iloc[::-1]).tolist() == out.tolist()
    # a missing scheme means the default (dtks unless told otherwise)
    assert normalise_hubungan(pd.Series(["4"]), pd.Series([None])).tolist() == [4]
    assert normalise_hubungan(pd.Series(["4"]), pd.Series([""]), default="dukcapil").tolist() == [3]


def test_hubungan_unknown_scheme_raises():
    with pytest.raises(ValueError, match="skema"):
        normalise_hubungan(pd.Series(["1"]), "bps")


# --------------------------------------------------------------------------- sex, names, dates
def test_normalise_sex():
    s = pd.Series(["L", "P", "Laki-laki", "PEREMPUAN", "laki laki", "Pria", "Wanita", "1", "2"])
    assert normalise_sex(s).tolist() == ["L", "P", "L", "P", "L", "L", "P", "L", "P"]
    bad = normalise_sex(pd.Series(["", None, "X", "3", np.nan]))
    assert bad.tolist() == [None] * 5


def test_normalise_name():
    s = pd.Series(["  siti   nurhaliza ", "", "   ", None, "Bona\tSihombing", "d'Arc-Tua"])
    assert normalise_name(s).tolist() == [
        "SITI NURHALIZA",
        None,
        None,
        None,
        "BONA SIHOMBING",
        "D'ARC-TUA",
    ]


@pytest.mark.parametrize(
    "text,iso",
    [
        ("1990-01-31", "1990-01-31"),
        ("1990-1-5", "1990-01-05"),
        ("1990-01-31 00:00:00", "1990-01-31"),
        ("31-01-1990", "1990-01-31"),
        ("31/01/1990", "1990-01-31"),
        ("5/1/1990", "1990-01-05"),
        ("31.01.1990", "1990-01-31"),
        ("32874", "1990-01-01"),
        ("32874.0", "1990-01-01"),
        ("29-02-2000", "2000-02-29"),
        ("29-02-2001", None),
        ("31-04-1990", None),
        ("1990-13-01", None),
        ("31-01-90", None),  # 2-digit year: not accepted
        ("1990", None),  # a bare year is not an Excel serial
        ("kemarin", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_dates(text: str | None, iso: str | None):
    out = parse_dates(pd.Series([text], dtype=object))
    assert out.dtype == "datetime64[ns]"
    if iso is None:
        assert pd.isna(out.iloc[0])
    else:
        assert out.iloc[0] == pd.Timestamp(iso)


def test_parse_dates_index_and_repeats():
    s = pd.Series(["1990-01-31", None, "1990-01-31", "31-01-1990"], index=list("abcd"))
    out = parse_dates(s)
    assert out.index.tolist() == list("abcd")
    assert out.isna().tolist() == [False, True, False, False]
    assert (out.dropna() == pd.Timestamp("1990-01-31")).all()


# --------------------------------------------------------------------------- clean_records
def _records() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "_file": ["a.xlsx", "a.xlsx", "b.csv", "b.csv", "b.csv"],
            "_skema_hubungan": ["dtks", "dtks", "dukcapil", "dukcapil", "dukcapil"],
            "nik": ["'1211 0145 0785 0001", "1.21101E+15", None, "1211014507850001", "12-11"],
            "no_kk": ["1211012010150003", "1211.0120.1015.0003", "", None, "x"],
            "nama": ["  siti   nur ", "BONA", "", None, "a  b"],
            "jenis_kelamin": ["P", "Laki-laki", "", None, "?"],
            "tanggal_lahir": ["1985-07-05", "05-07-1985", "kemarin", None, "32874"],
            "hubungan": ["1", "ISTRI", "3", "10", "99"],
            "bpnt": ["Ya", "", "-", "0", "2"],
            "pbi_jkn": ["1", "2", "0", None, "TIDAK ADA"],
            "pkh": ["Y", "N", "T", "TIDAK", "x"],
            "kecamatan": ["Kota Sidikalang", None, "Medan", "TIGA LINGGA", "Sumbul"],
            "desa": ["Huta Rakjat", "Lau Pakpak", "Batang Beruh", "Kalang", "Desa Pegagan Julu I"],
            "x_catatan": ["a", "b", "c", "d", "e"],
        },
        index=[10, 20, 30, 40, 50],
    )


CONTRACT_COLUMNS = {
    "nik_raw": "object",
    "no_kk_raw": "object",
    "nik": "object",
    "no_kk": "object",
    "nama": "object",
    "jenis_kelamin": "object",
    "tanggal_lahir": "datetime64[ns]",
    "hubungan": "Int8",
    "bpnt": "boolean",
    "pbi_jkn": "boolean",
    "pkh": "boolean",
    "kode_kecamatan": "object",
    "kecamatan": "object",
    "kode_desa": "object",
    "desa": "object",
    "desa_raw": "object",
    "kecamatan_raw": "object",
    "wilayah_ejaan_lain": "bool",
}


def test_clean_records_contract_columns_and_index():
    from dtks_analysis.editing.clean import clean_records

    rec = _records()
    out = clean_records(rec, Settings())
    assert out.index.equals(rec.index)
    assert set(rec.columns) <= set(out.columns)
    for col, dtype in CONTRACT_COLUMNS.items():
        assert str(out[col].dtype) == dtype, col
    assert out["x_catatan"].tolist() == rec["x_catatan"].tolist()
    # the input frame is not modified
    assert rec["nik"].iloc[0] == "'1211 0145 0785 0001"


def test_clean_records_values():
    from dtks_analysis.editing.clean import clean_records

    out = clean_records(_records(), Settings())
    assert out["nik_raw"].tolist()[:2] == ["'1211 0145 0785 0001", "1.21101E+15"]
    assert out["nik"].tolist() == [
        "1211014507850001",
        "1.21101E+15",
        None,
        "1211014507850001",
        "1211",
    ]
    assert out["no_kk"].tolist() == ["1211012010150003", "1211012010150003", None, None, "x"]
    assert out["nama"].tolist() == ["SITI NUR", "BONA", None, None, "A B"]
    assert out["jenis_kelamin"].tolist() == ["P", "L", None, None, None]
    dates = out["tanggal_lahir"]
    assert dates.isna().tolist() == [False, False, True, True, False]
    assert dates.dropna().tolist() == [
        pd.Timestamp(d) for d in ("1985-07-05", "1985-07-05", "1990-01-01")
    ]
    # scheme per row: "3" is anak in DTKS, istri in Dukcapil; "10" Dukcapil pembantu -> 7
    assert out["hubungan"].tolist() == [1, 2, 2, 7, pd.NA]
    assert out["bpnt"].tolist() == [True, False, pd.NA, False, False]
    assert out["pbi_jkn"].tolist() == [True, False, False, False, False]
    assert out["pkh"].tolist() == [True, False, False, False, pd.NA]


def test_clean_records_regions():
    from dtks_analysis.editing.clean import clean_records

    out = clean_records(_records(), Settings())
    assert out["kecamatan_raw"].tolist() == [
        "Kota Sidikalang",
        None,
        "Medan",
        "TIGA LINGGA",
        "Sumbul",
    ]
    assert out["desa_raw"].tolist()[0] == "Huta Rakjat"
    # row 30: kecamatan "Medan" unknown -> taken from the village (Batang Beruh, Sidikalang)
    assert out["kode_kecamatan"].tolist() == [
        "12.11.01",
        "12.11.03",
        "12.11.01",
        "12.11.03",
        "12.11.02",
    ]
    assert out["kecamatan"].tolist() == [
        "Sidikalang",
        "Tigalingga",
        "Sidikalang",
        "Tigalingga",
        "Sumbul",
    ]
    # row 40: Kalang lies in Sidikalang, not in the row's Tigalingga -> village unknown
    assert out["kode_desa"].tolist() == [
        "12.11.01.2011",
        "12.11.03.2010",
        "12.11.01.1009",
        None,
        "12.11.02.1007",
    ]
    assert out["desa"].tolist()[0] == "Huta Rakyat"
    assert out["wilayah_ejaan_lain"].tolist() == [True, False, False, False, False]
    assert out["kecamatan_dikenal"].tolist() == [True, False, False, True, True]


def test_clean_records_uses_settings_scheme_and_tolerates_missing_columns():
    from dtks_analysis.config import Settings
    from dtks_analysis.editing.clean import clean_records

    rec = pd.DataFrame({"nik": ["1211014507850001"], "hubungan": ["3"], "desa": ["Kalang"]})
    assert clean_records(rec, Settings(skema_hubungan="dukcapil"))["hubungan"].tolist() == [2]
    blank = rec.assign(_skema_hubungan=[None])
    assert clean_records(blank, Settings(skema_hubungan="dukcapil"))["hubungan"].tolist() == [2]
    out = clean_records(rec, Settings())  # default settings: dtks
    assert out["hubungan"].tolist() == [3]
    assert out["no_kk"].tolist() == [None]
    assert out["bpnt"].tolist() == [False]  # absent column = blank = False
    assert out["kode_desa"].tolist() == ["12.11.01.2012"]
    assert out["kode_kecamatan"].tolist() == ["12.11.01"]
    assert len(clean_records(rec.iloc[:0], Settings())) == 0


# --------------------------------------------------------------------------- codings villages send
@pytest.mark.parametrize(
    "value,expected",
    [
        ("\u2713", True),  # ✓
        ("\u2714", True),  # ✔
        ("\u221a", True),  # √
        ("V", True),
        ("v", True),
        (" v ", True),
        ("Penerima", True),
        ("Terima", True),
        ("menerima", True),
        ("Ya.", True),
        ("YA..", True),
        ("Tidak.", False),
        ("Bukan penerima", False),
        ("BUKAN  PENERIMA.", False),
        ("Tidak menerima", False),
        ("X", None),  # ambiguous: a tick for some villages, a cross ("no") for others
        ("x", None),
        (".", None),
    ],
)
def test_normalise_flag_village_codings(value: str, expected: bool | None):
    out = normalise_flag(pd.Series([value], dtype=object))
    if expected is None:
        assert out.isna().iloc[0]
    else:
        assert not out.isna().iloc[0] and bool(out.iloc[0]) is expected


@pytest.mark.parametrize("scheme", ["dtks", "dukcapil"])
def test_hubungan_abbreviated_labels(scheme: str):
    labels = {
        "Kep. Keluarga": 1,
        "Kepala Klg": 1,
        "KEP KELUARGA": 1,
        "KEP.KEL": 1,
        "KRT": 1,
        "Kepala Rumah Tangga": 1,
        "Kepala RT": 1,
        "1. Kep. Keluarga": 1,
        "Ist": 2,
        "Suami/Istri": 2,
        "Anak Kdg": 3,
        "Anak Kand.": 3,
        "Men.": 4,
        "Ortu": 6,
        "Orang Tua/Mertua": 6,
        "Pembantu RT": 7,
        "PRT": 7,
        "Fam. Lain": 8,
        "Lain-lain": 8,
        "KA": None,  # too short to say
        "Kel": None,  # KEL... is not a single label word
        "Tetangga": None,
    }
    out = normalise_hubungan(pd.Series(list(labels)), scheme)
    assert out.tolist() == [pd.NA if v is None else v for v in labels.values()]


@pytest.mark.parametrize(
    "text,iso",
    [
        ("12 Maret 1985", "1985-03-12"),
        ("12-Mar-1985", "1985-03-12"),
        ("12 Agt 1985", "1985-08-12"),
        ("12 Agu. 1985", "1985-08-12"),
        ("1 Agustus 1985", "1985-08-01"),
        ("01 januari 2000", "2000-01-01"),
        ("5 Pebruari 1970", "1970-02-05"),
        ("7 Mei 1961", "1961-05-07"),
        ("30 Nop 1977", "1977-11-30"),
        ("25 Des 1990", "1990-12-25"),
        ("3 Okt 1980", "1980-10-03"),
        ("3 October, 1980", "1980-10-03"),
        ("31 Februari 1990", None),
        ("12 Xyz 1985", None),
        ("Maret 1985", None),
    ],
)
def test_parse_dates_month_names(text: str, iso: str | None):
    out = parse_dates(pd.Series([text, text, None], dtype=object))
    if iso is None:
        assert out.isna().all()
    else:
        assert out.iloc[:2].tolist() == [pd.Timestamp(iso)] * 2 and pd.isna(out.iloc[2])


def test_normalise_name_uses_full_case_mapping() -> None:
    """A ligature or sharp s becomes its full upper case (Arrow's one-to-one mapping kept 'ﬀ')."""
    got = normalise_name(pd.Series(["ﬀ", "straße", "  bona\u00a0 sihombing "])).tolist()
    assert got == ["FF", "STRASSE", "BONA SIHOMBING"]
