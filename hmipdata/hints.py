"""Hints for bad cells: recognise the usual slips (thousands separators, '%',
footnote markers, shorthand in value cells, spelt-out or Excel dates) and say
what to do about them."""

from __future__ import annotations

import re

from hmipdata.schema import Field

SHORTHAND = ("[x]", "[z]", "[c]", "[u]", "[e]", "[p]", "[r]")
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
        "NaN and Infinity are not figures: leave the cell blank and put a shorthand such as [x] in the marker column",
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
    text = value.strip()
    if text.lower() in SHORTHAND:
        return f"leave the value blank and put {text.lower()} in the marker column"
    if re.fullmatch(r"\[[a-z]\]", text.lower()):
        return (
            f"unknown shorthand {text}: leave the value blank and use one of {' '.join(SHORTHAND)} in the marker column"
        )
    for types, pattern, hint in _RULES:
        if field.type in types and pattern.fullmatch(value):
            return hint
    if field.type == "date":
        return "write dates as ISO 8601, YYYY-MM-DD"
    return None
