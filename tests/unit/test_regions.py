"""Region reference data and name/code matching (docs/architecture.md, reference data)."""

from __future__ import annotations

import pandas as pd
import pytest

from dtks_analysis import regions


def test_tables_have_the_documented_shape():
    kec = regions.kecamatan_table("12.11")
    desa = regions.desa_table("12.11")
    assert len(kec) == 15
    assert len(desa) == 169
    assert (desa["jenis"] == "kelurahan").sum() == 8
    assert list(desa.columns) == [
        "kode",
        "nama",
        "kode_kecamatan",
        "nama_bps",
        "jenis",
        "kode_nik6",
        "nama_lama",
    ]
    assert desa["kode_kecamatan"].isin(kec["kode"]).all()
    assert (desa["kode_nik6"] == desa["kode_kecamatan"].str.replace(".", "", regex=False)).all()
    # cached: the same object each call
    assert regions.desa_table("12.11") is desa


def test_code_sets():
    prov, kab = regions.province_codes(), regions.kabupaten_codes()
    assert len(prov) == 38 and all(len(c) == 2 and c.isdigit() for c in prov)
    # 514 in force plus the retired codes older NIKs still carry (Papua before the 2022 split)
    assert len(kab) > 514 and all(len(c) == 4 and c.isdigit() for c in kab)
    assert "9101" in kab  # Merauke before the 2022 Papua split (retired)
    assert "1211" in kab  # Kabupaten Dairi (Kemendagri 12.11; BPS codes differ)
    assert "12" in prov and "99" not in prov and "1299" not in kab


def test_kecamatan_name():
    assert regions.kecamatan_name("12.11", "12.11.01") == "Sidikalang"
    assert regions.kecamatan_name("12.11", "121114") == "Silahisabungan"
    assert regions.kecamatan_name("12.11", "12.11.16") is None
    assert regions.kecamatan_name("12.11", None) is None


@pytest.mark.parametrize(
    "name,key",
    [
        ("Lau Pak-Pak", "LAUPAKPAK"),
        ("LAU PAKPAK", "LAUPAKPAK"),
        ("Tiga Lingga", "TIGALINGGA"),
        ("Kota Sidikalang", "SIDIKALANG"),
        ("KECAMATAN SIDIKALANG", "SIDIKALANG"),
        ("Kec. Sumbul", "SUMBUL"),
        ("Kec.Sumbul", "SUMBUL"),
        ("Desa Kalang", "KALANG"),
        ("Kel. Kuta Gambir", "KUTAGAMBIR"),
        ("KELURAHAN Bintang Hulu", "BINTANGHULU"),
        ("Kabupaten Dairi", "DAIRI"),
        ("Kab. Dairi", "DAIRI"),
        # names that merely start with the letters of a prefix keep them
        ("Kaban Julu", "KABANJULU"),
        ("Kutambaru", "KUTAMBARU"),
        ("Kelapa Dua", "KELAPADUA"),
        ("Kotarih", "KOTARIH"),
        ("Desanta", "DESANTA"),
        # a name that is only a prefix word stays
        ("Kota", "KOTA"),
        ("", ""),
        (None, ""),
    ],
)
def test_name_key(name: str | None, key: str):
    assert regions.name_key(pd.Series([name], dtype=object)).iloc[0] == key


def test_every_official_and_bps_name_matches_itself():
    d = regions.desa_table("12.11")
    m = regions.match_desa("12.11", d["nama"])
    assert (m["kode_desa"] == d["kode"]).all()
    assert not m["alt_spelling"].any()
    b = regions.match_desa("12.11", d["nama_bps"].str.title())
    assert (b["kode_desa"] == d["kode"]).all()
    differs = regions.name_key(d["nama"]) != regions.name_key(d["nama_bps"])
    assert differs.sum() >= 5
    assert (b["alt_spelling"] == differs).all()
    k = regions.kecamatan_table("12.11")
    mk = regions.match_kecamatan("12.11", k["nama_bps"])
    assert (mk["kode_kecamatan"] == k["kode"]).all()
    assert (mk["kecamatan"] == k["nama"]).all()


