"""Region boundaries for the report's maps (:mod:`dtks_analysis.publishing.maps`), with numpy
only: read the packaged GeoJSON, simplify it without opening gaps between neighbours, trace the
kecamatan borders on the village boundaries, and turn a region into a matplotlib path.

Files (``dtks_analysis/data/peta/``, from cahyadsn/wilayah_boundaries, MIT; docs/maps.md says
how to add a province): ``batas_kecamatan_<prov>.geojson.gz`` (every kecamatan of a province)
and ``batas_desa_<kab>.geojson.gz`` (every village of a kabupaten). One MultiPolygon feature per
region, coordinates ``[lon, lat]`` (WGS 84), properties ``kode`` (Kemendagri), ``nama``, ``lat``,
``lng`` (a label point).
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from matplotlib.path import Path as MplPath

from dtks_analysis.config import PACKAGE_DATA

PETA_DIR = PACKAGE_DATA / "peta"

__all__ = [
    "PETA_DIR",
    "Wilayah",
    "batas",
    "borders",
    "bounds",
    "for_width",
    "ratio",
    "read_geojson",
    "simplify",
    "to_path",
]


@dataclass(frozen=True, eq=False)
class Wilayah:
    """One region: code, name, label point and its rings (``(n, 2)`` arrays of lon, lat)."""

    kode: str
    nama: str
    lng: float
    lat: float
    rings: tuple[np.ndarray, ...] = field(repr=False)


def _rings(geometry: dict) -> list[np.ndarray]:
    """Every ring of a (Multi)Polygon as one polygon (holes are not drawn), without the
    repeated closing point."""
    coords = geometry.get("coordinates") or []
    polygons = coords if geometry.get("type") == "MultiPolygon" else [coords]
    rings = [np.asarray(r, dtype=float)[:, :2] for poly in polygons for r in poly]
    rings = [r[:-1] if len(r) > 1 and (r[0] == r[-1]).all() else r for r in rings]
    return [r for r in rings if len(r) >= 3]


def read_geojson(path: str | Path) -> tuple[Wilayah, ...]:
    """The regions of a GeoJSON FeatureCollection (``.geojson`` or ``.geojson.gz``), by code."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    out = []
    for feat in data.get("features", []):
        p = feat.get("properties") or {}
        rings = _rings(feat.get("geometry") or {})
        if not rings or not p.get("kode"):
            continue
        pts = np.concatenate(rings)
        lng = float(p["lng"]) if p.get("lng") is not None else float(pts[:, 0].mean())
        lat = float(p["lat"]) if p.get("lat") is not None else float(pts[:, 1].mean())
        out.append(Wilayah(str(p["kode"]), str(p.get("nama") or p["kode"]), lng, lat, tuple(rings)))
    return tuple(sorted(out, key=lambda w: w.kode))


@lru_cache(maxsize=8)
def _read_cached(path: str) -> tuple[Wilayah, ...]:
    return read_geojson(path)


def batas(tingkat: str, kabupaten_kode: str, folder: Path = PETA_DIR) -> list[Wilayah] | None:
    """Boundaries of the kabupaten's ``"kecamatan"`` (from the province file) or ``"desa"``
    (from the kabupaten file); None when the package holds no such file."""
    prov = kabupaten_kode.split(".")[0]
    name = f"batas_kecamatan_{prov}" if tingkat == "kecamatan" else f"batas_desa_{kabupaten_kode}"
    path = Path(folder) / f"{name}.geojson.gz"
    if not path.is_file():
        return None
    return [w for w in _read_cached(str(path)) if w.kode.startswith(kabupaten_kode + ".")]


def _douglas_peucker(pts: np.ndarray, tol: float) -> np.ndarray:
    keep = np.zeros(len(pts), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        seg, d = pts[i + 1 : j] - pts[i], pts[j] - pts[i]
        length = math.hypot(d[0], d[1])
        dist = (
            np.abs(seg[:, 0] * d[1] - seg[:, 1] * d[0]) / length
            if length > 0
            else np.hypot(seg[:, 0], seg[:, 1])
        )
        k = int(np.argmax(dist))
        if dist[k] > tol:
            keep[i + 1 + k] = True
            stack += [(i, i + 1 + k), (i + 1 + k, j)]
    return pts[keep]


def simplify(regions: list[Wilayah], tol: float) -> list[Wilayah]:
    """The regions with fewer vertices (Douglas-Peucker, ``tol`` in degrees) and the same
    topology: rings are cut into arcs at the points where three or more regions meet, and each
    arc is simplified once, so neighbours that share a border's vertices keep one common border
    (no gaps, no overlaps). Where the source's neighbours do not share vertices, each side moves
    by less than ``tol``."""
    nbrs: dict[tuple, set] = {}
    all_rings = []
    for w in regions:
        rings = []
        for r in w.rings:
            pts = [tuple(p) for p in np.round(r, 6).tolist()]
            rings.append(pts)
            for i, p in enumerate(pts):
                nbrs.setdefault(p, set()).update((pts[i - 1], pts[(i + 1) % len(pts)]))
        all_rings.append(rings)
    junction = {p for p, s in nbrs.items() if len(s) != 2}
    done: dict[tuple, np.ndarray] = {}
    out = []
    for w, rings in zip(regions, all_rings, strict=True):
        new = []
        for pts in rings:
            cuts = [i for i, p in enumerate(pts) if p in junction]
            cuts = cuts or [min(range(len(pts)), key=pts.__getitem__)]
            start = cuts[0]
            ring = pts[start:] + pts[:start] + [pts[start]]
            bounds = [c - start for c in cuts] + [len(pts)]
            res: list[np.ndarray] = []
            for a, b in zip(bounds, bounds[1:], strict=False):
                arc = tuple(ring[a : b + 1])
                key = min(arc, arc[::-1])
                if key not in done:
                    done[key] = _douglas_peucker(np.array(key), tol)
                res.append((done[key] if key == arc else done[key][::-1])[:-1])
            ring_s = np.concatenate(res)
            new.append(ring_s if len(ring_s) >= 3 else np.array(pts))
        out.append(Wilayah(w.kode, w.nama, w.lng, w.lat, tuple(new)))
    return out


def for_width(regions: list[Wilayah], width_in: float) -> list[Wilayah]:
    """``regions`` simplified to about half a point on a map ``width_in`` inches wide."""
    x0, x1, y0, y1 = bounds(regions)
    return simplify(regions, max(x1 - x0, y1 - y0) / (width_in * 72) * 0.5)


def to_path(w: Wilayah) -> MplPath:
    verts, codes = [], []
    for r in w.rings:
        verts.append(np.vstack([r, r[:1]]))  # CLOSEPOLY's vertex is ignored
        codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 1) + [MplPath.CLOSEPOLY])
    return MplPath(np.concatenate(verts), np.concatenate(codes).astype(np.uint8))


