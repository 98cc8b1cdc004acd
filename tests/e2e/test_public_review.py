"""Issue 12 (public vs reviewer, analysts, console), on the report the session builds once
(``tests/e2e/conftest.py``): the public HTML and PDF speak in words (no file paths, no rule
codes, no "error"), the reviewer edition starts with commit, parameters and input digests and
names no folder of this machine, the executed notebooks hold the analysts' DataFrames, and the
console says one line per month with its name."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from dtks_analysis import __version__
from dtks_analysis.cli import main
from dtks_analysis.config import PROJ_ROOT
from dtks_analysis.editing import rules
from dtks_analysis.formatting import fmt_int
from dtks_analysis.publishing import tables

MONTH = "2023-12"
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
FILE_PATH = re.compile(r"[\w./\\-]+\.(?:xlsx|xlsm|xls|csv|parquet|ipynb|yaml)\b", re.I)
ABSOLUTE = re.compile(r"(?<![\w.])/(?:home|root|work|tmp|var|usr|mnt|srv|opt)/")


def _text(html: str) -> str:
    """What a reader sees of an HTML page (no styles, scripts, comments or tags)."""
    html = re.sub(r"<(style|script)\b.*?</\1>|<!--.*?-->", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def public(built_report) -> dict[str, str]:
    _root, d = built_report
    pdf = PdfReader(str(d / f"laporan_dtks_{MONTH}.pdf"))
    return {
        "html": _text((d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")),
        "pdf": "\n".join(p.extract_text() for p in pdf.pages),
    }


@pytest.mark.parametrize("edition", ["html", "pdf"])
def test_public_report_speaks_in_words(public, edition):
    text = public[edition]
    assert "Tabel 9" in text and "Metode perhitungan" in text  # the sections checked are there
    assert not FILE_PATH.findall(text), FILE_PATH.findall(text)[:5]
    assert not ABSOLUTE.search(text) and str(PROJ_ROOT) not in text
    assert not SNAKE.findall(text), sorted(set(SNAKE.findall(text)))[:10]
    assert not re.search(r"\berror\b", text, re.I)
    codes = [c for c in rules.RULES if re.search(rf"\b{c}\b", text)]
    assert not codes


def test_notes_are_information_not_corrections(built_report):
    """A note-level rule (fixed automatically, or not an error: a NIK first registered in
    another kabupaten) is listed apart from Tabel 9, what operators must correct."""
    _root, d = built_report
    html = (d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")
    k = pd.read_csv(d / "tabel" / "kualitas_data.csv")
    notes = k[(k["tingkat"] == "note") & (k["jumlah_catatan"] > 0)]
    fixes = k[k["tingkat"].isin(["error", "warning"]) & (k["jumlah_catatan"] > 0)]
    assert len(notes) and len(fixes)
    n = tables.number("kualitas_data")
    caption = rf'class="judul-tabel"[^>]*>Tabel {n}\..*?</table>'
    tabel9 = _text(re.search(caption, html, re.S).group(0))
    listed = _text(re.search(r"class=[\"']catatan-aturan[\"']>.*?</ul>", html, re.S).group(0))
    for r in notes.itertuples():
        label = rules.uraian(r.kode_aturan, "Kabupaten Dairi")
        assert label not in tabel9
        assert f"{label}: {fmt_int(r.jumlah_catatan)} baris" in listed
    for r in fixes.itertuples():
        assert rules.uraian(r.kode_aturan, "Kabupaten Dairi") in tabel9
    for r in k[k["tingkat"] == "sensor"].itertuples():  # disclosure control: not a finding
        assert r.uraian not in tabel9


def _review_files(d: Path) -> list[Path]:
    return [*sorted((d / "review").iterdir()), d / "manifest.json"]


def test_reviewer_edition_header_and_no_machine_paths(built_report):
    root, d = built_report
    raw = root / "raw" / MONTH
    digests = {
        p.relative_to(raw).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in raw.rglob("*")
        if p.is_file()
    }
    forbidden = {str(PROJ_ROOT), str(root), str(d.parent), str(Path.home()) + "/"}
    for path in _review_files(d):
        text = path.read_text(encoding="utf-8")
        for f in forbidden:
            assert f not in text, (path.name, f)
        assert not ABSOLUTE.search(text), (path.name, ABSOLUTE.search(text))
    for nb in ("01_penerimaan_dan_kualitas", "02_laporan_bulanan"):
        html = (d / "review" / f"{nb}.html").read_text(encoding="utf-8")
        seen = _text(html)
        head = seen[: seen.find("Parameter (papermill")]  # the header comes before any code
        assert "Keterangan edisi penelaah" in head
        assert f"dtks-analysis {__version__}" in head
        commit = subprocess.run(
            ["git", "-C", str(PROJ_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        if commit:
            assert commit in head
        for param in ("min_cell 3", "kabupaten_kode 12.11", "month 2023-12", "raw_dir"):
            assert param in head, param
        for rel, digest in digests.items():
            assert f"raw/{MONTH}/{rel} {digest}" in head, rel
    executed = json.loads((d / "review" / "02_laporan_bulanan.ipynb").read_text())
    assert executed["cells"][0]["metadata"]["tags"] == ["penelaah"]
    public = (d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")
    assert "Keterangan edisi penelaah" not in public


def test_executed_notebooks_hold_the_analysts_dataframes(built_report):
    _root, d = built_report
    rows = int(pd.read_csv(d / "tabel" / "berkas_masuk.csv")["baris"].iloc[0])
    assert rows >= 1000
    html_out = {}
    for nb in ("01_penerimaan_dan_kualitas", "02_laporan_bulanan"):
        cells = json.loads((d / "review" / f"{nb}.ipynb").read_text())["cells"]
        html_out[nb] = "".join(
            "".join(o.get("data", {}).get("text/html", ""))
            for c in cells
            if c["cell_type"] == "code"
            for o in c["outputs"]
        )
    nb2 = html_out["02_laporan_bulanan"]
    for name in ("rekap_kecamatan", "rekap_desa", "kualitas_data", "cakupan_program", "rumus"):
        assert f'<table id="T_{name}"' in nb2, name
    table = re.search(r'<table id="T_berkas_masuk".*?</table>', nb2, re.S).group(0)
    assert f">{fmt_int(rows)}</td>" in table  # thousands with '.'
    table = re.search(r'<table id="T_rekap_kecamatan".*?</table>', nb2, re.S).group(0)
    assert ">rumah_tangga</th>" in table  # the CSV's column names, to sort and filter by
    assert '<table id="T_kualitas_data"' in html_out["01_penerimaan_dan_kualitas"]
    public = (d / f"laporan_dtks_{MONTH}.html").read_text(encoding="utf-8")
    assert 'id="T_' not in public  # reviewer-only cells


def test_console_one_line_per_month_and_no_raw_dicts(small_sample, tmp_path, capsys):
    shutil.copytree(small_sample / "raw", tmp_path / "raw")
    months = sorted(p.name for p in (tmp_path / "raw").iterdir() if p.is_dir())
    assert main(["prepare", "--raw-dir", str(tmp_path / "raw")]) == 0
    first = capsys.readouterr()
    assert main(["prepare", "--raw-dir", str(tmp_path / "raw")]) == 0  # every month cached
    again = capsys.readouterr()
    for out, shape in ((first, r"Membaca ekstrak {m}: (\d+)/\1 berkas"), (again, r"Ekstrak {m}: ")):
        lines = out.err.splitlines()
        assert "\r" not in out.err
        for m in months:
            assert sum(bool(re.match(shape.format(m=m), ln)) for ln in lines) == 1, (m, lines)
        assert "{" not in out.out + out.err
    assert (
        main(["sample", "--out", str(tmp_path / "s"), "--months", MONTH, "--scale", "0.005"]) == 0
    )
    sample = capsys.readouterr()
    assert "{" not in sample.out + sample.err and f"  {MONTH}: " in sample.out
