"""Rows of one sheet (or CSV) under a detected header -> the records frame of the contract.

Vertically merged data cells are filled down (with a warning); a header row repeated inside the
data is dropped (with a warning); ``_row`` is an ``int64`` column, every other value ``str`` or
``None``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from dtks_analysis.intake.ingest import dtsen
from dtks_analysis.intake.ingest.cells import cells_to_text
from dtks_analysis.intake.ingest.header import Header, find_header, missing_required
from dtks_analysis.intake.ingest.messages import place
from dtks_analysis.intake.ingest.sheetregion import region_from_context
from dtks_analysis.intake.schema import CANONICAL, ID_COLUMNS, META, canonical_column


@dataclass
class Table:
    """Records of one sheet, or why there are none."""

    sheet: str
    records: pd.DataFrame | None = None
    header_row: int | None = None  # Excel row / CSV line of the header
    unknown: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    status: str = "ok"  # ok | empty | noheader | headeronly
    kind: str = "dtks"  # dtks | keluarga | anggota (DTSEN files, docs/dtsen.md)


def _build_table(
    rows: list[list[Any]],
    rownums: np.ndarray,
    hdr: Header,
    rel: str,
    sheet: str,
    scheme: str,
    kept: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Data rows (equal length) -> records frame (all text), unknown columns, warnings;
    ``kept``: named columns kept besides the canonical ones (DTSEN)."""
    where = place(rel, sheet or None)
    width = len(hdr.names)
    n = len(rows)
    warnings: list[str] = []
    grid = np.array(rows, dtype=object) if n else np.empty((0, width), dtype=object)
    if grid.ndim != 2:  # ragged rows (cannot happen for calamine; CSV rows are padded)
        grid = np.array(pd.DataFrame(rows).fillna("").to_numpy(dtype=object))
    data: dict[str, np.ndarray] = {}
    types: dict[str, np.ndarray] = {}
    unknown: list[str] = []
    keep = np.zeros(n, dtype=bool)
    for j in range(max(width, grid.shape[1])):
        raw = grid[:, j] if j < grid.shape[1] else np.full(n, "", dtype=object)
        name = hdr.names[j] if j < width else None
        text, is_num = cells_to_text(raw, as_id=name in ID_COLUMNS)
        filled = np.not_equal(text, None)
        if name is None:
            if not filled.any():
                continue  # blank header, no data: an empty spacer column
            name = f"x_kolom_{xl_col_to_name(j).lower()}"
        keep |= filled
        if name in ID_COLUMNS:
            types[name] = np.where(is_num, "number", "text").astype(object)
        if name.startswith("x_"):
            unknown.append(name)
        data[name] = text
    del grid
    _split_combined(data)

    # repeated header rows inside the data
    id_col = "nik" if "nik" in data else "no_kk" if "no_kk" in data else "id_keluarga"
    ids = pd.Series(data.get(id_col, np.full(n, None, dtype=object)), dtype=object)
    maybe = np.flatnonzero(
        keep & ids.notna().to_numpy() & ~ids.str.contains(r"[0-9]", na=True).to_numpy(dtype=bool)
    )
    repeated = []
    canon = [c for c in data if c in CANONICAL]
    for i in maybe:
        hits = sum(1 for c in canon if data[c][i] and canonical_column(data[c][i]) == c)
        if hits >= 3 and canonical_column(data[id_col][i]) == id_col:
            repeated.append(i)
    if repeated:
        keep[repeated] = False
        shown = ", ".join(str(int(rownums[i])) for i in repeated[:10])
        more = f" dan {len(repeated) - 10} lainnya" if len(repeated) > 10 else ""
        warnings.append(
            f"{where}: baris judul kolom (header) terulang di baris {shown}{more}; "
            f"baris tersebut dibuang (header repeated inside the data; dropped)"
        )
    m = int(keep.sum())
    everything = m == n
    none_col = np.full(m, None, dtype=object)

    def pick(a: np.ndarray) -> np.ndarray:
        return a if everything else a[keep]

    cols: dict[str, Any] = {
        "_file": np.full(m, rel, dtype=object),
        "_sheet": np.full(m, sheet, dtype=object),
        "_row": pick(np.asarray(rownums, dtype=np.int64)),
        "_nik_type": pick(types["nik"]) if "nik" in types else np.full(m, "text", dtype=object),
        "_no_kk_type": (
            pick(types["no_kk"]) if "no_kk" in types else np.full(m, "text", dtype=object)
        ),
        "_skema_hubungan": np.full(m, scheme, dtype=object),
    }
    for c in CANONICAL:
        cols[c] = pick(data[c]) if c in data else none_col
    for c in (*kept, *unknown):
        if c in data:
            cols[c] = pick(data[c])
    out = pd.DataFrame(cols, index=pd.RangeIndex(m), copy=False)
    return out, unknown, hdr.warnings + warnings


