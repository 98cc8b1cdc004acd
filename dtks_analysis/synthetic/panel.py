"""The clean population panel: families and persons of the registry, evolving month by month.

Everything here is *true* (no defects). ``Panel.snapshot()`` gives the month's clean person rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .reference import Reference

# relationship detail -> DTKS code / Dukcapil code / label
REL_DTKS = {
    "kepala": 1, "suami": 2, "istri": 2, "anak": 3, "menantu": 4, "cucu": 5, "orang_tua": 6,
    "mertua": 6, "pembantu": 7, "famili_lain": 8, "lainnya": 8,
}  # fmt: skip
REL_DUKCAPIL = {
    "kepala": 1, "suami": 2, "istri": 3, "anak": 4, "menantu": 5, "cucu": 6, "orang_tua": 7,
    "mertua": 8, "famili_lain": 9, "pembantu": 10, "lainnya": 11,
}  # fmt: skip
REL_LABEL = {
    "kepala": "KEPALA KELUARGA", "suami": "SUAMI", "istri": "ISTRI", "anak": "ANAK",
    "menantu": "MENANTU", "cucu": "CUCU", "orang_tua": "ORANG TUA", "mertua": "MERTUA",
    "famili_lain": "FAMILI LAIN", "pembantu": "PEMBANTU", "lainnya": "LAINNYA",
}  # fmt: skip
_OTHER_ROLES = np.array(
    ["cucu", "orang_tua", "mertua", "famili_lain", "menantu", "pembantu", "lainnya"]
)
_OTHER_P = np.array([0.35, 0.22, 0.15, 0.13, 0.08, 0.03, 0.04])
_ROMAN = np.array(["I", "II", "III", "IV", "V", "VI"])
_DAY = np.timedelta64(1, "D")
_NUMBERS = np.array([str(i) for i in range(120)], dtype=object)  # house numbers as written
_NUMBERS3 = np.array([f"{i:03d}" for i in range(10)], dtype=object)  # RT / RW


def _pick(rng: np.random.Generator, items: tuple[str, ...] | np.ndarray, n: int) -> np.ndarray:
    return np.asarray(items, dtype=object)[rng.integers(0, len(items), n)]


class SerialBook:
    """Hands out unique serials per 10-digit key (region + DDMMYY), with realistic gaps."""

    def __init__(self, mean_gap: float) -> None:
        self.p = 1.0 / mean_gap
        self.used: dict[str, int] = {}  # key -> highest serial handed out

    def assign(self, keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Serials (int) for ``keys``, above every serial already used under the same key."""
        if len(keys) == 0:
            return np.zeros(0, dtype=np.int64)
        gaps = rng.geometric(self.p, len(keys)).astype(np.int64)
        codes, uniq = pd.factorize(np.asarray(keys, dtype=object))
        cum = pd.Series(gaps).groupby(codes, sort=False).cumsum().to_numpy()
        ks = [str(k) for k in uniq]
        used = self.used
        base = np.zeros(len(ks), dtype=np.int64)
        if used:
            base = np.fromiter((used.get(k, 0) for k in ks), dtype=np.int64, count=len(ks))
        serial = np.minimum(base[codes] + cum, 9999)
        # serials never go below a key's base: the new highest is the batch's maximum
        top = pd.Series(serial).groupby(codes).max().to_numpy()
        used.update(zip(ks, top.tolist(), strict=True))
        return serial


def _id_dtks(kode: np.ndarray, desa: np.ndarray, fid: np.ndarray) -> list[str]:
    """``<village code without dots><fid, 7 digits>`` per family (the code cleaned per village)."""
    plain = np.array([str(c).replace(".", "") for c in kode], dtype=object)[desa]
    return [f"{c}{f:07d}" for c, f in zip(plain.tolist(), fid.tolist(), strict=True)]


def _ddmmyy(dates: np.ndarray, female: np.ndarray | None = None) -> np.ndarray:
    d = pd.DatetimeIndex(dates)
    day = d.day.to_numpy() + (40 * female.astype(int) if female is not None else 0)
    num = day * 10000 + d.month.to_numpy() * 100 + (d.year.to_numpy() % 100)
    return np.char.zfill(num.astype(str), 6)


