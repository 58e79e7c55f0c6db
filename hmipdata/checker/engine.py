"""Validate a table's cells and keys against a Table Schema inside DuckDB.

One parallel scan of the file evaluates every cell rule and stores, per row,
the rules' flags packed in bit masks and the typed key values in a narrow
table (``<name>__checked``; DuckDB keeps insertion order, so ``rowid``
numbers the records). Counts, first examples, keys and foreign keys are then
aggregates over that table; the examples' cells are read back from the file.
Nothing reaches Python but counts and examples, so files of any size stream
through in bounded memory (docs/scaling.md).

Semantics follow frictionless-py v5 (see docs/scaling.md for the few
deliberate differences): a cell that fails its type is not checked against
constraints; a blank row reports ``blank-row`` only; each failing constraint
of a cell is its own error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hmipdata.checker.celltypes import register as register_readers
from hmipdata.checker.errors import Group, Issue, Report, SchemaError
from hmipdata.checker.fastpath import is_clean
from hmipdata.checker.header import Match, match_header
from hmipdata.checker.schema import Field, ForeignKey, TableSchema
from hmipdata.checker.sqlrules import Rule, cell_rules, ident, literal, missing_sql, parse_sql
from hmipdata.checker.textfile import TextTable, blank_lines, check_nul, collect_rejects, extra_lines, physical_lines

# Resolves a foreign key's referenced resource to (SQL relation, typed column SQL per field).
Resolver = Callable[[ForeignKey], "tuple[str, list[str]] | None"]
NUMERIC = {"BIGINT", "DOUBLE", "INTEGER", "HUGEINT", "DECIMAL", "FLOAT", "SMALLINT", "TINYINT", "UBIGINT"}


@dataclass
class Stats:
    rows: int = 0
    embedded_newlines: int = 0  # lines beyond one per record (quoted newlines, blank lines)


@dataclass(frozen=True)
class Placed:
    """A cell rule placed on a text column."""

    rule: Rule
    index: int  # 0-based column index


def checked_name(table: TextTable) -> str:
    return table.name + "__checked"


def checked_ref(table: TextTable) -> str:
    """SQL name of the checked table: a temporary table, or one in the attached scratch database."""
    name = ident(checked_name(table))
    return f"{ident(table.scratch)}.{name}" if table.scratch else name


def placement(table: TextTable, schema: TableSchema) -> Match:
    """Which column holds each field (by position, or by name under ``fieldsMatch``); computed once per table."""
    found = getattr(table, "_match", None)
    if found is None or found[0] is not schema:
        found = (schema, match_header(table.header, schema))
        table._match = found
    return found[1]


def _columns(table: TextTable, schema: TableSchema) -> dict[str, str]:
    """Map schema field names to the text column holding them."""
    return {f.name: f"c{i}" for i, f in placement(table, schema).placement}


def check_labels(table: TextTable, schema: TableSchema) -> None:
    """Header names must be the schema's field names (in order, unless ``fieldsMatch`` says otherwise)."""
    for item in placement(table, schema).issues:
        table.issue(
            item.code,
            item.message,
            row=1,
            column=item.label,
            column_number=item.column_number,
            value=item.label if item.code == "incorrect-label" else None,
        )


def value_sql(f: Field, schema: TableSchema, col: str) -> tuple[str, str]:
    """SQL for the cell text (NULL when missing) and for the typed value."""
    v = _missing(ident(col), schema.missing_for(f))
    return v, parse_sql(f, f"({v})")


def typed_select(table: TextTable, schema: TableSchema, row: str = "__row", row_as: str = "_row") -> str:
    """SELECT giving the typed table, plus the SQL ``row`` (the record number) as column ``row_as``."""
    cols = _columns(table, schema)
    parts = [f"{row} AS {row_as}"]
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
    for i, f in placement(table, schema).placement:
        out += [Placed(rule, i) for rule in cell_rules(f, f"v{i}", f"p{i}")]
    return out


BITS = 63  # rule flags per BIGINT mask column


