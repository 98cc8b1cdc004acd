"""Disclosure control of village tables (DOMAIN.md section 7, issue #5 item 5).

Model. Village cells of each value column add up, within a kecamatan, to the kecamatan total,
which is published in full. The attacker knows every published cell and every group total.
The **strong** attacker also knows which hidden cells are primary, so each lies in
``[1, min_cell]``; the **weak** attacker only sees which cells are hidden (each ``>= 0``). Both
use the row relations :data:`BATAS_ATAS` / :data:`BATAS_BAWAH` (``rt_x <= rumah_tangga <=
jiwa``: a published cell of the row bounds a hidden one). For each hidden cell of a group the
feasible interval is

    lo_i = max(prior_lo_i, S - sum_{j != i} prior_hi_j)
    hi_i = min(prior_hi_i, S - sum_{j != i} prior_lo_j)

with ``S`` = group total - published cells of the group. A cell whose interval has zero width
is disclosed. :func:`audit` lists such cells (strong attacker when given ``primary``).

Algorithm of :func:`suppress` (deterministic):

1. Primary: cells with ``1 <= value <= min_cell`` (zeros are published), never on a
   "Tidak diketahui" row of a kecamatan (:func:`tidak_diketahui`: households whose village is
   unknown are not a place; such a row may still be hidden as a complement).
2. Row rule: when ``rumah_tangga`` (``row_col``) is primary, every value column of that row is
   hidden (the published measures would bound it).
3. ``lp=True`` (as the pipeline runs it): complementary cells chosen per kecamatan by the
   optimiser of :mod:`dtks_analysis.counting.disclosure_opt` (least value hidden, audited by
   the attack of :mod:`dtks_analysis.counting.disclosure_lp`: every linear relation between
   the columns, the non-response list, last month's published table), so that no hidden cell
   is pinned at a non-zero value (the protection rule of ``docs/methodology.md``). Villages
   carried forward keep last month's mask (``sebelumnya``).

``lp=False`` (quick, for benchmarks and the column model's tests) instead:

3. Secondary, column by column (``rumah_tangga`` first, as it bounds the others), per
   kecamatan: while the strong attacker can pin a hidden cell of the group, hide the
   not-yet-hidden cell with the smallest non-zero value (ties: table order = code order); when
   no non-zero cell is left, the first zero cell. This also guarantees a group never has
   exactly one hidden cell.
4. Fallback: when even hiding the whole group would leave a cell pinned for the strong attacker
   (its total equals the sum of the primaries' lower bounds, e.g. the only non-zero villages
   are two with 1 household and the total is 2), step 3 runs against the weak attacker instead
   (the group is listed in ``mask.attrs["model_lemah"]``). A group that cannot be protected
   even then (a single village in its kecamatan) keeps its cells hidden, is listed in
   ``mask.attrs["tidak_terlindungi"]`` and raises a :class:`DisclosureWarning`: only
   suppressing the total could help, and totals are published in full by design.

A group whose total is 0 needs no protection (the total shows every cell is 0); row-rule
cells hidden there stay hidden. Rows whose group value is missing or "" (households of unknown
kecamatan: their figures equal the published "Tidak diketahui" kecamatan row) are not
suppressed. With ``min_cell = 1`` a known-primary cell would be 1 by definition, so its prior
is taken as ``>= 1`` only. The quick steps use ``rt_x <= rt_bansos <= rumah_tangga`` but not
``rt_bansos <= sum of the programs`` nor intervals of hidden bounding cells narrower than
their prior.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from dtks_analysis.counting.disclosure_lp import BulanTerbit

INF = np.inf


class DisclosureWarning(UserWarning):
    """A group whose hidden cells are pinned by its published total whatever is suppressed."""


def _values(table: pd.DataFrame, value_cols: Sequence[str]) -> pd.DataFrame:
    return table[list(value_cols)].astype("Int64")


def tidak_diketahui(table: pd.DataFrame) -> np.ndarray:
    """Rows that are not a place: a "Tidak diketahui" row of a kecamatan (households whose
    village is unknown, empty ``kode_desa``). No household can be located through them."""
    if "kode_desa" not in table:
        return np.zeros(len(table), dtype=bool)
    return (table["kode_desa"].fillna("") == "").to_numpy()


def primary_mask(table: pd.DataFrame, value_cols: Sequence[str], min_cell: int = 3) -> pd.DataFrame:
    """Boolean frame: cells with ``1 <= value <= min_cell``, except on "Tidak diketahui" rows
    (:func:`tidak_diketahui`: never primary; they may still be hidden as complements)."""
    vals = _values(table, value_cols)
    small = ((vals >= 1) & (vals <= min_cell)).fillna(False).astype(bool)
    return small & ~tidak_diketahui(table)[:, None]


def _intervals(
    prior_lo: np.ndarray, prior_hi: np.ndarray, s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Feasible [lo, hi] of each hidden cell given all hidden cells' priors and their sum ``s``."""
    own_inf = np.isinf(prior_hi)
    others_inf = own_inf.sum() - own_inf.astype(int)
    finite_sum = prior_hi[~own_inf].sum()
    others_hi = np.where(others_inf > 0, INF, finite_sum - np.where(own_inf, 0.0, prior_hi))
    lo = np.maximum(prior_lo, s - others_hi)
    hi = np.minimum(prior_hi, s - (prior_lo.sum() - prior_lo))
    return lo, hi


