"""DTSEN months of the synthetic generator (issue #13): layout of the two files, the defects at
their place, the desil truth tables consistent with each other and with the files, targeting
errors of the intended size, quarterly re-ranking, three correlated rankings, and the DTKS ->
DTSEN switch. Everything is read back from the written files, not from the generator's code."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from dtks_analysis.synthetic import generate
from dtks_analysis.synthetic.reference import load_reference
from tests import samples

MONTHS = ["2025-02", "2025-03", "2025-04", "2025-05"]  # a quarter start (04) inside
REF = load_reference()
KELUARGA = [
    "id_keluarga", "nomor_kartu_keluarga", "kode_provinsi", "kode_kabupaten", "kode_kecamatan",
    "kode_desa", "alamat", "desil_nasional", "desil_provinsi", "desil_kabupaten_kota",
    "status_keluarga",
]  # fmt: skip
ANGGOTA = [
    "id_keluarga", "nomor_kartu_keluarga", "nik", "nama", "hubungan_keluarga", "jenis_kelamin",
    "tanggal_lahir", "penerima_pkh", "penerima_bpnt", "penerima_pbi_jk",
]  # fmt: skip
RANKS = ["desil_nasional", "desil_provinsi", "desil_kabupaten_kota"]
LABELS = [str(d) for d in range(1, 11)] + ["belum_diperingkat", "nonaktif"]
MEASURES = ["rumah_tangga", "jiwa", "rt_bpnt", "rt_pbi_jkn", "rt_pkh"]
SASARAN = {"bpnt": 4, "pbi_jkn": 5, "pkh": 4}  # the default sasaran_desil (issue #13)
VALID = {str(d) for d in range(1, 11)}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dtsen")
    samples.sample(out, MONTHS, scale=0.05, seed=13, defect_rate=0.03, sumber="dtsen")
    return out


@pytest.fixture(scope="module")
def xlsx_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dtsen_xlsx")
    samples.sample(out, ["2025-01"], scale=0.02, seed=5, fmt="xlsx", sumber="dtsen")
    return out


# ---------------------------------------------------------------- reading the files back
def _canon(h: object) -> str:
    k = re.sub(r"\s+", "_", str(h).strip().lower())
    return {"no_kk": "nomor_kartu_keluarga", "penerima_sembako": "penerima_bpnt"}.get(k, k)


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_file(p: Path) -> tuple[list[str], pd.DataFrame]:
    """(written headers, rows as text with canonical column names and ``_row``)."""
    if p.suffix == ".csv":
        text = p.read_bytes().decode("utf-8")
        first = text.splitlines()[0]
        delim = max("|;,", key=first.count)
        rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    else:
        wb = CalamineWorkbook.from_path(str(p))
        rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
        rows = [[_cell(v) for v in r] for r in rows]
    head = [str(h) for h in rows[0]]
    df = pd.DataFrame(rows[1:], columns=[_canon(h) for h in head], dtype=object).fillna("")
    df["_row"] = np.arange(len(df)) + 2
    return head, df


def month_files(root: Path, m: str) -> tuple[Path, Path]:
    raw = root / "raw" / m
    kel = sorted(raw.glob(f"keluarga_dtsen_1211_{m}.*"))
    ang = sorted(raw.glob(f"anggota_keluarga_dtsen_1211_{m}.*"))
    assert len(kel) == 1 and len(ang) == 1, sorted(p.name for p in raw.iterdir())
    return kel[0], ang[0]


def _truth(root: Path, m: str, name: str) -> pd.DataFrame:
    return pd.read_csv(
        root / "truth" / m / name, dtype={"kode_kecamatan": str, "desil": str, "desil_lalu": str},
        keep_default_na=False, na_values=[""],
    )  # fmt: skip


def _defects(root: Path, m: str) -> pd.DataFrame:
    d = pd.read_csv(root / "truth" / m / "defects.csv", dtype=str, keep_default_na=False)
    return d.astype({"row": int})


# ---------------------------------------------------------------- layout
def test_files_follow_the_layout(sample: Path, xlsx_sample: Path) -> None:
    seen_fmt: set[str] = set()
    for root, months in ((sample, MONTHS), (xlsx_sample, ["2025-01"])):
        for m in months:
            kel, ang = month_files(root, m)
            seen_fmt |= {kel.suffix, ang.suffix}
            hk, k = read_file(kel)
            ha, a = read_file(ang)
            assert [c for c in k.columns if c != "_row"] == KELUARGA, hk
            assert [c for c in a.columns if c != "_row"] == ANGGOTA, ha
            assert set(k["status_keluarga"]) <= {"aktif", "nonaktif"}
            assert set(k["desil_provinsi"]) <= VALID | {""}
            assert set(k["desil_kabupaten_kota"]) <= VALID | {""}
            assert (k["kode_provinsi"] == "12").all()
            assert set(k["kode_kabupaten"]) <= {"12.11", "1211"}
            assert set(a["jenis_kelamin"]) <= {"1", "2", "L", "P"}
            flags = set(a["penerima_pkh"]) | set(a["penerima_bpnt"]) | set(a["penerima_pbi_jk"])
            assert {"1", "0"} <= flags or {"Ya", "Tidak"} <= flags
    assert ".xlsx" in seen_fmt and ".csv" in seen_fmt


def test_header_spellings_vary(sample: Path) -> None:
    spellings = set()
    delims = set()
    for m in MONTHS:
        for p in month_files(sample, m):
            head, _ = read_file(p)
            spellings.add("snake" if head[0] == "id_keluarga" else "other")
            if p.suffix == ".csv":
                first = p.read_text(encoding="utf-8").splitlines()[0]
                delims.add(max("|;,", key=first.count))
    assert "|" in delims
    assert spellings == {"snake", "other"}


def test_defects_are_in_the_files_at_their_place(sample: Path) -> None:
    for m in MONTHS:
        _check_defects(sample, m)


def _check_defects(sample: Path, m: str) -> None:
    kel_p, ang_p = month_files(sample, m)
    _, kel = read_file(kel_p)
    _, ang = read_file(ang_p)
    d = _defects(sample, m)
    codes = set(d["kode_aturan"])
    assert {"keluarga_tanpa_anggota", "anggota_tanpa_keluarga", "desil_tidak_valid"} <= codes
    assert {"nik_panjang", "kk_tanda_baca", "desa_tidak_dikenal", "baris_ganda"} <= codes
    assert set(d["file"]) <= {kel_p.name, ang_p.name}
    a = ang.set_index("_row")
    k = kel.set_index("_row")
    members = set(ang["id_keluarga"])
    families = set(kel["id_keluarga"])

    def rows(code: str, f: Path = ang_p) -> pd.DataFrame:
        x = d[(d["kode_aturan"] == code) & (d["file"] == f.name)]
        return (a if f == ang_p else k).loc[x["row"]]

    # the three DTSEN rules, both ways
    ph = rows("keluarga_tanpa_anggota", kel_p)
    assert not set(ph["id_keluarga"]) & members
    assert set(ph["id_keluarga"]) == families - members
    orph = rows("anggota_tanpa_keluarga")
    assert not set(orph["id_keluarga"]) & families
    assert set(orph.index) == set(ang.loc[~ang["id_keluarga"].isin(families), "_row"])
    # desil and region are written in the keluarga file: listed at the family's row there
    bad = rows("desil_tidak_valid", kel_p)["desil_nasional"].fillna("")
    assert len(bad) and not (bad.isin(VALID) | (bad == "")).any()
    assert set(bad.index) == set(
        kel.loc[~kel["desil_nasional"].fillna("").isin(VALID | {""}), "_row"]
    )
    assert rows("desil_tidak_valid").empty
    # some classic ones
    for v in rows("nik_panjang")["nik"]:
        assert len(re.sub(r"\D", "", v)) != 16
    for v in rows("kk_tanda_baca")["nomor_kartu_keluarga"]:
        assert re.search(r"[\s.\-']", v)
    codes_ok = set(REF.desa["kode"]) | set(REF.desa["kode"].str.replace(".", ""))
    unk = rows("desa_tidak_dikenal", kel_p)["kode_desa"]
    assert len(unk) and not unk.isin(codes_ok).any()
    assert set(kel.loc[~kel["kode_desa"].isin(codes_ok), "_row"]) == set(unk.index)
    assert rows("desa_tidak_dikenal").empty
    dup = rows("baris_ganda")
    for r in dup.index:
        assert (a.loc[r - 1, ANGGOTA] == a.loc[r, ANGGOTA]).all() or (
            (ang[ANGGOTA] == a.loc[r, ANGGOTA]).all(axis=1).sum() >= 2
        )


# ---------------------------------------------------------------- truth, inside and against files
def test_truth_tables_are_consistent(sample: Path) -> None:
    for i, m in enumerate(MONTHS):
        dk = _truth(sample, m, "desil_kabupaten.csv")
        assert list(dk["desil"]) == LABELS
        rk = _truth(sample, m, "rekap_kecamatan.csv")
        assert (dk[MEASURES].sum() == rk[MEASURES].sum()).all(), m
        rd = _truth(sample, m, "rekap_desil.csv")
        assert list(rd.columns[:3]) == ["kode_kecamatan", "kecamatan", "desil"]
        by = rd.groupby("desil")[MEASURES].sum().reindex(LABELS)
        assert (by.to_numpy() == dk[MEASURES].to_numpy()).all(), m
        per_kec = rd.groupby("kode_kecamatan", dropna=False)["rumah_tangga"].sum()
        want = rk.set_index(rk["kode_kecamatan"].where(rk["kode_kecamatan"].notna(), np.nan))
        assert (per_kec.sort_index() == want["rumah_tangga"].sort_index()).all()
        ks = _truth(sample, m, "ketepatan_sasaran.csv")
        assert (
            ks["rt_penerima"] == ks["rt_penerima_sasaran"] + ks["rt_penerima_luar_sasaran"]
        ).all()
        assert (
            ks["rt_sasaran"] == ks["rt_penerima_sasaran"] + ks["rt_sasaran_tidak_menerima"]
        ).all()
        ok = ks["rt_penerima"] > 0
        pi = ks.loc[ok, "rt_penerima_luar_sasaran"] / ks.loc[ok, "rt_penerima"] * 100
        assert np.allclose(pi, ks.loc[ok, "persen_salah_inklusi"])
        kab = ks[ks["kode_kecamatan"] == REF.kode].set_index("program")
        kec = ks[ks["kode_kecamatan"] != REF.kode].groupby("program").sum(numeric_only=True)
        counts = [c for c in ks.columns if c.startswith("rt_")]
        assert (kab[counts] == kec.loc[kab.index, counts]).all().all()
        for p, b in SASARAN.items():
            assert kab.loc[p, "batas_desil"] == b
            rec = dk[f"rt_{p}"]
            assert kab.loc[p, "rt_penerima"] == rec.sum()
            assert kab.loc[p, "rt_penerima_sasaran"] == rec.iloc[:b].sum()
            assert kab.loc[p, "rt_sasaran"] == dk["rumah_tangga"].iloc[:b].sum()
        if i == 0:
            assert not (sample / "truth" / m / "arus_desil.csv").exists()
            continue
        ar = _truth(sample, m, "arus_desil.csv").set_index("desil_lalu")
        assert list(ar.index) == [*LABELS, "masuk"]
        assert list(ar.columns) == [*LABELS, "keluar"]
        prev = _truth(sample, MONTHS[i - 1], "desil_kabupaten.csv").set_index("desil")
        now = dk.set_index("desil")
        assert (ar.loc[LABELS].sum(axis=1) == prev["rumah_tangga"]).all()
        assert (ar[LABELS].sum(axis=0) == now["rumah_tangga"]).all()
        assert ar.loc["masuk", "keluar"] == 0


def test_households_desil_from_the_written_files(sample: Path) -> None:
    """Each household's desil = the first valid desil of its counted member rows (file order)."""
    for m in MONTHS:
        kel_p, ang_p = month_files(sample, m)
        _, kel = read_file(kel_p)
        _, ang = read_file(ang_p)
        rows = pd.read_parquet(sample / "truth" / m / "rows.parquet")
        rows = rows[rows["path"] == ang_p.name].set_index("row")
        ang = ang[ang["_row"].map(rows["t_counted"]).astype(bool)]
        fam = kel.drop_duplicates("id_keluarga").set_index("id_keluarga")
        key = ang["nomor_kartu_keluarga"].str.replace(r"[\s.\-']", "", regex=True)
        hh = pd.read_parquet(sample / "truth" / m / "households.parquet").set_index("no_kk")
        assert str(hh["desil_nasional"].dtype) == "Int8" and hh["nonaktif"].dtype == bool
        for r in RANKS:
            v = ang["id_keluarga"].map(fam[r])
            v = pd.to_numeric(v.where(v.isin(VALID)), errors="coerce")
            first = v.groupby(key.to_numpy()).first()
            got = hh[r].astype("Float64").reindex(first.index)
            assert (got.fillna(-1).to_numpy() == first.fillna(-1).to_numpy()).all(), (m, r)
        non = (
            (ang["id_keluarga"].map(fam["status_keluarga"]) == "nonaktif")
            .groupby(key.to_numpy())
            .any()
        )
        assert (hh["nonaktif"].reindex(non.index) == non).all()
        # members without a family: unknown region
        orphan = ~ang["id_keluarga"].isin(set(kel["id_keluarga"]))
        assert orphan.any()
        assert hh.loc[key[orphan].unique(), "kode_kecamatan"].isna().all()


