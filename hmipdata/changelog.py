"""CHANGELOG.md: one entry per version, headed ``## [X.Y.Z] - YYYY-MM-DD``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HEADING = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})\s*$", re.M)


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
    matches = list(HEADING.finditer(text))
    entries = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        entries.append(Entry(m["version"], m["date"], text[m.end() : end].strip()))
    return entries


def entry_for(root: Path, version: str) -> Entry | None:
    return next((e for e in read_changelog(root) if e.version == version), None)
