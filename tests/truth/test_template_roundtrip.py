"""Templates round trip (issue 14): write the templates of a month with ``dtks template``, fill
every village's workbook (openpyxl, as an operator would, by code) with the generator's clean
records of the NEXT month, put them as that month's only extracts and prepare it with the normal
ingest: exactly those persons come back, with no error-level finding."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dtks_analysis import cli, pipeline
from dtks_analysis.config import load_settings
from dtks_analysis.synthetic.panel import REL_DTKS
from tests.conftest import generate_sample

BEFORE, MONTH, NEXT = "2023-10", "2023-11", "2023-12"
FIRST_ROW = 7  # data rows start under the five title rows and the header
#: the drop-down words an operator picks, per DTKS relationship code (DOMAIN.md section 6)
HUBUNGAN = {
    1: "Kepala keluarga",
    2: "Istri/suami",
    3: "Anak",
    4: "Menantu",
    5: "Cucu",
    6: "Orang tua/mertua",
    7: "Pembantu",
    8: "Lainnya",
}
KEYS = ["nik", "no_kk", "nama", "hubungan", "jenis_kelamin", "tanggal_lahir", "kode_desa"]
FLAGS = ["bpnt", "pbi_jkn", "pkh"]


def _truth_persons(root: Path, month: str) -> pd.DataFrame:
    """The generator's clean records of ``month``, in the terms of the cleaned persons."""
    p = pd.read_parquet(root / "truth" / month / "panel.parquet")
    return pd.DataFrame(
        {
            "nik": p["nik"],
            "no_kk": p["no_kk"],
            "nama": p["nama"].str.upper().str.split().str.join(" "),
            "hubungan": p["rel"].map(REL_DTKS).astype("int64"),
            "jenis_kelamin": p["female"].map({True: "P", False: "L"}),
            "tanggal_lahir": pd.to_datetime(p["dob"]).dt.strftime("%Y-%m-%d"),
            "kode_desa": p["kode_desa"],
            "bpnt": p["bpnt"].astype(bool),
            "pbi_jkn": p["pbi"].astype(bool),
            "pkh": p["pkh"].astype(bool),
            # what else an operator types
            "tempat_lahir": p["tempat_lahir"],
            "nama_ibu": p["nama_ibu"],
            "alamat": p["alamat"],
            "dusun": p["dusun"],
            "rt": p["rt"],
            "rw": p["rw"],
            "id_dtks": p["id_dtks"],
            "dob": pd.to_datetime(p["dob"]),
            "rel": p["rel"],
        }
    )


def _fill(path: Path, people: pd.DataFrame) -> tuple[int, str]:
    """Clear the pre-filled rows of a template and write ``people`` instead (openpyxl); return
    the number of rows it had pre-filled and its "Data awal" title row."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    start = ws["A4"].value
    prefilled = sum(
        1 for r in ws.iter_rows(min_row=FIRST_ROW, max_col=16, values_only=True) if any(r)
    )
    header = [c.value for c in ws[FIRST_ROW - 1]]
    assert header[:3] == ["NO KK", "NIK", "NAMA"]
    last = max(g.max_row for dv in ws.data_validations.dataValidation for g in dv.sqref.ranges)
    assert last - FIRST_ROW + 1 >= len(people), f"{path.name}: no room for {len(people)} people"
    for row in ws.iter_rows(min_row=FIRST_ROW, max_row=ws.max_row, max_col=len(header)):
        for c in row:
            c.value = None
    yes = {True: "Ya", False: "Tidak"}
    for i, p in enumerate(people.itertuples(index=False)):
        values = [
            p.no_kk,
            p.nik,
            p.nama,
            HUBUNGAN[REL_DTKS[p.rel]],
            "Perempuan" if p.jenis_kelamin == "P" else "Laki-laki",
            p.tempat_lahir,
            p.dob.to_pydatetime(),
            p.nama_ibu,
            p.alamat,
            p.dusun,
            p.rt,
            p.rw,
            yes[p.bpnt],
            yes[p.pbi_jkn],
            yes[p.pkh],
            p.id_dtks,
        ]
        for j, v in enumerate(values, start=1):
            ws.cell(FIRST_ROW + i, j).value = v
    wb.save(path)
    return prefilled, start


@pytest.fixture(scope="module")
def roundtrip(tmp_path_factory):
    root = generate_sample(tmp_path_factory.mktemp("tmpl"), [BEFORE, MONTH, NEXT], 0.03, 5, 0.03)
    data = root / "data"
    for m in (BEFORE, MONTH):
        shutil.copytree(root / "raw" / m, data / "raw" / m)
    assert cli.main(["template", "--month", MONTH, "--data-dir", str(data), "-q"]) == 0
    written = sorted((data / "templates" / MONTH).rglob("*.xlsx"))
    truth = _truth_persons(root, NEXT)
    back = root / "kembali"
    prefilled = {}
    for path in written:
        wb = openpyxl.load_workbook(path, read_only=True)
        title = wb.worksheets[0]["A3"].value  # "Kode wilayah Kemendagri: 12.11.01.2001. ..."
        wb.close()
        kode = title.split(": ", 1)[1].split(". ", 1)[0]
        prefilled[kode] = _fill(path, truth[truth["kode_desa"] == kode])
        target = back / "raw" / NEXT / path.relative_to(data / "templates" / MONTH)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    settings = load_settings(NEXT, data_dir=str(back))
    md = pipeline.prepare_month(NEXT, settings)
    return {"root": root, "data": data, "written": written, "truth": truth, "md": md,
            "prefilled": prefilled}  # fmt: skip


def _counted(root: Path, month: str) -> pd.Series:
    """Rows counted per village in the generator's truth (duplicates collapsed)."""
    r = pd.read_parquet(root / "truth" / month / "rows.parquet")
    return r[r["t_counted"] & ~r["t_dup"]].groupby("t_kode_desa").size()


