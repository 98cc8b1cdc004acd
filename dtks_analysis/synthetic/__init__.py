"""Synthetic DTKS extracts for Kabupaten Dairi with exact ground truth (issue #3)."""
