"""One month's written rows: clean panel rows laid out in files, encoded, with defects injected."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import names as N
from .layout import FLAG_CODINGS, JK_CODINGS, FileStyle, order_key
from .panel import REL_DTKS, REL_DUKCAPIL, REL_LABEL
from .reference import Reference, desa_key, ejaan_lain_candidates, kec_key

# written (string) columns, in canonical names
FIELDS = (
    "id_dtks", "provinsi", "kabupaten", "kecamatan", "desa", "alamat", "dusun", "rt", "rw",
    "no_kk", "nik", "nama", "tanggal_lahir", "tempat_lahir", "jenis_kelamin", "nama_ibu",
    "hubungan", "bpnt", "pbi_jkn", "pkh", "no", "keterangan",
)  # fmt: skip
PROGRAMS = ("bpnt", "pbi_jkn", "pkh")

# share of the defect budget per injected defect type
DEFECT_WEIGHTS: dict[str, float] = {
    # family level (every member row)
    "kk_excel": 0.04, "kk_provinsi": 0.02, "kk_kabupaten": 0.02, "kk_tanggal": 0.02,
    "kk_nomor_urut": 0.02, "kk_tanpa_kepala": 0.03, "kk_kepala_ganda": 0.03,
    "desa_tidak_dikenal": 0.03,
    # pairs
    "nik_ganda_kk": 0.03,
    # row level
    "nik_beda_tgl_lahir": 0.05, "nik_excel": 0.08, "nik_excel_sci": 0.05, "nik_panjang": 0.05,
    "nik_bukan_angka": 0.04, "nik_tanda_baca": 0.08, "nik_tanggal": 0.04,
    "nik_nomor_urut": 0.04, "nik_beda_jk": 0.04, "nik_provinsi": 0.03, "nik_kabupaten": 0.03,
    "kk_excel_sci": 0.03, "kk_panjang": 0.03, "kk_bukan_angka": 0.03, "kk_tanda_baca": 0.06,
    "program_tidak_dikenal": 0.05, "nama_kosong": 0.03, "wilayah_ejaan_lain": 0.04,
    "baris_ganda": 0.06,
}  # fmt: skip
FAMILY_DEFECTS = (
    "kk_excel", "kk_provinsi", "kk_kabupaten", "kk_tanggal", "kk_nomor_urut",
    "kk_tanpa_kepala", "kk_kepala_ganda", "desa_tidak_dikenal",
)  # fmt: skip


def sci(digits: str) -> str:
    """How Excel displays a 16-digit number in General format: ``1.21101E+15``."""
    return f"{float(digits[:15] + '0'):.5E}".replace("E+0", "E+")


def build_rows(
    snap: pd.DataFrame,
    files: list[FileStyle],
    where: dict[int, tuple[int, str]],
    ref: Reference,
) -> pd.DataFrame:
    """Canonical (true) rows of responding villages with their file and sheet."""
    w = snap[snap["desa"].isin(list(where))].copy()
    w["file_idx"] = w["desa"].map({d: fs[0] for d, fs in where.items()}).astype(int)
    w["sheet"] = w["desa"].map({d: fs[1] for d, fs in where.items()})
    w["anchor_fam"] = False
    w["defect"] = ""
    w["copy_of"] = -1
    w["nik_num"] = False
    w["kk_num"] = False
    return w.reset_index(drop=True)


class Injector:
    """Injects defects into the month's rows; records the intended rule per row."""

    def __init__(
        self, w: pd.DataFrame, files: list[FileStyle], ref: Reference, rng: np.random.Generator
    ) -> None:
        self.w, self.files, self.ref, self.rng = w, files, ref, rng
        self.used = np.zeros(len(w), bool)
        self.fam_used: set[int] = set()

    def budget(self, rate: float) -> dict[str, int]:
        """Number of injections per type for a defect rate (at least one each when rate > 0)."""
        if rate <= 0:
            return dict.fromkeys(DEFECT_WEIGHTS, 0)
        total = rate * len(self.w)
        out = {}
        for k, share in DEFECT_WEIGHTS.items():
            n = share * total
            if k in FAMILY_DEFECTS:
                n /= 3.7
            elif k == "nik_ganda_kk":
                n /= 2
            out[k] = max(1, int(round(n)))
        return out