def test_targeting_errors_of_the_intended_size(sample: Path) -> None:
    for m in MONTHS:
        ks = _truth(sample, m, "ketepatan_sasaran.csv")
        kab = ks[ks["kode_kecamatan"] == REF.kode].set_index("program")
        for p in ("bpnt", "pbi_jkn", "pkh"):
            assert 10 <= kab.loc[p, "persen_salah_inklusi"] <= 30, (m, p)
        for p in ("bpnt", "pbi_jkn"):
            assert 10 <= kab.loc[p, "persen_salah_eksklusi"] <= 30, (m, p)
        # PKH reaches about a fifth of the households but its target (desil 1-4) is near half:
        # its exclusion error is bounded below by that quota, as in the real program
        assert kab.loc["pkh", "persen_salah_eksklusi"] > 30


def test_unranked_and_nonaktif_shares(sample: Path) -> None:
    for m in MONTHS:
        dk = _truth(sample, m, "desil_kabupaten.csv").set_index("desil")["rumah_tangga"]
        n = dk.sum()
        assert 0.03 <= dk["belum_diperingkat"] / n <= 0.08, m
        assert 0.02 <= dk["nonaktif"] / n <= 0.05, m


def _families(root: Path, m: str) -> pd.DataFrame:
    _, kel = read_file(month_files(root, m)[0])
    bad = set(_defects(root, m).query("kode_aturan == 'keluarga_tanpa_anggota'")["row"])
    return kel[~kel["_row"].isin(bad)].set_index("id_keluarga")


