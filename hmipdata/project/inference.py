"""What ``hmipdata new`` infers from column names, so fewer things are left for a person to say.

- A percentage (``%`` or ``percent`` in the header, a name ending ``_pct``)
  gets ``unit: percent`` and the limits 0 to 100.
- A marker column gets the GSS shorthand as its allowed values.
- Columns that describe the document (its web address, licence, publisher)
  belong once in the sources list, not on every row; period columns (label,
  start, end) belong in the periods table. ``new`` says so.
- A ``source_id`` that is not in the sources list yet gets a row there, with
  a placeholder for every detail only the contributor knows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from hmipdata.project.markers import SHORTHAND, is_marker
from hmipdata.project.placeholders import MARKER

PERCENT_NAME = re.compile(r"(^|_)(pct|percent|percentage)($|_)")
MARKER_DESCRIPTION = (
    "GSS shorthand saying why a value is blank: [x] not available, [z] not applicable, [c] confidential "
    "(see the conventions in docs/schema-format.md)."
)
DOCUMENT_COLUMNS = {"source_url", "url", "licence", "license", "publisher", "source_title", "document_title"}
PERIOD_COLUMNS = {"period", "period_label", "period_start", "period_end", "start", "end", "start_date", "end_date"}
SOURCE_PROMPTS = {
    "title": "the document's title, as printed",
    "publisher": "who published it (blank if the document does not say)",
    "document_type": "what it is: report, slides, blog post, news summary",
    "licence": "its licence, e.g. OGL-UK-3.0 (blank if not stated)",
}


def is_percent(name: str, label: str) -> bool:
    return "%" in label or "percent" in label.lower() or bool(PERCENT_NAME.search(name))


def percent_name(name: str, label: str) -> str:
    """``Occupancy (%)`` -> ``occupancy_pct``: the name keeps what the ``%`` said."""
    return f"{name}_pct" if "%" in label and not PERCENT_NAME.search(name) else name


def field_extras(name: str, label: str, ftype: str) -> dict:
    """What the name says about a column: ``unit``, ``constraints``, ``title``/``description``."""
    if ftype in ("integer", "number") and is_percent(name, label):
        return {"unit": "percent", "constraints": {"minimum": 0, "maximum": 100}}
    if is_marker(name) and ftype == "string":
        return {"title": "Marker", "description": MARKER_DESCRIPTION, "constraints": {"enum": list(SHORTHAND)}}
    return {}


def column_notes(names: list[str]) -> list[str]:
    notes = []
    for name in names:
        if name in DOCUMENT_COLUMNS:
            notes.append(
                f"column {name} describes the document, which the sources list (raw/sources/sources.csv) "
                "already says once: remove it and keep source_id"
            )
    periods = [n for n in names if n in PERIOD_COLUMNS]
    if periods:
        notes.append(
            f"columns {', '.join(periods)} describe periods: give each period a row in raw/periods/periods.csv "
            "(period_id, label_as_printed, period_type, start_date, end_date, ...) and keep only a period_id "
            "column here (CONTRIBUTING.md, Periods)"
        )
    return notes


def seed_name(number: int, source_id: str) -> str:
    """The file name a new document's text extraction will have: ``NNN_<16 hex digits>.txt``."""
    return f"{number:03d}_{hashlib.sha256(source_id.encode('utf-8')).hexdigest()[:16]}.txt"


def new_source_rows(sources_csv: Path, ids: list[str], patterns: set[str]) -> tuple[list[str], str]:
    """The ids not listed yet, and the CSV text of their rows (a ``TODO:`` for each detail to fill in;
    columns in ``patterns`` have a fixed format and are left blank for validate to ask for)."""
    with sources_csv.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
        header = list(rows[0].keys()) if rows else []
    listed = {row.get("source_id") for row in rows}
    new = [i for i in ids if i not in listed]
    numbers = [int(m[1]) for row in rows if (m := re.match(r"(\d{3})_", row.get("seed_file") or ""))]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for n, source_id in enumerate(new, start=max(numbers, default=len(rows) - 1) + 1):
        cells = []
        for column in header:
            if column == "source_id":
                cells.append(source_id)
            elif column == "seed_file":
                cells.append(seed_name(n, source_id))
            elif column in patterns:
                cells.append("")
            else:
                cells.append(f"{MARKER}: {SOURCE_PROMPTS.get(column, column.replace('_', ' '))}")
        writer.writerow(cells)
    return new, out.getvalue()


def raise_expected_rows(schema_file: Path, added: int) -> None:
    """Add ``added`` to ``expected_rows`` in a table declaration, changing nothing else in the file."""
    text = schema_file.read_text(encoding="utf-8")
    found = re.search(r"^expected_rows:\s*(\d+)", text, re.M)
    if found:
        at = found.start(1), found.end(1)
        schema_file.write_text(text[: at[0]] + str(int(found[1]) + added) + text[at[1] :], encoding="utf-8")


def keep_sources(root: Path, sources_schema: str) -> dict[Path, bytes]:
    """The sources list and its declaration as they are, to put back if ``new`` fails."""
    from hmipdata.checker.schema import read_mapping

    paths = [root / sources_schema, root / str(read_mapping(root / sources_schema).get("path"))]
    return {p: p.read_bytes() for p in paths if p.is_file()}


def list_new_sources(root: Path, sources_schema: str, ids: list[str]) -> list[str]:
    """Give each cited document not in the sources list a row there (details to fill in), and count it."""
    from hmipdata.checker.schema import read_mapping

    declaration = read_mapping(root / sources_schema)
    sources_csv = root / str(declaration.get("path"))
    if not ids or not sources_csv.is_file():
        return []
    fields = (declaration.get("schema") or {}).get("fields") or []
    patterns = {f.get("name") for f in fields if isinstance(f, dict) and (f.get("constraints") or {}).get("pattern")}
    new, rows = new_source_rows(sources_csv, ids, patterns)
    if new:
        text = sources_csv.read_text(encoding="utf-8")
        sources_csv.write_text(text + ("" if text.endswith("\n") else "\n") + rows, encoding="utf-8")
        raise_expected_rows(root / sources_schema, len(new))
    return new
