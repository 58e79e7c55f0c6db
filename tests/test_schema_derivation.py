"""DDL, pandera schemas and datapackage fields all agree with the YAML, for every table."""

from __future__ import annotations

import duckdb
import pytest

from hmipdata.checker.pandera_schema import pandera_schema
from hmipdata.checker.sqlrules import create_table_sql, duckdb_type
from hmipdata.project.package import load_project
from hmipdata.publish.datapackage import schema_descriptor
from tests.conftest import ROOT

PROJECT = load_project(ROOT)
RESOURCES = PROJECT.resources


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.name for r in RESOURCES])
def test_ddl_matches_yaml(resource):
    con = duckdb.connect()
    con.execute(create_table_sql(resource.name, resource.schema))
    columns = con.execute(
        "select column_name, data_type, is_nullable from information_schema.columns "
        f"where table_name = '{resource.name}' order by ordinal_position"
    ).fetchall()
    assert [c[0] for c in columns] == resource.schema.field_names
    for (name, dtype, nullable), field in zip(columns, resource.schema.fields):
        assert dtype == duckdb_type(field), name
        required = field.required or name in resource.schema.primary_key
        assert (nullable == "NO") == required, name
    constraints = con.execute(
        "select constraint_type, constraint_column_names from duckdb_constraints() "
        f"where table_name = '{resource.name}' and constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    assert [tuple(c[1]) for c in constraints] == (
        [tuple(resource.schema.primary_key)] if resource.schema.primary_key else []
    )


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.name for r in RESOURCES])
def test_pandera_matches_yaml(resource):
    schema = pandera_schema(resource.name, resource.schema)
    assert list(schema.columns) == resource.schema.field_names
    for field in resource.schema.fields:
        column = schema.columns[field.name]
        required = field.required or field.name in resource.schema.primary_key
        assert column.nullable == (not required), field.name
        assert column.unique == bool(field.constraints.get("unique")), field.name
        assert len(column.checks) == len(
            set(field.constraints) - {"required", "unique"} - {"minLength", "maxLength"}
        ) + (1 if {"minLength", "maxLength"} & set(field.constraints) else 0), field.name


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.name for r in RESOURCES])
def test_datapackage_fields_match_yaml(resource):
    descriptor = schema_descriptor(resource.schema)
    assert [f["name"] for f in descriptor["fields"]] == resource.schema.field_names
    for field, out in zip(resource.schema.fields, descriptor["fields"]):
        assert out["type"] == field.type
        assert out.get("constraints", {}) == field.constraints
        assert out.get("description", "").strip() == field.description
    assert descriptor.get("primaryKey", []) == list(resource.schema.primary_key)


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.name for r in RESOURCES])
def test_every_table_and_field_is_documented(resource):
    assert resource.title and resource.description, resource.name
    undocumented = [f.name for f in resource.schema.fields if not (f.title and f.description)]
    assert not undocumented, f"{resource.name}: {undocumented}"
    numeric = [
        f.name
        for f in resource.schema.fields
        if f.type in ("integer", "number") and not (f.unit or f.descriptor.get("unitField"))
    ]
    assert not numeric, f"{resource.name}: numeric fields without a unit: {numeric}"


def test_pandera_accepts_the_published_tables(built):
    from hmipdata.publish.pandera_check import check_published

    con = duckdb.connect(str(built / "hmipdata.duckdb"), read_only=True)
    report = check_published(con, PROJECT)
    assert report.valid, report.render_text()


def test_pandera_rejects_a_broken_value(built):
    from hmipdata.publish.pandera_check import check_published

    con = duckdb.connect()
    con.execute(f"ATTACH '{built / 'hmipdata.duckdb'}' AS src (READ_ONLY)")
    for resource in PROJECT.published:
        con.execute(f'CREATE TABLE "{resource.name}" AS SELECT * FROM src."{resource.name}"')
    con.execute("ALTER TABLE caseloads ALTER staff_grade TYPE VARCHAR")  # the ENUM would refuse 'manager' itself
    con.execute("UPDATE caseloads SET staff_grade = 'manager' WHERE average_caseload = 32.1")
    report = check_published(con, PROJECT)
    assert not report.valid
    assert any(issue.column == "staff_grade" for issue in report.issues)
