"""The exceptions that mean "bad input or environment" (a message for the analyst, exit 2)."""

from __future__ import annotations


def known_errors() -> tuple[type[BaseException], ...]:
    """Exception classes whose message is shown as is, without a traceback."""
    from dtks_analysis.config import ParamsError

    found: list[type[BaseException]] = [ParamsError]
    for module, name in (
        ("dtks_analysis.ingest", "IngestError"),
        ("dtks_analysis.report", "ReportError"),
        ("dtks_analysis.render", "BrowserNotFound"),
        ("dtks_analysis.render", "RenderError"),
    ):
        try:
            mod = __import__(module, fromlist=[name])
        except ImportError:
            continue
        cls = getattr(mod, name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            found.append(cls)
    return tuple(found)
