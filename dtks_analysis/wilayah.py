"""Province and national runs on Dask distributed (issue 15, docs/wilayah.md).

Each kabupaten's month (prepare, tables and, unless ``hanya_tabel``, its own report) is one task
on a ``distributed.Client``: a ``LocalCluster`` sized to the machine, or the scheduler at
``--scheduler`` / ``DASK_SCHEDULER_ADDRESS``. Each kabupaten is read from
``<data>/raw/<kode>/<YYYY-MM>/`` and published to ``<out>/<kode>/<YYYY-MM>/`` exactly as a single
run would; a kabupaten whose files are bad fails alone, with its message. The rollup
(:mod:`dtks_analysis.rollup`) then lists the kabupaten, finds the NIKs recorded in two or more
kabupaten with a Dask DataFrame shuffle on NIK, and names the kabupaten missing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dtks_analysis.config import KABUPATEN_RE, ParamsError, Settings, load_settings
from dtks_analysis.errors import environment_message, known_errors

PROVINSI_RE = re.compile(r"^\d{2}$")
WORKER_MEMORY_MIN = 2 << 30
"""A LocalCluster worker gets at least this much memory (2 GiB): fewer workers rather than less."""
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"


class WilayahError(ParamsError):
    """The region asked for has no kabupaten folder, or a code is malformed."""


@dataclass
class KabupatenResult:
    """What one kabupaten's task returns (picklable, small)."""

    kode: str
    nama: str = ""
    folder: str = ""  # its published month folder
    persons: str = ""  # its interim persons.parquet (confidential, for the duplicates)
    pesan: str = ""  # the failure message, empty when it succeeded
    status: str = "selesai"  # selesai | tidak_ada_data | gagal


@dataclass
class WilayahResult:
    """The outcome of :func:`run_wilayah`."""

    kode: str
    month: str
    kabupaten: list[KabupatenResult] = field(default_factory=list)
    rollup: Path | None = None
    engine: dict[str, Any] = field(default_factory=dict)
    hanya_tabel: bool = False  # no notebooks, HTML or PDF (each kabupaten and the rollup)

    @property
    def failed(self) -> list[KabupatenResult]:
        return [r for r in self.kabupaten if r.status != "selesai"]


def present_kabupaten(raw_root: Path) -> list[str]:
    """Kabupaten codes with a folder under ``raw_root`` (the many-kabupaten layout), sorted."""
    if not raw_root.is_dir():
        return []
    return sorted(p.name for p in raw_root.iterdir() if p.is_dir() and KABUPATEN_RE.match(p.name))


def select_kabupaten(kode: str, raw_root: Path) -> list[str]:
    """The kabupaten of ``kode``: a province (``12``: those present), ``ID`` (all present) or a
    comma list of kabupaten codes (each one, present or not: a missing one fails alone).

    >>> select_kabupaten("12.15,12.11", Path("/nonexistent"))
    ['12.11', '12.15']
    """
    kode = kode.strip()
    present = present_kabupaten(raw_root)
    if kode.upper() == "ID":
        chosen = present
    elif PROVINSI_RE.match(kode):
        chosen = [k for k in present if k.startswith(f"{kode}.")]
    else:
        chosen = sorted({c.strip() for c in kode.split(",") if c.strip()})
        bad = [c for c in chosen if not KABUPATEN_RE.match(c)]
        if bad or not chosen:
            raise WilayahError(
                f"--kode {kode!r}: berikan kode provinsi (12), ID, atau daftar kode kabupaten "
                f"dipisah koma (12.11,12.15) (expected a province code, ID or kabupaten codes)"
            )
        return chosen
    if not chosen:
        raise WilayahError(
            f"Tidak ada folder kabupaten untuk {kode!r} di {raw_root} (no kabupaten folder). "
            f"Letakkan ekstrak di {raw_root}/<kode_kabupaten>/<YYYY-MM>/ (docs/wilayah.md)."
        )
    return chosen


def folder_name(kode: str) -> str:
    """The rollup's folder name for ``kode`` (``12``, ``ID``, ``12.11_12.15``)."""
    return "_".join(sorted(c.strip() for c in kode.split(",") if c.strip())).upper()


