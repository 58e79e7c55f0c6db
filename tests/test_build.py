"""The build: a DuckDB file and a data package that real tools accept, written atomically."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from hmipdata.project.package import load_project
from hmipdata.publish import build as build_module


def test_frictionless_validates_the_package(built):
    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(frictionless), "validate", "datapackage.json"], cwd=built, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "INVALID" not in result.stdout


def test_descriptor_records_bytes_and_hashes(built):
    descriptor = json.loads((built / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        if resource["format"] == "parquet":  # a plain resource: frictionless cannot count Parquet bytes
            assert "bytes" not in resource
            continue
        data = (built / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_database_answers_queries(built):
    con = duckdb.connect(str(built / "hmipdata.duckdb"), read_only=True)
    assert con.execute("select count(*) from caseloads").fetchone()[0] == 48
    (value,) = con.execute(
        "select average_caseload from caseloads where organisation_name_as_printed = 'NPS West Midlands' "
        "and staff_grade = 'probation_officer' and snapshot_date = date '2020-09-28'"
    ).fetchone()
    assert value == 32.1


def test_database_has_comments_from_schemas(built):
    con = duckdb.connect(str(built / "hmipdata.duckdb"), read_only=True)
    (comment,) = con.execute("select comment from duckdb_tables() where table_name = 'caseloads'").fetchone()
    assert comment.startswith("Average caseloads")
    (col,) = con.execute(
        "select comment from duckdb_columns() where table_name = 'caseloads' and column_name = 'average_caseload'"
    ).fetchone()
    assert "Unit: cases per officer" in col


def test_row_counts_match_declarations(built, project_copy):
    project = load_project(project_copy)
    con = duckdb.connect(str(built / "hmipdata.duckdb"), read_only=True)
    for resource in project.published:
        assert resource.expected_rows is not None, f"{resource.name} declares no expected_rows"
        (count,) = con.execute(f'select count(*) from "{resource.name}"').fetchone()
        assert count == resource.expected_rows, resource.name


def test_unchanged_inputs_skip_the_build(project_copy):
    first = build_module.build(project_copy)
    second = build_module.build(project_copy)
    assert not first.skipped and second.skipped


def _digest_tree(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def test_interrupted_build_leaves_previous_build_intact(project_copy, monkeypatch):
    build_module.build(project_copy)
    before = _digest_tree(project_copy / "build")
    (project_copy / "raw/sources/sources.csv").write_text(
        (project_copy / "raw/sources/sources.csv").read_text().replace("Work with Offenders", "Work With Offenders")
    )

    def explode(*args, **kwargs):
        raise RuntimeError("interrupted midway")

    monkeypatch.setattr("hmipdata.publish.outputs.write_database", explode)
    with pytest.raises(RuntimeError):
        build_module.build(project_copy)
    assert _digest_tree(project_copy / "build") == before
    live = (project_copy / "build").resolve()
    leftovers = [p for p in (project_copy / ".build").iterdir() if p.name.startswith("out-") and p != live]
    assert not leftovers


def test_invalid_input_leaves_previous_build_intact(project_copy):
    from hmipdata.checker.errors import InvalidData

    build_module.build(project_copy)
    before = _digest_tree(project_copy / "build")
    annexe = project_copy / "raw/caseloads/annexe-2.csv"
    annexe.write_text(annexe.read_text().replace(",32.1,", ",x,"))
    with pytest.raises(InvalidData):
        build_module.build(project_copy)
    assert _digest_tree(project_copy / "build") == before


def test_csv_and_parquet_are_reproducible(project_copy, tmp_path):
    build_module.build(project_copy)
    first = {k: v for k, v in _digest_tree(project_copy / "build").items() if not k.endswith(".duckdb")}
    (project_copy / "build").unlink()
    build_module.build(project_copy, force=True)
    second = {k: v for k, v in _digest_tree(project_copy / "build").items() if not k.endswith(".duckdb")}
    assert first == second
