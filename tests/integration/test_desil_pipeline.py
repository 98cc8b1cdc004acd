"""The DTSEN desil tables through ``pipeline.build_tables`` (issue 13): a DTKS month followed by
DTSEN months of the hand-made households of :mod:`tests.unit.test_desil` (see its table).

Integration tests: every table of the month is built and protected, and the disclosure control
of so few households (nearly every cell primary) takes most of a minute of CPU, so they run in
``make test`` but not in ``make test-fast``."""

from __future__ import annotations

import pandas as pd
import pytest

from dtks_analysis import pipeline
from dtks_analysis.config import load_settings
from dtks_analysis.counting import desil
from dtks_analysis.publishing import desil_section, sections
from tests.unit.test_desil import _hh, _persons


# -- pipeline and report section ----------------------------------------------------------
def _month(month: str, persons: pd.DataFrame) -> pipeline.MonthData:
    h = _hh(persons)
    summary = {"baris": len(persons), "desa_ada": sorted(set(persons["kode_desa"]))}
    findings = pd.DataFrame({"record": [], "kode_aturan": [], "tingkat": []})
    files = pd.DataFrame({"_file": ["a.csv"], "_sheet": [""], "rows": [len(persons)]})
    return pipeline.MonthData(month, persons, h, findings, files, summary)


@pytest.fixture(scope="module")
def switch_tables() -> tuple[pipeline.ReportTables, pipeline.ReportTables]:
    """A DTKS month followed by the same households from DTSEN files."""
    dtks = _persons().drop(columns=["desil_nasional", "desil_provinsi", "status_keluarga"])
    data = {
        "2025-01": _month("2025-01", dtks.drop(columns=["sumber"])),
        "2025-02": _month("2025-02", _persons()),
    }
    s = load_settings("2025-02")
    return pipeline.build_tables("2025-01", s, data), pipeline.build_tables("2025-02", s, data)


def test_dtks_month_has_no_dtsen_tables_nor_section(switch_tables) -> None:
    t, _ = switch_tables
    assert not set(t.published) & {"desil_kabupaten", "rekap_desil", "ketepatan_sasaran"}
    assert "sumber_data" not in t.extra
    assert desil_section.section_html(t, load_settings("2025-01")) == ""
    assert desil_section.sumber_bulan(t) == "DTKS" and "DTKS" in desil_section.judul_laporan(t)


def test_dtsen_month_tables_section_title_and_trend(switch_tables) -> None:
    prev, t = switch_tables
    s = load_settings("2025-02")
    assert {"desil_kabupaten", "rekap_desil", "ketepatan_sasaran"} <= set(t.published)
    assert "arus_desil" not in t.published  # the earlier month is DTKS
    assert t.extra["sumber_data"]["sumber"].tolist() == ["DTKS", "DTSEN"]
    assert desil_section.sumber_bulan(t) == "DTSEN" and "(DTSEN)" in desil_section.judul_laporan(t)
    html = desil_section.section_html(t, s)
    assert "Ketepatan sasaran menurut desil" in html and "<svg" in html
    assert "berganti dari DTKS ke DTSEN mulai Februari 2025" in html
    text = " ".join(sections.highlights(t, s))
    assert "Kesalahan inklusi" in text and "66,7%" in text  # BPNT inclusion 2/3
    # trend continuous across the switch: same households, same program counts
    tren = t.published["tren_bulanan"].set_index("bulan")
    assert (tren.loc["2025-01"] == tren.loc["2025-02"]).all()


def test_arus_desil_from_the_last_dtsen_month() -> None:
    """DTKS, then two DTSEN months: the third compares with the second (every household
    stays in its desil row); a DTKS month between is skipped."""
    dtks = _persons().drop(
        columns=["desil_nasional", "desil_provinsi", "status_keluarga", "sumber"]
    )
    data = {
        "2025-01": _month("2025-01", _persons()),
        "2025-02": _month("2025-02", dtks),
        "2025-03": _month("2025-03", _persons()),
    }
    t = pipeline.build_tables("2025-03", load_settings("2025-03"), data)
    a = t.published["arus_desil"].set_index("desil_lalu")
    diag = {label: int(a.at[label, label]) for label in desil.LABELS}
    assert diag == {
        "1": 1,
        "2": 1,
        "4": 1,
        "5": 1,
        "9": 1,
        "belum_diperingkat": 1,
        "nonaktif": 1,
    } | {k: 0 for k in ("3", "6", "7", "8", "10")}
    assert a.to_numpy().sum() == 7
    assert t.extra["sumber_data"]["sumber"].tolist() == ["DTSEN", "DTKS", "DTSEN"]
