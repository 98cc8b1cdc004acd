"""The inputs' personal data for the scan of outputs, loaded once and its terms cached on disk.

The names, addresses and family IDs to look for (:func:`privacy.personal_terms`) come from
every month's cleaned persons and take seconds to compute; a report needs them three times (the
early scan, notebook 01's scan and the final scan, in separate processes). They are kept in
``<interim>/.istilah_pribadi.json`` (under ``data/``: git-ignored and confidential, like the
persons themselves), keyed by the persons files (name, size, time), the kabupaten and the
package's code and reference data (:func:`fingerprint.code_fingerprint`, also the key of the
interim months), so they are computed once per state of the data and of the code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from dtks_analysis.fingerprint import code_fingerprint
from dtks_analysis.publishing import privacy

CACHE_NAME = ".istilah_pribadi.json"

__all__ = ["CACHE_NAME", "InputPersons"]


class InputPersons:
    """The cleaned persons of every month under ``interim_root`` (:func:`privacy.load_input_persons`),
    read when first needed, and their terms for the kabupaten ``kode``, from the cache when the
    data has not changed since it was written."""

    def __init__(self, interim_root: Path, kode: str) -> None:
        self.interim_root = Path(interim_root)
        self.kode = kode
        self._persons: pd.DataFrame | None = None
        self._loaded = False

    def persons(self) -> pd.DataFrame | None:
        """The persons table (None when there is no prepared month)."""
        if not self._loaded:
            self._persons = privacy.load_input_persons(self.interim_root)
            self._loaded = True
        return self._persons

    def _key(self) -> list:
        files = sorted(self.interim_root.glob("*/persons.parquet"), reverse=True)
        stamps = [[p.parent.name, *privacy.file_stamp(p)] for p in files]
        return [code_fingerprint(), self.kode, stamps]

    def terms(self) -> privacy.Terms | None:
        """:func:`privacy.personal_terms` of :meth:`persons` (None when there are none)."""
        key = self._key()
        if not key[2]:
            return None
        path = self.interim_root / CACHE_NAME
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored["kunci"] == key:
                return {
                    kind: {tuple(words): where for words, where in pairs}
                    for kind, pairs in stored["istilah"].items()
                }
        except (OSError, ValueError, KeyError, TypeError):
            pass  # absent, damaged or for other data: computed again
        persons = self.persons()
        if persons is None:
            return None
        terms = privacy.personal_terms(persons, self.kode)
        stored = {
            "kunci": key,
            "istilah": {k: [[list(w), s] for w, s in v.items()] for k, v in terms.items()},
        }
        tmp = path.with_name(f"{CACHE_NAME}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:  # a read-only data folder: the scan works without the cache
            tmp.unlink(missing_ok=True)
        return terms
