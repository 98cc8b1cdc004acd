"""Time ``validate.validate`` on synthetic cleaned frames (default 150 thousand and 1 million rows).

Usage: ``python bench/bench_validate.py [N ...]``. The frame is built here (families of about
four, valid NIK/No KK, about 2% of rows with a defect), so the benchmark does not depend on
ingest or clean. Prints seconds and rows per second.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from dtks_analysis import regions
from dtks_analysis.config import Settings
from dtks_analysis.editing.validate import validate


def cleaned_frame(n: int, seed: int = 1) -> pd.DataFrame:
    """A cleaned frame (contract section 2) of ``n`` person rows with a few defects."""
    rng = np.random.default_rng(seed)
    t = pd.read_csv(regions.DAIRI_CSV, dtype=str, keep_default_na=False)
    villages = t[t["tingkat"] == "desa"].reset_index(drop=True)
    kec_names = dict(zip(t["kode"], t["nama"], strict=True))

    fam = np.cumsum(rng.random(n) < 0.27)  # a new family starts on ~27% of rows
    first = np.r_[True, fam[1:] != fam[:-1]]
    v = rng.integers(0, len(villages), fam.max() + 1)[fam]
    nik6 = villages["kode_nik6"].to_numpy(dtype=object)[v]
    birth = pd.to_datetime("1940-01-01") + pd.to_timedelta(rng.integers(0, 29000, n), unit="D")
    female = rng.random(n) < 0.5
    dd = birth.day.to_numpy() + np.where(female, 40, 0)
    ddmmyy = pd.Series(dd).map("{:02d}".format) + birth.strftime("%m%y").to_numpy(dtype=object)
    serial = pd.Series(np.arange(n) % 9999 + 1).map("{:04d}".format)
    nik = (pd.Series(nik6) + ddmmyy + serial).to_numpy(dtype=object)
    # No KK: recording date and serial derived from the family number, unique per family
    f = pd.Series(fam)
    kk = (
        pd.Series(nik6)
        + (f % 28 + 1).map("{:02d}".format)
        + (f // 28 % 12 + 1).map("{:02d}".format)
        + (f // 336 % 20).map("{:02d}".format)
        + (f // 6720 % 9999 + 1).map("{:04d}".format)
    ).to_numpy(dtype=object)
    kode_desa = villages["kode"].to_numpy(dtype=object)[v]
    kode_kec = pd.Series(kode_desa).str[:8].to_numpy(dtype=object)
    df = pd.DataFrame(
        {
            "_file": "export_siks.xlsx",
            "_sheet": "Data",
            "_row": np.arange(2, n + 2),
            "_nik_type": "text",
            "_no_kk_type": "text",
            "_skema_hubungan": "dtks",
            "id_dtks": None,
            "alamat": "JL. MERDEKA",
            "rt": "001",
            "rw": "002",
            "nik_raw": nik,
            "no_kk_raw": kk,
            "nik": nik,
            "no_kk": kk,
            "nama": np.where(female, "RINA BR SIREGAR", "BUDI SITUMORANG"),
            "tanggal_lahir": birth,
            "tanggal_lahir_raw": birth.strftime("%Y-%m-%d"),
            "jenis_kelamin": np.where(female, "P", "L"),
            "hubungan": pd.array(np.where(first, 1, 3), dtype="Int8"),
            "bpnt": pd.array(rng.random(n) < 0.3, dtype="boolean"),
            "pbi_jkn": pd.array(rng.random(n) < 0.4, dtype="boolean"),
            "pkh": pd.array(rng.random(n) < 0.1, dtype="boolean"),
            "kode_kecamatan": kode_kec,
            "kecamatan": pd.Series(kode_kec).map(kec_names).to_numpy(dtype=object),
            "kode_desa": kode_desa,
            "desa": villages["nama"].to_numpy(dtype=object)[v],
            "kecamatan_raw": pd.Series(kode_kec).map(kec_names).to_numpy(dtype=object),
            "desa_raw": villages["nama"].to_numpy(dtype=object)[v],
            "wilayah_ejaan_lain": False,
        }
    )
    # about 2% defects: Excel-damaged NIK, empty name, copies, unknown village, bad flag
    bad = rng.choice(n, size=max(n // 50, 5), replace=False)
    k = len(bad) // 5
    df.loc[bad[:k], "_nik_type"] = "number"
    df.loc[bad[k : 2 * k], "nama"] = None
    df.loc[bad[2 * k : 3 * k], ["kode_desa", "desa"]] = None
    df.loc[bad[3 * k : 4 * k], "bpnt"] = pd.NA
    src = np.sort(bad[4 * k :])
    src = src[src < n - len(src)]
    tail = np.arange(n - len(src), n)
    row = df["_row"].to_numpy()[tail]
    df.iloc[tail] = df.iloc[src].to_numpy()
    df.loc[tail, "_row"] = row  # exact copies of earlier rows at the end of the sheet
    return df


def main(sizes: list[int]) -> None:
    settings = Settings()
    for n in sizes:
        df = cleaned_frame(n)
        t0 = time.perf_counter()
        res = validate(df, settings, reference_date="2023-12-31")
        dt = time.perf_counter() - t0
        print(
            f"validate: {n:>9,} rows  {dt:6.2f} s  {n / dt:>10,.0f} rows/s  "
            f"findings {len(res.findings):,}  persons {len(res.persons):,}"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [150_000, 1_000_000])
