"""frictionless-py's own validation tests, ported case by case (see tests/fixtures/frictionless/README.md).

Each case is a fixture file, a Table Schema (and dialect), and the errors the
reference's test expects as ``(row, field number, code)``, written as in
``report.flatten(["rowNumber", "fieldNumber", "type"])``. hmipdata's report
is flattened the same way: header errors have no row, row-level errors
(blank-row, primary-key, foreign-key) no field number. Differences that are
deliberate are listed in docs/scaling.md ("Differences from frictionless").
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hmipdata.checker.schema import parse_schema
from hmipdata.checker.validate import validate_file

FIXTURES = Path(__file__).parent / "fixtures" / "frictionless"
HEADER_CODES = {"blank-label", "duplicate-label", "incorrect-label", "missing-label", "extra-label"}
ROW_CODES = {"blank-row", "primary-key", "foreign-key"}


def flatten(report) -> list[tuple]:
    """hmipdata's issues as frictionless' ``(rowNumber, fieldNumber, type)``, sorted."""
    out = []
    for group in report.groups:
        assert group.count == len(group.examples), group  # limit=None keeps every example
        for issue in group.examples:
            row = None if issue.code in HEADER_CODES else issue.row
            number = None if issue.code in ROW_CODES else issue.column_number
            out.append((row, number, issue.code))
    return sorted(out, key=repr)


def _expected(errors) -> list[tuple]:
    return sorted((tuple(e) for e in errors), key=repr)


@dataclass(frozen=True)
class Case:
    """One ported test: the reference's test name, its data, schema and expected errors."""

    name: str
    data: str  # a file under tests/fixtures/frictionless/, or inline CSV text
    schema: dict | str
    errors: list = field(default_factory=list)
    dialect: dict | None = None
    ours: list | None = None  # a documented difference (docs/scaling.md): what hmipdata reports instead
    reason: str = ""

    def schema_dict(self) -> dict:
        if isinstance(self.schema, str):
            return json.loads((FIXTURES / self.schema).read_text(encoding="utf-8"))
        return self.schema


def fields(*spec: str, **extra) -> dict:
    """A schema from ``"name:type"`` strings (type defaults to string)."""
    out = []
    for item in spec:
        name, _, kind = item.partition(":")
        out.append({"name": name, "type": kind or "string"})
    return {"fields": out, **extra}


