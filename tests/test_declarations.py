"""Each mistake in a declaration under schemas/ is reported as ``file:line: [schema-error] ... (hint)``, exit 2.

The cases break a small fixture project (tests/fixtures/declarations/, added to
a copy of the repository) one way at a time; none may pass silently or end in
a traceback.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from hmipdata.project.declaration_model import JSON_SCHEMAS, json_schema_text
from tests.conftest import FIXTURES, ROOT, hmipdata

DECL = FIXTURES / "declarations"
FILES = {
    "sample": "schemas/decl/decl_sample.yaml",
    "groups": "schemas/decl/decl_groups.yaml",
    "totals": "schemas/decl/decl_totals.yaml",
    "package": "schemas/package.yaml",
}


@dataclass(frozen=True)
class Case:
    """Replace ``old`` by ``new`` in ``file``; the report names the line holding ``at`` (default: ``new``)."""

    id: str
    file: str
    old: str
    new: str
    message: str
    hint: str
    at: str = ""


CASES = [
    # unknown keys, everywhere, with the closest allowed key
    Case("field-key", "sample", "constraints: {minimum: 0}", "contraints: {minimum: 0}",
         "unknown key 'contraints' in field 'amount'", "did you mean 'constraints'?"),
    Case("table-key", "sample", "expected_rows: 3", "expected_row: 3",
         "unknown key 'expected_row' in the table declaration", "did you mean 'expected_rows'?"),
    Case("package-key", "package", "licenses:", "licences:",
         "unknown key 'licences' in the package", "did you mean 'licenses'?"),
    Case("schema-key", "sample", "primaryKey: [sample_id]", "primarykey: [sample_id]",
         "unknown key 'primarykey' in schema", "did you mean 'primaryKey'?"),
    Case("constraint-key", "sample", "maxLength: 10", "maxLenght: 10",
         "unknown key 'maxLenght' in constraints of field 'group_id'", "did you mean 'maxLength'?"),
    Case("check-key", "sample", "description: Amounts are not negative", "descripton: Amounts are not negative",
         "unknown key 'descripton' in check 'decl-sample-positive'", "did you mean 'description'?"),
    Case("derive-key", "totals", "  sql: SELECT", "  sq: SELECT",
         "unknown key 'sq' in derive", "did you mean 'sql'?"),
    Case("foreign-key-key", "sample", "- fields: [group_id]", "- field: [group_id]",
         "unknown key 'field' in foreign key #1", "did you mean 'fields'?"),
    Case("reference-key", "sample", "{resource: decl_groups", "{resorce: decl_groups",
         "unknown key 'resorce' in reference of foreign key #1", "did you mean 'resource'?"),
    Case("display-key", "sample", "display: {decimals: 0}", "display: {decimal: 0}",
         "unknown key 'decimal' in display of field 'amount'", "did you mean 'decimals'?"),
    # wrong types
    Case("constraints-string", "sample", "constraints: {minimum: 0}", "constraints: minimum",
         "'constraints' in field 'amount' must be a mapping, not 'minimum'", "write 'key: value' lines"),
    Case("constraints-list", "sample", "constraints: {minimum: 0}", "constraints: [minimum]",
         "'constraints' in field 'amount' must be a mapping", "write 'key: value' lines"),
    Case("maxlength-word", "sample", "maxLength: 10", "maxLength: ten",
         "'maxLength' in constraints of field 'group_id' must be a whole number, not 'ten'", "write a whole number"),
    Case("minimum-word", "sample", "constraints: {minimum: 0}", "constraints: {minimum: abc}",
         "minimum 'abc' of field 'amount' is not a valid number", "write a number value"),
    Case("maximum-infinite", "sample", "constraints: {minimum: 0}", "constraints: {maximum: .inf}",
         "maximum inf of field 'amount' is not a valid number", "write a number value"),
    Case("schema-list", "totals", "schema:\n  fields:", "schema:\n  - fields:",
         "'schema' in the table declaration must be a mapping", "write 'key: value' lines", at="schema:"),
    Case("derive-string", "totals", "derive:\n  sql: SELECT", "derive: SELECT\n  # SELECT",
         "'derive' in the table declaration must be a mapping", "write 'key: value' lines", at="derive:"),
    Case("expected-rows-word", "sample", "expected_rows: 3", "expected_rows: six",
         "'expected_rows' in the table declaration must be a whole number, not 'six'", "write a whole number"),
    Case("path-number", "sample", "path: raw/decl/sample.csv", "path: 42",
         "'path' in the table declaration must be a string, not 42", "put the text in quotes"),
    Case("foreign-keys-string", "sample", "  foreignKeys:\n    - fields: [group_id]\n      reference: {resource: decl_groups, fields: [group_id]}",
         "  foreignKeys:\n    - group_id", "foreign key #1 must be a mapping, not 'group_id'", "write 'key: value' lines",
         at="- group_id"),
    Case("reference-string", "sample", "reference: {resource: decl_groups, fields: [group_id]}", "reference: decl_groups",
         "'reference' in foreign key #1 must be a mapping, not 'decl_groups'", "write 'key: value' lines"),
    Case("missing-values-number", "sample", 'missingValues: [""]', "missingValues: 5",
         "'missingValues' in schema must be a list, not 5", "write a list"),
    Case("true-values-number", "sample", "      type: boolean", "      type: boolean\n      trueValues: 1",
         "'trueValues' in field 'is_total' must be a list, not 1", "write a list", at="trueValues: 1"),
    Case("unknown-type", "sample", "type: integer", "type: integr",
         "unknown type 'integr' in field 'sample_id'", "did you mean 'integer'?"),
    # a key written twice: YAML would keep the last one silently
    Case("duplicate-key", "sample", "      unit: cases\n", "      constraints: {required: true}\n      unit: cases\n",
         "key 'constraints' appears twice in field 'amount' (first on line", "keep one", at="constraints: {minimum: 0}"),
    # constraints that do not fit the field's type
    Case("constraint-type", "sample", "constraints: {required: true}\n    - name: group_id",
         "constraints: {minLength: 1}\n    - name: group_id", "constraint 'minLength' does not apply to integer field 'sample_id'",
         "constraints for integer: required, unique, enum, minimum"),
    Case("date-bound", "sample", "      description: A date.", '      description: A date.\n      constraints: {minimum: "2020-13-01"}',
         "minimum '2020-13-01' of field 'snapshot_date' is not a valid date", 'e.g. "2020-03-01"', at="2020-13-01"),
    Case("enum-type", "sample", "constraints: {minimum: 0}", "constraints: {enum: [1, two]}",
         "enum 'two' of field 'amount' is not a valid number", "write a number value"),
    Case("pattern-re2", "sample", "maxLength: 10", "maxLength: 10\n        pattern: \"g(?=1)\"",
         "pattern 'g(?=1)' of field 'group_id' is not supported", "RE2 syntax", at="pattern:"),
    Case("unit-field-unknown", "sample", "unit: cases", "unitField: units",
         "unitField names field 'units', which decl_sample does not have", "fields: amount"),
    Case("unit-and-unit-field", "sample", "unit: cases", "unit: cases\n      unitField: group_id",
         "field 'amount' has both unit and unitField", "not both", at="unitField: group_id"),
    Case("field-twice", "totals", "name: amount", "name: group_id",
         "field 'group_id' is declared twice", "a different name"),
    Case("path-and-derive", "totals", "derive:", "path: raw/decl/groups.csv\nderive:",
         "give exactly one of 'path' (a raw file) or 'derive' (SQL)", "computed from other tables"),
    Case("no-schema", "totals", "schema:\n  fields:", "schemas:\n  fields:",
         "the table declaration lacks the required key 'schema'", "add schema:", at="name: decl_totals"),
    # checks
    Case("check-kind", "sample", "kind: expression", "kind: expresion",
         "unknown check kind 'expresion' in check 'decl-sample-positive'", "did you mean 'expression'?"),
    Case("check-missing-parameter", "sample", '    expression: "amount >= 0"', "",
         "check 'decl-sample-positive' lacks the required key 'expression'", "add expression:", at="- id: decl-sample-positive"),
    Case("check-extra-parameter", "sample", "    weekday: Sunday", "    weekday: Sunday\n    sql: SELECT 1",
         "unknown key 'sql' in check 'decl-sample-sunday'", "allowed keys:", at="sql: SELECT 1"),
    Case("check-without-id", "sample", "  - id: decl-sample-positive\n    kind", "  - kind",
         "check #3 lacks the required key 'id'", "add id:", at="  - kind: expression"),
    Case("check-weekday", "sample", "weekday: Sunday", "weekday: Sundy",
         "unknown weekday 'Sundy' in check 'decl-sample-sunday'", "did you mean 'Sunday'?"),
    Case("check-duplicate-id", "sample", "id: decl-sample-totals", "id: decl-groups-named",
         "check id 'decl-groups-named' is already used in schemas/decl/decl_groups.yaml:", "unique across the package"),
    Case("total-missing-column", "sample", "value: amount", "value: amont",
         "check 'decl-sample-totals' names column 'amont', which decl_sample does not have", "did you mean 'amount'?"),
    Case("check-sql", "sample", '"amount >= 0"', '"amout >= 0"',
         "check 'decl-sample-positive': SQL error: Binder Error", "amount", at="- id: decl-sample-positive"),
    Case("query-sql", "groups", "FROM decl_groups WHERE", "FROM decl_group WHERE",
         "check 'decl-groups-named': SQL error: Catalog Error", "fix the SQL", at="- id: decl-groups-named"),
    Case("derive-sql", "totals", "SELECT group_id, amount,", "SELECT group_id, amout,",
         "derive SQL of 'decl_totals' failed: Binder Error", "amount"),
    # paths, names, versions
    Case("missing-path", "sample", "path: raw/decl/sample.csv", "path: raw/decl/sampel.csv",
         "path 'raw/decl/sampel.csv' does not exist", "did you mean 'raw/decl/sample.csv'?"),
    Case("unsafe-path", "sample", "path: raw/decl/sample.csv", "path: /etc/passwd",
         "path '/etc/passwd' must be relative to the repository", "use a relative path inside the repository"),
    Case("version-short", "package", "", "", "version 1.1 is not a semantic version", "e.g. 1.0.0", at="version:"),
    Case("version-word", "package", "", "", "version 'banana' is not a semantic version", "e.g. 1.0.0", at="version:"),
    Case("reserved-field", "totals", "name: amount", "name: _line",
         "field name '_line' is reserved", "rename the field"),
    Case("generated-name", "totals", "name: decl_totals", "name: decl_sample_as_printed",
         "table name 'decl_sample_as_printed' clashes with the view hmipdata generates", "not ending in _as_printed"),
    Case("primary-key-field", "sample", "primaryKey: [sample_id]", "primaryKey: [sample_ids]",
         "primary key names field 'sample_ids', which decl_sample does not have", "did you mean 'sample_id'?"),
    Case("foreign-key-count", "sample", "fields: [group_id]}", "fields: [group_id, group_id]}",
         "foreign key #1 has 1 field(s) but its reference has 2", "as many reference fields as fields", at="- fields: [group_id]"),
    Case("foreign-key-table", "sample", "resource: decl_groups", "resource: decl_group",
         "foreign key #1 refers to table 'decl_group', which is not declared", "did you mean 'decl_groups'?"),
    Case("foreign-key-reference-field", "sample", "reference: {resource: decl_groups, fields: [group_id]}",
         "reference: {resource: decl_groups, fields: [group]}", "foreign key #1 refers to decl_groups.group, which does not exist",
         "did you mean 'group_id'?"),
    Case("yaml-syntax", "groups", "title: Declaration groups (test fixture)", "title: [Declaration groups",
         "not valid YAML", "correct the YAML syntax", at="description: The groups"),
]  # fmt: skip
VERSIONS = {"version-short": "1.1", "version-word": "banana"}


def _project(root: Path) -> Path:
    (root / "schemas/decl").mkdir()
    (root / "raw/decl").mkdir()
    for yaml_file in DECL.glob("*.yaml"):
        shutil.copy(yaml_file, root / "schemas/decl" / yaml_file.name)
    for csv_file in DECL.glob("*.csv"):
        shutil.copy(csv_file, root / "raw/decl" / csv_file.name)
    return root


def _break(root: Path, case: Case) -> int:
    """Apply ``case`` to the project at ``root``; returns the line the report must name."""
    path = root / FILES[case.file]
    text = path.read_text(encoding="utf-8")
    marker = case.at or case.new.strip().splitlines()[0]
    if case.id in VERSIONS:
        text = re.sub(r"^version: .*$", f"version: {VERSIONS[case.id]}", text, flags=re.M)
    else:
        assert text.count(case.old) == 1, f"{case.id}: the fixture must hold {case.old!r} once"
        start = text.index(case.old)
        text = text.replace(case.old, case.new)
        if marker in case.new:  # the line of the marker within the replacement
            path.write_text(text, encoding="utf-8")
            return text[: start + case.new.index(marker)].count("\n") + 1
    path.write_text(text, encoding="utf-8")
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def _no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


def test_the_fixture_project_is_valid(project_copy):
    result = hmipdata("--root", str(_project(project_copy)), "validate")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_declaration_is_reported_with_its_line_and_a_hint(project_copy, case):
    line = _break(_project(project_copy), case)
    result = hmipdata("--root", str(project_copy), "validate")
    _no_traceback(result)
    assert result.returncode == 2, result.stdout + result.stderr
    found = [x for x in result.stdout.splitlines() if case.message in x]
    assert found, result.stdout
    assert found[0].startswith(f"{FILES[case.file]}:{line}: [schema-error] "), found[0]
    assert case.hint in found[0].split(case.message, 1)[1], found[0]


def test_every_problem_is_reported_in_one_run(project_copy):
    _project(project_copy)
    chosen = [c for c in CASES if c.id in ("field-key", "maxlength-word", "check-kind", "version-word")]
    lines = {c.id: _break(project_copy, c) for c in chosen}
    result = hmipdata("--root", str(project_copy), "validate")
    assert result.returncode == 2
    for case in chosen:
        assert f"{FILES[case.file]}:{lines[case.id]}: [schema-error] {case.message}" in result.stdout, case.id


@pytest.mark.parametrize("command", ["build", "check"])
def test_build_and_check_exit_2_on_a_bad_declaration(project_copy, command):
    case = next(c for c in CASES if c.id == "field-key")
    line = _break(_project(project_copy), case)
    result = hmipdata("--root", str(project_copy), command)
    _no_traceback(result)
    assert result.returncode == 2
    assert f"{FILES[case.file]}:{line}: [schema-error] {case.message}" in result.stdout


@pytest.mark.parametrize("command", ["build", "check"])
def test_build_and_check_exit_2_on_sql_errors(project_copy, command):
    case = next(c for c in CASES if c.id == "check-sql")
    line = _break(_project(project_copy), case)
    result = hmipdata("--root", str(project_copy), command)
    _no_traceback(result)
    assert result.returncode == 2
    assert f"{FILES[case.file]}:{line}: [schema-error] {case.message}" in result.stdout


def test_github_annotations_name_the_declaration_file_and_line(project_copy):
    case = next(c for c in CASES if c.id == "field-key")
    line = _break(_project(project_copy), case)
    result = hmipdata("--root", str(project_copy), "validate", "--format", "github")
    assert result.returncode == 2
    column = next(t for n, t in enumerate((project_copy / FILES[case.file]).read_text().splitlines(), 1) if n == line)
    col = len(column) - len(column.lstrip()) + 1
    assert f"::error file={FILES[case.file]},line={line},col={col},title=schema-error::" in result.stdout


def test_the_generic_checker_stays_lenient_with_foreign_schemas(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("id,amount\n1,2\n", encoding="utf-8")
    schema = tmp_path / "schema.json"
    fields = [{"name": "id", "type": "integer", "rdfType": "x"}, {"name": "amount", "type": "number", "contraints": {}}]
    schema.write_text(json.dumps({"fields": fields, "x-vendor": True}), encoding="utf-8")
    result = hmipdata("validate", str(data), "--schema", str(schema), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("relative", sorted(JSON_SCHEMAS))
def test_the_committed_json_schemas_match_the_model(relative):
    committed = (ROOT / relative).read_text(encoding="utf-8")
    assert committed == json_schema_text(JSON_SCHEMAS[relative]), (
        f"{relative} is stale: run `python -m hmipdata.project.declaration_model` and commit it"
    )


def test_editors_check_every_declaration_with_the_json_schemas():
    import jsonschema
    import yaml

    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    assert set(settings) == {f"./{p}" for p in JSON_SCHEMAS}
    for relative, patterns in settings.items():
        schema = json.loads((ROOT / relative).read_text(encoding="utf-8"))
        files = [p for pattern in patterns for p in sorted(ROOT.glob(pattern))]
        assert files, patterns
        for path in files:
            jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
    table = json.loads((ROOT / "schemas/hmipdata-table.schema.json").read_text(encoding="utf-8"))
    typo = yaml.safe_load((DECL / "decl_groups.yaml").read_text().replace("expected_rows", "expected_row"))
    with pytest.raises(jsonschema.ValidationError, match="expected_row"):
        jsonschema.validate(typo, table)


def test_sql_errors_are_reported_with_the_data_errors(project_copy):
    case = next(c for c in CASES if c.id == "check-sql")
    line = _break(_project(project_copy), case)
    data = project_copy / "raw/decl/sample.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("1,g1,2,", "1,g1,two,", 1), encoding="utf-8")
    result = hmipdata("--root", str(project_copy), "validate")
    assert result.returncode == 2
    assert f"{FILES[case.file]}:{line}: [schema-error] {case.message}" in result.stdout
    assert "raw/decl/sample.csv:2:amount: [type-error]" in result.stdout


def test_readers_of_build_only_do_not_need_the_raw_files(project_copy):
    from hmipdata.checker.errors import DeclarationError
    from hmipdata.project.package import load_project

    _project(project_copy)
    (project_copy / "raw/decl/sample.csv").unlink()
    assert load_project(project_copy, raw=False).resource("decl_sample").path == "raw/decl/sample.csv"
    with pytest.raises(DeclarationError, match="1 error"):
        load_project(project_copy)


@pytest.mark.parametrize(
    "ftype,fmt,value,ok",
    [
        ("integer", "default", 3, True),
        ("integer", "default", 3.5, False),
        ("integer", "default", True, False),
        ("number", "default", 2.5, True),
        ("number", "default", float("nan"), False),
        ("number", "default", "abc", False),
        ("date", "default", "2020-03-01", True),
        ("date", "default", "20200301", False),
        ("date", "default", "2020-13-01", False),
        ("date", "%d/%m/%Y", "01/03/2020", True),
        ("date", "%d/%m/%Y", "2020-03-01", False),
        ("date", "any", "March 2020", True),
        ("datetime", "default", "2020-03-01T09:00:00", True),
        ("time", "default", "25:00", False),
        ("yearmonth", "default", "2020-03", True),
        ("yearmonth", "default", "2020-13", False),
        ("string", "default", 5, False),
    ],
)
def test_a_constraint_value_must_read_as_its_field_type(ftype, fmt, value, ok):
    from hmipdata.project.constraint_rules import reads_as

    assert reads_as(ftype, fmt, value) is ok
