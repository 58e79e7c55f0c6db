"""Run the declared reconciliation checks in DuckDB.

Each check compiles to SQL through its kind in the registry
(:data:`hmipdata.project.checks.KINDS`). A failure the anomalies register
lists under the check's id is a known anomaly (warning).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hmipdata.checker.errors import DeclarationError, Issue, Report
from hmipdata.checker.safetext import first_line
from hmipdata.checker.schema import Resource
from hmipdata.checker.sqlrules import ident
from hmipdata.project.checks import KINDS
from hmipdata.project.checks.base import key_sql
from hmipdata.project.package import Project, tables_in
from hmipdata.project.sandbox import is_sandbox_refusal, one_select, refusal


@dataclass
class Outcome:
    """One check's result: failures as (line, row key, message)."""

    check_id: str
    table: str
    description: str
    failures: list[tuple[int | None, str, str]]
    column: str | None = None


def check_sql(resource: Resource, check: dict[str, Any]) -> str:
    """The SQL returning ``(_line, row_key, message)`` per failure of ``check``."""
    kind = KINDS.get(check.get("kind"))
    if kind is None:
        raise ValueError(f"unknown check kind {check.get('kind')!r}; use one of {', '.join(KINDS)}")
    return kind.sql(resource, check)


def sql_problems(con, project: Project) -> Report:
    """A ``schema-error`` for each check whose SQL DuckDB cannot plan against the loaded tables.

    Planning needs only the tables' columns, so this runs even when some rows are invalid.
    """
    from hmipdata.project.load import sql_issue

    report = Report()
    names = {r.name for r in project.resources}
    loaded = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    for resource in project.resources:
        for i, check in enumerate(resource.checks):
            sql = check_sql(resource, check)
            if ({resource.name} | tables_in(sql, names)) - loaded:
                continue  # a table it reads failed to load: that table's errors say why
            try:
                con.execute(f"EXPLAIN {sql}")
            except Exception as exc:  # DuckDB reports SQL errors with many exception types
                report.add(sql_issue(f"check {check['id']!r}: SQL error", exc, resource, ("checks", i)))
    return report


def _run_sql(con, resource: Resource, check: dict[str, Any]):
    """Run a check's SQL (one SELECT, sandboxed); a failure is a declaration error naming the schema file."""
    import duckdb

    what = f"check {check.get('id')!r}" if isinstance(check, dict) else f"check {check!r}"
    try:
        sql = check_sql(resource, check)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:  # until the declaration model checks keys
        raise DeclarationError(f"{resource.declared_in}: {what} lacks or mistypes the key {exc}") from None
    one_select(con, sql, resource.declared_in, what)
    try:
        cursor = con.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()
    except duckdb.Error as exc:
        if is_sandbox_refusal(exc):
            raise refusal(resource.declared_in, what, exc) from None
        raise DeclarationError(f"{resource.declared_in}: {what} failed: {first_line(exc)}") from None


def run_check(con, resource: Resource, check: dict[str, Any]) -> Outcome:
    names, rows = _run_sql(con, resource, check)
    failures = []
    for row in rows:
        record = dict(zip(names, row))
        key, line = record.get("row_key"), record.get("_line")
        pk = resource.schema.primary_key
        if pk and all(k in record for k in pk):
            key = key if key is not None else "; ".join(f"{k}={record[k]}" for k in pk)
            line = line if line is not None else _line_of(con, resource, [record[k] for k in pk])
        failures.append((line, str(key or ""), str(record.get("message", row))))
    shown_at = KINDS[check["kind"]].shown_at
    column = check.get(shown_at) if shown_at else None
    return Outcome(str(check.get("id")), resource.name, str(check.get("description", "")), failures, column)


def _line_of(con, resource: Resource, key: list) -> int | None:
    where = " AND ".join(f"{ident(k)} IS NOT DISTINCT FROM ?" for k in resource.schema.primary_key)
    found = con.execute(f"SELECT min(_line) FROM {ident(resource.name)} WHERE {where}", key).fetchall()
    return found[0][0] if found else None


