"""Choropleth maps of the monthly report (matplotlib only, no GIS libraries).

Boundaries: the packaged GeoJSON of ``dtks_analysis/data/peta/``, read and simplified by
:mod:`~dtks_analysis.publishing.boundaries`. Values: the **published** tables only
(``rekap_kecamatan``, and ``rekap_desa`` after disclosure control), never person data.

Every map is classed (equal "nice" intervals, a single-hue palette dark = high that stays
readable in greyscale, Indonesian numbers in the legend). A village whose cell is hidden by
disclosure control is hatched ("disembunyikan"), never drawn as zero; a village without a row
is light grey ("tidak ada data"). Coverage is classed as the report's tables print it (one
decimal), so a region's class is the one its printed value falls in. Figures follow
:mod:`~dtks_analysis.publishing.chart_style` (title, source line, A4 width, deterministic SVG).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, to_hex
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerPatch
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from dtks_analysis.config import Settings
from dtks_analysis.counting import stats
from dtks_analysis.formatting import fmt_dec, fmt_int, fmt_pct
from dtks_analysis.publishing import boundaries as geo
from dtks_analysis.publishing.chart_style import TINTA, TINTA_LEMBUT, WIDTH, new_figure, styled
from dtks_analysis.vocab import PROGRAM_LABELS, PROGRAMS

NILAI, DISEMBUNYIKAN, TIDAK_ADA = "nilai", "disembunyikan", "tidak ada data"
ABU_KOSONG = "#eeeeee"  # "tidak ada data": light grey, lighter than the lightest class
HATCH_PT = 3.5  # hatch lines this many points apart: a few lines even across a small village
HATCH_STYLE = {"edgecolor": TINTA, "linewidth": 0.55}
RAMP = LinearSegmentedColormap.from_list(
    "dtks_biru", ["#c8dbee", "#8fb1d2", "#4f7fab", "#1f4e79", "#0b2239"]
)
#: what each coverage map shows: key -> (count column, panel title)
CAKUPAN = {
    "bansos": ("rt_bansos", "Bantuan apa pun (BPNT, PBI-JKN atau PKH)"),
    **{p: (f"rt_{p}", PROGRAM_LABELS[p]) for p in PROGRAMS},
}
MAX_KELAS = 5

__all__ = [
    "Bagian",
    "Kelas",
    "bagian_peta",
    "classify",
    "kelas",
    "nilai_desa",
    "nilai_kecamatan",
    "peta_cakupan_desa",
    "peta_cakupan_kecamatan",
    "peta_rumah_tangga_desa",
]


# --------------------------------------------------------------------------- values


def _as_printed(persen: float) -> float:
    """A percentage as the report's tables print it (``fmt_pct``, one decimal), as a number."""
    text = fmt_pct(persen / 100).rstrip("%").replace(".", "").replace(",", ".")
    return float(text.replace("\u2212", "-"))


def nilai_kecamatan(rekap: pd.DataFrame, kolom: str) -> pd.DataFrame:
    """``kode, nilai, status`` per kecamatan of ``rekap_kecamatan``: coverage (percent, rounded
    as printed) when ``kolom`` is a ``rt_*`` column, else the count. Rows without a code
    ("Tidak diketahui") are not places and are left out."""
    rk = rekap[rekap["kode_kecamatan"].fillna("").astype(str).str.len() > 0]
    if kolom == "rumah_tangga":
        values = pd.to_numeric(rk["rumah_tangga"], errors="coerce").to_numpy(dtype=float)
    else:  # the one place coverage is computed (as the report's program table does)
        cak = stats.cakupan(rk, "").iloc[:-1][f"persen_{kolom.removeprefix('rt_')}"]
        values = np.array([_as_printed(v) if np.isfinite(v) else np.nan for v in cak])
    status = np.where(np.isfinite(values), NILAI, TIDAK_ADA)
    kode = rk["kode_kecamatan"].astype(str).to_numpy()
    return pd.DataFrame({"kode": kode, "nilai": values, "status": status})


