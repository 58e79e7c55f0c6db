"""The project's own hints for bad cells: GSS shorthand (``[x]``, ``[c]``...) belongs in the marker column.

The generic checker's hints know nothing of statistical conventions; the
project's loader passes each report through :func:`shorthand_hints`, which
replaces the hint of a type error whose value is a shorthand.
"""

from __future__ import annotations

import re

from hmipdata.checker.errors import Report
from hmipdata.project.markers import SHORTHAND

_BRACKETED = re.compile(r"\[[a-z]\]")


def shorthand_hint(value: str | None) -> str | None:
    """What to do with a shorthand written in a value cell, or None when ``value`` is not one."""
    text = (value or "").strip().lower()
    if text in SHORTHAND:
        return f"leave the value blank and put {text} in the marker column"
    if _BRACKETED.fullmatch(text):
        return (
            f"unknown shorthand {text}: leave the value blank and use one of {' '.join(SHORTHAND)} in the marker column"
        )
    if text in ("nan", "inf", "-inf", "infinity", "-infinity"):
        return "NaN and Infinity are not figures: leave the cell blank and put a shorthand such as [x] in the marker column"
    return None


def shorthand_hints(report: Report) -> Report:
    """``report`` with the project's hint on every type error whose value is a shorthand (in place)."""
    for group in report.groups:
        if group.code != "type-error":
            continue
        for example in group.examples:
            hint = shorthand_hint(example.value)
            if hint:
                example.hint = hint
    return report