def test_match_kecamatan_names_and_codes():
    names = pd.Series(
        [
            "Kota Sidikalang",
            "TIGA LINGGA",
            "silima pungga-pungga",
            "Medan",
            None,
            "x",
            "Pagagan Hilir",
        ],
        index=list("abcdefg"),
    )
    codes = pd.Series([None, None, None, None, "12.11.15", "121110", None], index=list("abcdefg"))
    m = regions.match_kecamatan("12.11", names, codes)
    assert list(m.columns) == ["kode_kecamatan", "kecamatan", "alt_spelling"]
    assert m.index.equals(names.index)
    assert m["kode_kecamatan"].tolist() == [
        "12.11.01",
        "12.11.03",
        "12.11.05",
        None,
        "12.11.15",
        "12.11.10",
        "12.11.09",
    ]
    assert m["kecamatan"].tolist()[:3] == ["Sidikalang", "Tigalingga", "Silima Pungga Pungga"]
    assert m["alt_spelling"].tolist() == [False] * 6 + [True]  # old spelling Pagagan


def test_code_wins_over_name_and_bad_codes_fall_back():
    names = pd.Series(["Sumbul", "Sumbul", "Sumbul"])
    codes = pd.Series(["12.11.03", "12.11.99", "abc"])
    m = regions.match_kecamatan("12.11", names, codes)
    assert m["kode_kecamatan"].tolist() == ["12.11.03", "12.11.02", "12.11.02"]


def test_match_desa_alt_spelling_and_kecamatan_constraint():
    names = pd.Series(
        [
            "Huta Rakjat",
            "HUTA RAKYAT",
            "Lau Pak-Pak",
            "Lau Pak-Pak",
            "Desa Kalang",
            "Sumber Makmur",
            "",
        ]
    )
    kec = pd.Series(["12.11.01", None, "12.11.01", "121103", None, None, None])
    m = regions.match_desa("12.11", names, kec)
    assert list(m.columns) == ["kode_desa", "desa", "kode_kecamatan", "alt_spelling"]
    assert m["kode_desa"].tolist() == [
        "12.11.01.2011",
        "12.11.01.2011",
        None,  # Lau Pak-Pak is in Tigalingga, not Sidikalang
        "12.11.03.2010",
        "12.11.01.2012",
        None,
        None,
    ]
    assert m["desa"].tolist()[:2] == ["Huta Rakyat", "Huta Rakyat"]
    assert m["kode_kecamatan"].tolist()[3] == "12.11.03"
    assert m["alt_spelling"].tolist() == [True, False, False, False, False, False, False]


def test_match_desa_codes_dotted_or_plain():
    names = pd.Series([None, "zzz", "Kalang"])
    codes = pd.Series(["12.11.01.2008", "1211012008", "1211012008.0"])
    m = regions.match_desa("12.11", names, codes=codes)
    assert m["kode_desa"].tolist() == ["12.11.01.2008"] * 3
    assert m["desa"].tolist() == ["Belang Malum"] * 3


def test_kelurahan_sidikalang_bps_spelling():
    m = regions.match_desa("12.11", pd.Series(["KOTA SIDIKALANG", "Kel. Sidikalang"]))
    assert m["kode_desa"].tolist() == ["12.11.01.1010", "12.11.01.1010"]


# -- membership: the rule of ingest's "file for another kabupaten" check (issue 10) ----------
def test_is_kecamatan_uses_the_matching_rule_and_codes():
    values = pd.Series(
        [
            "Kota Sidikalang",  # prefix dropped as a whole word
            "KEC. KOTA SIDIKALANG",  # several prefixes
            "Pagagan Hilir",  # documented old spelling
            "TIGA LINGGA",  # BPS spelling
            "12.11.03",
            "121115",  # NIK / plain code
            "1210030",  # BPS code
            "KECSIDIKALANG",  # glued prefix: not a whole word, not recognised
            "Kabanjahe",
            "Sidikalang 121101",  # text with a code inside is not a code
            None,
        ],
        dtype=object,
    )
    got = regions.is_kecamatan("12.11", values).tolist()
    assert got == [True, True, True, True, True, True, True, False, False, False, False]


def test_is_desa_names_and_codes():
    values = pd.Series(
        ["Desa Lau Pak-Pak", "KOTA SIDIKALANG", "1211012008", "1210030009", "Gung Leto", "Kalang"]
    )
    assert regions.is_desa("12.11", values).tolist() == [True, True, True, True, False, True]


def test_is_kabupaten_names_and_codes():
    values = pd.Series(
        ["KAB. DAIRI", "Kabupaten Dairi", "DAIRI", "12.11", "1211", "1210", "KARO", "Kota Medan"]
    )
    got = regions.is_kabupaten(values, "12.11", "Kabupaten Dairi").tolist()
    assert got == [True, True, True, True, True, True, False, False]
    # another kabupaten_kode: only its own code and the given name
    other = regions.is_kabupaten(pd.Series(["Karo", "12.06", "DAIRI"]), "12.06", "Kabupaten Karo")
    assert other.tolist() == [True, True, False]
    assert regions.DAIRI_KODE == "12.11"
