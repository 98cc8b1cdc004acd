"""Variable and indicator metadata (``params/metadata.yaml``) for the report annex and workbook."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from dtks_analysis.config import PARAMS_DIR, Settings
from dtks_analysis.publishing import tables

FIELDS = (
    "nama",
    "definisi",
    "konsep",
    "interpretasi",
    "metode_perhitungan",
    "ukuran",
    "satuan",
    "klasifikasi_penyajian",
)


@lru_cache(maxsize=4)
def load_metadata(path: Path = PARAMS_DIR / "metadata.yaml") -> dict:
    """The parsed metadata file (kegiatan, variabel, indikator)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def variable(kolom: str) -> dict | None:
    """The metadata.yaml variable of a published column (``kolom:``), or None."""
    return next((v for v in load_metadata()["variabel"] if v.get("kolom") == kolom), None)


def _with_registry(item: dict) -> dict:
    """A variable of a published column takes the registry's label and unit when the YAML
    gives none (the column's wording lives once, in ``publishing.tables``)."""
    col = item.get("kolom")
    if col not in tables.FIELDS:
        return item
    f = tables.FIELDS[col]
    return {"nama": f.short, "satuan": f.unit, **{k: v for k, v in item.items() if v}}


def definitions_table(sumber_data: str = "DTKS", dtsen: bool = False) -> pd.DataFrame:
    """One row per variable and indicator with the standard metadata fields.

    ``sumber_data``: the month's source ("DTKS", "DTSEN" or "DTSEN dan DTKS"), named where the
    definitions say DTKS; ``dtsen``: the month has DTSEN households, so the DTSEN variables
    (desil, status keluarga, sasaran) and indicators (kesalahan inklusi/eksklusi) follow."""
    meta = load_metadata()
    groups = [("Variabel", meta["variabel"]), ("Indikator", meta["indikator"])]
    if dtsen:
        groups += [
            ("Variabel", meta.get("variabel_dtsen") or []),
            ("Indikator", meta.get("indikator_dtsen") or []),
        ]
    rows = []
    for kind, items in groups:
        for item in items:
            item = _with_registry(item)
            rows.append({"jenis": kind, **{f: _sumber(item.get(f), sumber_data) for f in FIELDS}})
    return pd.DataFrame(rows, columns=["jenis", *FIELDS])


def _sumber(text: object, sumber_data: str) -> str:
    """``text`` ("" when missing) with "DTKS" naming the month's source instead."""
    out = str(text or "")
    return out.replace("DTKS", sumber_data) if sumber_data != "DTKS" else out


def kegiatan(settings: Settings) -> dict:
    """The activity's metadata, ``{instansi}`` replaced by ``settings.instansi``."""
    return {
        k: v.replace("{instansi}", settings.instansi) if isinstance(v, str) else v
        for k, v in load_metadata()["kegiatan"].items()
    }


def formulas() -> pd.DataFrame:
    """The indicators' formulas in the published tables' column names (``rumus``), for the
    reviewer edition: the public report and the workbook give the method in words only."""
    rows = [
        {
            "indikator": i["nama"],
            "metode_perhitungan": i.get("metode_perhitungan", ""),
            "rumus": i["rumus"],
        }
        for i in load_metadata()["indikator"]
        if i.get("rumus")
    ]
    return pd.DataFrame(rows, columns=["indikator", "metode_perhitungan", "rumus"])


def workbook_meta(settings: Settings, sumber_data: str = "DTKS", dtsen: bool = False) -> dict:
    """What the workbook writer needs besides the tables (``sumber_data``, ``dtsen``: the
    month's source and whether it has DTSEN households, see :func:`definitions_table`)."""
    return {
        "instansi": settings.instansi,
        "kabupaten": settings.kabupaten_nama,
        "data_sementara": settings.data_sementara,
        "sumber_data": sumber_data,
        "definisi": definitions_table(sumber_data, dtsen).to_dict("records"),
        "kegiatan": kegiatan(settings),
    }
