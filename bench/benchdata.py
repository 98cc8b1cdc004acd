"""Benchmark inputs, generated once at fixed seeds and cached under ``data/bench/`` (git-ignored).

* :func:`sample_month` — a synthetic month (``dtks_analysis.synthetic.generate``) in
  ``data/bench/scale<S>/raw/2023-12/``.
* :func:`records_parquet` — the ingested records of that month replicated to ``n`` person rows
  with distinct IDs, saved as Parquet: the input of the compute benchmark.

Replication keeps the structure of the month: copy ``j`` moves every file to ``salinan<j>/``
(so file order and duplicate rows stay within a copy) and shifts the 4-digit serial at the end
of every NIK, No KK and ID DTKS by ``j * 1237`` (mod 9999, serial 0000 kept as a defect), so
households, families and defects repeat but the IDs do not collide.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "data" / "bench"
MONTH = "2023-12"
SEED = 20231
_STEP = 1237
_SERIAL = re.compile(r"(\d{4})(\D*)$")


def sample_month(scale: float = 1.0, seed: int = SEED) -> Path:
    """The raw folder (``.../raw``) of a one-month synthetic sample; generated when missing."""
    from dtks_analysis.synthetic import generate

    base = CACHE / f"scale{scale:g}_seed{seed}"
    raw = base / "raw"
    done = base / ".complete"
    if not done.is_file():
        t0 = time.perf_counter()
        generate(base, [MONTH], scale=scale, seed=seed, progress=False)
        done.write_text(f"{time.perf_counter() - t0:.1f}\n")
    return raw


def ingested_records(scale: float = 1.0, seed: int = SEED) -> pd.DataFrame:
    """The month's ``ingest.read_month`` records (cached as Parquet next to the sample)."""
    from dtks_analysis.config import Settings
    from dtks_analysis.intake import ingest

    raw = sample_month(scale, seed)
    path = raw.parent / "records.parquet"
    if not path.is_file():
        res = ingest.read_month(raw / MONTH, Settings(data_dir=raw.parent, raw_dir=raw))
        _write(res.records, path)
    return read_records(path)


def _write(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    df.to_parquet(tmp, index=False)
    tmp.rename(path)


def read_records(path: Path) -> pd.DataFrame:
    """Records as ingest returns them: object columns of ``str`` or ``None``."""
    df = pd.read_parquet(path)
    for col in df.columns:
        if df[col].dtype != object and col != "_row":
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


def _shift_serial(value: str | None, j: int) -> str | None:
    """``value`` with its trailing 4-digit serial moved ``j`` steps (0000 stays 0000)."""
    if value is None:
        return None
    m = _SERIAL.search(value)
    if m is None or m.group(1) == "0000":
        return value
    serial = (int(m.group(1)) - 1 + j * _STEP) % 9999 + 1
    return f"{value[: m.start()]}{serial:04d}{m.group(2)}"


def _shifted(col: pd.Series, j: int) -> np.ndarray:
    """Column ``col`` with every value's serial shifted (computed once per distinct value)."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    moved = np.array([_shift_serial(v, j) for v in uniques] + [None], dtype=object)
    return moved[codes]


def replicate(records: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` rows: copies of ``records`` with distinct IDs and files (see module docstring)."""
    copies = []
    for j in range(-(-n // len(records))):
        c = records.copy()
        if j:
            c["_file"] = f"salinan{j:02d}/" + c["_file"].astype(str)
            for col in ("nik", "no_kk", "id_dtks"):
                if col in c.columns:
                    c[col] = _shifted(c[col], j)
        copies.append(c)
    return pd.concat(copies, ignore_index=True).iloc[:n].reset_index(drop=True)


def records_parquet(n: int, scale: float = 1.0, seed: int = SEED) -> Path:
    """Path of a Parquet file of ``n`` replicated records; built once."""
    base = sample_month(scale, seed).parent
    path = base / f"records_{n}.parquet"
    if not path.is_file():
        _write(replicate(ingested_records(scale, seed), n), path)
    return path