def _group_leaks(
    hidden: np.ndarray, prior_lo: np.ndarray, prior_hi: np.ndarray, s: float
) -> np.ndarray:
    """Positions (within the group) of hidden cells whose interval has zero width."""
    idx = np.flatnonzero(hidden)
    if len(idx) == 0:
        return idx
    lo, hi = _intervals(prior_lo[idx], prior_hi[idx], s)
    return idx[hi - lo <= 0]


#: Row relations of the village table that the attacker uses (acyclic, ``rumah_tangga`` is the
#: root): a hidden cell is at most the value of these columns in its row (the published value,
#: or that cell's own prior upper bound when hidden) ...
BATAS_ATAS: dict[str, tuple[str, ...]] = {
    "rt_bpnt": ("rt_bansos", "rumah_tangga"),
    "rt_pbi_jkn": ("rt_bansos", "rumah_tangga"),
    "rt_pkh": ("rt_bansos", "rumah_tangga"),
    "rt_bansos": ("rumah_tangga",),
    "rt_imputasi": ("rumah_tangga",),
}
#: ... and at least these (persons >= households).
BATAS_BAWAH: dict[str, tuple[str, ...]] = {"jiwa": ("rumah_tangga",)}


def _column_order(cols: list[str], atas: dict, bawah: dict) -> list[int]:
    """Column positions ordered so bounding columns come before the columns they bound
    (cycles broken by table order)."""
    deps = {c: [b for b in (*atas.get(c, ()), *bawah.get(c, ())) if b in cols] for c in cols}
    order: list[str] = []
    pending = list(cols)
    while pending:
        ready = [c for c in pending if all(d in order for d in deps[c])] or pending[:1]
        order.append(ready[0])
        pending.remove(ready[0])
    return [cols.index(c) for c in order]


def _column_priors(
    c: int,
    cols: list[str],
    v: np.ndarray,
    hidden: np.ndarray,
    primary: np.ndarray,
    plo: np.ndarray,
    phi: np.ndarray,
    min_cell: int,
    atas: dict,
    bawah: dict,
) -> None:
    """Fill ``plo[:, c]``, ``phi[:, c]``: the attacker's prior for each cell of column ``c``."""
    lo = np.where(primary[:, c], 1.0, 0.0)
    # with min_cell 1 a known-primary cell is 1 by definition: treat it as merely non-zero
    hi = np.where(primary[:, c], float(min_cell) if min_cell >= 2 else INF, INF)
    for b in atas.get(cols[c], ()):
        if b in cols and b != cols[c]:
            j = cols.index(b)
            hi = np.minimum(hi, np.where(hidden[:, j], phi[:, j], v[:, j]))
    for b in bawah.get(cols[c], ()):
        if b in cols and b != cols[c]:
            j = cols.index(b)
            lo = np.maximum(lo, np.where(hidden[:, j], plo[:, j], v[:, j]))
    plo[:, c] = lo
    phi[:, c] = hi