def nilai_desa(rekap_desa: pd.DataFrame, kolom: str) -> pd.DataFrame:
    """``kode, nilai, status`` per village of the published ``rekap_desa``: the count
    (``kolom="rumah_tangga"``) or the coverage ``kolom / rumah_tangga`` (percent, rounded as
    printed). A cell the map needs that is hidden (empty) gives ``disembunyikan``; no
    households gives ``tidak ada data``. Rows without a village code are not places."""
    rd = rekap_desa[rekap_desa["kode_desa"].fillna("").astype(str).str.len() > 0]
    rt = pd.to_numeric(rd["rumah_tangga"], errors="coerce").to_numpy(dtype=float)
    if kolom == "rumah_tangga":
        values, hidden = rt, np.isnan(rt)
    else:
        num = pd.to_numeric(rd[kolom], errors="coerce").to_numpy(dtype=float)
        hidden = np.isnan(rt) | np.isnan(num)
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = np.where(rt > 0, 100 * num / rt, np.nan)
        values = np.array([_as_printed(v) if np.isfinite(v) else np.nan for v in raw])
    status = np.where(hidden, DISEMBUNYIKAN, np.where(np.isfinite(values), NILAI, TIDAK_ADA))
    kode = rd["kode_desa"].astype(str).to_numpy()
    return pd.DataFrame({"kode": kode, "nilai": np.where(hidden, np.nan, values), "status": status})


# --------------------------------------------------------------------------- classes


@dataclass(frozen=True)
class Kelas:
    """Classes ``[breaks[i], breaks[i+1])`` with their legend labels and colours."""

    breaks: tuple[float, ...]
    labels: tuple[str, ...]
    colors: tuple[str, ...]
    judul: str


def _nice_steps(persen: bool) -> list[float]:
    mult = (1, 2, 2.5, 5) if persen else (1, 2, 5)
    return [m * 10**e for e in range(7) for m in mult]


def kelas(values, *, persen: bool, judul: str = "", maks: int = MAX_KELAS) -> Kelas:
    """Equal intervals of a "nice" width (1, 2, 2,5 or 5 x 10^k; whole numbers for counts)
    covering ``values``: the narrowest width that gives at most ``maks`` classes. For counts of
    20 regions or more, values above the 90th percentile share an open top class ("... atau
    lebih", upper break ``inf``) so that a few large villages do not flatten the map.

    >>> k = kelas([41.7, 61.5, 50.0], persen=True)
    >>> k.breaks, k.labels
    ((40.0, 45.0, 50.0, 55.0, 60.0, 65.0), ('40,0–44,9', '45,0–49,9', '50,0–54,9', '55,0–59,9', '60,0–64,9'))
    >>> kelas([12, 480, 95], persen=False).labels
    ('0–99', '100–199', '200–299', '300–399', '400–499')
    >>> kelas([*range(100, 300, 10), 900], persen=False).labels
    ('100–149', '150–199', '200–249', '250–299', '300 atau lebih')
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    lo, top = (float(v.min()), float(v.max())) if len(v) else (0.0, 0.0)
    hi = min(top, 99.9) if persen else top  # 100% is in the class below 100
    lo = min(lo, hi)
    if not persen and len(v) >= 20:
        hi = float(np.quantile(v, 0.9))
    for step in _nice_steps(persen):
        a = math.floor(lo / step) * step
        n = math.floor(hi / step) - math.floor(lo / step) + 1
        open_top = not persen and top >= a + n * step
        if n + open_top <= maks:
            break
    breaks = [float(Decimal(str(a)) + i * Decimal(str(step))) for i in range(n + 1)]
    if persen:  # 100% falls in the class below (classify keeps the top value in the last class)
        labels = [
            f"{fmt_dec(b0, 1)}–{fmt_dec(100 if b1 >= 100 else b1 - 0.1, 1)}"
            for b0, b1 in zip(breaks, breaks[1:], strict=False)
        ]
    else:
        labels = [
            f"{fmt_int(b0)}–{fmt_int(b1 - 1)}" for b0, b1 in zip(breaks, breaks[1:], strict=False)
        ]
        if open_top:
            labels.append(f"{fmt_int(breaks[-1])} atau lebih")
            breaks.append(math.inf)
    k = len(labels)
    grid = np.linspace(0, 1, k) if k > 1 else np.array([0.5])
    return Kelas(tuple(breaks), tuple(labels), tuple(to_hex(RAMP(x)) for x in grid), judul)


def classify(values, breaks) -> np.ndarray:
    """Class index of each value (``-1`` for missing): ``breaks[i] <= v < breaks[i+1]``.

    >>> classify([40.0, 44.9, 45.0, float("nan")], (40.0, 45.0, 50.0)).tolist()
    [0, 0, 1, -1]
    """
    v = np.asarray(values, dtype=float)
    idx = np.searchsorted(np.asarray(breaks, dtype=float), v, side="right") - 1
    idx = np.clip(idx, 0, len(breaks) - 2)
    return np.where(np.isfinite(v), idx, -1)


# --------------------------------------------------------------------------- drawing


def _frame_axes(ax: Axes, regions: list[geo.Wilayah]) -> None:
    x0, x1, y0, y1 = geo.bounds(regions)
    pad_x, pad_y = (x1 - x0) * 0.02, (y1 - y0) * 0.02
    ax.set_xlim(x0 - pad_x, x1 + pad_x)
    ax.set_ylim(y0 - pad_y, y1 + pad_y)
    ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
    ax.set_axis_off()


def _diagonals(x0: float, x1: float, c0: float, c1: float, gap: float, slope: float) -> MplPath:
    """Hatch lines ``y = slope * x + c`` for ``c`` from ``c0`` to ``c1`` every ``gap``, from ``x0``
    to ``x1``, to be clipped by a shape. Lines, not an SVG pattern: Chromium prints every use of
    a pattern on an A4 page as an image of about 50 kB."""
    c = np.arange(math.floor(c0 / gap) * gap, c1 + gap, gap)
    xs = np.tile([x0, x1], len(c))
    codes = np.tile([MplPath.MOVETO, MplPath.LINETO], len(c)).astype(np.uint8)
    return MplPath(np.column_stack([xs, np.repeat(c, 2) + slope * xs]), codes)


class _Arsir(Patch):
    """Legend handle of the hatched ("disembunyikan") shapes."""


class _ArsirHandler(HandlerPatch):
    """Draws :class:`_Arsir` as a white box crossed by the map's hatch lines."""

    def create_artists(
        self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans
    ):
        x, y = -xdescent, -ydescent
        box = Rectangle((x, y), width, height, fc="white", ec=TINTA_LEMBUT, lw=0.3, transform=trans)
        path = _diagonals(x, x + width, y - x - width, y + height - x, height / 1.6, 1.0)
        lines = PathPatch(path, transform=trans, fill=False, **HATCH_STYLE)
        lines.set_clip_path(box)
        return [box, lines]


