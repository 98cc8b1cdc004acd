"""Linear-programming audit of the published village tables (issue 17).

The attacker sees every published village table of one or more consecutive months (hidden
cells ``<NA>``), the kecamatan totals (published in full) and the list of villages carried
forward (``nonrespon``). He uses every linear relation that holds between the cells:

* each cell is ``>= 0``; hidden cells of a kecamatan and column add up to the kecamatan
  total minus the published cells;
* in each row (:data:`RELASI_BARIS`): ``rt_x <= rt_bansos`` for each program,
  ``rt_bansos <= rt_bpnt + rt_pbi_jkn + rt_pkh``, ``rt_bansos <= rumah_tangga``,
  ``rt_imputasi <= rumah_tangga``, ``rumah_tangga <= jiwa``;
* a village named in the published non-response list has ``rt_imputasi = rumah_tangga``,
  every other village ``rt_imputasi = 0`` (except in a kecamatan whose list has unnamed
  villages: a carried village is named only when its cells are published); a "Tidak
  diketahui" row (households of the kecamatan whose village is unknown) always has
  ``rt_imputasi = 0``: only villages are carried forward;
* a village carried forward in month t has the cells it had in month t-1 (its households are
  last month's; ``rt_imputasi`` excepted): ``x_t = x_{t-1}``, or ``x_t <= x_{t-1}`` when
  :class:`BulanTerbit` says so (a family moved away);
* priors: the **strong** attacker knows which hidden cells are primary (``[1, min_cell]``;
  "Tidak diketahui" rows are never primary), the **weak** attacker only that cells are ``>= 0``.

For each hidden cell :func:`intervals` minimises and maximises it subject to these relations
(HiGHS): ``[lo, hi]``; :func:`support` also names the relations that prove the interval (the
optimiser of :mod:`disclosure_opt` learns from them which cells to hide). The cell counts as **protected** when the
interval rounded inward to whole numbers, ``[ceil(lo), floor(hi)]``, still holds at least two
values (:func:`terlindungi`). Constraints never join two kecamatan, so each kecamatan is solved
on its own.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

EPS = 1e-6
DUAL_EPS = 1e-9
PROGRAM_COLS: tuple[str, ...] = ("rt_bpnt", "rt_pbi_jkn", "rt_pkh")
#: Row relations ``sum(coef * cell) <= 0`` a reader can use in ``rekap_desa``.
RELASI_BARIS: tuple[dict[str, float], ...] = (
    *({c: 1.0, "rt_bansos": -1.0} for c in PROGRAM_COLS),
    {"rt_bansos": 1.0, **{c: -1.0 for c in PROGRAM_COLS}},
    {"rt_bansos": 1.0, "rumah_tangga": -1.0},
    {"rt_imputasi": 1.0, "rumah_tangga": -1.0},
    {"rumah_tangga": 1.0, "jiwa": -1.0},
)


@dataclass
class BulanTerbit:
    """One month as the reader sees it.

    ``desa``: published village table (hidden cells ``<NA>``); ``total``: kecamatan totals
    (``rekap_kecamatan``, indexed by ``kode_kecamatan``); ``primer``: mask of the cells the
    attacker knows are primary (None: weak attacker); ``dibawa``: ``kode_desa`` of villages
    carried forward named in the published ``nonrespon`` (None: unknown); ``turun``: carried
    villages whose cells may be lower than last month's (a family moved away): ``<=`` instead of
    ``=``; ``tanpa_nama``: kecamatan whose ``nonrespon`` rows include unnamed villages (there a
    village not named may still be carried: its ``rt_imputasi`` is not known to be 0).
    """

    bulan: str
    desa: pd.DataFrame
    total: pd.DataFrame
    primer: pd.DataFrame | None = None
    dibawa: set[str] | None = None
    turun: set[str] = field(default_factory=set)
    tanpa_nama: set[str] = field(default_factory=set)


def value_columns(desa: pd.DataFrame) -> list[str]:
    from dtks_analysis.counting.stats import MEASURES

    return [c for c in MEASURES if c in desa.columns]


def cells(months: Sequence[BulanTerbit], min_cell: int = 3) -> pd.DataFrame:
    """Long table of every cell: ``bulan, baris, kode_kecamatan, kode_desa, kolom, nilai``
    (NaN when hidden), prior ``lo``, ``hi``. Rows of unknown kecamatan are left out."""
    parts = []
    for b in months:
        cols = value_columns(b.desa)
        d = b.desa[b.desa["kode_kecamatan"].fillna("") != ""]
        long = d[cols].astype("Float64").astype("float64").rename_axis(index="baris")
        long = long.stack(future_stack=True).rename("nilai").reset_index()
        long.columns = ["baris", "kolom", "nilai"]
        long["bulan"] = b.bulan
        long["kode_kecamatan"] = d["kode_kecamatan"].reindex(long["baris"]).to_numpy()
        long["kode_desa"] = d["kode_desa"].fillna("").reindex(long["baris"]).to_numpy()
        prim = np.zeros(len(long), dtype=bool)
        if b.primer is not None:
            p = b.primer.reindex(index=d.index, columns=cols).fillna(False).astype(bool)
            prim = p.stack(future_stack=True).to_numpy()
        long["lo"] = np.where(prim, 1.0, 0.0)
        long["hi"] = np.where(prim & (min_cell >= 2), float(min_cell), np.inf)
        parts.append(long)
    out = pd.concat(parts, ignore_index=True)
    return out[["bulan", "baris", "kode_kecamatan", "kode_desa", "kolom", "nilai", "lo", "hi"]]


def constraints(
    months: Sequence[BulanTerbit], cell: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(terms, cons)``: ``terms`` = ``con, sel, coef``; ``cons`` = ``con, sama`` (equality),
    ``rhs``, ``kode_kecamatan``, ``jenis`` (``total``, ``baris``, ``nonrespon``, ``td``,
    ``bulan``: a kecamatan total, a row relation, the non-response list, the "Tidak diketahui"
    row's ``rt_imputasi = 0``, a carried village's last month).
    Each constraint is ``sum(coef * cell) (= or <=) rhs``."""
    key = cell.reset_index().rename(columns={"index": "sel"})
    terms: list[pd.DataFrame] = []
    cons: list[pd.DataFrame] = []
    n = 0

    def add(
        t: pd.DataFrame, group: list[str], sama: bool, rhs: pd.Series | float, jenis: str
    ) -> None:
        """Constraints: one per ``group`` value of ``t`` (columns ``sel, coef`` + group)."""
        nonlocal n
        if t.empty:
            return
        gid = t.groupby(group, sort=False).ngroup().to_numpy()
        first = t.groupby(group, sort=False).head(1).reset_index(drop=True)
        terms.append(pd.DataFrame({"con": gid + n, "sel": t["sel"].to_numpy(), "coef": t["coef"]}))
        r = rhs.to_numpy() if isinstance(rhs, pd.Series) else np.full(len(first), rhs)
        cons.append(
            pd.DataFrame(
                {
                    "con": np.arange(len(first)) + n,
                    "sama": sama,
                    "rhs": r,
                    "kode_kecamatan": first["kode_kecamatan"].to_numpy(),
                    "jenis": jenis,
                }
            )
        )
        n += len(first)

    # kecamatan totals
    for b in months:
        k = key[key["bulan"] == b.bulan].assign(coef=1.0)
        k = k.sort_values(["kode_kecamatan", "kolom"], kind="stable")
        first = k.groupby(["kode_kecamatan", "kolom"], sort=False).head(1)
        tot = b.total.set_index("kode_kecamatan") if "kode_kecamatan" in b.total else b.total
        rhs = pd.Series(
            [
                float(tot.loc[g, c])
                for g, c in zip(first["kode_kecamatan"], first["kolom"], strict=True)
            ]
        )
        add(k, ["kode_kecamatan", "kolom"], True, rhs, "total")
    # row relations
    for j, rel in enumerate(RELASI_BARIS):
        t = key[key["kolom"].isin(list(rel))].copy()
        ok = t.groupby(["bulan", "baris"])["kolom"].transform("size") == len(rel)
        t = t[ok].assign(coef=t.loc[ok, "kolom"].map(rel), rel=j)
        add(t, ["bulan", "baris"], False, 0.0, "baris")
    # non-response: rt_imputasi = rumah_tangga (carried) or 0; a "Tidak diketahui" row (empty
    # kode_desa) never holds carried households (only villages are carried): always 0
    for b in months:
        t = key[(key["bulan"] == b.bulan) & key["kolom"].isin(["rt_imputasi", "rumah_tangga"])]
        td = (t["kode_desa"] == "").to_numpy()
        if b.dibawa is None:
            add(t[td & (t["kolom"] == "rt_imputasi")].assign(coef=1.0), ["baris"], True, 0.0, "td")
            continue
        carried = t["kode_desa"].isin(b.dibawa)
        c = t[carried].assign(coef=lambda d: np.where(d["kolom"] == "rt_imputasi", 1.0, -1.0))
        add(c, ["baris"], True, 0.0, "nonrespon")
        unnamed = t["kode_kecamatan"].isin(b.tanpa_nama) & ~td
        z = t[~carried & ~unnamed & (t["kolom"] == "rt_imputasi")]
        kind = np.where(td[~carried & ~unnamed & (t["kolom"] == "rt_imputasi")], "td", "nonrespon")
        for jenis in ("td", "nonrespon"):
            add(z[kind == jenis].assign(coef=1.0), ["baris"], True, 0.0, jenis)
    # consecutive months: a carried village keeps last month's cells
    for prev, cur in zip(months, months[1:], strict=False):
        if cur.dibawa is None:
            continue
        a = key[(key["bulan"] == cur.bulan) & key["kode_desa"].isin(cur.dibawa)]
        a = a[a["kolom"] != "rt_imputasi"]
        p = key[(key["bulan"] == prev.bulan) & (key["kode_desa"] != "")]
        pair = a.merge(
            p[["kode_desa", "kolom", "sel"]], on=["kode_desa", "kolom"], suffixes=("", "_p")
        )
        for turun, sama in ((False, True), (True, False)):
            q = pair[pair["kode_desa"].isin(cur.turun) == turun]
            t = pd.concat([q.assign(coef=1.0), q.assign(sel=q["sel_p"], coef=-1.0)]).sort_index(
                kind="stable"
            )
            add(t, ["bulan", "baris", "kolom"], sama, 0.0, "bulan")
    return pd.concat(terms, ignore_index=True), pd.concat(cons, ignore_index=True)