def _mark(w: pd.DataFrame, idx: np.ndarray | list[int], code: str) -> None:
    """Append ``code`` to the ``defect`` of rows ``idx`` (labels of a 0..n-1 index)."""
    rows = np.asarray(idx, dtype=np.int64)
    if not (isinstance(w.index, pd.RangeIndex) and w.index.start == 0 and w.index.step == 1):
        w.loc[rows, "defect"] = np.where(
            w.loc[rows, "defect"] == "", code, w.loc[rows, "defect"] + ";" + code
        )
        return
    if len(rows) == 0:
        return
    col = w["defect"].to_numpy(dtype=object, copy=True)
    cur = col[rows]
    col[rows] = np.where(cur == "", code, cur + ";" + code)
    w["defect"] = col


def inject_canonical(
    w: pd.DataFrame, inj: Injector, budget: dict[str, int], anchors: set[int]
) -> pd.DataFrame:
    """Defects on true values: heads, recorded birth date, NIK in two families."""
    rng = inj.rng
    fam_size = w.groupby("fid")["pid"].transform("size").to_numpy()
    free_fam = ~w["fid"].isin(anchors).to_numpy()
    fids_all = pd.unique(w.loc[free_fam, "fid"])
    perm = rng.permutation(fids_all)
    size_of = dict(zip(w["fid"], fam_size, strict=True))
    files = inj.files
    is_xlsx = np.array([f.fmt == "xlsx" for f in files])[w["file_idx"].to_numpy()]
    xlsx_fid = set(w.loc[is_xlsx, "fid"])
    kk_of = dict(zip(w["fid"], w["no_kk"], strict=True))
    pos = 0
    chosen: dict[str, list[int]] = {k: [] for k in FAMILY_DEFECTS}
    for code in FAMILY_DEFECTS:
        need = budget[code]
        tries = 0
        while len(chosen[code]) < need and pos < len(perm) and tries < 5 * need + 50:
            f = int(perm[pos])
            pos += 1
            tries += 1
            if code == "kk_kepala_ganda" and size_of[f] < 2:
                continue
            if code == "kk_excel" and (f not in xlsx_fid or int(kk_of[f][12:]) < 10):
                continue
            chosen[code].append(f)
    w = w.copy()
    for code, fl in chosen.items():
        rows = np.flatnonzero(w["fid"].isin(fl).to_numpy())
        if code == "kk_tanpa_kepala":
            head = rows[w.loc[rows, "rel"].to_numpy() == "kepala"]
            w.loc[head, "rel"] = "lainnya"
        elif code == "kk_kepala_ganda":
            sub = w.loc[rows]
            second = sub[sub["rel"] != "kepala"].drop_duplicates("fid").index
            w.loc[second, "rel"] = "kepala"
        w.loc[rows, "fam_defect"] = code
        inj.fam_used.update(fl)
    if "fam_defect" not in w:
        w["fam_defect"] = ""
    w["fam_defect"] = w["fam_defect"].fillna("")
    inj.used = (w["fam_defect"] != "").to_numpy() | w["fid"].isin(anchors).to_numpy()

    # NIK in two families: person P of family A is also listed (as famili lain) in family B
    cand = np.flatnonzero(~inj.used & (w["rel"] != "kepala").to_numpy())
    cand = rng.permutation(cand)
    added = []
    taken: set[int] = set()
    # the row's sheet as one integer code, compared once per candidate
    sheet_of = pd.factorize(
        pd.MultiIndex.from_arrays([w["file_idx"], w["sheet"]]), use_na_sentinel=False
    )[0]
    fid_arr = w["fid"].to_numpy()
    free = ~inj.used
    for r in cand[: 4 * budget["nik_ganda_kk"] + 10]:
        if len(added) >= budget["nik_ganda_kk"]:
            break
        a = w.loc[r]
        same = np.flatnonzero((sheet_of == sheet_of[r]) & (fid_arr != a["fid"]) & free)
        same = same[~np.isin(fid_arr[same], list(taken))]
        if len(same) == 0 or int(a["fid"]) in taken:
            continue
        b = w.loc[same[int(rng.integers(0, len(same)))]]
        new = b.copy()
        for col in ("pid", "nik", "nama", "female", "dob", "tempat_lahir", "nama_ibu", "pbi"):
            new[col] = a[col]
        new["rel"] = "famili_lain"
        new["defect"] = "nik_ganda_kk"
        new["_after"] = int(b.name)
        w.at[r, "defect"] = "nik_ganda_kk"
        added.append(new)
        taken.update({int(a["fid"]), int(b["fid"])})
    inj.fam_used.update(taken)
    w["_after"] = np.arange(len(w), dtype=float)
    if added:
        extra = pd.DataFrame(added)
        # place the added row right after the last member of family B
        last = w.groupby("fid")["_after"].max()
        extra["_after"] = extra["fid"].map(last) + 0.5
        w = pd.concat([w, extra], ignore_index=True)
        w = w.sort_values("_after", kind="stable").reset_index(drop=True)
    w = w.drop(columns="_after")
    inj.w = w
    inj.used = (
        (w["fam_defect"] != "").to_numpy()
        | w["fid"].isin(anchors).to_numpy()
        | (w["defect"] != "").to_numpy()
        | w["fid"].isin(list(taken)).to_numpy()
    )
    # recorded birth date differing from the NIK
    rows = _take(inj, budget["nik_beda_tgl_lahir"], np.ones(len(w), bool))
    k = rng.integers(1, 4, len(rows))
    w.loc[rows, "dob"] = w.loc[rows, "dob"].to_numpy() - (k * 366) * np.timedelta64(1, "D")
    _mark(w, rows, "nik_beda_tgl_lahir")
    return w


