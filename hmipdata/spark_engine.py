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

import csv
import io
import itertools
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hmipdata import spark_sql as sq
from hmipdata.errors import Group, Issue, Report, SchemaError, UsageError
from hmipdata.header import Match, match_header
from hmipdata.schema import TableSchema
from hmipdata.textfile import REJECT_CODES, TextTable, blank_lines, physical_lines

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

        from hmipdata.textfile import open_csv

        con = duckdb.connect()
        try:
            table = open_csv(con, Path(path.removeprefix("file://")), label, "t", dialect)
        finally:
            con.close()
    else:
        from hmipdata.textfile import _check_header

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


# The checked table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    rule: sq.Rule
    index: int


def placed_rules(match: Match) -> list[Placed]:
    return [Placed(rule, i) for i, f in match.placement for rule in sq.cell_rules(f, f"v{i}", f"p{i}")]


def key_fields(schema: TableSchema) -> list[str]:
    from hmipdata.engine import _key_fields

    return _key_fields(schema)


def checked_sql(scan: Scan, schema: TableSchema, match: Match, placed: list[Placed]) -> str:
    """One pass: missing values, typed values, one boolean per rule, key values, the cells of failing rows."""
    n = len(scan.table.header)
    fields = match.placement
    used = {i for i, _ in fields}
    texts = [f"c{i}" for i in range(n)]
    missing = [f"{sq.missing(f'c{i}', schema.missing_for(f))} AS v{i}" for i, f in fields]
    layer1 = f"SELECT {', '.join(['__id', '__corrupt', *texts, *missing])} FROM {scan.view}"
    blank = " AND ".join(
        [f"v{i} IS NULL" for i, _ in fields] + [f"nullif(c{i}, '') IS NULL" for i in texts_unused(n, used)]
    )
    parsed = [f"{sq.parse_sql(f, f'v{i}')} AS p{i}" for i, f in fields]
    layer2 = f"SELECT *, {blank or 'false'} AS __blank{''.join(', ' + p for p in parsed)} FROM ({layer1})"
    flags = ["__blank AS f0"]
    for j, item in enumerate(placed, start=1):
        bad = item.rule.bad_sql
        if item.rule.name == "required":
            bad = f"({bad}) AND NOT __blank"  # a blank row is one blank-row error, as in Frictionless
        flags.append(f"coalesce({bad}, false) AS f{j}")
    index = {f.name: i for i, f in fields}
    keys = [f"p{index[k]} AS {sq.ident('k_' + k)}" for k in key_fields(schema) if k in index]
    layer3 = f"SELECT {', '.join(['__id', '__corrupt', *texts, *flags, *keys])} FROM ({layer2})"
    failing = " OR ".join(f"f{j}" for j in range(len(placed) + 1))
    texts_or_empty = ", ".join(f"coalesce(c{i}, '')" for i in range(n))
    cells = f"CASE WHEN {failing} THEN array({texts_or_empty}) END"
    outer = ["__id", "__corrupt", *(f"f{j}" for j in range(len(placed) + 1))]
    outer += [sq.ident("k_" + k) for k in key_fields(schema) if k in index]
    return f"SELECT {', '.join(outer)}, {cells} AS __cells FROM ({layer3})"


def texts_unused(n: int, used: set[int]) -> list[str]:
    return [f"c{i}" for i in range(n) if i not in used]


def check_patterns(spark, schema: TableSchema) -> None:
    """Refuse patterns RE2 (the DuckDB engine) or Java (Spark) cannot run, before scanning anything."""
    import duckdb

    from hmipdata.engine import check_patterns as re2_patterns

    re2_patterns(duckdb.connect(), schema)
    for f in schema.fields:
        pattern = f.constraints.get("pattern")
        if pattern is None:
            continue
        try:
            spark.sql(f"SELECT {sq.full_match(sq.literal(''), pattern)}").collect()
        except Exception as exc:  # Spark raises its own error classes for a Java regex syntax error
            raise SchemaError(
                f"field {f.name!r}: pattern {pattern!r} is not supported by Java's regular expressions ({str(exc).splitlines()[0]})"
            ) from None


# Ragged rows ----------------------------------------------------------------------------------


