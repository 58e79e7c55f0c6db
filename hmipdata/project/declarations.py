"""Check the project's declarations against the model, reporting every problem with its file and line.

Each YAML file is read with the line of every key (:mod:`hmipdata.project.yamllines`),
validated by the typed model (:mod:`hmipdata.project.declaration_model`), then by the
rules that look at more than one value (:mod:`hmipdata.project.declaration_rules`).
Every problem is a ``schema-error`` issue such as::

    schemas/caseloads/caseloads.yaml:12: [schema-error] unknown key 'contraints' in field
    'average_caseload' (did you mean 'constraints'?)
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from hmipdata.checker.errors import Issue, Report
from hmipdata.project.checks import KINDS
from hmipdata.project.yamllines import Document, Path_, YamlProblem, read_document

LABELS = {
    "fields": "field",
    "foreignKeys": "foreign key",
    "uniqueKeys": "unique key",
    "checks": "check",
    "licenses": "licence",
    "contributors": "contributor",
}
EXPECTED = {
    "string_type": ("a string", "put the text in quotes"),
    "bool_type": ("true or false", "write true or false, without quotes"),
    "int_type": ("a whole number", "write a whole number without quotes, e.g. 12"),
    "float_type": ("a number", "write a number without quotes, e.g. 12.5"),
    "list_type": ("a list", "write a list: [a, b], or one '- item' per line"),
    "dict_type": ("a mapping", "write 'key: value' lines under it, indented"),
    "model_type": ("a mapping", "write 'key: value' lines under it, indented"),
    "model_attributes_type": ("a mapping", "write 'key: value' lines under it, indented"),
    "greater_than_equal": ("zero or more", "write a whole number of 0 or more"),
}
REQUIRED_HINTS = {
    "name": "add name: a lowercase snake_case name",
    "id": "add id: a name unique across the package, e.g. caseloads-totals",
    "kind": f"add kind: one of {', '.join(KINDS)}",
    "schema": "add schema: with its fields",
    "fields": "add fields: with one '- name: ...' item per column",
    "version": "add version: as MAJOR.MINOR.PATCH, e.g. 1.0.0",
    "description": "add description: one line saying what the check verifies",
}


def did_you_mean(word: object, choices: list[str] | tuple[str, ...] | set[str], what: str = "") -> str:
    """A hint naming the closest of ``choices`` (difflib), else listing them."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    shown = ", ".join(sorted(choices))
    return f"use one of: {shown}" if not what else f"{what}: {shown}"


def describe(doc: Document, path: Path_) -> str:
    """Words for the place ``path`` names: ``constraints of field 'x'``, ``check 'y'``."""
    node: Any = doc.data
    parts: list[str] = []
    i = 0
    while i < len(path):
        key = path[i]
        node = _child(node, key)
        if key in LABELS and i + 1 < len(path) and isinstance(path[i + 1], int):
            item = _child(node, path[i + 1])
            named = item.get("name", item.get("id")) if isinstance(item, dict) else None
            label = LABELS[str(key)]
            parts.append(f"{label} {named!r}" if isinstance(named, str) else f"{label} #{int(path[i + 1]) + 1}")
            node, i = item, i + 2
            continue
        parts.append(f"item #{key + 1}" if isinstance(key, int) else str(key))
        i += 1
    parts = [p for j, p in enumerate(parts) if not (p == "schema" and j < len(parts) - 1)]
    if not parts:
        return "the package" if doc.label.endswith("package.yaml") else "the table declaration"
    return " of ".join(reversed(parts))


