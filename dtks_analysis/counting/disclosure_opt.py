"""Complementary suppression with the least information lost (issue 12).

The primary cells (and the cells a rule forces: a small village's whole row, a carried village's
cells hidden last month) are given; this module chooses the complementary (secondary) cells of
each kecamatan by mixed-integer optimisation (``scipy.optimize.milp``, HiGHS), checked by the
linear-programming attack of :mod:`disclosure_lp` (the audit):

1. The attack is run on the forced cells alone; when nothing is disclosed, nothing more is
   hidden.
2. *Maximal mask*: every free cell of the kecamatan is hidden (cells that a carried village
   published last month are not free). A free cell the attacker still pins at a value other
   than 0 can never be hidden (hiding more only widens intervals), so it is published; a forced
   cell still pinned cannot be protected against its attacker: it is protected against the weak
   attacker instead (``model_lemah``), or, when even that fails, listed as ``tidak_terlindungi``.
   Repeated until nothing is pinned: this mask is protected and is the fallback.
3. *Optimisation*: binary ``y`` per free cell (1 = hidden). Minimise, in this order of priority
   (:func:`_costs`: whole-number weights so that no level outweighs the one above), the number
   of hidden zero cells of real villages (a zero hidden as a complement protects only against
   an attacker who ignores that a non-primary cell is 0 or above ``min_cell``: used only when
   nothing else protects), the sum of the hidden values (households; persons in ``jiwa``), the
   number of hidden cells, and, for ties, the earliest cells in code and column order.
   Constraints: every forced non-zero cell has a hidden partner in its column (else the
   published total gives it away), plus the cuts of step 4.
4. *Audit*: the attack is run on the optimiser's mask. For each hidden cell it pins, the dual
   values of its minimum and maximum name the constraints that prove its interval; the proof
   survives unless a published cell of those constraints is hidden (or a constraint removed:
   hiding a carried village's count removes the non-response relations of its kecamatan). So
   the cut is "hide one of these cells" (``sum y >= 1``) for a forced cell, and "do not hide it,
   or hide one of these" (``y_j <= sum y``) for a complementary cell. Every cut holds for every
   protected mask, so the optimum of the cut model, once the audit passes, is the protected mask
   with the least loss. Steps 3-4 repeat (at most :data:`MAX_ROUNDS` times, else the maximal
   mask of step 2 is kept).

"Tidak diketahui" rows (households of the kecamatan whose village is unknown: not a place) are
never primary (:func:`disclosure.primary_mask`) and may be hidden as complements like any cell.
Deterministic: the model is built in code and column order and the optimum is unique up to
masks of equal position sums (then the solver decides, the same way on every run).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dtks_analysis.counting import disclosure_lp as dlp

log = logging.getLogger(__name__)

MAX_ROUNDS = 60
MONTH = "bulan_ini"
PREV = "bulan_lalu"


@dataclass
class Hasil:
    """Outcome of :func:`protect`: the mask and the groups protected weakly / not at all."""

    hidden: np.ndarray
    lemah: list[str] = field(default_factory=list)
    tidak: list[str] = field(default_factory=list)
    putaran: int = 0  # optimisation rounds (all kecamatan)


class _Attack:
    """The LP attack on one month's village table, kecamatan by kecamatan, for trial masks."""

    def __init__(self, work, cols, v, prim, groups, min_cell, dibawa, sebelumnya, turun):
        from dtks_analysis.counting import disclosure as d

        self.work, self.cols, self.v, self.prim = work, cols, v, prim
        self.groups, self.min_cell = groups, min_cell
        self.dibawa, self.sebelumnya, self.turun = dibawa, sebelumnya, set(turun)
        self.totals = d.group_totals(work.assign(kode_kecamatan=groups), cols, "kode_kecamatan")
        self.cache: dict[tuple, tuple] = {}

    def months(self, h: np.ndarray, rows: np.ndarray, strong: bool) -> list[dlp.BulanTerbit]:
        from dtks_analysis.counting.disclosure import named_carried

        cols, g = self.cols, self.groups[rows[0]]
        pub = self.work.iloc[rows].copy()
        vals = np.where(h[rows], np.nan, self.v[rows])
        pub[cols] = pd.DataFrame(vals, index=pub.index, columns=cols)
        pub[cols] = pub[cols].astype("Float64").round().astype("Int64")
        pub["kode_kecamatan"] = g
        primer = pd.DataFrame(self.prim[rows], index=pub.index, columns=cols) if strong else None
        known, unnamed = None, set()
        if self.dibawa is not None:
            known = named_carried(pub, self.dibawa)
            unnamed = {g} if self.dibawa & set(pub["kode_desa"].dropna()) - known else set()
        cur = dlp.BulanTerbit(MONTH, pub, self.totals, primer, known, set(self.turun), unnamed)
        p = self.sebelumnya
        if p is None or not self.dibawa:
            return [cur]
        keep = (p.desa["kode_kecamatan"].fillna("") == g).to_numpy()
        primer_p = p.primer[keep] if strong and p.primer is not None else None
        prev = dlp.BulanTerbit(PREV, p.desa[keep], p.total, primer_p, p.dibawa, set(), p.tanpa_nama)
        return [prev, cur]

    def systems(self, h: np.ndarray, rows: np.ndarray) -> tuple:
        """Strong and weak systems of a kecamatan (built once per set of named carried
        villages, which decides the constraints; ``nilai`` is set per trial)."""
        key = (rows[0], *self._naming(h, rows))
        if key not in self.cache:
            ms = self.months(h, rows, True)
            strong = dlp.build(ms, self.min_cell)
            cell = strong[0]
            weak = (cell.assign(lo=0.0, hi=np.inf), strong[1], strong[2])
            cur = np.flatnonzero((cell["bulan"] == MONTH).to_numpy())
            r = cell["baris"].to_numpy()[cur].astype(int)
            c = cell["kolom"].map(self.cols.index).to_numpy()[cur]
            self.cache[key] = ([strong, weak], cur, r, c, ms[-1].dibawa or set())
        return self.cache[key]

    def linked(self, rows: np.ndarray) -> bool:
        """Whether the kecamatan has villages carried from last month (their cells join the
        two months' tables)."""
        if self.sebelumnya is None or not self.dibawa:
            return False
        return bool(self.work["kode_desa"].iloc[rows].isin(self.dibawa).any())

    def _naming(self, h: np.ndarray, rows: np.ndarray) -> tuple[frozenset, frozenset]:
        """(named carried villages, kecamatan with unnamed ones) under mask ``h``, as
        :meth:`months` finds them (a carried village is named when both its ``rumah_tangga``
        and ``rt_imputasi`` are published)."""
        if self.dibawa is None:
            return frozenset(), frozenset()
        desa = self.work["kode_desa"].fillna("").to_numpy()[rows]
        carried = np.isin(desa, list(self.dibawa))
        shown = np.ones(len(rows), dtype=bool)
        for col in ("rumah_tangga", "rt_imputasi"):
            shown &= ~h[rows, self.cols.index(col)]
        named = frozenset(desa[carried & shown])
        return named, frozenset({self.groups[rows[0]]} if (carried & ~shown).any() else ())

    def _system(self, h: np.ndarray, rows: np.ndarray, strong: bool) -> tuple:
        pair, cur, r, c, _named = self.systems(h, rows)
        system = pair[0 if strong else 1]
        nilai = system[0]["nilai"].to_numpy().copy()
        nilai[cur] = np.where(h[r, c], np.nan, self.v[r, c])
        system[0]["nilai"] = nilai
        return system

    def disclosed(self, h: np.ndarray, rows: np.ndarray, model: dict) -> pd.DataFrame:
        """Hidden cells pinned at a non-zero value, each by the attacker of its ``model``
        (``kuat`` by default; ``tidak``: not checked): ``bulan, baris, kolom, kode_desa, lo,
        hi, model``, last month's first, then column and row order."""
        parts = []
        for strong, name in ((True, "kuat"), (False, "lemah")):
            if not strong and "lemah" not in model.values():
                break
            res = dlp.solve(self._system(h, rows, strong), exact=False)
            if res.empty:
                continue
            keys = zip(res["bulan"], res["baris"], res["kolom"], strict=True)
            want = np.array([model.get(k, "kuat") == name for k in keys])
            parts.append(res[res["terungkap"].to_numpy() & want].assign(model=name))
        bad = pd.concat(parts) if parts else pd.DataFrame()
        if bad.empty:
            return bad
        bad = bad.assign(_c=bad["kolom"].map(self.cols.index), _m=bad["bulan"] != PREV)
        return bad.sort_values(["_m", "_c", "baris"], kind="stable").drop(columns=["_c", "_m"])

    def supports(self, h: np.ndarray, rows: np.ndarray, bad: pd.DataFrame) -> list[set]:
        """For each pinned cell of ``bad``: the published cells of this month (``(row,
        column)``) of which one at least must be hidden for it to become free (see the module
        docstring)."""
        out: list[set] = [set() for _ in range(len(bad))]
        for name in ("kuat", "lemah"):
            which = np.flatnonzero((bad["model"] == name).to_numpy())
            if len(which) == 0:
                continue
            system = self._system(h, rows, name == "kuat")
            cell, terms, cons = system
            key = pd.MultiIndex.from_frame(cell[["bulan", "baris", "kolom"]])
            want = pd.MultiIndex.from_frame(bad.iloc[which][["bulan", "baris", "kolom"]])
            targets = cell.index[key.get_indexer(want)]
            for i, (_lo, _hi, ids) in zip(which, dlp.support(system, targets), strict=True):
                out[i] = self._cells_of(h, rows, system, ids)
        return out

    def _cells_of(self, h: np.ndarray, rows: np.ndarray, system: tuple, ids) -> set:
        """Published cells of this month in constraints ``ids`` (and, when a non-response or
        last-month relation is among them, the counts of the named carried villages: hiding
        one removes those relations)."""
        cell, terms, cons = system
        sel = terms.loc[terms["con"].isin(ids), "sel"].unique()
        hit = cell.loc[sel]
        hit = hit[(hit["bulan"] == MONTH) & hit["nilai"].notna()]
        out = {
            (int(b), self.cols.index(k)) for b, k in zip(hit["baris"], hit["kolom"], strict=True)
        }
        kinds = set(cons.loc[cons["con"].isin(ids), "jenis"])
        if kinds & {"nonrespon", "bulan"}:
            named = self.systems(h, rows)[4]
            desa = self.work["kode_desa"].fillna("").to_numpy()
            for r in rows[np.isin(desa[rows], list(named))]:
                for col in ("rumah_tangga", "rt_imputasi"):
                    if col in self.cols and not h[r, self.cols.index(col)]:
                        out.add((int(r), self.cols.index(col)))
        return out


