"""The Frictionless Data Package descriptor, derived from the schemas."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from hmipdata.project import Project
from hmipdata.schema import Field, Resource, TableSchema

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
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


def data_file(resource: Resource, suffix: str) -> str:
    """Lowercase-hyphenated file name of a published table."""
    return f"data/{resource.name.replace('_', '-')}.{suffix}"


def field_descriptor(f: Field) -> dict[str, Any]:
    out = {k: f.descriptor[k] for k in FIELD_KEYS if k in f.descriptor}
    out["type"] = f.type
    if f.unit:
        out["unit"] = f.unit
    return out


def schema_descriptor(schema: TableSchema) -> dict[str, Any]:
    out: dict[str, Any] = {"fields": [field_descriptor(f) for f in schema.fields]}
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


def resource_descriptors(project: Project, resource: Resource, out: Path) -> list[dict[str, Any]]:
    """The CSV resource of a published table (validated as a table), and its Parquet copy.

    The Parquet copy is a ``file`` resource (bytes and hash checked, same schema
    as the CSV): frictionless 5 reads nullable Parquet integers as NaN and so
    cannot validate it as a table.
    """
    base = {"title": resource.title, "description": resource.description}
    if resource.sources:
        base["sources"] = [{"title": s} for s in resource.sources]
    csv_path, parquet_path = data_file(resource, "csv"), data_file(resource, "parquet")
    return [
        {
            "name": resource.name,
            "type": "table",
            "path": csv_path,
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            **base,
            **file_facts(out / csv_path),
            "schema": schema_descriptor(resource.schema),
        },
        {
            "name": f"{resource.name}_parquet",
            "type": "file",
            "path": parquet_path,
            "scheme": "file",
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            "title": f"{resource.title} (Parquet)",
            "description": f"The {resource.name} table in Parquet, with the same columns and types as {csv_path}.",
            **file_facts(out / parquet_path),
        },
    ]


def package_descriptor(project: Project, out: Path) -> dict[str, Any]:
    meta = project.meta
    descriptor: dict[str, Any] = {"$schema": PROFILE}
    for key in ("name", "title", "description", "version", "homepage", "licenses", "contributors"):
        if key in meta:
            descriptor[key] = meta[key]
    descriptor["resources"] = [d for r in project.published for d in resource_descriptors(project, r, out)]
    return descriptor


def write_datapackage(project: Project, out: Path) -> Path:
    path = out / "datapackage.json"
    text = json.dumps(package_descriptor(project, out), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
