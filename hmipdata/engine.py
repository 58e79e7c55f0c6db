"""Validate a table's cells and keys against a Table Schema inside DuckDB.

One aggregate query counts every rule's failures and keeps the first
examples; keys and foreign keys take one grouped query each. Nothing is
loaded into Python but the examples, so files of any size stream through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hmipdata.errors import Group, Issue, Report
from hmipdata.schema import Field, ForeignKey, TableSchema
from hmipdata.sqlrules import Rule, cell_rules, ident, literal, missing_sql, parse_sql
from hmipdata.textfile import TextTable, collect_rejects, physical_lines

# Resolves a foreign key's referenced resource to (SQL relation, typed column SQL per field).
Resolver = Callable[[ForeignKey], "tuple[str, list[str]] | None"]


@dataclass
class Stats:
    rows: int = 0
    embedded_newlines: int = 0


def _columns(table: TextTable, schema: TableSchema) -> dict[str, str]:
    """Map schema field names to the text column holding them (by position)."""
    return {f.name: f"c{i}" for i, f in enumerate(schema.fields) if i < len(table.header)}


def check_labels(table: TextTable, schema: TableSchema) -> None:
    """Header names must be the schema's field names, in order."""
    names = schema.field_names
    for i, label in enumerate(table.header):
        if i >= len(names):
            table.issue(
                "extra-label", f"column {label!r} is not in the schema", row=1, column=label, column_number=i + 1
            )
        elif label != names[i] and label.strip():
            table.issue(
                "incorrect-label",
                f"column {i + 1} is named {label!r} but the schema expects {names[i]!r}",
                row=1,
                column=label,
                column_number=i + 1,
                value=label,
            )
    for i in range(len(table.header), len(names)):
        table.issue("missing-label", f"column {names[i]!r} is missing", row=1, column=names[i], column_number=i + 1)


def value_sql(f: Field, schema: TableSchema, col: str) -> tuple[str, str]:
    """SQL for the cell text (NULL when missing) and for the typed value."""
    v = missing_sql(ident(col), schema.missing_for(f))
    return v, parse_sql(f, f"({v})")


def typed_select(table: TextTable, schema: TableSchema) -> str:
    """SELECT giving the typed table (plus ``_line`` record number)."""
    cols = _columns(table, schema)
    parts = ["__row AS _row"]
    for f in schema.fields:
        if f.name in cols:
            _, p = value_sql(f, schema, cols[f.name])
            parts.append(f"{p} AS {ident(f.name)}")
        else:
            parts.append(f"NULL AS {ident(f.name)}")
    return f"SELECT {', '.join(parts)} FROM {ident(table.name)}"


def _rules(table: TextTable, schema: TableSchema) -> list[tuple[Rule, str, int]]:
    cols = _columns(table, schema)
    out = []
    for i, f in enumerate(schema.fields):
        if f.name not in cols:
            continue
        v, p = value_sql(f, schema, cols[f.name])
        for rule in cell_rules(f, v, p, in_key=f.name in schema.primary_key):
            out.append((rule, cols[f.name], i + 1))
    return out


def check_cells(con, table: TextTable, schema: TableSchema, limit: int) -> tuple[Report, Stats]:
    """Count every cell rule's failures in one scan; keep the first ``limit`` examples."""
    rules = _rules(table, schema)
    cols = table.columns
    blank = " AND ".join(f"coalesce({ident(c)}, '') = ''" for c in cols) or "false"
    newline = (
        " + ".join(f"coalesce(length({ident(c)}) - length(replace({ident(c)}, chr(10), '')), 0)" for c in cols) or "0"
    )
    aggs = [
        "count(*)",
        f"sum({newline})" if not table.is_parquet else "0",
        f"count_if({blank})",
        f"min(__row, {limit}) FILTER (WHERE {blank})",
    ]
    for rule, col, _ in rules:
        aggs.append(f"count_if({rule.bad_sql})")
        aggs.append(f"arg_min({ident(col)}, __row, {limit}) FILTER (WHERE {rule.bad_sql})")
        aggs.append(f"min(__row, {limit}) FILTER (WHERE {rule.bad_sql})")
    result = con.execute(f"SELECT {', '.join(aggs)} FROM {ident(table.name)}").fetchall()[0]
    stats = Stats(rows=int(result[0]), embedded_newlines=int(result[1] or 0))
    collect_rejects(con, table, limit)
    found: list[tuple[str, str | None, str | None, int, list[tuple[int, str | None]], str, int | None]] = []
    if result[2]:
        found.append(
            ("blank-row", None, "blank row", int(result[2]), [(r, None) for r in result[3]], "row is blank", None)
        )
    for k, (rule, _, colno) in enumerate(rules):
        count, values, rows = result[4 + 3 * k : 7 + 3 * k]
        if count:
            found.append((rule.code, rule.field, rule.name, int(count), list(zip(rows, values)), rule.message, colno))
    report = Report()
    wanted = [r for item in found for r, _ in item[4]]
    lines = physical_lines(con, table, wanted, stats.rows, stats.embedded_newlines)
    for code, column, rule_name, count, examples, message, colno in found:
        issues = [
            Issue(
                code,
                f"{column} {message}" if column else message,
                path=table.label,
                row=lines.get(r, r),
                column=column,
                column_number=colno,
                value=val,
                rule=rule_name,
            )
            for r, val in examples
        ]
        report.add_group(Group(table.label, code, column, rule_name, count, issues))
    if stats.rows == 0 and table.readable and not table.report.groups:
        report.add(Issue("no-data", "the file has a header but no rows", path=table.label, row=1))
    return report, stats


