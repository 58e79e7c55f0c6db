"""Many files as one dataset: globs, directories, hive-partitioned layouts and v2 multipart resources.

Cell rules are row-local, so each file is checked on its own (its errors
name the file and its lines). Keys are global: every file's typed key
columns go into one table, numbered across files, and the same key checks
as for one file (primary key, unique, foreign keys, including references
within the dataset) run on it; each finding is then mapped back to its file
and line. In a hive layout (``year=2020/part-0.csv``) the partition values
are columns of every row of the file, as DuckDB and Spark read them.
"""

from __future__ import annotations

import glob
import re
from dataclasses import replace
from pathlib import Path

from hmipdata.checker.errors import Group, Issue, Report
from hmipdata.checker.schema import TableSchema
from hmipdata.checker.sqlrules import ident, literal

DATA_SUFFIXES = (".csv", ".parquet", ".tsv", ".txt")


def is_dataset(source: str | list) -> bool:
    """True for a list of paths, a glob pattern or a directory."""
    if isinstance(source, (list, tuple)):
        return True
    return any(c in source for c in "*?[") or Path(source).is_dir()


def expand(source: str | list, base: Path | None = None) -> list[Path]:
    """The data files a source names, in a stable order."""
    if isinstance(source, (list, tuple)):
        return [(base / p) if base and not Path(p).is_absolute() else Path(p) for p in source]
    if Path(source).is_dir():
        found = [p for p in Path(source).rglob("*") if p.is_file() and p.suffix.lower() in DATA_SUFFIXES]
    else:
        found = [Path(p) for p in glob.glob(source, recursive=True) if Path(p).is_file()]
    return sorted(found, key=lambda p: str(p))


def partitions(path: Path) -> dict[str, str]:
    """Hive partition values from the path (``.../year=2020/region=north/part.csv``)."""
    out = {}
    for part in path.parent.parts:
        m = re.fullmatch(r"([^=]+)=(.*)", part)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def _without_keys(schema: TableSchema) -> TableSchema:
    fields = tuple(
        replace(f, constraints={k: v for k, v in f.constraints.items() if k != "unique"}) for f in schema.fields
    )
    return replace(schema, fields=fields, primary_key=(), unique_keys=(), foreign_keys=())


def validate_dataset(files: list[Path], schema: TableSchema, *, package=None, limit=5, dialect=None) -> Report:
    """Check every file's cells and structure, then the keys across all files."""
    from hmipdata.checker.validate import validate_file

    report = Report()
    if not files:
        report.add(Issue("source-error", "no data files found", hint="check the glob, directory or paths"))
        return report
    if dataset_is_clean(files, schema, package, dialect):  # one aggregate over every file: most datasets stop here
        return report
    cells_only = _without_keys(schema)
    for path in files:
        hive = partitions(path)
        part_schema = cells_only
        if hive:  # partition values live in the path, not in the file
            part_schema = replace(cells_only, fields=tuple(f for f in cells_only.fields if f.name not in hive))
        report.extend(validate_file(path, part_schema, limit=limit, dialect=dialect))
    if (
        schema.primary_key
        or schema.unique_keys
        or schema.foreign_keys
        or any(f.constraints.get("unique") for f in schema.fields)
    ):
        report.extend(check_dataset_keys(files, schema, package=package, limit=limit, dialect=dialect))
    return report


def dataset_is_clean(files: list[Path], schema: TableSchema, package, dialect) -> bool:
    """The fast path (hmipdata/checker/fastpath.py) over all CSV files at once, keys across files included.

    Only for CSV files with the same header that need no normalised copy; any
    doubt returns False and the files are checked one by one.
    """
    import csv

    import duckdb

    from hmipdata.checker.dialect import parse_dialect
    from hmipdata.checker.fastpath import is_clean
    from hmipdata.checker.textfile import _POOL, csv_reader, open_csv
    from hmipdata.checker.validate import MEMORY_LIMIT, _package_resolver
    from hmipdata.checker.wide import WIDE_COLUMNS

    dialect = dialect if dialect is None or not isinstance(dialect, dict) else parse_dialect(dialect)
    if any(p.suffix.lower() == ".parquet" for p in files) or (dialect is not None and dialect.needs_copy):
        return False
    headers = set()
    for path in files:
        with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
            headers.add(tuple(next(csv.reader(fh, **(dialect.csv_kwargs() if dialect else {})), [])))
    hive = [partitions(p) for p in files]
    if len(headers) != 1 or len({tuple(h) for h in hive}) != 1 or len(next(iter(headers))) > WIDE_COLUMNS:
        return False
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'; SET enable_progress_bar = false")
    try:
        table = open_csv(con, files[0], "dataset", "__dataset_fast", dialect)
        if not table.readable:
            return False
        keys = [k for k in hive[0] if k in schema.field_names and k not in table.header]
        width = len(table.header)
        listed = "[" + ", ".join(literal(str(p)) for p in files) + "]"
        reader = csv_reader(listed, table.columns, dialect, "__dataset_fast", nullstr=False, hive=bool(keys))
        extra = "".join(f", CAST({ident(k)} AS VARCHAR) AS c{width + i}" for i, k in enumerate(keys))
        table.source = f"(SELECT {', '.join(table.columns)}{extra} FROM {reader})"
        table.header = [*table.header, *keys]
        table._layout = _POOL.submit(_combined_layout, files)  # counted while DuckDB scans
        table.header_lines = len(files)
        return bool(is_clean(con, table, schema, _package_resolver(con, package)))
    except duckdb.Error:
        return False
    finally:
        con.close()


