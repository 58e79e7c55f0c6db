"""Every quoted figure is verbatim in its source document, and its printed text denotes its value."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from hmipdata.project.package import load_project
from hmipdata.project.printed import denoted
from tests.conftest import ROOT, SEEDS


def _documents() -> dict[str, str]:
    with (ROOT / "raw/sources/sources.csv").open(encoding="utf-8") as fh:
        return {row["source_id"]: row["seed_file"] for row in csv.DictReader(fh)}


def _raw_rows():
    project = load_project(ROOT)
    for resource in project.resources:
        if not resource.path:
            continue
        with (ROOT / resource.path).open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                yield resource, line, row


QUOTED = [(r.path, line, row) for r, line, row in _raw_rows() if row.get("quote")]
PRINTED = [(r.path, line, row) for r, line, row in _raw_rows() if row.get("value_text")]


def test_there_are_quoted_figures():
    assert len(QUOTED) > 50


@pytest.mark.parametrize("path,line,row", QUOTED, ids=[f"{p}:{n}" for p, n, _ in QUOTED])
def test_quote_is_verbatim_in_its_document(path, line, row, seeds):
    document = (seeds / _documents()[row["source_id"]]).read_text(encoding="utf-8")
    assert row["quote"] in document, f"{path}:{line}: quote not found verbatim in {row['source_id']}"


@pytest.mark.parametrize("path,line,row", PRINTED, ids=[f"{p}:{n}" for p, n, _ in PRINTED])
def test_printed_text_denotes_the_value(path, line, row):
    if row.get("quote"):
        assert row["value_text"] in row["quote"], f"{path}:{line}: value_text not within quote"
    if row.get("value", "") == "":
        return
    number = denoted(row["value_text"], row.get("unit", ""))
    assert number is not None, f"{path}:{line}: cannot read {row['value_text']!r} as a number"
    assert abs(number - float(row["value"])) < 0.01, f"{path}:{line}: {row['value_text']!r} != {row['value']}"


def test_every_row_has_provenance():
    missing = [
        (r.path, line)
        for r, line, row in _raw_rows()
        # anomaly_rows only links an anomaly (which has its source) to the rows it touches
        # the coverage lists point into the sources by verbatim context or region
        if r.name not in ("sources", "anomaly_rows", "coverage_exclusions", "coverage_printed_tables")
        and (not row.get("source_id") or not row.get("source_location"))
    ]
    assert not missing


@pytest.mark.skipif(not SEEDS.is_dir(), reason="source documents not found beside the repository")
def test_every_annexe_2_value_is_published():
    text = (SEEDS / "004_bc83123b592945ce.txt").read_text(encoding="utf-8")
    annexe = text[text.rindex("Annexe 2: Caseloads") :]
    printed = re.findall(r"\(or equivalent\)\t([\d.]+)\t([\d.]+)", annexe)
    assert len(printed) == 24
    with (ROOT / "raw/caseloads/annexe-2.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    transcribed = [(r[f"{g}_caseload_2020_03_01"], r[f"{g}_caseload_2020_09_28"]) for r in rows for g in ("po", "pso")]
    assert transcribed == printed


def test_source_paths_exist():
    for source_id, seed in _documents().items():
        assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", seed), source_id
    assert Path(ROOT / "raw/sources/sources.csv").exists()


def test_every_label_as_printed_is_verbatim_in_its_document(seeds):
    """A column named label_as_printed (e.g. periods) holds the source's own words, or is blank."""
    documents = _documents()
    for resource, line, row in _raw_rows():
        label = row.get("label_as_printed")
        if label:
            text = (seeds / documents[row["source_id"]]).read_text(encoding="utf-8")
            assert label in text, f"{resource.path}:{line}: label_as_printed not found verbatim in {row['source_id']}"
