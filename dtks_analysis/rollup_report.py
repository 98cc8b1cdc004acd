"""The rollup report of a region run (issue 15): HTML and PDF by kabupaten, in the report's look.

Built from the rollup's tables and each kabupaten's own published CSVs only (no personal data
reaches it): province-level coverage by kabupaten, program combinations, flows and the monthly
trend (sums of the kabupaten's published tables), the map of coverage by kabupaten, the
cross-kabupaten duplicates and the kabupaten missing. The pages are an in-memory notebook of
display outputs rendered by :func:`render.notebook_node_to_html` (the report's template, Daftar
Isi, numbered tables and figures) and printed by :func:`render.html_to_pdf`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import numpy as np
import pandas as pd

from dtks_analysis.config import kabupaten_defaults
from dtks_analysis.formatting import bulan_id, fmt_int, tanggal_id

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from dtks_analysis.wilayah import WilayahResult

PROGRAM = {"bpnt": "BPNT", "pbi_jkn": "PBI-JKN", "pkh": "PKH", "bansos": "bantuan sosial apa pun"}
SUMBER = "Sumber: DTKS tiap kabupaten/kota, diolah"


def _sum_tables(result: WilayahResult, name: str, by: list[str]) -> pd.DataFrame:
    """A kabupaten table summed over the kabupaten that finished (its integer columns by ``by``)."""
    parts = []
    for r in result.kabupaten:
        path = Path(r.folder) / "tabel" / f"{name}.csv"
        if r.status == "selesai" and path.is_file():
            parts.append(pd.read_csv(path, dtype={c: str for c in by}))
    if not parts:
        return pd.DataFrame(columns=by)
    frame = pd.concat(parts, ignore_index=True)
    if name == "desil_kabupaten":  # counts only; a cell hidden in any kabupaten stays hidden
        return _sum_hidden(frame, by)
    values = [c for c in frame.columns if c not in by and pd.api.types.is_integer_dtype(frame[c])]
    out = frame.groupby(by, sort=True)[values].sum().reset_index()
    if name == "tren_bulanan":
        out["kabupaten"] = frame.groupby(by, sort=True).size().to_numpy()
    return out


def _sum_hidden(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sums of count columns by ``by`` (rows in first-seen order: desil 1..10, belum_diperingkat,
    nonaktif), empty where a kabupaten hid the cell: the region's sum then adds nothing to what
    the kabupaten tables publish, so no hidden kabupaten cell can be computed from it."""
    values = [c for c in frame.columns if c not in by]
    keys = [frame[b] for b in by]
    hidden = frame[values].isna().groupby(keys, sort=False).any()
    out = frame[values].groupby(keys, sort=False).sum().astype("Int64").mask(hidden)
    return out.reset_index()


