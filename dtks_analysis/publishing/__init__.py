"""Stage 4: published tables, charts, report sections, HTML/PDF and the privacy scan."""
