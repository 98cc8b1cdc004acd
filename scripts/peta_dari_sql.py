"""Convert a boundary file of cahyadsn/wilayah_boundaries (MIT) into the package's map format.

    python scripts/peta_dari_sql.py wilayah_boundaries_kec_13.sql \
        dtks_analysis/data/peta/batas_kecamatan_13.geojson.gz
    python scripts/peta_dari_sql.py wilayah_boundaries_kel_12.17.sql \
        dtks_analysis/data/peta/batas_desa_12.17.geojson.gz

Input: the repository's ``db/kec/wilayah_boundaries_kec_<prov>.sql`` or
``db/kel/<prov>/wilayah_boundaries_kel_<kab>.sql`` (``INSERT INTO wilayah_boundaries(kode,nama,
lat,lng,path) VALUES ('12.11.01','Sidikalang',2.74,98.32,'[[[lat,lng],...]]'), ...``).
Output: a gzip GeoJSON FeatureCollection, one MultiPolygon per region (every ``[lat, lng]`` ring
of ``path`` becomes one polygon, as ``[lng, lat]`` rounded to 5 decimals), properties ``kode,
nama, lat, lng``; sorted by code, byte-identical on every run. See docs/maps.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

ROW = re.compile(
    r"\(\s*'(?P<kode>[0-9.]+)'\s*,\s*'(?P<nama>(?:[^']|'')*)'\s*,\s*(?P<lat>[-0-9.eE]+)\s*,"
    r"\s*(?P<lng>[-0-9.eE]+)\s*,\s*'(?P<path>\[[^']*\])'\s*(?:,\s*[-0-9]+\s*)?\)"
)


def rings(node) -> list[list[list[float]]]:
    """Every innermost list of ``[lat, lng]`` pairs of a nested ``path`` value."""
    if node and isinstance(node[0], int | float):
        raise ValueError("a coordinate pair outside a ring")
    if node and isinstance(node[0], list) and node[0] and isinstance(node[0][0], int | float):
        return [node]
    return [r for child in node for r in rings(child)]


def convert(sql: str) -> dict:
    features = []
    for m in ROW.finditer(sql):
        polygons = [
            [[[round(lng, 5), round(lat, 5)] for lat, lng in ring]]
            for ring in rings(json.loads(m["path"]))
            if len(ring) >= 3
        ]
        if not polygons:
            continue
        props = {
            "kode": m["kode"],
            "nama": m["nama"].replace("''", "'"),
            "lat": round(float(m["lat"]), 5),
            "lng": round(float(m["lng"]), 5),
        }
        geometry = {"type": "MultiPolygon", "coordinates": polygons}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    features.sort(key=lambda f: f["properties"]["kode"])
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "sql", type=Path, help="wilayah_boundaries_*.sql of cahyadsn/wilayah_boundaries"
    )
    ap.add_argument(
        "out", type=Path, help="batas_kecamatan_<prov>.geojson.gz or batas_desa_<kab>..."
    )
    args = ap.parse_args(argv)
    data = convert(args.sql.read_text(encoding="utf-8"))
    if not data["features"]:
        print(f"{args.sql}: tidak ada baris wilayah (no region rows found)", file=sys.stderr)
        return 1
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with (
        args.out.open("wb") as fh,
        gzip.GzipFile(filename="", fileobj=fh, mode="wb", mtime=0) as gz,
    ):
        gz.write(text.encode("utf-8"))
    print(f"{args.out}: {len(data['features'])} wilayah")
    return 0


if __name__ == "__main__":
    sys.exit(main())
