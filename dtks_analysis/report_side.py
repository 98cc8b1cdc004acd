"""Work of a report done beside its notebooks (issue 16).

While the notebooks run in their kernel (one core) the report process only waits. A side
process started with ``spawn`` meanwhile writes the village quality files (CSV, workbook,
camat pages printed by Chromium) and scans the finished files for personal data; the report
joins it before the manifest and reuses that scan (:func:`privacy.check_outputs` with
``scanned``), so the result is that of one scan of every file at the end. The side process
holds no lock and dies with the report (``PR_SET_PDEATHSIG`` on Linux).
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dtks_analysis import children
from dtks_analysis.config import Settings


@dataclass
class SideResult:
    """What the side process did: step -> wall / CPU seconds, and its early scan."""

    durations: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    scanned: dict = field(default_factory=dict)  # privacy.Scanned


@contextlib.contextmanager
def _timed(result: SideResult, name: str) -> Any:
    t0, c0 = time.perf_counter(), children.cpu_seconds()
    yield
    result.durations[name] = round(time.perf_counter() - t0, 3)
    result.cpu[name] = round(children.cpu_seconds() - c0, 3)


def finished_files(staging: Path, month: str) -> list[Path]:
    """The files of ``staging`` that are final before the notebooks run: the tables, both
    workbooks and the camat pages (the notebooks, HTML, PDF and manifest come later)."""
    names = [f"tabel_dtks_{month}.xlsx", f"kualitas_desa_{month}.xlsx"]
    files = [staging / n for n in names if (staging / n).is_file()]
    for sub in ("tabel", "camat"):
        if (staging / sub).is_dir():
            files += [p for p in (staging / sub).iterdir() if p.is_file() and p.name[0] != "."]
    return sorted(files)


def _scan(staging: Path, paths: list[Path], settings: Settings) -> dict:
    """:func:`privacy.scan_files` of ``paths`` with the inputs' cached terms."""
    from dtks_analysis.publishing import privacy, privacy_inputs

    inputs = privacy_inputs.InputPersons(settings.interim_root, settings.kabupaten_kode)
    return privacy.scan_files(staging, paths, None, settings.kabupaten_kode, inputs.terms())


def side_work(
    month: str, settings: Settings, staging: Path, history: pd.DataFrame, sumber: str
) -> SideResult:
    """Write the village quality files of ``history`` into ``staging``, then scan the finished
    files of ``staging`` for personal data (what :func:`report.run_report` did one after the
    other)."""
    from dtks_analysis.publishing import kualitas_desa_files as files

    result = SideResult()
    with _timed(result, "kualitas_desa_berkas"):
        files.write_csv(history, staging / "tabel")
        files.write_workbook(
            history, staging / f"kualitas_desa_{month}.xlsx", month, settings, sumber
        )
        files.write_camat_pages(history, month, settings, staging / "camat", sumber_data=sumber)
    with _timed(result, "cek_data_pribadi_awal"):
        result.scanned = _scan(staging, finished_files(staging, month), settings)
    return result


def notebook_work(
    src: Path,
    dst: Path,
    params: dict,
    settings: Settings,
    header: str,
    aliases: dict[str, str],
    title: str,
    footer: str,
    executed: tuple[tuple[Path, str], ...] = (),
) -> SideResult:
    """Run notebook ``src`` into ``dst`` (the reviewer edition: :func:`report.run_notebook`,
    :func:`report.finish_review_notebook`), render its HTML beside it and scan both for
    personal data: notebook 01, while the report prints its PDF. ``executed``: reviewer
    editions already executed (path, title: notebook 02) whose HTML is rendered and scanned
    here too."""
    from dtks_analysis import pipeline, report
    from dtks_analysis.publishing import render

    result = SideResult()
    with _timed(result, f"notebook_{src.name[:2]}"):
        report.run_notebook(
            src,
            dst,
            params,
            False,
            keep_failed=settings.interim_root / params["month"] / f"gagal_{src.name}",
            keep_lock=lambda: pipeline.data_lock(settings),
        )
        report.finish_review_notebook(dst, header, aliases)
    files = [dst]
    for nb, nb_title in ((dst, title), *executed):
        html = nb.with_suffix(".html")
        with _timed(result, f"html_{nb.name[:2]}"):
            render.notebook_to_html(nb, html, with_code=True, title=nb_title, footer=footer)
        files += [html] if nb == dst else [nb, html]
    with _timed(result, f"cek_data_pribadi_{src.name[:2]}"):
        result.scanned = _scan(dst.parent.parent, files, settings)
    return result


def _main(conn: Any, parent: int, target: Any, args: tuple) -> None:
    """The side process: run ``target(*args)`` and send ("ok", result) or ("error", exc)."""
    children.die_with_parent(parent)
    os.environ.pop("DTKS_CRASH_AFTER", None)  # crash points are the report process's
    try:
        conn.send(("ok", target(*args)))
    except BaseException as exc:  # noqa: BLE001 - sent to the report, which raises it
        conn.send(("error", children.portable(exc)))
    finally:
        conn.close()


class Side:
    """``target(*args)`` in a side process (``target`` a module-level function returning a
    :class:`SideResult`); :meth:`result` waits for it, :meth:`stop` kills it."""

    def __init__(self, target: Any, *args: Any) -> None:
        import multiprocessing

        self._done: SideResult | None = None
        if multiprocessing.current_process().daemon:
            # a Dask worker (wilayah): no children allowed, and the cores are busy anyway
            self._done = target(*args)
            return
        ctx = multiprocessing.get_context("spawn")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_main, args=(send, os.getpid(), target, args), daemon=True)
        self._proc.start()
        send.close()

    def result(self) -> SideResult:
        """The side work's result; its exception is raised here."""
        if self._done is not None:
            return self._done
        try:
            status, value = self._recv.recv()
        except EOFError:
            self._proc.join()
            raise RuntimeError(
                f"Proses samping laporan berhenti tanpa hasil (exit code {self._proc.exitcode})"
            ) from None
        self._proc.join()
        if status == "error":
            raise value
        return value

    def stop(self) -> None:
        """Kill the side process if it still runs (the report failed) and reap it."""
        if self._done is not None:
            return
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()
        self._recv.close()
