"""An attacker of the published DTSEN desil tables, written for the tests only (independent of
``counting.desil_protect``): every number the month publishes about the kecamatan x desil cells,
as linear equations read back from the published tables themselves, then the minimum and the
maximum of every hidden number (scipy ``linprog``).

Unknowns: the hidden ``rekap_desil`` cells. Known: its published cells; the kecamatan totals;
every published ``desil_kabupaten`` cell (a desil row's sum over all kecamatan); per kecamatan
and per kabupaten, every published count of ``ketepatan_sasaran`` (``rt_penerima_sasaran``,
``rt_sasaran``, ``rt_penerima_luar_sasaran`` = total - the first, ``rt_sasaran_tidak_menerima``
= the difference) and both percentages (linear once their denominator is known or an unknown
sum); ``rt_x <= rumah_tangga <= jiwa`` in each row. Strong attacker: a cell that is 1..min_cell
in the truth lies in ``[1, min_cell]`` when hidden.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linprog

COUNTS = ["rumah_tangga", "jiwa", "rt_bpnt", "rt_pbi_jkn", "rt_pkh"]
PROGRAMS = ["bpnt", "pbi_jkn", "pkh"]


def _num(x) -> float:
    return float("nan") if pd.isna(x) else float(x)


def attack(
    truth: pd.DataFrame,
    pub: pd.DataFrame,
    dk: pd.DataFrame,
    ket: pd.DataFrame,
    kec_totals: pd.DataFrame,
    min_cell: int,
) -> pd.DataFrame:
    """``tabel, baris, kolom, nilai, lo, hi`` of every hidden number of the three tables
    (``truth``: the unsuppressed ``rekap_desil``, for the priors and ``nilai`` only;
    ``kec_totals``: indexed by ``kode_kecamatan``)."""
    t = truth.reset_index(drop=True)
    p = pub.reset_index(drop=True)
    kec = p["kode_kecamatan"].fillna("").astype(str).to_numpy()
    desil = p["desil"].astype(str).to_numpy()
    dnum = pd.to_numeric(p["desil"], errors="coerce").fillna(99).to_numpy()
    vals = p[COUNTS].apply(pd.to_numeric).to_numpy(dtype=float)
    hidden = np.isnan(vals)
    var = -np.ones(vals.shape, dtype=int)
    var[hidden] = np.arange(hidden.sum())
    n = int(hidden.sum())
    tv = t[COUNTS].to_numpy(dtype=float)
    lo = np.where(hidden & (tv >= 1) & (tv <= min_cell) & (kec != "")[:, None], 1.0, 0.0)[hidden]
    hi = np.where(lo > 0, float(min_cell), np.inf)
    eq_a, eq_b, ub_a = [], [], []

    def linear(rows: np.ndarray, j: int) -> tuple[np.ndarray, float]:
        """(coefficients over the unknowns, known part) of the sum of column j over rows."""
        a = np.zeros(n)
        idx = np.flatnonzero(rows)
        h = hidden[idx, j]
        a[var[idx[h], j]] = 1.0
        return a, float(np.nansum(vals[idx[~h], j]))

    def equal(a: np.ndarray, rhs: float) -> None:
        if np.isfinite(rhs) and a.any():
            eq_a.append(a)
            eq_b.append(rhs)

    for code, row in kec_totals.iterrows():
        for j, c in enumerate(COUNTS):
            a, k = linear(kec == str(code), j)
            equal(a, float(row[c]) - k)
    for _, row in dk.iterrows():
        for j, c in enumerate(COUNTS):
            a, k = linear(desil == str(row["desil"]), j)
            equal(a, _num(row[c]) - k)
    targets: list[tuple[str, str, str, np.ndarray, float, float]] = []
    jr = COUNTS.index("rumah_tangga")
    for _, row in ket.reset_index(drop=True).iterrows():
        code, prog, b = str(row["kode_kecamatan"]), row["program"], int(row["batas_desil"])
        j = COUNTS.index(f"rt_{prog}")
        rows = (kec == code) if code in set(kec) else np.ones(len(kec), dtype=bool)
        ps_a, ps_k = linear(rows & (dnum <= b), j)
        s_a, s_k = linear(rows & (dnum <= b), jr)
        pen = _num(row["rt_penerima"])
        forms = {  # each published count = a @ x + k
            "rt_penerima_sasaran": (ps_a, ps_k),
            "rt_penerima_luar_sasaran": (-ps_a, pen - ps_k),
            "rt_sasaran": (s_a, s_k),
            "rt_sasaran_tidak_menerima": (s_a - ps_a, s_k - ps_k),
        }
        for col, (a, k) in forms.items():
            value = _num(row[col])
            if np.isnan(value):
                targets.append(("ketepatan_sasaran", f"{code}/{prog}", col, a, k, np.nan))
            else:
                equal(a, value - k)
        inkl, ekskl = _num(row["persen_salah_inklusi"]), _num(row["persen_salah_eksklusi"])
        if np.isfinite(inkl) and pen > 0:  # luar = inkl/100 * penerima
            a, k = forms["rt_penerima_luar_sasaran"]
            equal(a, inkl / 100 * pen - k)
        if np.isfinite(ekskl):  # tidak_menerima = ekskl/100 * sasaran
            a1, k1 = forms["rt_sasaran_tidak_menerima"]
            equal(a1 - ekskl / 100 * s_a, ekskl / 100 * s_k - k1)
    for r in range(len(p)):  # rt_x <= rumah_tangga <= jiwa
        for small, big in [(c, "rumah_tangga") for c in COUNTS[2:]] + [("rumah_tangga", "jiwa")]:
            a = np.zeros(n)
            js, jb = COUNTS.index(small), COUNTS.index(big)
            k = 0.0
            for j, sign in ((js, 1.0), (jb, -1.0)):
                if hidden[r, j]:
                    a[var[r, j]] += sign
                else:
                    k += sign * vals[r, j]
            if a.any():
                ub_a.append((a, -k))
    for r, j in zip(*np.nonzero(hidden), strict=True):
        a = np.zeros(n)
        a[var[r, j]] = 1.0
        targets.append(("rekap_desil", f"{kec[r]}/{desil[r]}", COUNTS[j], a, 0.0, tv[r, j]))
    for _, row in dk.iterrows():
        for j, c in enumerate(COUNTS):
            if pd.isna(row[c]):
                a, k = linear(desil == str(row["desil"]), j)
                targets.append(("desil_kabupaten", str(row["desil"]), c, a, k, np.nan))
    a_eq = np.array(eq_a) if eq_a else None
    b_eq = np.array(eq_b) if eq_b else None
    a_ub = np.array([a for a, _ in ub_a]) if ub_a else None
    b_ub = np.array([b for _, b in ub_a]) if ub_a else None
    bounds = list(zip(lo, np.where(np.isinf(hi), None, hi), strict=True))
    out = []
    for tabel, baris, kolom, a, k, nilai in targets:
        ends = []
        for sign in (1.0, -1.0):
            res = linprog(sign * a, a_ub, b_ub, a_eq, b_eq, bounds=bounds, method="highs")
            assert res.status in (0, 3), (tabel, baris, kolom, res.message)
            ends.append(sign * res.fun + k if res.status == 0 else sign * np.inf)
        out.append((tabel, baris, kolom, nilai, ends[0], ends[1]))
    return pd.DataFrame(out, columns=["tabel", "baris", "kolom", "nilai", "lo", "hi"])


def disclosed(intervals: pd.DataFrame) -> pd.DataFrame:
    """Hidden numbers whose interval holds a single whole number other than 0."""
    lo = np.ceil(intervals["lo"] - 1e-6)
    hi = np.floor(intervals["hi"] + 1e-6)
    return intervals[(hi - lo < 1) & (lo >= 1)]