@functools.cache
def _highs_quiet() -> None:
    """Construct HiGHS once with standard output closed: its first instance prints a banner
    on file descriptor 1 (it would reach the CLI output and the notebooks)."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _highs(a, lo_row: np.ndarray, hi_row: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """A quiet, single-threaded HiGHS model of ``lo_row <= a x <= hi_row``, ``lo <= x <= hi``
    (``a``: CSR matrix); the objective is set per solve."""
    import highspy

    _highs_quiet()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
    lp.col_cost_ = np.zeros(a.shape[1])
    lp.col_lower_ = np.asarray(lo, dtype=float)
    lp.col_upper_ = np.where(np.isinf(hi), inf, hi).astype(float)
    lp.row_lower_ = np.where(np.isinf(lo_row), -inf, lo_row).astype(float)
    lp.row_upper_ = np.where(np.isinf(hi_row), inf, hi_row).astype(float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(float)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = a.shape[1], a.shape[0]
    h.passModel(lp)
    return h


def _optimum(h, sense) -> float:
    """Min or max of the model's objective (±inf when unbounded)."""
    import highspy

    h.changeObjectiveSense(sense)
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        raise ValueError("sistem tidak layak: tabel terbit tidak konsisten dengan totalnya")
    if status == highspy.HighsModelStatus.kOptimal:
        return float(h.getInfo().objective_function_value)
    minimise = sense == highspy.ObjSense.kMinimize
    return -np.inf if minimise else np.inf


