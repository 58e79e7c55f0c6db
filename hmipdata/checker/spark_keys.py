"""Primary keys, unique keys and foreign keys on Spark, as :mod:`hmipdata.engine` checks them in DuckDB.

Each query runs over the cached table of typed key values that
:mod:`hmipdata.spark_engine` builds (``good``: the rows checked, ragged rows
left out), with ``__id`` giving the file order.
"""

from __future__ import annotations

from collections.abc import Callable

from hmipdata.checker.errors import Group, Issue, Report
from hmipdata.checker.header import Match
from hmipdata.checker.schema import ForeignKey, TableSchema
from hmipdata.checker.spark_sql import ident, literal

# A foreign key's referenced resource as (Spark view, typed column SQL per field), or None.
Resolver = Callable[[ForeignKey], "tuple[str, list[str]] | None"]
NUMERIC = {"bigint", "double", "int", "float", "smallint", "tinyint"}


def _cols(key) -> list[str]:
    return [ident("k_" + k) for k in key]


def _shown(cols: list[str]) -> str:
    return f"concat_ws(', ', {', '.join(f'coalesce(CAST({c} AS STRING), {literal(chr(8709))})' for c in cols)})"


def _limit(limit: int | None) -> str:
    return "" if limit is None else f"LIMIT {int(limit)}"


def _group(scan, code, label, rule, message, count, found, colno) -> Group:
    """A group from (id, shown value, first id or None) rows, with lines for both ids."""
    ids = [r for r, _, _ in found] + [f for _, _, f in found if f is not None]
    lines = scan.lines_of(ids)
    issues = [
        Issue(
            code,
            message.format(first=lines[first]) if first is not None else message,
            path=scan.table.label,
            row=lines[r],
            column=label,
            column_number=colno,
            value=v,
            rule=rule,
        )
        for r, v, first in found
    ]
    return Group(scan.table.label, code, label, rule, count, issues)


def check_keys(scan, schema: TableSchema, match: Match, good: str, limit: int | None) -> Report:
    """Primary key, unique keys and unique fields: each repeat of an earlier row is an error; a blank key part too."""
    report = Report()
    present = {f.name for _, f in match.placement}
    keys: list[tuple[tuple[str, ...], str]] = []
    if schema.primary_key:
        keys.append((tuple(schema.primary_key), "primary-key"))
    keys += [(tuple(u), "unique-error") for u in schema.unique_keys]
    keys += [((f.name,), "unique-error") for f in schema.fields if f.constraints.get("unique")]
    found_by_key: dict[tuple[str, str], tuple[int, list]] = {}
    for key, code in dict.fromkeys(keys):
        if not set(key) <= present:
            continue
        cols, label = _cols(key), ", ".join(key)
        colno = match.column_number(key[0])
        if code == "primary-key":
            _blank_keys(scan, good, report, cols, label, colno, limit)
        where = " AND ".join(f"{c} IS NOT NULL" for c in cols)
        if code == "primary-key" and len(cols) > 1:  # Frictionless compares partly blank keys too
            where = " OR ".join(f"{c} IS NOT NULL" for c in cols)
        nans = [f"NOT coalesce(isnan({c}), false)" for k, c in zip(key, cols) if schema.field(k).type == "number"]
        where = " AND ".join([f"({where})", *nans])  # NaN never equals NaN (in Python; Spark groups them)
        if (label, where) not in found_by_key:
            found_by_key[label, where] = _repeats(scan.spark, good, cols, where, limit)
        count, found = found_by_key[label, where]
        if count:
            what = "primary key" if code == "primary-key" else "unique value"
            message = f"{what} ({label}) repeats line {{first}}"
            report.add_group(_group(scan, code, label, label, message, count, found, colno))
    return report


