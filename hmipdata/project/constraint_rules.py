"""Constraints that fit their field: which apply to which type, and values that read as the type.

``minLength`` on an integer, ``minimum: abc`` on a number (which would
silently disable the check), ``maximum: .inf`` or ``minimum: "2020-13-01"`` on
a date are declaration errors, as are patterns DuckDB's RE2 cannot run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from functools import cache
from typing import Any

from hmipdata.checker.errors import Issue
from hmipdata.project.declarations import issue
from hmipdata.project.yamllines import Document

NUMERIC = {"integer", "number", "year"}
ORDERED = NUMERIC | {"date", "datetime", "time", "yearmonth", "duration"}
SIZED = {"string", "array", "object", "list", "geojson"}
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def allowed_constraints(ftype: str) -> list[str]:
    """The constraints that make sense for a field of type ``ftype``."""
    allowed = ["required", "unique", "enum"]
    allowed += list(BOUNDS) if ftype in ORDERED else []
    allowed += ["minLength", "maxLength"] if ftype in SIZED else []
    allowed += ["pattern"] if ftype == "string" else []
    return allowed


def reads_as(ftype: str, fmt: str, value: Any) -> bool:
    """Whether ``value`` is a valid value of the field type (in its format) for a constraint."""
    if ftype in ("integer", "year"):
        return isinstance(value, int) and not isinstance(value, bool)
    if ftype == "number":
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if ftype == "string":
        return isinstance(value, str)
    if ftype == "boolean":
        return isinstance(value, bool | str)
    kinds = {
        "date": (date, date.fromisoformat),
        "datetime": (datetime, datetime.fromisoformat),
        "time": (time, time.fromisoformat),
    }
    if ftype in kinds:
        kind, parse = kinds[ftype]
        if isinstance(value, kind) and (ftype != "date" or not isinstance(value, datetime)):
            return True
        if not isinstance(value, str) or fmt == "any":
            return isinstance(value, str)
        try:
            datetime.strptime(value, fmt) if "%" in fmt else parse(value)
        except ValueError:
            return False
        return ftype != "date" or "%" in fmt or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
    if ftype == "yearmonth":
        return isinstance(value, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value) is not None
    return True


def _example(ftype: str) -> str:
    examples = {
        "integer": "12",
        "year": "2020",
        "number": "12.5",
        "date": '"2020-03-01"',
        "datetime": '"2020-03-01T09:00:00"',
    }
    return examples.get(ftype, "a value of the field's type")


def field_constraints(doc: Document, i: int, f) -> Iterator[Issue]:
    where, given = ("schema", "fields", i, "constraints"), f.constraints.model_dump(exclude_unset=True)
    allowed = allowed_constraints(f.type)
    for key, value in given.items():
        if key not in allowed:
            yield issue(
                doc,
                (*where, key),
                f"constraint {key!r} does not apply to {f.type} field {f.name!r}",
                f"constraints for {f.type}: {', '.join(allowed)}",
            )
            continue
        values = list(enumerate(value)) if key == "enum" else [(None, value)] if key in BOUNDS else []
        for j, v in values:
            if not reads_as(f.type, f.format, v):
                path = (*where, key) if j is None else (*where, key, j)
                yield issue(
                    doc,
                    path,
                    f"{key} {v!r} of field {f.name!r} is not a valid {f.type}",
                    f"write a {f.type} value, e.g. {_example(f.type)}",
                )
    if given.get("pattern") is not None and (problem := _pattern_problem(given["pattern"])):
        yield issue(
            doc,
            (*where, "pattern"),
            f"pattern {given['pattern']!r} of field {f.name!r} is not supported: {problem}",
            "patterns use RE2 syntax: no look-around or back-references",
        )


@cache
def _regex_engine():
    import duckdb

    return duckdb.connect()


def _pattern_problem(pattern: str) -> str | None:
    """Why DuckDB's regex engine (RE2, as the checks use) refuses ``pattern``, or None."""
    from hmipdata.checker.sqlrules import literal

    try:
        _regex_engine().execute(f"SELECT regexp_full_match('', {literal(pattern)})").fetchall()
    except Exception as exc:  # DuckDB raises InvalidInputException for RE2 syntax errors
        return str(exc).splitlines()[0]
    return None