def _take(inj: Injector, n: int, ok: np.ndarray) -> np.ndarray:
    """Pick ``n`` unused rows among ``ok`` and mark them used."""
    cand = np.flatnonzero(ok & ~inj.used)
    if n <= 0 or len(cand) == 0:
        return np.zeros(0, dtype=np.int64)
    pick = np.sort(inj.rng.choice(cand, min(n, len(cand)), replace=False))
    inj.used[pick] = True
    return pick


def _upper(values: np.ndarray) -> np.ndarray:
    """``str.upper`` of an object array, computed once per distinct value."""
    codes, uniq = pd.factorize(values, use_na_sentinel=False)
    return pd.Series(uniq, dtype=object).str.upper().to_numpy()[codes]


def encode(w: pd.DataFrame, files: list[FileStyle], ref: Reference) -> pd.DataFrame:
    """Turn true values into the strings each file writes (its codings, spellings, case)."""
    desa = ref.desa
    d = w["desa"].to_numpy()
    n = len(w)
    cols: dict[str, np.ndarray] = {}
    cols["id_dtks"] = w["id_dtks"].to_numpy()
    cols["provinsi"] = np.full(n, ref.provinsi, dtype=object)
    cols["kabupaten"] = np.full(n, ref.siks, dtype=object)
    cols["kecamatan"] = desa["kecamatan"].to_numpy()[d]
    cols["desa"] = desa["nama"].to_numpy()[d]
    for c in ("alamat", "dusun", "rt", "rw", "no_kk", "nik", "nama", "tempat_lahir", "nama_ibu"):
        cols[c] = w[c].astype(object).to_numpy()
    dob = pd.DatetimeIndex(w["dob"])
    iso = dob.strftime("%Y-%m-%d").astype(object).to_numpy()
    fi = w["file_idx"].to_numpy()
    # per row: the coding of its file
    flag_t = np.array([FLAG_CODINGS[st.flag][0] for st in files], dtype=object)[fi]
    flag_f = np.array([FLAG_CODINGS[st.flag][1] for st in files], dtype=object)[fi]
    for p, truth in (("bpnt", "bpnt"), ("pbi_jkn", "pbi"), ("pkh", "pkh")):
        cols[p] = np.where(w[truth].to_numpy(), flag_t, flag_f)
    fem = w["female"].to_numpy(dtype=bool)
    jl = np.array([JK_CODINGS[st.jk][0] for st in files], dtype=object)[fi]
    jp = np.array([JK_CODINGS[st.jk][1] for st in files], dtype=object)[fi]
    cols["jenis_kelamin"] = np.where(fem, jp, jl)
    tables = {"dtks": REL_DTKS, "dukcapil": REL_DUKCAPIL, "label": REL_LABEL}
    rel_codes, rel_u = pd.factorize(w["rel"].to_numpy(), use_na_sentinel=False)
    scheme = np.array([("dtks", "dukcapil", "label").index(st.rel) for st in files])[fi]
    # (scheme, relationship) -> written string
    table = np.array(
        [[str(tables[t][r]) for r in rel_u] for t in ("dtks", "dukcapil", "label")], dtype=object
    )
    cols["hubungan"] = table[scheme, rel_codes] if n else np.zeros(0, dtype=object)
    dmy = np.array([st.date == "dmy" for st in files], dtype=bool)[fi]
    tgl = iso
    if dmy.any():
        tgl = iso.copy()
        tgl[dmy] = dob[dmy].strftime("%d-%m-%Y")
    cols["tanggal_lahir"] = tgl
    upper = np.array([st.upper for st in files], dtype=bool)[fi]
    if upper.any():
        for c in ("nama", "nama_ibu", "desa", "kecamatan", "alamat", "tempat_lahir", "dusun"):
            cols[c] = np.where(upper, _upper(cols[c]), cols[c])
    cols["no"] = np.full(n, "", dtype=object)
    cols["keterangan"] = np.full(n, "", dtype=object)
    order = (
        "id_dtks", "provinsi", "kabupaten", "kecamatan", "desa", "alamat", "dusun", "rt", "rw",
        "no_kk", "nik", "nama", "tempat_lahir", "nama_ibu", "tanggal_lahir", "jenis_kelamin",
        "hubungan", "bpnt", "pbi_jkn", "pkh", "no", "keterangan",
    )  # fmt: skip
    return pd.DataFrame({c: cols[c] for c in order}, index=w.index)


