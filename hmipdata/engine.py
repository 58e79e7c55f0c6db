"""Validate a table's cells and keys against a Table Schema inside DuckDB.

One parallel scan of the file evaluates every cell rule and stores, per row,
one boolean per rule plus the typed key values in a narrow temporary table
(``<name>__checked``; DuckDB keeps insertion order, so ``rowid`` numbers the
records). Counts, first examples, keys and foreign keys are then aggregates
over that table. Nothing reaches Python but counts and examples, so files of
any size stream through in bounded memory.

Semantics follow frictionless-py v5 (see docs/scaling.md for the few
deliberate differences): a cell that fails its type is not checked against
constraints; a blank row reports ``blank-row`` only; each failing constraint
of a cell is its own error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hmipdata.errors import Group, Issue, Report
from hmipdata.schema import Field, ForeignKey, TableSchema
from hmipdata.sqlrules import Rule, cell_rules, ident, literal, missing_sql, parse_sql
from hmipdata.textfile import TextTable, blank_lines, check_nul, collect_rejects, physical_lines

# Resolves a foreign key's referenced resource to (SQL relation, typed column SQL per field).
Resolver = Callable[[ForeignKey], "tuple[str, list[str]] | None"]
NUMERIC = {"BIGINT", "DOUBLE", "INTEGER", "HUGEINT", "DECIMAL", "FLOAT", "SMALLINT", "TINYINT", "UBIGINT"}


@dataclass
class Stats:
    rows: int = 0
    embedded_newlines: int = 0


@dataclass(frozen=True)
class Placed:
    """A cell rule placed on a text column."""

    rule: Rule
    index: int  # 0-based column index


def checked_name(table: TextTable) -> str:
    return table.name + "__checked"


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
    """SELECT giving the typed table (plus ``_row`` record number)."""
    cols = _columns(table, schema)
    parts = ["__row AS _row"]
    for f in schema.fields:
        if f.name in cols:
            _, p = value_sql(f, schema, cols[f.name])
            parts.append(f"{p} AS {ident(f.name)}")
        else:
            parts.append(f"NULL AS {ident(f.name)}")
    return f"SELECT {', '.join(parts)} FROM {ident(table.name)}"


def typed_source_select(table: TextTable, schema: TableSchema) -> str:
    """SELECT giving the typed columns, without record numbers (a parallel scan)."""
    cols = _columns(table, schema)
    parts = [f"{value_sql(f, schema, cols[f.name])[1]} AS {ident(f.name)}" for f in schema.fields if f.name in cols]
    return f"SELECT {', '.join(parts)} FROM {table.source}"


def _key_fields(schema: TableSchema) -> list[str]:
    """Fields whose typed values the key and foreign-key checks need."""
    names: list[str] = list(schema.primary_key)
    for key in schema.unique_keys:
        names += key
    names += [f.name for f in schema.fields if f.constraints.get("unique")]
    for fk in schema.foreign_keys:
        names += fk.fields
        if not fk.resource:
            names += fk.reference_fields
    return list(dict.fromkeys(names))


def _placed_rules(table: TextTable, schema: TableSchema) -> list[Placed]:
    out = []
    for i, f in enumerate(schema.fields):
        if i < len(table.header):
            out += [Placed(rule, i) for rule in cell_rules(f, f"v{i}", f"p{i}")]
    return out


def checked_select(table: TextTable, schema: TableSchema, placed: list[Placed]) -> str:
    """One pass: missing values, then typed values, then one boolean per rule, key values and example cells."""
    n = len(table.header)
    fields = [(i, f) for i, f in enumerate(schema.fields) if i < n]
    texts = [f"c{i}" for i in range(n)]
    row = [] if table.row_sql.startswith("rowid") else ["__row"]
    missing = [f"{missing_sql(f'c{i}', schema.missing_for(f))} AS v{i}" for i, f in fields]
    layer1 = f"SELECT {', '.join([*row, *texts, *missing])} FROM {table.source}"
    blank = " AND ".join([f"v{i} IS NULL" for i, _ in fields] + [f"coalesce(c{i}, '') = ''" for i in range(len(fields), n)])
    parsed = [f"{parse_sql(f, f'v{i}')} AS p{i}" for i, f in fields]
    layer2 = f"SELECT *, {blank or 'false'} AS __blank, {', '.join(parsed) or 'NULL AS __none'} FROM ({layer1})"
    flags = []
    for k, item in enumerate(placed):
        bad = item.rule.bad_sql
        if item.rule.name == "required":
            bad = f"({bad}) AND NOT __blank"
        flags.append(f"coalesce({bad}, false) AS b{k}")
    index = {f.name: i for i, f in fields}
    keys = [f"p{index[name]} AS {ident('k_' + name)}" for name in _key_fields(schema) if name in index]
    newline = " OR ".join(f"coalesce(contains(c{i}, chr(10)), false)" for i in range(n)) if table._multiline is not False else ""
    nl = f"CASE WHEN {newline} THEN {' + '.join(_newlines(f'c{i}') for i in range(n))} ELSE 0 END" if newline else "0"
    layer3 = f"SELECT {', '.join([*row, *texts, '__blank', f'{nl} AS __nl', *flags, *keys])} FROM ({layer2})"
    by_column: dict[int, list[int]] = {}
    for k, item in enumerate(placed):
        by_column.setdefault(item.index, []).append(k)
    examples = [
        f"CASE WHEN {' OR '.join(f'b{k}' for k in ks)} THEN c{i} END AS e{i}" for i, ks in sorted(by_column.items())
    ]
    outer = [*row, "__blank", "__nl", *(f"b{k}" for k in range(len(placed))), *examples]
    outer += [ident("k_" + name) for name in _key_fields(schema) if name in index]
    return f"SELECT {', '.join(outer)} FROM ({layer3})"


def _newlines(col: str) -> str:
    return f"coalesce(length({col}) - length(replace({col}, chr(10), '')), 0)"


def _firsts(row: str, value: str | None, where: str, limit: int | None) -> str:
    """SQL aggregates: the first ``limit`` rows (and values) where ``where`` holds; all when limit is None."""
    if limit is None:
        rows = f"list({row} ORDER BY {row}) FILTER (WHERE {where})"
        values = f"list({value} ORDER BY {row}) FILTER (WHERE {where})" if value else "NULL"
    else:
        rows = f"min({row}, {int(limit)}) FILTER (WHERE {where})"
        values = f"arg_min({value}, {row}, {int(limit)}) FILTER (WHERE {where})" if value else "NULL"
    return f"{rows}, {values}"


def _run_scan(con, table: TextTable, schema: TableSchema, placed: list[Placed]) -> bool:
    """Create the checked table; False when the file turned out unreadable (NUL bytes)."""
    sql = checked_select(table, schema, placed)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(checked_name(table))} AS {sql}")
    except Exception:  # DuckDB may choke on binary content; the NUL check says why
        if not check_nul(table):
            return False
        raise
    return check_nul(table)


def check_cells(con, table: TextTable, schema: TableSchema, limit: int | None) -> tuple[Report, Stats]:
    """Count every cell rule's failures in one scan; keep the first ``limit`` examples (all when None)."""
    placed = _placed_rules(table, schema)
    if not _run_scan(con, table, schema, placed):
        return Report(), Stats()
    chk = ident(checked_name(table))
    row = table.row_sql
    counts = con.execute(
        f"SELECT count(*), sum(__nl), count_if(__blank){''.join(f', count_if(b{k})' for k in range(len(placed)))} FROM {chk}"
    ).fetchall()[0]
    stats = Stats(rows=int(counts[0]), embedded_newlines=int(counts[1] or 0))
    collect_rejects(con, table, limit)
    failing = [k for k in range(len(placed)) if counts[3 + k]]
    wanted = []
    if counts[2]:
        wanted.append(_firsts(row, None, "__blank", limit))
    wanted += [_firsts(row, f"e{placed[k].index}", f"b{k}", limit) for k in failing]
    examples = con.execute(f"SELECT {', '.join(wanted)} FROM {chk}").fetchall()[0] if wanted else ()
    found: list[tuple[str, str | None, str | None, int, list, str, int | None]] = []
    pos = 0
    if counts[2]:
        found.append(("blank-row", None, "blank row", int(counts[2]), [(r, None) for r in examples[0]], "row is blank", None))
        pos = 2
    for j, k in enumerate(failing):
        rule, index = placed[k].rule, placed[k].index
        rows, values = examples[pos + 2 * j], examples[pos + 2 * j + 1]
        found.append((rule.code, rule.field, rule.name, int(counts[3 + k]), list(zip(rows, values)), rule.message, index + 1))
    report = Report()
    lines = physical_lines(con, table, [r for item in found for r, _ in item[4]], stats.rows, stats.embedded_newlines)
    _blank_line_group(table, stats, limit, report)
    for code, column, rule_name, count, items, message, colno in found:
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
            for r, val in items
        ]
        report.add_group(Group(table.label, code, column, rule_name, count, issues))
    if stats.rows == 0 and table.readable and not table.report.groups and not report.groups:
        report.add(Issue("no-data", "the file has a header but no rows", path=table.label, row=1))
    return report, stats