_TTL = re.compile(r"^\s*(.*?)\s*[,/;]\s*(\d.*?)\s*$", re.S)
_RTRW = re.compile(r"^\s*(\d+)\s*[/\\.-]\s*(\d+)\s*$")


def _split_two(values: np.ndarray, pattern: re.Pattern[str], lone: int) -> tuple[Any, Any]:
    """Split each text in two with ``pattern``; a text it does not match goes to the first part
    (``lone`` 0), the second (1), or the second when it starts with a digit (2: a lone date in a
    birth place/date column is the date)."""
    first = np.full(len(values), None, dtype=object)
    second = np.full(len(values), None, dtype=object)
    for i, v in enumerate(values):
        if v is None:
            continue
        m = pattern.match(v)
        if m:
            first[i] = m.group(1) or None
            second[i] = m.group(2) or None
        elif lone == 1 or (lone == 2 and v.strip()[:1].isdigit()):
            second[i] = v
        else:
            first[i] = v
    return first, second


def _split_combined(data: dict[str, np.ndarray]) -> None:
    """``Tempat/Tgl Lahir`` -> tempat_lahir, tanggal_lahir; ``RT/RW`` -> rt, rw (in place).

    A combined column is split only where the separate columns are absent.
    """
    ttl = data.pop("~ttl", None)
    if ttl is not None and "tempat_lahir" not in data and "tanggal_lahir" not in data:
        data["tempat_lahir"], data["tanggal_lahir"] = _split_two(ttl, _TTL, 2)
    rtrw = data.pop("~rtrw", None)
    if rtrw is not None and "rt" not in data and "rw" not in data:
        data["rt"], data["rw"] = _split_two(rtrw, _RTRW, 0)


def table_from_rows(
    rows: list[list[Any]],
    rownums: np.ndarray,
    rel: str,
    sheet: str,
    scheme: str,
    kode: str,
    merged: Iterable[tuple[tuple[int, int], tuple[int, int]]] | None = None,
) -> Table:
    """Header detection + records of one sheet (rows already without blank rows); ``kode``:
    the kabupaten whose village names a sheet tab may carry."""
    where = place(rel, sheet or None)
    if not rows:
        return Table(sheet, status="empty")
    found = dtsen.find_header(rows, where)
    if found is not None:
        return _dtsen_table(rows, rownums, found, rel, sheet, scheme, merged)
    hdr = find_header(rows, where)
    if hdr is None:
        return Table(sheet, status="noheader")
    header_row = int(rownums[hdr.index])
    context: dict[str, str] = {}
    if "desa" not in hdr.names:
        # only a sheet without a DESA column takes its region from the tab or the title: a
        # title's kecamatan never overrides the village column of the rows (an unrecognised
        # village stays "Tidak diketahui" unless the rows name their kecamatan)
        context = {
            c: v
            for c, v in region_from_context(sheet, rows[: hdr.index], kode).items()
            if c not in hdr.names
        }
    missing_required(rel, sheet or None, hdr, header_row, set(context))
    data_rows = rows[hdr.data_start :]
    data_nums = rownums[hdr.data_start :]
    warnings = []
    if merged:
        filled = _fill_merged_positions(data_rows, data_nums, merged)
        if filled:
            warnings.append(
                f"{where}: {filled} sel gabungan (merged) di area data; nilainya diisikan ke "
                f"semua baris gabungan (merged data cells filled down)"
            )
    df, unknown, warns = _build_table(data_rows, data_nums, hdr, rel, sheet, scheme)
    for c, v in context.items():
        df[c] = np.full(len(df), v, dtype=object)
        warnings.append(
            f"{where}: tidak ada kolom {c.upper()}; {c} '{v}' diambil dari judul atau nama sheet "
            f"untuk semua baris (no {c} column: taken from the title rows or the sheet name)"
        )
    t = Table(sheet, df, header_row, unknown, warnings + warns)
    if df.empty:
        t.status = "headeronly"
    return t


