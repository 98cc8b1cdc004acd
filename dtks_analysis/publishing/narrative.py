"""Sentences and HTML fragments of the report, generated from the published numbers.

The notebooks call these so that every sentence is tested and no number is typed by hand.
"""

from __future__ import annotations

import pandas as pd

from dtks_analysis.formatting import awal_kalimat, bulan_id, fmt_int, fmt_pct
from dtks_analysis.vocab import PROGRAM_LABELS


def _row_for(tren: pd.DataFrame, month: str | None) -> pd.Series | None:
    if month is None:
        return None
    hit = tren[tren["bulan"] == month]
    return hit.iloc[0] if len(hit) else None


def _change_phrase(now: int, before: int | None) -> str:
    """The change from last month as a clause ("naik 99 dari bulan lalu"); "" without a last
    month. It goes inside the parentheses of the share, never in a second pair."""
    if before is None or pd.isna(before):
        return ""
    diff = int(now) - int(before)
    if diff == 0:
        return "sama dengan bulan lalu"
    word = "naik" if diff > 0 else "turun"
    return f"{word} {fmt_int(abs(diff))} dari bulan lalu"


def _kurung(*parts: str) -> str:
    """One parenthesis holding the non-empty ``parts`` ("(51,7%, naik 99 dari bulan lalu)");
    "" when all are empty."""
    kept = [p for p in parts if p]
    return f" ({', '.join(kept)})" if kept else ""


def _prev(prev: pd.Series | None, col: str) -> int | None:
    if prev is None or col not in prev.index or pd.isna(prev[col]):
        return None
    return int(prev[col])


def ringkasan(
    month: str,
    rekap_kecamatan: pd.DataFrame,
    tren: pd.DataFrame,
    nonrespon: pd.DataFrame,
    summary: dict,
    n_error_rows: int,
    previous_month: str | None,
    kabupaten: str,
    sumber_data: str = "DTKS",
) -> list[str]:
    """Highlight sentences (Bahasa Indonesia), each with the change from last month.

    ``kabupaten``: ``settings.kabupaten_nama`` ("Kabupaten Dairi"); ``sumber_data``: the
    month's source ("DTKS", "DTSEN" or "DTSEN dan DTKS").

    ``n_error_rows``: records with at least one error-level finding.
    """
    tot = rekap_kecamatan.sum(numeric_only=True)
    prev = _row_for(tren, previous_month)
    rt = int(tot["rumah_tangga"])
    out = [
        f"Pada {bulan_id(month)} terdapat {fmt_int(rt)} rumah tangga dengan "
        f"{fmt_int(int(tot['jiwa']))} jiwa dalam {sumber_data} {kabupaten}"
        f"{_kurung(_change_phrase(rt, _prev(prev, 'rumah_tangga')))}."
    ]
    parts = []
    for key, label in PROGRAM_LABELS.items():
        n = int(tot[f"rt_{key}"])
        parts.append(
            f"{label} {fmt_int(n)} rumah tangga"
            + _kurung(fmt_pct(n / rt if rt else None), _change_phrase(n, _prev(prev, f"rt_{key}")))
        )
    out.append("Penerima bantuan: " + "; ".join(parts) + ".")
    none = rt - int(tot["rt_bansos"])
    prev_rt, prev_bansos = _prev(prev, "rumah_tangga"), _prev(prev, "rt_bansos")
    none_before = None if prev_rt is None or prev_bansos is None else prev_rt - prev_bansos
    out.append(
        f"Sebanyak {fmt_int(none)} rumah tangga"
        f"{_kurung(fmt_pct(none / rt if rt else None), _change_phrase(none, none_before))} "
        f"tidak menerima satu pun dari ketiga program."
    )
    if len(nonrespon):
        # the kabupaten total (village counts of small villages are suppressed)
        n_hh = int(tot["rt_imputasi"])
        named = nonrespon[nonrespon["kode_desa"].fillna("") != ""]
        names = ", ".join(named["desa"].astype(str).tolist()[:5])
        more = "" if len(named) <= 5 else f" dan {fmt_int(len(named) - 5)} lainnya"
        hidden = len(named) < len(nonrespon)
        if len(named):
            lead = (
                f"{awal_kalimat(len(named), 'desa/kelurahan')} tidak mengirim data ({names}{more})"
            )
            if hidden:
                lead += ", juga beberapa desa/kelurahan kecil yang namanya tidak ditampilkan"
        else:
            lead = "Beberapa desa/kelurahan kecil (namanya tidak ditampilkan) tidak mengirim data"
        out.append(
            f"{lead}; sebanyak {fmt_int(n_hh)} rumah tangganya dibawa dari data bulan lalu "
            f"(imputasi)."
        )
    else:
        out.append("Semua desa/kelurahan yang melapor bulan lalu mengirim data bulan ini.")
    rows = int(summary.get("baris", 0))
    out.append(
        f"Dari {fmt_int(rows)} baris data yang diterima, {fmt_int(n_error_rows)} "
        f"({fmt_pct(n_error_rows / rows if rows else None)}) perlu diperbaiki oleh operator desa; "
        f"sebanyak {fmt_int(summary.get('baris_tidak_dapat_diolah', 0))} baris tidak dapat diolah "
        f"karena No KK tidak terbaca."
    )
    return out