def _child(node: Any, key: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return node[key]
    return None


def issue(doc: Document, path: Path_, message: str, hint: str) -> Issue:
    """A ``schema-error`` at the line of ``path`` in ``doc``."""
    return Issue("schema-error", message, path=doc.label, row=doc.line(path), column_number=doc.column(path), hint=hint)


def _data_path(doc: Document, loc: tuple) -> tuple[Path_, tuple]:
    """Split a pydantic error location into the data path it reaches and what is left.

    Drops the tag pydantic inserts after a list index for a discriminated union (the check's kind).
    """
    node, path, rest = doc.data, [], list(loc)
    tagged = False
    while rest:
        part = rest[0]
        if not tagged and path and isinstance(path[-1], int) and isinstance(node, dict) and node.get("kind") == part:
            rest.pop(0)
            tagged = True
            continue
        if (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int)):
            node = _child(node, part)
            path.append(rest.pop(0))
            continue
        break
    return tuple(path), tuple(rest)


@cache
def _json_schema(model) -> dict:
    return model.model_json_schema(by_alias=True)


def _resolve(schema: dict, node: dict, value: Any) -> dict:
    defs = schema.get("$defs", {})
    for _ in range(10):
        if "$ref" in node:
            node = defs[node["$ref"].split("/")[-1]]
        elif "oneOf" in node or "anyOf" in node:
            options = node.get("oneOf") or node.get("anyOf")
            mapping = node.get("discriminator", {}).get("mapping", {})
            if isinstance(value, dict) and value.get("kind") in mapping:
                node = defs[mapping[value["kind"]].split("/")[-1]]
            else:
                node = next((o for o in options if o.get("type") != "null"), {})
        else:
            break
    return node


def allowed_keys(model, doc: Document, path: Path_) -> list[str]:
    """The keys the model allows in the mapping at ``path``."""
    schema = _json_schema(model)
    node, value = _resolve(schema, schema, doc.data), doc.data
    for part in path:
        node = node.get("items", {}) if isinstance(part, int) else node.get("properties", {}).get(part, {})
        value = _child(value, part)
        node = _resolve(schema, node, value)
    return list(node.get("properties", {}))


