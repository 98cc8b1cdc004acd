"""One DTSEN month: the two extract files (keluarga, anggota keluarga) with their defects.

The member rows go through the same machinery as the DTKS rows (``month.py``: the same NIK,
No KK, family, name, flag and duplicate defects) in one *virtual* file whose region columns hold
names, so that the independent checker (``check.py``) reads them as it reads DTKS rows; the
writer then puts the regions, as Kemendagri codes, on the family rows. Three defects are DTSEN's
own: families without members, members without a family, and desil values outside 1..10.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .check import check_month as check_rows
from .dtsen_welfare import RANKINGS, Ranking
from .layout import FileStyle
from .month import Injector, build_rows, encode, finalize, inject_canonical, inject_written
from .reference import Reference

# written columns of the two files, in order (canonical name -> field of the rows)
KELUARGA_COLUMNS = (
    "id_keluarga", "nomor_kartu_keluarga", "kode_provinsi", "kode_kabupaten", "kode_kecamatan",
    "kode_desa", "alamat", *RANKINGS, "status_keluarga",
)  # fmt: skip
ANGGOTA_COLUMNS = (
    ("id_keluarga", "id_keluarga"), ("nomor_kartu_keluarga", "no_kk"), ("nik", "nik"),
    ("nama", "nama"), ("hubungan_keluarga", "hubungan"), ("jenis_kelamin", "jenis_kelamin"),
    ("tanggal_lahir", "tanggal_lahir"), ("penerima_pkh", "pkh"), ("penerima_bpnt", "bpnt"),
    ("penerima_pbi_jk", "pbi_jkn"),
)  # fmt: skip
# the virtual member file the checker reads (regions as names, like a DTKS file with kecamatan)
_VIRTUAL = ("no_kk", "nik", "nama", "hubungan", "jenis_kelamin", "tanggal_lahir", "pkh", "bpnt")
_VIRTUAL += ("pbi_jkn", "desa", "kecamatan")
_ACRONYMS = frozenset({"id", "nik", "kk", "pkh", "bpnt", "pbi", "jk"})
INVALID_DESIL = ("0", "11", "12", "99", "X", "A")
NEW_RULES = {
    "keluarga_tanpa_anggota": ("warning", "id_keluarga"),
    "anggota_tanpa_keluarga": ("error", "id_keluarga"),
    "desil_tidak_valid": ("warning", "desil_nasional"),
}
# share of the families hit by each DTSEN defect, per unit of defect rate
DTSEN_DEFECTS = {"keluarga_tanpa_anggota": 0.1, "anggota_tanpa_keluarga": 0.1}
DTSEN_DEFECTS["desil_tidak_valid"] = 0.15


@dataclass
class DtsenStyle:
    """How the month's two files look: format, delimiter, header spellings, codings."""

    fmt_keluarga: str = "csv"
    fmt_anggota: str = "csv"
    delimiter_keluarga: str = "|"
    delimiter_anggota: str = "|"
    header_keluarga: str = "snake"  # snake | upper | title
    header_anggota: str = "snake"
    no_kk_short: bool = False  # "No KK" instead of "NOMOR KARTU KELUARGA"
    sembako: bool = False  # penerima_sembako instead of penerima_bpnt
    jk12: bool = False  # 1/2 instead of L/P
    dotted: bool = True  # region codes 12.11.01.2001 or 1211012001
    paths: dict[str, str] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)


def plan_style(rng: np.random.Generator, ref: Reference, month: str, fmt: str) -> DtsenStyle:
    """Draw the month's file style (mostly pipe-delimited CSV with snake_case headers)."""
    st = DtsenStyle()
    for part in ("keluarga", "anggota"):
        u = rng.random()
        f = "xlsx" if fmt == "xlsx" else "csv"
        if fmt == "mixed" and u < 0.15:
            f = "xlsx"
        setattr(st, f"fmt_{part}", f)
        delim = ("|", ";", ",")[rng.choice(3, p=[0.75, 0.15, 0.10])]
        setattr(st, f"delimiter_{part}", delim)
        setattr(
            st, f"header_{part}", ("snake", "upper", "title")[rng.choice(3, p=[0.6, 0.25, 0.15])]
        )
    st.no_kk_short = bool(rng.random() < 0.5)
    st.sembako = bool(rng.random() < 0.3)
    st.jk12 = bool(rng.random() < 0.5)
    st.dotted = bool(rng.random() < 0.6)
    plain = ref.kode.replace(".", "")
    for part, stem in (("keluarga", "keluarga_dtsen"), ("anggota", "anggota_keluarga_dtsen")):
        f = getattr(st, f"fmt_{part}")
        st.paths[part] = f"{stem}_{plain}_{month}.{f}"
        st.sheets[part] = (
            ("Keluarga" if part == "keluarga" else "Anggota Keluarga") if f == "xlsx" else ""
        )
    return st


