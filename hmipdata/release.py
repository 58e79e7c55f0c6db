"""Versioned, immutable releases: ``build/releases/<version>/``.

A release holds the DuckDB file, the data package (CSV, Parquet), release
notes and ``SHA256SUMS``. The repository keeps, per version, the schema
snapshot and the content record (``releases/<version>/``), so a version can
never be published twice with different content, even from a fresh clone.

DuckDB files are never byte-identical across writes (DuckDB stores random
identifiers), so the content record holds a digest of the database's
content (DDL, comments and rows) in place of its bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hmipdata.changelog import Entry, entry_for
from hmipdata.errors import HmipdataError
from hmipdata.outputs import DATABASE
from hmipdata.project import Project, load_project
from hmipdata.semver import snapshot

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


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def database_digest(path: Path) -> str:
    """Digest of a DuckDB file's content: tables, columns, comments, constraints and rows."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    digest = hashlib.sha256()
    meta = [
        "SELECT table_name, comment, sql FROM duckdb_tables() ORDER BY table_name",
        "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() ORDER BY table_name, column_index",
    ]
    for query in meta:
        digest.update(repr(con.execute(query).fetchall()).encode())
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall():
        rows = con.execute(f'SELECT * FROM "{table}" ORDER BY ALL').fetchall()
        digest.update(table.encode() + repr(rows).encode())
    con.close()
    return digest.hexdigest()


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.name not in (SUMS, CONTENTS))


def write_sums(directory: Path) -> None:
    """SHA256SUMS (every file, for `sha256sum -c`) and CONTENTS.sha256 (reproducible content record)."""
    sums, contents = [], []
    for path in _files(directory):
        rel = path.relative_to(directory).as_posix()
        sums.append(f"{sha256(path)}  {rel}")
        if rel == DATABASE:
            contents.append(f"{database_digest(path)}  {rel}#content")
        else:
            contents.append(f"{sha256(path)}  {rel}")
    (directory / SUMS).write_text("\n".join(sums) + "\n", encoding="utf-8")
    (directory / CONTENTS).write_text("\n".join(contents) + "\n", encoding="utf-8")


def citation(project: Project, entry: Entry) -> str:
    title = project.meta.get("title", "hmipdata")
    return (
        f"hmipdata contributors ({entry.date[:4]}). {title}, version {entry.version} "
        f"(released {entry.date}). Source: HM Inspectorate of Probation, Crown copyright, "
        "Open Government Licence v3.0."
    )


def release_notes(project: Project, entry: Entry, diff_text: str | None) -> str:
    parts = [
        f"# hmipdata {entry.version} ({entry.date})",
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
    from hmipdata.build import build_lock, build_locked

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
        build_locked(root)
        return _release_locked(root, project, version, entry)


def _release_locked(root: Path, project: Project, version: str, entry: Entry) -> ReleaseResult:
    releases = root / "build" / "releases"
    target = releases / version
    staging = Path(tempfile.mkdtemp(prefix=f"release-{version}-", dir=root / ".build"))
    staging.chmod(0o755)
    try:
        _assemble(root, project, entry, staging)
        record = _record_dir(root, version) / CONTENTS
        new_contents = (staging / CONTENTS).read_text()
        if record.exists() and record.read_text() != new_contents:
            raise ReleaseRefused(
                f"version {version} was already released with different content (releases/{version}/{CONTENTS}); "
                "published versions are immutable: raise the version in schemas/package.yaml and add a "
                "CHANGELOG.md entry describing the correction"
            )
        if target.exists():
            if (target / CONTENTS).read_text() != new_contents:
                raise ReleaseRefused(
                    f"build/releases/{version} exists with different content; published versions are immutable"
                )
            _point_latest(releases, version)
            return ReleaseResult(version, target, False)
        _record(root, project, version, new_contents)
        releases.mkdir(parents=True, exist_ok=True)
        os.replace(staging, target)
        _point_latest(releases, version)
        return ReleaseResult(version, target, True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _assemble(root: Path, project: Project, entry: Entry, out: Path) -> None:
    from hmipdata.diff import diff_directories, previous_release

    source = root / "build"
    shutil.copy2(source / DATABASE, out / DATABASE)
    shutil.copy2(source / "datapackage.json", out / "datapackage.json")
    shutil.copytree(source / "data", out / "data")
    previous = previous_release(root, project.version)
    diff_text = diff_directories(previous, out).markdown() if previous else None
    (out / NOTES).write_text(release_notes(project, entry, diff_text), encoding="utf-8")
    write_sums(out)


def _record(root: Path, project: Project, version: str, contents: str) -> None:
    record = _record_dir(root, version)
    record.mkdir(parents=True, exist_ok=True)
    (record / "schema.json").write_text(json.dumps(snapshot(project), indent=2) + "\n", encoding="utf-8")
    (record / CONTENTS).write_text(contents, encoding="utf-8")


def _point_latest(releases: Path, version: str) -> None:
    link = releases / "latest"
    temp = releases / f".latest-{os.getpid()}"
    if temp.is_symlink():
        temp.unlink()
    temp.symlink_to(version)
    os.replace(temp, link)
