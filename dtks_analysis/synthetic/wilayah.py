"""Several kabupaten at once, in the many-kabupaten layout, with movers (issue 15).

``generate_wilayah(out, ["12.11", "12.15"], months, ...)`` writes ``out/raw/<kode>/<YYYY-MM>/``
and ``out/truth/<kode>/<YYYY-MM>/`` for each kabupaten (the single-kabupaten generator, one seed
per kabupaten), and gives a few people of each kabupaten after the first the whole identity (NIK,
name, sex, date and place of birth, mother's name) of a person of the kabupaten before it in the
same month: *movers*, registered in two kabupaten, as happens. The truth of the cross-kabupaten
duplicates is taken from the rows written (``rows.parquet``): ``out/truth/movers_<YYYY-MM>.csv``
(the planted pairs) and ``out/truth/duplikat_lintas_kabupaten_<YYYY-MM>.csv`` (per kabupaten,
the distinct valid NIKs of its counted rows also in another kabupaten's counted rows).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .generator import generate

IDENTITY = ("nik", "nama", "female", "dob", "tempat_lahir", "nama_ibu")
"""The columns a mover takes over: the NIK must agree with the recorded birth date and sex."""
MOVERS_PER_MILLE = 4
"""People per thousand of a kabupaten (after the first) who are also registered in the one before."""
NIK_DAMAGE = frozenset(
    {
        "nik_kosong", "nik_excel", "nik_panjang", "nik_bukan_angka", "nik_tanggal",
        "nik_nomor_urut", "nik_beda_jk", "nik_provinsi", "nik_kabupaten",
    }
)  # fmt: skip
"""Defects after which the written NIK is no longer the person's (not found as a duplicate)."""


def _is_mover(pid: np.ndarray) -> np.ndarray:
    """A fixed, well-spread choice of person IDs: the same people move every month."""
    return (pid.astype(np.uint64) * np.uint64(2654435761) % np.uint64(1000)) < MOVERS_PER_MILLE


def generate_wilayah(out: Path, kabupaten: list[str], months: list[str], **kwargs) -> dict:
    """Write every kabupaten of ``kabupaten`` (Kemendagri codes) and the movers' truth.

    ``kwargs`` go to :func:`generate` (``seed`` is the first kabupaten's; the next get
    ``seed + 1``, ``seed + 2``, ...). Returns ``{"kabupaten": {kode: summary}, "movers": {...}}``.
    """
    out = Path(out)
    seed = int(kwargs.pop("seed", 20231))
    donors: dict[str, pd.DataFrame] = {}
    planted: list[pd.DataFrame] = []
    summaries: dict[str, dict] = {}
    for j, kode in enumerate(kabupaten):
        own: dict[str, pd.DataFrame] = {}

        def movers(
            month: str,
            snap: pd.DataFrame,
            j: int = j,
            kode: str = kode,
            donors: dict[str, pd.DataFrame] = donors,
            own: dict[str, pd.DataFrame] = own,
        ) -> pd.DataFrame:
            pick = _is_mover(snap["pid"].to_numpy())
            donor = donors.get(month)
            if donor is not None and len(donor):
                rows = np.flatnonzero(pick)[: len(donor)]
                rng = np.random.default_rng([seed, 15, j, int(month.replace("-", ""))])
                src = rng.choice(len(donor), len(rows), replace=False)
                snap = snap.copy()
                for c in IDENTITY:
                    snap.loc[rows, c] = donor[c].to_numpy()[src]
                planted.append(
                    pd.DataFrame(
                        {
                            "bulan": month,
                            "kode_asal": kabupaten[j - 1],
                            "kode_tujuan": kode,
                            "nik": donor["nik"].to_numpy()[src],
                        }
                    )
                )
            # the next kabupaten's movers take identities this one really records
            own[month] = snap.loc[~pick, list(IDENTITY)].reset_index(drop=True)
            return snap

        summaries[kode] = generate(
            out, months, seed=seed + j, kabupaten=kode, folder=kode, movers=movers, **kwargs
        )
        donors = own
    truth = out / "truth"
    allp = pd.concat(planted, ignore_index=True) if planted else pd.DataFrame()
    counts: dict[str, dict[str, int]] = {}
    for month in months:
        if len(allp):
            part = allp[allp["bulan"] == month].drop(columns="bulan")
            part.to_csv(truth / f"movers_{month}.csv", index=False, lineterminator="\n")
        dup = duplicate_truth(truth, kabupaten, month)
        dup.to_csv(
            truth / f"duplikat_lintas_kabupaten_{month}.csv", index=False, lineterminator="\n"
        )
        counts[month] = dict(
            zip(dup["kode_kabupaten"], dup["nik_juga_di_kabupaten_lain"], strict=True)
        )
    return {"kabupaten": summaries, "duplikat": counts}


def duplicate_truth(truth: Path, kabupaten: list[str], month: str) -> pd.DataFrame:
    """Per kabupaten: distinct NIKs of its counted, undamaged rows also in another's."""
    pairs = []
    for kode in kabupaten:
        rows = pd.read_parquet(
            truth / kode / month / "rows.parquet", columns=["nik", "defect", "t_counted"]
        )
        ok = rows["t_counted"].to_numpy(bool) & ~rows["defect"].isin(NIK_DAMAGE).to_numpy()
        nik = rows.loc[ok, "nik"].astype(str).str.replace(r"\D", "", regex=True)
        pairs.append(pd.DataFrame({"nik": nik[nik.str.len() == 16].unique(), "kode": kode}))
    p = pd.concat(pairs, ignore_index=True)
    shared = p[p["nik"].duplicated(keep=False)]
    n = shared.groupby("kode").size()
    return pd.DataFrame(
        {
            "kode_kabupaten": kabupaten,
            "nik_juga_di_kabupaten_lain": [int(n.get(k, 0)) for k in kabupaten],
        }
    )
