"""The repository's data package: ``schemas/package.yaml`` and every table declaration."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hmipdata.checker.errors import DeclarationError, Issue, Report, SchemaError
from hmipdata.checker.schema import Resource, parse_resource


@dataclass
class Project:
    """The package metadata and its resources, in dependency order."""

    root: Path
    meta: dict[str, Any]
    resources: list[Resource] = field(default_factory=list)

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "0.0.0"))

    def resource(self, name: str) -> Resource:
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(name)

    def location(self, resource: Resource) -> str:
        """The file people should look at for a table's rows: its raw file, or for
        a derived table the raw file named first in its SQL (whose ``_line`` it carries)."""
        if resource.path:
            return str(resource.path)
        sql = resource.derive_sql or ""
        found = [
            (m.start(), r) for r in self.resources if r.path for m in [re.search(rf"\b{re.escape(r.name)}\b", sql)] if m
        ]
        return str(min(found, key=lambda x: x[0])[1].path) if found else resource.declared_in

    @property
    def published(self) -> list[Resource]:
        return [r for r in self.resources if r.publish]


def tables_in(sql: str, names: set[str]) -> set[str]:
    """The tables among ``names`` that ``sql`` mentions (directly or through their ``_as_printed`` view)."""
    words = set(re.findall(r"[a-z_][a-z0-9_]*", sql.lower()))
    return {n[: -len("_as_printed")] if n.endswith("_as_printed") else n for n in words} & names


def depends_on(resource: Resource, names: set[str]) -> set[str]:
    """The tables among ``names`` that ``resource`` reads (its SQL) or references (foreign keys)."""
    deps = {fk.resource for fk in resource.schema.foreign_keys if fk.resource and fk.resource != resource.name}
    if resource.derive_sql:
        deps |= tables_in(resource.derive_sql, names)
    return (deps & names) - {resource.name}


def _ordered(resources: list[Resource]) -> list[Resource]:
    """Order resources so each comes after the tables it reads or references."""
    by_name = {r.name: r for r in resources}
    names = set(by_name)
    done: list[Resource] = []
    placed: set[str] = set()
    pending = sorted(resources, key=lambda r: r.name)
    while pending:
        ready = [r for r in pending if depends_on(r, names) <= placed]
        if not ready:
            cycle = ", ".join(r.name for r in pending)
            raise SchemaError(f"tables depend on each other in a cycle: {cycle}")
        for r in ready:
            done.append(r)
            placed.add(r.name)
        pending = [r for r in pending if r.name not in placed]
    return done


def load_project(root: Path, raw: bool = True) -> Project:
    """Read and check ``schemas/package.yaml`` and every ``schemas/<dataset>/<table>.yaml``.

    Raises :class:`DeclarationError` listing every problem in the declarations, with file and line.
    ``raw=False`` for readers of ``build/`` only (the site): declared raw files need not exist.
    """
    from hmipdata.project.declarations import read_declarations

    root = Path(root)
    package_file = root / "schemas" / "package.yaml"
    if not package_file.exists():
        raise SchemaError(f"{package_file}: not found; run hmipdata from the repository root or pass --root")
    found = read_declarations(root, raw)
    if not found.report.valid:
        raise DeclarationError(found.report)
    resources = [parse_resource(doc.data, doc.label, doc.lines) for doc, _ in found.tables]
    try:
        ordered = _ordered(resources)
    except SchemaError as exc:
        report = Report()
        report.add(
            Issue(
                "schema-error", str(exc), path="schemas", hint="a derived table cannot read itself, even through others"
            )
        )
        raise DeclarationError(report) from None
    return Project(root, found.package.data, ordered)
