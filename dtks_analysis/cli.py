"""Command line: ``dtks`` / ``python -m dtks_analysis``.

Subcommands: ``sample`` (synthetic extracts), ``prepare`` (ingest + validate months),
``report`` (a month's published outputs), ``check-outputs`` (personal-data scan), ``months``,
``template`` (data-entry templates for village operators, confidential).
Every failure prints one clear message (Indonesian, with English in brackets) and exits non-zero.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from pathlib import Path

from dtks_analysis.config import MONTH_RE, PROJ_ROOT, ParamsError, check_month, load_settings

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


def _settings_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--params", metavar="FILE", help="berkas parameter tambahan (YAML)")
    p.add_argument("--data-dir", metavar="DIR", help="folder data (default: data/)")
    p.add_argument(
        "--raw-dir",
        metavar="DIR",
        help="folder berisi <YYYY-MM>/ ekstrak mentah; jika diberikan sendiri, folder interim "
        "dan koreksi dibuat di induknya",
    )
    p.add_argument("--out-dir", metavar="DIR", help="folder keluaran (default: outputs/)")
    p.add_argument(
        "--kabupaten",
        metavar="KODE",
        help="tata letak banyak kabupaten: baca <data>/raw/<KODE>/<YYYY-MM>/ (docs/wilayah.md)",
    )


def _load(args: argparse.Namespace, month: str | None):
    return load_settings(
        month,
        params_file=args.params,
        kabupaten=getattr(args, "kabupaten", None),
        data_dir=args.data_dir,
        raw_dir=args.raw_dir,
        out_dir=getattr(args, "out_dir", None),
    )


def cmd_sample(args: argparse.Namespace) -> int:
    from dtks_analysis import synthetic

    months = synthetic.parse_months(args.months)
    out = Path(args.out)
    codes = [c.strip() for c in args.kabupaten.split(",") if c.strip()]
    common = {
        "scale": args.scale,
        "seed": args.seed,
        "defect_rate": args.defects,
        "fmt": args.format,
        "progress": not args.quiet,
        "sumber": args.sumber,
        "beralih": args.beralih,
    }
    if len(codes) > 1:  # the many-kabupaten layout, with movers (docs/wilayah.md)
        result = synthetic.generate_wilayah(out, codes, months, **common)
        if not args.quiet:
            for kode, summary in result["kabupaten"].items():
                print("\n".join(sample_lines(summary, out, kode)))
            for month, counts in sorted(result["duplikat"].items()):
                found = ", ".join(f"{k}: {v}" for k, v in counts.items())
                print(f"  {month}: NIK juga di kabupaten lain (kebenaran): {found}")
        return 0
    summary = synthetic.generate(out, months, kabupaten=args.kabupaten, **common)
    if not args.quiet:
        print("\n".join(sample_lines(summary, out)))
    return 0


def sample_lines(summary: dict, out: Path, sub: str = "") -> list[str]:
    """The summary of ``synthetic.generate`` as lines a person reads (no raw dict).

    >>> s = {"kabupaten": "12.11", "scale": 1.0, "seed": 7, "defect_rate": 0.02, "seconds": 3.5,
    ...      "months": {"2023-07": {"rows": 139012, "files": 45, "rumah_tangga": 37001}}}
    >>> print("\\n".join(sample_lines(s, Path("data"))))
    Sampel sintetis kabupaten 12.11 ditulis ke data/raw (ekstrak) dan data/truth (kebenaran).
      Skala 1, benih 7, laju cacat 2%, 3,5 detik.
      2023-07: 45 berkas, 139.012 baris, 37.001 rumah tangga
    """
    from dtks_analysis.formatting import fmt_int

    def num(x: float) -> str:
        return f"{x:g}".replace(".", ",")

    lines = [
        f"Sampel sintetis kabupaten {summary.get('kabupaten', '?')} ditulis ke "
        f"{out / 'raw' / sub} (ekstrak) dan {out / 'truth' / sub} (kebenaran).",
        f"  Skala {num(summary.get('scale', 1))}, benih {summary.get('seed')}, laju cacat "
        f"{num(100 * summary.get('defect_rate', 0))}%, {num(summary.get('seconds', 0))} detik.",
    ]
    for month, m in sorted(summary.get("months", {}).items()):
        lines.append(
            f"  {month}: {fmt_int(m['files'])} berkas, {fmt_int(m['rows'])} baris, "
            f"{fmt_int(m['rumah_tangga'])} rumah tangga"
        )
    return lines


def cmd_months(args: argparse.Namespace) -> int:
    from dtks_analysis import pipeline

    settings = _load(args, None)
    for m in pipeline.available_months(settings):
        print(m)
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    from dtks_analysis import pipeline

    settings = _load(args, None)
    month = pipeline.resolve_month(args.month, settings)
    settings = _load(args, month)
    data = pipeline.prepare_months(month, settings, progress=not args.quiet)
    for m, md in data.items():
        s = md.summary
        print(
            f"{m}: {s['baris']} baris, {s['rumah_tangga']} rumah tangga, "
            f"{s['baris_tidak_dapat_diolah']} baris tidak dapat diolah"
        )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from dtks_analysis import pipeline, report

    settings = _load(args, None)
    month = pipeline.resolve_month(args.month, settings)
    settings = _load(args, month)
    final = report.run_report(month, settings, params_file=args.params, progress=not args.quiet)
    print(final)
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    from dtks_analysis import pipeline, report

    base = _load(args, None)
    months = pipeline.available_months(base)
    if not months:
        pipeline.resolve_month(None, base)  # raises the clear message
    for m in months:
        settings = _load(args, m)
        print(report.run_report(m, settings, params_file=args.params, progress=not args.quiet))
    return 0


def cmd_wilayah(args: argparse.Namespace) -> int:
    from dtks_analysis import wilayah

    result = wilayah.run_wilayah(
        args.kode,
        args.month,
        data_dir=args.data_dir,
        out_dir=args.out_dir,
        scheduler=args.scheduler,
        workers=args.workers,
        hanya_tabel=args.hanya_tabel,
        params_file=args.params,
        progress=not args.quiet,
    )
    print(result.rollup)
    if result.failed:
        names = ", ".join(f"{r.kode} {r.nama}".strip() for r in result.failed)
        print(
            f"GAGAL: {len(result.failed)} dari {len(result.kabupaten)} kabupaten tidak selesai "
            f"({names}); rekap wilayah mencatatnya sebagai tidak lengkap "
            f"({len(result.failed)} kabupaten failed)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return 0


def cmd_check_outputs(args: argparse.Namespace) -> int:
    from dtks_analysis.publishing import privacy, privacy_inputs

    root = Path(args.path) if args.path else _load(args, None).out_dir
    if not root.exists():
        print(f"Folder keluaran {root} tidak ada (outputs folder not found).", file=sys.stderr)
        return EXIT_BAD_INPUT
    settings = _load(args, None)
    inputs = privacy_inputs.InputPersons(settings.interim_root, settings.kabupaten_kode)
    leaks = privacy.check_outputs(
        root, inputs.persons, settings.kabupaten_kode, terms=inputs.terms()
    )
    if leaks:
        print(
            f"DITEMUKAN {len(leaks)} dugaan data pribadi di {privacy.mask_ids(str(root))} "
            f"(personal data found):\n{privacy.leak_report(leaks)}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    n = sum(1 for p in root.rglob("*") if p.is_file())
    print(f"OK: {n} berkas di {root} diperiksa, tidak ada NIK/No KK/nama/alamat.")
    return 0


def _accepted_months(month: str, settings, progress: bool) -> dict[str, list[str]]:
    """Month -> villages with counted rows, for every month up to ``month`` that is accepted:
    raw months are prepared (cached when unchanged), interim months without raw data are read."""
    import json

    from dtks_analysis import pipeline

    found: dict[str, list[str]] = {}
    with pipeline.data_lock(settings):
        for m in (m for m in pipeline.available_months(settings) if m <= month):
            found[m] = list(
                pipeline.prepare_month(m, settings, progress=progress).summary["desa_ada"]
            )
    root = settings.interim_root
    for d in sorted(root.iterdir()) if root.is_dir() else []:
        done = (d / "summary.json").is_file() and (d / "persons.parquet").is_file()
        if d.name <= month and d.name not in found and MONTH_RE.match(d.name) and done:
            found[d.name] = list(json.loads((d / "summary.json").read_text())["desa_ada"])
    return found


def cmd_template(args: argparse.Namespace) -> int:
    """Write the data-entry templates of a month (every village, or ``--desa``)."""
    import pandas as pd

    from dtks_analysis import pipeline
    from dtks_analysis.editing import template_book, templates

    month = check_month(args.month)
    settings = _load(args, month)
    only = templates.check_desa(args.desa, settings.kabupaten_kode) if args.desa else None
    accepted = _accepted_months(month, settings, progress=not args.quiet)
    if not accepted:
        raise templates.TemplateError(
            f"Belum ada bulan yang diterima sampai {month}: tidak ada ekstrak di "
            f"{settings.raw_root} dan tidak ada data olahan di {settings.interim_root} untuk "
            f"{month} atau sebelumnya. Letakkan ekstrak di {settings.raw_root}/<YYYY-MM>/ lalu "
            f"jalankan lagi. (no accepted month up to {month})"
        )
    wanted = [v.kode for v in templates.villages(settings.kabupaten_kode, only)]
    sources = templates.pick_sources(accepted, wanted)
    parts = []
    for m in sorted(set(sources.values())):
        persons = pipeline.load_month(m, settings).persons
        mine = [v for v, s in sources.items() if s == m]
        parts.append(templates.template_rows(persons[persons["kode_desa"].isin(mine)]))
    rows = pd.concat(parts, ignore_index=True) if parts else templates.template_rows(pd.DataFrame())
    paths = template_book.write_templates(
        rows, sources, month, settings.templates_root, settings, only
    )
    latest = max(accepted)
    older = sum(1 for s in sources.values() if s != latest)
    print(
        f"Templat {month}: {len(paths)} berkas di {settings.templates_root / month} (RAHASIA: "
        f"berisi NIK dan No KK); data awal {latest}, {older} desa/kelurahan dari bulan "
        f"sebelumnya, {len(wanted) - len(sources)} tanpa data."
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dtks",
        description=(
            "Laporan bulanan DTKS (Dinas Sosial) untuk kabupaten/kota params kabupaten_kode "
            "(bawaan params/default.yaml)."
        ),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log lebih rinci")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sample", help="tulis ekstrak sintetis (dengan kebenaran/truth)")
    p.add_argument("--out", default=str(PROJ_ROOT / "data"), help="folder tujuan (default data/)")
    p.add_argument("--months", default="2023-07..2023-12", help="mis. 2023-07..2023-12")
    p.add_argument(
        "--kabupaten",
        default="12.11",
        help="kode Kemendagri kabupaten/kota (default 12.11 Dairi); beberapa kode dipisah koma "
        "(12.11,12.15,12.17) menulis <out>/raw/<kode>/<YYYY-MM>/ dengan penduduk pindahan",
    )
    p.add_argument(
        "--scale", type=float, default=1.0, help="1 = ukuran penuh (DTKS ~42%% dari penduduk)"
    )
    p.add_argument("--seed", type=int, default=20231)
    p.add_argument("--defects", type=float, default=0.02, help="laju cacat yang disuntikkan")
    p.add_argument("--format", choices=("xlsx", "csv", "mixed"), default="mixed")
    p.add_argument(
        "--sumber",
        choices=("dtks", "dtsen", "campuran"),
        default="dtks",
        help="bentuk ekstrak: dtks (SIKS-NG + kiriman desa), dtsen (keluarga + anggota, desil) "
        "atau campuran (separuh kecamatan masih DTKS)",
    )
    p.add_argument(
        "--beralih",
        metavar="YYYY-MM",
        help="bulan pertama DTSEN: bulan sebelumnya DTKS, bulan ini dan sesudahnya DTSEN",
    )
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("months", help="daftar bulan yang tersedia")
    _settings_args(p)
    p.set_defaults(func=cmd_months)

    p = sub.add_parser("prepare", help="baca, sunting dan validasi bulan-bulan hingga --month")
    p.add_argument("--month", help="YYYY-MM (default: bulan terakhir yang ada)")
    _settings_args(p)
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_prepare)

    p = sub.add_parser("report", help="buat laporan satu bulan (HTML, PDF, XLSX, CSV)")
    p.add_argument("--month", help="YYYY-MM (default: bulan terakhir yang ada)")
    _settings_args(p)
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("reports", help="buat laporan semua bulan yang ada")
    _settings_args(p)
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_reports)

    p = sub.add_parser(
        "template", help="tulis templat isian per desa/kelurahan (RAHASIA, di data/templates/)"
    )
    p.add_argument("--month", required=True, help="YYYY-MM: data awal = bulan diterima terakhir")
    p.add_argument("--desa", metavar="KODE", help="hanya satu desa/kelurahan, mis. 12.11.01.1005")
    _settings_args(p)
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser(
        "wilayah",
        help="banyak kabupaten sekaligus di Dask: laporan tiap kabupaten dan rekap wilayah",
    )
    p.add_argument(
        "--kode",
        required=True,
        help="kode provinsi (12), daftar kode kabupaten (12.11,12.15) atau ID (semua yang ada)",
    )
    p.add_argument("--month", help="YYYY-MM (default: bulan terakhir yang ada)")
    p.add_argument("--params", metavar="FILE", help="berkas parameter tambahan (YAML)")
    p.add_argument("--data-dir", metavar="DIR", help="folder data (default: data/)")
    p.add_argument("--out-dir", metavar="DIR", help="folder keluaran (default: outputs/)")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="alamat penjadwal Dask (tcp://host:8786; default $DASK_SCHEDULER_ADDRESS, "
        "atau LocalCluster di mesin ini)",
    )
    p.add_argument("--workers", type=int, help="jumlah pekerja LocalCluster (default: per inti)")
    p.add_argument(
        "--hanya-tabel",
        action="store_true",
        help="hanya CSV, buku kerja dan manifest per kabupaten (tanpa notebook, HTML, PDF)",
    )
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_wilayah)

    p = sub.add_parser("check-outputs", help="periksa keluaran dari data pribadi")
    p.add_argument("path", nargs="?", help="folder yang diperiksa (default: outputs/)")
    _settings_args(p)
    p.set_defaults(func=cmd_check_outputs)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    from dtks_analysis.errors import environment_message, known_errors

    try:
        return int(args.func(args) or 0)
    except known_errors() as exc:
        print(f"GAGAL: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Dibatalkan (interrupted).", file=sys.stderr)
        return 130
    except ParamsError as exc:  # pragma: no cover - covered by known_errors
        print(f"GAGAL: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # disk full, read-only folder, no permission: the machine's, not ours
        message = environment_message(exc)
        if message is None:
            raise
        print(f"GAGAL: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT


def run() -> None:
    """Console entry point: :func:`main`, then leave the process without tearing down the
    interpreter's native libraries.

    pyarrow's worker threads can outlive Python's shutdown and abort the process ("terminate
    called without an active exception", exit -6) after all work is done and written
    (apache/arrow#34314, intermittent). The outputs are complete when :func:`main` returns, so
    the streams and log handlers are flushed and the process ends with ``os._exit``.
    """
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # closed or broken pipe
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
