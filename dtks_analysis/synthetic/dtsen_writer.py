"""Write a DTSEN month's two files (pipe/semicolon/comma CSV or xlsx), deterministic bytes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from .dtsen_month import ANGGOTA_COLUMNS, KELUARGA_COLUMNS, DtsenMonth, header
from .layout import FileStyle
from .writer import write_xlsx

_CELL_FIELDS = {
    "nomor_kartu_keluarga": "no_kk", "penerima_pkh": "pkh", "penerima_bpnt": "bpnt",
    "penerima_pbi_jk": "pbi_jkn", "hubungan_keluarga": "hubungan",
}  # fmt: skip


def _csv(path: Path, headers: list[str], rows: pd.DataFrame, delimiter: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(headers)
    w.writerows(rows.itertuples(index=False, name=None))
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _xlsx(path: Path, fs: FileStyle, sheet: str, rows: pd.DataFrame, month: str, kab: str) -> None:
    write_xlsx(path, fs, {sheet: rows}, month, {}, kab)


def anggota_frame(dm: DtsenMonth) -> pd.DataFrame:
    """Member rows with the written (DTSEN) values of every anggota column."""
    df = dm.df
    out = pd.DataFrame(index=df.index)
    for name, f in ANGGOTA_COLUMNS:
        out[name] = df[f].astype(object)
    if dm.style.jk12:
        out["jenis_kelamin"] = out["jenis_kelamin"].map({"L": "1", "P": "2"})
    return out


def write_dtsen_month(raw: Path, dm: DtsenMonth, month: str, kab: str) -> list[str]:
    """Write both files of the month under ``raw``; returns their relative paths."""
    st = dm.style
    ang = anggota_frame(dm)
    kel = dm.keluarga[list(KELUARGA_COLUMNS)].astype(object)
    written = []
    for part, frame, cols in (
        ("keluarga", kel, list(KELUARGA_COLUMNS)),
        ("anggota", ang, [c for c, _ in ANGGOTA_COLUMNS]),
    ):
        hstyle = getattr(st, f"header_{part}")
        headers = [header(c, hstyle, st) for c in cols]
        path = raw / st.paths[part]
        if getattr(st, f"fmt_{part}") == "csv":
            _csv(path, headers, frame[cols], getattr(st, f"delimiter_{part}"))
        else:
            virt = dm.files[0]
            fs = FileStyle(
                path=st.paths[part],
                kind="dtsen",
                fmt="xlsx",
                columns=list(zip(cols, headers, strict=True)),
                flag_numeric=virt.flag_numeric,
                rel_numeric=virt.rel_numeric,
                date=virt.date if part == "anggota" else "iso",
                sheets=[st.sheets[part]],
            )
            rows = frame[cols].copy()
            # the cell-type switches of the row writer are keyed by the canonical DTKS fields
            if part == "anggota":
                rows = rows.rename(columns=_CELL_FIELDS)
                fs.columns = [(_CELL_FIELDS.get(c, c), h) for c, h in fs.columns]
                rows["nik_num"] = dm.df["nik_num"].to_numpy(bool)
                rows["kk_num"] = dm.df["kk_num"].to_numpy(bool)
                rows["dob_value"] = dm.df["dob_value"].to_numpy()
            else:
                rows["nik_num"] = False
                rows["kk_num"] = np.zeros(len(rows), bool)
            _xlsx(path, fs, st.sheets[part], rows.reset_index(drop=True), month, kab)
        written.append(st.paths[part])
    return sorted(written)
