"""Run SQL on the built database and format the result as a plain-text table."""

from __future__ import annotations

import decimal
from pathlib import Path

from hmipdata.errors import UsageError


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


def run_query(database: Path, query: str) -> str:
    import duckdb

    if not database.exists():
        raise UsageError(f"{database} not found: run `make build` (or `hmipdata build`) first")
    con = duckdb.connect(str(database), read_only=True)
    try:
        cursor = con.execute(query)
    except duckdb.Error as exc:
        raise UsageError(f"query failed: {str(exc).splitlines()[0]}") from None
    if cursor.description is None:
        return ""
    columns = [d[0] for d in cursor.description]
    return format_table(columns, cursor.fetchall())