def inject_written(
    w: pd.DataFrame, out: pd.DataFrame, inj: Injector, budget: dict[str, int]
) -> None:
    """Defects on the written strings (IDs, names, villages, flags, rows), in place."""
    rng, ref, files = inj.rng, inj.ref, inj.files
    xlsx = np.array([f.fmt == "xlsx" for f in files])[w["file_idx"].to_numpy()]
    nonhead = (w["rel"] != "kepala").to_numpy()
    fam_size = w.groupby("fid")["pid"].transform("size").to_numpy()
    all_nik = set(out["nik"])
    all_kk = set(out["no_kk"])

    # -- family-level No KK changes (the whole family keeps one, changed, usable number)
    bad_prov = [
        p
        for p in (
            "10",
            "20",
            "22",
            "30",
            "37",
            "40",
            "50",
            "54",
            "60",
            "66",
            "70",
            "77",
            "80",
            "90",
            "97",
            "99",
        )
        if p not in ref.provinces
    ]
    bad_kab = [f"12{x:02d}" for x in range(26, 99) if f"12{x:02d}" not in ref.kabupaten]
    for code in ("kk_excel", "kk_provinsi", "kk_kabupaten", "kk_tanggal", "kk_nomor_urut"):
        for _fid, rows in (
            w.index[w["fam_defect"] == code].groupby(w.loc[w["fam_defect"] == code, "fid"]).items()
        ):
            old = out.at[rows[0], "no_kk"]
            for _ in range(20):
                if code == "kk_excel":
                    new = old[:15] + "0"
                elif code == "kk_provinsi":
                    new = bad_prov[rng.integers(0, len(bad_prov))] + old[2:]
                elif code == "kk_kabupaten":
                    new = bad_kab[rng.integers(0, len(bad_kab))] + old[4:]
                elif code == "kk_tanggal":
                    new = (
                        old[:6]
                        + ("3102", "3002", "3104", "3106", "3109", "3111")[rng.integers(0, 6)]
                        + old[10:]
                    )
                else:
                    new = old[:12] + "0000"
                if new not in all_kk:
                    break
            else:
                continue
            all_kk.add(new)
            out.loc[rows, "no_kk"] = new
            if code == "kk_excel":
                w.loc[rows, "kk_num"] = True
            _mark(w, rows, code)
    for code in ("kk_tanpa_kepala", "kk_kepala_ganda"):
        _mark(w, np.flatnonzero((w["fam_defect"] == code).to_numpy()), code)
    unk = np.flatnonzero((w["fam_defect"] == "desa_tidak_dikenal").to_numpy())
    known = set(ref.desa["key"]) | set(ref.desa["key_bps"])
    names = [
        n for n in N.UNKNOWN_DESA if desa_key(n) not in known and kec_key(n) not in ref.kec_by_key
    ]
    for fid in pd.unique(w.loc[unk, "fid"]):
        rows = np.flatnonzero((w["fid"] == fid).to_numpy())
        nm = names[rng.integers(0, len(names))]
        out.loc[rows, "desa"] = nm.upper() if files[w.at[rows[0], "file_idx"]].upper else nm
        _mark(w, rows, "desa_tidak_dikenal")

    def take(n: int, ok: np.ndarray) -> np.ndarray:
        return _take(inj, n, ok)

    everywhere = np.ones(len(w), bool)
    # -- NIK
    nik = out["nik"].to_numpy(dtype=object)
    serial = np.array([int(s[12:]) for s in nik])
    for code in (
        "nik_excel", "nik_excel_sci", "nik_panjang", "nik_bukan_angka", "nik_tanda_baca",
        "nik_tanggal", "nik_nomor_urut", "nik_beda_jk", "nik_provinsi", "nik_kabupaten",
    ):  # fmt: skip
        ok = everywhere
        if code == "nik_excel":
            ok = xlsx & (serial >= 10)
        rows = take(budget[code], ok)
        done = []
        for r in rows:
            v = nik[r]
            if code == "nik_excel":
                new = v[:15] + "0"
                if new in all_nik:
                    continue
                w.at[r, "nik_num"] = True
            elif code == "nik_excel_sci":
                new = sci(v)
            elif code == "nik_panjang":
                new = v[:15] if rng.random() < 0.5 else v + str(rng.integers(0, 10))
            elif code == "nik_bukan_angka":
                p = int(rng.integers(6, 16))
                new = v[:p] + ("O" if v[p] == "0" else "I" if v[p] == "1" else "B") + v[p + 1 :]
            elif code == "nik_tanda_baca":
                new = (
                    f"{v[:6]} {v[6:12]} {v[12:]}", f"{v[:2]}.{v[2:4]}.{v[4:6]}.{v[6:]}",
                    f"{v[:6]}-{v[6:12]}-{v[12:]}", "'" + v,
                )[rng.integers(0, 4)]  # fmt: skip
            elif code == "nik_tanggal":
                dd = int(rng.integers(30, 32)) + (40 if int(v[6:8]) > 40 else 0)
                new = v[:6] + f"{dd:02d}02" + v[10:]
            elif code == "nik_nomor_urut":
                new = v[:12] + "0000"
            elif code == "nik_beda_jk":
                dd = int(v[6:8])
                new = v[:6] + f"{(dd - 40 if dd > 40 else dd + 40):02d}" + v[8:]
                if new in all_nik:
                    continue
            elif code == "nik_provinsi":
                new = bad_prov[rng.integers(0, len(bad_prov))] + v[2:]
            else:
                new = bad_kab[rng.integers(0, len(bad_kab))] + v[4:]
            all_nik.add(new)
            nik[r] = new
            done.append(r)
        _mark(w, done, "nik_excel" if code == "nik_excel_sci" else code)
    out["nik"] = nik
    # -- No KK, one row (not the head, so the family keeps its head)
    kk = out["no_kk"].to_numpy(dtype=object)
    for code in ("kk_excel_sci", "kk_panjang", "kk_bukan_angka", "kk_tanda_baca"):
        ok = nonhead & (fam_size >= 2) if code != "kk_tanda_baca" else everywhere
        rows = take(budget[code], ok)
        for r in rows:
            v = kk[r]
            if code == "kk_excel_sci":
                kk[r] = sci(v)
            elif code == "kk_panjang":
                kk[r] = v[:15] if rng.random() < 0.5 else v + str(rng.integers(0, 10))
            elif code == "kk_bukan_angka":
                p = int(rng.integers(6, 16))
                kk[r] = v[:p] + ("O" if v[p] == "0" else "I" if v[p] == "1" else "B") + v[p + 1 :]
            else:
                kk[r] = (f"{v[:6]} {v[6:12]} {v[12:]}", f"{v[:6]}.{v[6:12]}.{v[12:]}", "'" + v)[
                    rng.integers(0, 3)
                ]
        _mark(w, rows, "kk_excel" if code == "kk_excel_sci" else code)
    out["no_kk"] = kk
    # -- names, flags, village spellings
    rows = take(budget["nama_kosong"], everywhere)
    out.loc[rows, "nama"] = ""
    _mark(w, rows, "nama_kosong")
    rows = take(budget["program_tidak_dikenal"], everywhere)
    w["defect_kolom"] = ""
    for r in rows:
        p = PROGRAMS[rng.integers(0, 3)]
        out.at[r, p] = ("-", "?", "3", "x", "Ada?")[rng.integers(0, 5)]
        w.at[r, "defect_kolom"] = p
    _mark(w, rows, "program_tidak_dikenal")
    cands = ejaan_lain_candidates(ref)
    in_cand = w["desa"].isin(list(cands)).to_numpy()
    rows = take(budget["wilayah_ejaan_lain"], in_cand)
    for r in rows:
        nm = cands[int(w.at[r, "desa"])]
        out.at[r, "desa"] = nm if files[w.at[r, "file_idx"]].upper else nm.title()
    _mark(w, rows, "wilayah_ejaan_lain")
    inj.dup_rows = take(budget["baris_ganda"], nonhead)


