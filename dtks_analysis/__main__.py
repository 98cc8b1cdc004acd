"""Allow ``python -m dtks_analysis``."""

from dtks_analysis.cli import run

run()