def _blank_line_group(table: TextTable, stats: Stats, limit: int | None, report: Report) -> None:
    """Empty lines of a CSV are blank rows too (DuckDB skips them, so they are found by line count)."""
    lines = blank_lines(table, stats.rows, stats.embedded_newlines)
    if lines:
        issues = [Issue("blank-row", "row is blank", path=table.label, row=n) for n in lines[:limit]]
        report.add_group(Group(table.label, "blank-row", None, "blank line", len(lines), issues))


def _key_cols(schema: TableSchema, key: tuple[str, ...]) -> list[str]:
    return [ident("k_" + k) for k in key]


def _shown(cols: list[str]) -> str:
    return f"concat_ws(', ', {', '.join(f'coalesce(CAST({c} AS VARCHAR), {literal(chr(8709))})' for c in cols)})"


def _group(table: TextTable, code: str, label: str, rule: str, message: str, count: int, items, lines, colno) -> Group:
    issues = [
        Issue(
            code,
            message.format(first=lines.get(first, first)) if first else message,
            path=table.label,
            row=lines.get(r, r),
            column=label,
            column_number=colno,
            value=v,
            rule=rule,
        )
        for r, v, first in items
    ]
    return Group(table.label, code, label, rule, count, issues)


def _qualified(row: str) -> str:
    """The row-number SQL of the checked table aliased ``s``."""
    return "s.rowid + 1" if row.startswith("rowid") else f"s.{row}"


