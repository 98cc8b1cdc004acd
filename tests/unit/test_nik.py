"""Hand-written NIK / No KK cases against DOMAIN.md sections 2-4 (issue #4)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dtks_analysis.editing.nik import REASONS, had_separators, parse_kk, parse_nik, strip_id

REF = "2024-06-30"
NIK_COLUMNS = [
    "valid",
    "reason",
    "province",
    "kabupaten",
    "kecamatan",
    "sex",
    "birth_date",
    "serial",
]


def one(value: object, ref: object = REF, kk: bool = False) -> pd.Series:
    parse = parse_kk if kk else parse_nik
    return parse(pd.Series([value], dtype=object), reference_date=ref).iloc[0]


# (value, valid, reason, sex, birth date)
NIK_CASES = [
    # men: day 01-31
    ("1211010101850001", True, None, "L", "1985-01-01"),
    ("1211013112850001", True, None, "L", "1985-12-31"),
    ("1211013104850001", False, "date", "L", None),  # 31 April does not exist
    # women: day 41-71 (= day + 40)
    ("1211014101850001", True, None, "P", "1985-01-01"),
    ("1211017112850001", True, None, "P", "1985-12-31"),
    ("1211017104850001", False, "date", "P", None),  # 31 April, woman
    ("1211017212850001", False, "date", None, None),  # day 72
    ("1211013212850001", False, "date", None, None),  # day 32
    ("1211014012850001", False, "date", None, None),  # day 40
    ("1211010012850001", False, "date", None, None),  # day 00
    # months 00 and 13
    ("1211011500850001", False, "date", "L", None),
    ("1211011513850001", False, "date", "L", None),
    # 29 February: leap year 2000 / 1996, not 2001 / 1985
    ("1211012902000001", True, None, "L", "2000-02-29"),
    ("1211016902960001", True, None, "P", "1996-02-29"),
    ("1211012902010001", False, "date", "L", None),
    ("1211016902850001", False, "date", "P", None),
    # serial
    ("1211010101850000", False, "serial", "L", "1985-01-01"),
    ("1211010101859999", True, None, "L", "1985-01-01"),
    # region prefix
    ("9911010101850001", False, "province", "L", "1985-01-01"),  # no province 99
    ("1299010101850001", False, "kabupaten", "L", "1985-01-01"),  # Sumut has no 12.99
    ("3171010101850001", True, None, "L", "1985-01-01"),  # Jakarta Selatan: valid, not Dairi
]


@pytest.mark.parametrize("value,valid,reason,sex,birth", NIK_CASES)
def test_nik_cases(value: str, valid: bool, reason: str | None, sex: str | None, birth: str | None):
    r = one(value)
    assert bool(r["valid"]) is valid
    assert r["reason"] == reason
    assert r["sex"] == sex
    if birth is None:
        assert pd.isna(r["birth_date"])
    else:
        assert r["birth_date"] == pd.Timestamp(birth)
    # parts are filled for every 16-digit string
    assert r["province"] == value[:2]
    assert r["kabupaten"] == value[:4]
    assert r["kecamatan"] == value[:6]
    assert r["serial"] == value[12:]


@pytest.mark.parametrize(
    "value,reason",
    [
        (None, "empty"),
        (np.nan, "empty"),
        (pd.NA, "empty"),
        ("", "empty"),
        ("   ", "empty"),
        ("'", "empty"),
        ("-", "empty"),
        ("1.21101E+15", "excel"),
        ("1,21101E+15", "excel"),
        ("1.21101230415E+15", "excel"),
        ("1.21101e15", "excel"),
        ("'1.21101E+15", "excel"),
        ("121101010185001", "length"),  # 15 digits
        ("12110101018500011", "length"),  # 17 digits
        ("1211", "length"),
        ("121101010185000A", "digits"),
        ("12110101O1850001", "digits"),  # letter O
        ("1211010101850001/", "digits"),
        ("1211A", "digits"),  # digits wins over length
        ("１２１１０１０１０１８５０００１", "digits"),  # full-width digits
        ("NIK", "digits"),
    ],
)
def test_nik_reasons_without_16_digits(value: object, reason: str):
    r = one(value)
    assert not r["valid"]
    assert r["reason"] == reason
    for col in ("province", "kabupaten", "kecamatan", "sex", "serial"):
        assert r[col] is None
    assert pd.isna(r["birth_date"])


@pytest.mark.parametrize(
    "value",
    [
        "1211 0101 0185 0001",
        "1211.0101.0185.0001",
        "1211-0101-0185-0001",
        "'1211010101850001",
        "  1211010101850001  ",
        "12 11 01 010185 0001",
        "1211\u00a00101\u00a00185\u00a00001",  # no-break spaces from a copy-paste
        "'1211 01.01-01850001",
    ],
)
def test_separators_are_stripped(value: str):
    r = one(value)
    assert r["valid"]
    assert r["reason"] is None
    assert r["birth_date"] == pd.Timestamp("1985-01-01")
    assert strip_id(pd.Series([value])).iloc[0] == "1211010101850001"
    assert had_separators(pd.Series([value])).iloc[0]


def test_reason_priority():
    # province beats kabupaten, date and serial
    assert one("9999000000000000")["reason"] == "province"
    # kabupaten beats date and serial
    assert one("1299000000000000")["reason"] == "kabupaten"
    # date beats serial
    assert one("1211010000000000")["reason"] == "date"
    assert list(REASONS) == [
        "empty",
        "excel",
        "digits",
        "length",
        "province",
        "kabupaten",
        "date",
        "serial",
    ]


def test_century_pivot_on_reference_year():
    v = "1211010101240001"  # YY = 24
    assert one(v, ref="2024-01-01")["birth_date"] == pd.Timestamp("2024-01-01")
    assert one(v, ref="2023-12-31")["birth_date"] == pd.Timestamp("1924-01-01")
    # reference date accepted as date, datetime, Timestamp and string
    for ref in (dt.date(2030, 1, 1), dt.datetime(2030, 1, 1, 12), pd.Timestamp("2030-01-01")):
        assert one(v, ref=ref)["birth_date"] == pd.Timestamp("2024-01-01")
    # 29 Feb 00 is valid in 2000 but not in 1900 (reference year before 2000)
    assert one("1211012902000001", ref="2010-01-01")["valid"]
    assert one("1211012902000001", ref="1999-12-31")["reason"] == "date"


def test_default_reference_date_is_today():
    yy = dt.date.today().year % 100
    r = one(f"1211010101{yy:02d}0001", ref=None)
    assert r["birth_date"].year == dt.date.today().year
    nxt = (yy + 1) % 100
    r = one(f"1211010101{nxt:02d}0001", ref=None)
    assert r["birth_date"].year < dt.date.today().year


def test_kk_has_no_sex_and_no_plus_40():
    df = parse_kk(
        pd.Series(["1211012010150003", "1211016010150003", "1211013101150000", "1211"]),
        reference_date=REF,
    )
    assert list(df.columns) == [c for c in NIK_COLUMNS if c != "sex"]
    assert df["reason"].tolist() == [None, "date", "serial", "length"]
    assert df["birth_date"].iloc[0] == pd.Timestamp("2015-10-20")
    assert df["valid"].tolist() == [True, False, False, False]


def test_frame_shape_index_and_dtypes():
    idx = pd.Index([7, 3, 99], name="rec")
    s = pd.Series(["1211014507850001", None, "12 11"], index=idx)
    df = parse_nik(s, reference_date=REF)
    assert list(df.columns) == NIK_COLUMNS
    assert df.index.equals(idx)
    assert df["valid"].dtype == bool
    assert df["birth_date"].dtype == "datetime64[ns]"
    for col in ("reason", "province", "kabupaten", "kecamatan", "sex", "serial"):
        assert df[col].dtype == object
    assert df["reason"].tolist() == [None, "empty", "length"]
    assert df.loc[7, "sex"] == "P"


def test_empty_input_and_other_dtypes():
    assert parse_nik(pd.Series([], dtype=object)).shape == (0, 8)
    assert parse_kk(pd.Series([], dtype=object)).shape == (0, 7)
    arrow = pd.Series(["1211014507850001", None], dtype="string[pyarrow]")
    assert parse_nik(arrow, REF)["reason"].tolist() == [None, "empty"]
    python_str = pd.Series(["1211014507850001", pd.NA], dtype="string")
    assert parse_nik(python_str, REF)["reason"].tolist() == [None, "empty"]
    # numbers (should not arrive, but must not crash): integral floats lose their ".0"
    mixed = pd.Series(
        [1211014507850001, 1211014507850000.0, 1.5, None], dtype=object
    )  # "1.5" -> "15"
    assert parse_nik(mixed, REF)["reason"].tolist() == [None, "serial", "length", "empty"]
    assert parse_nik(["1211014507850001"], REF)["valid"].tolist() == [True]


def test_mixed_batch_matches_single_values():
    values = [c[0] for c in NIK_CASES] + ["1.2E+15", None, "1211 0145 0785 0001", "abc"]
    batch = parse_nik(pd.Series(values, dtype=object), reference_date=REF)
    for i, v in enumerate(values):
        single = one(v)
        for col in NIK_COLUMNS:
            a, b = batch.iloc[i][col], single[col]
            assert (pd.isna(a) and pd.isna(b)) or a == b, (v, col)


def test_strip_id_and_had_separators():
    s = pd.Series(["'1211 0145", "12110145", None, "", "  ", "1.2E+15", " 12 ", "12.34"])
    assert strip_id(s).tolist() == [
        "12110145",
        "12110145",
        None,
        None,
        None,
        "1.2E+15",
        "12",
        "1234",
    ]
    assert had_separators(s).tolist() == [True, False, False, False, False, False, True, True]
    assert strip_id(s).index.equals(s.index)
    # parsing the stripped value gives the same answer as parsing the raw value
    a = parse_nik(s, REF)
    b = parse_nik(strip_id(s), REF)
    assert a["reason"].tolist() == b["reason"].tolist()


def test_large_batch_is_fast():
    """Smoke check of the vectorized path (the real timing is bench/bench_nik.py)."""
    import time

    n = 200_000
    rng = np.random.default_rng(0)
    base = pd.Series(rng.integers(10**15, 10**16 - 1, n).astype(str), dtype=object)
    t0 = time.perf_counter()
    df = parse_nik(base, reference_date=REF)
    elapsed = time.perf_counter() - t0
    assert len(df) == n
    assert elapsed < 2.0


@pytest.mark.parametrize(
    "value",
    [
        '="1211014507850001"',
        "=1211014507850001",
        '= "1211014507850001"',
        "`1211014507850001",
        "1211/01/450785/0001",
        "12/11/01/45/07/85/0001",
        "1211014507850001.0",
        "'1211014507850001.0",
    ],
)
def test_village_id_codings_are_read(value: str):
    assert strip_id(pd.Series([value])).tolist() == ["1211014507850001"]
    r = parse_nik(pd.Series([value]), reference_date="2024-01-01")
    assert r["valid"].tolist() == [True]
    assert bool(had_separators(pd.Series([value])).iloc[0])


def test_float_text_is_marked_like_a_number_cell():
    from dtks_analysis.editing.nik import float_text

    s = pd.Series(
        [
            "1211014507850001.0",
            "1211014507850001.00",
            '="1211014507850001.0"',
            "1211014507850001",
            "121101450785001.0",
            "1211014507850001.5",
            None,
        ]
    )
    assert float_text(s).tolist() == [True, True, True, False, False, False, False]


MIXED_IDS = [
    "1211014507850001",
    " 1211.0145-0785 0001",
    "",
    None,
    float("nan"),
    "1.21101E+15",
    "1211014507850001.0",
    "'1211014507850001",
    "12110145",
    "12A1014507850001",
]


def test_strip_id_keeps_plain_digits_and_blanks_missing() -> None:
    s = pd.Series(MIXED_IDS, dtype=object, index=range(10, 20), name="nik")
    out = strip_id(s)
    assert out.index.equals(s.index) and out.name == "nik" and out.dtype == object
    assert out.tolist() == [
        "1211014507850001",
        "1211014507850001",
        None,
        None,
        None,
        "1.21101E+15",
        "1211014507850001",
        "1211014507850001",
        "12110145",
        "12A1014507850001",
    ]
    assert out.iloc[0] is s.iloc[0]  # a plain-digit value is kept, not converted


def test_prepared_ids_give_the_same_checks_as_the_values() -> None:
    from dtks_analysis.editing.nik import float_text, prepare

    s = pd.Series(MIXED_IDS, dtype=object)
    prepared = prepare(s)
    pd.testing.assert_frame_equal(
        parse_nik(prepared, reference_date=REF), parse_nik(s, reference_date=REF)
    )
    lean = parse_kk(prepared, reference_date=REF, region_parts=False)
    full = parse_kk(s, reference_date=REF)
    pd.testing.assert_frame_equal(lean, full.drop(columns=["province", "kecamatan"]))
    assert had_separators(prepared).tolist() == had_separators(s).tolist()
    assert float_text(prepared).tolist() == float_text(s).tolist()
