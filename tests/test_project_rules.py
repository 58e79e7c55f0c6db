"""Every project rule is a ``hmipdata validate`` issue with file and line, listed together in one run.

Behaviour on a small fixture project (synthetic figures, never published);
the repository itself is checked by the same call.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hmipdata.project.validation import validate_project
from tests.conftest import ROOT, hmipdata

PACKAGE = "name: fixture\ntitle: Fixture\ndescription: A fixture.\nversion: 0.1.0\nlicenses: [{name: OGL-UK-3.0}]\n"
SOURCES = """name: sources
title: Sources
description: Source documents.
path: raw/sources/sources.csv
expected_rows: 1
schema:
  fields:
    - {name: source_id, type: string, title: Source, description: Id., constraints: {required: true}}
    - {name: seed_file, type: string, title: File, description: Its text extraction., constraints: {required: true}}
    - {name: title, type: string, title: Title, description: Title.}
  primaryKey: [source_id]
"""
BEDS = """name: beds
title: Beds
description: Beds by region (synthetic).
path: raw/beds/beds.csv
expected_rows: 2
schema:
  fields:
    - name: region
      type: string
      title: Region
      description: Region.
    - name: beds
      type: integer
      title: Beds
      description: Beds.
      unit: beds
    - {name: source_id, type: string, title: Source, description: Source.}
    - {name: source_location, type: string, title: Location, description: Where.}
  primaryKey: [region]
"""
README = """# Fixture

