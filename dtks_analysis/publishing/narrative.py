"""Sentences and HTML fragments of the report, generated from the published numbers.

The notebooks call these so that every sentence is tested and no number is typed by hand.
"""

from __future__ import annotations

import pandas as pd

from dtks_analysis.formatting import bulan_id, fmt_int, fmt_pct
from dtks_analysis.vocab import PROGRAM_LABELS


def _row_for(tren: pd.DataFrame, month: str | None) -> pd.Series | None:
    if month is None:
        return None
    hit = tren[tren["bulan"] == month]
    return hit.iloc[0] if len(hit) else None


def _change_phrase(now: int, before: int | None) -> str:
    if before is None:
        return ""
    diff = int(now) - int(before)
    if diff == 0:
        return " (sama dengan bulan lalu)"
    word = "naik" if diff > 0 else "turun"
    return f" ({word} {fmt_int(abs(diff))} dari bulan lalu)"


def ringkasan(
    month: str,
    rekap_kecamatan: pd.DataFrame,
    tren: pd.DataFrame,
    nonrespon: pd.DataFrame,
    summary: dict,
    n_error_rows: int,
    previous_month: str | None,
    kabupaten: str,
) -> list[str]:
    """Highlight sentences (Bahasa Indonesia), each with the change from last month.

    ``kabupaten``: ``settings.kabupaten_nama`` ("Kabupaten Dairi").

    ``n_error_rows``: records with at least one error-level finding.
    """
    tot = rekap_kecamatan.sum(numeric_only=True)
    prev = _row_for(tren, previous_month)
    rt = int(tot["rumah_tangga"])
    out = [
        f"Pada {bulan_id(month)} terdapat {fmt_int(rt)} rumah tangga dengan "
        f"{fmt_int(int(tot['jiwa']))} jiwa dalam DTKS {kabupaten}"
        f"{_change_phrase(rt, None if prev is None else prev['rumah_tangga'])}."
    ]
    parts = []
    for key, label in PROGRAM_LABELS.items():
        n = int(tot[f"rt_{key}"])
        before = None if prev is None else prev[f"rt_{key}"]
        parts.append(
            f"{label} {fmt_int(n)} rumah tangga ({fmt_pct(n / rt if rt else None)})"
            f"{_change_phrase(n, before)}"
        )
    out.append("Penerima bantuan: " + "; ".join(parts) + ".")
    none = rt - int(tot["rt_bansos"])
    out.append(
        f"Sebanyak {fmt_int(none)} rumah tangga ({fmt_pct(none / rt if rt else None)}) "
        f"tidak menerima satu pun dari ketiga program."
    )
    if len(nonrespon):
        # the kabupaten total (village counts of small villages are suppressed)
        n_hh = int(tot["rt_imputasi"])
        named = nonrespon[nonrespon["kode_desa"].fillna("") != ""]
        names = ", ".join(named["desa"].astype(str).tolist()[:5])
        more = "" if len(named) <= 5 else f" dan {len(named) - 5} lainnya"
        hidden = len(named) < len(nonrespon)
        if len(named):
            lead = f"{fmt_int(len(named))} desa/kelurahan tidak mengirim data ({names}{more})"
            if hidden:
                lead += ", juga beberapa desa/kelurahan kecil yang namanya tidak ditampilkan"
        else:
            lead = "Beberapa desa/kelurahan kecil (namanya tidak ditampilkan) tidak mengirim data"
        out.append(
            f"{lead}; {fmt_int(n_hh)} rumah tangganya dibawa dari data bulan lalu (imputasi)."
        )
    else:
        out.append("Semua desa/kelurahan yang melapor bulan lalu mengirim data bulan ini.")
    rows = int(summary.get("baris", 0))
    out.append(
        f"Dari {fmt_int(rows)} baris data yang diterima, {fmt_int(n_error_rows)} "
        f"({fmt_pct(n_error_rows / rows if rows else None)}) perlu diperbaiki oleh operator desa; "
        f"{fmt_int(summary.get('baris_tidak_dapat_diolah', 0))} baris tidak dapat diolah karena "
        f"No KK tidak terbaca."
    )
    return out
