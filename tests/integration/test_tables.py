"""The registry of published tables (dtks_analysis.publishing.tables) against what the pipeline
publishes: every table of ``pipeline.build_tables`` (written as ``tabel/<key>.csv``) has an entry,
with exactly its columns, and every column a label, a unit or definition; labels stay unique
where they are read back.

Integration tests: ``build_tables`` makes and protects every table of the month (the DTSEN
case takes about half a minute of CPU on so few households), so they run in ``make test`` but
not in ``make test-fast``."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dtks_analysis import pipeline
from dtks_analysis.config import load_settings
from dtks_analysis.counting import households
from dtks_analysis.publishing import export, metadata, tables
from dtks_analysis.publishing.workbook import read_workbook_table, write_workbook
from tests.unit.test_households import make_persons


def _month(
    month: str, rows: list[dict], villages: list[str], dtsen: bool = False
) -> pipeline.MonthData:
    persons = make_persons(rows)
    if dtsen:  # the DTSEN person columns of the intake (issue 13)
        n = len(persons)
        persons["desil_nasional"] = [str(i % 11) if i % 11 else "" for i in range(n)]
        persons["status_keluarga"] = ["nonaktif" if i % 7 == 3 else "aktif" for i in range(n)]
        persons["sumber"] = "dtsen"
    hh = households.build_households(
        persons, reference_date=date(2023, 12, 31), umur_maks=110, kunci_rumah_tangga="no_kk"
    )
    findings = pd.DataFrame(
        {
            "record": [0, 1],
            "kode_aturan": ["nik_panjang", "nama_tidak_wajar"],
            "tingkat": ["error", "warning"],
        }
    )
    files = pd.DataFrame({"_file": ["a.xlsx"], "_sheet": ["Sheet1"], "rows": [len(rows)]})
    summary = {"baris": len(rows), "desa_ada": villages, "rumah_tangga": len(hh)}
    return pipeline.MonthData(month, persons, hh, findings, files, summary)


@pytest.fixture(scope="module", params=["dtks", "dtsen"])
def report_tables(request) -> pipeline.ReportTables:
    """Two small months (the second with a non-responding village): every table is built;
    with DTSEN person columns (``dtsen``) also the DTSEN tables."""
    dtsen = request.param == "dtsen"
    a, b = "12.11.01.2008", "12.11.15.2001"
    first = [
        {"kunci": f"K{i}", "hub": 1 if i % 3 == 0 else 3, "desa": a if i < 9 else b, "bpnt": i % 2}
        for i in range(15)
    ]
    second = [r | {"pkh": True} for r in first if r["desa"] == a]
    data = {
        "2023-11": _month("2023-11", first, [a, b], dtsen),
        "2023-12": _month("2023-12", second, [a], dtsen),
    }
    t = pipeline.build_tables("2023-12", load_settings("2023-12"), data)
    assert ("desil_kabupaten" in t.published) == dtsen
    assert ("arus_desil" in t.published) == dtsen  # the earlier month is DTSEN too
    # the unsuppressed rekap_desil is kept apart, never among the tables written as CSV
    assert (t.rekap_desil_lengkap is not None) == dtsen
    assert not any(k.endswith("_lengkap") for k in {**t.published, **t.extra})
    if dtsen:  # 9 households of village a + 6 of the non-responding b carried forward
        assert int(t.rekap_desil_lengkap["rumah_tangga"].sum()) == 15
    return t


def _all(t: pipeline.ReportTables) -> dict[str, pd.DataFrame]:
    return {**t.published, **t.extra}  # what report.run_report writes as tabel/*.csv


def _expected(t: pipeline.ReportTables) -> set[str]:
    """Every registered table; the DTSEN ones only for a month with DTSEN households."""
    dtsen = "desil_kabupaten" in t.published
    return tables.csv_tables() - (set() if dtsen else set(tables.DTSEN_TABLES))


def test_every_published_table_is_registered_with_its_columns(report_tables) -> None:
    written = _all(report_tables)
    assert set(written) == _expected(report_tables), "register (or drop) these tables"
    for name, df in written.items():
        assert tuple(df.columns) == tables.TABLES[name].fields, name


def test_every_field_has_labels_unit_or_definition() -> None:
    used = {f for t in tables.TABLES.values() for f in t.fields}
    assert used <= set(tables.FIELDS)
    for key in used:
        f = tables.FIELDS[key]
        assert f.short and f.long, key
        assert tables.definition(key), f"{key}: no definition (registry or metadata.yaml)"


def test_workbook_tables_numbered_in_order_and_sheet_names_fit() -> None:
    dtks = [n for n in tables.TABLES if n not in tables.DTSEN_TABLES]
    numbers = sorted(tables.number(n) for n in dtks)
    assert numbers == list(range(1, len(dtks) + 1))  # a DTKS month: 1..n, no gap
    numbers = sorted(tables.number(n, dtsen=True) for n in tables.TABLES)
    assert numbers == list(range(1, len(tables.TABLES) + 1))  # a DTSEN month: the annex last
    assert tables.number(tables.ANNEX, dtsen=True) == len(tables.TABLES)
    sheets = [t.sheet for t in tables.TABLES.values()]
    assert len(set(sheets)) == len(sheets) and all(len(s) <= 31 for s in sheets)
    for name, t in tables.TABLES.items():
        longs = [tables.long_label(c, name) for c in t.fields]
        assert len(set(longs)) == len(longs), f"{name}: workbook headers must be unique"


def test_every_table_round_trips_through_csv_and_workbook(report_tables, tmp_path) -> None:
    written = _all(report_tables)
    paths = export.write_csvs(written, tmp_path / "tabel")
    assert {p.stem for p in paths.values()} == _expected(report_tables)
    path = write_workbook(
        written, tmp_path / "t.xlsx", "2023-12", {"instansi": "Dinas Uji", "kabupaten": "Kota Uji"}
    )
    for name, df in written.items():
        back = read_workbook_table(path, name)
        assert list(back.columns) == list(df.columns), name


def test_annex_takes_column_wording_from_the_registry() -> None:
    defs = metadata.definitions_table().set_index("nama")
    for col in ("rumah_tangga", "jiwa", "rt_bansos", "rt_imputasi"):
        f = tables.FIELDS[col]
        assert defs.loc[f.short, "satuan"] == f.unit
    assert defs.loc["Jumlah RT penerima BPNT", "satuan"] == "rumah tangga"