def _dtsen_table(
    rows: list[list[Any]],
    rownums: np.ndarray,
    found: tuple[Header, str],
    rel: str,
    sheet: str,
    scheme: str,
    merged: Iterable[tuple[tuple[int, int], tuple[int, int]]] | None,
) -> Table:
    """Records of a DTSEN keluarga or anggota sheet (``docs/dtsen.md``): the DTSEN columns
    kept, ``sumber`` = ``dtsen``; family rows marked ``_baris_keluarga`` with full region codes."""
    hdr, kind = found
    header_row = int(rownums[hdr.index])
    dtsen.check_required(rel, sheet or None, hdr, kind, header_row)
    data_rows = rows[hdr.data_start :]
    data_nums = rownums[hdr.data_start :]
    warnings = []
    if merged and _fill_merged_positions(data_rows, data_nums, merged):
        warnings.append(
            f"{place(rel, sheet or None)}: sel gabungan (merged) di area data; nilainya diisikan "
            f"ke semua baris gabungan (merged data cells filled down)"
        )
    df, unknown, warns = _build_table(
        data_rows, data_nums, hdr, rel, sheet, scheme, dtsen.EXTRA_COLUMNS
    )
    df["sumber"] = np.full(len(df), "dtsen", dtype=object)
    if kind == "keluarga":
        df["_baris_keluarga"] = np.full(len(df), "1", dtype=object)
        dtsen.family_regions(df)
    t = Table(sheet, df, header_row, unknown, warnings + warns, kind=kind)
    if df.empty:
        t.status = "headeronly"
    return t


def _fill_merged_positions(
    data_rows: list[list[Any]],
    data_nums: np.ndarray,
    merged: Iterable[tuple[tuple[int, int], tuple[int, int]]],
) -> int:
    """Fill merged ranges given in absolute 0-based sheet rows into the kept data rows."""
    if not len(data_nums):
        return 0
    pos = {int(r) - 1: i for i, r in enumerate(data_nums)}
    first = int(data_nums[0]) - 1
    n = 0
    for (r0, c0), (r1, _c1) in merged:
        if r0 < first or r1 <= r0 or r0 not in pos:
            continue
        top = data_rows[pos[r0]]
        v = top[c0] if c0 < len(top) else ""
        if v in ("", None):
            continue
        for r in range(r0 + 1, r1 + 1):
            i = pos.get(r)
            if i is not None and c0 < len(data_rows[i]) and data_rows[i][c0] in ("", None):
                data_rows[i][c0] = v
        n += 1
    return n


def _empty_records() -> pd.DataFrame:
    cols = [*META, *CANONICAL]
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    df["_row"] = df["_row"].astype(np.int64)
    return df


def _ordered_columns(cols: Iterable[str]) -> list[str]:
    cols = list(cols)
    extra = [c for c in cols if c not in META and c not in CANONICAL]
    return [*META, *CANONICAL, *extra]


def concat_records(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack record frames column by column; columns missing from a frame become None.

    (``pd.concat`` checks every None of object columns for NA-ness, which is slow for
    many small frames, and fills missing columns with NaN.)
    """
    frames = [f for f in frames if len(f)]
    if not frames:
        return _empty_records()
    if len(frames) == 1:
        return frames[0]  # already ordered, RangeIndex
    names: list[str] = []
    seen: set[str] = set()
    for f in frames:
        for c in f.columns:
            if c not in seen:
                seen.add(c)
                names.append(c)
    data: dict[str, np.ndarray] = {}
    for c in _ordered_columns(names):
        parts = [
            f[c].to_numpy(dtype=np.int64 if c == "_row" else object)
            if c in f.columns
            else np.full(len(f), None, dtype=object)
            for f in frames
        ]
        data[c] = np.concatenate(parts)
    return pd.DataFrame(data, index=pd.RangeIndex(len(data["_row"])), copy=False)