def _bit(j: int) -> tuple[str, int]:
    """Mask column and bit value of flag ``j`` (flag 0: blank row; flag k + 1: rule k)."""
    return f"m{j // BITS}", 1 << (j % BITS)


def checked_select(table: TextTable, schema: TableSchema, placed: list[Placed]) -> str:
    """One pass: missing values, typed values, rule flags packed in masks, key values.

    A wide table costs DuckDB more to write than the scan itself: flags go into
    BIGINT bit masks (mostly 0, so they compress to nothing), and no cell text
    is kept (at 10M rows with 1% bad cells, keeping the failing rows' cells
    doubled the scan); the few example cells are read back afterwards.
    """
    n = len(table.header)
    fields = placement(table, schema).placement
    used = {i for i, _ in fields}
    row = [] if table.row_sql.startswith("rowid") else ["__row"]
    texts = [f"c{i}" for i in range(n)]
    missing = [f"{_missing(f'c{i}', schema.missing_for(f))} AS v{i}" for i, f in fields]
    layer1 = f"SELECT {', '.join([*row, *texts, *missing])} FROM {table.source}"
    blank = " AND ".join(
        [f"v{i} IS NULL" for i, _ in fields] + [f"nullif(c{i}, '') IS NULL" for i in range(n) if i not in used]
    )
    parsed = [f"{parse_sql(f, f'v{i}')} AS p{i}" for i, f in fields]
    layer2 = f"SELECT *, {blank or 'false'} AS __blank, {', '.join(parsed) or 'NULL AS __none'} FROM ({layer1})"
    flags: dict[str, list[str]] = {}
    for j, bad in enumerate(["__blank", *(item.rule.bad_sql for item in placed)]):
        if j and placed[j - 1].rule.name == "required":
            bad = f"({bad}) AND NOT __blank"  # a blank row is one blank-row error, as in Frictionless
        mask, value = _bit(j)
        flags.setdefault(mask, []).append(f"CASE WHEN {bad} THEN {value} ELSE 0 END")
    masks = [f"({' | '.join(parts)})::BIGINT AS {mask}" for mask, parts in flags.items()]
    index = {f.name: i for i, f in fields}
    keys = [f"p{index[name]} AS {ident('k_' + name)}" for name in _key_fields(schema) if name in index]
    table._checked_columns = (list(flags), [name for name in _key_fields(schema) if name in index])
    return f"SELECT {', '.join([*row, *masks, *keys])} FROM ({layer2})"


def _missing(col: str, missing: tuple[str, ...]) -> str:
    """Cell text or NULL when missing; the source may give NULL for an empty cell."""
    if "" in missing:
        return missing_sql(f"nullif({col}, '')", tuple(m for m in missing if m))
    return missing_sql(f"coalesce({col}, '')", missing)


def _firsts(row: str, value: str | None, where: str, limit: int | None) -> str:
    """SQL aggregates: the first ``limit`` rows (and values) where ``where`` holds; all when limit is None."""
    if limit == 0:  # counts only: no examples (DuckDB's min(x, n) needs n > 0)
        return "NULL, NULL"
    if limit is None:
        rows = f"list({row} ORDER BY {row}) FILTER (WHERE {where})"
        values = f"list({value} ORDER BY {row}) FILTER (WHERE {where})" if value else "NULL"
    else:
        rows = f"min({row}, {int(limit)}) FILTER (WHERE {where})"
        values = f"arg_min({value}, {row}, {int(limit)}) FILTER (WHERE {where})" if value else "NULL"
    return f"{rows}, {values}"