def _draw(
    ax: Axes,
    regions: list[geo.Wilayah],
    nilai: pd.DataFrame,
    k: Kelas,
    *,
    gid: str,
    width_in: float,
    edge: str = "white",
    lw: float = 0.3,
) -> dict[str, str]:
    """Fill each region by its class (hatched when hidden, grey without data); return the
    status drawn per region code. Each shape's SVG id is ``<gid>-<kode>-<status>``, its
    hatching's ``<gid>-<kode>-arsir``."""
    x0, x1, y0, y1 = geo.bounds(regions)
    cos = math.cos(math.radians((y0 + y1) / 2))
    gap = HATCH_PT * math.sqrt(2) * (x1 - x0) / (width_in * 72) * cos  # along y, in degrees
    by_kode = nilai.drop_duplicates("kode").set_index("kode")
    classes = dict(zip(by_kode.index, classify(by_kode["nilai"], k.breaks), strict=True))
    drawn: dict[str, str] = {}
    for w in regions:
        status = by_kode["status"].get(w.kode, TIDAK_ADA)
        style: dict = {"facecolor": ABU_KOSONG, "edgecolor": edge, "linewidth": lw}
        if status == NILAI:
            style["facecolor"] = k.colors[classes[w.kode]]
        elif status == DISEMBUNYIKAN:
            style["facecolor"] = "white"
        patch = PathPatch(geo.to_path(w), **style)
        patch.set_gid(f"{gid}-{w.kode}-{status.replace(' ', '-')}")
        ax.add_patch(patch)
        if status == DISEMBUNYIKAN:  # lines at 45 degrees on paper (slope cos(latitude))
            pts = np.concatenate(w.rings)
            c = pts[:, 1] - cos * pts[:, 0]
            path = _diagonals(pts[:, 0].min(), pts[:, 0].max(), c.min(), c.max(), gap, cos)
            lines = PathPatch(path, fill=False, **HATCH_STYLE, zorder=1.5)
            lines.set_gid(f"{gid}-{w.kode}-arsir")
            ax.add_patch(lines)
            lines.set_clip_path(patch)
        drawn[w.kode] = status
    _frame_axes(ax, regions)
    return drawn


