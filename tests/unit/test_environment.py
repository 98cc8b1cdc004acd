"""pyproject.toml is the source of truth; environment.yml must list the same packages."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(req: str) -> str:
    """The version spec without extras: conda has none (its ``dask`` includes distributed)."""
    return re.sub(r"\[[^\]]*\]", "", req.strip().replace(" ", ""))


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r): _spec(r) for r in project["dependencies"]}
    wanted |= {_name(r): _spec(r) for r in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    have = {_name(d): _spec(d) for d in conda if _name(d) not in ("python", "pip")}
    missing = sorted(set(wanted) - set(have))
    extra = sorted(set(have) - set(wanted))
    assert not missing, f"in pyproject.toml but not environment.yml: {missing}"
    assert not extra, f"in environment.yml but not pyproject.toml: {extra}"
    differ = {n: (wanted[n], have[n]) for n in wanted if wanted[n] != have[n]}
    assert not differ, f"version specs differ (pyproject, environment.yml): {differ}"
    assert "python=3.11" in conda
    pip_block = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_block and "-e .[dev]" in pip_block[0]["pip"]


def test_required_runtime_packages_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    for pkg in [
        "pandas",
        "pyarrow",
        "python-calamine",
        "openpyxl",
        "seaborn",
        "matplotlib",
        "papermill",
        "nbconvert",
        "ipykernel",
        "jupyterlab",
        "babel",
        "pyyaml",
        "tqdm",
    ]:
        assert pkg in names, pkg