def ragged_rows(scan: Scan, checked) -> list[tuple[int, str, int]]:
    """Rows whose number of cells is not the header's: (id, text, cells); a trailing empty cell is allowed."""
    width = len(scan.table.header)
    found = []
    for row_id, text in checked.where("__corrupt IS NOT NULL").select("__id", "__corrupt").collect():
        try:
            cells = next(csv.reader(io.StringIO(text, newline=""), **scan.table.csv_options), [])
        except csv.Error:
            cells = []
        count = len(cells)
        if count == width + 1 and cells[-1] == "":  # "1,2,3," under three columns reads as "1,2,3"
            count = width
        if count != width:
            found.append((row_id, text, count))
    return found


def ragged_groups(scan: Scan, ragged: list[tuple[int, str, int]], limit: int | None) -> Report:
    """One missing-cell or extra-cell error per cell of each ragged row, as the DuckDB engine reports rejects."""
    width = len(scan.table.header)
    by_kind: dict[str, list[Issue]] = {}
    counts: dict[str, int] = {}
    lines = scan.lines_of(r[0] for r in ragged)
    for row_id, text, count in sorted(ragged, key=lambda r: r[0]):
        kind = "MISSING COLUMNS" if count < width else "TOO MANY COLUMNS"
        code, message = REJECT_CODES[kind]
        numbers = range(count + 1, width + 1) if count < width else range(width + 1, count + 1)
        counts[kind] = counts.get(kind, 0) + len(numbers)
        examples = by_kind.setdefault(kind, [])
        for number in numbers:
            if limit is None or len(examples) < limit:
                examples.append(
                    Issue(code, message, path=scan.table.label, row=lines[row_id], value=text, column_number=number)
                )
    report = Report()
    for kind, examples in by_kind.items():
        report.add_group(Group(scan.table.label, REJECT_CODES[kind][0], None, kind.lower(), counts[kind], examples))
    return report


# Cells ----------------------------------------------------------------------------------------


def check_cells(scan: Scan, schema: TableSchema, match: Match, placed: list[Placed], good: str, limit) -> Report:
    """Counts of every rule in one aggregate over the cached table; the first ``limit`` examples of each."""
    from hmipdata.engine import _type_hint

    spark, flags = scan.spark, len(placed) + 1
    sums = ", ".join(f"sum(CAST(f{j} AS INT))" for j in range(flags))
    parts = spark.sql(f"SELECT shiftright(__id, 33), count(*), {sums} FROM {good} GROUP BY 1").collect()
    rows, counts = sum(p[1] for p in parts), [sum(p[2 + j] or 0 for p in parts) for j in range(flags)]
    scan.number_records({p[0]: p[1] for p in parts})
    failing = [j for j in range(flags) if counts[j]]
    examples = _examples(spark, good, failing, limit)
    lines = scan.lines_of(i for items in examples.values() for i, _ in items)
    report = Report()
    _blank_line_group(scan, limit, report)
    _positional_cells(scan, match, rows, limit, report)
    label = scan.table.label
    for j in failing:
        items = examples.get(j, [])
        if j == 0:
            issues = [Issue("blank-row", "row is blank", path=label, row=lines[i], rule="blank row") for i, _ in items]
            report.add_group(Group(label, "blank-row", None, "blank row", counts[0], issues))
            continue
        rule, index = placed[j - 1].rule, placed[j - 1].index
        issues = []
        for i, cells in items:
            value = cells[index] if cells is not None else None
            issues.append(
                Issue(
                    rule.code,
                    f"{rule.field} {rule.message}",
                    path=label,
                    row=lines[i],
                    column=rule.field,
                    column_number=index + 1,
                    value=value,
                    rule=rule.name,
                    hint=_type_hint(schema, rule.code, rule.field, value),
                )
            )
        report.add_group(Group(label, rule.code, rule.field, rule.name, counts[j], issues))
    scan.rows = rows
    return report


def _examples(spark, good: str, failing: list[int], limit: int | None) -> dict[int, list[tuple[int, list]]]:
    """The first ``limit`` (id, cells) of each failing flag, in file order: one query (top N per flag)."""
    if not failing or limit == 0:
        return {}
    marks = ", ".join(f"CASE WHEN f{j} THEN {j} END" for j in failing)
    where = " OR ".join(f"f{j}" for j in failing)
    inner = f"SELECT __id, __cells, explode(filter(array({marks}), x -> x IS NOT NULL)) AS j FROM {good} WHERE {where}"
    if limit is not None:
        ranked = f"SELECT *, row_number() OVER (PARTITION BY j ORDER BY __id) AS rn FROM ({inner})"
        inner = f"SELECT * FROM ({ranked}) WHERE rn <= {int(limit)}"
    out: dict[int, list[tuple[int, list]]] = {}
    for row in spark.sql(f"SELECT j, __id, __cells FROM ({inner})").collect():
        out.setdefault(row[0], []).append((row[1], row[2]))
    return {j: sorted(items, key=lambda item: item[0]) for j, items in out.items()}