def _key_sql(table: TextTable, schema: TableSchema, key: tuple[str, ...]) -> list[str]:
    cols = _columns(table, schema)
    return [value_sql(schema.field(k), schema, cols[k])[1] if k in cols else "NULL" for k in key]


def check_keys(con, table: TextTable, schema: TableSchema, limit: int, stats: Stats) -> Report:
    """Primary key, unique keys and unique fields: each repeat after the first is an error."""
    report = Report()
    keys: list[tuple[tuple[str, ...], str]] = []
    if schema.primary_key:
        keys.append((schema.primary_key, "primary-key"))
    keys += [(u, "unique-error") for u in schema.unique_keys]
    keys += [
        ((f.name,), "unique-error")
        for f in schema.fields
        if f.constraints.get("unique") and (f.name,) != schema.primary_key
    ]
    for key, code in keys:
        exprs = _key_sql(table, schema, key)
        if "NULL" in exprs:
            continue
        not_null = " AND ".join(f"({e}) IS NOT NULL" for e in exprs)
        sql = (
            f"WITH keyed AS (SELECT __row, {', '.join(f'{e} AS k{i}' for i, e in enumerate(exprs))} FROM {ident(table.name)} WHERE {not_null}), "
            f"dup AS (SELECT __row, row_number() OVER (PARTITION BY {', '.join(f'k{i}' for i in range(len(exprs)))} ORDER BY __row) AS n, "
            f"concat_ws(', ', {', '.join(f'CAST(k{i} AS VARCHAR)' for i in range(len(exprs)))}) AS shown FROM keyed) "
            f"SELECT count(*), min(__row, {limit}), arg_min(shown, __row, {limit}) FROM dup WHERE n > 1"
        )
        count, rows, values = con.execute(sql).fetchall()[0]
        if not count:
            continue
        lines = physical_lines(con, table, list(rows), stats.rows, stats.embedded_newlines)
        label = ", ".join(key)
        what = "primary key" if code == "primary-key" else "unique value"
        issues = [
            Issue(
                code,
                f"{what} ({label}) repeats an earlier row",
                path=table.label,
                row=lines.get(r, r),
                column=label,
                column_number=schema.field_names.index(key[0]) + 1,
                value=v,
                rule=label,
            )
            for r, v in zip(rows, values)
        ]
        report.add_group(Group(table.label, code, label, label, int(count), issues))
    return report


def check_foreign_keys(
    con, table: TextTable, schema: TableSchema, resolve: Resolver, limit: int, stats: Stats
) -> Report:
    """Every non-blank foreign key must exist in the referenced table."""
    report = Report()
    for fk in schema.foreign_keys:
        target = resolve(fk)
        if target is None:
            report.add(
                Issue(
                    "foreign-key",
                    f"referenced resource {fk.resource!r} was not found",
                    path=table.label,
                    column=", ".join(fk.fields),
                    hint="pass --package with the referenced resources",
                )
            )
            continue
        relation, ref_cols = target
        exprs = _key_sql(table, schema, fk.fields)
        on = " AND ".join(f"s.k{i} = r.r{i}" for i in range(len(exprs)))
        not_null = " AND ".join(f"s.k{i} IS NOT NULL" for i in range(len(exprs)))
        sql = (
            f"WITH s AS (SELECT __row, {', '.join(f'{e} AS k{i}' for i, e in enumerate(exprs))} FROM {ident(table.name)}), "
            f"r AS (SELECT DISTINCT {', '.join(f'{c} AS r{i}' for i, c in enumerate(ref_cols))} FROM {relation}) "
            f"SELECT count(*), min(s.__row, {limit}), "
            f"arg_min(concat_ws(', ', {', '.join(f'CAST(s.k{i} AS VARCHAR)' for i in range(len(exprs)))}), s.__row, {limit}) "
            f"FROM s ANTI JOIN r ON {on} WHERE {not_null}"
        )
        count, rows, values = con.execute(sql).fetchall()[0]
        if not count:
            continue
        lines = physical_lines(con, table, list(rows), stats.rows, stats.embedded_newlines)
        label = ", ".join(fk.fields)
        ref = f"{fk.resource or 'this table'}.{', '.join(fk.reference_fields)}"
        issues = [
            Issue(
                "foreign-key",
                f"{label} not found in {ref}",
                path=table.label,
                row=lines.get(r, r),
                column=label,
                column_number=schema.field_names.index(fk.fields[0]) + 1,
                value=v,
                rule=f"{label} -> {ref}",
            )
            for r, v in zip(rows, values)
        ]
        report.add_group(Group(table.label, "foreign-key", label, f"{label} -> {ref}", int(count), issues))
    return report


def validate_text_table(
    con, table: TextTable, schema: TableSchema, *, limit: int = 5, resolve: Resolver | None = None
) -> tuple[Report, Stats]:
    """Run every check of ``schema`` on an opened table; structure issues first."""
    report = Report()
    if table.readable:
        check_labels(table, schema)
    if not table.readable:
        report.extend(table.report)
        return report, Stats()
    cells, stats = check_cells(con, table, schema, limit)
    report.extend(table.report)
    report.extend(cells)
    report.extend(check_keys(con, table, schema, limit, stats))
    if resolve is not None:
        report.extend(check_foreign_keys(con, table, schema, resolve, limit, stats))
    return report, stats


def literal_path(path: str) -> str:
    return literal(path)