def _model_issue(model, doc: Document, error: dict) -> Issue:
    path, rest = _data_path(doc, error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        parent, key = path[:-1], path[-1]
        hint = did_you_mean(key, allowed_keys(model, doc, parent), "allowed keys")
        return issue(doc, path, f"unknown key {key!r} in {describe(doc, parent)}", hint)
    if kind == "missing":
        key = str(rest[-1]) if rest else "?"
        hint = _parameter_hint(doc, path, key) or REQUIRED_HINTS.get(key, f"add {key}:")
        return issue(doc, path, f"{describe(doc, path)} lacks the required key {key!r}", hint)
    if kind == "union_tag_invalid":
        tag = error["ctx"]["tag"]
        kinds = [k.strip("'") for k in error["ctx"]["expected_tags"].split(", ")]
        return issue(
            doc,
            (*path, "kind"),
            f"unknown check kind {tag!r} in {describe(doc, path)}",
            did_you_mean(tag, kinds, "kinds"),
        )
    if kind == "union_tag_not_found":
        return issue(doc, path, f"{describe(doc, path)} has no kind", REQUIRED_HINTS["kind"])
    if kind == "literal_error":
        choices = [c.strip(" '") for c in error["ctx"]["expected"].replace(" or ", ", ").split(", ")]
        what = f"unknown {path[-1]} {error['input']!r} in {describe(doc, path[:-1])}"
        return issue(doc, path, what, did_you_mean(error["input"], choices))
    where = f"{path[-1]!r} in {describe(doc, path[:-1])}" if path and isinstance(path[-1], str) else describe(doc, path)
    if kind == "too_short":
        return issue(doc, path, f"{where} must not be empty", "give at least one item")
    expected, hint = EXPECTED.get(kind, (error["msg"].removeprefix("Input should be ").lower(), "correct the value"))
    value = error["input"]
    shown = "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else repr(value)
    return issue(doc, path, f"{where} must be {expected}, not {shown}", hint)


def _parameter_hint(doc: Document, path: Path_, key: str) -> str | None:
    """For a check lacking a parameter of its kind: ``add expression: <what its kind says it is>``."""
    node: Any = doc.data
    for part in path:
        node = _child(node, part)
    in_check = len(path) > 1 and path[-2] == "checks" and isinstance(node, dict)
    kind = KINDS.get(str(node.get("kind"))) if in_check else None
    param = kind.param(key) if kind else None
    if param is None or not param.description:
        return None
    return f"add {key}: {param.description[0].lower()}{param.description[1:].rstrip('.')}"


def check_shape(model, doc: Document) -> tuple[Any, list[Issue]]:
    """Validate ``doc`` against ``model``; returns the model instance (None if invalid) and the issues."""
    from pydantic import ValidationError

    issues = [
        Issue(
            "schema-error",
            f"key {d.path[-1]!r} appears twice in {describe(doc, d.path[:-1])} (first on line {d.first_line})",
            path=doc.label,
            row=d.line,
            hint="keep one: YAML would silently use the last",
        )
        for d in doc.duplicates
    ]
    if not isinstance(doc.data, dict):
        return None, [
            *issues,
            issue(doc, (), "expected key: value lines at the top level", "see docs/schema-format.md"),
        ]
    try:
        value = model.model_validate(doc.data)
    except ValidationError as exc:
        seen: set[tuple] = set()
        for error in exc.errors(include_url=False):
            found = _model_issue(model, doc, error)
            if (found.row, found.message) not in seen:
                seen.add((found.row, found.message))
                issues.append(found)
        return None, issues
    return (None if issues else value), issues


@dataclass
class Declarations:
    """The package and its tables, as documents and (when valid) model instances."""

    package: Document | None = None
    package_model: Any = None
    tables: list[tuple[Document, Any]] = field(default_factory=list)
    report: Report = field(default_factory=Report)


def read_declarations(root: Path, raw: bool = True) -> Declarations:
    """Read and check ``schemas/package.yaml`` and every ``schemas/<dataset>/<table>.yaml``.

    ``raw=False`` when the raw files are not needed (the site reads ``build/``): their paths need not exist.
    """
    from hmipdata.project.declaration_model import PackageDecl, TableDecl
    from hmipdata.project.declaration_rules import package_rules, project_rules, table_rules

    root = Path(root)
    out = Declarations()
    broken: set[str] = set()
    files = [root / "schemas" / "package.yaml", *sorted((root / "schemas").glob("*/*.y*ml"))]
    for number, path in enumerate(files):
        doc, problems = _document(path, str(path.relative_to(root)))
        if doc is None:
            _add(out.report, problems)
            broken.add(path.stem)  # tables are named as their files: references to it are not checked
            continue
        model, issues = check_shape(PackageDecl if number == 0 else TableDecl, doc)
        if number == 0:
            out.package, out.package_model = doc, model
            issues += list(package_rules(doc, model)) if model is not None else []
        elif model is not None:
            out.tables.append((doc, model))
            issues += list(table_rules(root, doc, model, raw))
        else:
            broken |= {path.stem, str(doc.data.get("name") if isinstance(doc.data, dict) else "")}
        _add(out.report, issues)
    _add(out.report, list(project_rules(out.tables, broken)))
    return out


def _document(path: Path, label: str) -> tuple[Document | None, list[Issue]]:
    """The file as a :class:`Document`, or the reason it cannot be read."""
    if path.is_symlink():
        return None, [
            Issue("schema-error", "schema files must not be symlinks", path=label, row=1, hint="copy the file")
        ]
    try:
        return read_document(path, label), []
    except YamlProblem as exc:
        return None, [Issue("schema-error", str(exc), path=label, row=exc.line, hint="correct the YAML syntax")]


def _add(report: Report, issues: list[Issue]) -> None:
    """Add ``issues`` in the order of their files and lines."""
    for found in sorted(issues, key=lambda i: (i.path, i.row or 0)):
        report.add(found)
