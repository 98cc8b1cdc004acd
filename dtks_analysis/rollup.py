"""The rollup of a region run (issue 15): the kabupaten's own totals, the NIKs recorded in two or
more kabupaten (a Dask DataFrame shuffle on NIK), the kabupaten missing; plus a kabupaten's
tables without notebooks (``dtks wilayah --hanya-tabel``).

Published under ``<out>/<K>/<YYYY-MM>/`` (``tabel/*.csv``, ``tabel_wilayah_<K>_<YYYY-MM>.xlsx``,
``manifest.json``); the duplicated NIKs only in the confidential worklist
``<data>/corrections/<K>/<YYYY-MM>/duplikat_lintas_kabupaten_<YYYY-MM>.csv``.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from dtks_analysis.config import Settings, kabupaten_defaults

if TYPE_CHECKING:
    from dtks_analysis.wilayah import WilayahResult

TOTALS = ("rumah_tangga", "jiwa", "rt_bpnt", "rt_pbi_jkn", "rt_pkh", "rt_bansos", "rt_imputasi")
"""The columns of ``rekap_kabupaten``: each kabupaten's own published totals."""
LABELS = {
    "kode_kabupaten": "Kode kabupaten/kota",
    "kabupaten": "Kabupaten/kota",
    "rumah_tangga": "Rumah tangga",
    "jiwa": "Jiwa",
    "rt_bpnt": "Rumah tangga penerima BPNT",
    "rt_pbi_jkn": "Rumah tangga penerima PBI-JKN",
    "rt_pkh": "Rumah tangga penerima PKH",
    "rt_bansos": "Rumah tangga penerima bantuan sosial apa pun",
    "rt_imputasi": "Rumah tangga imputasi (desa tidak mengirim)",
    "nik_juga_di_kabupaten_lain": "NIK yang juga tercatat di kabupaten/kota lain",
    "keadaan": "Keadaan",
    "persen_bpnt": "Persen rumah tangga penerima BPNT",
    "persen_pbi_jkn": "Persen rumah tangga penerima PBI-JKN",
    "persen_pkh": "Persen rumah tangga penerima PKH",
    "persen_bansos": "Persen rumah tangga penerima bantuan sosial apa pun",
    "bpnt": "BPNT (1 ya, 0 tidak)",
    "pbi_jkn": "PBI-JKN (1 ya, 0 tidak)",
    "pkh": "PKH (1 ya, 0 tidak)",
    "program": "Program",
    "bulan_lalu": "Penerima bulan lalu",
    "baru": "Penerima baru",
    "keluar": "Keluar",
    "bertahan": "Bertahan",
    "bulan_ini": "Penerima bulan ini",
    "bulan": "Bulan",
    "desil": "Desil",
    "batas_desil": "Sasaran: desil sampai dengan",
    "rt_penerima": "Rumah tangga penerima",
    "rt_penerima_sasaran": "Penerima dalam sasaran",
    "rt_penerima_luar_sasaran": "Penerima di luar sasaran",
    "rt_sasaran": "Rumah tangga sasaran",
    "rt_sasaran_tidak_menerima": "Sasaran yang tidak menerima",
    "persen_salah_inklusi": "Persen salah inklusi",
    "persen_salah_eksklusi": "Persen salah eksklusi",
}
KEADAAN = {"tidak_ada_data": "Tidak ada data bulan ini", "gagal": "Gagal diolah"}
SHEET_NAMES = {
    "rekap_kabupaten": "Rekap kabupaten",
    "cakupan_kabupaten": "Cakupan kabupaten",
    "kombinasi_program": "Kombinasi program",
    "arus_program": "Arus program",
    "tren_bulanan": "Tren bulanan",
    "desil_wilayah": "Desil wilayah",
    "ketepatan_sasaran_kabupaten": "Ketepatan sasaran",
    "duplikat_lintas_kabupaten": "Duplikat lintas kabupaten",
    "nonrespon_kabupaten": "Kabupaten tidak lengkap",
}
SHEETS = {
    "rekap_kabupaten": "Rekapitulasi per kabupaten/kota",
    "cakupan_kabupaten": "Persentase rumah tangga penerima program per kabupaten/kota",
    "kombinasi_program": "Rumah tangga menurut kombinasi program (jumlah kabupaten/kota)",
    "arus_program": "Arus rumah tangga penerima per program (jumlah kabupaten/kota)",
    "tren_bulanan": "Rumah tangga per bulan (jumlah kabupaten/kota yang mempunyai data)",
    "desil_wilayah": "Rumah tangga menurut desil (jumlah kabupaten/kota)",
    "ketepatan_sasaran_kabupaten": "Ketepatan sasaran per kabupaten/kota dan program",
    "duplikat_lintas_kabupaten": "NIK tercatat di lebih dari satu kabupaten/kota",
    "nonrespon_kabupaten": "Kabupaten/kota yang datanya tidak lengkap",
}
SUMMED = ("rekap_kabupaten", "kombinasi_program", "desil_wilayah", "duplikat_lintas_kabupaten")
"""Tables whose workbook sheet ends with a Jumlah row (of their count columns)."""
FLAGS = ("bpnt", "pbi_jkn", "pkh")