def latest_month(codes: list[str], data_dir: Path) -> str | None:
    """The latest month present in any of the kabupaten."""
    from dtks_analysis import pipeline

    months = set()
    for k in codes:
        s = load_settings(None, kabupaten=k, data_dir=data_dir)
        months.update(pipeline.available_months(s))
    return max(months) if months else None


def kabupaten_settings(
    kode: str, month: str, data_dir: Path, out_dir: Path, params_file: str | None = None
) -> Settings:
    """The settings of one kabupaten of a region run (its own out folder ``out_dir/<kode>``)."""
    return load_settings(
        month, params_file=params_file, kabupaten=kode, data_dir=data_dir, out_dir=out_dir / kode
    )


def run_kabupaten(
    kode: str,
    month: str,
    data_dir: str,
    out_dir: str,
    hanya_tabel: bool = False,
    params_file: str | None = None,
) -> KabupatenResult:
    """One kabupaten's month: the task a Dask worker runs. Never raises for bad input: the
    message goes back in the result (``status`` gagal / tidak_ada_data)."""
    from dtks_analysis import pipeline, report, rollup

    result = KabupatenResult(kode)
    try:
        settings = kabupaten_settings(kode, month, Path(data_dir), Path(out_dir), params_file)
        result.nama = settings.kabupaten_nama
        if month not in pipeline.available_months(settings):
            result.status = "tidak_ada_data"
        pipeline.resolve_month(month, settings)  # the clear message when the month is missing
        if hanya_tabel:
            final = rollup.tables_only(month, settings, params_file=params_file)
        else:
            final = report.run_report(month, settings, params_file=params_file, progress=False)
        result.status = "selesai"
        result.folder = str(final)
        result.persons = str(pipeline.interim_dir(settings, month) / "persons.parquet")
    except known_errors() as exc:
        result.status = result.status if result.status != "selesai" else "gagal"
        result.pesan = str(exc)
    except OSError as exc:
        result.status, result.pesan = "gagal", environment_message(exc) or repr(exc)
    except Exception as exc:  # noqa: BLE001 - one kabupaten's bug must not stop the others
        result.status = "gagal"
        result.pesan = f"kesalahan tak terduga (unexpected error): {exc!r}\n" + "".join(
            traceback.format_exception(exc, limit=-3)
        )
    return result


def largest_first(codes: list[str], raw_root: Path, month: str) -> list[str]:
    """The kabupaten by the size of their month's files, largest first: the longest task starts
    first, so it does not run alone at the end (ties and missing folders keep code order)."""

    def size(kode: str) -> int:
        folder = raw_root / kode / month
        if not folder.is_dir():
            return 0
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())

    sizes = {k: size(k) for k in codes}
    return sorted(codes, key=lambda k: -sizes[k])


