"""Issue 12 (public vs reviewer, analysts): the public report speaks in words, the reviewer
edition carries the detail (rule codes, formulas, DataFrames, a header with commit, parameters
and input digests) and no machine path; notebook DataFrames in Indonesian number formats."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import nbformat
import pandas as pd
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from dtks_analysis.editing import rules
from dtks_analysis.publishing import metadata, render, review, sections
from dtks_analysis.publishing.tables import TINGKAT_LABELS

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def _text(html: str) -> str:
    html = re.sub(r"<style.*?</style>|<!--.*?-->", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


# -- the public quality annex in plain Indonesian -------------------------------------------
def _kualitas(codes: list[str]) -> pd.DataFrame:
    t = rules.rules_table("Kabupaten Dairi").set_index("kode_aturan").loc[codes].reset_index()
    t["jumlah_catatan"] = range(1001, 1001 + len(t))
    t["tingkat"] = t["tingkat"].map(TINGKAT_LABELS)
    return t[["kode_aturan", "tingkat", "uraian", "jumlah_catatan"]]


def _codes(tingkat: str) -> list[str]:
    return [k for k, r in rules.RULES.items() if r.tingkat == tingkat]


def test_rule_rows_name_rules_by_their_description_errors_first():
    codes = [_codes("warning")[0], _codes("error")[1], _codes("error")[0]]
    rows = sections.rule_rows(_kualitas(codes))
    assert list(rows.columns) == ["uraian", "tingkat", "jumlah_catatan"]
    assert rows["uraian"].tolist() == [
        rules.uraian(codes[1], "Kabupaten Dairi"),
        rules.uraian(codes[2], "Kabupaten Dairi"),
        rules.uraian(codes[0], "Kabupaten Dairi"),
    ]
    assert not any(SNAKE.search(u) for u in rows["uraian"])


def test_unknown_rule_keeps_the_tables_description():
    k = pd.DataFrame(
        {"kode_aturan": ["zz_baru"], "tingkat": ["Kesalahan"], "uraian": ["Aturan baru"]}
    ).assign(jumlah_catatan=[3])
    assert sections.rule_rows(k)["uraian"].tolist() == ["Aturan baru"]


def test_notes_are_listed_apart_as_information():
    notes = _codes("note")
    html = sections.notes_html(_kualitas(notes))
    text = _text(html)
    assert "bukan kesalahan dan tidak perlu diperbaiki" in text
    for code in notes:
        assert rules.uraian(code, "Kabupaten Dairi") in html.replace("&#x27;", "'")
        assert code not in text
    assert "1.001 baris" in text  # Indonesian thousands
    assert sections.notes_html(_kualitas(notes).iloc[0:0]) == ""


def test_public_methods_are_in_words_formulas_are_for_reviewers():
    defs = metadata.definitions_table()
    for col in ("definisi", "metode_perhitungan"):
        for value in defs[col]:
            assert not SNAKE.search(value), value
            assert not re.search(r"\berror\b", value, re.I), value
            assert not re.search(r"\w / \w+ ×", value), value  # no "rt_x / rumah_tangga × 100"
    cakupan = defs.set_index("nama").loc["Cakupan program", "metode_perhitungan"]
    assert "dibagi" in cakupan and "dikali 100" in cakupan
    f = metadata.formulas().set_index("indikator")
    assert f.loc["Cakupan program", "rumus"].startswith("rt_<program> / rumah_tangga")


# -- reviewer-only cells ------------------------------------------------------------------
def test_reviewer_only_cells_are_dropped_from_the_public_edition():
    nb = new_notebook(
        cells=[
            new_markdown_cell("## Bagian umum"),
            new_code_cell(
                "x = 1",
                outputs=[new_output("display_data", data={"text/html": "<p>tabel_analis</p>"})],
            ),
        ]
    )
    nb.cells[1].metadata["tags"] = [review.REVIEW_ONLY_TAG]
    public = render.notebook_node_to_html(nb, with_code=False, title="Uji")
    reviewer = render.notebook_node_to_html(nb, with_code=True, title="Uji")
    assert "Bagian umum" in public and "tabel_analis" not in public
    assert "tabel_analis" in reviewer


# -- no machine paths ---------------------------------------------------------------------
def test_paths_inside_the_project_become_relative_outside_a_placeholder(tmp_path):
    proj, data, out = tmp_path / "proj", tmp_path / "elsewhere" / "data", tmp_path / "out"
    staging = out / ".2023-12.staging-42"
    aliases = review.path_aliases(
        proj, data, data / "raw", out, shown_as={staging: out / "2023-12"}, home=tmp_path / "h"
    )
    nb = nbformat.from_dict(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {
                "papermill": {
                    "input_path": f"{proj}/notebooks/02.ipynb",
                    "output_path": f"{staging}/review/02.ipynb",
                    "parameters": {"data_dir": str(data), "raw_dir": f"{data}/raw"},
                }
            },
            "cells": [
                {
                    "cell_type": "code",
                    "id": "a",
                    "metadata": {},
                    "execution_count": 1,
                    "source": f'data_dir = "{data}"\nparams = "{tmp_path}/h/p.yaml"',
                    "outputs": [
                        {"output_type": "stream", "name": "stderr", "text": f"{data}2/x {out}\n"}
                    ],
                }
            ],
        }
    )
    got = review.portable_tree(nb, aliases)
    assert isinstance(got, nbformat.NotebookNode)
    pm = got.metadata.papermill
    assert pm.input_path == "notebooks/02.ipynb"
    assert pm.output_path == "<folder keluaran>/2023-12/review/02.ipynb"
    assert pm.parameters == {"data_dir": "<folder data>", "raw_dir": "<folder data>/raw"}
    assert got.cells[0].source == 'data_dir = "<folder data>"\nparams = "~/p.yaml"'
    # a longer name that only starts like a known folder is not touched
    assert got.cells[0].outputs[0].text == f"{data}2/x <folder keluaran>\n"
    nbformat.validate(got)


def test_header_has_code_parameters_and_digests_without_paths(tmp_path):
    data = tmp_path / "data"
    aliases = review.path_aliases(Path("/nowhere"), data, data / "raw", tmp_path / "out")
    digest = hashlib.sha256(b"x").hexdigest()
    inputs = {
        "2023-12": {"kiriman/Desa_A.xlsx": digest, "kiriman/KK1211021107100013.csv": digest},
        "2023-11": {"a.csv": digest},
    }
    html = review.header_html(
        "2023-12",
        "git abc123 (dtks-analysis 0.1.0)",
        {"min_cell": 3, "data_dir": str(data), "sources": [str(data / "p.yaml")]},
        inputs,
        raw_root=data / "raw",
        data_dir=data,
        aliases=aliases,
    )
    text = _text(html)
    assert "git abc123" in text and "min_cell" in text
    assert "raw/2023-12/kiriman/Desa_A.xlsx" in text
    assert "KK1211********0013" in text and "1211021107100013" not in text
    assert digest in text and review.month_digest(inputs["2023-11"]) in text
    assert "November 2023" in text
    assert str(tmp_path) not in html
    cell = review.header_cell(html)
    assert cell.metadata["tags"] == [review.REVIEW_ONLY_TAG]


# -- analysts' DataFrames -----------------------------------------------------------------
def test_dataframes_in_indonesian_formats_masked_and_stable():
    from dtks_analysis import notebook as nbk

    df = pd.DataFrame(
        {
            "desa": ["Sidikalang", "KK 1211021107100013"],
            "rumah_tangga": [12345, 7],
            "persen": [51.25, None],
            "rt_pkh": pd.array([1234, None], dtype="Int64"),
        }
    )
    html = nbk.tabel(df, "uji", "Uji").to_html()
    text = _text(html)
    for shown in ("12.345", "51,2", "1.234", "–", "1211********0013"):
        assert shown in text, shown
    assert "1211021107100013" not in html
    assert 'id="T_uji"' in html and html == nbk.tabel(df, "uji", "Uji").to_html()
    assert df.loc[0, "desa"] == "Sidikalang"  # the analyst's DataFrame is untouched
