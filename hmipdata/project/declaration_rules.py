"""Rules over declarations that look at more than one value: each yields a ``schema-error`` with file and line.

Keys and checks must name columns the table has, paths must exist inside the
repository, table names and check ids must be unique across the package. The
shape of each value is the model's job (:mod:`hmipdata.project.declaration_model`);
constraints fitting their field's type, :mod:`hmipdata.project.constraint_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hmipdata.checker.errors import CATALOGUE, Issue
from hmipdata.checker.inputs import file_problem
from hmipdata.project.checks import KINDS
from hmipdata.project.constraint_rules import field_constraints
from hmipdata.project.declarations import did_you_mean, issue
from hmipdata.project.yamllines import Document

VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
RESERVED_FIELD = "_line"  # every loaded table gets the editor line of its row


def _fields(doc: Document, table) -> Iterator[Issue]:
    seen: set[str] = set()
    for i, f in enumerate(table.schema_.fields):
        at = ("schema", "fields", i, "name")
        if f.name in seen:
            yield issue(doc, at, f"field {f.name!r} is declared twice", "give every field a different name")
        if f.name == RESERVED_FIELD or f.name.startswith("__"):
            yield issue(
                doc,
                at,
                f"field name {f.name!r} is reserved",
                "hmipdata adds _line, the row's line, and __* columns itself; rename the field",
            )
        seen.add(f.name)
        yield from field_constraints(doc, i, f)
    names = [f.name for f in table.schema_.fields]
    for i, f in enumerate(table.schema_.fields):
        if f.unitField and f.unitField not in names:
            yield issue(
                doc,
                ("schema", "fields", i, "unitField"),
                f"unitField names field {f.unitField!r}, which {table.name} does not have",
                did_you_mean(f.unitField, names, "fields"),
            )
        if f.unitField and f.unit:
            yield issue(
                doc,
                ("schema", "fields", i, "unitField"),
                f"field {f.name!r} has both unit and unitField",
                "give a fixed unit (unit) or the column that holds each row's unit (unitField), not both",
            )


def _keys(doc: Document, table) -> Iterator[Issue]:
    s, names = table.schema_, [f.name for f in table.schema_.fields]
    keys = [(("schema", "primaryKey"), s.primaryKey, "primary key")]
    keys += [(("schema", "uniqueKeys", i), k, "unique key") for i, k in enumerate(s.uniqueKeys)]
    keys += [(("schema", "foreignKeys", i, "fields"), fk.fields, "foreign key") for i, fk in enumerate(s.foreignKeys)]
    for path, key, what in keys:
        for j, name in enumerate(key):
            if name not in names:
                yield issue(
                    doc,
                    (*path, j),
                    f"{what} names field {name!r}, which {table.name} does not have",
                    did_you_mean(name, names, "fields"),
                )
    for i, fk in enumerate(s.foreignKeys):
        if len(fk.fields) != len(fk.reference.fields):
            yield issue(
                doc,
                ("schema", "foreignKeys", i),
                f"foreign key #{i + 1} has {len(fk.fields)} field(s) but its reference has {len(fk.reference.fields)}",
                "list as many reference fields as fields, in the same order",
            )


def _checks(doc: Document, table) -> Iterator[Issue]:
    """Every column a check's parameters name (as its kind declares) exists and has a type that fits."""
    types = {f.name: f.type for f in table.schema_.fields}
    for i, check in enumerate(table.checks):
        named = []
        for param in KINDS[check.kind].params:
            value = getattr(check, param.name) if param.column else None
            columns = value if isinstance(value, list) else [value] if value is not None else []
            named += [(param.name, column, param.fits) for column in columns]
        for key, column, fits in named:
            at = ("checks", i, key)
            if column not in types:
                yield issue(
                    doc,
                    at,
                    f"check {check.id!r} names column {column!r}, which {table.name} does not have",
                    did_you_mean(column, list(types), "fields"),
                )
            elif fits and types[column] not in fits:
                yield issue(
                    doc,
                    at,
                    f"check {check.id!r}: {key} {column!r} is a {types[column]} column",
                    f"name a {' or '.join(sorted(fits))} column",
                )


CHART_COLUMNS = {
    "points": ("start", "end", "value", "period_label", "panel", "series"),
    "dumbbells": ("label", "ends", "value", "panel"),
    "bars": ("x", "series", "value"),
}


def _presentation(doc: Document, table) -> Iterator[Issue]:
    """The columns a table's source layout and chart name (``site:``) are columns it has."""
    if table.site is None:
        return
    names = [f.name for f in table.schema_.fields]
    named: list[tuple[tuple, str]] = []
    if table.site.layout:
        lay = table.site.layout
        named += [(("site", "layout", key), getattr(lay, key)) for key in ("stub", "spanner", "across", "group")]
        named += [(("site", "layout", "order_by"), lay.order_by)]
        named += [(("site", "layout", "values", i), v) for i, v in enumerate(lay.values)]
    if table.site.chart:
        chart = table.site.chart
        named += [(("site", "chart", key), getattr(chart, key)) for key in CHART_COLUMNS[chart.kind]]
    for at, column in named:
        if column and column not in names:
            yield issue(
                doc,
                at,
                f"{at[1]} {at[2]} names column {column!r}, which {table.name} does not have",
                did_you_mean(column, names, "fields"),
            )