def header(name: str, style: str, st: DtsenStyle) -> str:
    """Header text of canonical column ``name`` in ``style``."""
    if name == "penerima_bpnt" and st.sembako:
        name = "penerima_sembako"
    if style == "snake":
        return name
    if name == "nomor_kartu_keluarga" and st.no_kk_short:
        return "NO KK" if style == "upper" else "No KK"
    words = name.replace("_", " ")
    if style == "upper":
        return words.upper()
    return " ".join(x.upper() if x in _ACRONYMS else x.title() for x in words.split())


def _virtual_file(rng: np.random.Generator, st: DtsenStyle) -> FileStyle:
    xlsx = st.fmt_anggota == "xlsx"
    fs = FileStyle(
        path=st.paths["anggota"],
        kind="dtsen",
        fmt=st.fmt_anggota,
        columns=[(f, f) for f in _VIRTUAL],
        flag=("01", "ya_tidak")[rng.choice(2, p=[0.7, 0.3])],
        jk="LP",
        rel=("dukcapil", "label")[rng.choice(2, p=[0.8, 0.2])],
        date="cell" if xlsx and rng.random() < 0.5 else ("dmy" if rng.random() < 0.3 else "iso"),
    )
    if xlsx:
        fs.sheets = [st.sheets["anggota"]]
        fs.flag_numeric = fs.flag == "01" and bool(rng.random() < 0.5)
        fs.rel_numeric = fs.rel == "dukcapil" and bool(rng.random() < 0.5)
    return fs


def id_keluarga(ref: Reference, fid: np.ndarray) -> np.ndarray:
    """BPS-like family id of a panel family."""
    return np.char.add(ref.nik4 + "0", np.char.zfill(np.asarray(fid).astype(str), 9)).astype(object)


@dataclass
class DtsenMonth:
    """Everything the generator needs of a DTSEN month."""

    df: pd.DataFrame  # member rows as written (the DTKS row layout), in file order
    files: list[FileStyle]
    keluarga: pd.DataFrame  # family rows as written (canonical column names) + fid, row
    style: DtsenStyle
    findings: pd.DataFrame
    facts: pd.DataFrame  # checker facts + per-row desil (Int8) and nonaktif
    where: dict[int, tuple[int, str]]


def _pick_families(
    rng: np.random.Generator, df: pd.DataFrame, exclude: set[int], n: int
) -> list[int]:
    """``n`` families whose rows carry no other defect (and not in ``exclude``)."""
    clean = (df["defect"] == "").groupby(df["fid"]).all()
    cand = np.array(sorted(f for f, ok in clean.items() if ok and int(f) not in exclude))
    if n <= 0 or len(cand) == 0:
        return []
    return sorted(int(x) for x in rng.choice(cand, min(n, len(cand)), replace=False))


