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


def definitions_table() -> pd.DataFrame:
    """One row per variable and indicator with the standard metadata fields."""
    meta = load_metadata()
    rows = []
    for kind, items in (("Variabel", meta["variabel"]), ("Indikator", meta["indikator"])):
        for item in items:
            item = _with_registry(item)
            rows.append({"jenis": kind, **{f: item.get(f) or "" for f in FIELDS}})
    return pd.DataFrame(rows, columns=["jenis", *FIELDS])


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


def workbook_meta(settings: Settings) -> dict:
    """What the workbook writer needs besides the tables."""
    return {
        "instansi": settings.instansi,
        "kabupaten": settings.kabupaten_nama,
        "data_sementara": settings.data_sementara,
        "definisi": definitions_table().to_dict("records"),
        "kegiatan": kegiatan(settings),
    }
