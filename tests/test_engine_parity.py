"""hmipdata's validation engine finds the same errors as frictionless-py, the reference implementation.

Each fixture under tests/fixtures/engine/ is a small CSV and Table Schema;
both validators must report the same (row, column, code, rule) set. Rows are
Frictionless' row numbers, which equal the physical lines hmipdata reports as
long as no cell holds a newline (tested separately). Hypothesis then compares
the two on random reading rules and random small tables.
"""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hmipdata.checker.schema import parse_field, parse_schema
from hmipdata.checker.sqlrules import parse_sql
from hmipdata.checker.validate import validate_file

FIXTURES = Path(__file__).parent / "fixtures" / "engine"
ROW_LEVEL = {"blank-row", "extra-cell", "missing-cell", "primary-key", "foreign-key"}

Finding = tuple[int, "str | None", str, "str | None"]


def _frictionless_report(csv_path: Path, schema: dict, package: Path | None = None):
    from frictionless import Package, Resource

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if package is not None:
            name = csv_path.stem
            return Package(str(package)).get_resource(name).validate(limit_errors=100_000)
        descriptor = {  # Data Package v2, for exclusiveMinimum/Maximum
            "$schema": "https://datapackage.org/profiles/2.0/dataresource.json",
            "name": "data",
            "path": csv_path.name,
            "schema": schema,
        }
        resource = Resource.from_descriptor(descriptor, basepath=str(csv_path.parent))
        return resource.validate(limit_errors=100_000)


def frictionless_findings(csv_path: Path, schema: dict, package: Path | None = None) -> set[Finding]:
    """Frictionless' errors as (row, field, code, rule)."""
    report = _frictionless_report(csv_path, schema, package)
    assert not report.errors, report.errors  # the schema itself must be valid for frictionless
    found = set()
    for error in report.tasks[0].errors:
        code, row = error.type, getattr(error, "row_number", None)
        if code == "constraint-error":
            found.add((row, error.field_name, code, re.match(r'constraint "(\w+)"', error.note).group(1)))
        elif code == "type-error":
            found.add((row, error.field_name, code, "type"))
        elif code == "unique-error":
            found.add((row, error.field_name, code, "repeat"))
        elif code == "primary-key":
            found.add((row, None, code, "blank" if '"None"' in error.note else "repeat"))
        elif code in ROW_LEVEL:
            found.add((row, None, code, None))
        else:
            found.add((row, getattr(error, "label", None), code, None))
    return found


def hmipdata_findings(csv_path: Path, schema: dict, package: Path | None = None) -> set[Finding]:
    """hmipdata's errors, every example (no limit), in the same shape."""
    report = validate_file(csv_path, parse_schema(schema), package=package, limit=None)
    found = set()
    for group in report.groups:
        assert len(group.examples) == group.count, group  # limit=None keeps every example
        for issue in group.examples:
            if issue.code in ("type-error", "constraint-error"):
                rule = "type" if issue.code == "type-error" else issue.rule
                found.add((issue.row, issue.column, issue.code, rule))
            elif issue.code == "unique-error":
                found.add((issue.row, issue.column, issue.code, "repeat"))
            elif issue.code == "primary-key":
                found.add((issue.row, None, issue.code, "blank" if "blank" in (issue.rule or "") else "repeat"))
            elif issue.code in ROW_LEVEL:
                found.add((issue.row, None, issue.code, None))
            else:
                found.add((issue.row, issue.column, issue.code, None))
    return found