def build_month(
    snap: pd.DataFrame,
    ranking: Ranking,
    ref: Reference,
    month: str,
    lrng: np.random.Generator,
    drng: np.random.Generator,
    defect_rate: float,
    fmt: str,
    anchors: set[int],
    villages: np.ndarray | None = None,
) -> DtsenMonth:
    """Lay out, encode, damage and check one DTSEN month (``villages``: default every one)."""
    st = plan_style(lrng, ref, month, fmt)
    files = [_virtual_file(lrng, st)]
    sheet = st.sheets["anggota"]
    if villages is None:
        villages = np.arange(len(ref.desa))
    where = {int(d): (0, sheet) for d in villages}
    w = build_rows(snap, files, where, ref)
    inj = Injector(w, files, ref, drng)
    budget = inj.budget(defect_rate)
    budget["wilayah_ejaan_lain"] = 0  # regions are codes in DTSEN files: no other spellings
    w = inject_canonical(w, inj, budget, anchors)
    enc = encode(w, files, ref)
    inject_written(w, enc, inj, budget)
    df = finalize(w, enc, files, inj.dup_rows, drng)
    df["id_keluarga"] = id_keluarga(ref, df["fid"].to_numpy())
    findings, facts = check_rows(df, files, ref, int(month[:4]))
    n_fam = df["fid"].nunique()
    count = {
        k: (max(1, int(round(v * defect_rate * n_fam / 10))) if defect_rate > 0 else 0)
        for k, v in DTSEN_DEFECTS.items()
    }
    busy = set(anchors) | set(inj.fam_used)
    orphans = _pick_families(drng, df, busy, count["anggota_tanpa_keluarga"])
    invalid = _pick_families(drng, df, busy | set(orphans), count["desil_tidak_valid"])
    kel = _families(df, w, ranking, ref, st, drng, invalid)
    kel = kel[~kel["fid"].isin(orphans)]
    kel = _add_phantoms(kel, ref, st, drng, count["keluarga_tanpa_anggota"])
    kel["row"] = np.arange(len(kel)) + 2
    # facts: region and desil as the joined records carry them
    orphan_row = df["fid"].isin(orphans).to_numpy()
    facts.loc[orphan_row, ["kode_kecamatan", "kode_desa"]] = None
    fam = kel[kel["fid"] >= 0].set_index("fid")
    for r in RANKINGS:
        val = pd.to_numeric(df["fid"].map(fam[r]), errors="coerce")
        facts[r] = val.where(val.between(1, 10)).astype("Int8")
    facts["nonaktif"] = (df["fid"].map(fam["status_keluarga"]) == "nonaktif").to_numpy()
    rows = np.flatnonzero(orphan_row)
    extra = [
        pd.DataFrame(
            {
                "kode_aturan": "anggota_tanpa_keluarga",
                "file": st.paths["anggota"],
                "sheet": sheet,
                "row": df["row"].to_numpy()[rows],
                "kolom": NEW_RULES["anggota_tanpa_keluarga"][1],
                "_i": rows,
            }
        )
    ]
    # what is written in the keluarga file is found at the family's row there: the region
    # (an unknown kode_desa), the desil and families without members
    unknown = findings["kode_aturan"] == "desa_tidak_dikenal"
    unknown_fids = set(df["fid"].to_numpy()[findings.loc[unknown, "_i"].to_numpy(int)])
    findings = findings[~unknown]
    for code, kolom, hit in (
        ("desa_tidak_dikenal", "desa", kel["fid"].isin(unknown_fids)),
        ("desil_tidak_valid", NEW_RULES["desil_tidak_valid"][1], kel["fid"].isin(invalid)),
        ("keluarga_tanpa_anggota", NEW_RULES["keluarga_tanpa_anggota"][1], kel["fid"] < 0),
    ):
        extra.append(
            pd.DataFrame(
                {
                    "kode_aturan": code,
                    "file": st.paths["keluarga"],
                    "sheet": st.sheets["keluarga"],
                    "row": kel.loc[hit, "row"].to_numpy(),
                    "kolom": kolom,
                    "_i": -1,
                }
            )
        )
    f = pd.concat([findings, *extra], ignore_index=True)
    f["tingkat"] = (
        f["kode_aturan"].map({k: v[0] for k, v in NEW_RULES.items()}).fillna(f["tingkat"])
    )
    f = f.sort_values(["file", "sheet", "row", "kode_aturan", "kolom"]).reset_index(drop=True)
    return DtsenMonth(df, files, kel.reset_index(drop=True), st, f, facts, where)


def _code(code: str, dotted: bool) -> str:
    return code if dotted else code.replace(".", "")


