"""Synthetic samples for the tests, generated once and kept in an on-disk cache.

A sample is keyed by its generator arguments (months, scale, seed, defect rate, ...) and a
hash of the generator's code and reference data and of the library versions, so a change to
the generator makes a new sample; the cache lives in ``.pytest_cache/d/dtks-samples/``
(git-ignored, emptied by ``pytest --cache-clear`` and ``make clean``: a clean checkout generates
every sample once). Both xdist workers share the cache: one generates a sample under a file
lock while the other waits for it instead of generating it again. Tests always get a private
copy (``raw/`` and ``truth/``): the pipeline writes interim data beside ``raw/``, and some
tests change the raw files. ``DTKS_TEST_CACHE`` moves the cache; ``DTKS_TEST_CACHE=off``
generates every sample afresh.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import platform
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DONE = ".complete"


def cache_dir() -> Path | None:
    """The cache folder, or None when ``DTKS_TEST_CACHE=off``."""
    where = os.environ.get("DTKS_TEST_CACHE", "")
    if where.lower() in {"off", "0", "no"}:
        return None
    return Path(where) if where else ROOT / ".pytest_cache" / "d" / "dtks-samples"


@functools.cache
def generator_hash() -> str:
    """sha256 of what a sample depends on: the generator's modules, config.py (month helpers,
    package data path), the reference data and the numpy/pandas/pyarrow/Python versions."""
    import numpy
    import pandas
    import pyarrow

    pkg = ROOT / "dtks_analysis"
    files = [
        *sorted((pkg / "synthetic").glob("*.py")),
        pkg / "config.py",
        *sorted(p for p in (pkg / "data").rglob("*") if p.is_file()),
    ]
    h = hashlib.sha256()
    for p in files:
        h.update(p.relative_to(pkg).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    versions = (
        numpy.__version__,
        pandas.__version__,
        pyarrow.__version__,
        platform.python_version(),
    )
    h.update(repr(versions).encode())
    return h.hexdigest()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _cached(kind: str, args: dict, make: Callable[[Path], object], dest: Path) -> Path:
    """``dest`` holding a copy of the sample ``make(folder)`` writes (from the cache when there)."""
    base = cache_dir()
    if base is None:
        make(dest)
        return dest
    spec = json.dumps({"kind": kind, **args, "code": generator_hash()}, sort_keys=True)
    key = hashlib.sha256(spec.encode()).hexdigest()[:20]
    entry = base / key
    with _locked(base / f"{key}.lock"):
        if not (entry / DONE).is_file():
            tmp = base / f".{key}.tmp-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(entry, ignore_errors=True)
            make(tmp)
            (tmp / DONE).write_text(spec + "\n", encoding="utf-8")
            tmp.rename(entry)
    shutil.copytree(entry, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns(DONE))
    return dest


def sample(dest: Path, months: list[str], **kwargs) -> Path:
    """``synthetic.generate(dest, months, **kwargs)`` (``progress`` off), through the cache."""
    from dtks_analysis import synthetic

    args = {"months": list(months), **kwargs}
    return _cached(
        "generate", args, lambda d: synthetic.generate(d, months, progress=False, **kwargs), dest
    )


def wilayah_sample(dest: Path, kodes: list[str], months: list[str], **kwargs) -> Path:
    """``synthetic.generate_wilayah(dest, kodes, months, **kwargs)``, through the cache."""
    from dtks_analysis import synthetic

    args = {"kodes": list(kodes), "months": list(months), **kwargs}
    return _cached(
        "wilayah",
        args,
        lambda d: synthetic.generate_wilayah(d, kodes, months, progress=False, **kwargs),
        dest,
    )
