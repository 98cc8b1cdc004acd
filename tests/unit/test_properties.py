"""Property-based tests (issue #7 item 6) for the NIK/KK parser and the normalisers."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dtks_analysis.editing.clean import (
    normalise_flag,
    normalise_header,
    normalise_hubungan,
    normalise_name,
    normalise_sex,
    parse_dates,
)
from dtks_analysis.editing.nik import REASONS, had_separators, parse_kk, parse_nik, strip_id
from dtks_analysis.regions import kabupaten_codes

REF = dt.date(2024, 6, 30)
KABUPATEN = sorted(kabupaten_codes())
SEPARATORS = [" ", ".", "-", "  ", "\u00a0", " - "]
# DTKS_HYPOTHESIS_EXAMPLES=5000 for a deeper search than the default CI budget
PROPS = settings(
    max_examples=int(os.environ.get("DTKS_HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# cells as they arrive: arbitrary text (any Unicode), numbers-as-text, missing values
cells = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(alphabet="0123456789 .-'eE+,", max_size=24),
    st.integers(min_value=0, max_value=10**17).map(str),
)


def _check_frame(df: pd.DataFrame, values: list, kk: bool) -> None:
    assert len(df) == len(values)
    assert df["valid"].dtype == bool
    assert str(df["birth_date"].dtype) == "datetime64[ns]"
    reasons = set(df["reason"].dropna())
    assert reasons <= set(REASONS)
    assert (df["valid"] == df["reason"].isna()).all()
    # parts are present exactly when 16 digits remain
    has_parts = df["province"].notna()
    assert (df["kabupaten"].notna() == has_parts).all()
    assert (df["serial"].notna() == has_parts).all()
    assert ("sex" in df.columns) is not kk
    assert df.loc[df["valid"], "birth_date"].notna().all()


@PROPS
@given(st.lists(cells, max_size=20))
def test_no_input_crashes_the_id_parsers(values: list):
    s = pd.Series(values, dtype=object)
    for parse, kk in ((parse_nik, False), (parse_kk, True)):
        df = parse(s, reference_date=REF)
        _check_frame(df, values, kk)
    stripped = strip_id(s)
    assert len(stripped) == len(s)
    assert had_separators(s).dtype == bool


@PROPS
@given(st.lists(cells, max_size=20), st.sampled_from(["dtks", "dukcapil"]))
def test_no_input_crashes_the_normalisers(values: list, scheme: str):
    s = pd.Series(values, dtype=object)
    flags = normalise_flag(s)
    assert str(flags.dtype) == "boolean" and len(flags) == len(s)
    hub = normalise_hubungan(s, scheme)
    assert str(hub.dtype) == "Int8"
    assert hub.dropna().between(1, 8).all()
    assert set(normalise_sex(s).dropna()) <= {"L", "P"}
    assert str(parse_dates(s).dtype) == "datetime64[ns]"
    names = normalise_name(s).dropna()
    assert (names == names.str.upper()).all()
    assert not names.str.contains("  ").any()


@PROPS
@given(st.one_of(st.none(), st.text(max_size=60)))
def test_no_header_crashes_normalise_header(header: str | None):
    key = normalise_header(header)
    assert isinstance(key, str)
    assert key == key.lower()
    assert "__" not in key and not key.startswith("_") and not key.endswith("_")
    assert normalise_header(key) == key  # idempotent


@st.composite
def valid_ids(draw, kk: bool = False):
    """(id string, expected parts) for a valid NIK (or No KK)."""
    kab = draw(st.sampled_from(KABUPATEN))
    kec = draw(st.integers(0, 99))
    born = draw(
        st.dates(min_value=dt.date(REF.year - 99, 1, 1), max_value=dt.date(REF.year, 12, 31))
    )
    female = False if kk else draw(st.booleans())
    serial = draw(st.integers(1, 9999))
    day = born.day + (40 if female else 0)
    value = f"{kab}{kec:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    parts = {
        "province": kab[:2],
        "kabupaten": kab,
        "kecamatan": f"{kab}{kec:02d}",
        "birth_date": pd.Timestamp(born),
        "serial": f"{serial:04d}",
    }
    if not kk:
        parts["sex"] = "P" if female else "L"
    return value, parts


def _assert_parts(row: pd.Series, parts: dict) -> None:
    assert row["valid"]
    assert row["reason"] is None
    for col, want in parts.items():
        assert row[col] == want, col


@PROPS
@given(st.lists(valid_ids(), min_size=1, max_size=10))
def test_valid_nik_parse_back_to_their_parts(ids: list):
    df = parse_nik(pd.Series([v for v, _ in ids]), reference_date=REF)
    for i, (_, parts) in enumerate(ids):
        _assert_parts(df.iloc[i], parts)


@PROPS
@given(st.lists(valid_ids(kk=True), min_size=1, max_size=10))
def test_valid_kk_parse_back_to_their_parts(ids: list):
    df = parse_kk(pd.Series([v for v, _ in ids]), reference_date=REF)
    for i, (_, parts) in enumerate(ids):
        _assert_parts(df.iloc[i], parts)


@st.composite
def with_separators(draw, digits: str) -> str:
    """``digits`` with separators inserted at random places and maybe a leading apostrophe."""
    out = []
    for ch in digits:
        if draw(st.booleans()) and draw(st.booleans()):
            out.append(draw(st.sampled_from(SEPARATORS)))
        out.append(ch)
    if draw(st.booleans()):
        out.append(draw(st.sampled_from(SEPARATORS)))
    text = "".join(out)
    return ("'" + text) if draw(st.booleans()) else text


@PROPS
@given(
    st.data(),
    st.one_of(valid_ids().map(lambda t: t[0]), st.text("0123456789", min_size=1, max_size=20)),
)
def test_separators_never_change_the_parse(data, digits: str):
    noisy = data.draw(with_separators(digits))
    both = pd.Series([digits, noisy])
    for parse in (parse_nik, parse_kk):
        df = parse(both, reference_date=REF)
        a, b = df.iloc[0], df.iloc[1]
        for col in df.columns:
            assert (pd.isna(a[col]) and pd.isna(b[col])) or a[col] == b[col], (digits, noisy, col)
    assert strip_id(both).tolist() == [digits, digits]
    assert had_separators(pd.Series([noisy])).iloc[0] == (noisy != digits)


@PROPS
@given(st.lists(cells, min_size=1, max_size=8))
def test_batch_parse_equals_single_parses(values: list):
    batch = parse_nik(pd.Series(values, dtype=object), reference_date=REF)
    for i, v in enumerate(values):
        single = parse_nik(pd.Series([v], dtype=object), reference_date=REF).iloc[0]
        row = batch.iloc[i]
        for col in batch.columns:
            assert (pd.isna(row[col]) and pd.isna(single[col])) or row[col] == single[col]
