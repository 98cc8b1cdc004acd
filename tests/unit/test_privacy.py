"""check-outputs catches planted personal data in every output format, and passes clean files."""

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dtks_analysis.cli import main
from dtks_analysis.publishing import privacy

NIK = "1211014107850003"
PERSONS = pd.DataFrame(
    {"nama": ["ROSMAULI BR SINAGA", "X"], "alamat": ["Jl. Sisingamangaraja No. 12", None]}
)


def _clean_tree(root: Path) -> None:
    (root / "tabel").mkdir(parents=True)
    (root / "tabel" / "rekap.csv").write_text("kecamatan,rumah_tangga\nSidikalang,1234\n")
    (root / "laporan.html").write_text(
        "<html><body><p>Pada Desember 2023 terdapat 35.412 rumah tangga.</p>"
        '<svg><path d="M 58.523438 396.592188 L 72.57 403.25"/></svg>'
        "<p>Contoh: 1211********0003</p></body></html>"
    )
    (root / "manifest.json").write_text(
        json.dumps({"sha256": "a" * 20 + "1234567890123456" + "b" * 28, "n": 123456789012345})
    )


@pytest.fixture
def clean(tmp_path):
    _clean_tree(tmp_path)
    return tmp_path


def test_clean_tree_passes(clean):
    assert privacy.check_outputs(clean, PERSONS, "12.11") == []


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("a.html", f"<p>NIK {NIK}</p>", "id16"),
        ("b.html", f'<span title="{NIK}">x</span>', "id16"),
        ("c.csv", "kk\n12.11.01.230415.0003\n", "id16"),
        ("d.csv", "kk\n1211 0123 0415 0003\n", "id16"),
        ("e.log", "processing 121101-230415-0003 failed\n", "id16"),
        ("f.html", "<td>Rosmauli  br Sinaga</td>", "nama"),
        ("g.txt", "alamat: JL SISINGAMANGARAJA NO 12", "alamat"),
        ("h.json", json.dumps({"x": NIK}), "id16"),
    ],
)
def test_planted_text_leaks_are_caught(clean, name, content, kind):
    (clean / name).write_text(content)
    leaks = privacy.check_outputs(clean, PERSONS, "12.11")
    assert [leak.kind for leak in leaks] == [kind]
    assert leaks[0].path.name == name
    assert NIK not in str(leaks[0])  # the message itself is masked


def test_leak_in_xlsx_cell_and_comment(clean):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "tabel"
    ws["B2"].comment = openpyxl.comments.Comment(f"cek {NIK}", "x")
    wb.save(clean / "t.xlsx")
    assert [x.kind for x in privacy.check_outputs(clean, PERSONS, "12.11")] == ["id16"]
    ws["B2"].comment = None
    ws["C3"] = "ROSMAULI BR SINAGA"
    wb.save(clean / "t.xlsx")
    assert [x.kind for x in privacy.check_outputs(clean, PERSONS, "12.11")] == ["nama"]


def test_leak_in_executed_notebook(clean):
    nb = {
        "cells": [{"cell_type": "code", "source": "x", "outputs": [{"text": f"\n{NIK}\n"}]}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (clean / "review").mkdir()
    (clean / "review" / "01.ipynb").write_text(json.dumps(nb))
    assert [x.kind for x in privacy.check_outputs(clean, PERSONS, "12.11")] == ["id16"]


def test_leak_in_pdf(clean, tmp_path_factory):
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    # a minimal PDF whose metadata carries a NIK (text extraction path covered by e2e tests)
    w = PdfWriter()
    w.add_blank_page(595, 842)
    w.add_metadata({NameObject("/Subject"): f"kk {NIK}"})
    with open(clean / "r.pdf", "wb") as fh:
        w.write(fh)
    assert [x.kind for x in privacy.check_outputs(clean, PERSONS, "12.11")] == ["id16"]


def test_leak_in_pdf_text(clean):
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    with plt.rc_context({"pdf.fonttype": 42}):
        fig = plt.figure(figsize=(8.27, 11.69))
        fig.text(0.1, 0.5, "Rumah tangga 35.412")
        fig.savefig(clean / "laporan.pdf")
        assert privacy.check_outputs(clean, PERSONS, "12.11") == []
        fig.text(0.1, 0.4, f"NIK {NIK}  Rosmauli br Sinaga")
        fig.savefig(clean / "laporan.pdf")
        plt.close(fig)
    assert sorted(x.kind for x in privacy.check_outputs(clean, PERSONS, "12.11")) == [
        "id16",
        "nama",
    ]


def test_cli_exit_codes(clean, tmp_path):
    data = tmp_path / "datadir"
    data.mkdir()
    assert main(["check-outputs", str(clean), "--data-dir", str(data)]) == 0
    (clean / "x.csv").write_text(f"nik\n{NIK}\n")
    assert main(["check-outputs", str(clean), "--data-dir", str(data)]) == 1


def test_mask():
    assert privacy.mask(NIK) == "1211********0003"