def inline(rows: list[list]) -> str:
    """Inline data of a reference test (``TableResource(data=...)``), written as the CSV it stands for."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return buf.getvalue()


@pytest.fixture(params=["fast path", "full path"])
def engine_path(request, monkeypatch) -> str:
    """Each case with the fast path first (hmipdata/checker/fastpath.py), and with the full checks only."""
    from hmipdata.checker import validate

    monkeypatch.setattr(validate, "FAST_PATH", request.param == "fast path")
    return request.param


def run(case: Case, tmp_path: Path):
    path = FIXTURES / case.data if "\n" not in case.data else tmp_path / "data.csv"
    if "\n" in case.data:
        path.write_text(case.data, encoding="utf-8")
    schema = dict(case.schema_dict())
    if case.dialect is not None:
        return validate_file(path, parse_schema(schema), limit=None, dialect=case.dialect)
    return validate_file(path, parse_schema(schema), limit=None)


# --- frictionless/resource/__spec__/test_validate.py -------------------------------------------------------
RESOURCE = [
    Case("test_resource_validate", "table.csv", fields("id:integer", "name")),
    Case(
        "test_resource_validate_invalid_table",
        "invalid.csv",
        fields("id:integer", "name", "field3:integer", "name2:integer"),
        [
            [None, 3, "blank-label"],
            [None, 4, "duplicate-label"],
            [2, 3, "missing-cell"],
            [2, 4, "missing-cell"],
            [3, 3, "missing-cell"],
            [3, 4, "missing-cell"],
            [4, None, "blank-row"],
            [5, 5, "extra-cell"],
        ],
    ),
    Case("test_resource_validate_resource_with_schema_as_string", "table.csv", "schema.json"),
    Case(
        "test_resource_validate_blank_headers",
        "blank-headers.csv",
        fields("id:integer", "field2", "age:integer"),
        [[None, 2, "blank-label"]],
    ),
    Case(
        "test_resource_validate_duplicate_headers",
        "duplicate-headers.csv",
        fields("id:integer", "name", "id2:integer", "age:integer", "id3:integer"),
        [[None, 3, "duplicate-label"], [None, 5, "duplicate-label"]],
    ),
    Case(
        "test_resource_validate_defective_rows",
        "defective-rows.csv",
        fields("id:integer", "name", "age:integer"),
        [[2, 3, "missing-cell"], [3, 4, "extra-cell"]],
    ),
    Case(
        "test_resource_validate_blank_rows",
        "blank-rows.csv",
        fields("id:integer", "name", "age:integer"),
        [[4, None, "blank-row"]],
    ),
    Case(
        "test_resource_validate_blank_rows_multiple",
        "blank-rows-multiple.csv",
        fields("id:integer", "name", "age:integer"),
        [[n, None, "blank-row"] for n in range(4, 15)],
    ),
    Case("test_resource_validate_blank_cell_not_required", "blank-cells.csv", fields("id:integer", "name")),
    Case("test_resource_validate_no_rows", "without-rows.csv", fields("id:any", "name:any")),
    Case(
        "test_resource_validate_structure_errors_with_limit_errors",
        "structure-errors.csv",
        fields("id:integer", "name", "age:integer"),
        [[4, None, "blank-row"], [5, 4, "extra-cell"], [5, 5, "extra-cell"], [5, 6, "extra-cell"]],
    ),
    Case(
        "test_resource_validate_infer_fields_issue_225",
        inline([["name1", "name2"], ["123", None], ["456", None], ["789"]]),
        fields("name1:integer", "name2:any"),
        [[4, 2, "missing-cell"]],
    ),
    Case(
        "test_resource_validate_wide_table_with_order_fields_issue_277",
        "issue-277.csv",
        "issue-277.json",
        [[49, 50, "constraint-error"], [68, 50, "constraint-error"], [69, 50, "constraint-error"]],
    ),
    Case(
        "test_resource_validate_resource_none_is_not_iterable_enum_constraint_issue_833",
        "issue-833.csv",
        "issue-833.json",
    ),
    Case(
        "test_resource_validate_detector_headers_errors (fieldsMatch: partial)",
        inline(
            [
                ["id", "last_name", "first_name", "language"],
                [1, "Alex", "John", "English"],
                [2, "Peters", "John", "Afrikaans"],
                [3, "Smith", "Paul", None],
            ]
        ),
        {
            "fields": [
                {"name": "id", "type": "number"},
                {"name": "language", "type": "string", "constraints": {"required": True}},
                {"name": "country", "type": "string"},
            ],
            "fieldsMatch": "partial",
        },
        [[4, 4, "constraint-error"]],
    ),
    Case(
        "test_resource_validate_detector_sync_schema (fieldsMatch: equal)",
        "sync-schema.csv",
        {**fields("id:integer", "name"), "fieldsMatch": "equal"},
    ),
    Case(
        "test_resource_validate_detector_patch_schema",
        "table.csv",
        fields("id:integer", "name", missingValues=["-"]),
    ),
    Case("test_resource_validate_detector_infer_type_string", "table.csv", fields("id", "name")),
    Case("test_resource_validate_detector_infer_type_any", "table.csv", fields("id:any", "name:any")),
    Case(
        "test_resource_validate_detector_infer_names",
        "without-headers.csv",
        fields("id:integer", "name"),
        dialect={"header": False},
    ),
    Case("test_resource_validate_encoding", "table.csv", fields("id:integer", "name"), dialect={"encoding": "utf-8"}),
]

# --- frictionless/resource/__spec__/test_validate_schema.py ------------------------------------------------
SCORES = [["row", "score"], [2, 1], [3, 2], [4, 3], [5, 4], [6]]
WORDS = [["row", "word"], [2, "a"], [3, "ab"], [4, "abc"], [5, "abcd"], [6]]


def _one_constraint(kind: str, name: str, constraint: dict) -> dict:
    return {"fields": [{"name": "row", "type": "integer"}, {"name": name, "type": kind, "constraints": constraint}]}


SCHEMA = [
    Case(
        "test_resource_validate_schema_extra_headers_and_cells",
        "table.csv",
        fields("id:integer"),
        [[None, 2, "extra-label"], [2, 2, "extra-cell"], [3, 2, "extra-cell"]],
    ),
    Case(
        "test_resource_validate_schema_multiple_errors",
        "schema-errors.csv",
        "schema-valid.json",
        # the reference's test picks row errors and stops at 3; this is its full report (frictionless 5.21)
        [
            [4, 1, "type-error"],
            [4, 2, "constraint-error"],
            [4, 3, "constraint-error"],
            [4, None, "primary-key"],
            [5, 1, "constraint-error"],
            [5, 4, "extra-cell"],
            [5, 5, "extra-cell"],
            [5, 6, "extra-cell"],
            [5, None, "primary-key"],
        ],
        ours=[
            [4, 1, "type-error"],
            [4, 2, "constraint-error"],
            [4, 3, "constraint-error"],
            [4, None, "primary-key"],
            [5, 4, "extra-cell"],
            [5, 5, "extra-cell"],
            [5, 6, "extra-cell"],
        ],
        reason="A ragged row is reported cell by cell; its other cells are not checked",
    ),
    Case(
        "test_resource_validate_schema_min_length_constraint",
        inline(WORDS),
        _one_constraint("string", "word", {"minLength": 2}),
        [[2, 2, "constraint-error"], [6, 2, "missing-cell"]],
    ),
    Case(
        "test_resource_validate_schema_max_length_constraint",
        inline(WORDS),
        _one_constraint("string", "word", {"maxLength": 2}),
        [[4, 2, "constraint-error"], [5, 2, "constraint-error"], [6, 2, "missing-cell"]],
    ),
    Case(
        "test_resource_validate_schema_minimum_constraint",
        inline(SCORES),
        _one_constraint("integer", "score", {"minimum": 2}),
        [[2, 2, "constraint-error"], [6, 2, "missing-cell"]],
    ),
    Case(
        "test_resource_validate_schema_maximum_constraint",
        inline(SCORES),
        _one_constraint("integer", "score", {"maximum": 2}),
        [[4, 2, "constraint-error"], [5, 2, "constraint-error"], [6, 2, "missing-cell"]],
    ),
    Case(
        "test_resource_validate_schema_foreign_key_error_self_referencing",
        "nested.csv",
        {
            **fields("id:integer", "cat:integer", "name"),
            "foreignKeys": [{"fields": "cat", "reference": {"resource": "", "fields": "id"}}],
        },
    ),
    Case(
        "test_resource_validate_schema_foreign_key_error_self_referencing_invalid",
        "nested-invalid.csv",
        {
            **fields("id:integer", "cat:integer", "name"),
            "foreignKeys": [{"fields": "cat", "reference": {"resource": "", "fields": "id"}}],
        },
        [[6, None, "foreign-key"]],
    ),
    Case(
        "test_resource_validate_schema_primary_key_and_unique_error",
        "unique-field.csv",
        "unique-field.json",
        [[10, 1, "unique-error"], [10, None, "primary-key"]],
    ),
    Case(
        "test_resource_validate_schema_unique_error_and_type_error",
        inline([["id", "unique_number"], ["a1", 100], ["a2", "bad"], ["a3", 100], ["a4", 0], ["a5", 0]]),
        {"fields": [{"name": "id"}, {"name": "unique_number", "type": "number", "constraints": {"unique": True}}]},
        [[3, 2, "type-error"], [4, 2, "unique-error"], [6, 2, "unique-error"]],
    ),
    Case(
        "test_resource_validate_schema_primary_key_error_composite",
        inline([["id", "name"], [1, "Alex"], [1, "John"], ["", "Paul"], [1, "John"], ["", None]]),
        {**fields("id:integer", "name"), "primaryKey": ["id", "name"]},
        [[5, None, "primary-key"], [6, None, "blank-row"], [6, None, "primary-key"]],
        ours=[[4, None, "primary-key"], [5, None, "primary-key"], [6, None, "blank-row"], [6, None, "primary-key"]],
        reason="A primary key with any blank part is an error",
    ),
    Case(
        "test_resource_validate_less_actual_fields_with_required_constraint_issue_950",
        "table.csv",
        {
            "fields": [
                {"name": "id", "type": "integer"},
                {"name": "name", "type": "string"},
                {"name": "bad", "type": "any", "constraints": {"required": True}},
            ]
        },
        [
            [None, 3, "missing-label"],
            [2, 3, "constraint-error"],
            [2, 3, "missing-cell"],
            [3, 3, "constraint-error"],
            [3, 3, "missing-cell"],
        ],
    ),
]

# fieldsMatch (the same file's parametrized tests): data ``name,id`` / ``english,1``.
REORDERED = inline([["name", "id"], ["english", "1"]])
FIELDS_MATCH = [
    ("reordered", ["id", "name"], "exact", [[None, 1, "incorrect-label"], [None, 2, "incorrect-label"]]),
    ("reordered", ["id", "name"], "equal", []),
    ("reordered", ["id", "name"], "subset", []),
    ("reordered", ["id", "name"], "superset", []),
    ("reordered", ["id", "name"], "partial", []),
    ("extra_label", ["name"], "exact", [[None, 2, "extra-label"], [2, 2, "extra-cell"]]),
    ("extra_label", ["name"], "equal", [[None, 2, "extra-label"]]),
    ("extra_label", ["name"], "superset", [[None, 2, "extra-label"]]),
    ("extra_label", ["name"], "subset", []),
    ("extra_label", ["name"], "partial", []),
    ("missing_field", ["name", "id", "extra"], "exact", [[None, 3, "missing-label"], [2, 3, "missing-cell"]]),
    ("missing_field", ["name", "id", "extra"], "equal", [[None, 3, "missing-label"]]),
    ("missing_field", ["name", "id", "extra"], "subset", [[None, 3, "missing-label"]]),
    ("missing_field", ["name", "id", "extra"], "superset", []),
    ("missing_field", ["name", "id", "extra"], "partial", []),
]
SCHEMA += [
    Case(
        f"test_resource_validate_fields_match_{what}[{mode}]",
        REORDERED,
        {"fields": [{"name": n, "type": "string"} for n in names], "fieldsMatch": mode},
        errors,
    )
    for what, names, mode, errors in FIELDS_MATCH
]

# --- frictionless/resource/__spec__/test_validate_dialect.py and formats/csv/__spec__/test_parser.py ------
DIALECT = [
    Case(
        "test_resource_validate_dialect_delimiter",
        "delimiter.csv",
        fields("id:integer", "name"),
        dialect={"delimiter": ";"},
    ),
    Case(
        "test_resource_validate_dialect_header_false",
        "without-headers.csv",
        fields("field1:integer", "field2"),
        dialect={"header": False},
    ),
    Case(
        "test_resource_validate_dialect_none_extra_cell",
        "without-headers-extra.csv",
        fields("field1:integer", "field2"),
        [[3, 3, "extra-cell"]],
        dialect={"header": False},
    ),
    Case(
        "test_resource_validate_dialect_number",
        "matrix.csv",
        fields("11:integer", "12:integer", "13:integer", "14:integer"),
        dialect={"headerRows": [2]},
    ),
    Case(
        "test_resource_validate_dialect_list_of_numbers",
        "matrix.csv",
        fields("11 21 31:integer", "12 22 32:integer", "13 23 33:integer", "14 24 34:integer"),
        dialect={"headerRows": [2, 3, 4]},
    ),
    Case(
        "test_resource_validate_dialect_list_of_numbers_and_headers_join",
        "matrix.csv",
        fields("11.21.31:integer", "12.22.32:integer", "13.23.33:integer", "14.24.34:integer"),
        dialect={"headerRows": [2, 3, 4], "headerJoin": "."},
    ),
    Case(
        "test_resource_validate_dialect_skip_rows",
        "matrix.csv",
        fields("f1:integer", "f2:integer", "f3:integer", "f4:integer"),
        dialect={"commentChar": "41", "commentRows": [2]},
    ),
    Case("test_csv_parser_with_bom", "bom.csv", fields("id:integer", "name")),
    Case(
        "test_csv_parser_escaping (values checked by enum)",
        "escaping.csv",
        {
            "fields": [
                {"name": "ID", "type": "integer"},
                {"name": "Test", "constraints": {"enum": ["Test line 1", 'Test " line 2', 'Test " line 3']}},
            ]
        },
        dialect={"escapeChar": "\\", "skipInitialSpace": True},
    ),
    Case(
        "test_csv_parser_delimiter (values checked by enum)",
        '"header1";"header2"\n"value1";"value2"\n"value3";"value4"\n',
        {
            "fields": [
                {"name": "header1", "constraints": {"enum": ["value1", "value3"]}},
                {"name": "header2", "constraints": {"enum": ["value2", "value4"]}},
            ]
        },
        dialect={"delimiter": ";"},
    ),
    Case(
        "test_csv_parser_quotechar (values checked by enum)",
        "%header1,header2%\n%value1,value2%\n%value3,value4%\n",
        {"fields": [{"name": "header1,header2", "constraints": {"enum": ["value1,value2", "value3,value4"]}}]},
        dialect={"quoteChar": "%"},
    ),
    Case(
        "test_csv_parser_escapechar (values checked by enum)",
        "header1%,header2\nvalue1%,value2\nvalue3%,value4\n",
        {"fields": [{"name": "header1,header2", "constraints": {"enum": ["value1,value2", "value3,value4"]}}]},
        dialect={"escapeChar": "%"},
    ),
    Case(
        "test_csv_parser_excel_tab (delimiter tab)",
        "header1\theader2\nvalue1\tvalue2\nvalue3\tvalue4\n",
        fields("header1", "header2"),
        dialect={"delimiter": "\t"},
    ),
    Case(
        "test_resource_validate_encoding_invalid",
        "latin1.csv",
        fields("id:integer", "name"),
        [[None, None, "encoding-error"]],
        ours=[[3, None, "encoding-error"]],
        reason="An encoding error names its line",
    ),
    Case(
        "latin1.csv read with its declared encoding",
        "latin1.csv",
        fields("id:integer", "name"),
        dialect={"encoding": "latin-1"},
    ),
]

CASES = RESOURCE + SCHEMA + DIALECT


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_reference_case(case: Case, tmp_path: Path, engine_path: str) -> None:
    expected = case.errors if case.ours is None else case.ours
    assert flatten(run(case, tmp_path)) == _expected(expected)


def test_differences_are_documented() -> None:
    """Every case where hmipdata differs from the reference names its reason, and the docs list it."""
    docs = (Path(__file__).parent.parent / "docs" / "scaling.md").read_text(encoding="utf-8")
    for case in CASES:
        if case.ours is not None:
            assert case.reason and case.reason in docs, case.name


# --- frictionless/fields/__spec__/test_*.py: every read_cell case whose source is text -------------------
# An empty cell is a missing value (a one-column row of it is a blank row): not a reading case.
READ_CELL = [c for c in json.loads((FIXTURES / "read_cell.json").read_text(encoding="utf-8")) if c["cell"] != ""]


def _cell_id(c: dict) -> str:
    return f"{c['type']}-{c['format']}-{c['cell']!r}-{json.dumps(c['options'], sort_keys=True)}"


@pytest.mark.parametrize("cell", READ_CELL, ids=[_cell_id(c) for c in READ_CELL])
def test_reference_read_cell(cell: dict, tmp_path: Path) -> None:
    """A one-column file holding the cell: a type-error at line 2 exactly when frictionless does not read it."""
    path = tmp_path / "cell.csv"
    path.write_text(inline([["name"], [cell["cell"]]]), encoding="utf-8")
    descriptor = {"name": "name", "type": cell["type"], "format": cell["format"], **cell["options"]}
    report = validate_file(path, parse_schema({"fields": [descriptor]}), limit=None)
    expected = [] if cell["valid"] or cell["cell"] == "" else [(2, 1, "type-error")]
    assert flatten(report) == expected


# --- frictionless/schema/__spec__/test_general.py, test_validate.py, fields/__spec__: schemas refused ---------
INVALID_SCHEMAS = [
    ("test_schema_metadata_not_valid[empty]", "schema-invalid-empty.json", "fields"),
    ("test_schema_metadata_not_valid[pk-string]", "schema-invalid-pk-string.json", "identifier"),
    ("test_schema_metadata_not_valid[pk-array]", "schema-invalid-pk-array.json", "titel"),
    ("test_schema_metadata_not_valid[fk-string]", "schema-invalid-fk-string.json", "doesnotexist"),
    ("test_schema_metadata_not_valid[fk-no-reference]", "schema-invalid-fk-no-reference.json", "reference"),
    ("test_schema_metadata_not_valid[fk-array]", "schema-invalid-fk-array.json", "title"),
    ("test_schema_metadata_not_valid[fk-string-array-ref]", "schema-invalid-fk-string-array-ref.json", "refer to 2"),
    ("test_schema_metadata_not_valid[fk-array-string-ref]", "schema-invalid-fk-array-string-ref.json", "refer to 1"),
    ("schema-invalid-fk-array-string.json", "schema-invalid-fk-array-string.json", "refer to 2"),
    ("schema-invalid-fk-array-wrong-number.json", "schema-invalid-fk-array-wrong-number.json", "refer to 3"),
    ("test_schema_metadata_not_valid_multiple_errors", "schema-invalid-multiple-errors.json", "magical_unicorn"),
    ("test_schema_metadata_not_valid_multiple_errors_with_pk", "schema-invalid-pk-is-wrong-type.json", "fields"),
    ("schema-invalid-pk-no-fields.json", "schema-invalid-pk-no-fields.json", "fields"),
    ("schema-invalid-wrong-type.json", "schema-invalid-wrong-type.json", "mapping"),
    ("test_validate_required_invalid", "schema-invalid.json", "constraints"),
]
INVALID_DESCRIPTORS = [
    ("test_validate_invalid", {"fields": "bad"}, "fields"),
    ("test_schema_metadata_error_message", {"fields": [{"name": "name", "type": "other"}]}, "other"),
    (
        "test_schema_metadata_error_bad_schema_format",
        {"fields": [{"name": "name", "type": "boolean", "format": {"trueValues": "Yes", "falseValues": "No"}}]},
        "format",
    ),
    (
        "test_validate_missing_values_uniqueness[duplicate-value]",
        {
            "fields": [{"name": "name"}],
            "missingValues": [{"value": "-99", "label": "A"}, {"value": "-99", "label": "B"}],
        },
        "'-99' is not unique",
    ),
    (
        "test_validate_missing_values_uniqueness[duplicate-label]",
        {"fields": [{"name": "name"}], "missingValues": [{"value": "-99", "label": "R"}, {"value": "", "label": "R"}]},
        "'R' is not unique",
    ),
    (
        "constraint not supported by the type (frictionless field.py metadata_validate)",
        {"fields": [{"name": "n", "type": "integer", "constraints": {"minLength": 1}}]},
        "not supported by type 'integer'",
    ),
    (
        "constraint of the wrong kind",
        {"fields": [{"name": "s", "constraints": {"maxLength": "ten"}}]},
        "whole number",
    ),
    ("fieldsMatch not one of the five", {"fields": [{"name": "a"}], "fieldsMatch": "loose"}, "fieldsMatch"),
]
VALID_SCHEMAS = [
    "schema-valid-simple.json",
    "schema-valid-full.json",
    "schema-valid-pk-array.json",
    "schema-valid-fk-array.json",
    "schema-valid-pk.json",
]


@pytest.mark.parametrize("name, path, words", INVALID_SCHEMAS, ids=[c[0] for c in INVALID_SCHEMAS])
def test_reference_invalid_schema_file(name: str, path: str, words: str) -> None:
    from hmipdata.checker.errors import SchemaError
    from hmipdata.checker.schema import load_schema

    with pytest.raises(SchemaError, match=re.escape(words)):
        load_schema(FIXTURES / path)


@pytest.mark.parametrize("name, descriptor, words", INVALID_DESCRIPTORS, ids=[c[0] for c in INVALID_DESCRIPTORS])
def test_reference_invalid_schema(name: str, descriptor: dict, words: str) -> None:
    from hmipdata.checker.errors import SchemaError

    with pytest.raises(SchemaError, match=re.escape(words)):
        parse_schema(descriptor)


@pytest.mark.parametrize("path", VALID_SCHEMAS)
def test_reference_valid_schema(path: str) -> None:
    """test_schema_metadata_valid: accepted, including foreign keys to a resource of another package."""
    from hmipdata.checker.schema import load_schema

    assert load_schema(FIXTURES / path).fields


def test_object_missing_values_are_missing(tmp_path: Path) -> None:
    """test_schema_read_cells_object_missing_values: v2 ``{value, label}`` missing values read as missing."""
    path = tmp_path / "data.csv"
    path.write_text("name,age\n-99,5\nAlex,-99\nBob,\n", encoding="utf-8")
    missing = [{"value": "", "label": "OMITTED"}, {"value": "-99", "label": "REFUSED"}]
    schema = {**fields("name", "age:integer"), "missingValues": missing}
    schema["fields"][1]["constraints"] = {"minimum": 0}
    assert flatten(validate_file(path, parse_schema(schema), limit=None)) == []


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hmipdata.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_refused_schema_exits_2_with_a_message(fmt: str) -> None:
    """A schema mistake is a declaration error (exit 2), said in one line, and as a report in JSON."""
    result = _cli(
        "validate", str(FIXTURES / "table.csv"), "--schema", str(FIXTURES / "schema-invalid.json"), "--format", fmt
    )
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert "'required' goes under 'constraints'" in result.stderr
    if fmt == "json":
        report = json.loads(result.stdout)
        assert report["valid"] is False
        assert report["groups"][0]["code"] == "schema-error"


# --- Beyond the reference's suite: inputs issue 17 lists ---------------------------------------------------
def test_mixed_line_endings_are_read(tmp_path: Path) -> None:
    """CRLF and LF in one file (DuckDB's reader stops on it): every record read, bad cells on their lines."""
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"a,b\r\n1,2\r\n3,x\n5,6\r\n7,y\n")
    report = validate_file(path, parse_schema(fields("a:integer", "b:integer")), limit=None)
    assert flatten(report) == [(3, 2, "type-error"), (5, 2, "type-error")]


def test_ten_thousand_columns(tmp_path: Path) -> None:
    """A file of 10,000 columns is checked in long form (hmipdata/checker/wide.py): a bad cell found at its line and column."""
    width = 10_000
    rows = [[f"c{i}" for i in range(width)]] + [[str(r + i) for i in range(width)] for r in range(20)]
    rows[7][9_876] = "seven"
    path = tmp_path / "wide.csv"
    path.write_text(inline(rows), encoding="utf-8")
    schema = {"fields": [{"name": f"c{i}", "type": "integer"} for i in range(width)], "primaryKey": ["c0"]}
    assert flatten(validate_file(path, parse_schema(schema), limit=None)) == [(8, 9_877, "type-error")]
