"""Validate a CSV file on Apache Spark with the checks of the DuckDB engine (``--engine spark``).

The same rules (:mod:`hmipdata.sqlrules`, written in Spark SQL by
:mod:`hmipdata.spark_sql`) are evaluated in one parallel scan into a cached
table of rule flags and typed key values (cells are kept only for rows that
break a rule); counts, first examples, keys and foreign keys are queries over
that table. The report has the DuckDB engine's shape: the same codes, columns,
rules, counts and examples.

Row numbers: Spark splits a file between tasks and numbers nothing; records
are numbered here by their order in the file (``monotonically_increasing_id``
grows with the split and the position in it). For a local file they become
the lines an editor shows, as in the DuckDB engine (one line per record:
record + header lines; otherwise one walk of the file with Python's csv
module). For a file Spark reads from elsewhere (``hdfs://``, ``s3a://``) they
stay record numbers + 1, and the report says so in its ``notes``.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hmipdata.checker import spark_sql as sq
from hmipdata.checker.errors import Issue, Report, UsageError
from hmipdata.checker.header import Match, match_header
from hmipdata.checker.schema import TableSchema
from hmipdata.checker.textfile import TextTable, physical_lines

INSTALL = "pip install 'hmipdata[spark]'"
DEFAULT_MASTER = "local[*]"
RECORD_NOTE = (
    "row numbers are record numbers + 1 (a record's line when every record is one line): "
    "Spark reads the file in parallel splits and does not know its lines"
)
_IDS = itertools.count()
_LOG4J = "rootLogger.level = off\nrootLogger.appenderRef.stdout.ref = console\nappender.console.type = Console\nappender.console.name = console\n"


class SparkUnavailable(UsageError):
    """``--engine spark`` where pyspark or Java is missing (exit 2, one line)."""


@dataclass
class SparkReport(Report):
    """A report with notes on what the engine could not know (e.g. line numbers)."""

    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = super().to_dict()
        if not self.notes:
            return out
        groups = out.pop("groups")
        return {**out, "notes": list(self.notes), "groups": groups}

    def render_text(self) -> str:
        text = super().render_text()
        notes = "\n".join(f"note: {n}" for n in self.notes)
        return "\n".join(part for part in (notes, text) if part)


def require_pyspark() -> None:
    """Refuse, in one line, to run without pyspark."""
    import importlib.util

    if importlib.util.find_spec("pyspark") is None:
        raise SparkUnavailable(f"--engine spark needs pyspark, which is not installed: {INSTALL}")


def session(master: str | None = None):
    """The SparkSession (started once per process); ``master`` as ``spark-submit --master`` takes it."""
    import warnings

    require_pyspark()
    from pyspark.sql import SparkSession

    # pyspark warns about the pandas version when a DataFrame is made from Python rows; pandas is not used here
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the UDFs' workers need hmipdata too
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise SparkUnavailable("--engine spark needs Java 17 or later (e.g. apt-get install openjdk-17-jre-headless)")
    master = master or DEFAULT_MASTER
    log4j = Path(tempfile.gettempdir()) / "hmipdata-spark-log4j2.properties"
    if not log4j.exists():
        log4j.write_text(_LOG4J)
    builder = (
        SparkSession.builder.master(master)
        .appName("hmipdata validate")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log4j}")
    )
    if master.startswith("local"):
        builder = builder.config("spark.sql.shuffle.partitions", "8")
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: Java missing or too old, or the master is unreachable
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SparkUnavailable(f"Spark did not start ({master}): {first}") from None
    spark.sparkContext.setLogLevel("OFF")
    return spark


def is_local(path: str | Path) -> bool:
    text = str(path)
    return "://" not in text or text.startswith("file://")


@dataclass
class Scan:
    """One file read by Spark: its text columns ``c0..cN``, ``__corrupt`` (ragged rows) and ``__id`` (order)."""

    spark: object
    table: TextTable  # header, structure issues; for a local file its layout (line numbers, blank lines)
    local: bool
    view: str = ""
    records: int = 0
    rows: int = 0  # records checked (ragged rows left out)
    ragged: list = field(default_factory=list)  # (id, text, cells) of rows with too few or too many cells
    offsets: dict[int, int] = field(default_factory=dict)

    def record(self, row_id: int) -> int:
        """1-based record number of a row id (Spark's ids hold the split in their upper bits)."""
        return self.offsets.get(row_id >> 33, 0) + (row_id & ((1 << 33) - 1)) + 1

    def number_records(self, per_split: dict[int, int]) -> None:
        """Record numbers from the rows checked per split, with the ragged rows (which are records too)."""
        per_split = dict(per_split)
        for row_id, _, _ in self.ragged:
            per_split[row_id >> 33] = per_split.get(row_id >> 33, 0) + 1
        total = 0
        for split in sorted(per_split):
            self.offsets[split] = total
            total += per_split[split]
        self.records = total

    def lines_of(self, ids) -> dict[int, int]:
        """The line (local file) or record number + 1 (elsewhere) of each row id."""
        records = {i: self.record(i) for i in ids}
        if not records:
            return {}
        wanted = sorted(set(records.values()))
        lines = physical_lines(None, self.table, wanted, self.records, 0) if self.local else {}
        return {i: lines.get(r, r + self.table.header_lines) for i, r in records.items()}


def open_text(spark, path: str, label: str, dialect) -> Scan:
    """Check the header and structure of ``path`` as the DuckDB engine does; ``read`` then gives its rows."""
    local = is_local(path)
    if local:
        import duckdb

        from hmipdata.checker.textfile import open_csv

        con = duckdb.connect()
        try:
            table = open_csv(con, Path(path.removeprefix("file://")), label, "t", dialect)
        finally:
            con.close()
    else:
        from hmipdata.checker.textfile import _check_header

        first = spark.read.options(**_options(dialect, False)).csv(path).first()
        table = TextTable("t", Path(path), label, [c or "" for c in first] if first else [])
        table.csv_options = dialect.csv_kwargs()
        _check_header(table)
    return Scan(spark, table, local)


def read(scan: Scan, path: str, dialect, multiline: bool) -> None:
    """Register the rows of ``path`` as text view ``scan.view`` (``multiline``: records may span lines)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    columns = [StructField(f"c{i}", StringType()) for i in range(len(scan.table.header))]
    schema = StructType([*columns, StructField("__corrupt", StringType())])
    reader = scan.spark.read.schema(schema).options(**_options(dialect, multiline), header=True)
    df = reader.csv(str(path)).withColumn("__id", F.monotonically_increasing_id())
    scan.view = f"__hm{next(_IDS)}_text"
    df.createOrReplaceTempView(scan.view)


def _options(dialect, multiline: bool) -> dict:
    quote = dialect.quote_char or "\u0000"
    return {
        "sep": dialect.delimiter,
        "quote": quote,
        "escape": dialect.escape_char or quote,
        "mode": "PERMISSIVE",
        "columnNameOfCorruptRecord": "__corrupt",
        "multiLine": multiline,
        "enforceSchema": True,
        "encoding": "UTF-8",
        "ignoreLeadingWhiteSpace": bool(dialect.skip_initial_space),
    }


# The whole file -------------------------------------------------------------------------------


def register_readers(spark, schema: TableSchema) -> None:
    """The Python readers of hmipdata/celltypes.py as Spark UDFs (for the types DuckDB also reads in Python)."""
    from pyspark.sql.types import BooleanType

    from hmipdata.checker.celltypes import reader, udf_name

    for f in schema.fields:
        fn = reader(f.type, f.format)
        if fn is not None:
            spark.udf.register(udf_name(f.type, f.format), _null_safe(fn), BooleanType())


def _null_safe(fn):
    def read(cell):
        return None if cell is None else fn(cell)

    return read


def _unbalanced(ragged: list[tuple[int, str, int]], quote: str) -> bool:
    """A ragged row with an odd number of quotes may be half of a record with a quoted newline."""
    return bool(quote) and any(text.count(quote) % 2 for _, text, _ in ragged)


def _checked(scan: Scan, path: str, dialect, schema: TableSchema, match: Match, placed, multiline: bool):
    from pyspark import StorageLevel

    from hmipdata.checker.spark_cells import checked_sql, ragged_rows

    read(scan, path, dialect, multiline)
    checked = scan.spark.sql(checked_sql(scan, schema, match, placed)).persist(StorageLevel.MEMORY_AND_DISK)
    return checked, ragged_rows(scan, checked)  # the first action: the one scan of the file fills the cache


def check_text(spark, path: str, label: str, schema: TableSchema, dialect, *, resolve, limit) -> Report:
    """Every check of ``schema`` on one CSV file read by Spark; structure issues first, as the DuckDB engine."""
    from hmipdata.checker.engine import check_labels, placement
    from hmipdata.checker.spark_cells import check_cells, placed_rules, ragged_groups
    from hmipdata.checker.spark_keys import check_foreign_keys, check_keys
    from hmipdata.checker.textfile import check_nul

    scan = open_text(spark, path, label, dialect)
    report = SparkReport(notes=[] if scan.local else [RECORD_NOTE])
    table = scan.table
    if table.readable:
        check_labels(table, schema)
    if not table.readable or not table.header:
        report.extend(table.report)
        return report
    match = placement(table, schema)
    placed = placed_rules(match)
    checked, ragged = _checked(scan, path, dialect, schema, match, placed, multiline=False)
    if _unbalanced(ragged, dialect.quote_char):  # quoted newlines: read again, each file whole
        checked.unpersist()
        checked, ragged = _checked(scan, path, dialect, schema, match, placed, multiline=True)
    try:
        if scan.local and not check_nul(table):
            report.extend(table.report)
            return report
        good = f"{scan.view}_checked"
        checked.createOrReplaceTempView(good)
        scan.ragged = ragged
        if ragged:
            ids = spark.createDataFrame([(r[0],) for r in ragged], "__id bigint")
            checked.join(ids, "__id", "left_anti").createOrReplaceTempView(good)
        cells = check_cells(scan, schema, match, placed, good, limit)  # numbers the records first
        table.report.extend(ragged_groups(scan, ragged, limit))
        report.extend(table.report)
        report.extend(cells)
        report.extend(check_keys(scan, schema, match, good, limit))
        if resolve is not None:
            report.extend(check_foreign_keys(scan, schema, match, good, resolve, limit))
    finally:
        checked.unpersist()
    return report


def package_resolver(spark, package: Path | None):
    """Foreign keys to resources of a datapackage.json, read by Spark and typed (not validated)."""
    from hmipdata.checker.dialect import Dialect
    from hmipdata.checker.validate import package_resources

    find = package_resources(package)
    loaded: dict[str, str] = {}

    def resolve(fk):
        name = fk.resource
        if name not in loaded:
            found = find(name)
            if found is None:
                return None
            ref_schema, ref_path = found
            path = str(ref_path)
            scan = open_text(spark, path, path, Dialect())
            read(scan, path, Dialect(), multiline=False)
            placed = match_header(scan.table.header, ref_schema).placement
            cols = [
                f"{sq.parse_sql(f, sq.missing(f'c{i}', ref_schema.missing_for(f)))} AS {sq.ident(f.name)}"
                for i, f in placed
            ]
            loaded[name] = f"{scan.view}_typed"
            spark.sql(f"SELECT {', '.join(cols)} FROM {scan.view}").cache().createOrReplaceTempView(loaded[name])
        return loaded[name], [sq.ident(f) for f in fk.reference_fields]

    return resolve


def validate_file(
    path: str | Path,
    schema: TableSchema | Path,
    *,
    package: Path | None = None,
    limit: int | None = 5,
    label: str | None = None,
    dialect=None,
    master: str | None = None,
) -> Report:
    """Check one CSV file (a local path, or any path Spark reads) against ``schema`` on Spark.

    The same checks and report as :func:`hmipdata.validate.validate_file`;
    ``master`` is Spark's (default ``local[*]``).
    """
    from hmipdata.checker.dialect import Dialect, normalise, parse_dialect, remap
    from hmipdata.checker.inputs import file_problem
    from hmipdata.checker.schema import load_schema
    from hmipdata.checker.validate import resource_dialect

    require_pyspark()
    if not isinstance(schema, TableSchema):
        if dialect is None:
            dialect = resource_dialect(Path(schema))
        schema = load_schema(Path(schema))
    if not isinstance(dialect, Dialect):
        dialect = parse_dialect(dialect)
    text = str(path)
    label = label or text
    local = is_local(text)
    if local:
        problem = file_problem(Path(text.removeprefix("file://")))
        if problem:
            report = SparkReport()
            report.add(Issue("source-error", problem, path=label, hint="check the path"))
            return report
        if Path(text).suffix.lower() in (".parquet", ".xlsx", ".xlsm", ".ods"):
            raise UsageError(f"{label}: --engine spark checks CSV files; use --engine duckdb for this file")
    elif dialect.needs_copy:
        raise UsageError(f"{label}: --engine spark reads this dialect from local files only")
    spark = session(master)
    from hmipdata.checker.spark_cells import check_patterns

    check_patterns(spark, schema)
    register_readers(spark, schema)
    spill = tempfile.mkdtemp(prefix="hmipdata-spark-")
    mapping = None
    try:
        source, read_as = text.removeprefix("file://"), dialect
        if local and dialect.needs_copy:
            source, read_as = str(Path(spill) / "normalised.csv"), Dialect()
            mapping = normalise(Path(text), dialect, schema.field_names, Path(source))
        report = check_text(
            spark,
            source,
            label,
            schema,
            read_as,
            resolve=package_resolver(spark, Path(package) if package else None),
            limit=limit,
        )
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    return remap(report, mapping) if mapping is not None else report


def validate_source(source: str | None, schema_path: Path, *, package, limit, dialect, master) -> Report:
    """``hmipdata validate FILE --engine spark``: one CSV file (datasets of many files: the DuckDB engine)."""
    from hmipdata.checker.dataset import is_dataset

    if source is None or (is_local(source) and is_dataset(source)):
        raise UsageError("--engine spark checks one CSV file at a time; use --engine duckdb for a dataset")
    return validate_file(source, schema_path, package=package, limit=limit, dialect=dialect, master=master)