def province_tables(result: WilayahResult, rekap: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``cakupan_kabupaten`` (percent of each kabupaten's households per program) and the sums
    over kabupaten of ``kombinasi_program``, ``arus_program`` and ``tren_bulanan``."""
    rt = rekap["rumah_tangga"].to_numpy(dtype=float)
    cakupan = rekap[["kode_kabupaten", "kabupaten", "rumah_tangga"]].copy()
    for p in PROGRAM:
        with np.errstate(divide="ignore", invalid="ignore"):
            # 6 decimals, as the kabupaten's cakupan_program (a long float is no ID lookalike)
            share = np.where(rt > 0, 100 * rekap[f"rt_{p}"] / rt, np.nan)
            cakupan[f"persen_{p}"] = [round(float(v), 6) for v in share]  # exact, unlike np.round
    tren = _sum_tables(result, "tren_bulanan", ["bulan"])
    out = {
        "cakupan_kabupaten": cakupan,
        "kombinasi_program": _sum_tables(result, "kombinasi_program", ["bpnt", "pbi_jkn", "pkh"]),
        "arus_program": _sum_tables(result, "arus_program", ["program"]),
        "tren_bulanan": tren,
    }
    desil = _sum_tables(result, "desil_kabupaten", ["desil"])
    if len(desil):  # a DTSEN month: desil of the region, and each kabupaten's targeting errors
        out["desil_wilayah"] = desil
        out["ketepatan_sasaran_kabupaten"] = _own_rows(result, "ketepatan_sasaran")
    return out


def _own_rows(result: WilayahResult, name: str) -> pd.DataFrame:
    """Each kabupaten's own row(s) of a table whose ``kode_kecamatan`` is the kabupaten's code
    on its kabupaten row (``ketepatan_sasaran``), with ``kode_kabupaten, kabupaten`` first."""
    parts = []
    for r in result.kabupaten:
        path = Path(r.folder) / "tabel" / f"{name}.csv"
        if r.status != "selesai" or not path.is_file():
            continue
        t = pd.read_csv(path, dtype={"kode_kecamatan": str})
        own = t[t["kode_kecamatan"] == r.kode].drop(columns=["kode_kecamatan", "kecamatan"])
        parts.append(own.assign(kode_kabupaten=r.kode, kabupaten=r.nama or _name_of(r.kode)))
    if not parts:
        return pd.DataFrame()
    frame = pd.concat(parts, ignore_index=True)
    return frame[["kode_kabupaten", "kabupaten", *frame.columns[:-2]]]


def _name_of(kode: str) -> str:
    return kabupaten_defaults(kode)["kabupaten_nama"] if _known(kode) else ""


def region_names(kode: str, codes: list[str]) -> tuple[str, str]:
    """(region as a reader says it, the office compiling it).

    >>> region_names("12", ["12.11"])
    ('Provinsi Sumatera Utara', 'Dinas Sosial Provinsi Sumatera Utara')
    >>> region_names("ID", ["12.11", "13.75"])[1]
    'Kementerian Sosial Republik Indonesia'
    """
    provinces = {kabupaten_defaults(k)["provinsi_nama"] for k in codes if _known(k)}
    if kode.upper() == "ID":
        return "Indonesia", "Kementerian Sosial Republik Indonesia"
    if len(provinces) == 1:
        prov = provinces.pop()
        where = f"Provinsi {prov}" if "," not in kode else f"{len(codes)} kabupaten/kota, {prov}"
        return where, f"Dinas Sosial Provinsi {prov}"
    return f"{len(codes)} kabupaten/kota", "Kementerian Sosial Republik Indonesia"


def _known(kode: str) -> bool:
    try:
        kabupaten_defaults(kode)
    except KeyError:
        return False
    return True


def peta_kabupaten(cakupan: pd.DataFrame, codes: list[str], judul: str) -> Figure | None:
    """Choropleth of the share of households receiving any assistance, by kabupaten; the
    kabupaten of the region without published data hatched. None without boundaries."""
    from matplotlib.patches import PathPatch

    from dtks_analysis.publishing import boundaries as geo
    from dtks_analysis.publishing import chart_style, maps

    path = geo.PETA_DIR / "batas_kabupaten_indonesia.geojson.gz"
    if not path.is_file():
        return None
    regions = [w for w in geo.read_geojson(path) if w.kode in set(codes)]
    if not regions:
        return None
    regions = geo.for_width(regions, chart_style.WIDTH)
    nilai = dict(zip(cakupan["kode_kabupaten"], cakupan["persen_bansos"], strict=True))
    values = [nilai.get(w.kode, np.nan) for w in regions]
    k = maps.kelas(values, persen=True, judul="Persen rumah tangga")
    idx = maps.classify(values, k.breaks)
    x0, x1, y0, y1 = geo.bounds(regions)
    height = min(8.0, max(3.0, chart_style.WIDTH * (y1 - y0) / max(x1 - x0, 1e-9)))
    fig = chart_style.new_figure(height, SUMBER, judul)
    ax = fig.add_subplot()
    for w, i in zip(regions, idx, strict=True):
        style = (
            {"facecolor": k.colors[i]}
            if i >= 0
            else {"facecolor": "white", "hatch": "///", "edgecolor": "#888888"}
        )
        ax.add_patch(PathPatch(geo.to_path(w), linewidth=0.5, **{"edgecolor": "white", **style}))
        ax.annotate(
            w.nama.replace("Kabupaten ", "").replace("Kota ", "Kota "),
            (w.lng, w.lat),
            ha="center",
            fontsize=5.5,
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    handles = [PathPatch(geo.to_path(regions[0]), facecolor=c) for c in k.colors]
    labels = list(k.labels)
    if (idx < 0).any():
        handles.append(PathPatch(geo.to_path(regions[0]), facecolor="white", hatch="///"))
        labels.append("Tidak ada data")
    ax.legend(handles, labels, title=k.judul, loc="lower left", fontsize=6, title_fontsize=6)
    return fig


def _md(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text)


def _html(*fragments: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": str(f)}) for f in fragments
    ]
    return cell


def build_notebook(
    result: WilayahResult, tables: dict[str, pd.DataFrame], codes: list[str]
) -> tuple[nbformat.NotebookNode, str, str]:
    """The rollup's pages as a notebook of display outputs; also its title and office."""
    from dtks_analysis.publishing import chart_style, charts
    from dtks_analysis.publishing.blocks import (
        angka_kunci_html,
        judul_html,
        ringkasan_html,
        tabel_html,
    )

    month = result.month
    bulan = bulan_id(month)
    wilayah, instansi = region_names(result.kode, codes)
    rekap = tables["rekap_kabupaten"]
    dup = tables["duplikat_lintas_kabupaten"]
    miss = tables["nonrespon_kabupaten"]
    judul = f"Rekap DTKS {wilayah}"
    n_ok, n_all = len(rekap), len(result.kabupaten)
    kalimat = [
        f"{fmt_int(n_ok)} dari {fmt_int(n_all)} kabupaten/kota menerbitkan data {bulan}.",
        f"Jumlah rumah tangga yang dihitung tiap kabupaten/kota: "
        f"{fmt_int(rekap['rumah_tangga'].sum())} ({fmt_int(rekap['jiwa'].sum())} jiwa).",
        f"{fmt_int(dup['nik_juga_di_kabupaten_lain'].sum())} pencatatan NIK juga ditemukan di "
        f"kabupaten/kota lain pada bulan yang sama.",
    ]
    if len(miss):
        kalimat.append(
            "Belum lengkap: " + ", ".join(miss["kabupaten"].astype(str)) + " (lihat bagian akhir)."
        )
    labels = {
        "kode_kabupaten": "Kode",
        "kabupaten": "Kabupaten/kota",
        "rumah_tangga": "Rumah tangga",
        "jiwa": "Jiwa",
        "rt_bpnt": "RT BPNT",
        "rt_pbi_jkn": "RT PBI-JKN",
        "rt_pkh": "RT PKH",
        "rt_bansos": "RT bansos",
        "rt_imputasi": "RT imputasi",
        "nik_juga_di_kabupaten_lain": "NIK juga di kab./kota lain",
        "keadaan": "Keadaan",
        "persen_bpnt": "% BPNT",
        "persen_pbi_jkn": "% PBI-JKN",
        "persen_pkh": "% PKH",
        "persen_bansos": "% bansos",
        "bpnt": "BPNT",
        "pbi_jkn": "PBI-JKN",
        "pkh": "PKH",
        "program": "Program",
        "bulan_lalu": "Bulan lalu",
        "baru": "Baru",
        "keluar": "Keluar",
        "bertahan": "Bertahan",
        "bulan_ini": "Bulan ini",
        "bulan": "Bulan",
    }
    src = SUMBER
    cakupan = tables["cakupan_kabupaten"].copy()
    pct = [c for c in cakupan.columns if c.startswith("persen_")]
    cakupan[pct] = cakupan[pct] / 100  # tabel_html shows fractions as percentages
    komb = tables["kombinasi_program"].copy()
    for p in ("bpnt", "pbi_jkn", "pkh"):
        if p in komb:
            komb[p] = np.where(komb[p].astype(str) == "1", "Ya", "Tidak")
    arus = tables["arus_program"].copy()
    if "program" in arus:
        arus["program"] = arus["program"].map(PROGRAM).fillna(arus["program"])
    tren = tables["tren_bulanan"].copy()
    if "bulan" in tren:
        tren["bulan"] = tren["bulan"].map(bulan_id)
    cells = [
        _html(
            judul_html(
                judul,
                bulan,
                tanggal_rilis=tanggal_id(date.today()),
                instansi=instansi,
                wilayah=wilayah,
            )
        ),
        _md("## Ringkasan"),
        _html(
            ringkasan_html(kalimat),
            angka_kunci_html(
                [
                    ("Kabupaten/kota dengan data", f"{fmt_int(n_ok)} dari {fmt_int(n_all)}"),
                    ("Rumah tangga", int(rekap["rumah_tangga"].sum())),
                    ("Rumah tangga penerima bansos", int(rekap["rt_bansos"].sum())),
                ]
            ),
        ),
        _md("## Rekapitulasi per kabupaten/kota"),
        # two tables of at most four numbers a row: a PDF line of many small numbers side by
        # side could read as a 16-digit ID to the personal-data scan (idtext.find_ids)
        _html(
            *(
                tabel_html(
                    rekap[["kode_kabupaten", "kabupaten", *cols]],
                    f"{what} per kabupaten/kota, {bulan}",
                    sumber=src,
                    satuan=unit,
                    int_cols=cols,
                    labels=labels,
                    total={"kabupaten": "Jumlah", **{c: int(rekap[c].sum()) for c in cols}},
                    catatan="Tiap baris sama dengan angka yang diterbitkan kabupaten/kota itu "
                    "sendiri. Seseorang yang tercatat di dua kabupaten/kota dihitung oleh keduanya.",
                )
                for what, unit, cols in (
                    (
                        "Rumah tangga dan jiwa",
                        "rumah tangga (jiwa: orang)",
                        ["rumah_tangga", "jiwa", "rt_imputasi"],
                    ),
                    (
                        "Rumah tangga penerima program",
                        "rumah tangga",
                        ["rt_bpnt", "rt_pbi_jkn", "rt_pkh", "rt_bansos"],
                    ),
                )
            )
        ),
        _md("## Cakupan program per kabupaten/kota"),
        _html(
            tabel_html(
                cakupan,
                f"Persentase rumah tangga penerima program per kabupaten/kota, {bulan}",
                sumber=src,
                satuan="persen dari rumah tangga kabupaten/kota",
                int_cols=["rumah_tangga"],
                pct_cols=pct,
                labels=labels,
            )
        ),
    ]
    prov_codes = _map_codes(result.kode, codes)
    fig = peta_kabupaten(
        tables["cakupan_kabupaten"],
        prov_codes,
        "Persentase rumah tangga penerima bantuan sosial per kabupaten/kota",
    )
    if fig is not None:
        with chart_style.styled():
            cells.append(_html(charts.gambar_html(fig, bulan)))
    cells += [
        _md("## Kombinasi program"),
        _html(
            tabel_html(
                komb,
                f"Rumah tangga menurut kombinasi program, seluruh wilayah, {bulan}",
                sumber=src,
                satuan="rumah tangga",
                int_cols=["rumah_tangga"],
                labels=labels,
                total=True,
            )
        ),
        _md("## Arus penerima program"),
        _html(
            tabel_html(
                arus,
                f"Arus rumah tangga penerima per program, seluruh wilayah, {bulan}",
                sumber=src,
                satuan="rumah tangga",
                int_cols=["bulan_lalu", "baru", "keluar", "bertahan", "bulan_ini"],
                labels=labels,
            )
        ),
        _md("## Tren bulanan"),
        _html(
            tabel_html(
                tren.drop(columns="kabupaten", errors="ignore"),  # in the CSV and workbook
                "Rumah tangga dan penerima program per bulan, seluruh wilayah",
                sumber=src,
                satuan="rumah tangga",
                int_cols=[c for c in tren.columns if c not in ("bulan", "kabupaten")],
                labels=labels,
                catatan="Jumlah kabupaten/kota yang mempunyai data tiap bulan bisa berbeda "
                "(kolom kabupaten pada tabel CSV dan buku kerja).",
            )
        ),
    ]
    if "desil_wilayah" in tables:
        cells += _desil_cells(tables, bulan, labels)
    cells += [
        _md("## NIK yang tercatat di lebih dari satu kabupaten/kota"),
        _html(
            tabel_html(
                dup,
                f"NIK yang juga tercatat di kabupaten/kota lain, {bulan}",
                sumber=src,
                satuan="NIK",
                int_cols=["nik_juga_di_kabupaten_lain"],
                labels=labels,
                total=True,
                catatan="NIK tidak berubah ketika penduduk pindah. Daftar NIK bersifat rahasia "
                "dan hanya diberikan kepada dinas sosial kabupaten/kota untuk ditindaklanjuti.",
            )
        ),
        _md("## Kabupaten/kota yang datanya tidak lengkap"),
    ]
    if len(miss):
        cells.append(
            _html(
                tabel_html(
                    miss,
                    f"Kabupaten/kota tanpa data terbit, {bulan}",
                    sumber=src,
                    labels=labels,
                    catatan="Kabupaten/kota ini tidak termasuk dalam tabel-tabel di atas.",
                )
            )
        )
    else:
        cells.append(_md(f"Semua kabupaten/kota menerbitkan data {bulan}."))
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return nb, f"{judul} — {bulan}", instansi


def _desil_cells(
    tables: dict[str, pd.DataFrame], bulan: str, labels: dict[str, str]
) -> list[nbformat.NotebookNode]:
    """The DTSEN section: households by desil over the region, targeting errors by kabupaten."""
    from dtks_analysis.publishing.blocks import tabel_html

    desil = tables["desil_wilayah"].copy()
    desil["desil"] = (
        desil["desil"]
        .astype(str)
        .map({"belum_diperingkat": "Belum diperingkat", "nonaktif": "Nonaktif"})
        .fillna("Desil " + desil["desil"].astype(str))
    )
    # two tables of at most three numbers a row beside "Desil n" (see the kabupaten table)
    cells = [
        _md("## Ketepatan sasaran menurut desil"),
        _html(
            *(
                tabel_html(
                    desil[["desil", *cols]],
                    f"{what} menurut desil, seluruh wilayah, {bulan}",
                    sumber=SUMBER,
                    satuan=unit,
                    int_cols=cols,
                    labels={**labels, "desil": "Desil"},
                    total=True,
                )
                for what, unit, cols in (
                    (
                        "Rumah tangga dan jiwa",
                        "rumah tangga (jiwa: orang)",
                        ["rumah_tangga", "jiwa"],
                    ),
                    (
                        "Rumah tangga penerima program",
                        "rumah tangga",
                        ["rt_bpnt", "rt_pbi_jkn", "rt_pkh"],
                    ),
                )
                if all(c in desil for c in cols)
            )
        ),
    ]
    ks = tables.get("ketepatan_sasaran_kabupaten", pd.DataFrame())
    if len(ks):
        ks = ks.copy()
        ks["program"] = ks["program"].map(PROGRAM).fillna(ks["program"])
        show = ["kabupaten", "program", "persen_salah_inklusi", "persen_salah_eksklusi"]
        ks[show[2:]] = ks[show[2:]] / 100
        cells.append(
            _html(
                tabel_html(
                    ks[show],
                    f"Salah sasaran per kabupaten/kota dan program, {bulan}",
                    sumber=SUMBER,
                    satuan="persen",
                    pct_cols=show[2:],
                    labels={
                        **labels,
                        "persen_salah_inklusi": "Salah inklusi",
                        "persen_salah_eksklusi": "Salah eksklusi",
                    },
                    catatan="Definisi seperti pada laporan kabupaten/kota (salah inklusi: penerima "
                    "di luar sasaran desil; salah eksklusi: sasaran yang tidak menerima).",
                )
            )
        )
    return cells


def _map_codes(kode: str, codes: list[str]) -> list[str]:
    """The kabupaten drawn: every kabupaten of the province for a province run."""
    if kode.isdigit() and len(kode) == 2:
        from dtks_analysis.config import _known_kabupaten

        return sorted({*codes, *(k for k in _known_kabupaten() if k.startswith(f"{kode}."))})
    return codes


def write_report(
    folder: Path,
    result: WilayahResult,
    tables: dict[str, pd.DataFrame],
    codes: list[str],
    pdf: bool = True,
) -> list[Path]:
    """``laporan_wilayah_<K>_<YYYY-MM>.html`` (and ``.pdf``) in ``folder``; returns the paths."""
    from dtks_analysis.publishing import render

    nb, title, instansi = build_notebook(result, tables, codes)
    html = folder / f"laporan_wilayah_{result.kode}_{result.month}.html"
    html.write_text(
        render.notebook_node_to_html(nb, with_code=False, title=title, footer=instansi),
        encoding="utf-8",
        newline="\n",
    )
    out = [html]
    if pdf:
        out.append(render.html_to_pdf(html, html.with_suffix(".pdf"), footer=instansi))
    return out