def _group_model(cell: pd.DataFrame, terms: pd.DataFrame, cons: pd.DataFrame):
    """HiGHS model of one kecamatan: the hidden cells are the variables, the published ones are
    folded into the right-hand sides. Returns ``(highs, hidden cell ids, their position, ids of
    the constraints in the model)``; ``highs`` is None when no cell is hidden."""
    from scipy.sparse import csr_matrix

    hid = cell.index[cell["nilai"].isna()].to_numpy()
    if len(hid) == 0:
        return None, hid, pd.Series(dtype=int), np.zeros(0, dtype=int)
    pos = pd.Series(np.arange(len(hid)), index=hid)
    known = cell["nilai"].fillna(0.0)
    t = terms[terms["con"].isin(cons["con"])]
    is_var = t["sel"].isin(hid).to_numpy()
    const = (t["coef"] * known.reindex(t["sel"]).to_numpy()).groupby(t["con"]).sum()
    used = np.unique(t.loc[is_var, "con"].to_numpy())
    c = cons.set_index("con").loc[used]
    rhs = c["rhs"].to_numpy() - const.reindex(used).fillna(0.0).to_numpy()
    row = pd.Series(np.arange(len(used)), index=used)
    tv = t[is_var]
    a = csr_matrix(
        (tv["coef"].to_numpy(), (row[tv["con"]].to_numpy(), pos[tv["sel"]].to_numpy())),
        shape=(len(used), len(hid)),
    )
    a.sum_duplicates()
    a.sort_indices()
    eq = c["sama"].to_numpy(dtype=bool)
    lo_row = np.where(eq, rhs, -np.inf)  # equalities: rhs <= a x <= rhs; others: a x <= rhs
    h = _highs(
        a, lo_row, rhs, cell.loc[hid, "lo"].to_numpy(float), cell.loc[hid, "hi"].to_numpy(float)
    )
    return h, hid, pos, used


