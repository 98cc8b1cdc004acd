"""Stage 1: read a month's extracts into canonical records."""