# -- one kabupaten's tables, without notebooks -------------------------------------------
def tables_only(month: str, settings: Settings, params_file: str | None = None) -> Path:
    """``<out>/<YYYY-MM>/`` with the CSVs, the workbook and the manifest of a kabupaten's month
    (the same files a full report writes, without notebooks, HTML or PDF); scanned for
    personal data and swapped in atomically like :func:`report.run_report`."""
    from dtks_analysis import pipeline, report
    from dtks_analysis.publishing import export, metadata, privacy_inputs, review
    from dtks_analysis.publishing.sections import desa_temuan

    out_dir = settings.out_dir
    started = datetime.now(UTC)
    with report.month_lock(out_dir, month):
        report.recover(out_dir, month)
        staging = out_dir / f".{month}.staging-{os.getpid()}"
        staging.mkdir(parents=True)
        try:
            data = pipeline.prepare_months(month, settings)
            tables = pipeline.report_tables(month, settings, data)
            export.write_csvs({**tables.published, **tables.extra}, staging / "tabel")
            meta = metadata.workbook_meta(settings)
            full = tables.rekap_desa_lengkap
            value_cols = full.select_dtypes("number").columns
            meta["total"] = {"rekap_desa": {c: int(full[c].sum()) for c in value_cols}}
            book = {**tables.published, **tables.extra}
            if not tables.villages.empty:
                book["desa_temuan"] = desa_temuan(tables.villages)
            export.write_workbook(book, staging / f"tabel_dtks_{month}.xlsx", month, meta)
            aliases = review.path_aliases(
                report.PROJ_ROOT, settings.data_dir, settings.raw_root, out_dir, home=Path.home()
            )
            manifest = {
                "month": month,
                "hanya_tabel": True,
                "parameters": settings.to_papermill(),
                "params_files": [*settings.sources, *([params_file] if params_file else [])],
                "inputs": {m: d.summary.get("inputs", {}) for m, d in data.items()},
                "package_versions": report.package_versions(),
                "git_commit": report.git_commit(),
                "started": started.isoformat(timespec="seconds"),
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                "files": sorted(
                    p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()
                ),
            }
            _write_manifest(staging, review.portable_tree(manifest, aliases))
            inputs = privacy_inputs.InputPersons(settings.interim_root, settings.kabupaten_kode)
            report.refuse_leaks(
                staging, inputs.persons, settings.kabupaten_kode, "tabel", terms=inputs.terms()
            )
            return report.publish(staging, out_dir, month)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    from dtks_analysis.report import public_manifest

    (folder / "manifest.json").write_text(
        json.dumps(public_manifest(manifest), indent=2, sort_keys=True, default=str),
        encoding="utf-8",
    )


