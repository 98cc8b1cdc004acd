"""Invariants of the synthetic generator (issue #3): IDs, flows, truth vs panel, defects, determinism."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from dtks_analysis.synthetic import generate, parse_months
from dtks_analysis.synthetic.layout import HEADER_VARIANTS, SIKS_HEADERS
from dtks_analysis.synthetic.reference import desa_key, load_reference
from tests import samples

MONTHS = ["2023-07", "2023-08", "2023-09"]
REF = load_reference()
HEADER_TO_FIELD = {h: f for f, h in SIKS_HEADERS} | {
    h: f for f, hs in HEADER_VARIANTS.items() for h in hs
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("syn")
    samples.sample(out, MONTHS, scale=0.03, seed=11, defect_rate=0.03, fmt="mixed")
    return out


@pytest.fixture(scope="module")
def clean_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    samples.sample(out, MONTHS, scale=0.02, seed=5, defect_rate=0.0, fmt="mixed")
    return out


def _csv(p: Path) -> pd.DataFrame:
    return pd.read_csv(p, dtype=str, keep_default_na=False)


# ---------------------------------------------------------------- reading files back
def _decode(raw: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AssertionError("undecodable csv")


def read_back(month_dir: Path) -> dict[tuple[str, str, int], dict[str, object]]:
    """Every data row of every file: (file, sheet, excel row) -> {canonical field: cell value}."""
    cells: dict[tuple[str, str, int], dict[str, object]] = {}
    for p in sorted(month_dir.rglob("*")):
        rel = p.relative_to(month_dir).as_posix()
        if p.suffix == ".csv":
            text = _decode(p.read_bytes())
            delim = (
                ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
            )
            sheets = {"": list(csv.reader(io.StringIO(text), delimiter=delim))}
        elif p.suffix == ".xlsx":
            wb = CalamineWorkbook.from_path(str(p))
            sheets = {
                n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names
            }
        else:
            continue
        for sheet, rows in sheets.items():
            hdr = next(
                i for i, r in enumerate(rows) if r and all(str(h) in HEADER_TO_FIELD for h in r)
            )
            fields = [HEADER_TO_FIELD[str(h)] for h in rows[hdr]]
            for i, r in enumerate(rows[hdr + 1 :], start=hdr + 2):
                if all(v in ("", None) for v in r):
                    continue
                cells[(rel, sheet, i)] = dict(zip(fields, r, strict=False))
    return cells


def _digits(v: object) -> str:
    if isinstance(v, float):
        return str(int(v))
    s = str(v).lstrip("'")
    return "".join(ch for ch in s if ch not in " .-")


# ---------------------------------------------------------------- tiny independent NIK checker
PROVINCES = REF.provinces
KABUPATEN = REF.kabupaten


def nik_ok(nik: str, female: bool, dob: date) -> bool:
    if len(nik) != 16 or not nik.isdigit() or nik[:2] not in PROVINCES or nik[:4] not in KABUPATEN:
        return False
    dd, mm, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if (dd > 40) != female:
        return False
    return (dd - 40 * female, mm, yy) == (dob.day, dob.month, dob.year % 100) and nik[12:] != "0000"


def kk_ok(kk: str) -> bool:
    if len(kk) != 16 or not kk.isdigit() or not kk.startswith("1211") or kk[12:] == "0000":
        return False
    try:
        date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8]))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- tests
def test_parse_months() -> None:
    assert parse_months("2023-07..2023-12") == [f"2023-{m:02d}" for m in range(7, 13)]
    assert parse_months("2023-12") == ["2023-12"]
    assert parse_months("2023-12, 2023-10") == ["2023-10", "2023-12"]
    assert parse_months("2023-11..2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    with pytest.raises(ValueError):
        parse_months("2023-13")
    with pytest.raises(ValueError):
        parse_months("2023-12..2023-07")


def test_clean_identifiers_follow_the_rules(sample: Path) -> None:
    for m in MONTHS:
        p = pd.read_parquet(sample / "truth" / m / "panel.parquet")
        assert p["nik"].is_unique
        ok = [
            nik_ok(n, f, d.date()) for n, f, d in zip(p["nik"], p["female"], p["dob"], strict=True)
        ]
        assert all(ok)
        assert all(kk_ok(k) for k in p["no_kk"])
        # the card is issued in the kecamatan where the family lives
        nik6 = dict(zip(REF.desa["kode"], REF.desa["kode_nik6"], strict=True))
        assert (p["no_kk"].str[:6] == p["kode_desa"].map(nik6)).all()
        # one No KK per family, one head per family
        assert (p.groupby("fid")["no_kk"].nunique() == 1).all()
        assert (p[p["rel"] == "kepala"].groupby("fid").size() == 1).all()
        assert p["fid"].nunique() == (p["rel"] == "kepala").sum()
        migrants = ~p["nik"].str.startswith("1211")
        assert 0.01 < migrants.mean() < 0.05
        assert p.groupby("kode_desa").size().min() >= 1


def test_population_size_at_scale() -> None:
    from dtks_analysis.synthetic.panel import Panel

    panel = Panel(REF, np.random.default_rng(3), 1.0)
    panel.init(np.datetime64("2023-07-31"))
    assert 120_000 <= len(panel.persons) <= 150_000
    sizes = panel.persons.groupby("fid").size()
    assert sizes.min() == 1 and sizes.max() >= 7
    assert panel.families["desa"].nunique() == 169


def test_flows_add_up(sample: Path) -> None:
    prev = None
    for i, m in enumerate(MONTHS):
        a = _csv(sample / "truth" / m / "arus_program.csv").set_index("program")
        rk = _csv(sample / "truth" / m / "rekap_kecamatan.csv")
        for prog in ("bpnt", "pbi_jkn", "pkh"):
            now = int(a.at[prog, "bulan_ini"])
            assert now == rk[f"rt_{prog}"].astype(int).sum()
            if i == 0:
                assert a.loc[prog, ["bulan_lalu", "baru", "keluar", "bertahan"]].eq("").all()
                continue
            lalu, baru, keluar, tahan = (
                int(a.at[prog, c]) for c in ("bulan_lalu", "baru", "keluar", "bertahan")
            )
            assert now == lalu + baru - keluar
            assert tahan == lalu - keluar
            assert lalu == int(prev.at[prog, "bulan_ini"])
            assert baru > 0 and keluar > 0
        prev = a


def test_truth_tables_are_consistent(sample: Path) -> None:
    for m in MONTHS:
        t = sample / "truth" / m
        s = json.loads((t / "summary.json").read_text())
        rk, rd = _csv(t / "rekap_kecamatan.csv"), _csv(t / "rekap_desa.csv")
        kb, hh = _csv(t / "kombinasi_program.csv"), pd.read_parquet(t / "households.parquet")
        assert len(kb) == 8 and kb["rumah_tangga"].astype(int).sum() == s["rumah_tangga"]
        assert len(rk) >= 15 and set(REF.kecamatan["kode"]) <= set(rk["kode_kecamatan"])
        assert set(REF.desa["kode"]) <= set(rd["kode_desa"])
        for col in ("rumah_tangga", "jiwa", "rt_bpnt", "rt_pkh", "rt_imputasi"):
            assert rk[col].astype(int).sum() == rd[col].astype(int).sum()
        assert rk["rumah_tangga"].astype(int).sum() == s["rumah_tangga"] == len(hh)
        assert hh["no_kk"].is_unique and (hh["no_kk"].str.len() == 16).all()
        assert s["jiwa"] == hh["jiwa"].sum() == rk["jiwa"].astype(int).sum()
        assert s["baris"] == s["baris_dihitung"] + s["baris_ganda"] + s["baris_tidak_dapat_diolah"]
        nr = _csv(t / "nonrespon.csv")
        assert nr["rumah_tangga"].astype(int).sum() == s["rt_imputasi"] == hh["imputasi"].sum()
        # desa_tidak_dikenal produces Tidak diketahui rows
        if s["cacat_per_aturan"].get("desa_tidak_dikenal"):
            assert (rd["desa"] == "Tidak diketahui").any()


def test_truth_equals_clean_panel(clean_sample: Path) -> None:
    prev_panel = None
    for i, m in enumerate(MONTHS):
        t = clean_sample / "truth" / m
        p = pd.read_parquet(t / "panel.parquet")
        rd = _csv(t / "rekap_desa.csv").set_index("kode_desa")
        defects = _csv(t / "defects.csv")
        assert len(defects) == 0  # defect_rate 0: a clean month has no finding at all
        resp = p[p["responding"]]
        fam = resp.groupby("fid").agg(
            kode_desa=("kode_desa", "first"), jiwa=("pid", "size"), bpnt=("bpnt", "first"),
            pkh=("pkh", "first"), pbi=("pbi", "any"),
        )  # fmt: skip
        g = fam.groupby("kode_desa")
        exp = pd.DataFrame(
            {"rumah_tangga": g.size(), "jiwa": g["jiwa"].sum(), "rt_bpnt": g["bpnt"].sum(),
             "rt_pkh": g["pkh"].sum(), "rt_pbi_jkn": g["pbi"].sum()}
        )  # fmt: skip
        nonresp = set(p.loc[~p["responding"], "kode_desa"])
        assert (len(nonresp) > 0) == (i > 0)
        if prev_panel is not None:
            # non-respondents: last month's families carried forward
            pp = prev_panel[prev_panel["kode_desa"].isin(nonresp)]
            pf = pp.groupby("fid").agg(kode_desa=("kode_desa", "first"), jiwa=("pid", "size"))
            add = pf.groupby("kode_desa").agg(rumah_tangga=("jiwa", "size"), jiwa=("jiwa", "sum"))
            for d, r in add.iterrows():
                assert int(rd.at[d, "rumah_tangga"]) == r["rumah_tangga"]
                assert int(rd.at[d, "rt_imputasi"]) == r["rumah_tangga"]
                assert int(rd.at[d, "jiwa"]) == r["jiwa"]
        for d, r in exp.iterrows():
            for c in exp.columns:
                assert int(rd.at[d, c]) == r[c], (m, d, c)
        assert rd.loc[list(exp.index), "rt_imputasi"].astype(int).eq(0).all()
        prev_panel = p


def _check_cell(code: str, kolom: str, cell: dict[str, object], rows: dict, key: tuple) -> bool:
    nik, kk = cell.get("nik"), cell.get("no_kk")
    if code in ("nik_excel", "kk_excel"):
        v = nik if code == "nik_excel" else kk
        return isinstance(v, float) or "E+" in str(v).upper()
    if code.endswith("_panjang"):
        d = _digits(nik if code.startswith("nik") else kk)
        return d.isdigit() and len(d) != 16
    if code.endswith("_bukan_angka"):
        return not _digits(nik if code.startswith("nik") else kk).isdigit()
    if code.endswith("_tanda_baca"):
        v = str(nik if code.startswith("nik") else kk)
        return any(ch in v for ch in " .-'") and _digits(v).isdigit()
    if code in ("nik_provinsi", "kk_provinsi"):
        return _digits(nik if code.startswith("nik") else kk)[:2] not in PROVINCES
    if code in ("nik_kabupaten", "kk_kabupaten"):
        return _digits(nik if code.startswith("nik") else kk)[:4] not in KABUPATEN
    if code in ("nik_tanggal", "kk_tanggal"):
        d = _digits(nik if code.startswith("nik") else kk)
        dd = int(d[6:8]) % 40 if code.startswith("nik") else int(d[6:8])
        try:
            date(2000, int(d[8:10]), dd)
        except ValueError:
            return True
        return False
    if code.endswith("_nomor_urut"):
        return _digits(nik if code.startswith("nik") else kk)[12:] == "0000"
    if code == "nik_beda_jk":
        fem = int(_digits(nik)[6:8]) > 40
        return str(cell["jenis_kelamin"]).upper().startswith("P") != fem
    if code == "nik_beda_tgl_lahir":
        d = _digits(nik)
        dob = cell["tanggal_lahir"]
        if isinstance(dob, (datetime, date)):
            dob = dob.strftime("%Y-%m-%d")
        dob = str(dob)
        y, mth, dd = (
            (dob[:4], dob[5:7], dob[8:10]) if dob[4] == "-" else (dob[6:], dob[3:5], dob[:2])
        )
        return (int(d[6:8]) % 40, int(d[8:10]), int(d[10:12])) != (int(dd), int(mth), int(y) % 100)
    if code == "nama_kosong":
        return str(cell["nama"]).strip() == ""
    if code == "program_tidak_dikenal":
        v = str(cell[kolom]).strip().upper()
        return v not in {"1", "Y", "YA", "0", "2", "N", "TIDAK", "", "1.0", "0.0", "2.0"}
    if code == "desa_tidak_dikenal":
        k = desa_key(str(cell["desa"]))
        return k not in set(REF.desa["key"]) | set(REF.desa["key_bps"])
    if code == "wilayah_ejaan_lain":
        k = desa_key(str(cell["desa"]))
        return k in set(REF.desa["key_bps"]) and k not in set(REF.desa["key"])
    if code == "baris_ganda":
        f, s, r = key
        return any(rows.get((f, s, q)) == cell for q in range(2, r))
    if code == "nik_ganda_kk":
        return any(
            _digits(c.get("nik")) == _digits(nik) and _digits(c.get("no_kk")) != _digits(kk)
            for k2, c in rows.items()
            if k2 != key
        )
    if code in ("kk_tanpa_kepala", "kk_kepala_ganda"):
        return True  # checked per family below
    raise AssertionError(f"unchecked rule {code}")


def test_every_defect_is_in_the_files(sample: Path) -> None:
    seen: set[str] = set()
    for m in MONTHS:
        rows = read_back(sample / "raw" / m)
        truth_rows = pd.read_parquet(sample / "truth" / m / "rows.parquet")
        # every truth row sits at the recorded place with the recorded IDs
        assert len(rows) == len(truth_rows)
        for r in truth_rows.itertuples():
            cell = rows[(r.path, r.sheet, r.row)]
            assert _digits(cell["nik"]) == _digits(r.nik) or "E+" in str(r.nik)
        d = _csv(sample / "truth" / m / "defects.csv")
        assert d["defect_id"].is_unique
        for x in d.itertuples():
            key = (x.file, x.sheet, int(x.row))
            assert key in rows, key
            assert _check_cell(x.kode_aturan, x.kolom, rows[key], rows, key), (x, rows[key])
            seen.add(x.kode_aturan)
        # family rules: every counted row of the family is recorded, and it has 0 / >1 heads
        counted = truth_rows[truth_rows["t_counted"]]
        by_kk: dict[str, set[tuple[str, str, int]]] = {}
        for r in counted.itertuples():
            k = (r.path, r.sheet, int(r.row))
            by_kk.setdefault(_digits(rows[k]["no_kk"]), set()).add(k)
        fam = d[d["kode_aturan"].isin(["kk_tanpa_kepala", "kk_kepala_ganda"])]
        for code, g in fam.groupby("kode_aturan"):
            keys = {(a, b, int(c)) for a, b, c in zip(g.file, g.sheet, g.row, strict=True)}
            for kk in {_digits(rows[k]["no_kk"]) for k in keys}:
                members = by_kk[kk]
                assert members <= keys
                heads = sum(
                    str(rows[k]["hubungan"]).split(".")[0] in ("1", "KEPALA KELUARGA")
                    for k in members
                )
                assert (heads == 0) if code == "kk_tanpa_kepala" else (heads > 1)
    expected = {
        "nik_excel", "nik_panjang", "nik_bukan_angka", "nik_tanda_baca", "nik_tanggal",
        "nik_nomor_urut", "nik_beda_jk", "nik_beda_tgl_lahir", "nik_provinsi", "nik_kabupaten",
        "kk_excel", "kk_panjang", "kk_bukan_angka", "kk_tanda_baca", "kk_tanggal",
        "kk_nomor_urut", "kk_provinsi", "kk_kabupaten", "baris_ganda", "nik_ganda_kk",
        "kk_tanpa_kepala", "kk_kepala_ganda", "desa_tidak_dikenal", "wilayah_ejaan_lain",
        "program_tidak_dikenal", "nama_kosong",
    }  # fmt: skip
    assert expected <= seen


def test_injected_defects_equal_checker_findings(sample: Path) -> None:
    """What the generator meant to inject is exactly what the independent checker finds."""
    for m in MONTHS:
        r = pd.read_parquet(sample / "truth" / m / "rows.parquet")
        d = _csv(sample / "truth" / m / "defects.csv")
        d["row"] = d["row"].astype(int)
        found = d.groupby(["file", "sheet", "row"])["kode_aturan"].agg(set)
        for x in r.itertuples():
            want = set(filter(None, x.defect.split(";")))
            got = found.get((x.path, x.sheet, x.row), set())
            assert want == got, (x.path, x.sheet, x.row, want, got)


def test_nonresponse_not_twice_in_a_row(sample: Path) -> None:
    prev: set[str] = set()
    for i, m in enumerate(MONTHS):
        nr = set(_csv(sample / "truth" / m / "nonrespon.csv")["kode_desa"])
        assert (len(nr) > 0) == (i > 0)
        assert not (nr & prev)
        r = pd.read_parquet(sample / "truth" / m / "rows.parquet")
        assert not (nr & set(r["t_kode_desa"].dropna()))
        prev = nr


def test_files_layout_and_declared_schemes(sample: Path) -> None:
    import yaml

    for m in MONTHS:
        raw = sample / "raw" / m
        assert (raw / f"siks_ng_{m}.xlsx").exists() or any(raw.glob("siks_ng_*"))
        decl = yaml.safe_load((raw / "sumber.yaml").read_text())["files"]
        for rel, facts in decl.items():
            assert (raw / rel).exists() and facts["skema_hubungan"] == "dukcapil"
        assert any(p.suffix == ".csv" for p in raw.rglob("*"))
        # each village comes from exactly one file/sheet
        r = pd.read_parquet(sample / "truth" / m / "rows.parquet")
        per = r.dropna(subset=["t_kode_desa"]).groupby("t_kode_desa")[["path", "sheet"]].nunique()
        assert (per <= 1).all().all()


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    kw = dict(months=["2023-11", "2023-12"], scale=0.01, defect_rate=0.05, progress=False)
    generate(tmp_path / "a", seed=3, **kw)
    generate(tmp_path / "b", seed=3, **kw)
    generate(tmp_path / "c", seed=4, **kw)
    ha, hb, hc = _hashes(tmp_path / "a"), _hashes(tmp_path / "b"), _hashes(tmp_path / "c")
    assert ha == hb and len(ha) > 10
    assert ha["truth/2023-12/defects.csv"] != hc["truth/2023-12/defects.csv"]
    assert ha["raw/2023-12/siks_ng_2023-12.xlsx"] != hc.get("raw/2023-12/siks_ng_2023-12.xlsx")


def test_csv_format(tmp_path: Path) -> None:
    s = generate(tmp_path, ["2023-12"], scale=0.01, seed=9, fmt="csv", progress=False)
    raw = tmp_path / "raw" / "2023-12"
    files = [p for p in raw.rglob("*") if p.is_file() and p.name != "sumber.yaml"]
    assert files and all(p.suffix == ".csv" for p in files)
    assert s["months"]["2023-12"]["rows"] == len(read_back(raw))
    encodings = {p.read_bytes()[:3] == b"\xef\xbb\xbf" for p in files}
    assert len(files) < 5 or encodings == {True, False}


def test_defect_rate_is_the_share_of_rows_affected(sample: Path) -> None:
    for m in MONTHS:
        s = json.loads((sample / "truth" / m / "summary.json").read_text())
        d = _csv(sample / "truth" / m / "defects.csv")
        share = len(d[["file", "sheet", "row"]].drop_duplicates()) / s["baris"]
        assert 0.5 * 0.03 < share < 1.5 * 0.03
        assert 0.01 < s["nik_luar_kabupaten"] / s["baris_dihitung"] < 0.05
