"""Every number printed in the source documents is published (through its occurrence) or excluded with a reason."""

from __future__ import annotations

from pathlib import Path

from hmipdata.project.coverage import README_END, README_START, account, documents, extract, summary_markdown
from tests.conftest import ROOT


def _describe(root: Path, seeds: Path, numbers) -> str:
    docs = documents(root, seeds)
    return "\n".join(
        f"{n.source_id} {n.text!r}: …{docs[n.source_id][max(0, n.start - 50) : n.end + 30]!r}…" for n in numbers[:25]
    )


def test_every_number_in_the_sources_is_accounted_for(seeds):
    acc = account(ROOT, seeds)
    assert acc.numbers, "no numbers extracted from the source documents"
    assert not acc.problems, "\n".join(acc.problems)
    left = acc.unaccounted
    assert not left, f"{len(left)} numbers neither published nor excluded:\n" + _describe(ROOT, seeds, left)


def test_published_and_excluded_do_not_overlap(seeds):
    acc = account(ROOT, seeds)
    assert not set(acc.published) & set(acc.excluded)


def test_readme_states_the_coverage_generated_from_the_same_data(seeds):
    acc = account(ROOT, seeds)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(README_START, 1)[1].split(README_END, 1)[0].strip("\n")
    assert section == summary_markdown(acc, ROOT).strip("\n"), "run: python -m hmipdata.project.coverage --write-readme"


# Behaviour, on a small fixture project (not today's data).

PACKAGE = "name: fixture\ntitle: Fixture\ndescription: A fixture.\nversion: 0.1.0\nlicenses: [{name: OGL-UK-3.0}]\n"
SOURCES = """name: sources
title: Sources
description: Source documents.
path: raw/sources/sources.csv
publish: true
schema:
  fields:
    - {name: source_id, type: string, title: Source, description: Id., constraints: {required: true}}
    - {name: seed_file, type: string, title: File, description: File., constraints: {required: true}}
  primaryKey: [source_id]
"""
FIGURES = """name: figures
title: Figures
description: Quoted figures.
path: raw/figures/figures.csv
publish: true
schema:
  fields:
    - {name: figure_id, type: string, title: Id, description: Id., constraints: {required: true}}
    - {name: value, type: number, title: Value, description: Value., unit: count}
    - {name: value_text, type: string, title: Value text, description: Printed.}
    - {name: quote, type: string, title: Quote, description: Quote.}
    - {name: source_id, type: string, title: Source, description: Source.}
  primaryKey: [figure_id]
"""
DOCUMENT = "Report\n\nContents\tpage 2\n\nWe reviewed 240 cases in March 2020.\n\nTable 9\n\nA\t12\t13\n"


def _fixture(tmp_path: Path, figures: str, exclusions: str, regions: str) -> tuple[Path, Path]:
    root, seeds = tmp_path / "repo", tmp_path / "seeds"
    for folder in ("schemas/sources", "schemas/figures", "raw/sources", "raw/figures", "raw/coverage"):
        (root / folder).mkdir(parents=True)
    seeds.mkdir()
    (seeds / "doc.txt").write_text(DOCUMENT, encoding="utf-8")
    (root / "schemas/package.yaml").write_text(PACKAGE, encoding="utf-8")
    (root / "schemas/sources/sources.yaml").write_text(SOURCES, encoding="utf-8")
    (root / "schemas/figures/figures.yaml").write_text(FIGURES, encoding="utf-8")
    (root / "raw/sources/sources.csv").write_text("source_id,seed_file\ndoc,doc.txt\n", encoding="utf-8")
    (root / "raw/figures/figures.csv").write_text("figure_id,value,value_text,quote,source_id\n" + figures)
    (root / "raw/coverage/exclusions.csv").write_text(
        "exclusion_id,source_id,context,number,reason_class,reason\n" + exclusions
    )
    (root / "raw/coverage/printed-tables.csv").write_text(
        "region_id,source_id,table_name,starts_with,ends_before,raw_columns\n" + regions
    )
    return root, seeds


FIGURE = "F1,240,240,We reviewed 240 cases,doc\n"
EXCLUDED = (
    "X001,doc,Contents\tpage 2,2,page_number,Page number\n"
    "X002,doc,in March 2020,2020,date,A date\n"
    "X003,doc,Table 9,9,name_or_label,Label\n"
)
REGION = "t,doc,figures,Table 9,,raw/figures/table.csv:cell\n"


def _table(root: Path, cells: str) -> None:
    (root / "raw/figures/table.csv").write_text("cell\n" + cells, encoding="utf-8")


def test_numbers_are_extracted_as_printed():
    found = [n.text for n in extract("doc", "240 cases, 22,756 starts, 32.1 and 13/01/2020; Covid-19.")]
    assert found == ["240", "22,756", "32.1", "13", "01", "2020", "19"]


def test_a_fully_accounted_fixture_passes(tmp_path):
    root, seeds = _fixture(tmp_path, FIGURE, EXCLUDED, REGION)
    _table(root, "12\n13\n")
    acc = account(root, seeds)
    assert not acc.problems and not acc.unaccounted
    assert "100%" in summary_markdown(acc, root)


def test_a_number_neither_published_nor_excluded_is_unaccounted(tmp_path):
    root, seeds = _fixture(tmp_path, FIGURE, EXCLUDED.replace("X002,doc,in March 2020,2020,date,A date\n", ""), REGION)
    _table(root, "12\n13\n")
    acc = account(root, seeds)
    assert [n.text for n in acc.unaccounted] == ["2020"]


def test_a_figure_whose_quote_is_not_in_the_source_is_reported(tmp_path):
    root, seeds = _fixture(tmp_path, "F1,240,240,We reviewed 240 files,doc\n", EXCLUDED, REGION)
    _table(root, "12\n13\n")
    acc = account(root, seeds)
    assert any("quote not found" in p for p in acc.problems)
    assert [n.text for n in acc.unaccounted] == ["240"]


def test_an_exclusion_of_a_published_number_is_reported(tmp_path):
    root, seeds = _fixture(tmp_path, FIGURE, EXCLUDED + "X004,doc,reviewed 240 cases,240,date,Wrong\n", REGION)
    _table(root, "12\n13\n")
    acc = account(root, seeds)
    assert any("X004 excludes no number" in p for p in acc.problems)


def test_a_printed_table_must_match_its_transcription(tmp_path):
    root, seeds = _fixture(tmp_path, FIGURE, EXCLUDED, REGION)
    _table(root, "12\n14\n")
    acc = account(root, seeds)
    assert any("region t prints ['13']" in p for p in acc.problems)
    assert {n.text for n in acc.unaccounted} == {"12", "13"}