# -- cross-kabupaten duplicates --------------------------------------------------------
def _shared_niks(part: pd.DataFrame) -> pd.DataFrame:
    """Within one partition of the shuffle (every row of a NIK is in the same partition): the
    (NIK, kabupaten) pairs of NIKs found in two or more kabupaten."""
    part = part.drop_duplicates()
    n = part.groupby("nik", sort=False)["kode_kabupaten"].transform("size")
    return part[n.to_numpy() >= 2]


def cross_duplicates(persons: dict[str, Path]) -> pd.DataFrame:
    """``nik, kode_kabupaten`` of every valid NIK in the counted persons of two or more of the
    kabupaten (``{kode: persons.parquet}``), sorted. Computed on the active Dask client: the
    persons are read per kabupaten and shuffled on NIK, so no process holds every NIK; only
    the duplicated ones come back."""
    empty = pd.DataFrame({"nik": pd.Series(dtype=str), "kode_kabupaten": pd.Series(dtype=str)})
    if len(persons) < 2:
        return empty
    import dask.dataframe as dd

    parts = []
    for kode, path in sorted(persons.items()):
        p = dd.read_parquet(str(path), columns=["nik", "nik_valid"])
        parts.append(p[p["nik_valid"]][["nik"]].assign(kode_kabupaten=kode))
    frame = dd.concat(parts, ignore_index=True)
    shuffled = frame.shuffle(on="nik", npartitions=max(2, len(parts)))
    shared = shuffled.map_partitions(_shared_niks, meta=shuffled._meta).compute()
    shared = shared.astype({"nik": str, "kode_kabupaten": str})
    return shared.sort_values(["kode_kabupaten", "nik"]).reset_index(drop=True)


# -- the rollup ------------------------------------------------------------------------
def _name(kode: str, nama: str) -> str:
    if nama:
        return nama
    try:
        return kabupaten_defaults(kode)["kabupaten_nama"]
    except KeyError:
        return ""


def rekap_kabupaten(result: WilayahResult) -> pd.DataFrame:
    """One row per kabupaten that finished: the sums of its own published ``rekap_kecamatan``
    (each Dinas counts its own households, so a mover is counted by each kabupaten)."""
    rows = []
    for r in result.kabupaten:
        if r.status != "selesai":
            continue
        rk = pd.read_csv(Path(r.folder) / "tabel" / "rekap_kecamatan.csv")
        rows.append(
            {"kode_kabupaten": r.kode, "kabupaten": _name(r.kode, r.nama)}
            | {c: int(rk[c].sum()) for c in TOTALS}
        )
    cols = ["kode_kabupaten", "kabupaten", *TOTALS]
    return pd.DataFrame(rows, columns=cols).astype({c: "int64" for c in TOTALS})


def duplikat_table(result: WilayahResult, dup: pd.DataFrame) -> pd.DataFrame:
    """Per kabupaten that finished: how many of its NIKs are also recorded in another."""
    n = dup.groupby("kode_kabupaten")["nik"].nunique()
    ok = [r for r in result.kabupaten if r.status == "selesai"]
    return pd.DataFrame(
        {
            "kode_kabupaten": [r.kode for r in ok],
            "kabupaten": [_name(r.kode, r.nama) for r in ok],
            "nik_juga_di_kabupaten_lain": [int(n.get(r.kode, 0)) for r in ok],
        }
    )


def nonrespon_table(result: WilayahResult) -> pd.DataFrame:
    """The kabupaten without published data this month (non-response at kabupaten level)."""
    bad = result.failed
    return pd.DataFrame(
        {
            "kode_kabupaten": [r.kode for r in bad],
            "kabupaten": [_name(r.kode, r.nama) for r in bad],
            "keadaan": [KEADAAN.get(r.status, r.status) for r in bad],
        }
    )