def _families(
    df: pd.DataFrame,
    w: pd.DataFrame,
    ranking: Ranking,
    ref: Reference,
    st: DtsenStyle,
    rng: np.random.Generator,
    invalid: list[int],
) -> pd.DataFrame:
    """One written row per family, in the order the members first appear."""
    first = df.drop_duplicates("fid")
    fids = first["fid"].to_numpy(np.int64)
    # the family's card number: the value most of its member rows carry (first seen on ties)
    kk = (
        df.assign(_p=np.arange(len(df)))
        .groupby(["fid", "no_kk"], sort=False)
        .agg(n=("_p", "size"), p=("_p", "min"))
        .reset_index()
        .sort_values(["fid", "n", "p"], ascending=[True, False, True])
        .drop_duplicates("fid")
        .set_index("fid")["no_kk"]
    )
    desa = first["desa_idx"].to_numpy()
    kode_desa = ref.desa["kode"].to_numpy()[desa].astype(object)
    kode_kec = ref.desa["kode_kec"].to_numpy()[desa].astype(object)
    unknown = df["defect"].str.contains("desa_tidak_dikenal").groupby(df["fid"]).any()
    unk = unknown.reindex(fids).to_numpy(bool)
    known = set(ref.desa["kode"])
    for i in np.flatnonzero(unk):
        for _ in range(50):
            c = f"{kode_kec[i]}.{int(rng.integers(2900, 3000))}"
            if c not in known:
                kode_desa[i] = c
                break
    alamat = w.drop_duplicates("fid").set_index("fid")["alamat"].reindex(fids)
    rk = ranking.lookup(fids)
    out = pd.DataFrame(
        {
            "fid": fids,
            "id_keluarga": first["id_keluarga"].to_numpy(),
            "nomor_kartu_keluarga": kk.reindex(fids).to_numpy(),
            "kode_provinsi": ref.kode[:2],
            "kode_kabupaten": _code(ref.kode, st.dotted),
            "kode_kecamatan": [_code(c, st.dotted) for c in kode_kec],
            "kode_desa": [_code(c, st.dotted) for c in kode_desa],
            "alamat": alamat.fillna("").to_numpy(),
        }
    )
    for r in RANKINGS:
        out[r] = rk[r].astype("string").fillna("").to_numpy(dtype=object)
    out["status_keluarga"] = np.where(rk["nonaktif"].to_numpy(), "nonaktif", "aktif")
    bad = out["fid"].isin(invalid).to_numpy()
    out.loc[bad, "desil_nasional"] = np.asarray(INVALID_DESIL, dtype=object)[
        rng.integers(0, len(INVALID_DESIL), int(bad.sum()))
    ]
    return out


def _add_phantoms(
    kel: pd.DataFrame, ref: Reference, st: DtsenStyle, rng: np.random.Generator, n: int
) -> pd.DataFrame:
    """Family rows without members (``keluarga_tanpa_anggota``) at random places."""
    if n <= 0 or kel.empty:
        return kel
    src = kel[kel["fid"] >= 0].iloc[rng.choice(len(kel[kel["fid"] >= 0]), n, replace=False)]
    ph = src.copy()
    ph["fid"] = -1 - np.arange(n)
    ph["id_keluarga"] = [f"{ref.nik4}9{k + 1:08d}" for k in range(n)]
    used = set(kel["nomor_kartu_keluarga"])
    kks = []
    for v in src["nomor_kartu_keluarga"]:
        digits = "".join(ch for ch in str(v) if ch.isdigit()).ljust(16, "0")[:16]
        new = digits
        for _ in range(50):
            new = digits[:12] + f"{int(rng.integers(5000, 10000)):04d}"
            if new not in used:
                break
        used.add(new)
        kks.append(new)
    ph["nomor_kartu_keluarga"] = kks
    ph["status_keluarga"] = "aktif"
    pos = np.sort(rng.choice(len(kel) + 1, n, replace=True))
    key = np.concatenate([np.arange(len(kel), dtype=float), pos - 0.5])
    both = pd.concat([kel, ph], ignore_index=True).assign(_k=key)
    return both.sort_values("_k", kind="stable").drop(columns="_k").reset_index(drop=True)


def join_parts(
    df: pd.DataFrame, findings: pd.DataFrame, facts: pd.DataFrame, dm: DtsenMonth
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A month with DTKS files and DTSEN files: rows, findings and facts of both parts."""
    facts = facts.copy()
    for r in RANKINGS:
        facts[r] = pd.array([pd.NA] * len(facts), dtype="Int8")
    facts["nonaktif"] = False
    rows = pd.concat([df, dm.df], ignore_index=True)
    both = pd.concat([facts, dm.facts], ignore_index=True)
    for r in RANKINGS:
        both[r] = both[r].astype("Int8")
    both["nonaktif"] = both["nonaktif"].astype(bool)
    f = pd.concat([findings, dm.findings], ignore_index=True)
    f = f.sort_values(["file", "sheet", "row", "kode_aturan", "kolom"]).reset_index(drop=True)
    return rows, f, both
