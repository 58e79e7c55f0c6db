"""Refuse a Table Schema that frictionless-py refuses, with one line saying what to fix.

Checks the shapes the Table Schema (v1 and v2) profile gives and the rules
frictionless adds: constraints a field's type supports, ``required`` written
under ``constraints``, missing values as text or ``{value, label}`` objects
with unique values and labels, keys naming fields, foreign keys with a
reference of as many fields. Keys it does not know are left alone, as
frictionless does (the project's own declarations add theirs).
"""

from __future__ import annotations

from typing import Any

from hmipdata.checker.errors import SchemaError

_RANGE = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]
_LENGTH = ["minLength", "maxLength"]
SUPPORTED = {
    "any": [],
    "array": _LENGTH,
    "boolean": [],
    "date": _RANGE,
    "datetime": _RANGE,
    "duration": _RANGE,
    "geojson": [],
    "geopoint": [],
    "integer": _RANGE,
    "list": _LENGTH,
    "number": _RANGE,
    "object": _LENGTH,
    "string": [*_LENGTH, "pattern"],
    "time": _RANGE,
    "year": _RANGE,
    "yearmonth": _RANGE,
}
ALWAYS = {"required", "unique", "enum", "jsonSchema"}


def _names(value: Any) -> list | None:
    """A key's field names: a string or a list of strings (None when neither)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


def missing_values(value: Any, where: str) -> tuple[str, ...]:
    """``missingValues`` as text: v1 strings, or v2 ``{"value": ..., "label": ...}`` objects."""
    if not isinstance(value, list):
        raise SchemaError(f"{where}: missingValues must be a list, got {value!r}")
    out, labels = [], []
    objects = [v for v in value if isinstance(v, dict)]
    for item in value:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("value"), str):
            out.append(item["value"])
            if "label" in item:
                labels.append(item["label"])
        else:
            raise SchemaError(f"{where}: a missing value must be text or {{value, label}}, got {item!r}")
    if objects:
        for values, what in ((out, "missing value"), (labels, "missing value label")):
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise SchemaError(f"{where}: {what} {repeated[0]!r} is not unique")
    return tuple(out)


def check_field(descriptor: dict, where: str) -> None:
    """One field's declaration: format, constraints and their values."""
    name = descriptor["name"]
    ftype = descriptor.get("type", "string")
    if "required" in descriptor:
        raise SchemaError(
            f"{where}: field {name!r}: 'required' goes under 'constraints' (constraints: {{required: true}})"
        )
    fmt = descriptor.get("format", "default")
    if not isinstance(fmt, str):
        raise SchemaError(f"{where}: field {name!r}: format must be text, got {fmt!r}")
    constraints = descriptor.get("constraints", {})
    if constraints is None:
        constraints = {}
    if not isinstance(constraints, dict):
        raise SchemaError(f"{where}: field {name!r}: constraints must be a mapping, got {constraints!r}")
    for key, value in constraints.items():
        _check_constraint(name, ftype, key, value, where)
    _check_reading(descriptor, f"{where}: field {name!r}")
    if "missingValues" in descriptor:
        missing_values(descriptor["missingValues"], f"{where}: field {name!r}")
    item = descriptor.get("arrayItem")
    if item is not None and (ftype != "array" or not isinstance(item, dict)):
        raise SchemaError(f"{where}: field {name!r}: arrayItem is a field mapping, on an array field only")


def _check_reading(descriptor: dict, here: str) -> None:
    """trueValues, falseValues, groupChar, decimalChar, bareNumber: the kinds of value they take."""
    for key in ("trueValues", "falseValues"):
        values = descriptor.get(key)
        if values is not None and not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
            raise SchemaError(f"{here}: {key} must be a list of text values, got {values!r}")
    for key in ("groupChar", "decimalChar"):
        if key in descriptor and not isinstance(descriptor[key], str):
            raise SchemaError(f"{here}: {key} must be text")
    if "bareNumber" in descriptor and not isinstance(descriptor["bareNumber"], bool):
        raise SchemaError(f"{here}: bareNumber must be true or false")


def _check_constraint(name: str, ftype: str, key: str, value: Any, where: str) -> None:
    here = f"{where}: field {name!r}: constraint {key!r}"
    if key not in ALWAYS and key not in SUPPORTED.get(ftype, []):
        raise SchemaError(f"{here} is not supported by type {ftype!r}")
    if key in ("required", "unique") and not isinstance(value, bool):
        raise SchemaError(f"{here} must be true or false, got {value!r}")
    if key in _LENGTH and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise SchemaError(f"{here} must be a whole number >= 0, got {value!r}")
    if key == "pattern" and not isinstance(value, str):
        raise SchemaError(f"{here} must be a regular expression (text), got {value!r}")
    if key == "enum" and (not isinstance(value, list) or not value):
        raise SchemaError(f"{here} must be a non-empty list, got {value!r}")
    if key in _RANGE and (isinstance(value, (bool, list, dict)) or value is None):
        raise SchemaError(f"{here} must be a value of the field's type, got {value!r}")


def check_keys(descriptor: dict, names: list[str], where: str) -> None:
    """primaryKey, uniqueKeys and foreignKeys: shapes, known fields, matching counts."""
    if "primaryKey" in descriptor:
        pk = _names(descriptor["primaryKey"])
        if pk is None:
            raise SchemaError(f"{where}: primaryKey must be a field name or a list of them")
        _known(pk, names, where, "primaryKey")
    uniques = descriptor.get("uniqueKeys", []) or []
    if not isinstance(uniques, list):
        raise SchemaError(f"{where}: uniqueKeys must be a list of field lists")
    for key in uniques:
        if _names(key) is None:
            raise SchemaError(f"{where}: uniqueKeys must be a list of field lists, got {key!r}")
        _known(_names(key), names, where, "uniqueKeys")
    fks = descriptor.get("foreignKeys", []) or []
    if not isinstance(fks, list):
        raise SchemaError(f"{where}: foreignKeys must be a list")
    for n, fk in enumerate(fks, start=1):
        _check_foreign_key(fk, names, f"{where}: foreign key {n}")


def _check_foreign_key(fk: Any, names: list[str], where: str) -> None:
    if not isinstance(fk, dict) or _names(fk.get("fields")) is None:
        raise SchemaError(f"{where}: needs 'fields' (a field name or a list of them)")
    fields = _names(fk["fields"])
    _known(fields, names, where, "fields")
    ref = fk.get("reference")
    if not isinstance(ref, dict):
        raise SchemaError(f"{where}: needs a 'reference' with 'fields' (and 'resource', empty for this table)")
    ref_fields = _names(ref.get("fields"))
    if ref_fields is None:
        raise SchemaError(f"{where}: reference needs 'fields' (a field name or a list of them)")
    if len(fields) != len(ref_fields):
        raise SchemaError(
            f"{where}: {len(fields)} field(s) {fields} refer to {len(ref_fields)} field(s) {ref_fields}; "
            "give as many reference fields, in the same order"
        )
    if "resource" in ref and not isinstance(ref["resource"], str):
        raise SchemaError(f"{where}: reference resource must be a resource name (text)")


def _known(key: list[str], names: list[str], where: str, what: str) -> None:
    unknown = [k for k in key if k not in names]
    if unknown:
        raise SchemaError(f"{where}: {what} names unknown fields: {', '.join(unknown)}")
