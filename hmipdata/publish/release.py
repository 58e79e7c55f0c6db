"""Versioned, immutable releases: ``build/releases/<version>/``.

A release holds the DuckDB file, the data package (CSV, Parquet), release
notes and ``SHA256SUMS``. The repository keeps, per version, the schema
snapshot and the content record (``releases/<version>/``), so a version can
never be published twice with different content, even from a fresh clone.

A release is identified by its content, not by its writer's bytes: the
content record (:mod:`hmipdata.publish.content`) holds per-table digests of the
Parquet files and the DuckDB database (schema and rows in primary-key
order), and byte hashes of the rest, so re-releasing the same data with
another library version is a no-op while a changed value is refused.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hmipdata.checker.errors import HmipdataError
from hmipdata.project.changelog import Entry, entry_for
from hmipdata.project.package import Project, load_project
from hmipdata.project.publication import publication
from hmipdata.project.semver import parse_version, snapshot
from hmipdata.publish.atomic import atomic_write_text, point_symlink
from hmipdata.publish.content import changed_tables, content_record, sha256_file
from hmipdata.publish.faults import checkpoint
from hmipdata.publish.outputs import DATABASE

SUMS = "SHA256SUMS"
CONTENTS = "CONTENTS.sha256"
NOTES = "RELEASE-NOTES.md"


class ReleaseRefused(HmipdataError):
    """The release cannot be made as asked."""


@dataclass
class ReleaseResult:
    version: str
    path: Path
    created: bool


def write_sums(directory: Path) -> None:
    """SHA256SUMS (every file's bytes, for `sha256sum -c`) and CONTENTS.sha256 (the content record)."""
    sums = [
        f"{sha256_file(path)}  {path.relative_to(directory).as_posix()}"
        for path in sorted(p for p in directory.rglob("*") if p.is_file() and p.name not in (SUMS, CONTENTS))
    ]
    atomic_write_text(directory / SUMS, "\n".join(sums) + "\n")
    atomic_write_text(directory / CONTENTS, content_record(directory, skip=(SUMS, CONTENTS)))


def citation(project: Project, entry: Entry) -> str:
    pub = publication(project.meta)
    title = project.meta.get("title", pub.site_name)
    return (
        f"{', '.join(pub.authors)} ({entry.date[:4]}). {title}, version {entry.version} "
        f"(released {entry.date}). Source: {pub.source_credit}."
    )


def release_notes(project: Project, entry: Entry, diff_text: str | None) -> str:
    parts = [
        f"# {publication(project.meta).site_name} {entry.version} ({entry.date})",
        "",
        entry.body,
        "",
        "## How to cite",
        "",
        citation(project, entry),
        "",
    ]
    if diff_text:
        parts += ["## Changes in the data", "", diff_text, ""]
    parts += ["## Checksums", "", f"Verify the files with `sha256sum -c {SUMS}` in this directory.", ""]
    return "\n".join(parts)


def _record_dir(root: Path, version: str) -> Path:
    return root / "releases" / version


def release(root: Path = Path(".")) -> ReleaseResult:
    """Build the current version's release, or confirm an existing one is unchanged."""
    from hmipdata.publish.build import build_lock

    root = Path(root).resolve()
    project = load_project(root)
    version = project.version
    entry = entry_for(root, version)
    if entry is None:
        raise ReleaseRefused(
            f"CHANGELOG.md has no entry for version {version}: add a heading "
            f"'## [{version}] - YYYY-MM-DD' saying what changed and why"
        )
    with build_lock(root):
        return release_locked(root, project, entry)


def release_locked(root: Path, project: Project | None = None, entry: Entry | None = None) -> ReleaseResult:
    """Build, then release the current version; the caller holds the build lock."""
    from hmipdata.publish.build import build_locked
    from hmipdata.publish.history import recorded_versions, restore

    project = project or load_project(root)
    entry = entry or entry_for(root, project.version)
    if entry is None:
        raise ReleaseRefused(f"CHANGELOG.md has no entry for version {project.version}")
    build_locked(root)
    older = [v for v in recorded_versions(root) if parse_version(v) < parse_version(project.version)]
    if older:  # its release notes include the diff from the previous version, wherever this runs
        restore(root, older[-1])
    return _release_locked(root, project, project.version, entry)


def _release_locked(root: Path, project: Project, version: str, entry: Entry) -> ReleaseResult:
    releases = root / "build" / "releases"
    target = releases / version
    staging = Path(tempfile.mkdtemp(prefix=f"release-{version}-", dir=root / ".build"))
    staging.chmod(0o755)
    try:
        _assemble(root, project, entry, staging)
        checkpoint("release-assembled")
        record = _record_dir(root, version) / CONTENTS
        new_contents = (staging / CONTENTS).read_text()
        if record.exists() and (changed := changed_tables(record.read_text(), new_contents)):
            raise ReleaseRefused(
                f"version {version} was already released with different content in {', '.join(changed)} "
                f"(releases/{version}/{CONTENTS}); published versions are immutable: raise the version in "
                "schemas/package.yaml and add a CHANGELOG.md entry describing the correction"
            )
        if target.exists():
            if changed := changed_tables((target / CONTENTS).read_text(), new_contents):
                raise ReleaseRefused(
                    f"build/releases/{version} exists with different content in {', '.join(changed)}; "
                    "published versions are immutable"
                )
            point_latest(releases, version)
            return ReleaseResult(version, target, False)
        _record(root, project, version, new_contents)
        checkpoint("release-recorded")
        releases.mkdir(parents=True, exist_ok=True)
        os.replace(staging, target)
        checkpoint("release-moved")
        point_latest(releases, version)
        return ReleaseResult(version, target, True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _assemble(root: Path, project: Project, entry: Entry, out: Path) -> None:
    from hmipdata.publish.diff import diff_directories, previous_release

    source = root / "build"
    shutil.copy2(source / DATABASE, out / DATABASE)
    shutil.copy2(source / "datapackage.json", out / "datapackage.json")
    shutil.copytree(source / "data", out / "data")
    previous = previous_release(root, project.version)
    diff_text = diff_directories(previous, out).markdown() if previous else None
    (out / NOTES).write_text(release_notes(project, entry, diff_text), encoding="utf-8")
    write_sums(out)


def _record(root: Path, project: Project, version: str, contents: str) -> None:
    """The repository's record of a version: schema snapshot, then content record, each written atomically."""
    record = _record_dir(root, version)
    record.mkdir(parents=True, exist_ok=True)
    atomic_write_text(record / "schema.json", json.dumps(snapshot(project), indent=2) + "\n")
    checkpoint("release-record-schema")
    atomic_write_text(record / CONTENTS, contents)


def point_latest(releases: Path, version: str) -> None:
    """``releases/latest`` names ``version``, switched with one rename."""
    point_symlink(releases / "latest", version, releases / f".latest-{os.getpid()}", "release-latest")