def write_worklist(result: WilayahResult, dup: pd.DataFrame, corrections: Path) -> Path:
    """The confidential list of duplicated NIKs, each with the other kabupaten holding it."""
    folder = corrections / result.kode / result.month
    folder.mkdir(parents=True, exist_ok=True)
    names = {r.kode: _name(r.kode, r.nama) for r in result.kabupaten}
    others = dup.groupby("nik")["kode_kabupaten"].agg(lambda s: ";".join(sorted(s)))
    out = dup.assign(
        kabupaten=dup["kode_kabupaten"].map(names),
        juga_di=[
            ";".join(k for k in others[n].split(";") if k != own)
            for n, own in zip(dup["nik"], dup["kode_kabupaten"], strict=True)
        ],
    )
    path = folder / f"duplikat_lintas_kabupaten_{result.month}.csv"
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    out.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)
    return path


def write_workbook(tables: dict[str, pd.DataFrame], path: Path, title: str) -> None:
    """The rollup's tables as one formatted sheet each (Indonesian headers, a Jumlah row)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for key, df in tables.items():
        ws = wb.create_sheet(SHEET_NAMES[key])
        ws.append([f"{title}: {SHEETS[key]}"])
        ws["A1"].font = Font(bold=True)
        ws.append([LABELS.get(c, c) for c in df.columns])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in df.itertuples(index=False):
            ws.append(["–" if v is pd.NA else v.item() if hasattr(v, "item") else v for v in row])
        if key in SUMMED and len(df):
            ws.append(
                [
                    int(df[c].sum())
                    if pd.api.types.is_integer_dtype(df[c])
                    and c not in FLAGS
                    and not df[c].isna().any()  # a hidden cell: no total that pins it
                    else ""
                    for c in df.columns
                ]
            )
            ws.cell(ws.max_row, 1, "Jumlah")
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
        for i, c in enumerate(df.columns, start=1):
            ws.column_dimensions[ws.cell(2, i).column_letter].width = max(12, len(LABELS.get(c, c)))
    import io

    from dtks_analysis.publishing.workbook import _deterministic_zip

    buf = io.BytesIO()
    wb.save(buf)
    # fixed timestamps, and floats in their shortest form (openpyxl's "%.16g" reads like a NIK)
    path.write_bytes(_deterministic_zip(buf.getvalue(), datetime(2000, 1, 1, tzinfo=UTC)))


def write_rollup(
    result: WilayahResult, dup: pd.DataFrame, data_dir: Path, out_dir: Path, base: Settings
) -> Path:
    """``<out>/<K>/<YYYY-MM>/`` (tables, workbook, manifest) and the worklist; returns the folder."""
    from dtks_analysis import report, rollup_report
    from dtks_analysis.publishing import export

    rekap = rekap_kabupaten(result)
    tables = {
        "rekap_kabupaten": rekap,
        **rollup_report.province_tables(result, rekap),
        "duplikat_lintas_kabupaten": duplikat_table(result, dup),
        "nonrespon_kabupaten": nonrespon_table(result),
    }
    write_worklist(result, dup, data_dir / "corrections")
    root = out_dir / result.kode
    month = result.month
    with report.month_lock(root, month):
        report.recover(root, month)
        staging = root / f".{month}.staging-{os.getpid()}"
        staging.mkdir(parents=True)
        try:
            export.write_csvs(tables, staging / "tabel")
            book = staging / f"tabel_wilayah_{result.kode}_{month}.xlsx"
            write_workbook(tables, book, f"Wilayah {result.kode}, {month}")
            if not result.hanya_tabel:
                codes = [r.kode for r in result.kabupaten]
                rollup_report.write_report(staging, result, tables, codes)
            manifest = {
                "month": month,
                "kode": result.kode,
                "engine": result.engine,
                "hanya_tabel": result.hanya_tabel,
                "kabupaten": {
                    r.kode: {"kabupaten": _name(r.kode, r.nama), "keadaan": r.status}
                    for r in result.kabupaten
                },
                "package_versions": report.package_versions(),
                "git_commit": report.git_commit(),
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                "files": sorted(
                    p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()
                ),
            }
            _write_manifest(staging, manifest)
            report.refuse_leaks(staging, None, result.kabupaten[0].kode, "rekap wilayah")
            return report.publish(staging, root, month)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
