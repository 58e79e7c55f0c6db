"""The DuckDB file: compact storage, ENUMs, keys, metadata, and opened by the oldest supported DuckDB.

The oldest supported DuckDB (README: "Which DuckDB opens the database") runs
from PyPI in a venv of its own, so the file is checked by the real old reader.
"""

from __future__ import annotations

import hashlib
import json

import duckdb
import pytest
from venv_support import run_python, tool_python

from hmipdata.project.package import load_project
from hmipdata.publish.build import STAMP
from hmipdata.publish.content import content_record
from hmipdata.publish.outputs import BLOCK_SIZE, DATABASE, STORAGE_VERSION

OLDEST = "1.2.2"


@pytest.fixture(scope="module")
def con(built):
    connection = duckdb.connect(str(built / DATABASE), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def descriptor(built) -> dict:
    return json.loads((built / "datapackage.json").read_text(encoding="utf-8"))


def test_written_with_small_blocks_and_old_storage(con):
    (block_size,) = con.execute(
        "SELECT block_size FROM pragma_database_size() WHERE database_name = current_database()"
    ).fetchone()
    assert block_size == BLOCK_SIZE
    assert STORAGE_VERSION == "v1.2.0"  # README promises DuckDB 1.2.2+; raising it drops old readers


def test_categories_are_ordered_enums(con, descriptor):
    seen = 0
    for resource in descriptor["resources"]:
        for f in resource.get("schema", {}).get("fields", []):
            if f["type"] == "string" and f.get("categories"):
                (data_type,) = con.execute(
                    "SELECT data_type FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                    [resource["name"], f["name"]],
                ).fetchone()
                assert data_type.startswith("ENUM("), (resource["name"], f["name"], data_type)
                values = [v for (v,) in con.execute(f"SELECT unnest(enum_range(NULL::{data_type}))").fetchall()]
                assert values == f["categories"]
                seen += 1
    assert seen
    # Sorting follows the declared order, not the alphabet.
    ratings = [r for (r,) in con.execute("SELECT DISTINCT rating FROM inspection_ratings ORDER BY rating").fetchall()]
    enum = next(
        f["categories"]
        for r in descriptor["resources"]
        if r["name"] == "inspection_ratings"
        for f in r["schema"]["fields"]
        if f["name"] == "rating"
    )
    assert ratings == [v for v in enum if v in ratings]


def test_every_declared_reference_is_enforced(con, descriptor):
    """Each foreignKey is a DuckDB FOREIGN KEY, or its column's type is an ENUM whose every value is a
    referenced key (DuckDB refuses a FOREIGN KEY between an ENUM and a VARCHAR column)."""
    fks = {
        (table, tuple(cols), ref_table, tuple(ref_cols))
        for table, cols, ref_table, ref_cols in con.execute(
            "SELECT table_name, constraint_column_names, referenced_table, referenced_column_names "
            "FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'"
        ).fetchall()
    }
    assert fks
    for resource in descriptor["resources"]:
        for fk in resource.get("schema", {}).get("foreignKeys", []):
            ref = fk["reference"]
            key = (resource["name"], tuple(fk["fields"]), ref["resource"] or resource["name"], tuple(ref["fields"]))
            if key in fks:
                continue
            (column,), (ref_column,) = fk["fields"], ref["fields"]
            (data_type,) = con.execute(
                "SELECT data_type FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                [resource["name"], column],
            ).fetchone()
            assert data_type.startswith("ENUM("), key
            allowed = {v for (v,) in con.execute(f"SELECT unnest(enum_range(NULL::{data_type}))").fetchall()}
            keys = {
                v for (v,) in con.execute(f'SELECT CAST("{ref_column}" AS VARCHAR) FROM "{ref["resource"]}"').fetchall()
            }
            assert allowed <= keys, key


def test_foreign_keys_refuse_a_dangling_reference(built, tmp_path):
    copy = tmp_path / DATABASE
    copy.write_bytes((built / DATABASE).read_bytes())
    connection = duckdb.connect(str(copy))
    try:
        table, cols = connection.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
            "WHERE constraint_type = 'FOREIGN KEY' AND table_name <> referenced_table ORDER BY ALL LIMIT 1"
        ).fetchone()
        connection.execute(f'CREATE TEMP TABLE one AS SELECT * FROM "{table}" LIMIT 1')
        connection.execute(f"UPDATE one SET \"{cols[0]}\" = 'no-such-key'")
        with pytest.raises(duckdb.ConstraintException):
            connection.execute(f'INSERT INTO "{table}" SELECT * FROM one')
    finally:
        connection.close()


def test_metadata_table(con, built):
    project = load_project(built.parent)
    row = con.execute("SELECT * FROM metadata").fetchall()
    assert len(row) == 1
    meta = dict(zip([d[0] for d in con.description], row[0], strict=True))
    assert meta["name"] == project.meta["name"] and meta["version"] == project.version
    assert meta["licence"] == project.meta["licenses"][0]["name"]
    assert meta["release_date"] is not None
    titles = {s["title"] for s in json.loads((built / "datapackage.json").read_text())["sources"]}
    assert {s["title"] for s in meta["sources"]} == titles
    record = content_record(built, skip=(DATABASE, STAMP))
    assert meta["content_sha256"] == hashlib.sha256(record.encode()).hexdigest()


DUMP = r"""
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
out = {"version": duckdb.__version__, "tables": {}}
for (name,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
    rows = con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall()
    out["tables"][name] = json.loads(json.dumps(rows, default=str))
print(json.dumps(out))
"""


def test_oldest_supported_duckdb_reads_every_row(built):
    python = tool_python(f"duckdb-{OLDEST}", f"duckdb=={OLDEST}")
    old = run_python(python, DUMP, str(built / DATABASE))
    assert old.returncode == 0, old.stderr[-3000:]
    new = run_python(__import__("sys").executable, DUMP, str(built / DATABASE))
    assert new.returncode == 0, new.stderr[-3000:]
    old_dump, new_dump = json.loads(old.stdout), json.loads(new.stdout)
    assert old_dump["version"] == OLDEST
    assert old_dump["tables"] and old_dump["tables"] == new_dump["tables"]
