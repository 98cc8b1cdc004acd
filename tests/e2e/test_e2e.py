"""End to end: the CLI builds a month on a small sample; HTML, PDF, XLSX and CSV agree."""

from __future__ import annotations

import json
import re

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from dtks_analysis.cli import main
from dtks_analysis.formatting import fmt_int

MONTH = "2023-12"
A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def report(small_sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    code = main(["report", "--raw-dir", str(small_sample / "raw"), "--out-dir", str(out), "-q"])
    assert code == 0
    return small_sample, out / MONTH


def test_all_outputs_exist(report):
    _root, d = report
    for name in (
        f"laporan_dtks_{MONTH}.html",
        f"laporan_dtks_{MONTH}.pdf",
        f"tabel_dtks_{MONTH}.xlsx",
        "manifest.json",
        "tabel/rekap_kecamatan.csv",
        "tabel/rekap_desa.csv",
        "tabel/kombinasi_program.csv",
        "tabel/arus_program.csv",
        "tabel/tren_bulanan.csv",
        "tabel/kualitas_data.csv",
        "review/01_penerimaan_dan_kualitas.html",
        "review/02_laporan_bulanan.html",
    ):
        assert (d / name).is_file(), name
    assert not list(d.parent.glob(".*staging*")), "staging folder left behind"


def test_pdf_is_a4_with_page_numbers_and_totals(report):
    _root, d = report
    reader = PdfReader(str(d / f"laporan_dtks_{MONTH}.pdf"))
    assert len(reader.pages) >= 3
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4[0]) < 2 and abs(float(box.height) - A4[1]) < 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    n = len(reader.pages)
    assert f"Halaman 1 dari {n}" in text and f"Halaman {n} dari {n}" in text
    rk = pd.read_csv(d / "tabel" / "rekap_kecamatan.csv", dtype={"kode_kecamatan": str})
    for kec in rk["kecamatan"]:
        assert kec in text, kec
    assert fmt_int(int(rk["rumah_tangga"].sum())) in text
    assert "import " not in text and "pipeline." not in text  # no code in the public edition


def test_html_public_has_no_code_review_has_code(report):
    _root, d = report
    public = (d / f"laporan_dtks_{MONTH}.html").read_text()
    assert "pipeline.load_tables" not in public
    assert not re.search(r"<script[^>]+src=\"https?:", public)
    review = (d / "review" / "02_laporan_bulanan.html").read_text()
    assert "pipeline.load_tables" in re.sub(r"<[^>]+>", "", review)  # code is highlighted


def test_xlsx_agrees_with_csv(report):
    _root, d = report
    rk = pd.read_csv(d / "tabel" / "rekap_kecamatan.csv", dtype={"kode_kecamatan": str})
    wb = openpyxl.load_workbook(d / f"tabel_dtks_{MONTH}.xlsx", data_only=True)
    values = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if isinstance(c, int | float)
    ]
    for col in ("rumah_tangga", "jiwa", "rt_bpnt", "rt_pbi_jkn", "rt_pkh"):
        for v in rk[col]:
            assert v in values, (col, v)
        assert int(rk[col].sum()) in values, f"total of {col} missing from the workbook"


def test_html_pdf_csv_show_the_same_total(report):
    _root, d = report
    rk = pd.read_csv(d / "tabel" / "rekap_kecamatan.csv")
    total = fmt_int(int(rk["rumah_tangga"].sum()))
    assert total in (d / f"laporan_dtks_{MONTH}.html").read_text()


def test_manifest(report):
    root, d = report
    m = json.loads((d / "manifest.json").read_text())
    assert m["month"] == MONTH
    raw = root / "raw" / MONTH
    n_files = sum(1 for p in raw.rglob("*") if p.is_file())
    assert len(m["inputs"][MONTH]) == n_files
    for step in ("siapkan_data", "tabel", "html", "pdf"):
        assert m["durations_s"][step] >= 0


def test_check_outputs_passes_then_catches_a_planted_nik(report, tmp_path):
    root, d = report
    data_dir = root  # interim/ lives beside raw/
    assert main(["check-outputs", str(d), "--data-dir", str(data_dir)]) == 0
    leaky = tmp_path / "copy"
    import shutil

    shutil.copytree(d, leaky)
    with (leaky / "tabel" / "rekap_kecamatan.csv").open("a") as fh:
        fh.write("1211010101900001,x\n")
    assert main(["check-outputs", str(leaky), "--data-dir", str(data_dir)]) == 1


def test_second_run_is_identical_for_tables(report, tmp_path):
    root, d = report
    out2 = tmp_path / "out2"
    assert main(["report", "--raw-dir", str(root / "raw"), "--out-dir", str(out2), "-q"]) == 0
    for csv in sorted((d / "tabel").glob("*.csv")):
        assert csv.read_bytes() == (out2 / MONTH / "tabel" / csv.name).read_bytes(), csv.name
    a = openpyxl.load_workbook(d / f"tabel_dtks_{MONTH}.xlsx")
    b = openpyxl.load_workbook(out2 / MONTH / f"tabel_dtks_{MONTH}.xlsx")
    for wa, wb_ in zip(a.worksheets, b.worksheets, strict=True):
        assert [r for r in wa.iter_rows(values_only=True)] == [
            r for r in wb_.iter_rows(values_only=True)
        ]


def test_unknown_month_fails_cleanly(report, capsys):
    root, d = report
    before = sorted(p.name for p in d.rglob("*"))
    code = main(
        [
            "report",
            "--month",
            "2031-01",
            "--raw-dir",
            str(root / "raw"),
            "--out-dir",
            str(d.parent),
            "-q",
        ]
    )
    assert code == 2
    assert "2031-01" in capsys.readouterr().err
    assert sorted(p.name for p in d.rglob("*")) == before


def test_bad_month_string(report, capsys):
    root, _d = report
    assert main(["report", "--month", "Desember", "--raw-dir", str(root / "raw"), "-q"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_report_has_the_maps(report):
    """The "Peta" section: the kecamatan map and both village maps, in HTML and PDF."""
    _root, d = report
    html = (d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")
    assert re.search(r"<h2[^>]*>Peta", html)
    for gid in (
        "kec-bansos-12.11.01-",
        "kec-pkh-12.11.15-",
        "desa-pkh-12.11.01.",
        "desa-rt-12.11.",
    ):
        assert f'id="{gid}' in html, gid
    text = "\n".join(
        p.extract_text() for p in PdfReader(str(d / f"laporan_dtks_{MONTH}.pdf")).pages
    )
    for title in (
        "Cakupan program bantuan menurut kecamatan",
        "Cakupan program bantuan menurut desa/kelurahan",
        "Rumah tangga DTKS menurut desa/kelurahan",
    ):
        assert title in text, title
