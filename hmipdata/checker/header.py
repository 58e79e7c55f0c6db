"""Match a file's header to a schema's fields, as Table Schema v2's ``fieldsMatch`` says.

``exact`` (the default) matches by position; ``equal``, ``subset``,
``superset`` and ``partial`` match by name, in any order. The result says
which column holds each field and what is wrong with the header, with
frictionless-py's precedence: a blank label, then a repeated one, then one
that differs from its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hmipdata.checker.schema import Field, TableSchema

MODES = ("exact", "equal", "subset", "superset", "partial")


@dataclass(frozen=True)
class LabelIssue:
    code: str
    message: str
    column_number: int
    label: str | None


@dataclass
class Match:
    """Which column holds each field (0-based), and the header's problems."""

    placement: list[tuple[int, Field]] = field(default_factory=list)
    issues: list[LabelIssue] = field(default_factory=list)
    extra_columns: list[int] = field(default_factory=list)  # exact: columns beyond the fields (extra cells)
    missing_fields: list[tuple[int, Field]] = field(default_factory=list)  # exact: fields beyond the columns

    def column_number(self, name: str) -> int | None:
        for index, f in self.placement:
            if f.name == name:
                return index + 1
        return None


def _seen_before(header: list[str], i: int) -> bool:
    return header[i] in header[:i]


def match_header(header: list[str], schema: TableSchema) -> Match:
    """Place the schema's fields on the header's columns; list the header's problems."""
    if schema.fields_match == "exact":
        return _by_position(header, schema)
    return _by_name(header, schema)


def _by_position(header: list[str], schema: TableSchema) -> Match:
    match = Match()
    names = schema.field_names
    for i, label in enumerate(header):
        if i >= len(names):
            match.issues.append(LabelIssue("extra-label", f"column {label!r} is not in the schema", i + 1, label))
            match.extra_columns.append(i)
            continue
        match.placement.append((i, schema.fields[i]))
        if not label.strip():
            continue  # blank-label, reported with the file's structure
        if _seen_before(header, i):
            continue  # duplicate-label, reported with the file's structure
        if label != names[i]:
            message = f"column {i + 1} is named {label!r} but the schema expects {names[i]!r}"
            match.issues.append(LabelIssue("incorrect-label", message, i + 1, label))
    for i in range(len(header), len(names)):
        match.issues.append(LabelIssue("missing-label", f"column {names[i]!r} is missing", i + 1, names[i]))
        match.missing_fields.append((i, schema.fields[i]))
    return match


def _by_name(header: list[str], schema: TableSchema) -> Match:
    match = Match()
    mode = schema.fields_match
    columns = {label: i for i, label in reversed(list(enumerate(header)))}  # the first column of a name
    for f in schema.fields:
        if f.name in columns:
            match.placement.append((columns[f.name], f))
    placed = {f.name for _, f in match.placement}
    if mode in ("equal", "subset"):  # every field must be in the file
        missing = [f for f in schema.fields if f.name not in placed]
        for n, f in enumerate(missing, start=1):
            message = f"column {f.name!r} is missing"
            match.issues.append(LabelIssue("missing-label", message, len(header) + n, f.name))
    if mode in ("equal", "superset"):  # every column must be a field
        for i, label in enumerate(header):
            if label.strip() and label not in schema.field_names:
                message = f"column {label!r} is not in the schema"
                match.issues.append(LabelIssue("extra-label", message, i + 1, label))
    if mode == "partial" and not placed and header:
        match.issues.append(LabelIssue("unmatched-header", "no column matches a field of the schema", 1, None))
    return match