def _limit_sql(limit: int | None) -> str:
    return "" if limit is None else f"LIMIT {int(limit)}"


def check_keys(con, table: TextTable, schema: TableSchema, limit: int | None, stats: Stats) -> Report:
    """Primary key, unique keys and unique fields: each repeat of an earlier row is an error.

    A primary key cell that is blank (or not of its type) is a ``primary-key``
    error too: Frictionless flags a key whose cells are all blank; we flag any
    blank part, since a key with a hole identifies nothing (and DuckDB's
    PRIMARY KEY in the build refuses NULLs).
    """
    report = Report()
    chk, row = ident(checked_name(table)), table.row_sql
    cols_present = set(_columns(table, schema))
    keys: list[tuple[tuple[str, ...], str]] = []
    if schema.primary_key:
        keys.append((schema.primary_key, "primary-key"))
    keys += [(u, "unique-error") for u in schema.unique_keys]
    keys += [((f.name,), "unique-error") for f in schema.fields if f.constraints.get("unique")]
    for key, code in dict.fromkeys(keys):
        if not set(key) <= cols_present:
            continue
        cols = _key_cols(schema, key)
        label = ", ".join(key)
        colno = schema.field_names.index(key[0]) + 1
        if code == "primary-key":
            _blank_keys(con, table, report, cols, label, colno, limit, stats)
        where = " AND ".join(f"{c} IS NOT NULL" for c in cols)
        if code == "primary-key" and len(cols) > 1:  # Frictionless compares partly blank keys too
            where = " OR ".join(f"{c} IS NOT NULL" for c in cols)
        on = " AND ".join(f"s.{c} IS NOT DISTINCT FROM g.{c}" for c in cols)
        dup = (
            f"WITH g AS (SELECT {', '.join(cols)}, min({row}) AS first FROM {chk} WHERE {where} "
            f"GROUP BY ALL HAVING count(*) > 1) "
        )
        count = con.execute(
            dup + f"SELECT sum(n - 1) FROM (SELECT count(*) AS n FROM {chk} s JOIN g ON {on})"
        ).fetchall()[0][0]
        if not count:
            continue
        srow = _qualified(row)
        found = con.execute(
            dup + f"SELECT {srow} AS r, {_shown([f's.{c}' for c in cols])}, g.first "
            f"FROM {chk} s JOIN g ON {on} WHERE {srow} > g.first ORDER BY r {_limit_sql(limit)}"
        ).fetchall()
        rows = [r for r, _, _ in found] + [first for _, _, first in found]
        lines = physical_lines(con, table, rows, stats.rows, stats.embedded_newlines)
        what = "primary key" if code == "primary-key" else "unique value"
        message = f"{what} ({label}) repeats line {{first}}"
        report.add_group(_group(table, code, label, label, message, int(count), found, lines, colno))
    return report


