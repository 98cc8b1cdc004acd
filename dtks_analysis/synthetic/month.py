"""One month's written rows: clean panel rows laid out in files, encoded, with defects injected."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import names as N
from .layout import FLAG_CODINGS, JK_CODINGS, FileStyle, order_key
from .panel import REL_DTKS, REL_DUKCAPIL, REL_LABEL
from .reference import Reference, desa_key, ejaan_lain_candidates, kec_key
from .rowpos import by_family, running, serials, sheet_ids

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
    desa = snap["desa"].to_numpy()
    keep = np.flatnonzero(np.isin(desa, np.fromiter(where, dtype=np.int64, count=len(where))))
    cols = {c: snap[c].to_numpy()[keep] for c in snap.columns}  # copies: w is edited
    top = int(max(where, default=-1)) + 1
    file_of, sheet_of = np.full(top, -1, dtype=np.int64), np.full(top, None, dtype=object)
    for d, (fi, sh) in where.items():
        file_of[d], sheet_of[d] = fi, sh
    n = len(keep)
    cols["file_idx"], cols["sheet"] = file_of[desa[keep]], sheet_of[desa[keep]]
    cols["anchor_fam"] = np.zeros(n, bool)
    cols["defect"] = np.full(n, "", dtype=object)
    cols["copy_of"] = np.full(n, -1, dtype=np.int64)
    cols["nik_num"], cols["kk_num"] = np.zeros(n, bool), np.zeros(n, bool)
    return pd.DataFrame(cols, copy=False)


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


def _append(col: np.ndarray, idx: np.ndarray | list[int], code: str) -> None:
    """Append ``code`` to the defect codes ``col`` (an object array) of rows ``idx``."""
    rows = np.asarray(idx, dtype=np.int64)
    cur = col[rows]
    col[rows] = np.where(cur == "", code, cur + ";" + code)


def _families(w: pd.DataFrame, files: list[FileStyle]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Per row its family's position (first appearance order) and, per family, its ``fid``,
    size, first row and whether its file is a workbook (a family lives in one file)."""
    codes, uniq = pd.factorize(w["fid"].to_numpy())
    first = np.full(len(uniq), len(w), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(w)))
    xlsx = np.zeros(len(uniq), bool)
    is_xlsx = np.array([f.fmt == "xlsx" for f in files])[w["file_idx"].to_numpy()]
    xlsx[codes[is_xlsx]] = True
    fam = {"fid": uniq, "size": np.bincount(codes, minlength=len(uniq)), "first": first}
    return codes, fam | {"xlsx": xlsx}


def _choose_families(
    w: pd.DataFrame, inj: Injector, budget: dict[str, int], anchors: set[int]
) -> dict[str, list[int]]:
    """Families (``fid``) that get each family-level defect, drawn from one permutation."""
    codes, fam = _families(w, inj.files)
    free = ~np.isin(fam["fid"], np.fromiter(anchors, dtype=np.int64, count=len(anchors)))
    perm = inj.rng.permutation(fam["fid"][free])
    at = pd.Index(fam["fid"]).get_indexer(perm)
    kk = w["no_kk"].to_numpy()
    pos = 0
    chosen: dict[str, list[int]] = {k: [] for k in FAMILY_DEFECTS}
    for code in FAMILY_DEFECTS:
        need = budget[code]
        tries = 0
        while len(chosen[code]) < need and pos < len(perm) and tries < 5 * need + 50:
            f, i = int(perm[pos]), at[pos]
            pos += 1
            tries += 1
            if code == "kk_kepala_ganda" and fam["size"][i] < 2:
                continue
            if code == "kk_excel" and (not fam["xlsx"][i] or int(kk[fam["first"][i]][12:]) < 10):
                continue
            chosen[code].append(f)
    return chosen