def machine_memory() -> int:
    """Physical memory of this machine in bytes."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def local_workers(workers: int | None) -> tuple[int, int]:
    """(workers, memory limit per worker in bytes) of a LocalCluster sized to the machine:
    one single-threaded worker per core, fewer when each would get under 2 GiB."""
    total = machine_memory()
    n = workers or max(1, min(os.cpu_count() or 1, total // WORKER_MEMORY_MIN))
    return n, total // n


def dashboard_text(client: Any) -> str:
    """Where the Dask dashboard is (it needs ``bokeh``, which the report does not)."""
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return "dasbor Dask tidak tersedia (pasang bokeh>=3.1 untuk melihatnya)"
    return f"dasbor {client.dashboard_link}"


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None, workers: int | None = None, progress: bool = True
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """A ``distributed.Client`` and the manifest's ``engine`` record.

    The scheduler at ``scheduler`` (or ``$DASK_SCHEDULER_ADDRESS``) when given, otherwise a
    ``LocalCluster`` of processes on loopback with a memory limit per worker.
    """
    from distributed import Client, LocalCluster

    if not logging.getLogger().isEnabledFor(logging.INFO):  # dtks -v shows Dask's own log
        logging.getLogger("distributed").setLevel(logging.ERROR)
    address = scheduler or os.environ.get(SCHEDULER_ENV)
    if address:
        with Client(address) as client:
            n = len(client.scheduler_info().get("workers", {}))
            if progress:
                print(
                    f"[wilayah] penjadwal {address}: {n} pekerja; {dashboard_text(client)}",
                    file=sys.stderr,
                    flush=True,
                )
            yield client, {"name": "dask.distributed", "scheduler": address, "workers": n}
        return
    n, memory = local_workers(workers)
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        if progress:
            print(
                f"[wilayah] LocalCluster: {n} pekerja, batas memori {memory / 2**30:.1f} GiB "
                f"per pekerja; {dashboard_text(client)}",
                file=sys.stderr,
                flush=True,
            )
        yield (
            client,
            {
                "name": "dask.distributed",
                "scheduler": "LocalCluster",
                "workers": n,
                "memory_limit_per_worker": memory,
            },
        )


def run_wilayah(
    kode: str,
    month: str | None = None,
    data_dir: Path | None = None,
    out_dir: Path | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    hanya_tabel: bool = False,
    params_file: str | None = None,
    progress: bool = True,
) -> WilayahResult:
    """Run every kabupaten of ``kode`` for ``month`` on Dask, then write the rollup."""
    from distributed import as_completed

    from dtks_analysis import rollup
    from dtks_analysis.config import check_month

    base = load_settings(None, params_file=params_file, data_dir=data_dir, out_dir=out_dir)
    data, out = base.data_dir, base.out_dir
    codes = select_kabupaten(kode, data / "raw")
    month = check_month(month) if month else latest_month(codes, data)
    if month is None:
        raise WilayahError(f"Tidak ada data bulan apa pun untuk {kode} di {data / 'raw'}")
    result = WilayahResult(folder_name(kode), month, hanya_tabel=hanya_tabel)
    started = datetime.now(UTC)
    with dask_client(scheduler, workers, progress) as (client, engine):
        result.engine = engine
        futures = [
            client.submit(
                run_kabupaten,
                k,
                month,
                str(data),
                str(out),
                hanya_tabel,
                params_file,
                key=f"kabupaten-{k}-{month}",
                pure=False,
            )
            for k in largest_first(codes, data / "raw", month)
        ]
        done: dict[str, KabupatenResult] = {}
        for i, fut in enumerate(as_completed(futures), start=1):
            k = fut.key.split("-")[1]
            try:
                r = fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker died: that kabupaten fails
                r = KabupatenResult(k, status="gagal", pesan=f"pekerja gagal: {exc!r}")
            done[r.kode] = r
            if progress:
                what = "selesai" if r.status == "selesai" else "GAGAL"
                print(
                    f"[wilayah] kabupaten selesai {i} dari {len(codes)}: {r.kode} "
                    f"{r.nama} ({what})",
                    file=sys.stderr,
                    flush=True,
                )
        result.kabupaten = [done[k] for k in codes]
        ok = {r.kode: Path(r.persons) for r in result.kabupaten if r.status == "selesai"}
        with _timed(engine, "detik_duplikat"):
            dup = rollup.cross_duplicates(ok)
        with contextlib.suppress(Exception):  # a worker gone by now: no figure, not a failure
            peaks = client.run(peak_rss_mb)
            engine["memori_puncak_pekerja_mb"] = sorted(peaks.values(), reverse=True)
    engine["mulai"] = started.isoformat(timespec="seconds")
    result.rollup = rollup.write_rollup(result, dup, data, out, base)
    for r in result.failed:
        print(
            f"[wilayah] GAGAL {r.kode} {r.nama}: {r.pesan}",
            file=sys.stderr,
            flush=True,
        )
    return result


def peak_rss_mb() -> float:
    """Peak resident memory of this process (a Dask worker) in MiB (Linux ``ru_maxrss``)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextlib.contextmanager
def _timed(record: dict[str, Any], key: str) -> Iterator[None]:
    import time

    t0 = time.perf_counter()
    yield
    record[key] = round(time.perf_counter() - t0, 2)
