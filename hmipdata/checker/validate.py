"""Validate one CSV or Parquet file against any Table Schema, or the whole project."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from pathlib import Path

from hmipdata.checker.dialect import DecodeProblem, Dialect, normalise, parse_dialect, remap
from hmipdata.checker.errors import Group, Issue, Report, SchemaError
from hmipdata.checker.schema import ForeignKey, TableSchema, load_schema, parse_schema, read_mapping
from hmipdata.checker.sqlrules import ident, literal

MEMORY_LIMIT = "512MB"
FAST_PATH = True  # prove a clean CSV clean in one aggregate first (tests run both ways)
# Given the DuckDB connection while the checks run, e.g. to poll ``con.query_progress()``.
Watcher = Callable[[object], AbstractContextManager]


def package_resources(package: Path | None) -> Callable[[str], tuple[TableSchema, Path] | None]:
    """The schema and data path of a datapackage.json's resource by name (None when it has none).

    Both engines resolve foreign keys to a ``--package`` through this one reading.
    """
    resources = {}
    if package is not None:
        for res in read_mapping(package).get("resources", []):
            resources[res.get("name")] = res

    def find(name: str) -> tuple[TableSchema, Path] | None:
        res = resources.get(name)
        if res is None or package is None:
            return None
        schema = res.get("schema")
        if isinstance(schema, str):
            schema = read_mapping(package.parent / schema)
        return parse_schema(schema or {}, f"{package}:{name}"), package.parent / str(res.get("path"))

    return find


def _package_resolver(con, package: Path | None):
    """Resolve foreign keys to resources of a datapackage.json (loaded typed, not validated)."""
    from hmipdata.checker.engine import typed_source_select
    from hmipdata.checker.textfile import open_csv, open_parquet

    find = package_resources(package)
    loaded: dict[str, str] = {}

    def resolve(fk: ForeignKey):
        name = fk.resource
        if name not in loaded:
            found = find(name)
            if found is None:
                return None
            ref_schema, path = found
            opener = open_parquet if path.suffix == ".parquet" else open_csv
            table = opener(con, path, str(path), f"__ref_{name}")
            loaded[name] = ident("__typedref_" + name)
            con.execute(f"CREATE TEMP TABLE {loaded[name]} AS {typed_source_select(table, ref_schema)}")
        return loaded[name], [ident(f) for f in fk.reference_fields]

    return resolve


def validate_file(
    path: Path,
    schema: TableSchema | Path,
    *,
    package: Path | None = None,
    limit: int | None = 5,
    label: str | None = None,
    watch: Watcher | None = None,
    dialect: dict | Dialect | None = None,
) -> Report:
    """Check ``path`` (CSV or Parquet) against ``schema``: types, constraints, keys, foreign keys.

    Counts are always complete; ``limit`` caps the examples kept per rule and
    column (``None`` keeps every failing row). ``watch`` receives the DuckDB
    connection for the duration of the checks (the CLI shows progress with it).
    ``dialect`` describes how the CSV is written (Table Dialect); a resource
    descriptor given as ``schema`` may carry it too. A file with a header and
    no rows is valid, as in frictionless.
    """
    import duckdb

    if not isinstance(schema, TableSchema):
        if dialect is None:
            dialect = resource_dialect(Path(schema))
        schema = load_schema(Path(schema))
    if not isinstance(dialect, Dialect):
        dialect = parse_dialect(dialect)
    path = Path(path)
    label = label or str(path)
    from hmipdata.checker.inputs import file_problem

    problem = file_problem(path)
    if problem:
        report = Report()
        report.add(Issue("source-error", problem, path=label, hint="check the path"))
        return report
    from functools import partial

    from hmipdata.checker.spreadsheet_input import is_spreadsheet, validate_spreadsheet

    if is_spreadsheet(path):  # checked for macros, zip bombs and unsafe XML, then its first sheet as CSV
        again = partial(validate_file, schema=schema, package=package, limit=limit, label=label, watch=watch)
        return validate_spreadsheet(path, label, again)
    run = partial(_check_one, path, schema, dialect, package=package, limit=limit, label=label, watch=watch)
    try:
        report = run(force_copy=False)
    except duckdb.InvalidInputException as exc:
        if "state machine" not in str(exc):  # anything else is not a CSV shape DuckDB refuses
            raise
        report = None
    if report is not None and not _unscannable(report):
        return report
    # Mixed line endings (CRLF and LF in one file) stop DuckDB's CSV reader: read a normalised copy,
    # as Python's csv module (and so frictionless) reads the file.
    return run(force_copy=True)


def _unscannable(report: Report) -> bool:
    """True when DuckDB could not scan the CSV at all (hmipdata.checker.rawtext.diagnose said so)."""
    return any(i.code == "source-error" and i.message.startswith("the CSV cannot be read") for i in report.issues)


def _check_one(path, schema, dialect, *, package, limit, label, watch, force_copy: bool) -> Report:
    """One DuckDB connection, bounded in memory, checking one file (a normalised copy when needed)."""
    import duckdb

    from hmipdata.checker.engine import validate_text_table
    from hmipdata.checker.textfile import open_csv, open_parquet
    from hmipdata.checker.wide import is_wide, validate_wide

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # no progress noise on stderr unless watched
    spill = tempfile.mkdtemp(prefix="hmipdata-")
    # Bounded memory: past this DuckDB spills the checked table and key hashes to disk.
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'; SET temp_directory = {literal(spill)}")
    mapping = None
    try:
        if path.suffix.lower() == ".parquet":
            table = open_parquet(con, path, label, "__text_main")
        else:
            source = path
            if dialect.needs_copy or force_copy:
                source = Path(spill) / "normalised.csv"
                try:
                    mapping = normalise(path, dialect, schema.field_names, source)
                except DecodeProblem as exc:
                    report = Report()
                    report.add(
                        Issue("encoding-error", f"text is not valid {dialect.encoding}", path=label, row=exc.line)
                    )
                    return report
            read_as = Dialect() if mapping is not None else dialect
            if is_wide(source, read_as.csv_kwargs()):
                resolve = _package_resolver(con, package)
                report = validate_wide(con, source, label, schema, limit, resolve, read_as.csv_kwargs())
                return remap(report, mapping) if mapping is not None else report
            table = open_csv(con, source, label, "__text_main", read_as)
        # DuckDB compresses tables in a database file (not in-memory temporary ones): the checked
        # table of a 10M-row file stays small and memory bounded.
        con.execute(f"ATTACH {literal(str(Path(spill) / 'scratch.duckdb'))} AS scratch")
        table.scratch = "scratch"
        with watch(con) if watch else nullcontext():
            report, _ = validate_text_table(
                con,
                table,
                schema,
                limit=limit,
                resolve=_package_resolver(con, package),
                require_rows=False,
                fast=FAST_PATH,
            )
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return remap(report, mapping) if mapping is not None else report


def validate_source(
    source: str | None,
    schema_path: Path,
    *,
    package: Path | None = None,
    limit: int | None = 5,
    watch: Watcher | None = None,
    dialect: dict | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
) -> Report:
    """One file, or many as one dataset: a glob, a directory (hive layouts too), or, when ``source``
    is None, the ``path`` list of a v2 multipart resource given as the schema.

    ``engine="spark"`` runs the same checks on Spark (hmipdata/checker/spark_engine.py), one file at a time.
    """
    from hmipdata.checker.dataset import expand, is_dataset, validate_dataset

    if dialect is None:
        dialect = resource_dialect(schema_path)
    if engine == "spark":
        from hmipdata.checker.spark_engine import validate_source as on_spark

        return on_spark(source, schema_path, package=package, limit=limit, dialect=dialect, master=spark_master)
    if source is None:
        data = read_mapping(schema_path)
        paths = data.get("path") if "schema" in data else None
        if not paths:
            raise SchemaError(f"{schema_path}: give FILE, or a resource with 'path' as --schema")
        schema = load_schema(schema_path)
        files = expand(paths if isinstance(paths, list) else [paths], schema_path.parent)
        return validate_dataset(files, schema, package=package, limit=limit, dialect=dialect)
    if is_dataset(source):
        return validate_dataset(expand(source), load_schema(schema_path), package=package, limit=limit, dialect=dialect)
    return validate_file(Path(source), schema_path, package=package, limit=limit, watch=watch, dialect=dialect)


def resource_dialect(path: Path) -> dict | None:
    """The ``dialect`` of a resource descriptor given as the schema file, if any."""
    try:
        data = read_mapping(path)
    except SchemaError:
        return None  # load_schema reports it
    dialect = data.get("dialect") if "schema" in data else None
    if isinstance(dialect, str):
        return read_mapping(path.parent / dialect)
    return dialect


def capped(report: Report, limit: int) -> Report:
    """The same report with at most ``limit`` examples per group (counts unchanged)."""
    groups = [Group(g.path, g.code, g.column, g.rule, g.count, g.examples[:limit], g.severity) for g in report.groups]
    return replace(report, groups=groups)  # the same kind of report (a Spark report keeps its notes)
