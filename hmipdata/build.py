"""Build everything into ``build/``, atomically.

The build is written to a fresh directory under ``.build/`` and ``build`` is
then switched to it with one atomic rename of a symlink, so ``build/`` is
always either the complete previous output or the complete new one. A build
whose inputs (raw files, schemas, code) have not changed is skipped.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hmipdata.errors import HmipdataError, InvalidData, Report
from hmipdata.project import Project, load_project

STAMP = ".inputs-sha256"


@dataclass
class BuildResult:
    path: Path
    skipped: bool
    report: Report


class BuildLocked(HmipdataError):
    """Another build is running in this repository."""


def inputs_digest(root: Path) -> str:
    """Content hash of everything a build reads."""
    digest = hashlib.sha256()
    package_dir = Path(__file__).parent
    code = [p for p in sorted(package_dir.rglob("*.py")) if "site" not in p.relative_to(package_dir).parts]
    files = [*sorted((root / "schemas").rglob("*")), *sorted((root / "raw").rglob("*")), *code]
    for path in files:
        if path.is_file():
            digest.update(
                str(path.relative_to(path.parent.parent if path.is_relative_to(package_dir) else root)).encode()
            )
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


@contextmanager
def build_lock(root: Path, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock so two builds never write at once (a second build waits, and says so)."""
    import sys

    (root / ".build").mkdir(exist_ok=True)
    with open(root / ".build" / "lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise BuildLocked("another hmipdata build is running here; wait for it to finish") from None
            print(f"waiting for another hmipdata build in {root} to finish", file=sys.stderr)
            fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def validate_project(project: Project, limit: int = 5):
    """Load and check every table; returns the DuckDB connection and the report."""
    import duckdb

    from hmipdata.checks import run_checks, sql_problems
    from hmipdata.load import load_project_tables
    from hmipdata.placeholders import unfilled
    from hmipdata.semver import check_version

    con = duckdb.connect()
    report = check_version(project)
    report.extend(unfilled(project.root))
    report.extend(load_project_tables(con, project, limit=limit))
    report.extend(sql_problems(con, project))
    if report.valid:
        report.extend(run_checks(con, project))
    return con, report


def _switch(root: Path, target: Path, link_name: str = "build") -> None:
    """Point ``root/build`` at ``target`` atomically; keep the old output until then."""
    link = root / link_name
    if link.exists() and not link.is_symlink():
        legacy = Path(tempfile.mkdtemp(prefix="legacy-", dir=root / ".build"))
        os.rename(link, legacy / "build")
    temp_link = root / ".build" / f"link-{os.getpid()}"
    if temp_link.is_symlink() or temp_link.exists():
        temp_link.unlink()
    temp_link.symlink_to(os.path.relpath(target, root))
    old = link.resolve() if link.is_symlink() else None
    os.replace(temp_link, link)
    if old and old != target.resolve() and old.parent == (root / ".build").resolve():
        shutil.rmtree(old, ignore_errors=True)


def _collect_garbage(root: Path, keep: Path) -> None:
    for path in (root / ".build").iterdir():
        if path.is_dir() and path.resolve() != keep.resolve() and path.name.startswith(("out-", "legacy-")):
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_symlink() and path.name.startswith("link-"):
            path.unlink(missing_ok=True)


def build(root: Path = Path("."), *, force: bool = False, limit: int = 5) -> BuildResult:
    """Validate, then write the database and data package to ``root/build``."""
    root = Path(root).resolve()
    with build_lock(root):
        return build_locked(root, force=force, limit=limit)


def build_locked(root: Path, *, force: bool = False, limit: int = 5) -> BuildResult:
    """The build itself; the caller holds :func:`build_lock`."""
    digest = inputs_digest(root)
    current = root / "build"
    if not force and (current / STAMP).is_file() and (current / STAMP).read_text().strip() == digest:
        return BuildResult(current, True, Report())
    project = load_project(root)
    con, report = validate_project(project, limit)
    if not report.valid:
        raise InvalidData(report)
    staging = Path(tempfile.mkdtemp(prefix="out-", dir=root / ".build"))
    staging.chmod(0o755)
    try:
        from hmipdata.outputs import write_outputs

        write_outputs(con, project, staging)
        (root / ".build" / "releases").mkdir(exist_ok=True)
        (staging / "releases").symlink_to("../releases")
        (staging / STAMP).write_text(digest + "\n")
        _switch(root, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _collect_garbage(root, staging)
    return BuildResult(current, False, report)
