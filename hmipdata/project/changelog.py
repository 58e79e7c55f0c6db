"""CHANGELOG.md: one entry per version, headed ``## [X.Y.Z] - YYYY-MM-DD``.

A heading that starts like an entry (``## [``) but is not one, or whose date
is not a real calendar date (``2026-13-45``), is refused when the changelog
is read: ``validate`` reports it, ``release`` and ``site`` stop on it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from hmipdata.checker.errors import DeclarationError
from hmipdata.checker.safetext import printable

HEADING = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})\s*$", re.M)
ENTRY_LIKE = re.compile(r"^## \[.*$", re.M)
FORMAT = "'## [X.Y.Z] - YYYY-MM-DD' with a real date"


@dataclass(frozen=True)
class Entry:
    version: str
    date: str
    body: str


def read_changelog(root: Path) -> list[Entry]:
    """Entries in the order written (newest first by convention)."""
    path = root / "CHANGELOG.md"
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    check_headings(text)
    matches = list(HEADING.finditer(text))
    entries = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        entries.append(Entry(m["version"], m["date"], text[m.end() : end].strip()))
    return entries


def entry_for(root: Path, version: str) -> Entry | None:
    return next((e for e in read_changelog(root) if e.version == version), None)


def check_headings(text: str) -> None:
    """Refuse an entry heading that does not follow the format or names a date that does not exist."""
    for m in ENTRY_LIKE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        heading = HEADING.fullmatch(m.group())
        where = f"CHANGELOG.md:{line}"
        if heading is None:
            raise DeclarationError(f"{where}: heading {printable(m.group())!r} is not {FORMAT}")
        try:
            dt.date.fromisoformat(heading["date"])
        except ValueError:
            raise DeclarationError(
                f"{where}: version {heading['version']} is dated {heading['date']}, which is not a real date "
                "(write YYYY-MM-DD)"
            ) from None