def _blank_line_group(scan: Scan, limit, report: Report) -> None:
    """Empty lines are blank rows too (Spark skips them, so they are found in a local file's lines)."""
    if not scan.local:
        return
    lines = blank_lines(scan.table, scan.records)
    if lines:
        issues = [Issue("blank-row", "row is blank", path=scan.table.label, row=n) for n in lines[:limit]]
        report.add_group(Group(scan.table.label, "blank-row", None, "blank line", len(lines), issues))


def _positional_cells(scan: Scan, match: Match, rows: int, limit, report: Report) -> None:
    """``fieldsMatch: exact``: cells beyond the fields, or fields beyond the header, on every row."""
    wanted = rows if limit is None else min(rows, limit)
    if not wanted or not (match.extra_columns or match.missing_fields):
        return
    records = list(range(1, wanted + 1))
    lines = physical_lines(None, scan.table, records, scan.records, 0) if scan.local else {}
    groups: list[tuple[str, str | None, int, str]] = [
        ("extra-cell", None, i + 1, "row has more cells than the schema has fields") for i in match.extra_columns
    ]
    for i, f in match.missing_fields:
        if f.required:
            groups.append(("constraint-error", f.name, i + 1, f"{f.name} is required but blank"))
        groups.append(("missing-cell", f.name, i + 1, f"row has no cell for field {f.name!r}"))
    label = scan.table.label
    for code, column, number, message in groups:
        rule = "required" if code == "constraint-error" else "schema width"
        issues = [
            Issue(code, message, path=label, row=lines.get(r, r + 1), column=column, column_number=number, rule=rule)
            for r in records
        ]
        report.add_group(Group(label, code, column, rule, rows, issues))


# The whole file -------------------------------------------------------------------------------


def register_readers(spark, schema: TableSchema) -> None:
    """The Python readers of hmipdata/celltypes.py as Spark UDFs (for the types DuckDB also reads in Python)."""
    from pyspark.sql.types import BooleanType

    from hmipdata.celltypes import reader, udf_name

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

    read(scan, path, dialect, multiline)
    checked = scan.spark.sql(checked_sql(scan, schema, match, placed)).persist(StorageLevel.MEMORY_AND_DISK)
    return checked, ragged_rows(scan, checked)  # the first action: the one scan of the file fills the cache


def check_text(spark, path: str, label: str, schema: TableSchema, dialect, *, resolve, limit) -> Report:
    """Every check of ``schema`` on one CSV file read by Spark; structure issues first, as the DuckDB engine."""
    from hmipdata.engine import check_labels, placement
    from hmipdata.spark_keys import check_foreign_keys, check_keys
    from hmipdata.textfile import check_nul

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
    from hmipdata.dialect import Dialect
    from hmipdata.schema import parse_schema, read_mapping

    resources = {}
    if package is not None:
        for res in read_mapping(package).get("resources", []):
            resources[res.get("name")] = res
    loaded: dict[str, str] = {}

    def resolve(fk):
        name = fk.resource
        if name not in loaded:
            res = resources.get(name)
            if res is None or package is None:
                return None
            schema = res.get("schema")
            if isinstance(schema, str):
                schema = read_mapping(package.parent / schema)
            ref_schema = parse_schema(schema or {}, f"{package}:{name}")
            path = str(package.parent / str(res.get("path")))
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
    from hmipdata.dialect import Dialect, normalise, parse_dialect, remap
    from hmipdata.inputs import file_problem
    from hmipdata.schema import load_schema
    from hmipdata.validate import resource_dialect

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
    from hmipdata.dataset import is_dataset

    if source is None or (is_local(source) and is_dataset(source)):
        raise UsageError("--engine spark checks one CSV file at a time; use --engine duckdb for a dataset")
    return validate_file(source, schema_path, package=package, limit=limit, dialect=dialect, master=master)
