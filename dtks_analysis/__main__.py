"""Allow ``python -m dtks_analysis``."""

from dtks_analysis.cli import main

raise SystemExit(main())