def _run_scan(con, table: TextTable, schema: TableSchema, placed: list[Placed]) -> bool:
    """Create the checked table; False when the file turned out unreadable (NUL bytes)."""
    temp = "" if table.scratch else "TEMP "
    create = f"CREATE OR REPLACE {temp}TABLE {checked_ref(table)} AS "
    try:
        con.execute(create + checked_select(table, schema, placed))
    except Exception as exc:  # DuckDB may choke on binary content or odd line endings: say why
        if not check_nul(table):
            return False
        from hmipdata.checker.rawtext import diagnose, parquet_issue

        if table.is_parquet:
            table.report.add(parquet_issue(table.label, exc))
        elif table.layout() is not None:
            table.report.add(diagnose(table.path, table.label, exc))
        else:
            raise
        table.readable = False
        return False
    return check_nul(table)


def check_patterns(con, schema: TableSchema) -> None:
    """Refuse patterns that DuckDB's regex engine (RE2) cannot run, before scanning anything."""
    for f in schema.fields:
        pattern = f.constraints.get("pattern")
        if pattern is None:
            continue
        try:
            con.execute(f"SELECT regexp_full_match('', {literal(pattern)})").fetchall()
        except Exception as exc:  # DuckDB raises InvalidInputException for RE2 syntax errors
            raise SchemaError(
                f"field {f.name!r}: pattern {pattern!r} is not supported ({str(exc).splitlines()[0]}); "
                "patterns use RE2 syntax, which has no look-around or back-references"
            ) from None


def _flag_counts(con, table: TextTable, flags: int) -> tuple[int, list[int]]:
    """Rows, and rows per flag: one GROUP BY over the masks (few distinct combinations), summed in Python."""
    masks = sorted({_bit(j)[0] for j in range(flags)}, key=lambda m: int(m[1:]))
    groups = con.execute(f"SELECT {', '.join(masks)}, count(*) FROM {checked_ref(table)} GROUP BY ALL").fetchall()
    counts = [0] * flags
    for *values, count in groups:
        by_mask = dict(zip(masks, values))
        for j in range(flags):
            mask, bit = _bit(j)
            if by_mask[mask] & bit:
                counts[j] += count
    return sum(g[-1] for g in groups), counts


def _type_hint(schema: TableSchema, code: str, column: str | None, value: str | None) -> str | None:
    """A specific hint for a cell that does not parse (thousands separators, '%', notes, NaN, dates)."""
    if code != "type-error" or column is None:
        return None
    from hmipdata.checker.hints import type_hint

    return type_hint(schema.field(column), value)


def _example_rows(con, table: TextTable, flags: list[int], limit: int | None) -> list[list[int]]:
    """The first ``limit`` rows (all when None) where each flag is set: masks only, no cells touched."""
    if not flags:
        return []
    wanted = [_firsts(table.row_sql, None, "{} & {} <> 0".format(*_bit(j)), limit) for j in flags]
    found = con.execute(f"SELECT {', '.join(wanted)} FROM {checked_ref(table)}").fetchall()[0]
    return [list(found[2 * k] or []) for k in range(len(flags))]


def _example_cells(con, table: TextTable, rows: set[int]) -> dict[int, list[str]]:
    """The cells of the example rows, read back from the numbered view.

    The view numbers rows on one thread, but the first examples sit early in
    the file, so the read stops as soon as it has them all.
    """
    if not rows:
        return {}
    cols = ", ".join(f"coalesce(CAST(c{i} AS VARCHAR), '')" for i in range(len(table.header)))
    view = ident(table.name)
    if len(rows) <= 10_000:
        where = f"__row IN ({', '.join(map(str, sorted(rows)))}) LIMIT {len(rows)}"
        found = con.execute(f"SELECT __row, [{cols}] FROM {view} WHERE {where}").fetchall()
    else:  # --output: every failing row
        con.execute("CREATE OR REPLACE TEMP TABLE __wanted AS SELECT unnest(?::BIGINT[]) AS r", [sorted(rows)])
        found = con.execute(f"SELECT __row, [{cols}] FROM {view} SEMI JOIN __wanted ON __row = r").fetchall()
    return dict(found)