def _blank_keys(con, table: TextTable, report: Report, cols: list[str], label: str, colno: int, limit, stats) -> None:
    chk, row = ident(checked_name(table)), table.row_sql
    where = " OR ".join(f"{c} IS NULL" for c in cols)
    count = con.execute(f"SELECT count_if({where}) FROM {chk}").fetchall()[0][0]
    if not count:
        return
    found = con.execute(
        f"SELECT {row} AS r, {_shown(cols)}, NULL FROM {chk} WHERE {where} ORDER BY r {_limit_sql(limit)}"
    ).fetchall()
    lines = physical_lines(con, table, [r for r, _, _ in found], stats.rows, stats.embedded_newlines)
    message = f"primary key ({label}) is blank or not of its type"
    report.add_group(_group(table, "primary-key", label, f"{label} blank", message, int(count), found, lines, colno))


def _column_types(con, relation: str, cols: list[str]) -> list[str]:
    described = con.execute(f"DESCRIBE SELECT {', '.join(cols)} FROM {relation}").fetchall()
    return [str(d[1]).split("(")[0] for d in described]


def _comparable(a: str, b: str) -> bool:
    return a == b or (a in NUMERIC and b in NUMERIC)


def check_foreign_keys(
    con, table: TextTable, schema: TableSchema, resolve: Resolver | None, limit: int | None, stats: Stats
) -> Report:
    """Every foreign key that is not wholly blank must exist in the referenced table (as Frictionless)."""
    report = Report()
    chk, row = ident(checked_name(table)), table.row_sql
    present = set(_columns(table, schema))
    for fk in schema.foreign_keys:
        if not set(fk.fields) <= present:
            continue
        if not fk.resource and set(fk.reference_fields) <= present:
            target = f"(SELECT * FROM {chk})", _key_cols(schema, fk.reference_fields)
        else:
            target = resolve(fk) if resolve is not None else None
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
        cols = _key_cols(schema, fk.fields)
        src_types = _column_types(con, chk, cols)
        ref_types = _column_types(con, relation, ref_cols)
        pairs = []
        for i, (c, r) in enumerate(zip(cols, ref_cols)):
            if _comparable(src_types[i], ref_types[i]):
                pairs.append((f"s.{c}", f"{r}"))
            else:  # Frictionless compares typed values: a string never equals a number
                pairs.append((f"'S' || CAST(s.{c} AS VARCHAR)", f"'R' || CAST({r} AS VARCHAR)"))
        refs = ", ".join(f"{r} AS r{i}" for i, (_, r) in enumerate(pairs))
        not_all_null = " OR ".join(f"{r} IS NOT NULL" for _, r in pairs)
        on = " AND ".join(f"{s} IS NOT DISTINCT FROM r.r{i}" for i, (s, _) in enumerate(pairs))
        src_not_null = " OR ".join(f"s.{c} IS NOT NULL" for c in cols)
        body = (
            f"FROM {chk} s ANTI JOIN (SELECT DISTINCT {refs} FROM {relation} WHERE {not_all_null}) r ON {on} "
            f"WHERE {src_not_null}"
        )
        srow = _qualified(row)
        count = con.execute(f"SELECT count(*) {body}").fetchall()[0][0]
        if not count:
            continue
        found = con.execute(
            f"SELECT {srow} AS r, {_shown([f's.{c}' for c in cols])}, NULL {body} ORDER BY r {_limit_sql(limit)}"
        ).fetchall()
        lines = physical_lines(con, table, [r for r, _, _ in found], stats.rows, stats.embedded_newlines)
        label = ", ".join(fk.fields)
        ref = f"{fk.resource or 'this table'}.{', '.join(fk.reference_fields)}"
        colno = schema.field_names.index(fk.fields[0]) + 1
        rule = f"{label} -> {ref}"
        report.add_group(
            _group(table, "foreign-key", label, rule, f"{label} not found in {ref}", int(count), found, lines, colno)
        )
    return report


def validate_text_table(
    con, table: TextTable, schema: TableSchema, *, limit: int | None = 5, resolve: Resolver | None = None
) -> tuple[Report, Stats]:
    """Run every check of ``schema`` on an opened table; structure issues first.

    Foreign keys are checked when ``resolve`` is given (references to this
    table itself need no resolver).
    """
    report = Report()
    if table.readable:
        check_labels(table, schema)
    if not table.readable:
        report.extend(table.report)
        return report, Stats()
    cells, stats = check_cells(con, table, schema, limit)
    report.extend(table.report)
    if not table.readable:
        return report, Stats()
    report.extend(cells)
    report.extend(check_keys(con, table, schema, limit, stats))
    if resolve is not None:
        report.extend(check_foreign_keys(con, table, schema, resolve, limit, stats))
    return report, stats


def literal_path(path: str) -> str:
    return literal(path)
