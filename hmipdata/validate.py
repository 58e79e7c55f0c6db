"""Validate one CSV or Parquet file against any Table Schema, or the whole project."""

from __future__ import annotations

from pathlib import Path

from hmipdata.errors import Issue, Report, SchemaError
from hmipdata.schema import ForeignKey, TableSchema, load_schema, parse_schema, read_mapping
from hmipdata.sqlrules import ident


def _package_resolver(con, package: Path | None, self_name: str):
    """Resolve foreign keys to resources of a datapackage.json (loaded typed, not validated)."""
    from hmipdata.engine import typed_select
    from hmipdata.textfile import open_csv, open_parquet

    resources = {}
    if package is not None:
        descriptor = read_mapping(package)
        for res in descriptor.get("resources", []):
            resources[res.get("name")] = res
    loaded: dict[str, tuple[str, list[str]]] = {}

    def resolve(fk: ForeignKey):
        name = fk.resource
        if not name:
            return f"(SELECT * FROM {ident('__typed_' + self_name)})", [ident(f) for f in fk.reference_fields]
        if name in loaded:
            return loaded[name][0], [ident(f) for f in fk.reference_fields]
        res = resources.get(name)
        if res is None or package is None:
            return None
        schema = res.get("schema")
        if isinstance(schema, str):
            schema = read_mapping(package.parent / schema)
        ref_schema = parse_schema(schema or {}, f"{package}:{name}")
        path = package.parent / str(res.get("path"))
        opener = open_parquet if path.suffix == ".parquet" else open_csv
        table = opener(con, path, str(path), f"__ref_{name}")
        con.execute(f"CREATE TEMP TABLE {ident('__typedref_' + name)} AS {typed_select(table, ref_schema)}")
        loaded[name] = (ident("__typedref_" + name), [])
        return loaded[name][0], [ident(f) for f in fk.reference_fields]

    return resolve


def validate_file(
    path: Path, schema: TableSchema | Path, *, package: Path | None = None, limit: int = 5, label: str | None = None
) -> Report:
    """Check ``path`` (CSV or Parquet) against ``schema``: types, constraints, keys, foreign keys."""
    import duckdb

    from hmipdata.engine import typed_select, validate_text_table
    from hmipdata.textfile import open_csv, open_parquet

    if not isinstance(schema, TableSchema):
        schema = load_schema(Path(schema))
    path = Path(path)
    label = label or str(path)
    if not path.is_file():
        report = Report()
        report.add(Issue("source-error", "file not found", path=label, hint="check the path"))
        return report
    con = duckdb.connect()
    opener = open_parquet if path.suffix.lower() == ".parquet" else open_csv
    table = opener(con, path, label, "__text_main")
    if table.readable and any(not fk.resource for fk in schema.foreign_keys):
        con.execute(f"CREATE TEMP TABLE {ident('__typed_main')} AS {typed_select(table, schema)}")
    report, _ = validate_text_table(con, table, schema, limit=limit, resolve=_package_resolver(con, package, "main"))
    return report


def validate_project(root: Path, limit: int = 5) -> Report:
    """Check every raw and derived table of the project, and its reconciliations."""
    from hmipdata.build import validate_project as load_and_check
    from hmipdata.project import load_project

    try:
        project = load_project(root)
    except SchemaError as exc:
        report = Report()
        report.add(Issue("schema-error", str(exc)))
        return report
    _, report = load_and_check(project, limit)
    return report
