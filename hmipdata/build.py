"""Build everything into ``build/``, atomically.

The build is written to a fresh directory under ``.build/`` and ``build`` is
then switched to it with one atomic rename of a symlink, so ``build/`` is
always either the complete previous output or the complete new one. A build
whose inputs (every declared file, schemas, release records, CHANGELOG,
code: see :mod:`hmipdata.freshness`) have not changed is skipped. Writers
hold :func:`hmipdata.lock.build_lock`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hmipdata.atomic import point_symlink
from hmipdata.errors import InvalidData, Report
from hmipdata.faults import checkpoint
from hmipdata.freshness import inputs_digest
from hmipdata.lock import BuildLocked, build_lock, collect_stale
from hmipdata.project import Project, load_project

__all__ = ["BuildLocked", "BuildResult", "build", "build_lock", "build_locked", "inputs_digest", "validate_project"]

STAMP = ".inputs-sha256"


@dataclass
class BuildResult:
    path: Path
    skipped: bool
    report: Report


def validate_project(project: Project, limit: int = 5, writable: Path | None = None):
    """Load and check every table (declared SQL sandboxed; ``writable`` is the one folder the connection
    may write to); returns the DuckDB connection and the report."""
    import duckdb

    from hmipdata.changelog import read_changelog
    from hmipdata.checks import run_checks, sql_problems
    from hmipdata.citation import check_citation
    from hmipdata.load import load_project_tables
    from hmipdata.placeholders import unfilled
    from hmipdata.sandbox import sandbox
    from hmipdata.semver import check_version

    read_changelog(project.root)  # a malformed entry heading or an impossible date stops here
    con = duckdb.connect()
    sandbox(con, project, writable)
    report = check_version(project)
    report.extend(check_citation(project))
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
    old = link.resolve() if link.is_symlink() else None
    point_symlink(link, os.path.relpath(target, root), root / ".build" / f"link-{os.getpid()}", "build-switch")
    checkpoint("build-switched")
    if old and old != target.resolve() and old.parent == (root / ".build").resolve():
        shutil.rmtree(old, ignore_errors=True)


def build(root: Path = Path("."), *, force: bool = False, limit: int = 5) -> BuildResult:
    """Validate, then write the database and data package to ``root/build``."""
    root = Path(root).resolve()
    with build_lock(root):
        return build_locked(root, force=force, limit=limit)


def build_locked(root: Path, *, force: bool = False, limit: int = 5) -> BuildResult:
    """The build itself; the caller holds :func:`build_lock`."""
    project = load_project(root)
    digest = inputs_digest(project)
    current = root / "build"
    if not force and (current / STAMP).is_file() and (current / STAMP).read_text().strip() == digest:
        return BuildResult(current, True, Report())
    staging = Path(tempfile.mkdtemp(prefix="out-", dir=root / ".build"))
    staging.chmod(0o755)
    try:
        con, report = validate_project(project, limit, writable=staging)
        if not report.valid:
            raise InvalidData(report)
        from hmipdata.outputs import write_outputs

        checkpoint("build-staging")
        write_outputs(con, project, staging)
        checkpoint("build-outputs")
        (root / ".build" / "releases").mkdir(exist_ok=True)
        (staging / "releases").symlink_to("../releases")
        (staging / STAMP).write_text(digest + "\n")
        _switch(root, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    collect_stale(root)
    return BuildResult(current, False, report)
