"""Issue 17 (items 4, 6, 14) end to end: a month whose raw file is named after a No KK, with an
ID in a header, a person named like a kecamatan and a file name starting with '=', is reported
and published with no trace of the ID and no formula."""

from __future__ import annotations

import json
import re

import openpyxl
import pandas as pd
import pytest

from dtks_analysis.cli import main
from dtks_analysis.publishing import privacy
from tests import samples
from tests.unit.test_privacy_scan import KK

MONTH = "2023-12"


@pytest.fixture(scope="module")
def tricky_report(tmp_path_factory):
    root = samples.sample(
        tmp_path_factory.mktemp("tricky"), [MONTH], scale=0.02, seed=5, defect_rate=0.0, fmt="csv"
    )
    raw = root / "raw" / MONTH
    csvs = sorted(p for p in raw.rglob("*.csv"))
    first, second = csvs[0], csvs[1]
    # the header gets an unknown column whose name holds an ID; a person is named like a kecamatan
    lines = first.read_text(encoding="utf-8").splitlines()
    sep = ";" if lines[0].count(";") > lines[0].count(",") else ","
    header = lines[0].split(sep)
    row = lines[1].split(sep)
    for j, h in enumerate(header):
        if re.search(r"nama", h, re.I) and not re.search(r"ibu", h, re.I):
            row[j] = "TANAH PINEM"
        elif re.search(r"alamat", h, re.I):
            row[j] = "DESA PEGAGAN JULU V"
    lines[1] = sep.join(row)
    lines = [lines[0] + f"{sep}KET {KK}"] + [line + sep for line in lines[1:] if line]
    (first.parent / f"KK{KK}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    first.unlink()
    second.rename(second.with_name("=HYPERLINK(1).csv"))
    out = root / "outputs"
    code = main(["report", "--raw-dir", str(raw.parent), "--out-dir", str(out), "-q"])
    return root, out / MONTH, code


def test_report_with_id_in_file_name_is_published_without_it(tricky_report):
    root, d, code = tricky_report
    assert code == 0
    persons = privacy.load_input_persons(root / "interim")
    assert persons["nama"].eq("TANAH PINEM").any()  # a person named like a kecamatan
    assert main(["check-outputs", str(d), "--data-dir", str(root)]) == 0
    review = (d / "review" / "01_penerimaan_dan_kualitas.html").read_text()
    at = review.index("Penerimaan dan kualitas data DTKS bulan ini")  # after the header
    header, body = review[:at], review[at:]
    assert f"KK{KK[:4]}" not in body  # no list of files (row counts per file), not even masked
    # the reviewer header names each input with its sha256, ID masked (as the manifest does)
    assert f"KK{KK[:4]}********{KK[-4:]}.csv" in header
    confidential = pd.read_excel(
        root / "corrections" / MONTH / f"berkas_masuk_{MONTH}.xlsx", skiprows=2
    )
    listed = confidential.iloc[:, 0].tolist()  # the Dinas still sees every file, as text
    assert any(n.endswith(f"/KK{KK}.csv") for n in listed)
    assert any(n.endswith("/=HYPERLINK(1).csv") for n in listed)
    for path in privacy.iter_files(d):
        assert KK not in path.as_posix()
        assert KK.encode() not in path.read_bytes(), path
        assert KK not in re.sub(r"[^0-9\n]", "", privacy.extract_text(path)), path
    manifest = json.loads((d / "manifest.json").read_text())
    names = list(manifest["inputs"][MONTH])
    assert f"KK{KK[:4]}********{KK[-4:]}.csv" in "\n".join(names)


def test_report_has_no_unescaped_formula(tricky_report):
    _root, d, code = tricky_report
    assert code == 0
    for csv_path in (d / "tabel").glob("*.csv"):
        cells = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        for col in cells.columns:
            assert not cells[col].str.startswith("=").any(), (csv_path.name, col)
    wb = openpyxl.load_workbook(d / f"tabel_dtks_{MONTH}.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
