"""Stage 3: households, non-response, statistics, flows and disclosure control."""
