"""Wide files (thousands of columns): cells checked in long form, in batches of rows, in bounded memory.

One SQL expression per column makes DuckDB's planner the bottleneck past a
thousand columns (10,000 integer columns did not finish in 5 minutes) and
its reader holds a vector of every column at once. Here Python's csv module
streams the records; each batch becomes a long table ``(record, column,
text)`` and the rules run once per *kind* of field (fields with the same
declaration share one query, so 10,000 integer columns are one rule set).
Counts are exact; examples keep their physical line numbers, since the
reader knows them. Keys use the same checks as narrow files.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from hmipdata.checker.errors import Group, Issue, Report
from hmipdata.checker.schema import Field, TableSchema
from hmipdata.checker.sqlrules import cell_rules, ident, parse_sql

WIDE_COLUMNS = 1000  # beyond this many columns, a CSV is checked in long form
BATCH_CELLS = 1_000_000


@dataclass
class Found:
    """Failures of one rule on one column: the true count and the first examples (line, value)."""

    count: int = 0
    examples: list[tuple[int, str]] = field(default_factory=list)


def _kinds(schema: TableSchema, width: int) -> dict[str, list[int]]:
    """Column indexes grouped by field declaration (everything but the name)."""
    kinds: dict[str, list[int]] = {}
    for i, f in enumerate(schema.fields[:width]):
        spec = {k: v for k, v in f.descriptor.items() if k not in ("name", "title", "description")}
        spec["__missing"] = list(schema.missing_for(f))
        kinds.setdefault(json.dumps(spec, sort_keys=True, default=str), []).append(i)
    return kinds


def _kind_sql(f: Field, schema: TableSchema, columns: list[int], limit: int | None) -> tuple[str, list]:
    """One query over a batch: per column, each rule's count and first examples."""
    from hmipdata.checker.engine import _missing

    rules = cell_rules(f, "v", "p")
    cap = "" if limit is None else f"[1:{int(limit)}]"
    parts = []
    for rule in rules:
        bad = rule.bad_sql
        parts.append(
            f"count_if({bad}), (list(line ORDER BY line) FILTER (WHERE {bad})){cap}, "
            f"(list(t ORDER BY line) FILTER (WHERE {bad})){cap}"
        )
    if not parts:
        return "", []
    where = f"k IN ({', '.join(map(str, columns))})"
    inner = f"SELECT line, k, t, {_missing('t', schema.missing_for(f))} AS v FROM __batch WHERE {where}"
    sql = f"SELECT k, {', '.join(parts)} FROM (SELECT *, {parse_sql(f, 'v')} AS p FROM ({inner})) GROUP BY k"
    return sql, rules