def test_prefilled_with_each_villages_last_accepted_month(roundtrip) -> None:
    """Every template holds its village's persons of November; a village that sent nothing in
    November (truth: nonrespon.csv) holds its persons of October, and says so."""
    root, prefilled = roundtrip["root"], roundtrip["prefilled"]
    now, before = _counted(root, MONTH), _counted(root, BEFORE)
    silent = set(before.index) - set(now.index)
    assert silent, "the sample has no village silent in November"
    for kode, (n, start) in prefilled.items():
        if kode in silent:
            assert (n, start.split(" (")[0]) == (before[kode], "Data awal: Oktober 2023"), kode
        else:
            assert (n, start.split(" (")[0]) == (now.get(kode, 0), "Data awal: November 2023")


def test_one_village_for_a_month_without_data(roundtrip, capsys) -> None:
    """``--month 2024-01 --desa``: the latest accepted month (November) pre-fills one file."""
    data = roundtrip["data"]
    kode = roundtrip["truth"]["kode_desa"].iloc[0]
    assert (
        cli.main(["template", "--month", "2024-01", "--desa", kode, "--data-dir", str(data)]) == 0
    )
    (path,) = (data / "templates" / "2024-01").rglob("*.xlsx")
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws["A3"].value.startswith(f"Kode wilayah Kemendagri: {kode}.")
    assert ws["A4"].value.startswith("Data awal: November 2023")
    assert "data awal 2023-11" in capsys.readouterr().out


def test_one_template_per_village(roundtrip) -> None:
    written, truth = roundtrip["written"], roundtrip["truth"]
    assert len(written) == 169
    assert truth["kode_desa"].nunique() <= 169


def test_filled_templates_give_back_exactly_the_records(roundtrip) -> None:
    truth, md = roundtrip["truth"], roundtrip["md"]
    got = md.persons.copy()
    got["tanggal_lahir"] = got["tanggal_lahir"].dt.strftime("%Y-%m-%d")
    got["hubungan"] = got["hubungan"].astype("int64")
    for f in FLAGS:
        got[f] = got[f].astype(bool)
    cols = KEYS + FLAGS
    want = truth[cols].sort_values(["kode_desa", "nik"]).reset_index(drop=True)
    have = got[cols].sort_values(["kode_desa", "nik"]).reset_index(drop=True)
    assert len(have) == len(want) == md.summary["baris"] > 1000
    pd.testing.assert_frame_equal(have, want, check_dtype=False)
    assert md.summary["baris_tidak_dapat_diolah"] == 0


def test_no_error_level_finding(roundtrip) -> None:
    md = roundtrip["md"]
    errors = md.findings[md.findings["tingkat"] == "error"]
    assert errors.empty, errors[["kode_aturan", "_file", "_row"]].head(20)