def _upgrade(model: dict, bad: pd.DataFrame, g: str, lemah: list, tidak: list) -> None:
    for _, b in bad.iterrows():
        key = (b["bulan"], b["baris"], b["kolom"])
        nxt = "lemah" if model.get(key, "kuat") == "kuat" else "tidak"
        model[key] = nxt
        (lemah if nxt == "lemah" else tidak).append(f"{g}/{b['kolom']}")


def _milp(cost: np.ndarray, rows_a: list, lb: list, ub: list) -> np.ndarray | None:
    """Binary minimum of ``cost @ y`` subject to ``lb <= A y <= ub`` (None: infeasible)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    n = len(cost)
    cons = ()
    if rows_a:
        data, ri, ci = [], [], []
        for i, terms in enumerate(rows_a):
            for j, coef in terms.items():
                ri.append(i)
                ci.append(j)
                data.append(coef)
        a = csr_matrix((data, (ri, ci)), shape=(len(rows_a), n))
        cons = (LinearConstraint(a, np.array(lb, float), np.array(ub, float)),)
    res = milp(
        cost,
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), np.ones(n)),
        constraints=cons,
        options={"disp": False, "mip_rel_gap": 0.0, "presolve": True},
    )
    if res.status != 0 or res.x is None:
        return None
    return np.asarray(res.x) > 0.5


def _costs(vals: np.ndarray, real: np.ndarray) -> np.ndarray:
    """Whole-number cost of hiding each free cell (in code and column order), so that the
    minimum is lexicographic: fewest zero cells of real villages, then the least value, then
    the fewest cells, then the earliest cells (the smallest sum of positions)."""
    n = len(vals)
    b = n * n + 1  # one cell more outweighs any change of positions
    a = n * (b + n) + 1  # one household (or person) more outweighs any change of cells
    m = a * (int(vals.sum()) + 1)  # one zero more outweighs any change of value
    zero = (vals == 0) & np.asarray(real, dtype=bool)
    return (zero * m + vals.astype(np.int64) * a + b + np.arange(n)).astype(float)


def _protect_group(
    attack: _Attack,
    g: str,
    rows: np.ndarray,
    hidden: np.ndarray,
    fixed: np.ndarray,
    td: np.ndarray,
    out: Hasil,
) -> np.ndarray:
    """Mask of kecamatan ``g`` (rows ``rows``) with the least loss; ``hidden``: forced cells."""
    v, cols = attack.v, attack.cols
    model: dict[tuple, str] = {}
    if not hidden[rows].any() and not attack.linked(rows):
        return hidden  # nothing hidden in the kecamatan, this month or through last month
    if attack.disclosed(hidden, rows, model).empty:
        return hidden
    forced = np.zeros_like(hidden)
    forced[rows] = hidden[rows]
    free = np.zeros_like(hidden)
    free[rows] = ~hidden[rows] & ~fixed[rows]

    # step 2: maximal mask, attacker models, free cells that can never be hidden
    hmax = hidden | free
    never = np.zeros_like(hidden)
    while True:
        bad = attack.disclosed(hmax, rows, model)
        if bad.empty:
            break
        cur = bad[bad["bulan"] == MONTH]
        rr, cc = cur["baris"].to_numpy(int), cur["kolom"].map(cols.index).to_numpy(int)
        pinned_free = free[rr, cc]
        if pinned_free.any():
            never[rr[pinned_free], cc[pinned_free]] = True
            hmax[rr[pinned_free], cc[pinned_free]] = False
            continue
        _upgrade(model, bad, g, out.lemah, out.tidak)

    # step 3-4: optimise, audit, cut
    var = [(int(r), c) for r in rows for c in range(len(cols)) if free[r, c] and not never[r, c]]
    if not var:
        return hmax
    k_of = {rc: k for k, rc in enumerate(var)}
    cost = _costs(np.array([v[r, c] for r, c in var]), np.array([not td[r] for r, _ in var]))
    a_rows: list[dict[int, float]] = []
    lb: list[float] = []
    ub: list[float] = []
    for c in range(len(cols)):
        in_col = forced[rows, c]
        if v[rows, c].sum() == 0 or in_col.sum() != 1:
            continue
        r = rows[in_col][0]
        if v[r, c] > 0 and model.get((MONTH, r, cols[c])) != "tidak":
            terms = {k_of[(int(q), c)]: 1.0 for q in rows if (int(q), c) in k_of}
            a_rows.append(terms)
            lb.append(1.0)
            ub.append(np.inf)
    for _ in range(MAX_ROUNDS):
        out.putaran += 1
        y = _milp(cost, a_rows, lb, ub)
        if y is None:
            log.warning("%s: optimasi sel pelindung tidak layak; semua sel bebas disembunyikan", g)
            return hmax
        trial = hidden.copy()
        for k in np.flatnonzero(y):
            trial[var[k]] = True
        bad = attack.disclosed(trial, rows, model)
        if bad.empty:
            return trial
        for (_, b), sup in zip(bad.iterrows(), attack.supports(trial, rows, bad), strict=True):
            s = [k_of[rc] for rc in sorted(sup) if rc in k_of]
            terms = {k: -1.0 for k in s}
            rc = (int(b["baris"]), cols.index(b["kolom"]))
            if b["bulan"] == MONTH and rc in k_of:  # a complement: unhide it or free it
                terms[k_of[rc]] = 1.0
                a_rows.append(terms)
                lb.append(-np.inf)
                ub.append(0.0)
            else:  # a forced cell (or last month's): free it
                a_rows.append({k: 1.0 for k in s})
                lb.append(1.0)
                ub.append(np.inf)
    log.warning("%s: sel pelindung belum optimal setelah %d putaran", g, MAX_ROUNDS)
    return hmax


def protect(
    table: pd.DataFrame,
    cols: list[str],
    hidden: np.ndarray,
    fixed: np.ndarray,
    groups: np.ndarray,
    min_cell: int,
    dibawa: set[str] | None,
    sebelumnya: dlp.BulanTerbit | None,
    turun: set[str],
) -> Hasil:
    """Complementary cells of every kecamatan (see the module docstring). ``hidden``: the
    forced cells (primary, row rule, carried); ``fixed``: cells that must stay published."""
    from dtks_analysis.counting.disclosure import primary_mask

    work = table.reset_index(drop=True)
    v = work[cols].astype("int64").to_numpy()
    prim = primary_mask(work, cols, min_cell).to_numpy()
    td = (work["kode_desa"].fillna("") == "").to_numpy() if "kode_desa" in work else None
    td = np.zeros(len(work), dtype=bool) if td is None else td
    attack = _Attack(work, cols, v, prim, groups, min_cell, dibawa, sebelumnya, turun)
    out = Hasil(hidden.copy())
    for g in sorted(set(groups) - {""}):
        rows = np.flatnonzero(groups == g)
        out.hidden = _protect_group(attack, g, rows, out.hidden, fixed, td, out)
    out.lemah = sorted(set(out.lemah))
    out.tidak = sorted(set(out.tidak))
    return out
