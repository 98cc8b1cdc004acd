"""The PDF's outline (bookmarks) with the headings' text as written in the HTML: Chromium drops
the space where a heading wraps ("Data TerpaduKesejahteraan")."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dtks_analysis.publishing.tata_letak import _HEADING, teks_judul

__all__ = ["judul_html", "perbaiki_outline"]


def judul_html(text: str) -> list[str]:
    """Text of every heading (h1-h6) of an HTML document, in order (printed ones only: not
    those of the hidden diagnostics or the screen navigation, which has none)."""
    return [t for t in (teks_judul(m.group(3)) for m in _HEADING.finditer(text)) if t]


def perbaiki_outline(pdf_path: str | Path, headings: Sequence[str]) -> int:
    """Give the PDF's bookmarks the text of the HTML ``headings`` they were made from.

    Chromium builds the outline from the printed lines of each heading and drops the space
    where a heading wraps ("Data TerpaduKesejahteraan"). A bookmark is matched to the next
    heading whose text is the same without spaces; unmatched bookmarks are left alone. The PDF
    is rewritten in place when a title changed; returns how many changed.
    """
    import os

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    pdf_path = Path(pdf_path)
    reader = PdfReader(str(pdf_path))
    root = reader.trailer["/Root"]
    if "/Outlines" not in root:
        return 0
    writer = PdfWriter(clone_from=reader)
    outlines = writer._root_object["/Outlines"].get_object()

    def squeeze(s: str) -> str:
        return "".join(s.split())

    wanted = [(squeeze(h), h) for h in headings]
    pos, changed = 0, 0

    def walk(node) -> None:
        nonlocal pos, changed
        item = node.get("/First")
        while item is not None:
            obj = item.get_object()
            title = str(obj.get("/Title", ""))
            for k in range(pos, len(wanted)):
                if wanted[k][0] == squeeze(title):
                    pos = k + 1
                    if wanted[k][1] != title:
                        obj[NameObject("/Title")] = TextStringObject(wanted[k][1])
                        changed += 1
                    break
            walk(obj)
            item = obj.get("/Next")

    walk(outlines)
    if changed:
        tmp = pdf_path.with_name(pdf_path.name + ".outline.tmp")
        with tmp.open("wb") as fh:
            writer.write(fh)
        os.replace(tmp, pdf_path)
    return changed