def _repeats(spark, good: str, cols: list[str], where: str, limit: int | None) -> tuple[int, list]:
    g = (
        f"SELECT {', '.join(cols)}, min(__id) AS __first FROM {good} WHERE {where} "
        f"GROUP BY {', '.join(cols)} HAVING count(*) > 1"
    )
    on = " AND ".join(f"s.{c} <=> g.{c}" for c in cols)
    joined = f"FROM {good} s JOIN ({g}) g ON {on} WHERE s.__id > g.__first"
    count = spark.sql(f"SELECT count(*) {joined}").collect()[0][0]
    if not count:
        return 0, []
    shown = _shown([f"s.{c}" for c in cols])
    rows = spark.sql(f"SELECT s.__id, {shown}, g.__first {joined} ORDER BY s.__id {_limit(limit)}").collect()
    return int(count), [tuple(r) for r in rows]


def _blank_keys(scan, good: str, report: Report, cols: list[str], label: str, colno, limit) -> None:
    where = " OR ".join(f"{c} IS NULL" for c in cols)
    count = scan.spark.sql(f"SELECT count_if({where}) FROM {good}").collect()[0][0]
    if not count:
        return
    rows = scan.spark.sql(
        f"SELECT __id, {_shown(cols)}, NULL FROM {good} WHERE {where} ORDER BY __id {_limit(limit)}"
    ).collect()
    message = f"primary key ({label}) is blank or not of its type"
    report.add_group(
        _group(scan, "primary-key", label, f"{label} blank", message, int(count), [tuple(r) for r in rows], colno)
    )


def _types(spark, relation: str, cols: list[str]) -> list[str]:
    fields = spark.sql(f"SELECT {', '.join(cols)} FROM {relation} LIMIT 0").schema.fields
    return [f.dataType.simpleString() for f in fields]


def _comparable(a: str, b: str) -> bool:
    return a == b or (a in NUMERIC and b in NUMERIC)


def check_foreign_keys(
    scan, schema: TableSchema, match: Match, good: str, resolve: Resolver | None, limit: int | None
) -> Report:
    """Every foreign key that is not wholly blank must exist in the referenced table (as Frictionless)."""
    report = Report()
    spark, label_path = scan.spark, scan.table.label
    present = {f.name for _, f in match.placement}
    for fk in schema.foreign_keys:
        if not set(fk.fields) <= present:
            continue
        if not fk.resource and set(fk.reference_fields) <= present:
            target = good, _cols(fk.reference_fields)
        else:
            target = resolve(fk) if resolve is not None else None
        if target is None:
            report.add(
                Issue(
                    "foreign-key",
                    f"referenced resource {fk.resource!r} was not found",
                    path=label_path,
                    column=", ".join(fk.fields),
                    hint="pass --package with the referenced resources",
                )
            )
            continue
        relation, ref_cols = target
        cols = _cols(fk.fields)
        pairs = []
        for c, r, a, b in zip(cols, ref_cols, _types(spark, good, cols), _types(spark, relation, ref_cols)):
            if _comparable(a, b):
                pairs.append((f"s.{c}", r))
            else:  # Frictionless compares typed values: a string never equals a number
                pairs.append((f"'S' || CAST(s.{c} AS STRING)", f"'R' || CAST({r} AS STRING)"))
        refs = ", ".join(f"{r} AS r{i}" for i, (_, r) in enumerate(pairs))
        not_all_null = " OR ".join(f"{r} IS NOT NULL" for _, r in pairs)
        on = " AND ".join(f"{s} <=> r.r{i}" for i, (s, _) in enumerate(pairs))
        src_not_null = " OR ".join(f"s.{c} IS NOT NULL" for c in cols)
        body = (
            f"FROM {good} s LEFT ANTI JOIN (SELECT DISTINCT {refs} FROM {relation} WHERE {not_all_null}) r ON {on} "
            f"WHERE {src_not_null}"
        )
        count = spark.sql(f"SELECT count(*) {body}").collect()[0][0]
        if not count:
            continue
        rows = spark.sql(
            f"SELECT s.__id, {_shown([f's.{c}' for c in cols])}, NULL {body} ORDER BY s.__id {_limit(limit)}"
        ).collect()
        label = ", ".join(fk.fields)
        ref = f"{fk.resource or 'this table'}.{', '.join(fk.reference_fields)}"
        rule = f"{label} -> {ref}"
        message = f"{label} not found in {ref}"
        colno = match.column_number(fk.fields[0])
        report.add_group(_group(scan, "foreign-key", label, rule, message, int(count), [tuple(r) for r in rows], colno))
    return report
