"""Entry point: build the panel, lay out and damage each month, write extracts and truth."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from tqdm import tqdm

from dtks_analysis.config import check_month, month_end, previous_month

from .check import check_month as check_rows
from .dtsen_month import build_month as build_dtsen_month
from .dtsen_month import join_parts
from .dtsen_truth import desil_dtypes, dtsen_stats, household_desil, write_dtsen_truth
from .dtsen_welfare import Ranking
from .dtsen_writer import write_dtsen_month
from .layout import plan_files
from .month import Injector, build_rows, encode, finalize, inject_canonical, inject_written
from .panel import Panel
from .reference import load_reference
from .truth import arus, carry_forward, households, kombinasi, rekap
from .writer import write_month_apart

FORMATS = ("xlsx", "csv", "mixed")
SUMBER = ("dtks", "dtsen", "campuran")


def parse_months(spec: str) -> list[str]:
    """``"2023-07..2023-12"``, ``"2023-12"`` or ``"2023-10,2023-12"`` -> sorted list of months."""
    out: set[str] = set()
    for part in str(spec).split(","):
        part = part.strip()
        if not part:
            continue
        if ".." in part:
            a, b = (check_month(x.strip()) for x in part.split("..", 1))
            if a > b:
                raise ValueError(f"rentang bulan terbalik (reversed month range): {part}")
            m = b
            while m >= a:
                out.add(m)
                m = previous_month(m)
        else:
            out.add(check_month(part))
    if not out:
        raise ValueError(f"tidak ada bulan (no month given): {spec!r}")
    return sorted(out)


def _months_between(a: str, b: str) -> list[str]:
    """Months after ``a`` up to and including ``b``."""
    out = []
    m = b
    while m > a:
        out.append(m)
        m = previous_month(m)
    return out[::-1]


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n")


def _dtks_month(
    raw: Path,
    snap: pd.DataFrame,
    ref,
    m: str,
    lrng: np.random.Generator,
    drng: np.random.Generator,
    present: np.ndarray,
    fmt: str,
    defect_rate: float,
    anchors: set[int],
    pending: list[Callable[[], None]],
) -> tuple:
    """Lay out, damage, check and write the DTKS files of a month (villages ``present``);
    the writer's wait is appended to ``pending``."""
    files, where = plan_files(lrng, ref, m, present, fmt)
    w = build_rows(snap, files, where, ref)
    inj = Injector(w, files, ref, drng)
    budget = inj.budget(defect_rate)
    w = inject_canonical(w, inj, budget, anchors)
    enc = encode(w, files, ref)
    inject_written(w, enc, inj, budget)
    df = finalize(w, enc, files, inj.dup_rows, drng)
    # the files are written beside the check, the truth and the next months (joined at the end)
    written, wait = write_month_apart(raw, df, files, m, ref.desa, ref.nama)
    pending.append(wait)
    findings, facts = check_rows(df, files, ref, int(m[:4]))
    declared = {
        files[fi].path: {"skema_hubungan": files[fi].skema}
        for fi in sorted(set(df["file_idx"]))
        if files[fi].skema != "dtks"
    }
    return df, files, where, findings, facts, written, declared