def finalize(
    w: pd.DataFrame,
    out: pd.DataFrame,
    files: list[FileStyle],
    dup_rows: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Add the duplicate copies, number the rows as Excel / the CSV shows them, sort in reading order."""
    meta = w[
        ["pid", "fid", "desa", "file_idx", "sheet", "defect", "nik_num", "kk_num", "defect_kolom"]
    ]
    df = pd.concat([meta.rename(columns={"desa": "desa_idx"}), out], axis=1)
    df["dob_value"] = w["dob"].to_numpy()
    # per-sheet running number (NO column) and KETERANGAN notes, before copies are added
    df["no"] = (df.groupby(["file_idx", "sheet"]).cumcount() + 1).astype(str)
    ket = rng.random(len(df)) < 0.01
    df.loc[ket, "keterangan"] = np.where(rng.random(ket.sum()) < 0.5, "cek ulang", "data lama")
    df["copy_of"] = -1
    df["_k"] = np.arange(len(df), dtype=float)
    if len(dup_rows):
        cp = df.loc[dup_rows].copy()
        cp["copy_of"] = dup_rows
        cp["defect"] = "baris_ganda"
        cp["_k"] = cp["_k"] + 0.5
        df = pd.concat([df, cp], ignore_index=True)
    ok = order_key(files)
    keys = pd.MultiIndex.from_frame(ok[["file_idx", "sheet"]])
    at = keys.get_indexer(pd.MultiIndex.from_arrays([df["file_idx"], df["sheet"]]))
    if keys.is_unique and (at >= 0).all():  # every row's sheet is known: a lookup, no merge
        df["order"] = ok["order"].to_numpy()[at]
        by = np.lexsort((df["_k"].to_numpy(), df["order"].to_numpy()))
        df = df.take(by)
        df.index = pd.RangeIndex(len(df))
    else:
        df = df.merge(ok, on=["file_idx", "sheet"], how="left")
        df = df.sort_values(["order", "_k"], kind="stable").reset_index(drop=True)
    df["path"] = [files[i].path for i in df["file_idx"]]
    # a field a file does not have is empty in its rows: one pass per field, not per file
    fi = df["file_idx"].to_numpy()
    for c in FIELDS:
        lacks = np.array([all(f != c for f, _ in st.columns) for st in files])[fi]
        if lacks.any():
            df[c] = np.where(lacks, "", df[c].to_numpy(dtype=object))
    title = np.array([f.title_rows for f in files])[df["file_idx"].to_numpy()]
    df["row"] = df.groupby(["file_idx", "sheet"]).cumcount().to_numpy() + title + 2
    return df.drop(columns=["_k"])
