"""One fingerprint of the package's code and reference data, for every cache that must not
outlive the code that filled it (the interim months, the personal-data terms)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from dtks_analysis import __version__

__all__ = ["code_fingerprint"]


def code_fingerprint() -> str:
    """Hash of the whole package's code and reference data (every ``.py`` and every file under
    ``data/``): any change to the package invalidates every cached month, so the cache cannot go
    stale through a module nobody remembered to list."""
    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    files = sorted(pkg.rglob("*.py")) + sorted(p for p in (pkg / "data").rglob("*") if p.is_file())
    for p in files:
        h.update(p.relative_to(pkg).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()