def _nik_twice(
    w: pd.DataFrame, inj: Injector, need: int
) -> tuple[list[pd.Series], list[int], set[int]]:
    """NIK in two families: person P of family A is also listed (as famili lain) in family B
    of the same sheet. The rows to add, the rows of P and the families involved."""
    rng = inj.rng
    cand = np.flatnonzero(~inj.used & (w["rel"] != "kepala").to_numpy())
    cand = rng.permutation(cand)
    added: list[pd.Series] = []
    rows_a: list[int] = []
    taken: set[int] = set()
    # the rows of each sheet (in row order), searched per candidate instead of every row
    sheet_code = pd.factorize(w["sheet"].to_numpy(), use_na_sentinel=False)[0]
    sheet_of = w["file_idx"].to_numpy() * (int(sheet_code.max(initial=0)) + 1) + sheet_code
    by_sheet = np.argsort(sheet_of, kind="stable")
    bounds = np.searchsorted(sheet_of[by_sheet], sheet_of, side="left")
    ends = np.searchsorted(sheet_of[by_sheet], sheet_of, side="right")
    fid_arr = w["fid"].to_numpy()
    free = ~inj.used
    for r in cand[: 4 * need + 10]:
        if len(added) >= need:
            break
        fa = int(fid_arr[r])
        rows = by_sheet[bounds[r] : ends[r]]
        same = rows[(fid_arr[rows] != fa) & free[rows]]
        same = same[~np.isin(fid_arr[same], list(taken))]
        if len(same) == 0 or fa in taken:
            continue
        a = w.loc[r]
        b = w.loc[same[int(rng.integers(0, len(same)))]]
        new = b.copy()
        for col in ("pid", "nik", "nama", "female", "dob", "tempat_lahir", "nama_ibu", "pbi"):
            new[col] = a[col]
        new["rel"] = "famili_lain"
        new["defect"] = "nik_ganda_kk"
        added.append(new)
        rows_a.append(int(r))
        taken.update({fa, int(b["fid"])})
    return added, rows_a, taken


def inject_canonical(
    w: pd.DataFrame, inj: Injector, budget: dict[str, int], anchors: set[int]
) -> pd.DataFrame:
    """Defects on true values: heads, recorded birth date, NIK in two families."""
    rng = inj.rng
    chosen = _choose_families(w, inj, budget, anchors)
    w = w.copy(deep=False)  # whole columns are replaced below, the caller's frame stays
    fid = w["fid"].to_numpy()
    rel = w["rel"].to_numpy(dtype=object, copy=True)
    fam_defect = np.full(len(w), "", dtype=object)
    for code, fl in chosen.items():
        rows = np.flatnonzero(np.isin(fid, np.asarray(fl, dtype=np.int64)))
        if code == "kk_tanpa_kepala":
            rel[rows[rel[rows] == "kepala"]] = "lainnya"
        elif code == "kk_kepala_ganda":
            other = rows[rel[rows] != "kepala"]
            rel[other[~pd.Series(fid[other]).duplicated().to_numpy()]] = "kepala"
        fam_defect[rows] = code
        inj.fam_used.update(fl)
    w["rel"] = rel
    w["fam_defect"] = fam_defect
    inj.used = (fam_defect != "") | np.isin(fid, list(anchors))

    added, rows_a, taken = _nik_twice(w, inj, budget["nik_ganda_kk"])
    inj.fam_used.update(taken)
    if rows_a:
        defect = w["defect"].to_numpy(dtype=object, copy=True)
        defect[rows_a] = "nik_ganda_kk"
        w["defect"] = defect
    if added:
        extra = pd.DataFrame(added)
        # place the added row right after the last member of family B
        last = pd.Series(np.arange(len(w), dtype=float)).groupby(fid).max()
        after = np.concatenate([np.arange(len(w), dtype=float), extra["fid"].map(last) + 0.5])
        w = pd.concat([w, extra], ignore_index=True)
        w = w.take(np.argsort(after, kind="stable"))
        w.index = pd.RangeIndex(len(w))
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
    dob = w["dob"].to_numpy(copy=True)
    dob[rows] = dob[rows] - (k * 366) * np.timedelta64(1, "D")
    w["dob"] = dob
    defect = w["defect"].to_numpy(dtype=object, copy=True)
    _append(defect, rows, "nik_beda_tgl_lahir")
    w["defect"] = defect
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


def _dates(dob: pd.DatetimeIndex, fmt: str) -> np.ndarray:
    """``dob.strftime(fmt)`` as an object array, formatted once per distinct date."""
    codes, uniq = pd.factorize(dob, use_na_sentinel=False)
    return pd.DatetimeIndex(uniq).strftime(fmt).astype(object).to_numpy()[codes]