def _legend(ax: Axes, k: Kelas, drawn: dict[str, str], **kw) -> None:
    """The classes, then "disembunyikan" and "tidak ada data" when the map has such shapes."""
    items = list(zip(k.colors, k.labels, [""] * len(k.labels), strict=True))
    items += [("white", DISEMBUNYIKAN, "arsir"), (ABU_KOSONG, TIDAK_ADA, "")]
    handles = [
        (_Arsir if h else Patch)(facecolor=c, edgecolor=TINTA_LEMBUT, lw=0.3, label=lab)
        for c, lab, h in items
        if lab not in (DISEMBUNYIKAN, TIDAK_ADA) or lab in drawn.values()
    ]
    ax.legend(
        handles=handles,
        title=k.judul,
        fontsize=6.5,
        title_fontsize=7,
        handlelength=1.6,
        handleheight=1.0,
        borderaxespad=0.2,
        labelspacing=0.3,
        alignment="left",
        handler_map={_Arsir: _ArsirHandler()},
        **kw,
    )


def _wrap(name: str, width: int = 14) -> str:
    """Long names on two lines at the space nearest the middle."""
    if len(name) <= width or " " not in name:
        return name
    mid = len(name) / 2
    cut = min((i for i, c in enumerate(name) if c == " "), key=lambda i: abs(i - mid))
    return name[:cut] + "\n" + name[cut + 1 :]


