"""Issue 16: a report scans its finished files while the notebooks run; the final scan reuses
that scan for unchanged files and gives the leaks of one scan of every file at the end."""

from __future__ import annotations

import os

import pandas as pd

from dtks_analysis.publishing import privacy

NIK = "1211014107850003"
PERSONS = pd.DataFrame(
    {
        "nama": ["ROSMAULI BR SINAGA"],
        "alamat": ["Jl. Sisingamangaraja No. 12"],
        "nik": [NIK],
        "no_kk": ["1211021107100013"],
        "_file": ["kiriman/Sidikalang.xlsx"],
        "_row": [7],
        "_bulan": ["2023-12"],
    }
)


def _tree(root):
    (root / "tabel").mkdir(parents=True)
    (root / "tabel" / "a.csv").write_text("kecamatan,nama\nSidikalang,ROSMAULI BR SINAGA\n")
    (root / "tabel" / "b.csv").write_text(f"kecamatan,id\nSidikalang,{NIK}\n")
    (root / "laporan.html").write_text("<p>Sidikalang 1.234 rumah tangga</p>")
    return sorted(p for p in root.rglob("*.csv"))


def _key(leaks):
    return [(x.path, x.kind, x.sample, x.lokasi, x.sumber) for x in leaks]


def test_reused_scan_gives_the_leaks_of_a_full_scan(tmp_path):
    early_files = _tree(tmp_path)
    scanned = privacy.scan_files(tmp_path, early_files, PERSONS, "12.11")
    assert set(scanned) == set(early_files)
    full = privacy.check_outputs(tmp_path, PERSONS, "12.11")
    reused = privacy.check_outputs(tmp_path, PERSONS, "12.11", scanned)
    assert {x.kind for x in full} >= {"id16", "nama"}
    assert _key(reused) == _key(full)  # same leaks, same order, same input sources


def test_file_changed_after_the_early_scan_is_scanned_again(tmp_path):
    early_files = _tree(tmp_path)
    scanned = privacy.scan_files(tmp_path, early_files, PERSONS, "12.11")
    b = tmp_path / "tabel" / "b.csv"
    b.write_text("kecamatan,id\nSidikalang,-\n")  # the leak is gone ...
    os.utime(b, ns=(1, 1))  # ... even were the size and time to match by chance, time moved
    assert scanned[b][0] != privacy.file_stamp(b)
    reused = privacy.check_outputs(tmp_path, PERSONS, "12.11", scanned)
    assert _key(reused) == _key(privacy.check_outputs(tmp_path, PERSONS, "12.11"))
    assert "id16" not in {x.kind for x in reused}
