"""Joint disclosure control of the DTSEN desil tables (issue 13, item 1).

Every number the desil tables of a month publish is a sum of cells of the unsuppressed
``rekap_desil`` (kecamatan x desil row x column; the "Tidak diketahui" kecamatan is published in
full and is a constant). The attacker knows all of them at once:

* the published cells of ``rekap_desil``;
* each kecamatan's totals (``rekap_kecamatan``: always published);
* each desil row's kabupaten total (a cell of ``desil_kabupaten``);
* per kecamatan, the desil bands of ``ketepatan_sasaran``: ``rt_sasaran`` (households of desil
  1..batas, one sum per distinct batas) and ``rt_penerima_sasaran`` (a program's recipients of
  desil 1..its batas); the other columns are differences of these with published totals;
* the kabupaten row of ``ketepatan_sasaran`` (always published: the headline error rates) and
  the kabupaten totals;
* the row relations ``rt_x <= rumah_tangga <= jiwa``; primary cells lie in ``[1, min_cell]``
  for the strong attacker (only ``>= 0`` for the weak one).

``desil_kabupaten``'s ``rumah_tangga`` column is always published too (``arus_desil`` shows it
as its column sums). Every other sum may be hidden: a cell of ``rekap_desil``, a cell of
``desil_kabupaten`` (not ``rumah_tangga``), a kecamatan's ``rt_sasaran`` of one batas or its
``rt_penerima_sasaran`` of one program.

:func:`protect` starts from the per-kecamatan suppression of :func:`disclosure.suppress`, then
runs the linear-programming attack on the joint system (HiGHS: the minimum and maximum of every
hidden sum). A hidden sum pinned at a non-zero value (fewer than two whole numbers in its
interval) gets one more hidden sum among the published ones that prove its bounds (non-zero
dual values): one of its own kind first (a ``desil_kabupaten`` cell for a ``desil_kabupaten``
cell: its margin's partner), then the cheapest: a ``rekap_desil`` cell, then a kecamatan's
``ketepatan_sasaran`` sum, then a ``desil_kabupaten`` cell, zeros last; within each, the
smallest value, then table order. Hiding only widens intervals, so cells shown protected stay protected and only the pinned
and newly hidden sums are checked again. A primary cell that nothing more can protect is
protected against the weak attacker; a hidden complement whose value follows from the sums that
are always published is published instead. Deterministic (fixed order, single-threaded solver).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dtks_analysis.counting import disclosure
from dtks_analysis.counting import disclosure_lp as dlp
from dtks_analysis.vocab import PROGRAMS

log = logging.getLogger(__name__)

RT = "rumah_tangga"
#: kinds of sums: always published (``kec``, ``kab``), or hideable
KINDS_FIXED = ("kec", "kab_band", "kab_rt")
TIER = {"sel": 0, "ps": 1, "s": 1, "kab": 2}
DUAL_EPS = 1e-9


@dataclass
class Sums:
    """The linear sums a reader sees, over the cells of the real kecamatan.

    ``matrix``: CSR, one row per sum; ``kind``: ``kec`` (a kecamatan total), ``kab_band`` /
    ``kab_rt`` (kabupaten ketepatan sums, ``desil_kabupaten``'s ``rumah_tangga``: always
    published), ``kab`` (a ``desil_kabupaten`` cell), ``s`` (a kecamatan's ``rt_sasaran`` of one
    batas), ``ps`` (a kecamatan's ``rt_penerima_sasaran`` of one program); ``key``: where it is
    shown (``(desil, column)``, ``(kode_kecamatan, batas)``, ``(kode_kecamatan, program)``).
    """

    matrix: object
    kind: np.ndarray
    key: list
    value: np.ndarray


@dataclass
class Mask:
    """Outcome of :func:`protect`: hidden cells of ``rekap_desil`` (rows of the full table),
    hidden ``desil_kabupaten`` cells (``(desil, column)``), hidden ``rt_sasaran`` of
    ``(kode_kecamatan, batas)`` and hidden ``rt_penerima_sasaran`` of
    ``(kode_kecamatan, program)``; cells protected only against the weak attacker
    (``lemah``) or not at all (``tidak``)."""

    rekap: np.ndarray
    kabupaten: set = field(default_factory=set)
    sasaran: set = field(default_factory=set)
    penerima: set = field(default_factory=set)
    lemah: list = field(default_factory=list)
    tidak: list = field(default_factory=list)
    putaran: int = 0


def _desil_number(full: pd.DataFrame) -> np.ndarray:
    d = pd.to_numeric(full["desil"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isfinite(d), d, 99.0)


def build_sums(full: pd.DataFrame, cols: list[str], sasaran: Mapping[str, int]) -> Sums:
    """Every published sum of the cells of real kecamatan (see the module docstring); cell
    ``i * len(cols) + j`` is row ``i`` of ``full`` (real kecamatan rows only) and column ``j``."""
    from scipy.sparse import csr_matrix

    kec = full["kode_kecamatan"].fillna("").to_numpy(dtype=object)
    real = np.flatnonzero(kec != "")
    d = _desil_number(full)[real]
    labels = full["desil"].to_numpy(dtype=object)[real]
    k = kec[real]
    nc = len(cols)
    v = full[cols].to_numpy(dtype=np.int64)[real].ravel()
    rows_i: list[np.ndarray] = []
    kind: list[str] = []
    key: list = []

    def add(sel: np.ndarray, j: int, what: str, where) -> None:
        rows_i.append(np.flatnonzero(sel) * nc + j)
        kind.append(what)
        key.append(where)

    jr = cols.index(RT)
    for code in dict.fromkeys(k):
        for j, c in enumerate(cols):
            add(k == code, j, "kec", (code, c))
    for lab in dict.fromkeys(labels):
        for j, c in enumerate(cols):
            add(labels == lab, j, "kab_rt" if j == jr else "kab", (lab, c))
    for b in sorted(set(int(x) for x in sasaran.values())):
        add(d <= b, jr, "kab_band", ("", b))
        for code in dict.fromkeys(k):
            add((k == code) & (d <= b), jr, "s", (code, b))
    for p in PROGRAMS:
        j = cols.index(f"rt_{p}")
        b = int(sasaran[p])
        add(d <= b, j, "kab_band", ("", p))
        for code in dict.fromkeys(k):
            add((k == code) & (d <= b), j, "ps", (code, p))
    ptr = np.cumsum([0, *(len(r) for r in rows_i)])
    idx = np.concatenate(rows_i) if rows_i else np.zeros(0, dtype=np.int64)
    m = csr_matrix((np.ones(len(idx)), idx, ptr), shape=(len(rows_i), len(v)))
    return Sums(m, np.asarray(kind, dtype=object), key, np.asarray(m @ v, dtype=float))


def _relations(n_rows: int, cols: list[str]):
    """Row relations ``rt_x - rumah_tangga <= 0`` and ``rumah_tangga - jiwa <= 0`` (CSR)."""
    from scipy.sparse import csr_matrix

    nc = len(cols)
    pairs = [(cols.index(c), cols.index(RT)) for c in cols if c.startswith("rt_")]
    if "jiwa" in cols:
        pairs.append((cols.index(RT), cols.index("jiwa")))
    base = np.arange(n_rows) * nc
    r, c, x = [], [], []
    for q, (a, b) in enumerate(pairs):
        ids = np.arange(n_rows) * len(pairs) + q
        r += [ids, ids]
        c += [base + a, base + b]
        x += [np.ones(n_rows), -np.ones(n_rows)]
    shape = (n_rows * len(pairs), n_rows * nc)
    if not pairs:
        return csr_matrix(shape)
    return csr_matrix((np.concatenate(x), (np.concatenate(r), np.concatenate(c))), shape=shape)


class _Attack:
    """One HiGHS model of the joint system; the mask changes only bounds."""

    def __init__(self, sums: Sums, rel, v: np.ndarray, prim: np.ndarray, min_cell: int):
        from scipy.sparse import vstack

        self.sums, self.v, self.prim = sums, v.astype(float), prim
        self.n, self.m = len(v), sums.matrix.shape[0]
        a = vstack([sums.matrix, rel]).tocsr()
        a.sort_indices()
        self.nrel = rel.shape[0]
        self.hi_prior = float(min_cell) if min_cell >= 2 else np.inf
        lo_row = np.concatenate([sums.value, np.full(self.nrel, -np.inf)])
        hi_row = np.concatenate([sums.value, np.zeros(self.nrel)])
        self.h = dlp._highs(a, lo_row, hi_row, self.v, self.v)
        self.cost = np.zeros(self.n)

    def set_mask(self, hv: np.ndarray, hs: np.ndarray, strong: bool) -> None:
        """Published cells fixed at their value, hidden ones at their prior; published sums
        equal to their value, hidden ones free."""
        import highspy

        inf = highspy.kHighsInf
        p = hv & self.prim & strong
        lo = np.where(hv, np.where(p, 1.0, 0.0), self.v)
        hi = np.where(hv, np.where(p, self.hi_prior, np.inf), self.v)
        hi = np.where(np.isinf(hi), inf, hi)
        idx = np.arange(self.n, dtype=np.int32)
        self.h.changeColsBounds(self.n, idx, lo, hi)
        rlo = np.where(hs, -inf, self.sums.value)
        rhi = np.where(hs, inf, self.sums.value)
        self.h.changeRowsBounds(self.m, np.arange(self.m, dtype=np.int32), rlo, rhi)

    def _objective(self, c: np.ndarray, sense) -> tuple[float, np.ndarray | None]:
        changed = np.flatnonzero(c != self.cost)
        if len(changed):
            self.h.changeColsCost(len(changed), changed.astype(np.int32), c[changed])
            self.cost = c.copy()
        value = dlp._optimum(self.h, sense)
        x = np.asarray(self.h.getSolution().col_value) if np.isfinite(value) else None
        return value, x

    def pinned(self, targets: list[np.ndarray], support: bool) -> list[tuple]:
        """For each target (coefficient vector over the cells): ``(lo, hi, published cells,
        published sums)`` when pinned at a non-zero value (the two sets: what proves it, when
        ``support``), else None. Two vertices of the all-ones objective first: a target they already show
        to take two whole numbers needs no exact solve."""
        import highspy

        senses = (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize)
        seen = []
        for sense in senses:
            _, x = self._objective(np.ones(self.n), sense)
            if x is not None:
                seen.append(x)
        out: list[tuple | None] = []
        for t in targets:
            vals = [float(t @ x) for x in seen]
            if len(vals) == 2 and dlp.terlindungi(np.array([min(vals)]), np.array([max(vals)]))[0]:
                out.append(None)
                continue
            bounds, cells, rows = [], set(), set()
            for sense in senses:
                value, _x = self._objective(np.asarray(t, dtype=float), sense)
                bounds.append(value)
                if support and np.isfinite(value):
                    sol = self.h.getSolution()
                    cells |= set(np.flatnonzero(np.abs(sol.col_dual) > DUAL_EPS).tolist())
                    rd = np.abs(np.asarray(sol.row_dual)[: self.m]) > DUAL_EPS
                    rows |= set(np.flatnonzero(rd).tolist())
            lo, hi = bounds
            if dlp.terlindungi(np.array([lo]), np.array([hi]))[0] or np.ceil(lo - dlp.EPS) < 1:
                out.append(None)
            else:
                out.append((lo, hi, cells, rows))
        return out


def _start(full: pd.DataFrame, cols: list[str], min_cell: int, quick: bool) -> np.ndarray:
    """Primary cells of real kecamatan and the row rule (a small ``rumah_tangga`` hides its
    row); ``quick``: also the per-kecamatan complements of the quick column method."""
    kec = full["kode_kecamatan"].fillna("").to_numpy(dtype=object)
    if quick:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", disclosure.DisclosureWarning)
            _, mask = disclosure.suppress(full.assign(_kec=kec), cols, "_kec", min_cell)
        return mask.to_numpy(dtype=bool)
    prim = disclosure.primary_mask(full, cols, min_cell).to_numpy() & (kec != "")[:, None]
    return prim | prim[:, [cols.index(RT)]]


def protect(
    full: pd.DataFrame,
    cols: list[str],
    min_cell: int,
    sasaran: Mapping[str, int],
    quick: bool = True,
) -> Mask:
    """The hidden cells of the desil tables (see the module docstring). ``full``: the
    unsuppressed ``rekap_desil`` (:func:`desil.rekap_desil_lengkap`); ``quick``: start from the
    per-kecamatan complements of :func:`disclosure.suppress` (else from the primary cells and
    the row rule only: on the samples it hid more households in 8 of 12 months)."""
    full = full.reset_index(drop=True)
    kec = full["kode_kecamatan"].fillna("").to_numpy(dtype=object)
    real = np.flatnonzero(kec != "")
    nc = len(cols)
    start = _start(full, cols, min_cell, quick)
    hv = start[real].ravel()
    v = full[cols].to_numpy(dtype=np.int64)[real].ravel()
    prim = disclosure.primary_mask(full, cols, min_cell).to_numpy()[real].ravel()
    sums = build_sums(full, cols, sasaran)
    hs = np.zeros(len(sums.kind), dtype=bool)
    hideable = ~np.isin(sums.kind, KINDS_FIXED)
    attack = _Attack(sums, _relations(len(real), cols), v, prim, min_cell)
    n = len(v)
    never = np.zeros(n + len(hs), dtype=bool)  # complements whose value is known anyway
    model = np.zeros(n + len(hs), dtype=np.int8)  # 0 strong, 1 weak, 2 not protected
    check = set(np.flatnonzero(hv).tolist()) | {n + i for i in np.flatnonzero(hs)}
    cost_cell = [(TIER["sel"] if v[i] > 0 else 3, v[i], i) for i in range(n)]
    cost_sum = [
        (TIER.get(sums.kind[i], 9) if sums.value[i] > 0 else 3, sums.value[i], n + i)
        for i in range(len(hs))
    ]
    out = Mask(np.zeros((len(full), nc), dtype=bool))
    eye = np.eye(1, n, 0).ravel()
    for _ in range(10 * (n + len(hs))):
        if not check:
            break
        out.putaran += 1
        picks: set[int] = set()
        again: set[int] = set()
        restart = False
        for level in (0, 1):
            todo = sorted(t for t in check if model[t] == level)
            if not todo:
                continue
            attack.set_mask(hv, hs, strong=level == 0)
            vecs = []
            for t in todo:
                vecs.append(np.roll(eye, t) if t < n else sums.matrix[t - n].toarray().ravel())
            for t, res in zip(todo, attack.pinned(vecs, True), strict=True):
                if res is None:
                    continue
                _lo, _hi, cells, rows = res
                cand = [cost_cell[i] for i in cells if not hv[i] and not never[i]]
                cand += [
                    cost_sum[r] for r in rows if hideable[r] and not hs[r] and not never[n + r]
                ]
                if cand:  # a partner of the target's own kind first (its margin's partner)
                    own = TIER["sel"] if t < n else TIER.get(sums.kind[t - n], 9)
                    picks.add(min(cand, key=lambda c: (c[0] != own, *c))[2])
                    again.add(t)
                elif t < n and prim[t] and level == 0:
                    model[t] = 1
                    again.add(t)
                elif t < n and prim[t]:
                    model[t] = 2
                    out.tidak.append(_name(full, real, cols, t))
                else:  # a complement known anyway: publish it, check everything again
                    never[t] = True
                    if t < n:
                        hv[t] = False
                    else:
                        hs[t - n] = False
                    restart = True
        for p in picks:
            if p < n:
                hv[p] = True
            else:
                hs[p - n] = True
        if restart:
            check = {t for t in np.flatnonzero(hv)} | {n + i for i in np.flatnonzero(hs)}
            check = {t for t in check if model[t] < 2}
        else:
            check = again | picks
    out.lemah = sorted(_name(full, real, cols, t) for t in np.flatnonzero(model[:n] == 1))
    out.rekap[real] = hv.reshape(len(real), nc)
    for i in np.flatnonzero(hs):
        target = {"kab": out.kabupaten, "s": out.sasaran, "ps": out.penerima}[sums.kind[i]]
        target.add(sums.key[i])
    return out


def _name(full: pd.DataFrame, real: np.ndarray, cols: list[str], t: int) -> str:
    r = full.iloc[real[t // len(cols)]]
    return f"{r['kode_kecamatan']}/{r['desil']}/{cols[t % len(cols)]}"
