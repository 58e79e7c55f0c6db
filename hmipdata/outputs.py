"""Write the published tables: DuckDB database, CSV, Parquet and datapackage.json."""

from __future__ import annotations

from pathlib import Path

from hmipdata.datapackage import data_file, write_datapackage
from hmipdata.project import Project
from hmipdata.schema import Resource
from hmipdata.sqlrules import comment_sql, create_table_sql, ident, literal

DATABASE = "hmipdata.duckdb"
# DuckDB-WASM 1.4 in the browser reads this storage version.
STORAGE_VERSION = "v1.0.0"


def _order_by(resource: Resource) -> str:
    keys = resource.schema.primary_key or resource.schema.field_names
    return ", ".join(ident(k) for k in keys)


FORMULA_START = r"^[=+\-@\t\r]"


def published_select(resource: Resource, source: str = "", spreadsheet_safe: bool = False) -> str:
    """The published columns of a loaded table, in a fixed row order.

    With ``spreadsheet_safe``, a text cell starting like a formula (=, +, -, @,
    tab, CR) gets a leading apostrophe so spreadsheets show it as text; numbers
    are untouched.
    """
    cols = []
    for f in resource.schema.fields:
        col = ident(f.name)
        if spreadsheet_safe and f.type in ("string", "any"):
            quote = literal("'")
            col = f"CASE WHEN regexp_matches({col}, {literal(FORMULA_START)}) THEN {quote} || {col} ELSE {col} END AS {col}"
        cols.append(col)
    return f"SELECT {', '.join(cols)} FROM {source}{ident(resource.name)} ORDER BY {_order_by(resource)}"


def write_database(con, project: Project, path: Path) -> None:
    """Create the DuckDB file with typed, constrained and commented tables."""
    con.execute(f"ATTACH {literal(str(path))} AS published (STORAGE_VERSION {literal(STORAGE_VERSION)})")
    try:
        con.execute("USE published")
        for resource in project.published:
            con.execute(create_table_sql(resource.name, resource.schema))
            con.execute(f"INSERT INTO {ident(resource.name)} {published_select(resource, 'memory.main.')}")
            description = resource.title + (". " + resource.description if resource.description else "")
            for statement in comment_sql(resource.name, description, resource.schema):
                con.execute(statement)
        con.execute("USE memory")
        con.execute("CHECKPOINT published")
    finally:
        con.execute("USE memory")
        con.execute("DETACH published")


def write_files(con, project: Project, out: Path) -> None:
    """CSV and Parquet per published table (byte-identical across runs)."""
    (out / "data").mkdir(parents=True, exist_ok=True)
    for resource in project.published:
        query = published_select(resource)
        csv_query = published_select(resource, spreadsheet_safe=True)
        csv_path, parquet_path = out / data_file(resource, "csv"), out / data_file(resource, "parquet")
        con.execute(
            f"COPY ({csv_query}) TO {literal(str(csv_path))} (FORMAT csv, HEADER, DELIMITER ',', DATEFORMAT '%Y-%m-%d')"
        )
        con.execute(f"COPY ({query}) TO {literal(str(parquet_path))} (FORMAT parquet, COMPRESSION zstd)")


def write_outputs(con, project: Project, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_files(con, project, out)
    write_database(con, project, out / DATABASE)
    write_datapackage(project, out)
