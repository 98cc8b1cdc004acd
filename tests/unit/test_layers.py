"""Stage edges: a module imports only its own stage, earlier stages and the shared utilities
(issue #10). The data moves intake -> editing -> counting -> publishing; ``pipeline``,
``report``, ``cli`` and ``notebook`` sit on top; ``synthetic`` stands apart (its truth must not
come from the code it checks)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "dtks_analysis"
SHARED = {
    "config",
    "errors",
    "fsutil",
    "locks",
    "children",
    "formatting",
    "regions",
    "idtext",
    "vocab",
    "__init__",
}
FLOOR = {"shared": 0, "intake": 1, "editing": 2, "counting": 3, "publishing": 4, "top": 5}
TOP = {
    "pipeline",
    "prepare_pool",
    "report",
    "report_side",
    "cli",
    "notebook",
    "quality_history",
    "__main__",
    "wilayah",
    "rollup",
    "rollup_report",
}
MAX_LINES = 600


def _layer(module: str) -> str:
    """Layer of a dotted module name below ``dtks_analysis``."""
    parts = module.split(".")
    if parts[0] in ("intake", "editing", "counting", "publishing", "synthetic"):
        return parts[0]
    return "top" if parts[0] in TOP else "shared"


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if "synthetic" not in p.relative_to(PKG).parts)


def _imports(path: Path) -> set[str]:
    """Modules of the package imported anywhere in ``path`` (inside functions too)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "dtks_analysis":
                out |= {a.name for a in node.names}
            elif node.module.startswith("dtks_analysis."):
                mod = node.module.removeprefix("dtks_analysis.")
                if mod in ("intake", "editing", "counting", "publishing"):
                    out |= {f"{mod}.{a.name}" for a in node.names}
                else:
                    out.add(mod)
        elif isinstance(node, ast.Import):
            out |= {
                a.name.removeprefix("dtks_analysis.")
                for a in node.names
                if a.name.startswith("dtks_analysis.")
            }
    return out


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PKG).as_posix())
def test_module_imports_no_later_stage(path):
    own = _layer(".".join(path.relative_to(PKG).with_suffix("").parts))
    later = [
        m
        for m in sorted(_imports(path))
        if m != "__version__" and _layer(m) != "synthetic" and FLOOR[_layer(m)] > FLOOR[own]
    ]
    assert not later, f"{path.relative_to(PKG)} ({own}) imports later stages: {later}"


def test_synthetic_imports_only_config():
    for path in sorted((PKG / "synthetic").rglob("*.py")):
        outside = {m for m in _imports(path) if not m.startswith("synthetic")}
        assert outside <= {"config", "__version__"}, (path.name, outside)


@pytest.mark.parametrize(
    "path", sorted(PKG.rglob("*.py")), ids=lambda p: p.relative_to(PKG).as_posix()
)
def test_module_is_small(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(PKG)} has {n} lines (> {MAX_LINES})"
