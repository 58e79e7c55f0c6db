"""The project's rules about metadata: documented tables, a CHANGELOG entry, the README's table list.

Each rule returns issues with the file and line to change, so ``hmipdata
validate`` shows them with the data's problems in one run (and the tests
call validate rather than checking these rules again).
"""

from __future__ import annotations

import re
from pathlib import Path

from hmipdata.checker.errors import Issue, Report
from hmipdata.checker.schema import Resource
from hmipdata.project.package import Project
from hmipdata.project.placeholders import MARKED

NUMERIC = ("integer", "number")
README_ROW = re.compile(r"^\| `(?P<name>[a-z_0-9]+)` \| (?P<rows>\d+) \|", re.M)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def documentation(project: Project) -> Report:
    """Every published table has a title, a description and expected_rows; every column a title and a
    description; every numeric column a unit (or a unitField naming the column that holds it)."""
    report = Report()

    def add(resource: Resource, message: str, hint: str, *path: str | int) -> None:
        report.add(
            Issue(
                "undocumented",
                message,
                path=resource.declared_in,
                row=resource.line(*path),
                column=".".join(str(p) for p in path) or None,
                hint=hint,
            )
        )

    for resource in project.published:
        for key in ("title", "description"):
            if not str(getattr(resource, key) or "").strip():
                add(resource, f"table {resource.name} has no {key}", f"add {key}: to the table declaration", key)
        if resource.expected_rows is None:
            add(resource, f"table {resource.name} declares no expected_rows", "add expected_rows: N (its row count)")
        for i, f in enumerate(resource.schema.fields):
            at = ("schema", "fields", i)
            for key in ("title", "description"):
                if not str(getattr(f, key) or "").strip():
                    add(resource, f"column {resource.name}.{f.name} has no {key}", f"add {key}: to the column", *at)
            if f.type in NUMERIC and not (f.unit or f.descriptor.get("unitField")):
                add(
                    resource,
                    f"numeric column {resource.name}.{f.name} has no unit",
                    "add unit: (percent, people, cases per officer, ...)",
                    *at,
                )
    return report


def changelog_entry(project: Project, version: str) -> Report:
    """CHANGELOG.md has an entry for ``version`` (the package's, or the one its changes need): ``release``
    refuses a version without one."""
    from hmipdata.project.changelog import entry_for

    report = Report()
    path = project.root / "CHANGELOG.md"
    if not path.is_file() or entry_for(project.root, version) is not None:
        return report
    text = path.read_text(encoding="utf-8")
    first = re.search(r"^## \[", text, re.M)
    report.add(
        Issue(
            "changelog-missing",
            f"no entry for version {version}",
            path="CHANGELOG.md",
            row=_line_of(text, first.start()) if first else None,
            hint=f"add '## [{version}] - YYYY-MM-DD' above this line, saying what changed and where it comes from",
        )
    )
    return report


def _count(con, resource: Resource) -> int | None:
    """The table's row count as declared (a table that differs is already a row-count issue), else as loaded."""
    from hmipdata.checker.sqlrules import ident

    if resource.expected_rows is not None:
        return resource.expected_rows
    try:
        return int(con.execute(f"SELECT count(*) FROM {ident(resource.name)}").fetchone()[0])
    except Exception:  # the table failed to load; its own errors say why
        return resource.expected_rows


def readme_line(resource: Resource, rows: int | str) -> str:
    """The README table-list line for ``resource`` (what to write, for a table not listed yet)."""
    where = ", ".join(resource.sources) or "<source id>"
    title = resource.title if resource.title and not MARKED.search(resource.title) else "<title>"
    return f"| `{resource.name}` | {rows} | {title} | {where}: <location> |"


def readme_tables(project: Project, con) -> Report:
    """README.md's table list names every published table once, with its row count, and nothing else.

    A README without a table list (``| `name` | rows |`` lines) is not checked."""
    report = Report()
    path: Path = project.root / "README.md"
    if not path.is_file():
        return report
    text = path.read_text(encoding="utf-8")
    listed = {m["name"]: (m["rows"], _line_of(text, m.start())) for m in README_ROW.finditer(text)}
    if not listed:
        return report
    published = {r.name: r for r in project.published}
    names = sorted(listed)

    def add(message: str, row: int, hint: str, column: str) -> None:
        report.add(Issue("readme-mismatch", message, path="README.md", row=row, column=column, hint=hint))

    for name, resource in sorted(published.items()):
        count = _count(con, resource)
        if name not in listed:
            after = [n for n in names if n < name]
            row = listed[after[-1]][1] + 1 if after else min(line for _, line in listed.values())
            add(
                f"table {name} is not in the table list",
                row,
                f"add this line here: {readme_line(resource, count if count is not None else 'N')}",
                name,
            )
        elif count is not None and listed[name][0] != str(count):
            add(
                f"table {name} has {count} rows but the table list says {listed[name][0]}",
                listed[name][1],
                f"write {count} in its rows column",
                name,
            )
    for name in names:
        if name not in published:
            add(f"{name} is listed but is not a published table", listed[name][1], "remove the line", name)
    return report