| table | rows | what | source |
|---|---:|---|---|
| `beds` | 2 | Beds | doc: Table 1 |
| `sources` | 1 | Sources | doc |
"""
CHANGELOG = "# Changelog\n\nIntroduction.\n\n## [0.1.0] - 2026-12-01\n\nFirst.\n"
CITATION = """cff-version: 1.2.0
title: Fixture
abstract: A fixture.
repository-code: https://example.org/repo
url: https://example.org/
keywords: [fixture]
version: 0.1.0
date-released: 2026-12-01
license: OGL-UK-3.0
"""
FILES = {
    "schemas/package.yaml": PACKAGE,
    "schemas/sources/sources.yaml": SOURCES,
    "schemas/beds/beds.yaml": BEDS,
    "raw/sources/sources.csv": "source_id,seed_file,title\ndoc,000_0123456789abcdef.txt,A document\n",
    "raw/beds/beds.csv": "region,beds,source_id,source_location\nNorth,12,doc,Table 1\nSouth,7,doc,Table 1\n",
    "README.md": README,
    "CHANGELOG.md": CHANGELOG,
    "CITATION.cff": CITATION,
}


@pytest.fixture
def fixture(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _edit(root: Path, name: str, old: str, new: str) -> None:
    text = (root / name).read_text(encoding="utf-8")
    assert old in text, (name, old)
    (root / name).write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_repository_meets_every_project_rule():
    report = validate_project(ROOT)
    assert report.valid, report.render_text()


def test_the_fixture_is_valid(fixture):
    done = hmipdata("--root", str(fixture), "validate")
    assert done.returncode == 0, done.stdout + done.stderr


# (file, text, replacement, the issue validate prints)
BREAKS = {
    "table title": (
        "schemas/beds/beds.yaml",
        "title: Beds\n",
        "",
        "schemas/beds/beds.yaml:1:title: [undocumented] table beds has no title",
    ),
    "column description": (
        "schemas/beds/beds.yaml",
        "      description: Region.\n",
        "",
        "schemas/beds/beds.yaml:8:schema.fields.0: [undocumented] column beds.region has no description",
    ),
    "unit": (
        "schemas/beds/beds.yaml",
        "      unit: beds\n",
        "",
        "schemas/beds/beds.yaml:12:schema.fields.1: [undocumented] numeric column beds.beds has no unit",
    ),
    "expected_rows": (
        "schemas/beds/beds.yaml",
        "expected_rows: 2\n",
        "",
        "[undocumented] table beds declares no expected_rows",
    ),
    "provenance column": (
        "schemas/beds/beds.yaml",
        "    - {name: source_location, type: string, title: Location, description: Where.}\n",
        "",
        "schemas/beds/beds.yaml:7: [missing-provenance] table beds holds figures (beds) but has no source_location",
    ),
    "provenance cell": (
        "raw/beds/beds.csv",
        "South,7,doc,Table 1",
        "South,7,doc,",
        "raw/beds/beds.csv:3:source_location: [missing-provenance] source_location is blank",
    ),
    "seed_file": (
        "raw/sources/sources.csv",
        "000_0123456789abcdef.txt",
        "report.pdf",
        "raw/sources/sources.csv:2:seed_file: [source-document] seed_file is not the name of a text extraction",
    ),
    "placeholder cell": (
        "raw/sources/sources.csv",
        "A document",
        "TODO: the title",
        "raw/sources/sources.csv:2:title: [unfilled] still a placeholder: 'TODO: the title'",
    ),
    "README count": (
        "README.md",
        "| `beds` | 2 |",
        "| `beds` | 3 |",
        "README.md:5:beds: [readme-mismatch] table beds has 2 rows but the table list says 3",
    ),
    "README missing": (
        "README.md",
        "| `beds` | 2 | Beds | doc: Table 1 |\n",
        "",
        "README.md:5:beds: [readme-mismatch] table beds is not in the table list (add this line here: | `beds` | 2 | Beds | ",
    ),
    "README extra": (
        "README.md",
        "| `sources` | 1 |",
        "| `seats` | 1 | x | y |\n| `sources` | 1 |",
        "README.md:6:seats: [readme-mismatch] seats is listed but is not a published table",
    ),
    "CHANGELOG entry": (
        "schemas/package.yaml",
        "version: 0.1.0",
        "version: 0.1.1",
        "CHANGELOG.md:5: [changelog-missing] no entry for version 0.1.1",
    ),
    "CITATION version": (
        "CITATION.cff",
        "version: 0.1.0",
        "version: 0.0.9",
        "CITATION.cff:7:version: [citation-mismatch] version 0.0.9 but the package is version",
    ),
}


@pytest.mark.parametrize("file,old,new,expected", BREAKS.values(), ids=BREAKS.keys())
def test_each_rule_is_an_issue_with_file_and_line(fixture, file, old, new, expected):
    _edit(fixture, file, old, new)
    done = hmipdata("--root", str(fixture), "validate")
    assert done.returncode == 1, done.stdout + done.stderr
    assert expected in done.stdout, done.stdout


def test_every_broken_rule_is_listed_in_one_run(fixture):
    compatible = [k for k in BREAKS if k not in ("table title", "README missing", "README extra", "provenance column")]
    for key in compatible:
        file, old, new, _ = BREAKS[key]
        _edit(fixture, file, old, new)
    done = hmipdata("--root", str(fixture), "validate")
    # line numbers shift when several edits are made together: compare what follows the location
    missing = [key for key in compatible if BREAKS[key][3][BREAKS[key][3].index("[") :] not in done.stdout]
    assert not missing, done.stdout


def test_a_document_without_its_text_extraction_is_a_warning(fixture):
    seeds = fixture.parent / "shared" / "seeds"
    seeds.mkdir(parents=True)
    done = hmipdata("--root", str(fixture), "validate")
    assert done.returncode == 0, done.stdout
    assert (
        "raw/sources/sources.csv:2:seed_file: warning: [source-document] no text extraction of doc beside the "
        "repository: its quotes are not checked"
    ) in done.stdout
    (seeds / "000_0123456789abcdef.txt").write_text("Table 1\nNorth 12\n", encoding="utf-8")
    assert "[source-document]" not in hmipdata("--root", str(fixture), "validate").stdout
