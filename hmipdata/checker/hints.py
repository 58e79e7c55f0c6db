"""Hints for bad cells: recognise the usual slips (thousands separators, '%',
footnote markers, NaN, spelt-out or Excel dates) and say what to do about them.

A publishing project adds its own conventions on top (for instance the
hints of :mod:`hmipdata.project.hints`) by rewriting the
report's hints; the checker itself knows no publisher's conventions."""

from __future__ import annotations

import re

from hmipdata.checker.schema import Field

_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"

_RULES: list[tuple[set[str], re.Pattern[str], str]] = [
    (
        {"integer", "number"},
        re.compile(r"\s*[-+]?\d{1,3}(,\d{3})+(\.\d+)?\s*"),
        'remove the thousands separators, or declare groupChar: "," on the field',
    ),
    (
        {"integer", "number"},
        re.compile(r".*%\s*"),
        'write the number without "%", or declare bareNumber: false on the field',
    ),
    (
        {"integer", "number", "date", "string"},
        re.compile(r".*\[note \d+\].*", re.I),
        "footnote markers belong in the notes, not in cells: write the value alone and reference [note N] "
        "in the column title or notes",
    ),
    (
        {"integer", "number", "date"},
        re.compile(r"\s*(nan|-?inf(inity)?)\s*", re.I),
        "NaN and Infinity are not figures: leave the cell blank (declare why it is missing as the schema says)",
    ),
    (
        {"date"},
        re.compile(r"\s*[1-6]\d{4}(\.0+)?\s*"),
        "looks like an Excel serial date: format the column as a date and write it as YYYY-MM-DD",
    ),
    (
        {"date"},
        re.compile(rf".*\b{_MONTHS}\b.*", re.I),
        "write dates as ISO 8601, YYYY-MM-DD (e.g. 28 Sept 2020 is 2020-09-28)",
    ),
    (
        {"date"},
        re.compile(r"\s*\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\s*"),
        "write dates as ISO 8601, YYYY-MM-DD (e.g. 28/09/2020 is 2020-09-28)",
    ),
]


def type_hint(field: Field, value: str | None) -> str | None:
    """A specific hint for a value that does not parse as ``field``'s type, if one fits."""
    if value is None:
        return None
    for types, pattern, hint in _RULES:
        if field.type in types and pattern.fullmatch(value):
            return hint
    if field.type == "date":
        return "write dates as ISO 8601, YYYY-MM-DD"
    return None
