"""Build everything into ``build/``, atomically.

The build is written to a fresh directory under ``.build/`` and ``build`` is
then switched to it with one atomic rename of a symlink, so ``build/`` is
always either the complete previous output or the complete new one. A build
whose inputs (every declared file, schemas, release records, CHANGELOG,
code: see :mod:`hmipdata.project.freshness`) have not changed is skipped. Writers
hold :func:`hmipdata.publish.lock.build_lock`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hmipdata.checker.errors import InvalidData, Report
from hmipdata.project.freshness import inputs_digest
from hmipdata.project.package import load_project
from hmipdata.project.validation import check_project
from hmipdata.publish.atomic import point_symlink
from hmipdata.publish.faults import checkpoint
from hmipdata.publish.lock import BuildLocked, build_lock, collect_stale

__all__ = ["BuildLocked", "BuildResult", "build", "build_lock", "build_locked", "inputs_digest"]

STAMP = ".inputs-sha256"


@dataclass
class BuildResult:
    path: Path
    skipped: bool
    report: Report


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
        con, report = check_project(project, limit, writable=staging)
        if not report.valid:
            raise InvalidData(report)
        from hmipdata.publish.outputs import write_outputs

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
