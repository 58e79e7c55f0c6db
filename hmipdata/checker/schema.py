"""Table Schemas and resource declarations, read from YAML or JSON.

Accepts Frictionless Table Schema v1 and v2 (JSON or YAML), either a bare
schema or a resource descriptor with a ``schema`` inside, plus hmipdata's own
keys (``unit``, ``display``, ``derive``, ``checks`` ...; see
docs/schema-format.md). YAML is always loaded safely.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hmipdata.checker.errors import SchemaError
from hmipdata.checker.schemacheck import check_field, check_keys, missing_values

TYPES = {
    "string",
    "integer",
    "number",
    "boolean",
    "date",
    "datetime",
    "time",
    "year",
    "yearmonth",
    "any",
    "object",
    "array",
    "duration",
    "geopoint",
    "geojson",
    "list",
}
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]


@dataclass(frozen=True)
class Field:
    """One column of a Table Schema."""

    name: str
    type: str = "string"
    format: str = "default"
    title: str = ""
    description: str = ""
    unit: str = ""
    constraints: dict[str, Any] = field(default_factory=dict)
    missing_values: tuple[str, ...] | None = None
    true_values: tuple[str, ...] = tuple(DEFAULT_TRUE)
    false_values: tuple[str, ...] = tuple(DEFAULT_FALSE)
    bare_number: bool = True
    group_char: str = ""
    decimal_char: str = "."
    display: dict[str, Any] = field(default_factory=dict)
    descriptor: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    """A Frictionless Table Schema."""

    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    unique_keys: tuple[tuple[str, ...], ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    missing_values: tuple[str, ...] = ("",)
    fields_match: str = "exact"

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def missing_for(self, f: Field) -> tuple[str, ...]:
        return f.missing_values if f.missing_values is not None else self.missing_values


@dataclass(frozen=True)
class Resource:
    """A declared table: where its data comes from and its schema."""

    name: str
    schema: TableSchema
    title: str = ""
    description: str = ""
    path: str | None = None
    derive_sql: str | None = None
    publish: bool = True
    sources: tuple[str, ...] = ()
    expected_rows: int | None = None
    notes: tuple[str, ...] = ()
    checks: tuple[dict[str, Any], ...] = ()
    declared_in: str = ""
    descriptor: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    lines: dict[tuple, int] = field(default_factory=dict, compare=False, repr=False)

    def line(self, *path: str | int) -> int | None:
        """The line of ``path`` (e.g. ``"checks", 0``) in the declaration file, or of its nearest parent."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path)


def read_mapping(path: Path) -> dict[str, Any]:
    """Read a YAML or JSON file as a mapping (YAML loaded safely)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError(f"{path}: cannot read ({exc})") from None
    try:
        if path.suffix == ".json":
            data = json.loads(text)
        else:
            from hmipdata.checker.yamllimits import load_yaml

            data = load_yaml(text, path)
    except SchemaError:
        raise
    except Exception as exc:  # yaml and json raise many kinds
        raise SchemaError(f"{path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {exc}") from None
    if not isinstance(data, dict):
        raise SchemaError(f"{path}: expected a mapping at the top level")
    return data


def _as_tuple(value: Any) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def parse_field(descriptor: dict[str, Any], where: str) -> Field:
    if not isinstance(descriptor, dict) or "name" not in descriptor:
        raise SchemaError(f"{where}: every field needs a name")
    ftype = descriptor.get("type", "string")
    if ftype not in TYPES:
        raise SchemaError(f"{where}: field {descriptor['name']!r} has unknown type {ftype!r}")
    check_field(descriptor, where)
    missing = descriptor.get("missingValues")
    if missing is not None:
        missing = missing_values(missing, f"{where}: field {descriptor['name']!r}")
    return Field(
        name=str(descriptor["name"]),
        type=ftype,
        format=str(descriptor.get("format", "default")).removeprefix("fmt:"),  # "fmt:" is v1's deprecated prefix
        title=str(descriptor.get("title", "")),
        description=str(descriptor.get("description", "")).strip(),
        unit=str(descriptor.get("unit", "")),
        constraints=dict(descriptor.get("constraints") or {}),
        missing_values=tuple(str(m) for m in missing) if missing is not None else None,
        true_values=tuple(descriptor.get("trueValues", DEFAULT_TRUE)),
        false_values=tuple(descriptor.get("falseValues", DEFAULT_FALSE)),
        bare_number=bool(descriptor.get("bareNumber", True)),
        group_char=str(descriptor.get("groupChar", "")),
        decimal_char=str(descriptor.get("decimalChar", ".")),
        display=dict(descriptor.get("display") or {}),
        descriptor=descriptor,
    )


def parse_schema(descriptor: dict[str, Any], where: str = "schema") -> TableSchema:
    """Build a :class:`TableSchema` from a v1 or v2 Table Schema mapping."""
    fields = descriptor.get("fields")
    if not isinstance(fields, list) or not fields:
        raise SchemaError(f"{where}: a schema needs a non-empty list of fields")
    parsed = tuple(parse_field(f, where) for f in fields)
    names = [f.name for f in parsed]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SchemaError(f"{where}: field names repeated: {', '.join(dupes)}")
    check_keys(descriptor, names, where)
    pk = _as_tuple(descriptor.get("primaryKey"))
    uniques = tuple(_as_tuple(u) for u in descriptor.get("uniqueKeys", []) or [])
    fks = []
    for fk in descriptor.get("foreignKeys", []) or []:
        ref = fk.get("reference", {})
        fks.append(ForeignKey(_as_tuple(fk.get("fields")), str(ref.get("resource", "")), _as_tuple(ref.get("fields"))))
    for key in (pk, *uniques, *(fk.fields for fk in fks)):
        unknown = [k for k in key if k not in names]
        if unknown:
            raise SchemaError(f"{where}: key names unknown fields: {', '.join(unknown)}")
    missing = missing_values(descriptor.get("missingValues", [""]), where)
    match = descriptor.get("fieldsMatch", "exact")
    if match not in ("exact", "equal", "subset", "superset", "partial"):
        raise SchemaError(f"{where}: fieldsMatch {match!r} is not one of exact, equal, subset, superset, partial")
    return TableSchema(parsed, pk, uniques, tuple(fks), tuple(str(m) for m in missing), match)


def load_schema(path: Path) -> TableSchema:
    """Load a Table Schema file, or the schema inside a resource descriptor."""
    data = read_mapping(path)
    if "schema" in data and isinstance(data["schema"], dict):
        data = data["schema"]
    return parse_schema(data, str(path))


def parse_resource(data: dict[str, Any], where: str, lines: dict | None = None) -> Resource:
    """Build a :class:`Resource` from a table declaration already checked by :mod:`hmipdata.project.declarations`."""
    derive = data.get("derive") or {}
    expected = data.get("expected_rows")
    return Resource(
        name=data["name"],
        schema=parse_schema(data["schema"], where),
        title=str(data.get("title", "")),
        description=str(data.get("description", "")).strip(),
        path=data.get("path"),
        derive_sql=derive.get("sql") if derive else None,
        publish=bool(data.get("publish", True)),
        sources=_as_tuple(data.get("sources")),
        expected_rows=int(expected) if expected is not None else None,
        notes=tuple(str(n).strip() for n in data.get("notes", []) or []),
        checks=tuple(data.get("checks", []) or []),
        declared_in=where,
        descriptor=data,
        lines=lines or {},
    )