def check_cells(
    con, table: TextTable, schema: TableSchema, limit: int | None, require_rows: bool = True
) -> tuple[Report, Stats]:
    """Count every cell rule's failures in one scan; keep the first ``limit`` examples (all when None)."""
    check_patterns(con, schema)
    register_readers(con, schema)
    placed = _placed_rules(table, schema)
    if not _run_scan(con, table, schema, placed):
        return Report(), Stats()
    rows, counts = _flag_counts(con, table, len(placed) + 1)
    stats = Stats(rows=rows, embedded_newlines=extra_lines(table, rows))
    collect_rejects(con, table, limit)
    failing = [j for j in range(len(placed) + 1) if counts[j]]
    rows_by_flag = _example_rows(con, table, failing, limit)
    cells = _example_cells(con, table, {r for rows in rows_by_flag for r in rows})
    found: list[tuple[str, str | None, str | None, int, list, str, int | None]] = []
    for j, rows in zip(failing, rows_by_flag):
        if j == 0:
            found.append(("blank-row", None, "blank row", counts[0], [(r, None) for r in rows], "row is blank", None))
        else:
            rule, index = placed[j - 1].rule, placed[j - 1].index
            items = [(r, cells[r][index] if r in cells else None) for r in rows]
            found.append((rule.code, rule.field, rule.name, counts[j], items, rule.message, index + 1))
    report = Report()
    lines = physical_lines(con, table, [r for item in found for r, _ in item[4]], stats.rows, stats.embedded_newlines)
    _blank_line_group(table, stats, limit, report)
    _positional_cells(con, table, schema, stats, limit, report)
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
                hint=_type_hint(schema, code, column, val),
            )
            for r, val in items
        ]
        report.add_group(Group(table.label, code, column, rule_name, count, issues))
    if require_rows and stats.rows == 0 and table.readable and not table.report.groups and not report.groups:
        report.add(Issue("no-data", "the file has a header but no rows", path=table.label, row=1))
    return report, stats


def _positional_cells(con, table: TextTable, schema: TableSchema, stats: Stats, limit, report: Report) -> None:
    """``fieldsMatch: exact``: every row has extra cells beyond the fields, or lacks the fields beyond the header.

    As in frictionless, each such cell is an error, and a required field
    missing from the file fails its constraint on every row.
    """
    match = placement(table, schema)
    wanted = stats.rows if limit is None else min(stats.rows, limit)
    if not wanted or not (match.extra_columns or match.missing_fields):
        return
    lines = physical_lines(con, table, list(range(1, wanted + 1)), stats.rows, stats.embedded_newlines)
    groups: list[tuple[str, str | None, int, str]] = [
        ("extra-cell", None, i + 1, "row has more cells than the schema has fields") for i in match.extra_columns
    ]
    for i, f in match.missing_fields:
        if f.required:
            groups.append(("constraint-error", f.name, i + 1, f"{f.name} is required but blank"))
        groups.append(("missing-cell", f.name, i + 1, f"row has no cell for field {f.name!r}"))
    for code, column, number, message in groups:
        rule = "required" if code == "constraint-error" else "schema width"
        issues = [
            Issue(code, message, path=table.label, row=lines.get(r, r), column=column, column_number=number, rule=rule)
            for r in range(1, wanted + 1)
        ]
        report.add_group(Group(table.label, code, column, rule, stats.rows, issues))


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
    cols_present = set(_columns(table, schema))
    keys: list[tuple[tuple[str, ...], str]] = []
    if schema.primary_key:
        keys.append((schema.primary_key, "primary-key"))
    keys += [(u, "unique-error") for u in schema.unique_keys]
    keys += [((f.name,), "unique-error") for f in schema.fields if f.constraints.get("unique")]
    found_by_key: dict[tuple[str, str], tuple[int, list]] = {}
    for key, code in dict.fromkeys(keys):
        if not set(key) <= cols_present:
            continue
        cols = _key_cols(schema, key)
        label = ", ".join(key)
        colno = placement(table, schema).column_number(key[0])
        if code == "primary-key":
            _blank_keys(con, table, report, cols, label, colno, limit, stats)
        where = " AND ".join(f"{c} IS NOT NULL" for c in cols)
        if code == "primary-key" and len(cols) > 1:  # Frictionless compares partly blank keys too
            where = " OR ".join(f"{c} IS NOT NULL" for c in cols)
        nans = [f"NOT coalesce(isnan({c}), false)" for k, c in zip(key, cols) if schema.field(k).type == "number"]
        where = " AND ".join([f"({where})", *nans])  # NaN never equals NaN (in Python; DuckDB groups them)
        if (label, where) not in found_by_key:  # a unique field that is also the primary key: one query
            found_by_key[label, where] = _repeats(con, table, cols, where, limit)
        count, found = found_by_key[label, where]
        if not count:
            continue
        rows = [r for r, _, _ in found] + [first for _, _, first in found]
        lines = physical_lines(con, table, rows, stats.rows, stats.embedded_newlines)
        what = "primary key" if code == "primary-key" else "unique value"
        message = f"{what} ({label}) repeats line {{first}}"
        report.add_group(_group(table, code, label, label, message, int(count), found, lines, colno))
    return report


