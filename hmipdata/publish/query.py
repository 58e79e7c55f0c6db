"""Run SQL on the built database and format the result as a plain-text table."""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable
from pathlib import Path

from hmipdata.checker.errors import UsageError


def format_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def format_table(columns: list[str], rows: list[tuple]) -> str:
    """Columns aligned under a header; numbers right-aligned."""
    cells = [[format_value(v) for v in row] for row in rows]
    numeric = [
        all(isinstance(r[i], (int, float, decimal.Decimal)) or r[i] is None for r in rows) and bool(rows)
        for i in range(len(columns))
    ]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric)).rstrip()

    out = [line(columns), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' * (len(rows) != 1)})")
    return "\n".join(out)


MISSING_TABLE = re.compile(r"Table with name (\S+) does not exist")


def run_query(database: Path, query: str, declared: Callable[[], frozenset[str]] = frozenset) -> str:
    """Run ``query`` on ``database`` (read-only); every failure is a :class:`UsageError` naming it.

    A table that ``declared()`` names (the schemas' tables, read only then) but the database lacks means
    ``build/`` is older than the schemas."""
    import duckdb

    from hmipdata.checker.safetext import first_line

    if not query.strip():
        raise UsageError('the query is empty: give one, e.g. hmipdata sql "select count(*) from caseloads"')
    if not database.is_file():
        what = "is not a file" if database.exists() else "not found"
        raise UsageError(f"{database} {what}: run `make build` (or `hmipdata build`) first, or check --database")
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as exc:
        raise UsageError(f"{database}: cannot be opened as a DuckDB database ({first_line(exc)})") from None
    try:
        cursor = con.execute(query)
        if cursor is None or cursor.description is None:
            return ""
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()  # errors may surface only while fetching
    except duckdb.Error as exc:
        missing = MISSING_TABLE.search(first_line(exc))
        if missing and missing[1].strip('"').lower() in declared():
            raise UsageError(
                f"table {missing[1]} is declared in schemas/ but not in {database}, which is older than the schemas: "
                "run `make build` (or `hmipdata build`), then the query again"
            ) from None
        raise UsageError(f"query failed: {first_line(exc)}") from None
    finally:
        con.close()
    return format_table(columns, rows)
