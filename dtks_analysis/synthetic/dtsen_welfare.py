"""DTSEN welfare ranking of the synthetic families (issue #13).

Every family has a latent welfare score: a persistent random part plus a pull towards the poor
end for the programs it receives when it is ranked. The three rankings (nasional, provinsi,
kabupaten/kota) each add their own noise and cut points, so they differ but stay correlated.
Ranking happens in the first DTSEN month and again at every quarter start (January, April, July,
October); in between, a family keeps its desil and status, and families that enter the registry
after a ranking wait unranked until the next one. At each ranking some families stay unranked
and some are marked ``nonaktif``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RANKINGS = ("desil_nasional", "desil_provinsi", "desil_kabupaten_kota")
# standard normal quantiles at 10 %, 20 %, ..., 90 %: national / provincial decile cut points
NORMAL_DECILES = np.array([-1.2816, -0.8416, -0.5244, -0.2533, 0.0, 0.2533, 0.5244, 0.8416, 1.2816])
# pull of each program on the score (negative = poorer) and spread of the random part
PULL = {"bpnt": -2.2, "pkh": -1.1, "fam_pbi": -2.0}
SHIFT = {"desil_nasional": -0.3, "desil_provinsi": -0.15}  # the kabupaten is poorer than average
RANK_NOISE = 0.3
P_UNRANKED = 0.035  # share of the ranked population left unranked at a ranking
P_NONAKTIF = 0.03  # share marked nonaktif at a ranking
_BLOCK = 1 << 16


def fid_draw(seed: int, tag: int, fids: np.ndarray, k: int, kind: str = "normal") -> np.ndarray:
    """``k`` draws per family id that do not depend on which months were generated before."""
    fids = np.asarray(fids, dtype=np.int64)
    out = np.empty((k, len(fids)))
    for b in np.unique(fids // _BLOCK):
        rng = np.random.default_rng([seed, 90 + tag, int(b)])
        table = rng.standard_normal((k, _BLOCK)) if kind == "normal" else rng.random((k, _BLOCK))
        m = fids // _BLOCK == b
        out[:, m] = table[:, fids[m] % _BLOCK]
    return out


def quarter(month: str) -> tuple[int, int]:
    """(year, quarter 1..4) of ``YYYY-MM``."""
    return int(month[:4]), (int(month[5:7]) - 1) // 3 + 1


class Ranking:
    """Desil and status of every family as of the last ranking."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.month: str | None = None
        self.table = pd.DataFrame(
            {
                "fid": pd.Series(dtype="int64"),
                **{r: pd.Series(dtype="Int8") for r in RANKINGS},
                "nonaktif": pd.Series(dtype=bool),
            }
        )

    def due(self, month: str) -> bool:
        """Whether ``month`` re-ranks: the first DTSEN month or a new quarter since the last one."""
        return self.month is None or quarter(month) != quarter(self.month)

    def rank(self, families: pd.DataFrame, month: str) -> None:
        """Rank the families present now (columns fid, bpnt, pkh, fam_pbi)."""
        fid = families["fid"].to_numpy(np.int64)
        z = fid_draw(self.seed, 0, fid, 1)[0]
        s = z + sum(w * families[c].to_numpy(float) for c, w in PULL.items())
        s = (s - s.mean()) / s.std()
        y, q = quarter(month)
        qtag = y * 4 + q
        eps = fid_draw(self.seed, qtag % 997 + 1, fid, 3)
        u = fid_draw(self.seed, qtag % 997 + 1001, fid, 2, kind="uniform")
        out = pd.DataFrame({"fid": fid})
        for i, r in enumerate(RANKINGS):
            x = s + RANK_NOISE * eps[i]
            if r in SHIFT:
                d = 1 + np.searchsorted(NORMAL_DECILES, x + SHIFT[r])
            else:  # within the kabupaten: equal tenths by rank
                order = np.argsort(np.argsort(x, kind="stable"), kind="stable")
                d = 1 + (order * 10) // len(x)
            out[r] = pd.array(d, dtype="Int8")
        unranked = u[0] < P_UNRANKED
        for r in RANKINGS:
            out.loc[unranked, r] = pd.NA
        out["nonaktif"] = u[1] < P_NONAKTIF
        self.table, self.month = out, month

    def lookup(self, fids: np.ndarray) -> pd.DataFrame:
        """Desil (Int8, <NA> when not ranked) and nonaktif of ``fids`` (entrants: unranked, aktif)."""
        t = self.table.set_index("fid")
        out = t.reindex(np.asarray(fids, dtype=np.int64))
        out["nonaktif"] = out["nonaktif"].astype("boolean").fillna(False).astype(bool)
        for r in RANKINGS:
            out[r] = out[r].astype("Int8")
        return out.reset_index()
