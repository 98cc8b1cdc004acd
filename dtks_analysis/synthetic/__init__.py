"""Synthetic DTKS extracts for Kabupaten Dairi with exact ground truth (issue #3).

``generate(out, months, ...)`` writes ``out/raw/<YYYY-MM>/`` (extracts) and
``out/truth/<YYYY-MM>/`` (ground truth); see docs/synthetic.md.
"""

from __future__ import annotations

from .generator import generate, parse_months
from .wilayah import generate_wilayah

__all__ = ["generate", "generate_wilayah", "parse_months"]
