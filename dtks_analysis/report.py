"""Produce a month's published outputs: tables, notebooks, HTML, PDF, manifest.

Everything is written into a staging folder beside ``outputs/<YYYY-MM>/`` and moved into place
only when every step succeeded and the personal-data check passed, so a failed or killed run
never leaves a half-written month and never touches the previous outputs.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dtks_analysis import __version__, children, kernel, locks
from dtks_analysis.config import PROJ_ROOT, Settings
from dtks_analysis.errors import DtksError
from dtks_analysis.fsutil import replace_dir

log = logging.getLogger(__name__)

NOTEBOOK_DIR = PROJ_ROOT / "notebooks"
NOTEBOOKS = ("01_penerimaan_dan_kualitas.ipynb", "02_laporan_bulanan.ipynb")


class ReportError(DtksError, RuntimeError):
    """A step of the report failed; the message says which and what to do."""


class LockedError(ReportError):
    """Another run of the same month is in progress."""


# -- locking ----------------------------------------------------------------------
@contextlib.contextmanager
def month_lock(out_dir: Path, month: str) -> Iterator[Path]:
    """Refuse a second concurrent run of the same month into the same out-dir.

    An ``fcntl.flock`` on ``<out_dir>/.<month>.lock`` (:mod:`dtks_analysis.locks`): released by
    the kernel when the run dies, so a lock file left by a killed run, or one naming a PID that
    a reboot gave to another process, never blocks.
    """
    lock = out_dir / f".{month}.lock"
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(locks.file_lock(lock))
        except locks.LockBusy as busy:
            pid = busy.holder.get("pid") or "?"
            raise LockedError(
                f"Laporan {month} sedang dibuat oleh proses lain (PID {pid}); tunggu sampai "
                f"selesai (another run of {month} holds {lock})."
            ) from None
        yield lock


# -- publication -------------------------------------------------------------------------
def recover(out_dir: Path, month: str) -> None:
    """Finish or undo a publication interrupted between its two renames (call under the lock)."""
    final = out_dir / month
    old = out_dir / f".{month}.old"
    if old.exists() and not final.exists():
        old.rename(final)
    elif old.exists():
        shutil.rmtree(old)
    for stale in out_dir.glob(f".{month}.staging-*"):
        # called under month_lock: no other run of this month writes here, whatever its PID
        shutil.rmtree(stale, ignore_errors=True)


def publish(staging: Path, out_dir: Path, month: str) -> Path:
    """Put a complete staging folder at ``out_dir/<month>``, replacing the old one atomically."""
    final = out_dir / month
    replace_dir(staging, final, between=lambda: crash_point("publish_rename"))
    return final


# -- notebooks ----------------------------------------------------------------------
def run_notebook(
    src: Path,
    dst: Path,
    parameters: dict,
    progress: bool,
    keep_failed: Path | None = None,
    keep_lock: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext,
    km: Any = None,
) -> None:
    """Execute ``src`` into ``dst`` with papermill on the ``dtks`` kernel (``km``: a kernel
    already started, :meth:`kernel.WarmKernel.take`; its owner ends it).

    On failure the executed notebook is copied to ``keep_failed`` (under ``data/``: it may
    show data; written under ``keep_lock()``, the data folder's lock) and the error names the
    cell and that copy.
    """
    import tempfile

    import papermill as pm

    sockets = tempfile.mkdtemp(prefix="dtks-k-")  # short path: Unix socket names are limited
    try:
        pm.execute_notebook(
            str(src),
            str(dst),
            parameters=parameters,
            kernel_name=kernel.KERNEL,
            progress_bar=progress and sys.stderr.isatty(),  # no carriage-return stream in logs
            cwd=str(NOTEBOOK_DIR),
            report_mode=False,
            kernel_manager_class=kernel.ipc_kernel_manager(sockets),
            **({"km": km} if km is not None else {}),
        )
    except pm.PapermillExecutionError as exc:
        where = dst
        if keep_failed is not None and dst.exists():
            with keep_lock():
                keep_failed.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(dst, keep_failed)
            where = keep_failed
        raise ReportError(
            f"Notebook {src.name} gagal di sel {exc.exec_count}: {exc.ename}: {exc.evalue} "
            f"(notebook failed; lihat {where})"
        ) from None
    except Exception as exc:
        if "No such kernel" in str(exc) or type(exc).__name__ == "NoSuchKernel":
            raise ReportError(
                f"Kernel Jupyter '{kernel.KERNEL}' tidak terpasang. Jalankan `make setup` "
                f"(python -m ipykernel install --sys-prefix --name {kernel.KERNEL})."
            ) from exc
        raise
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    _stable_cell_ids(dst)


def _warm_kernel() -> kernel.WarmKernel | None:
    """Notebook 02's kernel, started now (:class:`kernel.WarmKernel`); None when it cannot
    start (no ``dtks`` kernel installed...): papermill then starts one and says what is wrong."""
    try:
        return kernel.WarmKernel(NOTEBOOK_DIR)
    except Exception:  # noqa: BLE001 - reported, with its advice, by run_notebook
        log.debug("kernel awal tidak dapat dimulai", exc_info=True)
        return None


def _stable_cell_ids(path: Path) -> None:
    """Give papermill's injected-parameters cell a fixed id (papermill draws a random one),
    so the rendered HTML is identical on every run."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    changed = False
    for i, cell in enumerate(nb.cells):
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = f"injected-parameters-{i:02d}"
            changed = True
    if changed:
        nbformat.write(nb, path)


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(PROJ_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(PROJ_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def code_version() -> str:
    """The code that built a report: the git commit (``+dirty`` with uncommitted changes) when
    the project is a git checkout, and the package version."""
    commit = git_commit()
    package = f"dtks-analysis {__version__}"
    return f"git {commit} ({package})" if commit else package


def finish_review_notebook(path: Path, header: str, aliases: dict[str, str]) -> None:
    """Make an executed notebook the reviewer edition: absolute paths made portable
    (:func:`review.portable_tree`) and the header (commit, parameters, input digests) first."""
    import nbformat

    from dtks_analysis.publishing import review

    nb = review.portable_tree(nbformat.read(path, as_version=4), aliases)
    nb.cells.insert(0, review.header_cell(header))
    nbformat.write(nb, path)


def package_versions() -> dict[str, str]:
    from importlib import metadata

    names = [
        "pandas",
        "numpy",
        "pyarrow",
        "python-calamine",
        "openpyxl",
        "xlsxwriter",
        "matplotlib",
        "seaborn",
        "papermill",
        "nbconvert",
        "ipykernel",
        "babel",
        "pyyaml",
        "pypdf",
        "scipy",
        "highspy",
    ]
    out = {"python": platform.python_version(), "dtks-analysis": __version__}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = "tidak terpasang"
    return out


def public_manifest(obj: Any) -> Any:
    """``obj`` (the manifest) with every NIK / No KK-like run in its keys and texts masked:
    input file names are published with their sha256 but never with an ID in them."""
    from dtks_analysis.formatting import teks_publik

    if isinstance(obj, dict):
        return {teks_publik(str(k)): public_manifest(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [public_manifest(v) for v in obj]
    return teks_publik(obj)


def crash_point(name: str) -> None:
    """Kill this process hard after step ``name`` when ``DTKS_CRASH_AFTER`` names it.

    Used by the crash-safety tests to simulate a power cut at a precise point.
    """
    if os.environ.get("DTKS_CRASH_AFTER") == name:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


class Steps:
    """Times named steps (wall and CPU seconds) and prints progress."""

    def __init__(self, progress: bool) -> None:
        self.durations: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.progress = progress

    @contextlib.contextmanager
    def step(self, name: str, label: str) -> Iterator[None]:
        if self.progress:
            print(f"[dtks] {label} ...", file=sys.stderr, flush=True)
        t0, c0 = time.perf_counter(), children.cpu_seconds()
        yield
        self.durations[name] = round(time.perf_counter() - t0, 3)
        self.cpu[name] = round(children.cpu_seconds() - c0, 3)
        crash_point(name)
        if self.progress:
            print(f"[dtks] {label}: {self.durations[name]:.1f} s", file=sys.stderr, flush=True)


def _village_history(month: str, settings: Settings, tables) -> tuple[Any, str]:
    """Issue 14: the village quality history of every prepared month and its source line
    ("DTKS dan DTSEN" across a change): what the side process writes as
    ``tabel/kualitas_desa.csv``, ``kualitas_desa_<month>.xlsx`` and ``camat/*.html|.pdf``."""
    from dtks_analysis import quality_history
    from dtks_analysis.publishing.desil_section import sumber_periode

    history = quality_history.build_history(month, settings)
    return history, sumber_periode(tables, sorted(history["bulan"].unique()))


def refuse_leaks(folder: Path, persons, kode: str, what: str, scanned=None, terms=None) -> None:
    """Raise :class:`ReportError` (``what``: "laporan", "tabel", "rekap wilayah") when the
    personal-data scan finds anything in ``folder``, before it is published (``scanned``:
    files scanned earlier, :func:`privacy.scan_files`; ``persons`` and ``terms`` as in
    :func:`privacy.check_outputs`)."""
    from dtks_analysis.publishing import privacy

    leaks = privacy.check_outputs(folder, persons, kode, scanned, terms)
    if leaks:
        raise ReportError(
            f"Keluaran memuat {len(leaks)} dugaan data pribadi; {what} TIDAK diterbitkan "
            f"(personal data found in outputs):\n{privacy.leak_report(leaks, limit=10)}"
        )


def run_report(
    month: str,
    settings: Settings,
    params_file: str | None = None,
    progress: bool = True,
) -> Path:
    """Build ``outputs/<month>/`` for ``month``; return its path.

    Raises ReportError / IngestError / ParamsError with a message for the analyst; the
    previous outputs of the month are then left as they were.
    """
    from dtks_analysis import pipeline, report_side
    from dtks_analysis.publishing import export, privacy_inputs, render, review

    out_dir = settings.out_dir
    started = datetime.now(UTC)
    steps = Steps(progress)
    with month_lock(out_dir, month):
        recover(out_dir, month)
        staging = out_dir / f".{month}.staging-{os.getpid()}"
        staging.mkdir(parents=True)
        side = side_nb = warm = None
        try:
            # notebook 02's kernel starts and imports while the months are prepared
            warm = _warm_kernel()
            with steps.step("siapkan_data", "Membaca dan memvalidasi ekstrak semua bulan"):
                data = pipeline.prepare_months(month, settings, progress=progress)
            with steps.step("tabel", "Menghitung tabel"):
                # stored under data/interim/<month>/tabel/ (confidential): notebook 02 reads them
                tables = pipeline.report_tables(month, settings, data)
            with steps.step("csv_xlsx", "Menulis CSV dan XLSX"):
                export.write_csvs({**tables.published, **tables.extra}, staging / "tabel")
                from dtks_analysis.publishing import desil_section, metadata

                # the month's source in every title and source line (DTKS, DTSEN or both)
                meta = metadata.workbook_meta(
                    settings, desil_section.sumber_bulan(tables), desil_section.is_dtsen(tables)
                )
                book = {**tables.published, **tables.extra}
                meta["sumber_tabel"] = {  # tables of several months: their sources
                    n: desil_section.sumber_periode(tables, book[n]["bulan"])
                    for n in ("tren_bulanan", "tren_kualitas")
                    if n in book
                }
                peralihan = desil_section.catatan_peralihan(tables)
                if peralihan:  # the trend across a change of source keeps its note
                    meta["catatan"] = {"tren_bulanan": [peralihan]}
                # true village totals: a column with hidden cells must not show a partial sum
                full = tables.rekap_desa_lengkap
                value_cols = full.select_dtypes("number").columns
                meta["total"] = {"rekap_desa": {c: int(full[c].sum()) for c in value_cols}}
                if tables.rekap_desil_lengkap is not None:  # kabupaten totals, published anyway
                    dk = tables.rekap_desil_lengkap.select_dtypes("number")
                    meta["total"]["desil_kabupaten"] = {c: int(dk[c].sum()) for c in dk.columns}
                # every published table, and the report's list of villages with findings
                from dtks_analysis.publishing.sections import desa_temuan

                if not tables.villages.empty:
                    book["desa_temuan"] = desa_temuan(tables.villages)
                export.write_workbook(book, staging / f"tabel_dtks_{month}.xlsx", month, meta)
            with steps.step("kualitas_desa", "Menghitung riwayat kualitas data desa"):
                history, src = _village_history(month, settings, tables)
            # its files and the scan of the finished files, while the notebooks run
            side = report_side.Side(report_side.side_work, month, settings, staging, history, src)
            param_files = [*settings.sources, *([params_file] if params_file else [])]
            review_dir = staging / "review"
            review_dir.mkdir()
            # the published files name folders relative to the project / data folder, never
            # by this machine's absolute paths
            aliases = review.path_aliases(
                PROJ_ROOT,
                settings.data_dir,
                settings.raw_root,
                out_dir,
                shown_as={staging: out_dir / month},
                home=Path.home(),
                others={
                    **{Path(f).resolve().parent: "<folder parameter>" for f in param_files},
                    # library warnings name the environment's files
                    Path(sys.prefix): "<lingkungan python>",
                },
            )
            inputs = {m: d.summary.get("inputs", {}) for m, d in data.items()}
            header = review.header_html(
                month,
                code_version(),
                settings.to_papermill(),
                inputs,
                raw_root=settings.raw_root,
                data_dir=settings.data_dir,
                aliases=aliases,
            )
            params = {
                "month": month,
                "params_file": str(Path(params_file).resolve()) if params_file else None,
                "data_dir": str(settings.data_dir),
                "raw_dir": str(settings.raw_root),
            }
            from dtks_analysis.formatting import bulan_id
            from dtks_analysis.publishing.desil_section import sumber_bulan

            sumber = sumber_bulan(tables)  # DTKS, DTSEN or both (issue 13)
            title = f"Laporan Bulanan {sumber} {settings.kabupaten_nama} — {bulan_id(month)}"
            nb01, nb02 = NOTEBOOKS
            with steps.step(f"notebook_{nb02[:2]}", f"Menjalankan notebook {nb02}"):
                executed = review_dir / nb02
                run_notebook(
                    NOTEBOOK_DIR / nb02,
                    executed,
                    params,
                    progress,
                    keep_failed=settings.interim_root / month / f"gagal_{nb02}",
                    keep_lock=lambda: pipeline.data_lock(settings),
                    km=warm.take() if warm is not None else None,
                )
                if warm is not None:
                    warm.stop()
                finish_review_notebook(executed, header, aliases)
            # notebook 01 (intake and quality: the reviewer edition only) while the PDF prints
            side_nb = report_side.Side(
                report_side.notebook_work,
                NOTEBOOK_DIR / nb01,
                review_dir / nb01,
                params,
                settings,
                header,
                aliases,
                f"{title} — edisi penelaah: {Path(nb01).stem}",
                settings.instansi,
                # and notebook 02's reviewer HTML (and the scan of both its files)
                ((executed, f"{title} — edisi penelaah: {Path(nb02).stem}"),),
            )
            with steps.step("html", "Membuat HTML"):
                html = staging / f"laporan_dtks_{month}.html"
                render.notebook_to_html(
                    executed, html, with_code=False, title=title, footer=settings.instansi
                )
            with steps.step("pdf", "Membuat PDF"):
                render.html_to_pdf(
                    html, staging / f"laporan_dtks_{month}.pdf", footer=settings.instansi
                )
            scanned, side_steps = {}, []
            for job in (side_nb, side):  # notebook_01 first: the crash point of its step
                done = job.result()
                scanned.update(done.scanned)
                for name, seconds in done.durations.items():
                    steps.durations[name], steps.cpu[name] = seconds, done.cpu[name]
                    side_steps.append(name)
                    crash_point(name)
                    if progress:
                        print(f"[dtks] {name} (proses samping): {seconds:.1f} s", file=sys.stderr)
            manifest = {
                "month": month,
                "parameters": settings.to_papermill(),
                "params_files": list(settings.sources) + ([params_file] if params_file else []),
                "inputs": inputs,
                "package_versions": package_versions(),
                "git_commit": git_commit(),
                "started": started.isoformat(timespec="seconds"),
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                "durations_s": steps.durations,
                "cpu_s": steps.cpu,
                "side_steps": sorted(side_steps),  # ran beside the others: not on the wall clock
                "files": sorted(
                    p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()
                ),
            }
            (staging / "manifest.json").write_text(
                json.dumps(
                    public_manifest(review.portable_tree(manifest, aliases)),
                    indent=2,
                    sort_keys=True,
                    default=str,
                ),
                encoding="utf-8",
            )
            with steps.step("cek_data_pribadi", "Memeriksa data pribadi di keluaran"):
                inputs = privacy_inputs.InputPersons(settings.interim_root, settings.kabupaten_kode)
                refuse_leaks(
                    staging,
                    inputs.persons,
                    settings.kabupaten_kode,
                    "laporan",
                    scanned,
                    inputs.terms(),
                )
            final = publish(staging, out_dir, month)
        except BaseException:
            for job in (side, side_nb, warm):  # before the staging folder goes: they write there
                if job is not None:
                    job.stop()
            shutil.rmtree(staging, ignore_errors=True)
            raise
    if progress:
        total = sum(steps.durations.values())
        print(f"[dtks] Selesai: {final} ({total:.1f} s)", file=sys.stderr, flush=True)
    return final
