"""What changed between two releases or builds: schema changes and value changes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from hmipdata.checker.errors import UsageError
from hmipdata.checker.sqlrules import ident, literal
from hmipdata.project.semver import RANK, SchemaChange, parse_version, schema_changes, snapshot_from_datapackage

MAX_ROWS = 50  # value changes listed per table and kind; counts stay true


@dataclass
class TableDiff:
    name: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    counts: tuple[int, int, int] = (0, 0, 0)

    @property
    def empty(self) -> bool:
        return not any(self.counts)


@dataclass
class Diff:
    old: str
    new: str
    schema: list[SchemaChange]
    tables: list[TableDiff]

    @property
    def semver(self) -> str:
        kinds = [c.kind for c in self.schema] + (["patch"] if any(not t.empty for t in self.tables) else [])
        return max(kinds, key=RANK.__getitem__, default="none")

    def _lines(self, bullet: str, code: str) -> list[str]:
        out = []
        if self.schema:
            out.append("Schema changes:")
            out += [f"{bullet}{code}{c.text}{code} ({c.kind})" for c in self.schema]
        for t in self.tables:
            if t.empty:
                continue
            added, removed, changed = t.counts
            out.append(f"Table {code}{t.name}{code}: {added} added, {removed} removed, {changed} changed")
            out += [f"{bullet}added {code}{k}{code}" for k in t.added]
            out += [f"{bullet}removed {code}{k}{code}" for k in t.removed]
            out += [f"{bullet}changed {c}" for c in t.changed]
        return out

    def text(self) -> str:
        kind = "no change" if self.semver == "none" else f"{self.semver} change"
        return "\n".join([f"{self.old} -> {self.new}: {kind}", *self._lines("  ", "")])

    def markdown(self) -> str:
        kind = "no change" if self.semver == "none" else f"{self.semver} change"
        head = f"**{self.old} → {self.new}**: {kind}"
        return "\n".join([head, "", *self._lines("- ", "`")])


def _tables(directory: Path) -> dict[str, dict]:
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: r for r in descriptor.get("resources", []) if r.get("type") == "table"}


def _table_diff(con, name: str, old_dir: Path, new_dir: Path, old_res: dict, new_res: dict) -> TableDiff:
    key = new_res["schema"].get("primaryKey") or []
    old_cols = [f["name"] for f in old_res["schema"]["fields"]]
    new_cols = [f["name"] for f in new_res["schema"]["fields"]]
    common = [c for c in new_cols if c in old_cols and c not in key]
    if not key or any(k not in old_cols for k in key):
        return TableDiff(name)

    def read(directory: Path, res: dict) -> str:
        return f"read_csv({literal(str(directory / res['path']))}, all_varchar=true, header=true)"

    con.execute(f"CREATE OR REPLACE TEMP VIEW o AS SELECT * FROM {read(old_dir, old_res)}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW n AS SELECT * FROM {read(new_dir, new_res)}")

    def on(a: str, b: str) -> str:
        return " AND ".join(f"{a}.{ident(k)} IS NOT DISTINCT FROM {b}.{ident(k)}" for k in key)

    def shown(x: str) -> str:
        return " || ', ' || ".join(f"'{k}=' || coalesce({x}.{ident(k)}, '')" for k in key)

    def keys(a: str, b: str) -> tuple[int, list[str]]:
        rows = con.execute(
            f"SELECT {shown('a')} FROM {a} AS a ANTI JOIN {b} AS b ON {on('a', 'b')} ORDER BY 1"
        ).fetchall()
        return len(rows), [r[0] for r in rows[:MAX_ROWS]]

    added_n, added = keys("n", "o")
    removed_n, removed = keys("o", "n")
    changed: list[str] = []
    changed_rows = 0
    if common:
        diffs = " || ".join(
            f"CASE WHEN o.{ident(c)} IS DISTINCT FROM n.{ident(c)} THEN '; {c}: ' || coalesce(o.{ident(c)}, '∅') "
            f"|| ' → ' || coalesce(n.{ident(c)}, '∅') ELSE '' END"
            for c in common
        )
        rows = con.execute(
            f"SELECT {shown('n')}, {diffs} AS d FROM o JOIN n ON {on('o', 'n')} WHERE d <> '' ORDER BY 1"
        ).fetchall()
        changed_rows = len(rows)
        changed = [f"{k}{d}" for k, d in rows[:MAX_ROWS]]
    return TableDiff(name, added, removed, changed, (added_n, removed_n, changed_rows))


def diff_directories(old_dir: Path, new_dir: Path, old_label: str | None = None, new_label: str | None = None) -> Diff:
    """Compare two build or release directories (each with datapackage.json and data/)."""
    import duckdb

    old_desc = json.loads((old_dir / "datapackage.json").read_text(encoding="utf-8"))
    new_desc = json.loads((new_dir / "datapackage.json").read_text(encoding="utf-8"))
    changes = schema_changes(snapshot_from_datapackage(old_desc), snapshot_from_datapackage(new_desc))
    old_t, new_t = _tables(old_dir), _tables(new_dir)
    con = duckdb.connect()
    tables = [_table_diff(con, n, old_dir, new_dir, old_t[n], new_t[n]) for n in sorted(set(old_t) & set(new_t))]
    return Diff(
        old_label or old_desc.get("version") or str(old_dir),
        new_label or new_desc.get("version") or str(new_dir),
        changes,
        tables,
    )


def resolve(root: Path, spec: str) -> Path:
    """A version number (looked up in build/releases/) or a directory."""
    for path in (root / spec, Path(spec)):
        if (path / "datapackage.json").exists():
            return path
    release = root / "build" / "releases" / spec
    if (release / "datapackage.json").exists():
        return release
    if (root / "releases" / spec / "CONTENTS.sha256").is_file():  # recorded: bring it back from history
        from hmipdata.publish.build import build_lock
        from hmipdata.publish.history import restore

        with build_lock(Path(root).resolve()):
            return restore(root, spec)
    raise UsageError(f"{spec!r} is neither a directory with a datapackage.json nor a release in build/releases/")


def previous_release(root: Path, version: str) -> Path | None:
    """The newest release in build/releases/ older than ``version``."""
    releases = root / "build" / "releases"
    older = []
    for path in releases.glob("*/datapackage.json") if releases.exists() else []:
        name = path.parent.name
        if name != "latest" and name.count(".") == 2 and parse_version(name) < parse_version(version):
            older.append(name)
    return releases / max(older, key=parse_version) if older else None
