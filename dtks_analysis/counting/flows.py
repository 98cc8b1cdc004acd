"""Program flows between months and trends over every month present (issue #5 item 4).

Flows are keyed by the household key ``kunci``: a household receiving a program last month and
this month stays (``bertahan``), only this month is new (``baru``), only last month exits
(``keluar``); ``bulan_ini == bulan_lalu + baru - keluar`` is checked and a violation raises.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from dtks_analysis.config import check_month
from dtks_analysis.vocab import PROGRAMS

ARUS_COLUMNS: tuple[str, ...] = ("program", "bulan_lalu", "baru", "keluar", "bertahan", "bulan_ini")


class FlowIdentityError(RuntimeError):
    """``stock(t) = stock(t-1) + new - exit`` does not hold (a bug or duplicated keys)."""


def _receivers(hh: pd.DataFrame, program: str) -> pd.Index:
    """Household keys receiving ``program``."""
    flag = hh[program].fillna(False).astype(bool).to_numpy()
    return pd.Index(hh["kunci"].to_numpy(dtype=object)[flag])


def _set_sizes(cur: pd.Index, prev: pd.Index) -> tuple[int, int, int]:
    """(|cur & prev|, |cur - prev|, |prev - cur|) through shared integer codes."""
    codes, _ = pd.factorize(np.concatenate([cur.to_numpy(), prev.to_numpy()]))
    c, p = codes[: len(cur)], codes[len(cur) :]
    in_prev = np.zeros(codes.max() + 1 if len(codes) else 0, dtype=bool)
    in_prev[p] = True
    in_cur = np.zeros_like(in_prev)
    in_cur[c] = True
    both = in_cur & in_prev
    return int(both.sum()), int((in_cur & ~in_prev).sum()), int((in_prev & ~in_cur).sum())


def _check_unique(hh: pd.DataFrame, name: str) -> None:
    dup = hh["kunci"].duplicated()
    if dup.any():
        raise ValueError(f"{name}: kunci rumah tangga ganda ({int(dup.sum())} baris)")


def arus_program(prev_hh: pd.DataFrame | None, cur_hh: pd.DataFrame) -> pd.DataFrame:
    """Per program: ``bulan_lalu, baru, keluar, bertahan, bulan_ini`` (Int64).

    First month (``prev_hh`` None): only ``bulan_ini`` is filled, the flows are ``<NA>``.
    Raises :class:`FlowIdentityError` if the stock identity fails.
    """
    _check_unique(cur_hh, "bulan ini")
    if prev_hh is not None:
        _check_unique(prev_hh, "bulan lalu")
    rows = []
    for prog in PROGRAMS:
        cur = _receivers(cur_hh, prog)
        if prev_hh is None:
            rows.append((prog, pd.NA, pd.NA, pd.NA, pd.NA, len(cur)))
            continue
        prev = _receivers(prev_hh, prog)
        bertahan, baru, keluar = _set_sizes(cur, prev)
        if len(cur) != len(prev) + baru - keluar:
            raise FlowIdentityError(
                f"{prog}: bulan_ini {len(cur)} != bulan_lalu {len(prev)} + baru {baru} "
                f"- keluar {keluar}"
            )
        rows.append((prog, len(prev), baru, keluar, bertahan, len(cur)))
    out = pd.DataFrame(rows, columns=list(ARUS_COLUMNS))
    for col in ARUS_COLUMNS[1:]:
        out[col] = out[col].astype("Int64")
    return out


def tren_bulanan(hh_by_month: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Households and program households per month: ``bulan, rumah_tangga, rt_bpnt, rt_pbi_jkn,
    rt_pkh, rt_bansos`` (int64; ``rt_bansos``: households receiving at least one program),
    sorted by month."""
    rows = []
    for month in sorted(hh_by_month):
        hh = hh_by_month[check_month(month)]
        progs = [hh[p].fillna(False).astype(bool) for p in PROGRAMS]
        any_prog = int(pd.concat(progs, axis=1).any(axis=1).sum()) if len(hh) else 0
        rows.append((month, len(hh), *(int(p.sum()) for p in progs), any_prog))
    cols = ["bulan", "rumah_tangga", *(f"rt_{p}" for p in PROGRAMS), "rt_bansos"]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({c: "int64" for c in out.columns if c != "bulan"})


def tren_kualitas(
    findings_by_month: Mapping[str, pd.DataFrame], records_by_month: Mapping[str, int]
) -> pd.DataFrame:
    """Error rate per month: ``bulan, catatan, catatan_error, persen_error``.

    ``catatan`` = records read that month (``records_by_month``); ``catatan_error`` = distinct
    records (``record``) with at least one finding of ``tingkat == "error"``; ``persen_error`` =
    100 * catatan_error / catatan (float64, NaN when no records). Months are the union of both
    mappings, sorted; a month without findings has 0 errors.
    """
    months = sorted(set(findings_by_month) | set(records_by_month))
    rows = []
    for month in months:
        check_month(month)
        n = int(records_by_month.get(month, 0))
        f = findings_by_month.get(month)
        err = 0 if f is None or f.empty else int(f.loc[f["tingkat"] == "error", "record"].nunique())
        if err > n:
            raise ValueError(f"{month}: {err} catatan error > {n} catatan")
        rows.append((month, n, err, 100.0 * err / n if n else np.nan))
    out = pd.DataFrame(rows, columns=["bulan", "catatan", "catatan_error", "persen_error"])
    return out.astype({"catatan": "int64", "catatan_error": "int64", "persen_error": "float64"})
