"""The reviewer edition (``outputs/<month>/review/``): a header that says what produced it, and
no machine paths.

The executed notebooks carry the run's folders (papermill's parameters and metadata, messages
naming files). :func:`portable_tree` rewrites every absolute path of the project, the data,
the extracts, the outputs and the home folder into a name a reader can use on another machine:
relative to the project when the folder lies inside it (``data/raw``), else a placeholder
(``<folder data>``). :func:`header_cell` is the edition's first cell: the code's git commit (or
the package version), the parameters used and the SHA-256 digests of the input files, named
relative to the data folder. Cells tagged :data:`REVIEW_ONLY_TAG` (the header, the analysts'
DataFrames, formulas and rule codes) are dropped from the public edition by ``render``.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dtks_analysis.formatting import bulan_id, fmt_int, teks_publik

#: cells with this tag appear in the reviewer edition (and in JupyterLab), never in the public one
REVIEW_ONLY_TAG = "penelaah"

DATA_LABEL = "<folder data>"
RAW_LABEL = "<folder ekstrak>"
OUT_LABEL = "<folder keluaran>"


def _variants(path: Path) -> set[str]:
    """The spellings of ``path`` that can appear in a notebook: as given and resolved."""
    out = {str(path)}
    with contextlib.suppress(OSError):
        out.add(str(path.resolve()))
    return {p.rstrip("/") for p in out if len(p.rstrip("/")) > 1}


def path_aliases(
    project: Path,
    data_dir: Path,
    raw_root: Path,
    out_dir: Path,
    shown_as: Mapping[Path, Path] | None = None,
    home: Path | None = None,
    others: Mapping[Path, str] | None = None,
) -> dict[str, str]:
    """``{absolute path: portable name}`` for :func:`portable`, longest path first.

    A folder inside ``project`` is named relative to it (``data``, ``outputs/2023-12``); one
    inside the data or output folder relative to that folder's placeholder
    (``<folder data>/raw``); any other by its placeholder. ``shown_as`` names a folder as
    another one (the staging folder as the month's output folder it becomes); ``others`` adds
    folders with the placeholder they get when they lie outside those folders (a parameter
    file's folder).

    >>> a = path_aliases(Path("/p"), Path("/p/data"), Path("/p/data/raw"), Path("/o"),
    ...                  shown_as={Path("/o/.m.staging-1"): Path("/o/2023-12")})
    >>> a["/p/data/raw"], a["/o"], a["/p"], a["/o/.m.staging-1"]
    ('data/raw', '<folder keluaran>', '.', '<folder keluaran>/2023-12')
    """
    roots = ((project, "."), (data_dir, DATA_LABEL), (out_dir, OUT_LABEL))

    def name(path: Path, label: str) -> str:
        for root, alias in roots:
            if path == root:
                return alias
            if path.is_relative_to(root):
                rel = path.relative_to(root).as_posix()
                return rel if alias == "." else f"{alias}/{rel}"
        return label

    named: dict[Path, str] = {
        project: ".",
        data_dir: name(data_dir, DATA_LABEL),
        raw_root: name(raw_root, RAW_LABEL),
        out_dir: name(out_dir, OUT_LABEL),
        **{path: name(target, OUT_LABEL) for path, target in (shown_as or {}).items()},
        **{path: name(path, label) for path, label in (others or {}).items()},
    }
    aliases: dict[str, str] = {}
    if home is not None:
        aliases |= dict.fromkeys(_variants(home), "~")
    for path, alias in named.items():
        aliases |= dict.fromkeys(_variants(path), alias)
    # inside the project: "notebooks/02.ipynb", not "./notebooks/02.ipynb"
    aliases |= {f"{p}/": "" for p in _variants(project)}
    return dict(sorted(aliases.items(), key=lambda kv: (-len(kv[0]), kv[0])))


def portable(text: str, aliases: Mapping[str, str]) -> str:
    """``text`` with every aliased absolute path replaced by its portable name (a path is
    replaced only where it ends: ``/p/data`` is not touched inside ``/p/data2``).

    >>> portable('data_dir = "/p/data"; "/p/data2"', {"/p/data": "data"})
    'data_dir = "data"; "/p/data2"'
    """
    if not aliases or not text:
        return text
    rx = re.compile(
        "|".join(re.escape(k) + ("" if k.endswith("/") else r"(?![\w.\-])") for k in aliases)
    )
    return rx.sub(lambda m: aliases[m.group(0)], text)


def portable_tree(obj: Any, aliases: Mapping[str, str]) -> Any:
    """Every string (and key) of a JSON-like tree passed through :func:`portable`: a notebook
    (sources, outputs, metadata) or the manifest; a ``NotebookNode`` stays one."""
    if isinstance(obj, str):
        return portable(obj, aliases)
    if isinstance(obj, dict):
        new = {portable(k, aliases): portable_tree(v, aliases) for k, v in obj.items()}
        return type(obj)(new) if type(obj) is not dict else new
    if isinstance(obj, list):
        return [portable_tree(v, aliases) for v in obj]
    return obj


def input_name(rel: str, month: str, raw_root: Path, data_dir: Path) -> str:
    """Name of an input file relative to the data folder (``raw/2023-12/kiriman/x.xlsx``), or
    to the extracts folder when it lies elsewhere (``2023-12/kiriman/x.xlsx``); ID-like runs
    masked."""
    base = f"{month}/{rel}"
    if raw_root.is_relative_to(data_dir):
        base = f"{raw_root.relative_to(data_dir).as_posix()}/{base}"
    return teks_publik(base)


def month_digest(inputs: Mapping[str, str]) -> str:
    """One SHA-256 over a month's files and their digests (names sorted): equal exactly when
    every file is."""
    h = hashlib.sha256()
    for rel in sorted(inputs):
        h.update(f"{rel}\0{inputs[rel]}\n".encode())
    return h.hexdigest()


def _esc(x: object) -> str:
    return html.escape(str(x))


#: a digest wraps anywhere instead of running out of the page
_DIGEST_STYLE = "word-break: break-all; font-family: monospace; font-size: 85%;"


def _rows(pairs: Iterable[tuple[object, ...]], digest_col: int | None = None) -> str:
    def td(j: int, v: object) -> str:
        style = f' style="{_DIGEST_STYLE}"' if j == digest_col else ""
        return f"<td{style}>{_esc(v)}</td>"

    return "".join("<tr>" + "".join(td(j, v) for j, v in enumerate(row)) + "</tr>" for row in pairs)


def _table(caption: str, head: tuple[str, ...], body: str) -> str:
    th = "".join(f"<th>{_esc(h)}</th>" for h in head)
    return (
        f'<table class="dtks kepala-penelaah" style="width: 100%; table-layout: fixed;">'
        f"<caption>{_esc(caption)}</caption>"
        f"<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
    )


def _value(v: Any, aliases: Mapping[str, str]) -> str:
    if isinstance(v, list | tuple):
        return "; ".join(_value(x, aliases) for x in v) or "–"
    if v is None:
        return "–"
    return portable(str(v), aliases)


def header_html(
    month: str,
    code_version: str,
    parameters: Mapping[str, Any],
    inputs: Mapping[str, Mapping[str, str]],
    *,
    raw_root: Path,
    data_dir: Path,
    aliases: Mapping[str, str],
) -> str:
    """The reviewer edition's header: code version, parameters, input digests.

    ``inputs``: ``{month: {file relative to the month folder: sha256}}`` of every month the
    report used (the report month in full, earlier months as one digest each).
    """
    params = _rows((k, _value(v, aliases)) for k, v in sorted(parameters.items()))
    own = inputs.get(month, {})
    files = _rows(
        (
            (input_name(rel, month, raw_root, data_dir), digest)
            for rel, digest in sorted(own.items())
        ),
        digest_col=1,
    )
    earlier = _rows(
        (
            (bulan_id(m), fmt_int(len(inputs[m])), month_digest(inputs[m]))
            for m in sorted(inputs)
            if m != month
        ),
        digest_col=2,
    )
    parts = [
        "<h2>Keterangan edisi penelaah</h2>",
        f"<p>Laporan {_esc(bulan_id(month))}. Kode: <code>{_esc(code_version)}</code>. "
        "Nama folder ditulis relatif terhadap folder proyek atau folder data; rincian tiap "
        "berkas semua bulan ada di <code>manifest.json</code>.</p>",
        _table("Parameter yang dipakai", ("Parameter", "Nilai"), params),
        _table(
            f"Berkas masukan {bulan_id(month)} (SHA-256)",
            ("Berkas (relatif terhadap folder data)", "SHA-256"),
            files or _rows([("–", "–")]),
        ),
    ]
    if earlier:
        parts.append(
            _table(
                "Berkas masukan bulan sebelumnya (satu sidik SHA-256 per bulan)",
                ("Bulan", "Berkas", "SHA-256 gabungan"),
                earlier,
            )
        )
    return "\n".join(parts)


def header_cell(html_text: str) -> Any:
    """A markdown cell holding ``html_text``, tagged reviewer-only, with a fixed id."""
    import nbformat

    cell = nbformat.v4.new_markdown_cell(html_text)
    cell["id"] = "keterangan-penelaah"
    cell.metadata["tags"] = [REVIEW_ONLY_TAG]
    return cell


__all__ = [
    "REVIEW_ONLY_TAG",
    "header_cell",
    "header_html",
    "input_name",
    "month_digest",
    "path_aliases",
    "portable",
    "portable_tree",
]