def _solve_group(
    cell: pd.DataFrame,
    terms: pd.DataFrame,
    cons: pd.DataFrame,
    targets: np.ndarray | None,
    exact: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cell ids, lo, hi) of the hidden cells of one kecamatan (``targets``: only these).

    One HiGHS model per kecamatan, solved twice per cell with only the objective changed
    (warm start); ~10x faster than a fresh ``scipy.optimize.linprog`` per bound. With
    ``exact=False`` a cell that the solutions found so far already show protected (two feasible
    points at least 1 apart) is not solved: its ``[lo, hi]`` is then that inner range, which
    decides :func:`terlindungi` the same way; unprotected cells always get their exact interval.
    """
    import highspy

    hid = cell.index[cell["nilai"].isna()].to_numpy()
    want = np.intersect1d(hid, targets) if targets is not None else hid
    if len(want) == 0:
        return want, np.zeros(0), np.zeros(0)
    h, hid, pos, _used = _group_model(cell, terms, cons)
    lo = np.empty(len(want))
    hi = np.empty(len(want))
    seen_lo = np.full(len(hid), np.inf)  # range of each cell over the solutions found so far
    seen_hi = np.full(len(hid), -np.inf)

    def solved(value: float) -> float:
        if not exact and np.isfinite(value):
            x = np.asarray(h.getSolution().col_value)
            np.minimum(seen_lo, x, out=seen_lo)
            np.maximum(seen_hi, x, out=seen_hi)
        return value

    if not exact:  # two vertices that move many cells at once: most cells are shown protected
        h.changeColsCost(len(hid), np.arange(len(hid), dtype=np.int32), np.ones(len(hid)))
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            solved(_optimum(h, sense))
        h.changeColsCost(len(hid), np.arange(len(hid), dtype=np.int32), np.zeros(len(hid)))
    previous = None
    for k, sel in enumerate(want):
        j = int(pos[sel])
        if not exact and terlindungi(seen_lo[j : j + 1], seen_hi[j : j + 1])[0]:
            lo[k], hi[k] = seen_lo[j], seen_hi[j]
            continue
        if previous is not None:
            h.changeColCost(previous, 0.0)
        h.changeColCost(j, 1.0)
        previous = j
        lo[k] = solved(_optimum(h, highspy.ObjSense.kMinimize))
        hi[k] = solved(_optimum(h, highspy.ObjSense.kMaximize))
    return want, lo, hi


def support(
    system: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], targets: Sequence[int]
) -> list[tuple[float, float, np.ndarray]]:
    """Why each hidden cell of ``targets`` (indices of the system's cells, all of one
    kecamatan) has its interval: ``(lo, hi, constraint ids)``, the ids being those with a
    non-zero dual value at the minimum or at the maximum (the constraints that the proofs of
    ``lo <= x <= hi`` combine).

    While no published cell of these constraints is hidden, nor the constraints themselves
    removed, the two proofs still hold: the interval can only become narrower. (The priors of
    the hidden cells take part too; they stay as they are.)
    """
    import highspy

    cell, terms, cons = system
    if len(targets) == 0:
        return []
    g = cell.loc[targets[0], "kode_kecamatan"]
    sub = cell[cell["kode_kecamatan"] == g]
    h, _hid, pos, used = _group_model(sub, terms, cons[cons["kode_kecamatan"] == g])
    out = []
    previous = None
    for target in targets:
        j = int(pos[target])
        if previous is not None:
            h.changeColCost(previous, 0.0)
        h.changeColCost(j, 1.0)
        previous = j
        bounds, ids = [], set()
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            bounds.append(_optimum(h, sense))
            if np.isfinite(bounds[-1]):
                dual = np.asarray(h.getSolution().row_dual)
                ids |= set(used[np.abs(dual) > DUAL_EPS].tolist())
        out.append((bounds[0], bounds[1], np.array(sorted(ids), dtype=int)))
    return out


def intervals(
    months: Sequence[BulanTerbit],
    min_cell: int = 3,
    kecamatan: Iterable[str] | None = None,
    only: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Feasible ``[lo, hi]`` of every hidden cell: ``bulan, baris, kode_kecamatan, kode_desa,
    kolom, lo, hi, terlindungi, terungkap``. ``kecamatan``: only these groups; ``only``: only
    the cells listed (``bulan, baris, kolom``).

    ``terungkap`` (disclosed): the interval holds a single whole number other than 0. A hidden
    cell pinned at 0 is not disclosed: zeros are published anyway.
    """
    return solve(build(months, min_cell), kecamatan, only)


