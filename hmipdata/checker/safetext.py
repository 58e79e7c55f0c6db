"""Text that is safe to show: one printable line, web links only to http(s), real calendar dates."""

from __future__ import annotations

import datetime as dt
import re

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
URL = re.compile(r"https?://[^\s<>\"'\x00-\x1f\x7f]+", re.I)
PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def printable(text: object) -> str:
    """``text`` with control characters and line breaks escaped (``\\n``), so it stays on one line."""
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def safe_url(url: object) -> str | None:
    """``url`` when it is an absolute http or https address, else None (no ``javascript:``, ``data:`` ...)."""
    text = str(url or "").strip()
    return text if URL.fullmatch(text) else None


def partial_date(text: object) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of a real ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date; None otherwise."""
    m = PARTIAL_DATE.fullmatch(str(text or "").strip())
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


def one_line(text: object, limit: int = 500) -> str:
    """``text`` as a single printable line: control characters escaped, newlines included."""
    out = printable(text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def first_line(text: object) -> str:
    """The first line of a (DuckDB) message, escaped: its caret diagrams are noise for a person."""
    lines = [line for line in str(text).splitlines() if line.strip()]
    return one_line(lines[0] if lines else str(text))