def test_desil_changes_only_at_quarter_starts(sample: Path) -> None:
    for a, b in zip(MONTHS, MONTHS[1:], strict=False):
        fa, fb = _families(sample, a), _families(sample, b)
        common = fa.index.intersection(fb.index)
        changed = pd.Series(False, index=common)
        for r in RANKS:
            va, vb = fa.loc[common, r], fb.loc[common, r]
            ok = (va.isin(VALID) | (va == "")) & (vb.isin(VALID) | (vb == ""))
            changed |= ok & (va != vb)
        changed |= fa.loc[common, "status_keluarga"] != fb.loc[common, "status_keluarga"]
        if b.endswith(("-01", "-04", "-07", "-10")):
            assert changed.mean() > 0.2, b
        else:
            assert not changed.any(), (b, changed.sum())
        # families new since the ranking wait unranked
        seen = set(read_file(month_files(sample, a)[1])[1]["id_keluarga"]) | set(fa.index)
        new = fb.index.difference(list(seen))
        assert len(new) > 0
        if not b.endswith(("-01", "-04", "-07", "-10")):
            assert (fb.loc[new, "desil_kabupaten_kota"] == "").all()


def test_rankings_correlated_but_not_identical(sample: Path) -> None:
    f = _families(sample, MONTHS[-1])
    d = f[RANKS][(f[RANKS].isin(VALID)).all(axis=1)].astype(int)
    for x, y in (RANKS[:2], RANKS[1:], RANKS[::2]):
        rho = d[x].corr(d[y], method="spearman")
        assert 0.7 < rho < 0.99, (x, y, rho)
        assert (d[x] != d[y]).mean() > 0.2
    share = d["desil_kabupaten_kota"].value_counts(normalize=True)
    assert share.between(0.08, 0.12).all()  # within the kabupaten: tenths
    assert d["desil_nasional"].le(4).mean() > 0.4  # the kabupaten is poorer than the country