def _groups(table: pd.DataFrame, group_col: str) -> pd.Series:
    g = table[group_col].astype(object)
    return g.where(g.notna(), "")


def _secondary_pick(h: np.ndarray, vals: np.ndarray, fixed: np.ndarray | None = None) -> int | None:
    """Next cell to hide: smallest non-zero value, then table order; else the first zero.
    ``fixed`` cells (already known to the reader) are never picked."""
    cand = np.flatnonzero(~h if fixed is None else ~h & ~fixed)
    if len(cand) == 0:
        return None
    nonzero = cand[vals[cand] > 0]
    if len(nonzero):
        return int(nonzero[np.lexsort((nonzero, vals[nonzero]))[0]])
    return int(cand[0])


def _carried_masks(
    table: pd.DataFrame,
    cols: list[str],
    sebelumnya: BulanTerbit,
    dibawa: set[str],
    turun: set[str],
) -> tuple[np.ndarray, np.ndarray]:
    """(forced, fixed) for the cells of villages carried forward with last month's values:
    hidden last month -> hidden now; published last month -> known, never a secondary."""
    prev = sebelumnya.desa
    prev = prev[prev["kode_desa"].fillna("") != ""].drop_duplicates("kode_desa")
    prev_hidden = prev.set_index("kode_desa")[cols].isna()
    desa = table["kode_desa"].fillna("")
    same = desa.isin(dibawa - set(turun)) & desa.isin(prev_hidden.index)
    ph = prev_hidden.reindex(desa[same]).to_numpy(dtype=bool)
    forced = np.zeros((len(table), len(cols)), dtype=bool)
    fixed = np.zeros_like(forced)
    idx = np.flatnonzero(same.to_numpy())
    forced[idx] = ph
    fixed[idx] = ~ph
    if "rt_imputasi" in cols:  # this month's own relation (= rumah_tangga), not last month's
        j = cols.index("rt_imputasi")
        forced[:, j] = fixed[:, j] = False
    return forced, fixed


