"""NIK / No KK-like numbers in free text: find them in any written form and mask them.

Shared by the personal-data scan (:mod:`dtks_analysis.publishing.privacy`) and by every place
that publishes text taken from the input (:func:`dtks_analysis.formatting.teks_publik`).

What counts as an ID: after normalising the text (Unicode NFKC, so full-width digits become
ASCII; no-break and other Unicode spaces become spaces; zero-width characters removed), either

- a run of 16 or more digits, also glued to letters (``KK1211...``, ``_1211..._``), except inside
  a whole token of 32/40/64 hex characters with letters (a sha256/sha1 digest), or
- 2 to 6 groups of digits joined by one consistent separator from ``space . - _ / ,`` that add up
  to 16 digits (``12.11.01.230415.0003``, ``1211 0123 0415 0003``, ``12110123_04150003`` ...).
  Groups joined by a space or a comma (the way numbers sit side by side in table rows) count
  only when the 16 digits start with an existing province code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from dtks_analysis.formatting import mask_id

ID_LEN = 16
MAX_GROUPS = 6
SEPARATORS = " .-_/,"
# separators of numbers sitting side by side in a table row: such joins need a province prefix
_TABLE_SEPARATORS = " ,"
# 16 digits or more in a row: a longer run holds a 16-digit ID as well
_PLAIN = re.compile(r"(?<![0-9])[0-9]{16,}(?![0-9])")
# digit groups joined by one separator (the lookahead skips chains too short to hold 16 digits)
_CHAINS = {
    s: re.compile(rf"(?<![0-9])(?=[0-9{re.escape(s)}]{{17}})[0-9]+(?:{re.escape(s)}[0-9]+)+")
    for s in SEPARATORS
}
# a sha1 / sha256 (or md5) digest: whole token of hex characters with at least one letter
_DIGEST = re.compile(
    r"(?<![0-9A-Za-z])(?=[0-9a-fA-F]*[a-fA-F])(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{40}|[0-9a-fA-F]{32})"
    r"(?![0-9A-Za-z])"
)
_ZERO_WIDTH = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63]")
_DOTS = re.compile("[\u00b7\u2024\u2219]")
_SPACES = re.compile(r"[^\S\n\r\t]")  # every Unicode space except line breaks and tabs


def normalise(text: str) -> str:
    """Text as a reader sees it: NFKC (full-width digits -> ASCII), one kind of space and dash,
    zero-width characters removed, other scripts' decimal digits -> ASCII.

    >>> normalise("１２\u00a034\u200b5\u2011x")
    '12 345-x'
    """
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _DASHES.sub("-", text)
    text = _DOTS.sub(".", text)
    text = _SPACES.sub(" ", text)
    if not text.isascii():
        text = re.sub(r"\d", lambda m: str(unicodedata.digit(m.group(), 0)), text)
    return text


@lru_cache(maxsize=1)
def _provinces() -> frozenset[str]:
    from dtks_analysis import regions

    return regions.province_codes()


def _chain_ids(chain: str, sep: str) -> Iterator[tuple[int, int, str]]:
    """Windows of 2..6 groups of ``chain`` (offsets inside it) whose digits add up to 16."""
    groups = chain.split(sep)
    starts = []
    pos = 0
    for g in groups:
        starts.append(pos)
        pos += len(g) + 1
    for i in range(len(groups)):
        total = 0
        for j in range(i, min(i + MAX_GROUPS, len(groups))):
            total += len(groups[j])
            if total > ID_LEN:
                break
            if total == ID_LEN and j > i:
                digits = "".join(groups[i : j + 1])
                if sep in _TABLE_SEPARATORS and digits[:2] not in _provinces():
                    break
                yield starts[i], starts[j] + len(groups[j]), digits
                break


def find_ids(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, digits)`` of every ID-like run in already-normalised ``text``.

    >>> [d for _, _, d in find_ids("KK1211021107100013.csv, 12.11.01.230415.0003, 1.234")]
    ['1211021107100013', '1211012304150003']
    """
    masked = _DIGEST.sub(lambda m: "x" * len(m.group()), text)
    found = [(m.start(), m.end(), m.group()) for m in _PLAIN.finditer(masked)]
    for sep, rx in _CHAINS.items():
        if sep not in masked:
            continue
        for m in rx.finditer(masked):
            chain = m.group()
            if len(chain) - chain.count(sep) >= ID_LEN:  # most chains are short numbers
                found += [(m.start() + a, m.start() + b, d) for a, b, d in _chain_ids(chain, sep)]
    return sorted(set(found))


def mask_ids(text: str) -> str:
    """``text`` with every ID-like run (found in its normalised form) replaced by its masked
    digits; the rest of the text is kept exactly as it was.

    >>> mask_ids("KK1211021107100013.csv – 1.234")
    'KK1211********0013.csv – 1.234'
    """
    if not any(c.isdigit() for c in text):
        return text
    spans = find_ids(normalise(text))
    if not spans:
        return text
    # normalise character by character to map positions back to the original text
    norm, origin = [], []
    for i, ch in enumerate(text):
        n = normalise(ch)
        norm.append(n)
        origin += [i] * len(n)
    out, last = [], 0
    for start, end, digits in find_ids("".join(norm)):
        first, stop = origin[start], origin[end - 1] + 1
        if first < last:
            continue
        out += [text[last:first], mask_id(digits)]
        last = stop
    out.append(text[last:])
    return "".join(out)