def unsafe_path(root: Path, relative: str) -> str | None:
    """Why a declared data path is refused (absolute, URL, '..', symlink), or None."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", relative) or relative.startswith(("/", "\\")) or ":" in relative:
        return "must be relative to the repository (no URLs or absolute paths)"
    parts = Path(relative).parts
    if ".." in parts:
        return "must not contain '..'"
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            return f"goes through a symlink ({current.relative_to(root)})"
    return None


def _source(root: Path, doc: Document, table, raw: bool) -> Iterator[Issue]:
    if (table.path is None) == (table.derive is None):
        yield issue(
            doc,
            ("path",) if table.path is not None else ("name",),
            "give exactly one of 'path' (a raw file) or 'derive' (SQL)",
            "a table is read from a raw file, or computed from other tables",
        )
    if table.path is None:
        return
    problem = unsafe_path(root, table.path)
    if problem:
        yield issue(doc, ("path",), f"path {table.path!r} {problem}", CATALOGUE["unsafe-path"].hint)
    elif raw and (problem := file_problem(root / table.path)) and not problem.startswith("file not found"):
        yield issue(doc, ("path",), f"path {table.path!r} {problem}", "declare the path of a raw data file")
    elif raw and problem:
        folder = (root / table.path).parent
        near = [str((folder / p.name).relative_to(root)) for p in folder.glob("*")] if folder.is_dir() else []
        yield issue(
            doc,
            ("path",),
            f"path {table.path!r} does not exist",
            did_you_mean(table.path, near, "files there")
            if near
            else "give the raw file's path from the repository root, e.g. raw/<dataset>/<file>.csv",
        )


def table_rules(root: Path, doc: Document, table, raw: bool = True) -> Iterator[Issue]:
    """Every problem of one table declaration that the model alone cannot see (``raw``: its file must exist)."""
    if (
        not table.name.isidentifier()
        or table.name != table.name.lower()
        or table.name.startswith("__")
        or table.name.endswith("__lines")
    ):
        yield issue(
            doc,
            ("name",),
            f"table name {table.name!r} must be a lowercase snake_case identifier",
            "use lowercase letters, digits and single underscores, e.g. staff_survey",
        )
    yield from _source(root, doc, table, raw)
    yield from _fields(doc, table)
    yield from _keys(doc, table)
    yield from _checks(doc, table)
    yield from _presentation(doc, table)


def package_rules(doc: Document, package) -> Iterator[Issue]:
    """The package's version is MAJOR.MINOR.PATCH (releases and the changelog are named by it)."""
    if not isinstance(package.version, str) or not VERSION.match(package.version):
        yield issue(
            doc,
            ("version",),
            f"version {package.version!r} is not a semantic version (MAJOR.MINOR.PATCH)",
            "write three whole numbers, e.g. 1.0.0",
        )


def project_rules(tables: list[tuple[Document, Any]], broken: set[str] = frozenset()) -> Iterator[Issue]:
    """Rules across files: unique table names and check ids, foreign keys to declared tables, generated names.

    ``broken`` names the tables whose files have errors of their own: references to them are not checked.
    """
    by_name: dict[str, tuple[Document, Any]] = {}
    checks: dict[str, str] = {}
    for doc, table in tables:
        if table.name in by_name:
            yield issue(
                doc,
                ("name",),
                f"table {table.name!r} is already declared in {by_name[table.name][0].label}",
                "give the table another name",
            )
        by_name.setdefault(table.name, (doc, table))
        for i, check in enumerate(table.checks):
            if check.id in checks:
                yield issue(
                    doc,
                    ("checks", i, "id"),
                    f"check id {check.id!r} is already used in {checks[check.id]}",
                    "give every check an id unique across the package",
                )
            checks.setdefault(check.id, f"{doc.label}:{doc.line(('checks', i, 'id'))}")
    generated = {f"{t.name}_as_printed": d.label for d, t in tables if t.path}
    for doc, table in tables:
        if table.name in generated:
            yield issue(
                doc,
                ("name",),
                f"table name {table.name!r} clashes with the view hmipdata generates for the raw table in {generated[table.name]}",
                "choose a name not ending in _as_printed",
            )
        yield from _references(doc, table, by_name, broken)


def _references(doc: Document, table, by_name: dict, broken: set[str]) -> Iterator[Issue]:
    for i, fk in enumerate(table.schema_.foreignKeys):
        target = fk.reference.resource or table.name
        at = ("schema", "foreignKeys", i, "reference")
        if target in broken:
            continue
        if target not in by_name:
            yield issue(
                doc,
                (*at, "resource"),
                f"foreign key #{i + 1} refers to table {target!r}, which is not declared",
                did_you_mean(target, list(by_name), "tables"),
            )
            continue
        names = [f.name for f in by_name[target][1].schema_.fields]
        for j, name in enumerate(fk.reference.fields):
            if name not in names:
                yield issue(
                    doc,
                    (*at, "fields", j),
                    f"foreign key #{i + 1} refers to {target}.{name}, which does not exist",
                    did_you_mean(name, names, "fields"),
                )