def _labels(
    ax: Axes, regions: list[geo.Wilayah], fontsize: float = 6.3, color: str = TINTA
) -> None:
    """Region names at their label points, moved apart when they would overlap."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    box_style = {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.78}
    notes = [
        ax.annotate(
            _wrap(w.nama),
            (w.lng, w.lat),
            xytext=(0, 0),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=fontsize,
            color=color,
            linespacing=0.95,
            bbox=box_style,
            zorder=5,
            in_layout=False,
        )
        for w in regions
    ]
    fig = ax.figure
    canvas = FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = canvas.get_renderer()
    ax_box = ax.get_window_extent(renderer)
    scale = 72 / fig.dpi  # display pixels -> points
    placed: list = []
    for a in sorted(notes, key=lambda n: (-len(n.get_text()), n.get_text())):
        box = a.get_window_extent(renderer)
        h, wd = box.height * scale, box.width * scale
        steps = [(0.0, 0.0)] + [
            (dx * wd, dy * h)
            for r in (0.55, 1.0, 1.5, 2.0)
            for dx, dy in (
                (0, r),
                (0, -r),
                (r * 0.8, 0),
                (-r * 0.8, 0),
                (r, r),
                (-r, -r),
                (r, -r),
                (-r, r),
            )
        ]
        for dx, dy in steps:
            moved = box.translated(dx / scale, dy / scale)
            inside = ax_box.contains(moved.x0, moved.y0) and ax_box.contains(moved.x1, moved.y1)
            if inside and not any(moved.padded(1.5).overlaps(p) for p in placed):
                break
        else:
            dx, dy, moved = 0.0, 0.0, box
        placed.append(moved)
        a.xyann = (dx, dy)
        if math.hypot(dx, dy) > 0.9 * h:  # moved far: a thin leader line to its point
            line = ax.annotate(
                "",
                a.xy,
                xytext=(dx, dy),
                textcoords="offset points",
                zorder=4,
                arrowprops={"arrowstyle": "-", "lw": 0.4, "color": TINTA_LEMBUT},
            )
            line.set_in_layout(False)


def _panel(
    ax: Axes,
    regions: list[geo.Wilayah],
    nilai: pd.DataFrame,
    *,
    persen: bool,
    judul: str,
    legend_title: str,
    gid: str,
    legend: dict,
    width_in: float,
    borders: MplPath | None = None,
) -> dict[str, str]:
    k = kelas(nilai["nilai"], persen=persen, judul=legend_title)
    lw = 0.25 if borders is not None else 0.5
    drawn = _draw(ax, regions, nilai, k, gid=gid, width_in=width_in, lw=lw)
    _legend(ax, k, drawn, **legend)
    if borders is not None:  # a white casing keeps the dark line visible on the darkest class
        for color, width in (("white", 1.5), (TINTA, 0.6)):
            ax.add_patch(PathPatch(borders, fill=False, edgecolor=color, linewidth=width, zorder=3))
    ax.set_title(judul, fontsize=8, loc="left", pad=3)
    return drawn


BELOW = {"loc": "upper left", "bbox_to_anchor": (0.0, -0.01), "ncols": 2}
RIGHT = {"loc": "center left", "bbox_to_anchor": (1.0, 0.5)}


def peta_cakupan_kecamatan(
    rekap_kecamatan: pd.DataFrame,
    kec: list[geo.Wilayah],
    source: str = "",
    title: str | None = None,
) -> Figure:
    """Coverage by kecamatan: any program on a large map with the kecamatan names, BPNT,
    PBI-JKN and PKH as three small maps below; each map has its own classes."""
    r = geo.ratio(kec)
    big_w = WIDTH - 1.5
    kec = geo.for_width(kec, big_w)
    big_h, small_h = min(big_w * r, 5.6), min((WIDTH / 3 - 0.15) * r, 2.4)
    height = 0.6 + big_h + 0.3 + small_h + 0.75
    title = title or "Cakupan program bantuan menurut kecamatan"
    with styled():
        fig = new_figure(height, source, title)
        grid = fig.add_gridspec(2, 3, height_ratios=[big_h + 0.2, small_h + 0.75])
        big = fig.add_subplot(grid[0, :])
        keys = list(CAKUPAN)
        col, judul = CAKUPAN[keys[0]]
        _panel(
            big,
            kec,
            nilai_kecamatan(rekap_kecamatan, col),
            persen=True,
            judul=judul,
            legend_title="Cakupan (%)",
            gid=f"kec-{keys[0]}",
            legend=RIGHT,
            width_in=big_w,
        )
        _labels(big, kec)
        for i, key in enumerate(keys[1:]):
            ax = fig.add_subplot(grid[1, i])
            col, judul = CAKUPAN[key]
            _panel(
                ax,
                kec,
                nilai_kecamatan(rekap_kecamatan, col),
                persen=True,
                judul=judul,
                legend_title="Cakupan (%)",
                gid=f"kec-{key}",
                legend=BELOW,
                width_in=WIDTH / 3 - 0.15,
            )
    return fig


def peta_cakupan_desa(
    rekap_desa: pd.DataFrame, desa: list[geo.Wilayah], source: str = "", title: str | None = None
) -> Figure:
    """Coverage by village, four small maps (any program, BPNT, PBI-JKN, PKH), kecamatan
    borders drawn over the villages; hidden cells hatched."""
    r = geo.ratio(desa)
    map_h = min((WIDTH / 2 - 0.1) * r, 3.6)
    desa = geo.for_width(desa, WIDTH / 2)
    height = 0.6 + 2 * (map_h + 0.8)
    title = title or "Cakupan program bantuan menurut desa/kelurahan"
    borders = geo.borders(desa)
    with styled():
        fig = new_figure(height, source, title)
        fig.get_layout_engine().set(h_pad=0.15)  # the legends above the second row's titles
        axes = fig.subplots(2, 2).ravel()
        for ax, (key, (col, judul)) in zip(axes, CAKUPAN.items(), strict=True):
            _panel(
                ax,
                desa,
                nilai_desa(rekap_desa, col),
                persen=True,
                judul=judul,
                legend_title="Cakupan (%)",
                gid=f"desa-{key}",
                legend=BELOW,
                width_in=WIDTH / 2 - 0.1,
                borders=borders,
            )
    return fig


def peta_rumah_tangga_desa(
    rekap_desa: pd.DataFrame,
    desa: list[geo.Wilayah],
    kec: list[geo.Wilayah] | None = None,
    source: str = "",
    title: str | None = None,
) -> Figure:
    """DTKS households per village, kecamatan borders and (when ``kec`` is given) names."""
    r = geo.ratio(desa)
    map_w = WIDTH - 1.5
    desa = geo.for_width(desa, map_w)
    height = 0.75 + min(map_w * r, 6.0) + 0.2
    title = title or "Rumah tangga DTKS menurut desa/kelurahan"
    with styled():
        fig = new_figure(height, source, title)
        ax = fig.subplots()
        _panel(
            ax,
            desa,
            nilai_desa(rekap_desa, "rumah_tangga"),
            persen=False,
            judul="",
            legend_title="Rumah tangga",
            gid="desa-rt",
            legend=RIGHT,
            width_in=map_w,
            borders=geo.borders(desa),
        )
        if kec:
            _labels(ax, kec, fontsize=5.8, color=TINTA_LEMBUT)
    return fig


# --------------------------------------------------------------------------- report section


@dataclass
class Bagian:
    """The maps section: an HTML fragment (the text) and the figures, in order."""

    teks: str
    gambar: list[Figure]


def _missing(nilai: pd.DataFrame, regions: list[geo.Wilayah]) -> int:
    have = {w.kode for w in regions}
    return int((~nilai["kode"].isin(have)).sum())


def bagian_peta(
    published: dict[str, pd.DataFrame],
    settings: Settings,
    source: str,
    folder: Path = geo.PETA_DIR,
    sumber_data: str = "DTKS",
) -> Bagian:
    """The report's "Peta" section from the published tables of ``settings``' kabupaten: the
    kecamatan map when the province's kecamatan boundaries are packaged, the village maps when
    the kabupaten's village boundaries are too; else one sentence saying why there is no map.
    ``sumber_data``: the month's source, named in the text and titles."""
    kabupaten_kode, provinsi_nama = settings.kabupaten_kode, settings.provinsi_nama
    kec = geo.batas("kecamatan", kabupaten_kode, folder)
    if not kec:
        return Bagian(
            _p(
                f"Peta tidak dapat ditampilkan karena batas wilayah kecamatan Provinsi "
                f"{provinsi_nama} belum tersedia dalam paket aplikasi."
            ),
            [],
        )
    desa = geo.batas("desa", kabupaten_kode, folder)
    rk, rd = published["rekap_kecamatan"], published["rekap_desa"]
    what = (
        f"menurut kecamatan dan desa/kelurahan, serta banyaknya rumah tangga {sumber_data} per "
        "desa/kelurahan"
    )
    text = [
        f"Peta berikut menggambarkan cakupan program bantuan (persentase rumah tangga {sumber_data} yang "
        f"menerima) {what if desa else 'menurut kecamatan'}, dari tabel yang diterbitkan dalam "
        "laporan ini. Warna yang lebih gelap berarti nilai yang lebih tinggi; setiap peta "
        "memiliki kelasnya sendiri (lihat legenda)."
    ]
    gambar = [peta_cakupan_kecamatan(rk, kec, source)]
    tanpa = _missing(nilai_kecamatan(rk, "rt_bansos"), kec)
    if desa:
        text.append(
            "Desa/kelurahan yang angkanya disembunyikan untuk menjaga kerahasiaan diarsir (bukan "
            "nol); desa/kelurahan tanpa data berwarna abu-abu muda. Garis tebal adalah batas "
            "kecamatan."
        )
        gambar += [
            peta_cakupan_desa(rd, desa, source),
            peta_rumah_tangga_desa(
                rd, desa, kec, source, f"Rumah tangga {sumber_data} menurut desa/kelurahan"
            ),
        ]
        tanpa += _missing(nilai_desa(rd, "rumah_tangga"), desa)
    else:
        text.append(
            f"Batas desa/kelurahan {settings.kabupaten_nama} belum tersedia dalam paket aplikasi, "
            f"sehingga peta hanya dibuat menurut kecamatan."
        )
    if tanpa:
        text.append(
            f"Sebanyak {fmt_int(tanpa)} wilayah pada tabel tidak memiliki batas wilayah "
            "dalam paket dan tidak tergambar."
        )
    unknown = "kecamatan atau desanya" if desa else "kecamatannya"
    text.append(
        f"Rumah tangga yang {unknown} tidak diketahui tidak tergambar. Batas wilayah: "
        "repositori wilayah boundaries oleh cahyadsn (lisensi MIT), disederhanakan, bukan batas "
        "resmi."
    )
    return Bagian("".join(_p(t) for t in text), gambar)


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"