def generate(
    out: Path,
    months: list[str],
    scale: float = 1.0,
    seed: int = 20231,
    defect_rate: float = 0.02,
    fmt: str = "mixed",
    progress: bool = True,
    kabupaten: str = "12.11",
    sumber: str = "dtks",
    beralih: str | None = None,
    folder: str = "",
    movers: Callable[[str, pd.DataFrame], pd.DataFrame] | None = None,
) -> dict:
    """Write synthetic extracts and their truth for ``months``; return a small summary.

    ``kabupaten``: Kemendagri code (``"12.17"``); its villages in force, sized from its
    population (Dairi at scale 1: about 37 000 families, ~42 % of the population).
    ``sumber``: ``dtks`` (SIKS-NG exports and village files) or ``dtsen`` (the two DTSEN files,
    with desil); ``beralih``: first DTSEN month of a series that starts in DTKS.
    """
    if sumber not in SUMBER:
        raise ValueError(f"sumber harus salah satu dari {SUMBER} (got {sumber!r})")
    if beralih is not None:
        beralih = check_month(beralih)
    if fmt not in FORMATS:
        raise ValueError(f"format harus salah satu dari {FORMATS} (got {fmt!r})")
    if not months:
        raise ValueError("tidak ada bulan (no months)")
    if scale <= 0:
        raise ValueError("scale harus > 0")
    months = sorted({check_month(m) for m in months})
    out = Path(out)
    ref = load_reference(kabupaten)
    panel = Panel(ref, np.random.default_rng([seed, 0]), scale)
    summary: dict = {
        "kabupaten": ref.kode,
        "seed": seed,
        "scale": scale,
        "defect_rate": defect_rate,
        "fmt": fmt,
        "months": {},
    }
    prev_month: str | None = None
    prev_adj: pd.DataFrame | None = None
    prev_nonresp: set[int] = set()
    last_dtsen: pd.DataFrame | None = None  # households of the latest month with DTSEN files
    ranking = Ranking(seed)
    pending: list[Callable[[], None]] = []
    # campuran: a fixed random half of the kecamatan still sends DTKS files
    kec_codes = ref.kecamatan["kode"].to_numpy()
    still_dtks = np.random.default_rng([seed, 6]).random(len(kec_codes)) < 0.5
    dtks_desa = ref.desa["kode_kec"].isin(kec_codes[still_dtks]).to_numpy()
    # on a terminal only (disable=None): in a log the summary lines say what was written
    bar = tqdm(months, desc="dtks sample", unit="bulan", disable=(not progress) or None)
    for i, m in enumerate(bar):
        t0 = time.perf_counter()
        me = np.datetime64(month_end(m))
        if prev_month is None:
            panel.init(me)
        else:
            for mm in _months_between(prev_month, m):
                panel.step(np.datetime64(month_end(mm)))
        consecutive = prev_month is not None and previous_month(m) == prev_month
        lrng = np.random.default_rng([seed, 1, i])
        drng = np.random.default_rng([seed, 2, i])
        nd = len(ref.desa)
        present = np.ones(nd, bool)
        nonresp: set[int] = set()
        dtsen = sumber == "dtsen" or (beralih is not None and m >= beralih)
        mixed = sumber == "campuran"
        if consecutive and not dtsen:
            k = int(lrng.integers(1, 4))
            cand = np.array([d for d in range(nd) if d not in prev_nonresp])
            if mixed:  # only villages still delivering DTKS files can fail to deliver
                cand = cand[dtks_desa[cand]]
            nonresp = {int(x) for x in lrng.choice(cand, k, replace=False)}
            present[list(nonresp)] = False
        snap = panel.snapshot()
        if movers is not None:
            snap = movers(m, snap)
        anchors = set(panel.families.loc[panel.families["anchor"], "fid"])
        raw = out / "raw" / folder / m
        raw.mkdir(parents=True, exist_ok=True)
        if (dtsen or mixed) and ranking.due(m):
            ranking.rank(panel.families, m)
        if dtsen:
            dm = build_dtsen_month(snap, ranking, ref, m, lrng, drng, defect_rate, fmt, anchors)
            df, files, where, findings, facts = dm.df, dm.files, dm.where, dm.findings, dm.facts
            written = write_dtsen_month(raw, dm, m, ref.nama)
            declared = {}
        else:
            if mixed:
                present &= dtks_desa
            df, files, where, findings, facts, written, declared = _dtks_month(
                raw, snap, ref, m, lrng, drng, present, fmt, defect_rate, anchors, pending
            )
        if mixed:
            villages = np.flatnonzero(~dtks_desa)
            dm = build_dtsen_month(
                snap, ranking, ref, m, lrng, drng, defect_rate, fmt, anchors, villages
            )
            df, findings, facts = join_parts(df, findings, facts, dm)
            where = {**where, **dm.where}
            written = sorted(written + write_dtsen_month(raw, dm, m, ref.nama))
        hh = households(facts, ref)
        if dtsen or mixed:
            hh = household_desil(facts, hh)
        responding = set(facts.loc[facts["counted"], "kode_desa"].dropna())
        adj, nr = carry_forward(hh, prev_adj if consecutive else None, responding)
        if dtsen or mixed:
            adj = desil_dtypes(adj)
        rk, rd = rekap(adj, ref)
        kb = kombinasi(adj)
        ar = arus(adj, prev_adj if consecutive else None)
        (raw / "sumber.yaml").write_text(
            "# Skema kode hubungan keluarga per berkas (default: dtks)\n"
            + yaml.safe_dump(
                {"files": dict(sorted(declared.items()))}, sort_keys=True, allow_unicode=True
            ),
            encoding="utf-8",
        )
        # ---- write truth
        tdir = out / "truth" / folder / m
        tdir.mkdir(parents=True, exist_ok=True)
        d = findings.reset_index(drop=True)
        defects = pd.DataFrame(
            {
                "defect_id": [f"{m}-{k + 1:06d}" for k in range(len(d))],
                "kode_aturan": d["kode_aturan"],
                "file": d["file"],
                "sheet": d["sheet"],
                "row": d["row"].astype("int64"),
                "kolom": d["kolom"],
            }
        )
        _write_csv(defects, tdir / "defects.csv")
        _write_csv(rk, tdir / "rekap_kecamatan.csv")
        _write_csv(rd, tdir / "rekap_desa.csv")
        _write_csv(kb, tdir / "kombinasi_program.csv")
        _write_csv(ar, tdir / "arus_program.csv")
        _write_csv(nr, tdir / "nonrespon.csv")
        if dtsen or mixed:
            # arus_desil against the latest earlier DTSEN delivery (a gap or DTKS month between)
            write_dtsen_truth(tdir, adj, last_dtsen, ref)
            last_dtsen = adj
        adj.to_parquet(tdir / "households.parquet", index=False)
        rows = pd.concat(
            [
                df[
                    ["path", "sheet", "row", "pid", "fid", "defect", "defect_kolom", "nik", "no_kk"]
                ],
                facts[
                    [
                        "counted",
                        "dup",
                        "usable",
                        "kode_kecamatan",
                        "kode_desa",
                        "bpnt",
                        "pbi_jkn",
                        "pkh",
                        "nik_luar_kabupaten",
                    ]
                ].add_prefix("t_"),
            ],
            axis=1,
        )
        rows.to_parquet(tdir / "rows.parquet", index=False)
        clean = snap.assign(
            kode_desa=ref.desa["kode"].to_numpy()[snap["desa"].to_numpy()],
            responding=snap["desa"].isin(list(where)).to_numpy(),
        ).drop(columns=["desa"])
        clean.to_parquet(tdir / "panel.parquet", index=False)
        n_rows = len(df)
        stats = {
            "bulan": m,
            "rumah_tangga": int(len(adj)),
            "jiwa": int(adj["jiwa"].sum()),
            "rt_imputasi": int(adj["imputasi"].sum()),
            "jiwa_imputasi": int(adj.loc[adj["imputasi"], "jiwa"].sum()),
            "rt_observasi": int(len(hh)),
            "jiwa_observasi": int(hh["jiwa"].sum()),
            "baris": n_rows,
            "baris_tidak_dapat_diolah": int((~facts["usable"]).sum()),
            "baris_ganda": int(facts["dup"].sum()),
            "baris_dihitung": int(facts["counted"].sum()),
            "nik_luar_kabupaten": int((facts["nik_luar_kabupaten"] & facts["counted"]).sum()),
            "desa_nonrespon": [str(x) for x in nr["kode_desa"]],
            "cacat": int(len(defects)),
            "cacat_per_aturan": {
                k: int(v) for k, v in defects["kode_aturan"].value_counts().sort_index().items()
            },
            "berkas": written,
            "bulan_sebelumnya": prev_month if consecutive else None,
            "seed": seed,
            "scale": scale,
            "defect_rate": defect_rate,
            "format": fmt,
        }
        if dtsen or mixed:
            stats |= dtsen_stats(adj, dm, "campuran" if mixed else "dtsen")
        (tdir / "summary.json").write_text(
            json.dumps(stats, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        secs = time.perf_counter() - t0
        summary["months"][m] = {
            "rows": n_rows,
            "files": len(written),
            "seconds": round(secs, 2),
            "rumah_tangga": stats["rumah_tangga"],
        }
        prev_month, prev_adj, prev_nonresp = m, adj, nonresp
    t0 = time.perf_counter()
    for wait in pending:  # the months' file writers
        wait()
    waited = time.perf_counter() - t0
    summary["seconds"] = round(sum(v["seconds"] for v in summary["months"].values()) + waited, 2)
    return summary