def encode(w: pd.DataFrame, files: list[FileStyle], ref: Reference) -> pd.DataFrame:
    """Turn true values into the strings each file writes (its codings, spellings, case)."""
    desa = ref.desa
    d = w["desa"].to_numpy()
    n = len(w)
    cols: dict[str, np.ndarray] = {}
    cols["id_dtks"] = w["id_dtks"].to_numpy(copy=True)
    cols["provinsi"] = np.full(n, ref.provinsi, dtype=object)
    cols["kabupaten"] = np.full(n, ref.siks, dtype=object)
    cols["kecamatan"] = desa["kecamatan"].to_numpy()[d]
    cols["desa"] = desa["nama"].to_numpy()[d]
    for c in ("alamat", "dusun", "rt", "rw", "no_kk", "nik", "nama", "tempat_lahir", "nama_ibu"):
        cols[c] = w[c].to_numpy(dtype=object, copy=True)
    dob = pd.DatetimeIndex(w["dob"])
    iso = _dates(dob, "%Y-%m-%d")
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
        tgl[dmy] = _dates(dob[dmy], "%d-%m-%Y")
    cols["tanggal_lahir"] = tgl
    upper = np.array([st.upper for st in files], dtype=bool)[fi]
    if upper.any():
        for c in ("nama", "nama_ibu", "desa", "kecamatan", "alamat", "tempat_lahir", "dusun"):
            cols[c] = cols[c].copy()
            cols[c][upper] = _upper(cols[c][upper])
    cols["no"] = np.full(n, "", dtype=object)
    cols["keterangan"] = np.full(n, "", dtype=object)
    order = (
        "id_dtks", "provinsi", "kabupaten", "kecamatan", "desa", "alamat", "dusun", "rt", "rw",
        "no_kk", "nik", "nama", "tempat_lahir", "nama_ibu", "tanggal_lahir", "jenis_kelamin",
        "hubungan", "bpnt", "pbi_jkn", "pkh", "no", "keterangan",
    )  # fmt: skip
    # every column is a new array: no copy into one block (the rows are edited column-wise)
    return pd.DataFrame({c: cols[c] for c in order}, index=w.index, copy=False)


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
    # the edited columns, as arrays written back once at the end
    defect = w["defect"].to_numpy(dtype=object, copy=True)
    kk_num = w["kk_num"].to_numpy(dtype=bool, copy=True)
    nik_num = w["nik_num"].to_numpy(dtype=bool, copy=True)
    kk = out["no_kk"].to_numpy(dtype=object, copy=True)
    desa = out["desa"].to_numpy(dtype=object, copy=True)
    fid, fam_defect = w["fid"].to_numpy(), w["fam_defect"].to_numpy()

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
        for rows in by_family(fid, np.flatnonzero(fam_defect == code)):
            old = kk[rows[0]]
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
            kk[rows] = new
            if code == "kk_excel":
                kk_num[rows] = True
            _append(defect, rows, code)
    for code in ("kk_tanpa_kepala", "kk_kepala_ganda"):
        _append(defect, np.flatnonzero(fam_defect == code), code)
    unk = np.flatnonzero(fam_defect == "desa_tidak_dikenal")
    known = set(ref.desa["key"]) | set(ref.desa["key_bps"])
    names = [
        n for n in N.UNKNOWN_DESA if desa_key(n) not in known and kec_key(n) not in ref.kec_by_key
    ]
    file_idx = w["file_idx"].to_numpy()
    for f in pd.unique(fid[unk]):
        rows = np.flatnonzero(fid == f)
        nm = names[rng.integers(0, len(names))]
        desa[rows] = nm.upper() if files[file_idx[rows[0]]].upper else nm
        _append(defect, rows, "desa_tidak_dikenal")

    def take(n: int, ok: np.ndarray) -> np.ndarray:
        return _take(inj, n, ok)

    everywhere = np.ones(len(w), bool)
    # -- NIK
    nik = out["nik"].to_numpy(dtype=object, copy=True)
    serial = serials(nik)
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
                nik_num[r] = True
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
        _append(defect, done, "nik_excel" if code == "nik_excel_sci" else code)
    out["nik"] = nik
    # -- No KK, one row (not the head, so the family keeps its head)
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
        _append(defect, rows, "kk_excel" if code == "kk_excel_sci" else code)
    out["no_kk"] = kk
    # -- names, flags, village spellings
    rows = take(budget["nama_kosong"], everywhere)
    out.loc[rows, "nama"] = ""
    _append(defect, rows, "nama_kosong")
    rows = take(budget["program_tidak_dikenal"], everywhere)
    w["defect_kolom"] = ""
    for r in rows:
        p = PROGRAMS[rng.integers(0, 3)]
        out.at[r, p] = ("-", "?", "3", "x", "Ada?")[rng.integers(0, 5)]
        w.at[r, "defect_kolom"] = p
    _append(defect, rows, "program_tidak_dikenal")
    cands = ejaan_lain_candidates(ref)
    in_cand = w["desa"].isin(list(cands)).to_numpy()
    rows = take(budget["wilayah_ejaan_lain"], in_cand)
    for r in rows:
        nm = cands[int(w.at[r, "desa"])]
        desa[r] = nm if files[file_idx[r]].upper else nm.title()
    _append(defect, rows, "wilayah_ejaan_lain")
    out["desa"] = desa
    w["defect"], w["kk_num"], w["nik_num"] = defect, kk_num, nik_num
    inj.dup_rows = take(budget["baris_ganda"], nonhead)


