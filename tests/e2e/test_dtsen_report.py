"""A DTSEN month's published report (issue 13): every title and source line names DTSEN (HTML,
PDF, workbook), the trend across the switch from DTKS keeps its note and names both sources,
the error maps are numbered figures with a shape per kecamatan, and the Definisi sheet lists
the DTSEN variables.

The series switches from DTKS to DTSEN (``beralih``): 2025-02 is DTKS, 2025-03 DTSEN. Expected
values come from the generator's truth files (the kecamatan of ``ketepatan_sasaran.csv``), never
from the code under test.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dtks_analysis.cli import main
from tests import samples

MONTHS = ["2025-02", "2025-03"]
MONTH = MONTHS[-1]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, Path]:
    """``(sample root, outputs/<month>)`` of ``dtks report`` on the switching series."""
    root = tmp_path_factory.mktemp("dtsen_report")
    samples.sample(root, MONTHS, scale=0.05, seed=53, defect_rate=0.02, beralih=MONTH)
    out = root / "outputs"
    code = main(["report", "--raw-dir", str(root / "raw"), "--out-dir", str(out), "-q"])
    assert code == 0
    return root, out / MONTH


def _html(d: Path) -> str:
    return (d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")


def _lines(fragment_html: str) -> list[str]:
    """The visible text, one line per element (scripts and styles dropped)."""
    text = re.sub(r"<(style|script)\b.*?</\1>", "", fragment_html, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    return [" ".join(t.split()) for t in text.split("\n") if t.strip()]


def test_html_titles_and_sources_name_dtsen(report) -> None:
    _root, d = report
    lines = _lines(_html(d))
    sources = [t for t in lines if t.startswith("Sumber:")]
    assert sources, "no source line"
    # the month's tables and figures: DTSEN only; the trend's months: both sources
    month_sources = [t for t in sources if "Februari" not in t]
    assert month_sources and all(t.startswith("Sumber: DTSEN Dinas") for t in month_sources)
    trend = [t for t in sources if "Februari–Maret 2025" in t]
    assert trend and all(t.startswith("Sumber: DTKS dan DTSEN Dinas") for t in trend)
    captions = list(dict.fromkeys(t for t in lines if re.match(r"(Tabel|Gambar) \d+\. ", t)))
    assert len(captions) > 20
    # only the trend (its months are DTKS and DTSEN) names DTKS, with DTSEN
    dtks = [t for t in captions if "DTKS" in t]
    assert dtks == [
        "Tabel 5. Rumah Tangga (DTKS dan DTSEN) dan Penerima Program Bantuan per Bulan, Maret 2025"
    ]
    assert "Tabel 1. Rumah Tangga DTSEN, Jiwa dan Penerima Program Bantuan menurut Kecamatan, " \
        "Maret 2025" in captions  # fmt: skip
    assert "Rumah tangga DTSEN menurut kecamatan" in lines  # the section heading
    # the change of source stays noted under the trend table
    assert any(
        t.startswith("Sumber data berganti dari DTKS ke DTSEN mulai Maret 2025") for t in lines
    )
    # outside the trend and the note, no sentence of the report says DTKS
    rest = [
        t
        for t in lines
        if "DTKS" in t
        and t not in dtks
        and not t.startswith(("Sumber: DTKS dan DTSEN", "Sumber data berganti"))
        and "(DTSEN) dan DTKS" not in t
    ]
    assert not rest, rest[:5]


def test_error_maps_are_numbered_figures(report) -> None:
    root, d = report
    text = _html(d)
    truth = pd.read_csv(root / "truth" / MONTH / "ketepatan_sasaran.csv", dtype=str)
    kec = sorted({k for k in truth["kode_kecamatan"].dropna() if k.count(".") == 2})
    assert len(kec) == 15  # Dairi's kecamatan, all with boundaries
    captions = [
        re.sub(r"<[^>]+>", "", c)
        for c in re.findall(r'<figcaption class="judul-gambar">(.*?)</figcaption>', text)
    ]
    numbers = {}
    for c in captions:
        # the number is a span added by the layout: tags dropped above
        m = re.match(r"Gambar (\d+)\. (Kesalahan (inklusi|eksklusi) program bantuan)", c)
        if m:
            numbers[m.group(3)] = int(m.group(1))
    assert set(numbers) == {"inklusi", "eksklusi"}, captions
    assert numbers["eksklusi"] == numbers["inklusi"] + 1
    for jenis in ("inklusi", "eksklusi"):
        for prog in ("bpnt", "pbi_jkn", "pkh"):
            drawn = set(re.findall(rf'id="ket-{jenis}-{prog}-([0-9.]+)-', text))
            assert drawn == set(kec), (jenis, prog)


def test_pdf_names_dtsen(report) -> None:
    _root, d = report
    pdf = PdfReader(str(d / f"laporan_dtks_{MONTH}.pdf"))
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() or "" for p in pdf.pages))
    assert "Sumber: DTSEN Dinas Sosial Kabupaten Dairi, Maret 2025, diolah" in text
    assert "Kesalahan inklusi program bantuan menurut kecamatan" in text
    assert "Sumber: DTKS Dinas" not in text
    # a title naming DTKS is the trend's, with DTSEN
    named = re.findall(r"Tabel \d+\. [^,]*?DTKS[^,]*", text)
    assert named and all("(DTKS dan DTSEN) dan Penerima" in t for t in named), named


def test_workbook_names_dtsen_and_defines_desil(report) -> None:
    _root, d = report
    wb = load_workbook(str(d / f"tabel_dtks_{MONTH}.xlsx"), read_only=True)
    cells = {
        ws.title: [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
        for ws in wb.worksheets
    }
    wb.close()
    sheets_sources = {s: [v for v in vals if v.startswith("Sumber:")] for s, vals in cells.items()}
    for sheet, srcs in sheets_sources.items():
        assert srcs, f"{sheet}: no source line"
        want = "Sumber: DTKS dan DTSEN" if sheet.startswith("Tren") else "Sumber: DTSEN Dinas"
        assert all(s.startswith(want) for s in srcs), (sheet, srcs)
    titles = [v for vals in cells.values() for v in vals if re.match(r"Tabel \d+\. ", v)]
    dtks = [t for t in titles if "DTKS" in t]
    # only the trend (its months are DTKS and DTSEN) may name DTKS
    assert all("per Bulan" in t and "DTKS dan DTSEN" in t for t in dtks), dtks
    assert any(t.startswith("Tabel 1. Rumah Tangga DTSEN") for t in titles)
    contents = cells["Daftar isi"]
    assert any(
        v.startswith("Tabel Data Tunggal Sosial dan Ekonomi Nasional (DTSEN)") for v in contents
    )
    tren = cells[[s for s in cells if s.startswith("Tren bulanan")][0]]
    assert any("Sumber data berganti dari DTKS ke DTSEN mulai Maret 2025" in v for v in tren)
    assert (
        "Sumber: DTKS dan DTSEN Dinas Sosial Kabupaten Dairi, Februari–Maret 2025, diolah" in tren
    )
    definisi = " | ".join(cells["Definisi"])
    for name in (
        "Desil kesejahteraan nasional",
        "Desil kesejahteraan provinsi",
        "Desil kesejahteraan kabupaten/kota",
        "Status keluarga (aktif/nonaktif)",
        "Belum diperingkat",
        "Sasaran desil (batas desil)",
        "Kesalahan inklusi",
        "Kesalahan eksklusi",
    ):
        assert name in definisi, name
