"""The project's rules about provenance: every figure names its document, every document its text extraction.

- A published table that holds numbers has ``source_id`` and
  ``source_location`` columns; wherever a raw table has them, no row leaves
  them blank.
- Each row of the sources table names its text extraction (``seed_file``,
  ``NNN_<16 hex digits>.txt``). Where the extractions are beside the
  repository (``../shared/seeds/``) and one is absent, a warning says that
  the quotes from that document are not checked until a maintainer adds it.
- A cell still starting with ``TODO:`` (as ``hmipdata new`` writes a new
  source's row) is a placeholder to fill in.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from hmipdata.checker.errors import Issue, Report
from hmipdata.checker.schema import Resource
from hmipdata.project.package import Project
from hmipdata.project.placeholders import MARKER

PROVENANCE = ("source_id", "source_location")
SOURCES = "sources"
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
CELL_PLACEHOLDER = f"{MARKER}:"


def seeds_dir(root: Path) -> Path:
    """Where the documents' text extractions live: beside the repository, never inside it."""
    return Path(root).resolve().parent / "shared" / "seeds"


def raw_rows(root: Path, resource: Resource) -> Iterator[tuple[int, dict[str, str]]]:
    """(editor line, row) of a raw CSV table; nothing if it cannot be read (the loader reports why)."""
    try:
        with (Path(root) / str(resource.path)).open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            line = 2
            for row in reader:
                yield line, row
                line = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error):
        return


def _csv_tables(project: Project) -> list[Resource]:
    return [r for r in project.resources if r.path and str(r.path).lower().endswith(".csv")]


def provenance(project: Project) -> Report:
    """Provenance columns where figures are, and filled on every row where the columns are."""
    report = Report()
    for resource in project.published:
        names = resource.schema.field_names
        numeric = [f.name for f in resource.schema.fields if f.type in ("integer", "number")]
        missing = [p for p in PROVENANCE if p not in names]
        if numeric and missing:
            report.add(
                Issue(
                    "missing-provenance",
                    f"table {resource.name} holds figures ({numeric[0]}) but has no {' or '.join(missing)} column",
                    path=resource.declared_in,
                    row=resource.line("schema", "fields"),
                    hint="add the columns source_id (an id from the sources table) and source_location "
                    "(where the document prints the figure), to the CSV and the schema",
                )
            )
    for resource in _csv_tables(project):
        present = [p for p in PROVENANCE if p in resource.schema.field_names]
        if not present or resource.name == SOURCES:
            continue
        for line, row in raw_rows(project.root, resource):
            for column in present:
                if not (row.get(column) or "").strip():
                    report.add(
                        Issue(
                            "missing-provenance",
                            f"{column} is blank",
                            path=str(resource.path),
                            row=line,
                            column=column,
                            hint="name the document (its source_id) and where it prints the figure (source_location)",
                        )
                    )
    return report


def source_documents(project: Project) -> Report:
    """Each source row names its text extraction in the agreed format; warn where the extraction is absent."""
    report = Report()
    try:
        resource = project.resource(SOURCES)
    except KeyError:
        return report
    if not resource.path or "seed_file" not in resource.schema.field_names:
        return report
    seeds = seeds_dir(project.root)
    for line, row in raw_rows(project.root, resource):
        seed = (row.get("seed_file") or "").strip()
        if not seed or seed.startswith(CELL_PLACEHOLDER):
            continue  # a blank is refused by the schema, a placeholder reported as unfilled
        where = {"path": str(resource.path), "row": line, "column": "seed_file", "value": seed}
        if not SEED_FILE.fullmatch(seed):
            report.add(
                Issue(
                    "source-document",
                    "seed_file is not the name of a text extraction (NNN_<16 hex digits>.txt)",
                    hint="keep the name hmipdata new wrote, or the name of the document's file in ../shared/seeds/",
                    **where,
                )
            )
        elif seeds.is_dir() and not (seeds / seed).is_file():
            report.add(
                Issue(
                    "source-document",
                    f"no text extraction of {row.get('source_id')} beside the repository: its quotes are not checked",
                    severity="warning",
                    hint="a maintainer adds the document's text as ../shared/seeds/" + seed,
                    **where,
                )
            )
    return report


def unfilled_cells(project: Project) -> Report:
    """A raw cell starting with ``TODO:`` is a placeholder still to fill in (hmipdata new writes them)."""
    report = Report()
    for resource in _csv_tables(project):
        for line, row in raw_rows(project.root, resource):
            for column, value in row.items():
                if isinstance(value, str) and value.startswith(CELL_PLACEHOLDER):
                    report.add(
                        Issue(
                            "unfilled",
                            f"still a placeholder: {value[:100]!r}",
                            path=str(resource.path),
                            row=line,
                            column=column,
                            rule="placeholder",
                            hint="write what the document says (leave it blank where the document does not say)",
                        )
                    )
    return report