# ---------------------------------------------------------------- switch and determinism
def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_switch_from_dtks_to_dtsen(tmp_path: Path) -> None:
    months = ["2025-01", "2025-02", "2025-03"]
    generate(tmp_path / "a", months, scale=0.02, seed=7, beralih="2025-02", progress=False)
    generate(tmp_path / "b", months[:1], scale=0.02, seed=7, progress=False)
    # the DTKS months of a switching series are the ordinary DTKS months
    for part in ("raw", "truth"):
        assert _hashes(tmp_path / "a" / part / "2025-01") == _hashes(
            tmp_path / "b" / part / "2025-01"
        )
    raw = tmp_path / "a" / "raw"
    assert list((raw / "2025-01").glob("siks_ng_*"))
    assert not list((raw / "2025-01").glob("*dtsen*"))
    for m in months[1:]:
        month_files(tmp_path / "a", m)
        assert not list((raw / m).glob("siks_ng_*"))
    t = tmp_path / "a" / "truth"
    assert not (t / "2025-02" / "arus_desil.csv").exists()  # no earlier DTSEN month
    assert (t / "2025-03" / "arus_desil.csv").exists()
    ar = _truth(tmp_path / "a", "2025-02", "arus_program.csv")
    assert ar["bulan_lalu"].notna().all()  # program flows continue across the switch
    assert (ar["bertahan"] > 0.8 * ar["bulan_lalu"]).all()