def _schema(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.schema.json").read_text())


CASES = ["types", "required", "unique", "enum", "bounds", "text", "missing", "pk_single", "pk_composite", "fk_self"]


@pytest.fixture(params=["fast path", "full path"])
def engine_path(request, monkeypatch):
    """Run a test with the fast path first (hmipdata/checker/fastpath.py) and with the full checks only."""
    from hmipdata.checker import validate

    monkeypatch.setattr(validate, "FAST_PATH", request.param == "fast path")
    return request.param


@pytest.mark.parametrize("name", CASES)
def test_fixture_errors_match_frictionless(name, engine_path):
    path, schema = FIXTURES / f"{name}.csv", _schema(name)
    expected = frictionless_findings(path, schema)
    assert expected, "a parity fixture must contain errors"
    assert hmipdata_findings(path, schema) == expected


@pytest.mark.parametrize("name", CASES)
def test_fast_path_never_calls_a_broken_file_clean(name, tmp_path):
    """Each fixture's errors, one at a time: the fast path hands every broken file to the full checks."""
    from hmipdata.checker.fastpath import is_clean

    path, schema = FIXTURES / f"{name}.csv", parse_schema(_schema(name))
    con = duckdb.connect()
    from hmipdata.checker.textfile import open_csv

    table = open_csv(con, path, name, "t")
    assert is_clean(con, table, schema, None) is not True


@pytest.mark.parametrize("name", [*CASES, "structure", "quoted_newline"])
def test_long_form_path_for_wide_files_finds_the_same(name, monkeypatch):
    """The path for files of thousands of columns (hmipdata/checker/wide.py), forced here on narrow fixtures."""
    from hmipdata.checker import wide

    path, schema = FIXTURES / f"{name}.csv", _schema(name)
    narrow = hmipdata_findings(path, schema)
    monkeypatch.setattr(wide, "WIDE_COLUMNS", 0)
    assert hmipdata_findings(path, schema) == narrow


def test_foreign_keys_to_another_resource_match_frictionless(engine_path):
    path, schema, package = FIXTURES / "orders.csv", _schema("orders"), FIXTURES / "datapackage.json"
    expected = frictionless_findings(path, schema, package)
    assert {code for _, _, code, _ in expected} == {"foreign-key"}
    assert hmipdata_findings(path, schema, package) == expected


def test_blank_and_ragged_rows_match_frictionless(engine_path):
    path, schema = FIXTURES / "structure.csv", _schema("structure")
    assert hmipdata_findings(path, schema) == frictionless_findings(path, schema)


def test_primary_key_partly_blank_is_an_error_unlike_frictionless(tmp_path):
    """Deliberate difference: a key with a blank part identifies nothing (Frictionless only flags all-blank keys)."""
    path = tmp_path / "pk.csv"
    path.write_text("org,year\na,2020\nb,\n")
    schema = {"fields": [{"name": "org"}, {"name": "year", "type": "year"}], "primaryKey": ["org", "year"]}
    assert frictionless_findings(path, schema) == set()
    assert hmipdata_findings(path, schema) == {(3, None, "primary-key", "blank")}


def test_quoted_newline_moves_later_rows_to_their_physical_line():
    """Frictionless counts records (row 3); an editor shows the bad cell on line 4."""
    path, schema = FIXTURES / "quoted_newline.csv", _schema("quoted_newline")
    assert frictionless_findings(path, schema) == {(3, "n", "type-error", "type")}
    assert hmipdata_findings(path, schema) == {(4, "n", "type-error", "type")}


# Reading rules, cell by cell -------------------------------------------------------------------

_CON = duckdb.connect()
ALPHABETS = {
    "integer": "0123456789+-_ .eE\tx",
    "number": "0123456789+-_ .eEinfatyINFATY\t,",
    "year": "0123456789+-_ ",
    "date": "0123456789- /T:",
    "datetime": "0123456789-T:Z+., ",
    "time": "0123456789:Z+-., ",
    "boolean": "truefalsTRUEFALS01 ",
}
VARIANTS = [
    *({"type": t} for t in ALPHABETS),
    {"type": "number", "bareNumber": False},
    {"type": "integer", "bareNumber": False},
    {"type": "number", "groupChar": ",", "decimalChar": "."},
    {"type": "number", "groupChar": " ", "decimalChar": ","},
    {"type": "boolean", "trueValues": ["y", "yes"], "falseValues": ["n", "no"]},
]


def _reads_ours(descriptor: dict, cell: str) -> bool:
    field = parse_field({"name": "x", **descriptor}, "test")
    return _CON.execute(f"SELECT ({parse_sql(field, '$1::VARCHAR')}) IS NOT NULL", [cell]).fetchone()[0]


def _reads_frictionless(descriptor: dict, cell: str) -> bool:
    from frictionless import Field

    value, notes = Field.from_descriptor({"name": "x", **descriptor}).read_cell(cell)
    return value is not None and not notes


@pytest.mark.parametrize("descriptor", VARIANTS, ids=lambda d: "-".join(str(v) for v in d.values()))
def test_reading_rules_match_frictionless(descriptor):
    alphabet = ALPHABETS[descriptor["type"]] + "".join(
        [*descriptor.get("trueValues", []), descriptor.get("groupChar", "")]
    )

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    @given(st.text(alphabet, max_size=14) | st.sampled_from(SAMPLES[descriptor["type"]]))
    def check(cell):
        assert _reads_ours(descriptor, cell) == _reads_frictionless(descriptor, cell), repr(cell)

    check()


SAMPLES = {
    "integer": ["1", "-0", "+7", " 12 ", "1_000", "1__0", "0x10", "1e3", "1.0", "9223372036854775807", "007"],
    "number": ["1.5", ".5", "5.", "-3e2", "1_000.5", "_1", "inf", "-Infinity", "nan", "1e400", "1,5", "0x1p3"],
    "year": ["2020", "0000", "-202", "+202", " 202", "20201", "2_02"],
    "date": ["2020-01-31", "2020-1-5", "2020-01- 5", "2020-02-30", "0000-01-01", "2020/01/01", "20200101"],
    "datetime": ["2020-01-01T10:00:00", "2020-01-01 10:00:00Z", "2020-01-01T10:00:00.5+01:00", "2020-01-01T10:00"],
    "time": ["10:00:00", "10:00:00Z", "23:59:59.5+01:00", "24:00:00", "10:00", "9:00:00"],
    "boolean": ["true", "True", "TRUE", "1", "false", "0", "yes", "no", "y", "t", ""],
}


# Whole tables ----------------------------------------------------------------------------------

POOLS = {
    "integer": ["1", "2", "3", "-1", "0", "10", "x", "1.5", " 4", ""],
    "number": ["1.5", "2", "-0.5", "0", "100", "1e2", "abc", "nan", ""],
    "boolean": ["true", "false", "1", "0", "yes", ""],
    "date": ["2020-01-01", "2020-06-30", "2021-02-28", "2020-02-30", "1/1/2020", ""],
    "year": ["2019", "2020", "2021", "0", "20x0", ""],
    "string": ["a", "b", "ab", "abc", "T001", "T1", "x_y", ""],
}
MISSING = ["NA", "-"]


@st.composite
def fields(draw, name: str) -> dict:
    ftype = draw(st.sampled_from(sorted(POOLS)))
    values = [v for v in POOLS[ftype] if v]
    c: dict = {}
    if draw(st.booleans()):
        c["required"] = True
    if draw(st.integers(0, 4)) == 0:
        c["unique"] = True
    if draw(st.integers(0, 3)) == 0:
        c["enum"] = draw(st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True))
    if ftype in ("integer", "number", "year", "date"):
        good = {"integer": ["0", "2", "10"], "number": ["0", "1.5", "100"], "year": ["2020"], "date": ["2020-06-30"]}
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if draw(st.integers(0, 3)) == 0:
                bound = draw(st.sampled_from(good[ftype]))
                c[key] = bound if ftype == "date" else (float(bound) if ftype == "number" else int(bound))
    if ftype == "string":
        if draw(st.integers(0, 2)) == 0:
            c["pattern"] = draw(st.sampled_from(["T[0-9]{3}", "[a-z]+", "a.*"]))
        for key in ("minLength", "maxLength"):
            if draw(st.integers(0, 3)) == 0:
                c[key] = draw(st.integers(1, 3))
    field: dict = {"name": name, "type": ftype, "constraints": c}
    if draw(st.integers(0, 3)) == 0:
        field["missingValues"] = draw(st.lists(st.sampled_from(["", *MISSING]), max_size=2, unique=True))
    return field


@st.composite
def tables(draw):
    n = draw(st.integers(1, 4))
    schema_fields = [draw(fields(f"f{i}")) for i in range(n)]
    schema: dict = {"fields": schema_fields}
    if draw(st.booleans()):
        schema["missingValues"] = draw(st.lists(st.sampled_from(["", *MISSING]), max_size=3, unique=True))
    if draw(st.integers(0, 2)) == 0:
        schema["primaryKey"] = [draw(st.sampled_from([f["name"] for f in schema_fields]))]
    pools = [POOLS[f["type"]] + MISSING for f in schema_fields]
    rows = draw(st.lists(st.tuples(*(st.sampled_from(p) for p in pools)), min_size=1, max_size=8))
    return schema, rows


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
@given(tables())
def test_random_tables_match_frictionless(tmp_path_factory, table):
    schema, rows = table
    path = tmp_path_factory.mktemp("random") / "data.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([f["name"] for f in schema["fields"]])
        writer.writerows(rows)
    assert hmipdata_findings(path, schema) == frictionless_findings(path, schema)
