"""Spreadsheet content laid out per the GSS conventions, independent of the file format.

A workbook is a cover sheet (title, source, release date, contact, licence),
a contents sheet, a notes sheet, then one table per sheet: a title row
naming its notes (``[note 1]``), a source row, the header row and the data,
with no blank rows or columns inside the table. A blank value that a marker
explains holds its GSS shorthand as text; numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from hmipdata.checker.schema import Resource
from hmipdata.project.markers import SHORTHAND, is_marker, marker_cells
from hmipdata.site.tables import field_label

LANGUAGE = "en-GB"


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]
    header_row: int | None = None  # 0-based index of the table's header row
    widths: list[int] = field(default_factory=list)
    table: str | None = None  # name of the (Excel) table from the header row to the last row
    columns: list[str] = field(default_factory=list)  # field name of each column of a data sheet


@dataclass
class Workbook:
    title: str
    sheets: list[Sheet]
    date: str | None  # release date (ISO), used for file metadata
    language: str = LANGUAGE


def _source_text(sources: dict[str, dict[str, str]], ids) -> str:
    """'Publisher (date), Title' for each source id."""
    parts = []
    for sid in ids:
        s = sources.get(sid)
        if s:
            parts.append(f"{s.get('publisher') or 'Unknown publisher'} ({s.get('publication_date')}), {s.get('title')}")
        else:
            parts.append(sid)
    return "; ".join(parts) or "see the sources table"


def _value(value, f) -> Any:
    if value is None:
        return None
    try:
        if value != value:  # NaN
            return None
    except TypeError:
        return None  # pd.NA
    if f.type in ("integer", "year"):
        return int(value)
    if f.type == "number":
        return float(value)
    if f.type == "boolean":
        return bool(value)
    if f.type == "date":
        return dt.date.fromisoformat(str(value))
    return str(value)


def table_rows(resource: Resource, frame, fields=None) -> list[list[Any]]:
    """Header and data rows of a table, with shorthand in explained blank cells.

    ``fields`` (default: every field) chooses the columns. Header labels are
    made unique, as a named table needs.
    """
    fields = resource.schema.fields if fields is None else fields
    markers = marker_cells(frame, resource.schema)
    labels: list[str] = []
    for f in fields:
        label, n = field_label(f), 2
        while label in labels:
            label, n = f"{field_label(f)} {n}", n + 1
        labels.append(label)
    rows: list[list[Any]] = [labels]
    columns = [frame[f.name].tolist() for f in fields]
    for pos in range(len(frame)):
        row = []
        for f, column in zip(fields, columns, strict=True):
            value = _value(column[pos], f)
            if value is None and pos in markers.get(f.name, {}):
                value = markers[f.name][pos]
            row.append(value)
        rows.append(row)
    return rows


def filled_fields(resource: Resource, frame) -> list:
    """The fields with at least one value (or shorthand) in ``frame``: empty columns are left out."""
    markers = marker_cells(frame, resource.schema)
    out = []
    for f in resource.schema.fields:
        if markers.get(f.name) or any(_value(v, f) is not None for v in frame[f.name].tolist()):
            out.append(f)
    return out


def _notes(resources: list[Resource]) -> tuple[list[list[Any]], dict[str, list[int]]]:
    rows: list[list[Any]] = [["Note number", "Note text", "Table"]]
    refs: dict[str, list[int]] = {}
    number = 0
    for r in resources:
        for note in r.notes:
            number += 1
            rows.append([f"note {number}", note.replace("`", ""), r.name])
            refs.setdefault(r.name, []).append(number)
    shorthand = [r for r in resources if any(is_marker(f.name) for f in r.schema.fields)]
    if shorthand:
        number += 1
        text = "Shorthand in value cells: " + "; ".join(f"{k} = {v}" for k, v in SHORTHAND.items()) + "."
        rows.append([f"note {number}", text, ", ".join(r.name for r in shorthand)])
        for r in shorthand:
            refs.setdefault(r.name, []).append(number)
    return rows, refs


def build_workbook(ctx, resources: list[Resource], title: str) -> Workbook:
    """Cover, contents, notes and one sheet per table."""
    sources, pub = ctx.sources(), ctx.publication
    date = ctx.release_date
    notes, refs = _notes(resources)
    used_sources = list(dict.fromkeys(s for r in resources for s in r.sources))
    cover = [
        [title],
        [f"This workbook is part of {pub.site_name}: {pub.about}."],
        ["Source", _source_text(sources, used_sources)],
        ["Version", ctx.version],
        ["Release date", date or "Not yet released"],
        ["Contact", str(ctx.project.meta.get("homepage", ""))],
        ["Web page", ctx.base_url],
        ["Licence", f"{pub.licence_title}: {pub.licence_url}"],
        ["Copyright", f"{pub.copyright}, {pub.publisher} (source documents)"],
        ["Notes", "Notes are listed on the Notes sheet and referred to in table titles as [note N]."],
    ]
    contents = [
        ["Contents"],
        ["Sheet name", "Table", "Rows", "Description"],
        ["Notes", "Notes and shorthand", len(notes) - 1, "Notes referred to in the tables' titles"],
    ]
    sheets_tables = []
    for r in resources:
        frame = ctx.frames[r.name]
        refs_text = "".join(f" [note {n}]" for n in refs.get(r.name, []))
        fields = filled_fields(r, frame)
        left_out = [f.title or f.name for f in r.schema.fields if f not in fields]
        empty = f" Columns left out because they hold no values: {', '.join(left_out)}." if left_out else ""
        rows = [
            [f"{r.title}{refs_text}"],
            [
                f"Source: {_source_text(sources, r.sources)}. "
                f"This worksheet contains one table with {len(frame)} rows.{empty}"
            ],
            *table_rows(r, frame, fields),
        ]
        sheets_tables.append(
            Sheet(
                r.name,
                rows,
                header_row=2,
                widths=_widths(rows[2:]),
                table=r.name,
                columns=[f.name for f in fields],
            )
        )
        contents.append([r.name, r.title, len(frame), r.description])
    return Workbook(
        title,
        [
            Sheet("Cover", cover, widths=[16, 100]),
            Sheet("Contents", contents, header_row=1, widths=[32, 60, 8, 100]),
            Sheet("Notes", [["Notes"], *notes], header_row=1, widths=[12, 100, 30]),
            *sheets_tables,
        ],
        date,
    )


def _widths(rows: list[list[Any]]) -> list[int]:
    widths = []
    for i in range(len(rows[0])):
        longest = max(len(str(row[i])) if row[i] is not None else 0 for row in rows)
        widths.append(max(8, min(60, longest + 2)))
    return widths
