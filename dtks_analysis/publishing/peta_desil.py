"""Maps of the section "Ketepatan sasaran menurut desil" (DTSEN months, issue 13): the
inclusion and exclusion error of each program by kecamatan.

Values: the **published** ``ketepatan_sasaran`` only (``persen_salah_inklusi``,
``persen_salah_eksklusi``), never person or family data. Two figures, one per error, each with
the three programs side by side on the same classes (one legend under the row), so programs can
be compared; the drawing, classes, hatching and greyscale palette are those of the report's other
maps (:mod:`~dtks_analysis.publishing.maps`, docs/maps.md). A kecamatan whose error cannot be
computed (no recipients for the inclusion error, no target households for the exclusion error)
is light grey, *tidak ada data*; a value hidden by disclosure control (empty cell while its
denominator is not 0, or a hidden denominator) is hatched, *disembunyikan*. Without packaged
kecamatan boundaries there is no map (as in the "Peta" section).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from dtks_analysis.config import Settings
from dtks_analysis.formatting import fmt_int
from dtks_analysis.publishing import boundaries as geo
from dtks_analysis.publishing.chart_style import WIDTH, new_figure, styled
from dtks_analysis.publishing.maps import (
    DISEMBUNYIKAN,
    NILAI,
    TIDAK_ADA,
    Bagian,
    _as_printed,
    _draw,
    _legend,
    _missing,
    _p,
    kelas,
)
from dtks_analysis.vocab import PROGRAM_LABELS, PROGRAMS

#: error kind -> (percent column, denominator column, figure title, legend title)
KESALAHAN: dict[str, tuple[str, str, str, str]] = {
    "inklusi": (
        "persen_salah_inklusi",
        "rt_penerima",
        "Kesalahan inklusi program bantuan menurut kecamatan",
        "Kesalahan inklusi (% penerima di luar sasaran)",
    ),
    "eksklusi": (
        "persen_salah_eksklusi",
        "rt_sasaran",
        "Kesalahan eksklusi program bantuan menurut kecamatan",
        "Kesalahan eksklusi (% sasaran yang tidak menerima)",
    ),
}

__all__ = ["KESALAHAN", "bagian_peta_desil", "nilai_ketepatan", "peta_kesalahan"]


def nilai_ketepatan(ketepatan: pd.DataFrame, program: str, jenis: str) -> pd.DataFrame:
    """``kode, nilai, status`` per kecamatan of ``ketepatan_sasaran`` for ``program`` and the
    error ``jenis`` (``inklusi``/``eksklusi``): the percentage rounded as the tables print it.
    The kabupaten row and rows without a kecamatan code ("Tidak diketahui") are not drawn."""
    col, den_col, _title, _legend_title = KESALAHAN[jenis]
    kode = ketepatan["kode_kecamatan"].fillna("").astype(str)
    k = ketepatan[(ketepatan["program"] == program) & (kode.str.count(r"\.") == 2)]
    pct = pd.to_numeric(k[col], errors="coerce").to_numpy(dtype=float)
    den = pd.to_numeric(k[den_col], errors="coerce").to_numpy(dtype=float)
    hidden = np.isnan(den) | (np.isnan(pct) & (np.nan_to_num(den) > 0))
    values = np.array([_as_printed(v) if np.isfinite(v) else np.nan for v in pct])
    status = np.where(hidden, DISEMBUNYIKAN, np.where(np.isfinite(values), NILAI, TIDAK_ADA))
    return pd.DataFrame(
        {
            "kode": k["kode_kecamatan"].astype(str).to_numpy(),
            "nilai": np.where(hidden, np.nan, values),
            "status": status,
        }
    )


def peta_kesalahan(
    ketepatan: pd.DataFrame, kec: list[geo.Wilayah], jenis: str, source: str = ""
) -> Figure:
    """One error (``jenis``) by kecamatan: BPNT, PBI-JKN and PKH as three maps in a row on the
    same classes, the legend under them. SVG ids ``ket-<jenis>-<program>-<kode>-<status>``."""
    _col, _den, title, legend_title = KESALAHAN[jenis]
    map_w = WIDTH / 3 - 0.15
    r = geo.ratio(kec)
    map_h = min(map_w * r, 2.6)
    kec = geo.for_width(kec, map_w)
    nilai = {p: nilai_ketepatan(ketepatan, p, jenis) for p in PROGRAMS}
    k = kelas(
        np.concatenate([n["nilai"].to_numpy(float) for n in nilai.values()]),
        persen=True,
        judul=legend_title,
    )
    with styled():
        fig = new_figure(0.3 + map_h + 0.75, source, title)
        axes = fig.subplots(1, 3)
        drawn: dict[str, str] = {}
        for ax, p in zip(axes, PROGRAMS, strict=True):
            got = _draw(ax, kec, nilai[p], k, gid=f"ket-{jenis}-{p}", width_in=map_w, lw=0.5)
            drawn |= {f"{p}-{kode}": s for kode, s in got.items()}
            ax.set_title(PROGRAM_LABELS[p], fontsize=8.5, loc="left", pad=3)
        _legend(
            axes[1],
            k,
            drawn,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.02),
            ncols=4,
        )
    return fig


def bagian_peta_desil(
    published: dict[str, pd.DataFrame],
    settings: Settings,
    source: str,
    folder: Path = geo.PETA_DIR,
) -> Bagian:
    """The two error maps of the desil section and a short text; nothing (no text, no figure)
    for a month without ``ketepatan_sasaran`` or a kabupaten without kecamatan boundaries."""
    ket = published.get("ketepatan_sasaran")
    kec = geo.batas("kecamatan", settings.kabupaten_kode, folder)
    if ket is None or ket.empty or not kec:
        return Bagian("", [])
    text = [
        "Peta berikut menggambarkan kesalahan inklusi dan eksklusi setiap program menurut "
        "kecamatan, dari tabel ketepatan sasaran di atas. Ketiga program memakai kelas yang "
        "sama sehingga dapat dibandingkan; warna yang lebih gelap berarti kesalahan yang lebih "
        "besar. Kecamatan tanpa penerima (inklusi) atau tanpa sasaran (eksklusi) berwarna "
        "abu-abu muda (tidak ada data); nilai yang disembunyikan diarsir."
    ]
    tanpa = _missing(nilai_ketepatan(ket, PROGRAMS[0], "inklusi"), kec)
    if tanpa:
        text.append(
            f"Sebanyak {fmt_int(tanpa)} kecamatan pada tabel tidak memiliki batas wilayah "
            "dalam paket dan tidak tergambar."
        )
    gambar = [peta_kesalahan(ket, kec, jenis, source) for jenis in KESALAHAN]
    return Bagian("".join(_p(t) for t in text), gambar)