@dataclass
class Panel:
    """State of the synthetic registry; :meth:`step` moves it one month on."""

    ref: Reference
    rng: np.random.Generator
    scale: float
    families: pd.DataFrame = field(default_factory=pd.DataFrame)
    persons: pd.DataFrame = field(default_factory=pd.DataFrame)
    ref_date: np.datetime64 = np.datetime64("2023-07-31")
    next_fid: int = 1
    next_pid: int = 1
    nik_book: SerialBook = field(default_factory=lambda: SerialBook(3.0))
    kk_book: SerialBook = field(default_factory=lambda: SerialBook(6.0))

    # ------------------------------------------------------------------ setup
    def init(self, month_end: np.datetime64) -> None:
        """Draw the first month's population."""
        rng, ref = self.rng, self.ref
        self.ref_date = month_end
        nd = len(ref.desa)
        kel = (ref.desa["jenis"] == "kelurahan").to_numpy()
        self.desa_w = rng.lognormal(0.0, 0.55, nd) * np.where(kel, 1.8, 1.0)
        nkec = len(ref.kecamatan)
        self.r_pkh = rng.uniform(0.14, 0.32, nkec)
        self.r_bpnt = rng.uniform(0.36, 0.60, nkec)
        self.r_pbi = rng.uniform(0.45, 0.70, nkec)
        self.kec_of_desa = (
            ref.desa["kode_kec"].map({k: i for i, k in enumerate(ref.kecamatan["kode"])}).to_numpy()
        )
        n_fam = max(int(round(ref.families * self.scale)), 2 * nd)
        share = self.desa_w / self.desa_w.sum()
        per = np.maximum(2, np.floor(share * n_fam).astype(int))
        desa = np.repeat(np.arange(nd), per)
        fam, per_ = self._new_families(desa, recorded_now=np.zeros(len(desa), bool))
        # one anchor family per village: never leaves, so every village keeps a household
        first = ~pd.Series(fam["desa"].to_numpy()).duplicated().to_numpy()
        fam["anchor"] = first
        self.families, self.persons = fam, per_

    def _new_families(
        self, desa: np.ndarray, recorded_now: np.ndarray
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """New families (with members) in villages ``desa``; ids are allocated here."""
        N = self.ref.names
        rng, ref = self.rng, self.ref
        n = len(desa)
        fid = np.arange(self.next_fid, self.next_fid + n)
        self.next_fid += n
        size = rng.choice(np.arange(1, 9), n, p=[0.12, 0.15, 0.18, 0.22, 0.16, 0.10, 0.05, 0.02])
        has_sp = (size >= 2) & (rng.random(n) < 0.88)
        fem_head = np.where(
            size == 1,
            rng.random(n) < 0.55,
            np.where(has_sp, rng.random(n) < 0.04, rng.random(n) < 0.5),
        )
        head_age = np.where(
            size == 1,
            np.clip(rng.normal(60, 15, n), 20, 92),
            np.clip(22 + rng.gamma(4.0, 5.5, n), 20, 85),
        )
        migrant = rng.random(n) < 0.03
        general = rng.random(n) < 0.15
        if not N.batak:  # no marga: given name(s) and sometimes a family name
            general = np.ones(n, bool)
        marga = _pick(rng, N.marga, n)
        kec = self.kec_of_desa[desa]
        pkh = rng.random(n) < self.r_pkh[kec]
        p_b = np.clip(
            (self.r_bpnt[kec] - 0.85 * self.r_pkh[kec]) / (1 - self.r_pkh[kec]), 0.05, 0.9
        )
        bpnt = np.where(pkh, rng.random(n) < 0.85, rng.random(n) < p_b)
        fam_pbi = rng.random(n) < np.where(
            bpnt | pkh, self.r_pbi[kec] + 0.15, self.r_pbi[kec] - 0.2
        )
        dusun = "Dusun " + _ROMAN[rng.integers(0, 6, n)].astype(object)
        kel = (ref.desa["jenis"].to_numpy() == "kelurahan")[desa]
        street = _pick(rng, N.streets, n) + " No. " + _NUMBERS[rng.integers(1, 120, n)]
        fam = pd.DataFrame(
            {
                "fid": fid,
                "desa": desa,
                "dusun": dusun,
                "rt": _NUMBERS3[rng.integers(1, 7, n)],
                "rw": _NUMBERS3[rng.integers(1, 4, n)],
                "alamat": np.where(kel, street, dusun),
                "bpnt": bpnt,
                "pkh": pkh,
                "fam_pbi": fam_pbi,
                "anchor": False,
                "id_dtks": _id_dtks(ref.desa["kode"].to_numpy(), desa, fid),
            }
        )
        fam["no_kk"] = self._new_kk(desa, np.where(recorded_now, True, False))
        # ---- members
        fi = np.repeat(np.arange(n), size)
        k = np.arange(len(fi)) - np.repeat(np.cumsum(size) - size, size)  # position in family
        m = len(fi)
        role = np.full(m, "anak", dtype=object)
        other = rng.random(m) < 0.12
        role[other] = rng.choice(_OTHER_ROLES, other.sum(), p=_OTHER_P)
        role[(k == 1) & has_sp[fi]] = "spouse"
        role[k == 0] = "kepala"
        ha = head_age[fi]
        age = np.empty(m)
        u = rng.random(m)
        age[:] = u * np.clip(ha - 19, 0, 35)  # anak
        sp = role == "spouse"
        age[sp] = np.clip(ha[sp] + rng.normal(-3, 4, sp.sum()), 18, 95)
        age[role == "kepala"] = ha[role == "kepala"]
        for r, lo, hi in (
            ("cucu", 0, 15), ("menantu", 20, 40), ("famili_lain", 5, 60),
            ("pembantu", 18, 50), ("lainnya", 5, 70),
        ):  # fmt: skip
            s = role == r
            age[s] = lo + u[s] * (hi - lo)
        for r in ("orang_tua", "mertua"):
            s = role == r
            age[s] = np.clip(ha[s] + 22 + u[s] * 12, 40, 97)
        sex_f = rng.random(m) < 0.5
        sex_f[role == "kepala"] = fem_head[fi[role == "kepala"]]
        sex_f[sp] = ~fem_head[fi[sp]]
        role[sp] = np.where(sex_f[sp], "istri", "suami")
        dob = (
            self.ref_date - (age * 365.25).astype(np.int64) * _DAY - rng.integers(0, 365, m) * _DAY
        )
        dob = np.minimum(dob, self.ref_date)
        pid = np.arange(self.next_pid, self.next_pid + m)
        self.next_pid += m
        # names
        given = np.where(sex_f, _pick(rng, N.female, m), _pick(rng, N.male, m))
        second = rng.random(m) < 0.3
        given[second] = (
            given[second]
            + " "
            + np.where(
                sex_f[second], _pick(rng, N.female, second.sum()), _pick(rng, N.male, second.sum())
            )
        )
        line = np.isin(role, ["kepala", "anak", "cucu"]) | ((role == "orang_tua") & ~sex_f)
        mg = np.where(line, marga[fi], _pick(rng, N.marga, m))
        gen = general[fi]
        sur = np.where(rng.random(m) < 0.5, _pick(rng, N.general_surname, m), "")
        nama = np.where(
            gen,
            np.where(sur != "", given + " " + sur, given),
            np.where(sex_f, given + " br " + mg, given + " " + mg),
        ).astype(object)
        pdf = pd.DataFrame(
            {"pid": pid, "fid": fid[fi], "rel": role, "female": sex_f, "dob": dob, "nama": nama}
        )
        pdf["nama_ibu"] = self._mother_names(pdf, m)
        mig = migrant[fi] & (~np.isin(role, ["anak", "cucu"]) | (rng.random(m) < 0.5))
        pdf["tempat_lahir"] = np.where(
            mig, _pick(rng, N.tempat_lahir_luar, m), _pick(rng, N.tempat_lahir, m)
        )
        pdf["nik"] = self._new_nik(desa[fi], sex_f, pdf["dob"].to_numpy(), mig)
        pdf["pbi"] = np.where(fam_pbi[fi], rng.random(m) < 0.93, rng.random(m) < 0.03)
        return fam, pdf

    def _mother_names(self, pdf: pd.DataFrame, m: int) -> np.ndarray:
        N = self.ref.names
        rng = self.rng
        fem_adult = pdf[pdf["female"] & pdf["rel"].isin(["kepala", "istri"])]
        mother = fem_adult.drop_duplicates("fid").set_index("fid")["nama"]
        br = " br " if N.batak else " "
        rand = _pick(rng, N.female, m) + br + _pick(rng, N.marga, m)
        mom = pdf["fid"].map(mother).to_numpy(dtype=object)
        use = pdf["rel"].isin(["anak"]).to_numpy() & pd.notna(mom)
        return np.where(use, mom, rand)

    def _new_nik(
        self, desa: np.ndarray, female: np.ndarray, dob: np.ndarray, migrant: np.ndarray
    ) -> np.ndarray:
        rng, ref = self.rng, self.ref
        m = len(desa)
        own = ref.desa["kode_nik6"].to_numpy()[desa]
        kec6 = ref.kecamatan["kode_nik6"].to_numpy()
        pref = np.where(rng.random(m) < 0.82, own, kec6[rng.integers(0, len(kec6), m)])
        pref = np.where(
            migrant,
            np.asarray(ref.other_kec6, dtype=object)[rng.integers(0, len(ref.other_kec6), m)],
            pref,
        )
        key = np.char.add(pref.astype(str), _ddmmyy(dob, female))
        ser = self.nik_book.assign(key, rng)
        return np.char.add(key, np.char.zfill(ser.astype(str), 4)).astype(object)

    def _new_kk(self, desa: np.ndarray, recorded_now: np.ndarray) -> np.ndarray:
        rng, ref = self.rng, self.ref
        n = len(desa)
        pref = ref.desa["kode_nik6"].to_numpy()[desa].astype(str)
        start = np.datetime64("2006-01-01")
        span = int((self.ref_date - np.timedelta64(40, "D") - start) / _DAY)
        rec = start + rng.integers(0, span, n) * _DAY
        month_start = self.ref_date.astype("datetime64[M]").astype("datetime64[D]")
        now_days = int((self.ref_date - month_start) / _DAY) + 1
        rec = np.where(recorded_now, month_start + rng.integers(0, now_days, n) * _DAY, rec)
        key = np.char.add(pref, _ddmmyy(rec))
        ser = self.kk_book.assign(key, rng)
        return np.char.add(key, np.char.zfill(ser.astype(str), 4)).astype(object)

    # ------------------------------------------------------------------ monthly step
    def step(self, month_end: np.datetime64) -> None:
        """Advance one month: deaths, births, splits, moves, new cards, exits, entries, programs."""
        N = self.ref.names
        rng = self.rng
        self.ref_date = month_end
        fam, per = self.families.set_index("fid", drop=False), self.persons
        anchor = per["fid"].map(fam["anchor"]).to_numpy()
        age = (month_end - per["dob"].to_numpy()) / np.timedelta64(365, "D")
        # deaths
        p_die = np.where(age >= 60, 0.004, 0.0003)
        dies = (rng.random(len(per)) < p_die) & ~anchor
        dead_heads = set(per.loc[dies & (per["rel"] == "kepala").to_numpy(), "fid"])
        per = per[~dies]
        new_kk_fids: set[int] = set()
        if dead_heads:
            cand = per[per["fid"].isin(dead_heads)].copy()
            pri = (
                cand["rel"].isin(["istri", "suami"]).astype(int) * 1000
                + ((month_end - cand["dob"]) / _DAY) / 1000
            )
            new_head = cand.assign(pri=pri).sort_values(["fid", "pri"], ascending=[True, False])
            new_head = new_head.drop_duplicates("fid")["pid"]
            per.loc[per["pid"].isin(new_head), "rel"] = "kepala"
            new_kk_fids |= set(per.loc[per["pid"].isin(new_head), "fid"])
        alive_f = set(per["fid"])
        fam = fam[fam["fid"].isin(alive_f)]
        # births
        mothers = per[per["female"] & per["rel"].isin(["kepala", "istri"])]
        m_age = (month_end - mothers["dob"]) / np.timedelta64(365, "D")
        mothers = mothers[(m_age >= 18) & (m_age <= 44)].drop_duplicates("fid")
        born = mothers[rng.random(len(mothers)) < 0.006]
        if len(born):
            b = len(born)
            fem = rng.random(b) < 0.5
            ms = month_end.astype("datetime64[M]").astype("datetime64[D]")
            days = int((month_end - ms) / _DAY) + 1
            dob = ms + rng.integers(0, days, b) * _DAY
            fsub = fam.loc[born["fid"].to_numpy()]
            heads = per[per["rel"] == "kepala"].drop_duplicates("fid").set_index("fid")["nama"]
            marga = heads.reindex(born["fid"]).fillna("").str.split().str[-1].to_numpy(dtype=object)
            given = np.where(fem, _pick(rng, N.female, b), _pick(rng, N.male, b))
            nama = np.where(fem & N.batak, given + " br " + marga, given + " " + marga)
            kids = pd.DataFrame(
                {
                    "pid": np.arange(self.next_pid, self.next_pid + b),
                    "fid": born["fid"].to_numpy(),
                    "rel": "anak",
                    "female": fem,
                    "dob": dob,
                    "nama": nama,
                    "nama_ibu": born["nama"].to_numpy(),
                    "tempat_lahir": _pick(rng, N.tempat_lahir[:3], b),
                    "nik": self._new_nik(fsub["desa"].to_numpy(), fem, dob, np.zeros(b, bool)),
                    "pbi": fsub["fam_pbi"].to_numpy() & (rng.random(b) < 0.93),
                }
            )
            self.next_pid += b
            per = pd.concat([per, kids], ignore_index=True)
        # young adults leave their parents' card and form a single-person family
        age = (month_end - per["dob"].to_numpy()) / np.timedelta64(365, "D")
        split = (per["rel"].to_numpy() == "anak") & (age >= 20) & (age <= 35)
        split &= rng.random(len(per)) < 0.002
        if split.any():
            sp = per[split]
            src = fam.loc[sp["fid"].to_numpy()]
            same = rng.random(len(sp)) < 0.7
            desa = np.where(same, src["desa"].to_numpy(), self._draw_desa(len(sp)))
            nf, _ = self._new_families(desa, recorded_now=np.ones(len(sp), bool))
            nf["bpnt"] = False
            nf["pkh"] = False
            nf["fam_pbi"] = sp["pbi"].to_numpy()
            per.loc[split, "fid"] = nf["fid"].to_numpy()
            per.loc[split, "rel"] = "kepala"
            fam = pd.concat([fam, nf.set_index("fid", drop=False)])
        # whole families move to another village (new card), or get a re-issued card
        nf_ = len(fam)
        move = (rng.random(nf_) < 0.001) & ~fam["anchor"].to_numpy()
        reissue = rng.random(nf_) < 0.002
        fam = fam.copy()
        if move.any():
            fam.loc[move, "desa"] = self._draw_desa(int(move.sum()))
        chg = move | reissue | fam["fid"].isin(new_kk_fids).to_numpy()
        if chg.any():
            fam.loc[chg, "no_kk"] = self._new_kk(
                fam.loc[chg, "desa"].to_numpy(), np.ones(int(chg.sum()), bool)
            )
        # registry exits and entries
        leave = (rng.random(len(fam)) < 0.006) & ~fam["anchor"].to_numpy()
        fam = fam[~leave]
        n_new = rng.poisson(0.0065 * len(fam))
        if n_new:
            nfam, nper = self._new_families(self._draw_desa(n_new), rng.random(n_new) < 0.3)
            fam = pd.concat([fam, nfam.set_index("fid", drop=False)])
            per = pd.concat([per, nper], ignore_index=True)
        per = per[per["fid"].isin(fam["fid"])]
        # program churn
        kec = self.kec_of_desa[fam["desa"].to_numpy()]
        r = rng.random((4, len(fam)))
        bp, pk = fam["bpnt"].to_numpy(), fam["pkh"].to_numpy()
        pk_new = np.where(pk, r[0] >= 0.025, r[0] < 0.025 * self.r_pkh[kec] / (1 - self.r_pkh[kec]))
        entered_pkh = pk_new & ~pk
        bp_new = np.where(bp, r[1] >= 0.02, r[1] < 0.02 * self.r_bpnt[kec] / (1 - self.r_bpnt[kec]))
        bp_new |= entered_pkh & (r[2] < 0.85)
        fam["pkh"], fam["bpnt"] = pk_new, bp_new
        toggle = r[3] < 0.01
        fam["fam_pbi"] = fam["fam_pbi"].to_numpy() ^ toggle
        tog_f = fam.loc[toggle, ["fid", "fam_pbi"]].set_index("fid")["fam_pbi"]
        hit = per["fid"].isin(tog_f.index).to_numpy()
        if hit.any():
            on = per.loc[hit, "fid"].map(tog_f).to_numpy(dtype=bool)
            per.loc[hit, "pbi"] = np.where(on, rng.random(hit.sum()) < 0.93, False)
        self.families = fam.reset_index(drop=True)
        self.persons = per.reset_index(drop=True)

    def _draw_desa(self, n: int) -> np.ndarray:
        p = self.desa_w / self.desa_w.sum()
        return self.rng.choice(len(p), n, p=p)

    def snapshot(self) -> pd.DataFrame:
        """Clean person rows of the month joined with their family: the truth of who is who."""
        f = self.families.drop(columns=["anchor"])
        per = self.persons
        # each person's family row (an inner many-to-one join; the sort below fixes the order)
        fam_row = pd.Index(f["fid"]).get_indexer(per["fid"])
        rows = np.flatnonzero(fam_row >= 0)
        rank = per["rel"].map({"kepala": 0, "istri": 1, "suami": 1}).fillna(2).to_numpy()
        # within a family: head first, then spouse, then by age (then by pid: a total order,
        # the same as sorting by pid and then stably by the rest)
        by = np.lexsort(
            (
                per["pid"].to_numpy()[rows],
                per["dob"].to_numpy()[rows],
                rank[rows],
                per["fid"].to_numpy()[rows],
                f["desa"].to_numpy()[fam_row[rows]],
            )
        )
        take_p = rows[by]
        take_f = fam_row[take_p]
        cols = {c: per[c].to_numpy()[take_p] for c in per.columns}
        cols |= {c: f[c].to_numpy()[take_f] for c in f.columns if c != "fid"}
        return pd.DataFrame(cols, copy=False)