def check_wide(con, path: Path, label: str, schema: TableSchema, limit: int | None, options: dict) -> Report:
    """Check a wide CSV's header, structure and cells; keys via the narrow checks on a key table."""
    import pyarrow as pa

    report = Report()
    found: dict[tuple[int, str, str], Found] = {}
    structure: dict[str, Found] = {}
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, **options)
        header = next(reader, [])
        width = len(header)
        kinds = _kinds(schema, width)
        queries = {key: _kind_sql(schema.fields[cols[0]], schema, cols, limit) for key, cols in kinds.items()}
        keys = _key_indexes(schema, width)
        missing = [set(schema.missing_for(f)) for f in schema.fields[:width]] + [{""}] * (width - len(schema.fields))
        key_rows: list[list] = []
        batch_rows = max(1, BATCH_CELLS // max(width, 1))
        record = 0
        while True:
            lines, texts, ks = [], [], []
            taken = 0
            start = reader.line_num + 1
            for row in reader:
                line, start = start, reader.line_num + 1
                if all(cell in missing[i] if i < len(missing) else not cell for i, cell in enumerate(row)):
                    _note(structure, "blank-row", line, "", limit)
                    continue
                record += 1
                if len(row) != width:
                    _ragged(structure, row, width, line, limit)
                    continue
                lines += [line] * width
                ks += range(width)
                texts += row
                if keys:
                    key_rows.append([record, line, *(row[i] for i in keys)])
                taken += 1
                if taken >= batch_rows:
                    break
            if not taken:
                break
            batch = pa.table({"line": pa.array(lines, pa.int64()), "k": pa.array(ks, pa.int32()), "t": texts})
            con.register("__batch", batch)
            for sql, rules in queries.values():
                if sql:
                    _collect(con.execute(sql).fetchall(), rules, schema, found, limit)
            con.unregister("__batch")
    _structure_groups(report, structure, label)
    for (index, code, name), item in sorted(found.items()):
        f = schema.fields[index]
        issues = [
            Issue(
                code,
                message_of(f, name),
                path=label,
                row=line,
                column=f.name,
                column_number=index + 1,
                value=v,
                rule=name,
            )
            for line, v in item.examples
        ]
        report.add_group(Group(label, code, f.name, name, item.count, issues))
    return report, header, key_rows, keys


def message_of(f: Field, rule_name: str) -> str:
    for rule in cell_rules(f, "v", "p"):
        if rule.name == rule_name:
            return f"{f.name} {rule.message}"
    return f.name


def _collect(rows, rules, schema, found, limit) -> None:
    for k, *values in rows:
        for j, rule in enumerate(rules):
            count, lines, texts = values[3 * j : 3 * j + 3]
            if not count:
                continue
            item = found.setdefault((k, rule.code, rule.name), Found())
            item.count += count
            room = None if limit is None else max(limit - len(item.examples), 0)
            item.examples += list(zip(lines, texts))[:room]


def _note(structure: dict, code: str, line: int, value: str, limit, number: int | None = None) -> None:
    item = structure.setdefault(code, Found())
    item.count += 1
    if limit is None or len(item.examples) < limit:
        item.examples.append((line, value, number))


def _ragged(structure: dict, row: list[str], width: int, line: int, limit) -> None:
    text = ",".join(row)
    if len(row) < width:
        for n in range(len(row) + 1, width + 1):
            _note(structure, "missing-cell", line, text, limit, n)
    else:
        for n in range(width + 1, len(row) + 1):
            _note(structure, "extra-cell", line, text, limit, n)


MESSAGES = {
    "blank-row": "row is blank",
    "missing-cell": "row has fewer cells than the header",
    "extra-cell": "row has more cells than the header",
}


def _structure_groups(report: Report, structure: dict, label: str) -> None:
    for code, item in structure.items():
        issues = [
            Issue(code, MESSAGES[code], path=label, row=line, value=value or None, column_number=number)
            for line, value, number in item.examples
        ]
        report.add_group(Group(label, code, None, code, item.count, issues))


def _key_indexes(schema: TableSchema, width: int) -> list[int]:
    from hmipdata.checker.engine import _key_fields

    names = schema.field_names
    return [names.index(n) for n in _key_fields(schema) if names.index(n) < width]


def load_key_table(con, table, schema: TableSchema, key_rows: list[list], keys: list[int]) -> None:
    """The checked table the key checks read: record number, line, typed key values."""
    from hmipdata.checker.engine import _missing, checked_ref

    cols = ", ".join(f"c{i} VARCHAR" for i in keys)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {ident(table.name)} (__row BIGINT, __line BIGINT{', ' if cols else ''}{cols})"
    )
    if key_rows:
        con.executemany(f"INSERT INTO {ident(table.name)} VALUES ({', '.join(['?'] * (len(keys) + 2))})", key_rows)
    typed = [
        f"{parse_sql(schema.fields[i], _missing(f'c{i}', schema.missing_for(schema.fields[i])))} AS {ident('k_' + schema.fields[i].name)}"
        for i in keys
    ]
    con.execute(
        f"CREATE OR REPLACE TABLE {checked_ref(table)} AS SELECT __row{', ' if typed else ''}{', '.join(typed)} "
        f"FROM {ident(table.name)} ORDER BY __row"
    )


def validate_wide(
    con, path: Path, label: str, schema: TableSchema, limit: int | None, resolve, options: dict
) -> Report:
    """Every check of a narrow file, for a CSV of more than WIDE_COLUMNS columns."""
    from hmipdata.checker.engine import Stats, check_foreign_keys, check_keys, check_labels
    from hmipdata.checker.textfile import TextTable, _check_header

    try:
        cells, header, key_rows, keys = check_wide(con, path, label, schema, limit, options)
    except UnicodeDecodeError:
        report = Report()
        report.add(Issue("encoding-error", "text is not valid UTF-8", path=label))
        return report
    table = TextTable("__text_main", path, label, header, has_line_column=True, row_sql="__row")
    _check_header(table, max_columns=None)  # streamed in batches: no cap on the width
    check_labels(table, schema)
    report = Report()
    report.extend(table.report)
    report.extend(cells)
    load_key_table(con, table, schema, key_rows, keys)
    stats = Stats(rows=len(key_rows))
    report.extend(check_keys(con, table, schema, limit, stats))
    if resolve is not None:
        report.extend(check_foreign_keys(con, table, schema, resolve, limit, stats))
    return report


def is_wide(path: Path, options: dict) -> bool:
    """True when the CSV's header has more than WIDE_COLUMNS labels."""
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
            return len(next(csv.reader(fh, **options), [])) > WIDE_COLUMNS
    except (OSError, csv.Error):
        return False
