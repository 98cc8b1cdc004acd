"""The inputs' personal terms are computed once per state of the data and cached under the
interim folder (issue 16): the cache gives what a fresh computation gives, follows a change of
the data, survives damage, and the final scan with it finds what a scan without it finds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dtks_analysis.publishing import privacy, privacy_inputs
from tests.unit.test_privacy_scan import KK, NIK, PERSONS


@pytest.fixture
def interim(tmp_path: Path) -> Path:
    month = tmp_path / "interim" / "2023-12"
    month.mkdir(parents=True)
    PERSONS.drop(columns="_bulan").to_parquet(month / "persons.parquet")
    return tmp_path / "interim"


def _fresh(interim: Path) -> privacy.Terms:
    return privacy.personal_terms(privacy.load_input_persons(interim), "12.11")


def test_terms_equal_a_fresh_computation_and_come_from_the_cache(interim, monkeypatch):
    terms = privacy_inputs.InputPersons(interim, "12.11").terms()
    assert terms == _fresh(interim)
    assert ("ROSMAULI", "BR", "SINAGA") in terms["nama"]
    assert (interim / privacy_inputs.CACHE_NAME).is_file()

    def no(*_a, **_k):
        raise AssertionError("computed again")

    monkeypatch.setattr(privacy, "personal_terms", no)
    monkeypatch.setattr(privacy, "load_input_persons", no)
    again = privacy_inputs.InputPersons(interim, "12.11").terms()
    assert again == terms
    assert list(again) == list(terms)  # the kinds in the same order


def test_a_change_of_the_data_or_kabupaten_computes_again(interim):
    privacy_inputs.InputPersons(interim, "12.11").terms()
    more = pd.concat([PERSONS, PERSONS.head(1).assign(nama="MARULAK TUA SIHOMBING")])
    month = interim / "2024-01"
    month.mkdir()
    more.drop(columns="_bulan").to_parquet(month / "persons.parquet")
    terms = privacy_inputs.InputPersons(interim, "12.11").terms()
    assert ("MARULAK", "TUA", "SIHOMBING") in terms["nama"]
    assert terms == _fresh(interim)
    # Samosir: "TANAH PINEM" is no place there, so it is a name to look for
    other = privacy_inputs.InputPersons(interim, "12.17").terms()
    assert ("TANAH", "PINEM") in other["nama"]
    assert ("TANAH", "PINEM") not in terms["nama"]


def test_a_change_of_the_package_computes_again(interim, monkeypatch):
    """Any change of the package's code or reference data (the fingerprint that also keys the
    interim months) invalidates the cached terms."""
    privacy_inputs.InputPersons(interim, "12.11").terms()
    calls = []
    real = privacy.personal_terms
    monkeypatch.setattr(privacy, "personal_terms", lambda *a: calls.append(a) or real(*a))
    privacy_inputs.InputPersons(interim, "12.11").terms()
    assert calls == []
    monkeypatch.setattr(privacy_inputs, "code_fingerprint", lambda: "another version")
    assert privacy_inputs.InputPersons(interim, "12.11").terms() == _fresh(interim)
    assert len(calls) == 2  # computed again (and once more by _fresh)


def test_a_damaged_cache_is_computed_again(interim):
    privacy_inputs.InputPersons(interim, "12.11").terms()
    (interim / privacy_inputs.CACHE_NAME).write_text('{"kunci": [1', encoding="utf-8")
    assert privacy_inputs.InputPersons(interim, "12.11").terms() == _fresh(interim)


def test_no_prepared_month_means_no_terms(tmp_path):
    inputs = privacy_inputs.InputPersons(tmp_path / "interim", "12.11")
    assert inputs.terms() is None and inputs.persons() is None


def test_scan_with_cached_terms_finds_what_a_plain_scan_finds(interim, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text(f"nama,nik\nRosmauli Br Sinaga,x\nkk,{KK}\n", encoding="utf-8")
    (out / "b.html").write_text(f"<p>NIK {NIK}</p>", encoding="utf-8")
    inputs = privacy_inputs.InputPersons(interim, "12.11")
    plain = privacy.check_outputs(out, privacy.load_input_persons(interim), "12.11")
    cached = privacy.check_outputs(out, inputs.persons, "12.11", terms=inputs.terms())
    assert sorted(map(str, cached)) == sorted(map(str, plain))
    assert {x.kind for x in cached} == {"id16", "nama"}
    assert any("Sidikalang.xlsx baris 7" in str(x) for x in cached)  # where the NIK came from
    # a loader without terms still looks for the names
    late = privacy.check_outputs(out, inputs.persons, "12.11")
    assert sorted(map(str, late)) == sorted(map(str, plain))
