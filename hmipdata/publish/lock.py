"""The one lock every writer of ``build/`` holds, and the collection of what killed runs left behind.

``build``, ``site`` and ``release`` take an exclusive ``flock`` on
``.build/lock``. The lock file is opened with ``O_NOFOLLOW`` (a symlink
there is refused, never followed, so nothing outside the repository is
truncated or created) and must be a regular file. Once the lock is held, no
other run is writing, so every staging folder still present is a leftover
of a killed run: :func:`collect_stale` removes them.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hmipdata.checker.errors import EnvironmentProblem

WORK = ".build"
STALE_IN_WORK = ("out-", "legacy-", "release-", "link-")
STALE_IN_BUILD = (".site-new-", ".site-old-", ".site-link-")
MOVE_AWAY = "move it away (hmipdata keeps its working files there), then run the command again"


class BuildLocked(EnvironmentProblem):
    """Another build is running in this repository."""


def _work_dir(root: Path) -> Path:
    work = root / WORK
    if work.is_symlink() or (work.exists() and not work.is_dir()):
        raise EnvironmentProblem(f"{work} is not a folder: {MOVE_AWAY}")
    work.mkdir(exist_ok=True)
    return work


def _open_lock(path: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise EnvironmentProblem(f"{path} is a symlink; hmipdata never follows it: remove it") from None
        if exc.errno == errno.EISDIR:
            raise EnvironmentProblem(f"{path} is a folder, not a lock file: {MOVE_AWAY}") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise EnvironmentProblem(f"{path} is not a regular file: {MOVE_AWAY}")
    return fd


@contextmanager
def build_lock(root: Path, wait: bool = True) -> Iterator[None]:
    """Hold the exclusive lock so two writers never write at once (a second one waits, and says so)."""
    root = Path(root)
    fd = _open_lock(_work_dir(root) / "lock")
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise BuildLocked("another hmipdata build is running here; wait for it to finish") from None
            print(f"waiting for another hmipdata build in {root} to finish", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        collect_stale(root)
        yield
    finally:
        os.close(fd)


def _target(link: Path) -> Path | None:
    return link.resolve() if link.is_symlink() else None


def collect_stale(root: Path) -> None:
    """Remove staging folders of killed runs (call only while holding the lock)."""
    work = root / WORK
    live = _target(root / "build")
    for path in work.iterdir() if work.is_dir() else ():
        if path.name.startswith(STALE_IN_WORK) and path.resolve() != live:
            _remove(path)
    if live is not None and live.is_dir():
        collect_site_stale(live)


def collect_site_stale(folder: Path) -> None:
    """Remove site staging folders in ``folder`` that ``folder/site`` does not point at."""
    site = _target(folder / "site")
    for path in folder.iterdir():
        if path.name.startswith(STALE_IN_BUILD) and (path.is_symlink() or path.resolve() != site):
            _remove(path)


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)
