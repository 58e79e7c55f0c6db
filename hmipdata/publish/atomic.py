"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hmipdata.publish.faults import checkpoint


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder, fsync, rename, fsync the folder."""
    path = Path(path)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # name the file asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            checkpoint("atomic-write")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"))


def point_symlink(link: Path, target: str, temp_link: Path, step: str) -> None:
    """Point the symlink ``link`` at ``target`` (as written in the link) with one rename through
    ``temp_link``, then make it durable: a reader sees the old target or the new one, never neither.
    ``step`` names the fault point just before the rename."""
    if temp_link.is_symlink() or temp_link.exists():
        temp_link.unlink()
    temp_link.symlink_to(target)
    try:
        checkpoint(step)
        os.replace(temp_link, link)
    except BaseException:
        temp_link.unlink(missing_ok=True)
        raise
    fsync_dir(link.parent)
