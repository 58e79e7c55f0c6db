"""Putting files into the site: hard links where possible, copies otherwise."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def place(src: Path, dest: Path) -> None:
    """Hard-link ``src`` to ``dest`` (copy when linking is not possible)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)
