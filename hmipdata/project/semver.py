"""Schema snapshots and the semantic-version class of the changes between two.

A removed or renamed table or column, or a changed type, is a major change;
a new table or column is minor; anything else (values) is a patch.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from hmipdata.checker.errors import DeclarationError
from hmipdata.project.package import Project

RANK = {"patch": 0, "minor": 1, "major": 2}


def snapshot(project: Project) -> dict:
    """The published shape of the package: tables, their columns and types."""
    return {
        "version": project.version,
        "tables": {
            r.name: {"fields": {f.name: f.type for f in r.schema.fields}, "primaryKey": list(r.schema.primary_key)}
            for r in sorted(project.published, key=lambda r: r.name)
        },
    }


def snapshot_from_datapackage(descriptor: dict) -> dict:
    tables = {}
    for res in descriptor.get("resources", []):
        if res.get("type") != "table":
            continue
        schema = res.get("schema", {})
        tables[res["name"]] = {
            "fields": {f["name"]: f.get("type", "any") for f in schema.get("fields", [])},
            "primaryKey": list(schema.get("primaryKey", [])),
        }
    return {"version": descriptor.get("version", ""), "tables": tables}


@dataclass(frozen=True)
class SchemaChange:
    kind: str  # major or minor
    text: str


def schema_changes(old: dict, new: dict) -> list[SchemaChange]:
    changes = []
    old_t, new_t = old["tables"], new["tables"]
    for name in sorted(set(old_t) - set(new_t)):
        changes.append(SchemaChange("major", f"table {name} removed"))
    for name in sorted(set(new_t) - set(old_t)):
        changes.append(SchemaChange("minor", f"table {name} added"))
    for name in sorted(set(old_t) & set(new_t)):
        before, after = old_t[name]["fields"], new_t[name]["fields"]
        for col in before:
            if col not in after:
                changes.append(SchemaChange("major", f"column {name}.{col} removed"))
            elif before[col] != after[col]:
                changes.append(SchemaChange("major", f"column {name}.{col} retyped {before[col]} -> {after[col]}"))
        for col in after:
            if col not in before:
                changes.append(SchemaChange("minor", f"column {name}.{col} added"))
    return changes


SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


def parse_version(text: str) -> tuple[int, int, int]:
    """(major, minor, patch) of ``X.Y.Z``; anything else is a declaration error saying so."""
    m = SEMVER.fullmatch(str(text))
    if not m:
        raise DeclarationError(f"version {text!r} is not a semantic version X.Y.Z (schemas/package.yaml, releases/)")
    major, minor, patch = (int(p) for p in m.groups())
    return major, minor, patch


def is_version(text: str) -> bool:
    """True for ``X.Y.Z`` (a release folder's name, say); the one test of a version's shape."""
    return SEMVER.fullmatch(str(text)) is not None


def bump_class(old: str, new: str) -> str | None:
    """'major', 'minor' or 'patch' for the step from ``old`` to ``new``; None if not higher."""
    a, b = parse_version(old), parse_version(new)
    if b <= a:
        return None
    if b[0] > a[0]:
        return "major"
    return "minor" if b[1] > a[1] else "patch"


def released_snapshots(root: Path) -> dict[str, dict]:
    """Schema snapshots of the releases recorded in the repository (releases/<version>/schema.json)."""
    out = {}
    for path in (root / "releases").glob("*/schema.json"):
        where = path.relative_to(root)
        parse_version(path.parent.name)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise DeclarationError(f"{where}: the release record is not valid JSON ({exc})") from None
        tables = record.get("tables") if isinstance(record, dict) else None
        if not isinstance(tables, dict) or not all(isinstance(t.get("fields"), dict) for t in _dicts(tables)):
            raise DeclarationError(f"{where}: the release record has no 'tables' mapping; restore it from git")
        out[path.parent.name] = record
    return out


def _dicts(tables: dict) -> list[dict]:
    return [t if isinstance(t, dict) else {} for t in tables.values()]


def latest_release(root: Path) -> tuple[str, dict] | None:
    snaps = released_snapshots(root)
    if not snaps:
        return None
    version = max(snaps, key=parse_version)
    return version, snaps[version]


def required_bump(changes: list[SchemaChange]) -> str:
    return max((c.kind for c in changes), key=RANK.__getitem__, default="patch")


def next_version(version: str, kind: str) -> str:
    major, minor, patch = parse_version(version)
    if kind == "major":
        return f"{major + 1}.0.0"
    if kind == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def check_version(project: Project):
    """A report of schema changes the package version does not account for."""
    from hmipdata.checker.errors import Issue, Report

    report = Report()
    latest = latest_release(project.root)
    if latest is None:
        return report
    released, old = latest
    changes = schema_changes(old, snapshot(project))
    step = bump_class(released, project.version)
    where = "schemas/package.yaml"
    if step is None and project.version != released:
        report.add(
            Issue(
                "breaking-change",
                f"version {project.version} is lower than the last release {released}",
                path=where,
                rule="semver",
                hint="versions only go up",
            )
        )
    needed = required_bump(changes)
    if changes and (step is None or RANK[step] < RANK[needed]):
        for change in (c for c in changes if step is None or RANK[c.kind] > RANK[step]):
            report.add(
                Issue(
                    "breaking-change",
                    f"{change.text} since release {released}: requires a {change.kind} version "
                    f"({next_version(released, change.kind)}), but schemas/package.yaml says {project.version}",
                    path=where,
                    rule="semver",
                    hint=f"raise version to {next_version(released, needed)} and describe the change in CHANGELOG.md",
                )
            )
    return report