def finalize(
    w: pd.DataFrame,
    out: pd.DataFrame,
    files: list[FileStyle],
    dup_rows: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Add the duplicate copies, number the rows as Excel / the CSV shows them, sort in reading order.

    Built column by column: every column is taken once in the final order of the rows.
    """
    meta = [
        "pid",
        "fid",
        "desa",
        "file_idx",
        "sheet",
        "defect",
        "nik_num",
        "kk_num",
        "defect_kolom",
    ]
    cols = {("desa_idx" if c == "desa" else c): w[c].to_numpy() for c in meta}
    cols |= {c: out[c].to_numpy() for c in out.columns}
    cols["dob_value"] = w["dob"].to_numpy()
    n, fi, sheet = len(w), cols["file_idx"], cols["sheet"]
    # per-sheet running number (NO column) and KETERANGAN notes, before copies are added
    sid = sheet_ids(fi, sheet)
    cols["no"] = (running(sid) + 1).astype(str).astype(object)
    ket = rng.random(n) < 0.01
    cols["keterangan"] = cols["keterangan"].copy()
    cols["keterangan"][ket] = np.where(rng.random(ket.sum()) < 0.5, "cek ulang", "data lama")
    src = np.concatenate([np.arange(n), dup_rows]).astype(np.int64)
    copy_of = np.concatenate([np.full(n, -1, dtype=np.int64), dup_rows]).astype(np.int64)
    defect = np.concatenate([cols["defect"], np.full(len(dup_rows), "baris_ganda", dtype=object)])
    k = np.concatenate([np.arange(n, dtype=float), np.asarray(dup_rows, dtype=float) + 0.5])
    ok = order_key(files)
    keys = pd.MultiIndex.from_frame(ok[["file_idx", "sheet"]])
    at = keys.get_indexer(pd.MultiIndex.from_arrays([fi, sheet]))
    if keys.is_unique and (at >= 0).all():  # every row's sheet is known: a lookup
        order = ok["order"].to_numpy()[at]
    else:  # an unknown sheet comes last, like a missing key in a sort
        found = ok.drop_duplicates(["file_idx", "sheet"]).set_index(["file_idx", "sheet"])
        order = found["order"].reindex(pd.MultiIndex.from_arrays([fi, sheet])).to_numpy(float)
    by = np.lexsort((k, order[src]))
    rows = src[by]
    df = pd.DataFrame({c: v[rows] for c, v in cols.items()}, copy=False)
    df["defect"] = defect[by]
    df["copy_of"] = copy_of[by]
    df["order"] = order[rows]
    fi = df["file_idx"].to_numpy()
    df["path"] = np.array([f.path for f in files], dtype=object)[fi]
    # a field a file does not have is empty in its rows: one pass per field, not per file
    for c in FIELDS:
        lacks = np.array([all(f != c for f, _ in st.columns) for st in files])[fi]
        if lacks.any():
            df[c] = np.where(lacks, "", df[c].to_numpy(dtype=object))
    title = np.array([f.title_rows for f in files])[fi]
    df["row"] = running(sid[rows]) + title + 2
    return df