def test_dtsen_sample_is_deterministic(tmp_path: Path) -> None:
    for d in ("a", "b"):
        generate(
            tmp_path / d, ["2025-03", "2025-04"], scale=0.01, seed=2, sumber="dtsen", progress=False
        )
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")


def test_mixed_month_holds_both_sources(tmp_path: Path) -> None:
    """``sumber="campuran"``: half the kecamatan still send DTKS files, the rest is in DTSEN."""
    months = ["2025-03", "2025-04"]
    generate(tmp_path, months, scale=0.03, seed=17, sumber="campuran", progress=False)
    for m in months:
        raw = tmp_path / "raw" / m
        kel_p, ang_p = month_files(tmp_path, m)
        dtks_files = [p for p in raw.rglob("*.*") if "dtsen" not in p.name and p.suffix != ".yaml"]
        assert dtks_files
        _, kel = read_file(kel_p)
        codes = kel["kode_kecamatan"].str.replace(".", "", regex=False)
        dtsen_kec = {f"{c[:2]}.{c[2:4]}.{c[4:6]}" for c in codes}
        hh = pd.read_parquet(tmp_path / "truth" / m / "households.parquet")
        in_dtks = hh["kode_kecamatan"].notna() & ~hh["kode_kecamatan"].isin(dtsen_kec)
        assert in_dtks.any() and hh.loc[in_dtks, "desil_nasional"].isna().all()
        assert not hh.loc[in_dtks, "nonaktif"].any()
        dk = _truth(tmp_path, m, "desil_kabupaten.csv").set_index("desil")
        rk = _truth(tmp_path, m, "rekap_kecamatan.csv")
        assert (dk[MEASURES].sum() == rk[MEASURES].sum()).all()
        assert dk.loc["belum_diperingkat", "rumah_tangga"] >= in_dtks.sum()
        d = _defects(tmp_path, m)
        assert set(d["file"]) & {kel_p.name, ang_p.name}
        assert set(d["file"]) - {kel_p.name, ang_p.name}
    assert (tmp_path / "truth" / months[1] / "arus_desil.csv").exists()