def _repeats(con, table: TextTable, cols: list[str], where: str, limit: int | None) -> tuple[int, list]:
    """How many rows repeat an earlier row's key, and the first (row, key, first row) of them."""
    chk, row = checked_ref(table), table.row_sql
    on = " AND ".join(f"s.{c} IS NOT DISTINCT FROM g.{c}" for c in cols)
    dup = (
        f"WITH g AS (SELECT {', '.join(cols)}, min({row}) AS first FROM {chk} WHERE {where} "
        f"GROUP BY ALL HAVING count(*) > 1) "
    )
    srow = _qualified(row)
    joined = f"FROM {chk} s JOIN g ON {on} WHERE {srow} > g.first"
    count = con.execute(dup + f"SELECT count(*) {joined}").fetchall()[0][0]
    if not count:
        return 0, []
    shown = _shown([f"s.{c}" for c in cols])
    found = con.execute(
        dup + f"SELECT {srow} AS r, {shown}, g.first {joined} ORDER BY r {_limit_sql(limit)}"
    ).fetchall()
    return int(count), found


def _blank_keys(con, table: TextTable, report: Report, cols: list[str], label: str, colno: int, limit, stats) -> None:
    chk, row = checked_ref(table), table.row_sql
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
    chk, row = checked_ref(table), table.row_sql
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
        colno = placement(table, schema).column_number(fk.fields[0])
        rule = f"{label} -> {ref}"
        report.add_group(
            _group(table, "foreign-key", label, rule, f"{label} not found in {ref}", int(count), found, lines, colno)
        )
    return report


def validate_text_table(
    con,
    table: TextTable,
    schema: TableSchema,
    *,
    limit: int | None = 5,
    resolve: Resolver | None = None,
    require_rows: bool = True,
    fast: bool = False,
) -> tuple[Report, Stats]:
    """Run every check of ``schema`` on an opened table; structure issues first.

    Foreign keys are checked when ``resolve`` is given (references to this
    table itself need no resolver). ``require_rows``: a header without rows is
    an error (the project's tables), or valid (frictionless, for any file).
    ``fast``: first try to prove the file clean in one aggregate query
    (hmipdata/checker/fastpath.py); the full checks run only when that fails.
    """
    report = Report()
    if table.readable:
        check_labels(table, schema)
    if not table.readable:
        report.extend(table.report)
        return report, Stats()
    # one aggregate, nothing written: most files stop here
    if fast and is_clean(con, table, schema, resolve) and (table._fast_rows or not require_rows):
        return report, Stats(rows=table._fast_rows)
    cells, stats = check_cells(con, table, schema, limit, require_rows)
    report.extend(table.report)
    if not table.readable:
        return report, Stats()
    report.extend(cells)
    report.extend(check_keys(con, table, schema, limit, stats))
    if resolve is not None:
        report.extend(check_foreign_keys(con, table, schema, resolve, limit, stats))
    return report, stats