def solve(
    system: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
    kecamatan: Iterable[str] | None = None,
    only: pd.DataFrame | None = None,
    exact: bool = True,
) -> pd.DataFrame:
    """:func:`intervals` on a system from :func:`build` (whose ``nilai`` may be changed to try
    another set of hidden cells: the constraints do not depend on it). ``exact=False``: the
    intervals of protected cells may be inner ranges (enough to tell protected from not;
    see :func:`_solve_group`)."""
    cell, terms, cons = system
    groups = sorted(set(cell["kode_kecamatan"])) if kecamatan is None else list(kecamatan)
    targets = None
    if only is not None:
        k = cell.reset_index().merge(
            only[["bulan", "baris", "kolom"]], on=["bulan", "baris", "kolom"]
        )
        targets = k["index"].to_numpy()
    out = []
    for g in groups:
        sub = cell[cell["kode_kecamatan"] == g]
        if not sub["nilai"].isna().any():
            continue
        ids, lo, hi = _solve_group(sub, terms, cons[cons["kode_kecamatan"] == g], targets, exact)
        out.append(sub.loc[ids].assign(lo=lo, hi=hi))
    cols = ["bulan", "baris", "kode_kecamatan", "kode_desa", "kolom", "lo", "hi"]
    if not out:
        return pd.DataFrame(columns=[*cols, "terlindungi", "terungkap"])
    res = pd.concat(out)[cols].reset_index(drop=True)
    res["terlindungi"] = terlindungi(res["lo"].to_numpy(), res["hi"].to_numpy())
    res["terungkap"] = ~res["terlindungi"] & (np.ceil(res["lo"] - EPS) >= 1)
    return res


def build(
    months: Sequence[BulanTerbit], min_cell: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The attacker's system: ``(cells, terms, cons)`` (see :func:`cells`, :func:`constraints`)."""
    cell = cells(months, min_cell)
    terms, cons = constraints(months, cell)
    return cell, terms, cons


def terlindungi(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """True where ``[ceil(lo), floor(hi)]`` holds at least two whole numbers."""
    return (np.floor(np.asarray(hi) + EPS) - np.ceil(np.asarray(lo) - EPS)) >= 1
