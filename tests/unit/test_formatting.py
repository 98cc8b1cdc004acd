"""Indonesian display formats (dtks_analysis.formatting)."""

from __future__ import annotations

import datetime as dt
import doctest

import numpy as np
import pandas as pd
import pytest

from dtks_analysis import formatting
from dtks_analysis.formatting import (
    KOSONG,
    bulan_id,
    bulan_singkat_id,
    fmt_change,
    fmt_dec,
    fmt_int,
    fmt_pct,
    fmt_table,
    mask_id,
    source_line,
    tanggal_id,
)

MISSING = [None, float("nan"), pd.NA, np.nan, pd.NaT]


def test_doctests_pass() -> None:
    result = doctest.testmod(formatting)
    assert result.attempted > 10
    assert result.failed == 0


class TestNumbers:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (1234567, "1.234.567"),
            (np.int64(35412), "35.412"),
            (999, "999"),
            (0, "0"),
            (1000.0, "1.000"),
            (2.5, "3"),  # half away from zero, as Excel shows it (babel alone gives "2")
            (-1500, "−1.500"),
            (-0.2, "0"),  # never "-0"
        ],
    )
    def test_fmt_int(self, value: object, expected: str) -> None:
        assert fmt_int(value) == expected

    @pytest.mark.parametrize(
        ("value", "digits", "expected"),
        [
            (0.123, 1, "12,3%"),
            (0.1235, 1, "12,4%"),
            (1, 1, "100,0%"),
            (0.5, 0, "50%"),
            (0.00049, 1, "0,0%"),
            (12.5, 1, "1.250,0%"),
            (0.12345, 2, "12,35%"),
        ],
    )
    def test_fmt_pct_takes_fractions(self, value: float, digits: int, expected: str) -> None:
        assert fmt_pct(value, digits) == expected

    def test_fmt_dec(self) -> None:
        assert fmt_dec(3.456) == "3,5"
        assert fmt_dec(3.45, 1) == "3,5"
        assert fmt_dec(1234.5, 2) == "1.234,50"

    @pytest.mark.parametrize(
        ("value", "expected"),
        [(1234, "+1.234"), (-56, "−56"), (0, "tetap"), (0.4, "tetap"), (np.int64(-1000), "−1.000")],
    )
    def test_fmt_change(self, value: object, expected: str) -> None:
        assert fmt_change(value) == expected

    def test_fmt_change_digits(self) -> None:
        assert fmt_change(0.25, 1) == "+0,3"
        assert fmt_change(-0.04, 1) == "tetap"

    @pytest.mark.parametrize("missing", MISSING)
    def test_missing_is_dash(self, missing: object) -> None:
        for fn in (fmt_int, fmt_pct, fmt_change, fmt_dec, mask_id, bulan_id, tanggal_id):
            assert fn(missing) == KOSONG == "–"

    def test_infinite_refused(self) -> None:
        with pytest.raises(ValueError, match="non-finite"):
            fmt_int(float("inf"))


class TestDates:
    def test_bulan_id_all_months(self) -> None:
        names = [bulan_id(f"2023-{m:02d}") for m in range(1, 13)]
        assert names == [
            f"{n} 2023"
            for n in [
                "Januari",
                "Februari",
                "Maret",
                "April",
                "Mei",
                "Juni",
                "Juli",
                "Agustus",
                "September",
                "Oktober",
                "November",
                "Desember",
            ]
        ]

    def test_bulan_id_accepts_dates(self) -> None:
        assert bulan_id(dt.date(2023, 12, 31)) == "Desember 2023"
        assert bulan_id(pd.Timestamp("2024-02-10")) == "Februari 2024"

    def test_bulan_id_refuses_garbage(self) -> None:
        with pytest.raises(ValueError, match="YYYY-MM"):
            bulan_id("Desember")

    def test_bulan_singkat(self) -> None:
        assert bulan_singkat_id("2023-12") == "Des 2023"

    def test_tanggal_id(self) -> None:
        assert tanggal_id(dt.date(2023, 12, 27)) == "27 Desember 2023"
        assert tanggal_id(dt.datetime(2024, 1, 5, 13, 0)) == "5 Januari 2024"
        assert tanggal_id("2024-03-01") == "1 Maret 2024"

    def test_source_line(self) -> None:
        assert source_line("2023-12", "Dinas Sosial Kabupaten Dairi") == (
            "Sumber: DTKS Dinas Sosial Kabupaten Dairi, Desember 2023, diolah"
        )


class TestMask:
    def test_sixteen_digits(self) -> None:
        assert mask_id("1211012304150001") == "1211********0001"

    def test_keeps_no_middle_digit(self) -> None:
        masked = mask_id(" 1211019999990001 ")
        assert "9" not in masked and len(masked) == 16

    def test_short_values_fully_masked(self) -> None:
        assert mask_id("12345678") == "********"


class TestFmtTable:
    def test_formats_copy_and_leaves_input(self) -> None:
        df = pd.DataFrame(
            {
                "kecamatan": ["Sidikalang", None],
                "rumah_tangga": pd.array([35412, pd.NA], dtype="Int64"),
                "cakupan": [0.1234, 0.5],
            }
        )
        out = fmt_table(df, int_cols=["rumah_tangga"], pct_cols=["cakupan"])
        assert out.to_dict("list") == {
            "kecamatan": ["Sidikalang", "–"],
            "rumah_tangga": ["35.412", "–"],
            "cakupan": ["12,3%", "50,0%"],
        }
        assert df["rumah_tangga"].iloc[0] == 35412  # input unchanged

    def test_unknown_column_named(self) -> None:
        with pytest.raises(KeyError, match="jiwa"):
            fmt_table(pd.DataFrame({"a": [1]}), int_cols=["jiwa"])