def bounds(regions: list[Wilayah]) -> tuple[float, float, float, float]:
    pts = np.concatenate([r for w in regions for r in w.rings])
    return pts[:, 0].min(), pts[:, 0].max(), pts[:, 1].min(), pts[:, 1].max()


def ratio(regions: list[Wilayah]) -> float:
    """Height / width of the map on paper (longitude shortened by cos(latitude))."""
    x0, x1, y0, y1 = bounds(regions)
    cos = math.cos(math.radians((y0 + y1) / 2))
    return min(max((y1 - y0) / max((x1 - x0) * cos, 1e-9), 0.35), 1.6)


def _owner(points: np.ndarray, desa: list[Wilayah]) -> np.ndarray:
    """Index into ``desa`` of the village holding each point (``-1``: none)."""
    out = np.full(len(points), -1)
    for i, w in enumerate(desa):
        pts = np.concatenate(w.rings)
        near = (
            (out < 0)
            & (points[:, 0] >= pts[:, 0].min())
            & (points[:, 0] <= pts[:, 0].max())
            & (points[:, 1] >= pts[:, 1].min())
            & (points[:, 1] <= pts[:, 1].max())
        )
        if near.any():
            for r in w.rings:
                hit = MplPath(r).contains_points(points[near])
                idx = np.flatnonzero(near)[hit]
                out[idx] = i
                near[idx] = False
    return out


def borders(desa: list[Wilayah], steps: tuple[float, ...] = (3e-4, 1.5e-3)) -> MplPath | None:
    """The kecamatan borders (and the kabupaten's outline) traced on the village boundaries.

    An edge of a village is a border when the point just outside its middle lies in a village
    of another kecamatan (drawn from the lower kecamatan code's side only) or, at every distance
    in ``steps`` (degrees), in no village at all (the outline). Testing the neighbour instead of
    matching shared vertices works on boundaries whose neighbours do not share every vertex.
    Consecutive border edges are joined into polylines."""
    edges = []  # (village index, ring, start, end, outward test points)
    for i, w in enumerate(desa):
        for r in w.rings:
            a, b = r, np.roll(r, -1, axis=0)
            d = b - a
            length = np.hypot(d[:, 0], d[:, 1])
            twice_area = np.sum(a[:, 0] * b[:, 1] - b[:, 0] * a[:, 1])
            normal = np.column_stack([d[:, 1], -d[:, 0]]) * np.sign(twice_area or 1.0)
            normal /= np.where(length > 0, length, 1.0)[:, None]
            edges.append((i, a, b, (a + b) / 2, normal, length > 0))
    if not edges:
        return None
    mids = np.concatenate([e[3] for e in edges])
    normals = np.concatenate([e[4] for e in edges])
    found = np.full(len(mids), -1)
    for step in steps:
        todo = found < 0
        found[todo] = _owner(mids[todo] + normals[todo] * step, desa)
    kec = np.array([w.kode[:8] for w in desa] + [""])  # found == -1 -> "" (outside)
    own = np.concatenate([np.full(len(e[1]), e[0]) for e in edges])
    other, mine = kec[found], kec[own]
    keep = ((other == "") | ((other != mine) & (mine < other))) & np.concatenate(
        [e[5] for e in edges]
    )
    verts: list = []
    codes: list[int] = []
    pos = 0
    for _i, a, b, *_rest in edges:
        prev = None
        for j in range(len(a)):
            if keep[pos + j]:
                if prev is None:
                    verts.append(a[j])
                    codes.append(MplPath.MOVETO)
                verts.append(b[j])
                codes.append(MplPath.LINETO)
                prev = j
            else:
                prev = None
        pos += len(a)
    return MplPath(np.array(verts), np.array(codes, dtype=np.uint8)) if verts else None