def _pairs(key: str) -> set[str]:
    return {p.strip() for p in key.split(";") if p.strip()}


def known_anomalies(con) -> dict[str, list[tuple[str, str]]]:
    """check_id -> [(anomaly_id, row_key)] from the anomalies register and the rows it touches.

    The touched rows come from ``anomaly_rows`` (one row per anomaly and row key) when the
    project has that table, else from a ``row_key`` column of ``anomalies`` (older layout)."""
    queries = (
        "SELECT a.check_id, a.anomaly_id, coalesce(r.row_key, '') FROM anomalies AS a "
        "LEFT JOIN anomaly_rows AS r USING (anomaly_id) WHERE a.check_id IS NOT NULL",
        "SELECT check_id, anomaly_id, coalesce(row_key, '') FROM anomalies WHERE check_id IS NOT NULL",
        "SELECT check_id, anomaly_id, '' FROM anomalies WHERE check_id IS NOT NULL",
    )
    rows = None
    for sql in queries:
        try:
            rows = con.execute(sql).fetchall()
            break
        except Exception:  # no anomalies (or anomaly_rows / row_key) in this project
            continue
    if rows is None:
        return {}
    out: dict[str, list[tuple[str, str]]] = {}
    for check_id, anomaly_id, key in rows:
        out.setdefault(check_id, []).append((anomaly_id, key))
    return out


def run_checks(con, project: Project) -> Report:
    """Run every declared check; failures are errors unless a known anomaly."""
    report = Report()
    known = known_anomalies(con)
    for outcome, resource in all_outcomes(con, project):
        for line, key, message in outcome.failures:
            listed = [a for a, k in known.get(outcome.check_id, []) if _pairs(k) <= _pairs(key)]
            where = f" [{key}]" if key else ""
            issue = Issue(
                "check-failed",
                f"check {outcome.check_id}: {message}{where}",
                path=project.location(resource),
                row=line,
                column=outcome.column,
                rule=outcome.check_id,
            )
            if listed:
                issue.code, issue.severity = "known-anomaly", "warning"
                issue.message += f" (known anomaly {', '.join(listed)})"
                issue.hint = "recorded in the anomalies register"
            report.add(issue)
    return report


def printed_outcome(con, resource: Resource) -> Outcome | None:
    """Built-in check: each figure equals the number its printed text denotes (e.g. value vs value_text)."""
    from hmipdata.project.printed import denoted, printed_pairs

    numeric = {f.name for f in resource.schema.fields if f.type in ("integer", "number")}
    pairs = printed_pairs(resource.schema.field_names, numeric)
    if not pairs:
        return None
    unit = "unit" if "unit" in resource.schema.field_names else "NULL"
    key = key_sql(list(resource.schema.primary_key))
    failures = []
    for number, text in pairs:
        rows = con.execute(
            f"SELECT _line, {key}, {ident(number)}, {ident(text)}, coalesce(CAST({unit} AS VARCHAR), '') "
            f"FROM {ident(resource.name)} WHERE {ident(number)} IS NOT NULL AND {ident(text)} IS NOT NULL ORDER BY _line"
        ).fetchall()
        for line, row_key, value, printed, unit_value in rows:
            read = denoted(printed, unit_value or ("percent" if "pct" in number else ""))
            unreadable = read is None and text.endswith("_text")  # *_as_printed may be a label ("YEAR 1")
            if unreadable or (read is not None and abs(read - float(value)) > 1e-9):
                failures.append((line, row_key, f"{number} {value:g} differs from {text} {printed!r}"))
    check_id = f"{resource.name.replace('_', '-')}-printed-figures"
    return Outcome(check_id, resource.name, "Each figure equals its text as printed", failures, pairs[0][0])


def all_outcomes(con, project: Project):
    """Yield (outcome, resource) for every declared check, and the built-in printed-figure check."""
    for resource in project.resources:
        for check in resource.checks:
            yield run_check(con, resource, check), resource
        outcome = printed_outcome(con, resource)
        if outcome is not None:
            yield outcome, resource
