"""The cell checks of ``--engine spark``: one query gives every rule's flag, then counts and examples.

The query is :func:`hmipdata.engine.checked_select`'s, in Spark SQL: missing
values, typed values, one boolean per rule (:mod:`hmipdata.spark_sql`), the
typed key values, and the cells of the rows that break a rule (the only cells
kept). Ragged rows (Spark's corrupt records) are reported cell by cell as the
DuckDB engine reports its rejected rows, and left out of the other checks.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hmipdata.checker import spark_sql as sq
from hmipdata.checker.errors import Group, Issue, Report, SchemaError
from hmipdata.checker.header import Match
from hmipdata.checker.schema import TableSchema
from hmipdata.checker.textfile import REJECT_CODES, blank_lines, physical_lines

if TYPE_CHECKING:
    from hmipdata.checker.spark_engine import Scan


# The checked table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    rule: sq.Rule
    index: int


def placed_rules(match: Match) -> list[Placed]:
    return [Placed(rule, i) for i, f in match.placement for rule in sq.cell_rules(f, f"v{i}", f"p{i}")]


def key_fields(schema: TableSchema) -> list[str]:
    from hmipdata.checker.engine import _key_fields

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

    from hmipdata.checker.engine import check_patterns as re2_patterns

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
    from hmipdata.checker.engine import _type_hint

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
