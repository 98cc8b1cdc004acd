"""Paths and parameters of a run, from ``params/*.yaml``, in one place."""

from __future__ import annotations

import calendar
import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from dtks_analysis.errors import DtksError

PROJ_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DATA = Path(__file__).resolve().parent / "data"
PARAMS_DIR = PROJ_ROOT / "params"

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
KABUPATEN_RE = re.compile(r"^\d{2}\.\d{2}$")
WILAYAH_INDONESIA = PACKAGE_DATA / "wilayah_indonesia.csv.gz"
"""National region reference (every level, in force and retired), see ``data/README.md``."""
DERIVED_FROM_KODE = ("kabupaten_nama", "provinsi_nama", "instansi")
"""Parameters that follow from ``kabupaten_kode`` unless a params layer sets them."""
KABUPATEN_CONTACT = ("alamat_instansi", "kontak_instansi")
"""Parameters that belong to one kabupaten's office: dropped when another layer changes the code."""
UMUR_MAKS_RANGE = (60, 150)
BULAN_TREN_RANGE = (2, 24)
"""A trend needs this month and at least one before it; more than two years is not a trend chart."""
DESIL_ACUAN = ("nasional", "provinsi", "kabupaten_kota")
"""The DTSEN ranking a household's desil is taken from (column ``desil_<acuan>``)."""
SASARAN_DESIL_DEFAULT: dict[str, int] = {"bpnt": 4, "pbi_jkn": 5, "pkh": 4}
#: village quality grade (issue 14): the highest errors per 100 rows of grade A, B and C (above
#: C: D); docs/kualitas_desa.md
KUALITAS_DESA_DEFAULT: dict[str, float] = {"A": 0.75, "B": 1.25, "C": 2.0}
"""A program's target: the active households with desil <= this value (docs/methodology.md)."""
DESIL_RANGE = (1, 10)


class ParamsError(DtksError, ValueError):
    """A parameter file or value is wrong; the message names the file and key."""


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, so a message never echoes a huge value.

    >>> short_repr("x" * 100, 10)
    "'xxxxxx…(102 karakter)"
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: max(limit - 3, 1)]}…({len(text)} karakter)"


class YamlAliasError(yaml.MarkedYAMLError):
    """A YAML anchor (``&a``) or alias (``*a``): refused in parameter and ``sumber.yaml`` files."""


class NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases.

    Parameter files are short flat mappings: an alias is never needed there, and nested aliases
    (a "billion laughs" bomb of a few hundred bytes) make any printout of the value explode.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 (see class)
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise YamlAliasError(
                problem="anchor/alias YAML (&nama, *nama) tidak diizinkan (anchors and aliases "
                "are not allowed)",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


def load_yaml_text(text: str) -> Any:
    """Parse YAML text with :class:`NoAliasLoader` (raises ``yaml.YAMLError``)."""
    return yaml.load(text, Loader=NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)


def shorten(text: str, limit: int = 300) -> str:
    """``text`` cut to ``limit`` characters (``…`` marks the cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def yaml_error_text(exc: yaml.YAMLError) -> tuple[str, int | None]:
    """The YAML error on one line, bounded, and its 1-based line (None if unknown)."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    return shorten(" ".join(str(exc).split())), line


def check_month(month: str) -> str:
    """Return ``month`` if it is a ``YYYY-MM`` string, else raise ParamsError.

    >>> check_month("2023-12")
    '2023-12'
    """
    if not isinstance(month, str) or not MONTH_RE.match(month):
        raise ParamsError(
            f"Bulan tidak valid: {short_repr(month)}. Gunakan format YYYY-MM, mis. 2023-12 "
            f"(invalid month, expected YYYY-MM)."
        )
    return month


def month_end(month: str) -> date:
    """Last calendar day of ``YYYY-MM``: the reference date of that month's report.

    >>> month_end("2024-02")
    datetime.date(2024, 2, 29)
    """
    y, m = (int(p) for p in check_month(month).split("-"))
    return date(y, m, calendar.monthrange(y, m)[1])


def previous_month(month: str) -> str:
    """``YYYY-MM`` of the month before.

    >>> previous_month("2024-01")
    '2023-12'
    """
    y, m = (int(p) for p in check_month(month).split("-"))
    return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"


@dataclass(frozen=True)
class Settings:
    """Parameters of one run. Build with :func:`load_settings`."""

    kabupaten_kode: str = "12.11"
    kabupaten_nama: str = "Kabupaten Dairi"
    provinsi_nama: str = "Sumatera Utara"
    instansi: str = "Dinas Sosial Kabupaten Dairi"
    alamat_instansi: str = ""
    kontak_instansi: str = ""
    skema_hubungan: str = "dtks"
    kunci_rumah_tangga: str = "no_kk"
    min_cell: int = 3
    umur_maks: int = 110
    bulan_tren: int = 6
    data_sementara: bool = False
    desil_acuan: str = "nasional"
    sasaran_desil: dict[str, int] = field(default_factory=lambda: dict(SASARAN_DESIL_DEFAULT))
    kualitas_desa: dict[str, float] = field(default_factory=lambda: dict(KUALITAS_DESA_DEFAULT))
    data_dir: Path = PROJ_ROOT / "data"
    out_dir: Path = PROJ_ROOT / "outputs"
    raw_dir: Path | None = None  # default: data_dir / "raw"
    month: str | None = None
    sources: tuple[str, ...] = field(default_factory=tuple)  # params files merged, in order
    kabupaten_folder: str = ""  # many-kabupaten layout: "<kode>" (data/raw/<kode>/<YYYY-MM>/)

    # -- derived paths ---------------------------------------------------
    @property
    def raw_root(self) -> Path:
        """Folder holding ``<YYYY-MM>/`` month folders of raw extracts."""
        return self.raw_dir if self.raw_dir is not None else self.data_dir / "raw"

    def _data_sub(self, name: str) -> Path:
        """``data_dir/<name>``, or ``data_dir/<name>/<kode>`` in the many-kabupaten layout."""
        root = self.data_dir / name
        return root / self.kabupaten_folder if self.kabupaten_folder else root

    @property
    def interim_root(self) -> Path:
        return self._data_sub("interim")

    @property
    def corrections_root(self) -> Path:
        return self._data_sub("corrections")

    @property
    def templates_root(self) -> Path:
        """Data-entry templates for village operators (confidential, like the worklists)."""
        return self.data_dir / "templates"

    @property
    def truth_root(self) -> Path:
        return self._data_sub("truth")

    @property
    def kabupaten_nik4(self) -> str:
        """Kabupaten code as it appears in NIK / No KK (``1211``)."""
        return self.kabupaten_kode.replace(".", "")

    def to_papermill(self) -> dict[str, Any]:
        """Plain values for papermill ``-p``/``-f`` injection (paths as strings)."""
        out = {}
        for f in dataclasses.fields(self):
            if f.name == "kabupaten_folder":  # follows from raw_dir (load_settings)
                continue
            v = getattr(self, f.name)
            if isinstance(v, Path):
                v = str(v)
            elif isinstance(v, tuple):
                v = list(v)
            out[f.name] = v
        out["raw_dir"] = str(self.raw_root)
        return out


_TYPES: dict[str, type] = {
    "kabupaten_kode": str,
    "kabupaten_nama": str,
    "provinsi_nama": str,
    "instansi": str,
    "alamat_instansi": str,
    "kontak_instansi": str,
    "skema_hubungan": str,
    "kunci_rumah_tangga": str,
    "min_cell": int,
    "umur_maks": int,
    "bulan_tren": int,
    "data_sementara": bool,
    "desil_acuan": str,
    "sasaran_desil": dict,
    "kualitas_desa": dict,
    "data_dir": str,
    "out_dir": str,
    "raw_dir": str,
    "month": str,
}


MAX_PARAMS_BYTES = 1 << 20
"""A parameter file is a few hundred bytes; anything above 1 MiB is not one."""


def load_small_yaml(path: Path, error: type[Exception], what: str, fix: str = "") -> Any:
    """Parse a small YAML file written by a user (a parameter file, ``sumber.yaml``): at most
    :data:`MAX_PARAMS_BYTES`, UTF-8, no anchors or aliases. Any problem raises ``error`` with a
    message naming the file and, where known, the line; ``what`` names the kind of file in the
    message (e.g. "berkas parameter") and ``fix`` is appended to the syntax message as an example.
    """
    size = path.stat().st_size
    if size > MAX_PARAMS_BYTES:
        raise error(
            f"{path}: {what} terlalu besar ({size} byte, batas {MAX_PARAMS_BYTES}) (file too large)"
        )
    try:
        return load_yaml_text(path.read_text(encoding="utf-8"))
    except YamlAliasError as exc:
        _, line = yaml_error_text(exc)
        raise error(
            f"{path}: baris {line}: anchor/alias YAML (&nama, *nama) tidak diizinkan di {what}; "
            f"tulis nilainya langsung (YAML anchors/aliases are not allowed)"
        ) from None
    except yaml.YAMLError as exc:
        detail, line = yaml_error_text(exc)
        at = f" (baris {line})" if line else ""
        raise error(f"{path}: bukan YAML yang valid{at}: {detail}{fix} (not valid YAML)") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: bukan teks UTF-8 (not UTF-8 text, byte {exc.start})") from None


def _read_yaml(path: Path) -> dict[str, Any]:
    data = load_small_yaml(path, ParamsError, "berkas parameter")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: harus berisi pasangan kunci: nilai (expected a mapping)")
    return data


def _check_values(values: dict[str, Any], source: str) -> None:
    for key, val in values.items():
        if key not in _TYPES:
            known = ", ".join(sorted(_TYPES))
            raise ParamsError(
                f"{source}: kunci parameter tidak dikenal {short_repr(key)} (unknown params key). "
                f"Kunci yang dikenal: {known}"
            )
        want = _TYPES[key]
        ok = isinstance(val, want) and not (want is int and isinstance(val, bool))
        if val is None and key == "raw_dir":
            ok = True
        if not ok:
            raise ParamsError(
                f"{source}: {key} harus bertipe {want.__name__}, bukan {type(val).__name__} "
                f"({short_repr(val)}) (wrong type)"
            )
    if "min_cell" in values and values["min_cell"] < 1:
        raise ParamsError(f"{source}: min_cell harus >= 1 (got {values['min_cell']})")
    for key, (lo, hi) in (("umur_maks", UMUR_MAKS_RANGE), ("bulan_tren", BULAN_TREN_RANGE)):
        if key in values and not lo <= values[key] <= hi:
            raise ParamsError(
                f"{source}: {key} harus antara {lo} dan {hi} (got {values[key]}) "
                f"({key} out of range {lo}..{hi})"
            )
    if "kabupaten_kode" in values:
        _check_kabupaten(values["kabupaten_kode"], source)
    if "skema_hubungan" in values and values["skema_hubungan"] not in ("dtks", "dukcapil"):
        raise ParamsError(f"{source}: skema_hubungan harus 'dtks' atau 'dukcapil'")
    if "kunci_rumah_tangga" in values and values["kunci_rumah_tangga"] not in ("no_kk", "id_dtks"):
        raise ParamsError(f"{source}: kunci_rumah_tangga harus 'no_kk' atau 'id_dtks'")
    if "month" in values and values["month"] is not None:
        check_month(values["month"])
    if "desil_acuan" in values and values["desil_acuan"] not in DESIL_ACUAN:
        raise ParamsError(
            f"{source}: desil_acuan harus salah satu dari {', '.join(DESIL_ACUAN)}, bukan "
            f"{short_repr(values['desil_acuan'])} (unknown desil ranking)"
        )
    if "sasaran_desil" in values:
        _check_sasaran(values["sasaran_desil"], source)
    if "kualitas_desa" in values:
        _check_kualitas_desa(values["kualitas_desa"], source)


def _check_kualitas_desa(value: dict, source: str) -> None:
    """``kualitas_desa``: grade A/B/C -> errors per 100 rows (a number >= 0); unknown grades are
    refused. (The order A <= B <= C is checked on the merged value, in :func:`load_settings`.)"""
    for grade, batas in value.items():
        if grade not in KUALITAS_DESA_DEFAULT:
            raise ParamsError(
                f"{source}: kualitas_desa: nilai tidak dikenal {short_repr(grade)} (unknown "
                f"grade). Yang dikenal: {', '.join(KUALITAS_DESA_DEFAULT)} (di atas C: D)"
            )
        ok = isinstance(batas, (int, float)) and not isinstance(batas, bool)
        if not ok or not 0 <= batas <= 100:
            raise ParamsError(
                f"{source}: kualitas_desa.{grade} harus angka antara 0 dan 100 (kesalahan per "
                f"100 baris), bukan {short_repr(batas)} (threshold out of range 0..100)"
            )


def _check_sasaran(value: dict, source: str) -> None:
    """``sasaran_desil``: program code -> whole number 1..10; unknown programs are refused."""
    lo, hi = DESIL_RANGE
    for prog, batas in value.items():
        if prog not in SASARAN_DESIL_DEFAULT:
            raise ParamsError(
                f"{source}: sasaran_desil: program tidak dikenal {short_repr(prog)} (unknown "
                f"program). Program yang dikenal: {', '.join(SASARAN_DESIL_DEFAULT)}"
            )
        if not isinstance(batas, int) or isinstance(batas, bool) or not lo <= batas <= hi:
            raise ParamsError(
                f"{source}: sasaran_desil.{prog} harus bilangan bulat antara {lo} dan {hi}, "
                f"bukan {short_repr(batas)} (desil target out of range {lo}..{hi})"
            )


def _known_kabupaten() -> dict[str, tuple[str, str]]:
    """Kabupaten/kota code in force -> (name, province name), from ``wilayah_indonesia.csv.gz``."""
    return dict(_national_kabupaten())


_NATIONAL_CACHE: dict[str, tuple[str, str]] = {}


def _national_kabupaten() -> dict[str, tuple[str, str]]:
    if not _NATIONAL_CACHE:
        import csv
        import gzip

        prov: dict[str, str] = {}
        kab: dict[str, str] = {}
        with gzip.open(WILAYAH_INDONESIA, "rt", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if r["berlaku"] != "1":
                    continue
                if r["tingkat"] == "provinsi":
                    prov[r["kode"]] = r["nama"]
                elif r["tingkat"] == "kabupaten":
                    kab[r["kode"]] = r["nama"]
        _NATIONAL_CACHE.update({k: (n, prov.get(k[:2], "")) for k, n in kab.items()})
    return _NATIONAL_CACHE


def kabupaten_defaults(code: str) -> dict[str, str]:
    """``kabupaten_nama``, ``provinsi_nama`` and ``instansi`` of a kabupaten/kota code.

    >>> kabupaten_defaults("12.17")["instansi"], kabupaten_defaults("13.75")["instansi"]
    ('Dinas Sosial Kabupaten Samosir', 'Dinas Sosial Kota Bukittinggi')
    """
    nama, provinsi = _known_kabupaten()[code]
    return {"kabupaten_nama": nama, "provinsi_nama": provinsi, "instansi": f"Dinas Sosial {nama}"}


def _check_kabupaten(code: str, source: str) -> None:
    """``NN.NN`` and a kabupaten/kota in force in the national reference."""
    if not KABUPATEN_RE.match(code):
        raise ParamsError(
            f"{source}: kabupaten_kode harus berbentuk NN.NN (kode Kemendagri, mis. '12.11'), "
            f"bukan {short_repr(code)} (kabupaten_kode must look like NN.NN)"
        )
    if code not in _known_kabupaten():
        raise ParamsError(
            f"{source}: kabupaten_kode {code!r} tidak ada dalam daftar kode wilayah Kemendagri "
            f"(wilayah_indonesia.csv.gz) (unknown kabupaten code)"
        )


def _resolve(p: str | Path, base: Path = PROJ_ROOT) -> Path:
    p = Path(p).expanduser()
    return p if p.is_absolute() else (base / p).resolve()


def kabupaten_of_raw(raw_dir: str | Path | None) -> str | None:
    """The kabupaten code of a raw folder of the many-kabupaten layout (``.../raw/12.15``).

    >>> kabupaten_of_raw("data/raw/12.15"), kabupaten_of_raw("data/raw"), kabupaten_of_raw(None)
    ('12.15', None, None)
    """
    if not raw_dir:
        return None
    p = Path(raw_dir)
    return p.name if KABUPATEN_RE.match(p.name) and p.parent.name == "raw" else None


def load_settings(
    month: str | None = None,
    params_file: str | Path | None = None,
    params_dir: Path = PARAMS_DIR,
    kabupaten: str | None = None,
    **overrides: Any,
) -> Settings:
    """Merge ``default.yaml``, ``<month>.yaml`` (if present), ``params_file`` and ``overrides``.

    Many-kabupaten layout (``data/raw/<kode>/<YYYY-MM>/``, docs/wilayah.md): with ``kabupaten``
    given, or a ``raw_dir`` override named ``raw/<kode>``, the kabupaten's own
    ``params/<kode>.yaml`` (optional) comes right after the defaults, ``kabupaten_kode`` is that
    code (a later layer may not change it), the extracts are read from ``data_dir/raw/<kode>``
    and interim data, worklists and truth live under ``data_dir/<interim|corrections|truth>/<kode>``.

    Raises ParamsError on an unknown key, a wrong type, a bad month, ``min_cell < 1``, a value
    out of range, an unknown ``desil_acuan`` or ``sasaran_desil`` program or a desil outside
    1..10. ``sasaran_desil`` merges per program across layers (a layer gives what it changes).
    ``overrides`` with value None are ignored.
    """
    merged: dict[str, Any] = {}
    sources: list[str] = []
    layers: list[Path] = [params_dir / "default.yaml"]
    kab = kabupaten or kabupaten_of_raw(overrides.get("raw_dir"))
    if kab is not None:
        _check_kabupaten(kab, "argumen")
        layers.append(params_dir / f"{kab}.yaml")
    if month is not None:
        check_month(month)
        layers.append(params_dir / f"{month}.yaml")
    if params_file is not None:
        pf = Path(params_file)
        if not pf.is_file():
            raise ParamsError(f"{pf}: berkas parameter tidak ditemukan (params file not found)")
        layers.append(pf)
    layer_values: list[dict[str, Any]] = []
    for i, path in enumerate(layers):
        kab_layer = kab is not None and i == 1
        if kab_layer:  # the folder's kabupaten, with its own file's values if there is one
            layer_values.append({"kabupaten_kode": kab})
        if path.is_file():
            values = _read_yaml(path)
            _check_values(values, str(path))
            if i >= 1 and kab is not None and values.get("kabupaten_kode", kab) != kab:
                raise ParamsError(
                    f"{path}: kabupaten_kode {values['kabupaten_kode']!r} berbeda dengan folder "
                    f"kabupaten {kab} (the folder's kabupaten cannot be changed by a params file)"
                )
            layer_values.append(values)
            sources.append(str(path))
    extra = {
        k: (str(v) if isinstance(v, Path) else v) for k, v in overrides.items() if v is not None
    }
    _check_values(extra, "argumen")
    if kab is not None and extra.get("kabupaten_kode", kab) != kab:
        raise ParamsError(f"argumen: kabupaten_kode berbeda dengan folder kabupaten {kab}")
    layer_values.append(extra)
    for values in layer_values:
        if "kabupaten_kode" in values and values["kabupaten_kode"] != merged.get("kabupaten_kode"):
            # another kabupaten: the earlier layers' office and names are not its own
            for key in (*DERIVED_FROM_KODE, *KABUPATEN_CONTACT):
                merged.pop(key, None)
        if "sasaran_desil" in values:  # a layer gives only the programs it changes
            values = {
                **values,
                "sasaran_desil": {**merged.get("sasaran_desil", {}), **values["sasaran_desil"]},
            }
        if "kualitas_desa" in values:  # likewise per grade
            values = {
                **values,
                "kualitas_desa": {**merged.get("kualitas_desa", {}), **values["kualitas_desa"]},
            }
        merged.update(values)
    merged["sasaran_desil"] = {**SASARAN_DESIL_DEFAULT, **merged.get("sasaran_desil", {})}
    grades = {**KUALITAS_DESA_DEFAULT, **merged.get("kualitas_desa", {})}
    if not grades["A"] <= grades["B"] <= grades["C"]:
        raise ParamsError(
            f"kualitas_desa: batas harus naik A <= B <= C, bukan {grades} "
            f"(grade thresholds must increase)"
        )
    merged["kualitas_desa"] = {k: float(v) for k, v in grades.items()}
    kode = merged.get("kabupaten_kode", Settings.kabupaten_kode)
    for key, val in kabupaten_defaults(kode).items():
        merged.setdefault(key, val)
    if month is not None:
        merged["month"] = month

    kwargs: dict[str, Any] = dict(merged)
    kwargs["data_dir"] = _resolve(merged.get("data_dir", "data"))
    kwargs["out_dir"] = _resolve(merged.get("out_dir", "outputs"))
    if merged.get("raw_dir"):
        kwargs["raw_dir"] = _resolve(merged["raw_dir"])
        if "data_dir" not in extra:
            # raw given alone: interim and corrections live beside it, in its parent
            # (many-kabupaten layout: beside data/raw/, two levels up)
            up = 2 if kab is not None and kabupaten_of_raw(kwargs["raw_dir"]) else 1
            kwargs["data_dir"] = kwargs["raw_dir"].parents[up - 1]
    elif kab is not None:
        kwargs["raw_dir"] = kwargs["data_dir"] / "raw" / kab
    if kab is not None:
        kwargs["kabupaten_folder"] = kab
    kwargs["sources"] = tuple(sources)
    return Settings(**kwargs)
