"""Stage 2: edit and validate records (IDs, regions, rules) and write the worklists."""
