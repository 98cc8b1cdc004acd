"""The month folder: which files are extracts, and each file's relationship scheme
(``sumber.yaml``)."""

from __future__ import annotations

from pathlib import Path

from dtks_analysis.config import load_small_yaml, short_repr
from dtks_analysis.fsutil import TreeError, walk_files
from dtks_analysis.intake.ingest.messages import IngestError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
CSV_SUFFIXES = (".csv",)
OTHER_SPREADSHEETS = (".xlsb", ".ods", ".numbers", ".xlt", ".xltx", ".xltm", ".fods")
"""Spreadsheets that are not read: stop rather than silently leave a village's data out."""
SUMBER_FILE = "sumber.yaml"
SKEMA = ("dtks", "dukcapil")


def read_sumber(month_dir: Path, default: str) -> tuple[dict[str, str], Path | None]:
    """Per-file relationship scheme declared in ``sumber.yaml`` (relative path -> scheme)."""
    p = month_dir / SUMBER_FILE
    if not p.is_file():
        return {}, None
    bad = (
        f"{p}: isi tidak sesuai format. Contoh yang benar:\n"
        f'files:\n  "kiriman/Sidikalang.xlsx": {{skema_hubungan: dukcapil}}\n'
        f"(sumber.yaml is malformed)"
    )
    example = '\nContoh:\nfiles:\n  "kiriman/Sidikalang.xlsx": {skema_hubungan: dukcapil}'
    doc = load_small_yaml(p, IngestError, "sumber.yaml", example)
    if doc is None:
        return {}, p
    if not isinstance(doc, dict) or not isinstance(doc.get("files", {}), dict):
        raise IngestError(bad)
    out: dict[str, str] = {}
    for rel, spec in (doc.get("files") or {}).items():
        if not isinstance(spec, dict):
            raise IngestError(bad)
        skema = spec.get("skema_hubungan", default)
        if skema not in SKEMA:
            raise IngestError(
                f"{p}: skema_hubungan untuk {short_repr(rel)} harus 'dtks' atau 'dukcapil', "
                f"bukan {short_repr(skema)}. (skema_hubungan must be dtks or dukcapil)"
            )
        out[str(rel).replace("\\", "/").removeprefix("./")] = skema
    return out, p


def list_extracts(month_dir: Path) -> tuple[list[tuple[Path, str]], list[str]]:
    """Extract files under a month folder, sorted by relative POSIX path; and ignored files.

    Symlinked sub-folders are followed (:func:`dtks_analysis.fsutil.walk_files`, also used for
    the cache key), hidden entries and ``~$`` lock files skipped.
    """
    found: list[tuple[Path, str]] = []
    ignored: list[str] = []
    try:
        listing = walk_files(month_dir)
    except TreeError as exc:
        raise IngestError(str(exc)) from None
    for p, rel in listing:
        if p.suffix.lower() in EXCEL_SUFFIXES + CSV_SUFFIXES:
            found.append((p, rel))
        elif rel != SUMBER_FILE:
            ignored.append(rel)
    found.sort(key=lambda x: x[1])
    return found, sorted(ignored)
