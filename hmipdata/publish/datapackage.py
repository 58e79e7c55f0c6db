"""The Frictionless Data Package descriptor, derived from the schemas.

The descriptor is valid against the official Data Package v2 JSON Schema and
readable by v1 tools: every CSV table is a tabular data
resource (v2 ``type: table``, v1 ``profile: tabular-data-resource``, which R's
``frictionless`` package requires); each Parquet copy is a plain resource.
Which formats are resources is the registry's (:mod:`hmipdata.publish.formats`).
Nothing in it depends on the wall clock:
``created`` is the release date of the version in CHANGELOG.md.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

from hmipdata.checker.errors import SchemaError
from hmipdata.checker.schema import Field, Resource, TableSchema
from hmipdata.project.changelog import entry_for
from hmipdata.project.package import Project
from hmipdata.publish.formats import Format, package_resources

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABULAR = "tabular-data-resource"
FIELD_KEYS = (
    "name",
    "type",
    "format",
    "title",
    "description",
    "constraints",
    "missingValues",
    "trueValues",
    "falseValues",
    "bareNumber",
    "groupChar",
    "decimalChar",
)
PACKAGE_KEYS = ("name", "id", "title", "description", "homepage", "version")
# Table Schema v2 allows categories on string and integer fields only.
CATEGORY_TYPES = ("string", "integer")


def data_file(resource: Resource, suffix: str) -> str:
    """Lowercase-hyphenated file name of a published table."""
    return f"data/{resource.name.replace('_', '-')}.{suffix}"


def unit_field(f: Field, schema: TableSchema) -> str:
    """The column giving each row's unit (``unitField``), '' when the unit is fixed or none."""
    name = str(f.descriptor.get("unitField") or "")
    if name and name not in schema.field_names:
        raise SchemaError(f"field {f.name!r}: unitField names unknown field {name!r}")
    return name


def categories_ordered(f: Field) -> bool:
    """True when the order of the field's enum means something (ratings, periods in time)."""
    return bool(f.descriptor.get("categoriesOrdered"))


def field_descriptor(f: Field, schema: TableSchema) -> dict[str, Any]:
    out = {k: f.descriptor[k] for k in FIELD_KEYS if k in f.descriptor}
    out["type"] = f.type
    if f.unit:
        out["unit"] = f.unit
    per_row = unit_field(f, schema)
    if per_row:
        # Not a fixed unit: the unit of each row is in another column (a categorical field).
        out["unitField"] = per_row
    enum = f.constraints.get("enum")
    if enum and f.type in CATEGORY_TYPES:
        out["categories"] = list(enum)
        if categories_ordered(f):
            out["categoriesOrdered"] = True
    return out


def schema_descriptor(schema: TableSchema) -> dict[str, Any]:
    out: dict[str, Any] = {"fields": [field_descriptor(f, schema) for f in schema.fields]}
    if schema.missing_values != ("",):
        out["missingValues"] = list(schema.missing_values)
    if schema.primary_key:
        out["primaryKey"] = list(schema.primary_key)
    if schema.foreign_keys:
        out["foreignKeys"] = [
            {
                "fields": list(fk.fields),
                "reference": {
                    "resource": fk.resource,
                    "fields": list(fk.reference_fields),
                },
            }
            for fk in schema.foreign_keys
        ]
    return out


def file_facts(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def read_sources(out: Path) -> dict[str, dict[str, str]]:
    """The published sources table (``data/sources.csv``) by source id; empty when not built."""
    path = out / "data" / "sources.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["source_id"]: row for row in csv.DictReader(handle) if row.get("source_id")}


def source_descriptor(source_id: str, sources: dict[str, dict[str, str]]) -> dict[str, str]:
    """A Data Package source: the document's title and, when it has one, its URL."""
    row = sources.get(source_id, {})
    out = {"title": row.get("title") or source_id}
    if row.get("url"):
        out["path"] = row["url"]
    return out


def resource_descriptors(
    project: Project, resource: Resource, out: Path, sources: dict[str, dict[str, str]] | None = None
) -> list[dict[str, Any]]:
    """A published table's resources, one per data-package format of the registry: the tabular
    data resource (CSV) first, then its copies (Parquet)."""
    sources = read_sources(out) if sources is None else sources
    described = {"title": resource.title, "description": resource.description}
    if resource.sources:
        described["sources"] = [source_descriptor(s, sources) for s in resource.sources]
    formats = package_resources()
    table_path = data_file(resource, formats[0].extension)
    return [
        _table_descriptor(resource, fmt, out, described)
        if fmt.resource == "table"
        else _copy_descriptor(resource, fmt, described, table_path)
        for fmt in formats
    ]


def _table_descriptor(resource: Resource, fmt: Format, out: Path, described: dict[str, Any]) -> dict[str, Any]:
    """The tabular data resource: typed schema, bytes and hash."""
    path = data_file(resource, fmt.extension)
    return {
        "name": resource.name,
        "profile": TABULAR,
        "type": "table",
        "path": path,
        "scheme": "file",
        "format": fmt.name,
        "mediatype": fmt.media_type,
        "encoding": "utf-8",
        **described,
        **file_facts(out / path),
        "schema": schema_descriptor(resource.schema),
    }


def _copy_descriptor(resource: Resource, fmt: Format, described: dict[str, Any], table_path: str) -> dict[str, Any]:
    """The same table in another format, as a plain resource.

    No v2 ``type`` (which may only be "table"): frictionless 5 reads nullable
    Parquet integers as NaN and so cannot check it against the integer schema.
    It has no bytes or hash either (frictionless cannot count Parquet bytes);
    the release's SHA256SUMS covers the file.
    """
    return {
        "name": f"{resource.name}_{fmt.name}",
        "path": data_file(resource, fmt.extension),
        "scheme": "file",
        "format": fmt.name,
        "mediatype": fmt.media_type,
        **described,
        "title": f"{resource.title} ({fmt.label})",
        "description": f"The {resource.name} table in {fmt.label}, with the same columns and types as {table_path}.",
        # The columns, typed ``any``: the values are checked in the tabular twin, and without
        # a schema frictionless guesses types from a sample (a mostly blank text column
        # read as a year-month).
        "schema": {"fields": [{"name": f.name, "type": "any"} for f in resource.schema.fields]},
    }


def created(project: Project) -> str | None:
    """When this version was released (its CHANGELOG.md date, midnight UTC); None if not recorded."""
    entry = entry_for(project.root, project.version)
    return f"{entry.date}T00:00:00Z" if entry else None


def package_descriptor(project: Project, out: Path) -> dict[str, Any]:
    meta = project.meta
    sources = read_sources(out)
    descriptor: dict[str, Any] = {"$schema": PROFILE}
    for key in PACKAGE_KEYS:
        if key in meta:
            descriptor[key] = meta[key]
    when = created(project)
    if when:
        descriptor["created"] = when
    if meta.get("keywords"):
        descriptor["keywords"] = [str(k) for k in meta["keywords"]]
    for key in ("licenses", "contributors"):
        if key in meta:
            descriptor[key] = meta[key]
    used = sorted({s for r in project.published for s in r.sources})
    if used:
        descriptor["sources"] = [source_descriptor(s, sources) for s in used]
    descriptor["resources"] = [d for r in project.published for d in resource_descriptors(project, r, out, sources)]
    return descriptor


def write_datapackage(project: Project, out: Path) -> Path:
    path = out / "datapackage.json"
    text = json.dumps(package_descriptor(project, out), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