def _combined_layout(files: list[Path]):
    """NUL bytes and lines of all the files, as if one (for the fast path's line count)."""
    from hmipdata.checker.textfile import Layout, scan_layout

    layouts = [scan_layout(p) for p in files]
    nul = next((x.nul_offset for x in layouts if x.nul_offset is not None), None)
    return Layout(nul, sum(x.lines for x in layouts), True)


def check_dataset_keys(files: list[Path], schema: TableSchema, *, package, limit, dialect) -> Report:
    """Key checks over the union of the files' key columns, findings mapped back to file and line."""
    import duckdb

    from hmipdata.checker.engine import Stats, _key_fields, _missing, check_foreign_keys, check_keys, checked_ref
    from hmipdata.checker.sqlrules import parse_sql
    from hmipdata.checker.textfile import TextTable, open_csv, open_parquet
    from hmipdata.checker.validate import _package_resolver

    con = duckdb.connect()
    names = [n for n in _key_fields(schema) if n in schema.field_names]
    tables, offsets = [], []
    total = 0
    con.execute(f"CREATE TEMP TABLE __keys (__row BIGINT{''.join(f', {ident(n)} VARCHAR' for n in names)})")
    for i, path in enumerate(files):
        opener = open_parquet if path.suffix.lower() == ".parquet" else open_csv
        table = (
            opener(con, path, str(path), f"__part{i}")
            if opener is open_parquet
            else opener(con, path, str(path), f"__part{i}", dialect)
        )
        if not table.readable:
            tables.append(table)
            offsets.append(total)
            continue
        extra = partitions(path)
        cols = []
        for n in names:
            if n in table.header:
                cols.append(f"CAST(c{table.header.index(n)} AS VARCHAR)")
            elif n in extra:
                cols.append(literal(extra[n]))
            else:
                cols.append("NULL")
        con.execute(f"CREATE TEMP TABLE __p AS SELECT {', '.join(cols) or 'NULL'} FROM {table.source}")
        count = con.execute("SELECT count(*) FROM __p").fetchall()[0][0]
        con.execute(f"INSERT INTO __keys SELECT rowid + 1 + {total}, * FROM __p")
        con.execute("DROP TABLE __p")
        tables.append(table)
        offsets.append(total)
        total += count
    union = TextTable("__dataset", Path("dataset"), "dataset", list(schema.field_names), has_line_column=True)
    typed = [
        f"{parse_sql(schema.field(n), _missing(ident(n), schema.missing_for(schema.field(n))))} AS {ident('k_' + n)}"
        for n in names
    ]
    con.execute("CREATE TEMP VIEW __dataset AS SELECT __row, __row AS __line FROM __keys")
    con.execute(
        f"CREATE TEMP TABLE {checked_ref(union)} AS SELECT __row{''.join(', ' + t for t in typed)} FROM __keys ORDER BY __row"
    )
    stats = Stats(rows=total)
    found = check_keys(con, union, schema, limit, stats)
    found.extend(check_foreign_keys(con, union, schema, _package_resolver(con, package), limit, stats))
    return _locate(con, found, tables, offsets, stats)


def _locate(con, found: Report, tables, offsets, stats) -> Report:
    """Dataset-wide record numbers back to (file, line)."""
    import bisect

    from hmipdata.checker.textfile import physical_lines

    def where(row: int) -> tuple[str, int]:
        k = bisect.bisect_right(offsets, row - 1) - 1
        table = tables[k]
        record = row - offsets[k]
        rows = (offsets[k + 1] if k + 1 < len(offsets) else stats.rows) - offsets[k]
        line = physical_lines(con, table, [record], rows, 0).get(record, record)
        return table.label, line

    out = Report()
    for group in found.groups:
        issues = []
        for issue in group.examples:
            if issue.row is None:
                issues.append(issue)
                continue
            path, line = where(issue.row)
            message = re.sub(
                r"repeats line (\d+)", lambda m: "repeats {}:{}".format(*where(int(m.group(1)))), issue.message
            )
            issues.append(replace(issue, path=path, row=line, message=message))
        out.add_group(
            Group(issues[0].path if issues else "dataset", group.code, group.column, group.rule, group.count, issues)
        )
    return out