def suppress(
    village_table: pd.DataFrame,
    value_cols: Sequence[str],
    group_col: str = "kode_kecamatan",
    min_cell: int = 3,
    *,
    row_col: str | None = "rumah_tangga",
    batas_atas: Mapping[str, tuple[str, ...]] | None = None,
    batas_bawah: Mapping[str, tuple[str, ...]] | None = None,
    lp: bool = False,
    dibawa: set[str] | None = None,
    sebelumnya: BulanTerbit | None = None,
    turun: set[str] = frozenset(),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (table with hidden cells as ``<NA>`` in Int64 value columns, boolean mask frame).

    See the module docstring for the rules. ``row_col``: the column whose primary suppression
    hides the whole row (None: no row rule; ignored if not among ``value_cols``).
    ``batas_atas`` / ``batas_bawah``: row relations known to the attacker (default
    :data:`BATAS_ATAS`, :data:`BATAS_BAWAH`; pass ``{}`` for none).
    ``lp``: choose the complementary cells by optimisation, audited by the linear-programming
    attack of :mod:`disclosure_lp` (every relation of :data:`disclosure_lp.RELASI_BARIS`), until
    no hidden non-zero value is pinned (step 3). ``dibawa``: villages carried forward (published in ``nonrespon``);
    ``sebelumnya``: last month as published (its ``primer`` = its primary cells), so a carried
    village keeps last month's mask; ``turun``: carried villages whose cells differ from last
    month's (a family moved away).
    """
    if min_cell < 1:
        raise ValueError("min_cell harus >= 1")
    atas = dict(BATAS_ATAS if batas_atas is None else batas_atas)
    bawah = dict(BATAS_BAWAH if batas_bawah is None else batas_bawah)
    cols = list(value_cols)
    vals = _values(village_table, cols)
    if vals.isna().any().any():
        raise ValueError("village_table: nilai kosong pada kolom yang disensor")
    groups = _groups(village_table, group_col).to_numpy()
    active = groups != ""
    primary = primary_mask(village_table, cols, min_cell).to_numpy() & active[:, None]
    hidden = primary.copy()
    if row_col is not None and row_col in cols:
        hidden |= primary[:, [cols.index(row_col)]]
    fixed = np.zeros_like(hidden)
    if sebelumnya is not None and dibawa:
        forced, fixed = _carried_masks(village_table, cols, sebelumnya, dibawa, turun)
        hidden |= forced & active[:, None]
        fixed &= ~hidden

    if lp:
        from dtks_analysis.counting import disclosure_opt

        res = disclosure_opt.protect(
            village_table, cols, hidden, fixed, groups, min_cell, dibawa, sebelumnya, turun
        )
        return _finish(village_table, vals, cols, res.hidden, res.lemah, res.tidak)
    v = vals.to_numpy(dtype=np.int64)
    no_primary = np.zeros_like(primary)
    strong = (np.zeros(v.shape), np.full(v.shape, INF))
    weak = (np.zeros(v.shape), np.full(v.shape, INF))
    group_rows = [
        (g, rows.to_numpy())
        for g, rows in pd.Series(np.arange(len(v))).groupby(groups, sort=True)
        if g != ""
    ]
    lemah: list[str] = []
    unresolved: list[str] = []
    for c in _column_order(cols, atas, bawah):
        _column_priors(c, cols, v, hidden, primary, *strong, min_cell, atas, bawah)
        _column_priors(c, cols, v, hidden, no_primary, *weak, min_cell, atas, bawah)
        for gname, rows in group_rows:
            h = hidden[rows, c]
            if not h.any():
                continue
            gv = v[rows, c]
            total = float(gv.sum())
            if total == 0:
                continue  # every cell is 0 and the published total says so: nothing to protect
            plo, phi = strong[0][rows, c], strong[1][rows, c]
            if len(_group_leaks(np.ones_like(h), plo, phi, total)):
                # not protectable against the strong attacker: protect against the weak one
                lemah.append(f"{gname}/{cols[c]}")
                plo, phi = weak[0][rows, c], weak[1][rows, c]
            while len(_group_leaks(h, plo, phi, total - gv[~h].sum())):
                pick = _secondary_pick(h, gv, fixed[rows, c])
                if pick is None:
                    unresolved.append(f"{gname}/{cols[c]}")
                    break
                h[pick] = True
            hidden[rows, c] = h
    return _finish(village_table, vals, cols, hidden, lemah, unresolved)


def _finish(
    village_table: pd.DataFrame,
    vals: pd.DataFrame,
    cols: list[str],
    hidden: np.ndarray,
    lemah: list[str],
    unresolved: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Warn about unprotected groups; the published table and the mask (with its lists)."""
    if unresolved:
        warnings.warn(
            "Sel tersensor tetap dapat dihitung dari total kecamatan (hidden cells pinned by "
            f"published totals): {', '.join(unresolved)}",
            DisclosureWarning,
            stacklevel=2,
        )
    mask = pd.DataFrame(hidden, index=village_table.index, columns=cols)
    mask.attrs["model_lemah"] = lemah
    mask.attrs["tidak_terlindungi"] = unresolved
    out = village_table.copy()
    for col in cols:
        out[col] = vals[col].mask(mask[col])
    return out, mask


def group_totals(
    table: pd.DataFrame, value_cols: Sequence[str], group_col: str = "kode_kecamatan"
) -> pd.DataFrame:
    """Sum of each value column per group (the published kecamatan totals), indexed by group."""
    g = _groups(table, group_col)
    return _values(table, value_cols).groupby(g.to_numpy(), sort=True).sum().astype("int64")


def audit(
    published: pd.DataFrame,
    totals: pd.DataFrame,
    min_cell: int = 3,
    *,
    primary: pd.DataFrame | None = None,
    group_col: str = "kode_kecamatan",
    value_cols: Sequence[str] | None = None,
    batas_atas: Mapping[str, tuple[str, ...]] | None = None,
    batas_bawah: Mapping[str, tuple[str, ...]] | None = None,
) -> pd.DataFrame:
    """Hidden cells recoverable from the published cells and group totals.

    ``published``: table with hidden cells ``<NA>``; ``totals``: true group sums indexed by the
    group value (:func:`group_totals`); ``primary``: the cells the attacker knows are primary
    (prior ``[1, min_cell]``, e.g. :func:`primary_mask` of the true table: the strong attacker
    :func:`suppress` defends against); default none known. Other hidden cells: prior ``>= 0``;
    row relations as in :func:`suppress`. Returns ``baris`` (index label), the group, ``kolom``,
    ``lo``, ``hi`` of each hidden cell whose feasible interval has zero width (empty frame:
    nothing is recoverable).
    """
    atas = dict(BATAS_ATAS if batas_atas is None else batas_atas)
    bawah = dict(BATAS_BAWAH if batas_bawah is None else batas_bawah)
    cols = list(value_cols) if value_cols is not None else list(totals.columns)
    vals = published[cols].astype("Int64")
    hidden = vals.isna().to_numpy()
    prim = np.zeros_like(hidden)
    if primary is not None:
        prim = primary[cols].to_numpy(dtype=bool) & hidden
    v = vals.fillna(0).to_numpy(dtype=np.int64)
    plo = np.zeros(v.shape)
    phi = np.full(v.shape, INF)
    for c in _column_order(cols, atas, bawah):
        _column_priors(c, cols, v, hidden, prim, plo, phi, min_cell, atas, bawah)
    groups = _groups(published, group_col).to_numpy()
    out = []
    for gname, rows in pd.Series(np.arange(len(v))).groupby(groups, sort=True):
        rows = rows.to_numpy()
        for c, col in enumerate(cols):
            h = hidden[rows, c]
            if not h.any():
                continue
            if totals.loc[gname, col] == 0:
                continue  # all cells 0, as the published total shows
            s = float(totals.loc[gname, col]) - float(v[rows, c][~h].sum())
            idx = np.flatnonzero(h)
            lo, hi = _intervals(plo[rows[idx], c], phi[rows[idx], c], s)
            for i, a, b in zip(idx, lo, hi, strict=True):
                if b - a <= 0:
                    out.append((published.index[rows[i]], gname, col, a, b))
    res = pd.DataFrame(out, columns=["baris", group_col, "kolom", "lo", "hi"])
    return res.astype({"lo": "float64", "hi": "float64"})


def hidden_kinds(
    table: pd.DataFrame, mask: pd.DataFrame, min_cell: int = 3, row_col: str | None = "rumah_tangga"
) -> tuple[np.ndarray, np.ndarray]:
    """(primary, secondary) hidden cells of ``mask``: primary = hidden by the small-cell rule
    (:func:`primary_mask`, and the rest of the row of a village whose ``row_col`` is primary);
    secondary = every other hidden cell (complements, and cells kept hidden because the
    village's carried cells were hidden last month)."""
    cols = list(mask.columns)
    h = mask.to_numpy(dtype=bool)
    prim = primary_mask(table, cols, min_cell).to_numpy()
    if row_col is not None and row_col in cols:
        prim = prim | prim[:, [cols.index(row_col)]]
    return h & prim, h & ~prim


#: ``kode_aturan`` of the information-loss rows of ``kualitas_data`` (``tingkat`` "sensor")
KEHILANGAN = (
    "sensor_sel_primer",
    "sensor_sel_sekunder",
    "sensor_rt_primer",
    "sensor_rt_sekunder",
    "sensor_jiwa",
    "sensor_desa_rt_sekunder",
)


def information_loss(table: pd.DataFrame, mask: pd.DataFrame, min_cell: int = 3) -> pd.DataFrame:
    """What suppression hid in the village table, as rows shaped like ``kualitas_data``
    (``kode_aturan, tingkat, uraian, jumlah_catatan``; ``tingkat`` = "sensor"; the unit is in
    each ``uraian``): cells hidden (primary, secondary), households in the hidden cells of the
    household columns (every column but ``jiwa``; a household counts once per column),
    persons in the hidden ``jiwa`` cells, and real villages whose ``rumah_tangga`` is hidden
    as a complement (the village is not small, yet the reader does not see its size)."""
    cols = list(mask.columns)
    prim, sec = hidden_kinds(table, mask, min_cell)
    v = table[cols].astype("int64").to_numpy()
    hh = np.array([c != "jiwa" for c in cols])
    jiwa = np.array([c == "jiwa" for c in cols])
    rt = sec[:, cols.index("rumah_tangga")] if "rumah_tangga" in cols else np.zeros(len(v), bool)
    desa_rt = rt & ~tidak_diketahui(table)
    kecil = f"1–{min_cell}"
    per_kolom = "(satu rumah tangga dihitung pada tiap kolom yang disembunyikan)"
    rows = [
        (
            int(prim.sum()),
            f"Sel tabel desa/kelurahan yang disembunyikan karena bernilai {kecil} atau desanya "
            f"hanya berisi {kecil} rumah tangga (primer); satuan: sel",
        ),
        (
            int(sec.sum()),
            "Sel tabel desa/kelurahan yang ikut disembunyikan sebagai pelindung (sekunder); "
            "satuan: sel",
        ),
        (
            int((v * (prim & hh)).sum()),
            "Jumlah nilai sel primer yang disembunyikan pada kolom rumah tangga dan kolom "
            f"penerima program {per_kolom}; satuan: rumah tangga",
        ),
        (
            int((v * (sec & hh)).sum()),
            "Jumlah nilai sel sekunder yang disembunyikan pada kolom rumah tangga dan kolom "
            f"penerima program {per_kolom}; satuan: rumah tangga",
        ),
        (
            int((v * (mask.to_numpy(dtype=bool) & jiwa)).sum()),
            "Jiwa pada sel kolom jiwa yang disembunyikan (primer dan sekunder); satuan: jiwa",
        ),
        (
            int(desa_rt.sum()),
            "Desa/kelurahan yang jumlah rumah tangganya ikut disembunyikan sebagai pelindung "
            "(bukan desa kecil); satuan: desa/kelurahan",
        ),
    ]
    return pd.DataFrame(
        {
            "kode_aturan": list(KEHILANGAN),
            "tingkat": "sensor",
            "uraian": [u for _, u in rows],
            "jumlah_catatan": np.array([n for n, _ in rows], dtype="int64"),
        }
    )


LAIN = "Desa/kelurahan lain (disembunyikan)"


def named_carried(published: pd.DataFrame, dibawa: set[str]) -> set[str]:
    """Carried villages that may be named: ``rumah_tangga`` and ``rt_imputasi`` published.

    A named carried village tells the reader ``rt_imputasi = rumah_tangga`` and that its cells
    equal last month's; with a hidden count the name would pin it to the kecamatan's
    published ``rt_imputasi`` total when it is the only one there.
    """
    pub = published[published["kode_desa"].fillna("").isin(dibawa)]
    shown = pub["rumah_tangga"].notna() & pub["rt_imputasi"].notna()
    return set(pub.loc[shown.to_numpy(), "kode_desa"])


def nonrespon_published(nonrespon: pd.DataFrame, rekap_desa: pd.DataFrame) -> pd.DataFrame:
    """The non-response table as published, protected together with ``rekap_desa``.

    A village whose cells are published there is named with its ``rumah_tangga`` (= its
    ``rt_imputasi``). The others are not named: one row per kecamatan, ``desa`` =
    :data:`LAIN`, empty ``kode_desa``, ``rumah_tangga`` ``<NA>``.
    """
    named = named_carried(rekap_desa, set(nonrespon["kode_desa"]))
    pub = rekap_desa[rekap_desa["kode_desa"].fillna("") != ""].drop_duplicates("kode_desa")
    imputasi = pub.set_index("kode_desa")["rt_imputasi"].astype("Int64")
    out = nonrespon[nonrespon["kode_desa"].isin(named)].copy()
    out["rumah_tangga"] = imputasi.reindex(out["kode_desa"]).to_numpy()
    rest = nonrespon[~nonrespon["kode_desa"].isin(named)].drop_duplicates("kode_kecamatan")
    rest = rest.assign(kode_desa="", desa=LAIN, rumah_tangga=pd.NA)
    out = pd.concat([out, rest]) if len(rest) else out
    out["rumah_tangga"] = out["rumah_tangga"].astype("Int64")
    out["_lain"] = out["kode_desa"] == ""
    out = out.sort_values(["kode_kecamatan", "_lain", "kode_desa"], kind="stable")
    return out.drop(columns="_lain").reset_index(drop=True)
