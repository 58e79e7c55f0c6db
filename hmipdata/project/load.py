"""Load the project's tables into DuckDB, validating each on the way in.

Raw files are checked as text against their schema, then loaded typed with a
``_line`` column (the line an editor shows). Derived tables run their SQL and
are checked in turn. Every problem goes into one report.
"""

from __future__ import annotations

from hmipdata.checker.engine import Stats, check_foreign_keys, typed_select, validate_text_table
from hmipdata.checker.errors import Group, Issue, Report
from hmipdata.checker.inputs import file_problem
from hmipdata.checker.schema import ForeignKey, Resource
from hmipdata.checker.sqlrules import ident, literal
from hmipdata.checker.textfile import TextTable, open_csv, open_relation, physical_lines
from hmipdata.project.hints import shorthand_hints
from hmipdata.project.package import Project, depends_on
from hmipdata.project.sandbox import is_sandbox_refusal, one_select, refusal


def _resolver(con, project: Project, current: str):
    loaded = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}

    def resolve(fk: ForeignKey):
        name = fk.resource or current
        if name not in loaded and name != current:
            return None
        return ident(name), [ident(f) for f in fk.reference_fields]

    return resolve


def _line_sql(con, table: TextTable, stats: Stats) -> str:
    """SQL for each row's physical line; builds a lookup table when lines are irregular."""
    rows = list(range(1, stats.rows + 1))
    lines = physical_lines(con, table, rows, stats.rows, stats.embedded_newlines)
    if all(lines.get(r) == r + 1 for r in rows):
        return "__row + 1"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(table.name + '__lines')} (r BIGINT, line BIGINT)")
    con.executemany(f"INSERT INTO {ident(table.name + '__lines')} VALUES (?, ?)", list(lines.items()))
    return f"(SELECT line FROM {ident(table.name + '__lines')} WHERE r = __row)"


def _load_raw(con, project: Project, resource: Resource, limit: int) -> Report:
    path = project.root / str(resource.path)
    problem = file_problem(path)
    if problem:
        report = Report()
        hint = f"correct the path declared in {resource.declared_in}, or add the file"
        report.add(Issue("source-error", problem, path=str(resource.path), hint=hint))
        return report
    table = open_csv(con, path, str(resource.path), f"__text_{resource.name}")
    report, stats = validate_text_table(con, table, resource.schema, limit=limit)
    shorthand_hints(report)
    if not table.readable or len(table.header) != len(resource.schema.fields):
        return report
    report.extend(_invisible_spaces(con, table, resource, stats, limit))
    typed = typed_select(table, resource.schema, _line_sql(con, table, stats), "_line")
    con.execute(f"CREATE TABLE {ident(resource.name)} AS {typed} ORDER BY _line")
    printed = ", ".join(f"c{i} AS {ident(f.name)}" for i, f in enumerate(resource.schema.fields))
    con.execute(
        f"CREATE VIEW {ident(resource.name + '_as_printed')} AS SELECT {_line_sql(con, table, stats)} AS _line, "
        f"{printed} FROM {ident(table.name)}"
    )
    resolve = _resolver(con, project, resource.name)
    report.extend(check_foreign_keys(con, table, resource.schema, resolve, limit, stats))
    return report


# Characters that look like a space or like nothing: a non-breaking space, zero-width spaces and joiners,
# word joiner, byte-order mark, soft hyphen, Mongolian vowel separator.
INVISIBLE = r"[\x{a0}\x{200b}-\x{200d}\x{2060}\x{feff}\x{ad}\x{180e}]"


def _invisible_spaces(con, table: TextTable, resource: Resource, stats: Stats, limit: int) -> Report:
    """Warn about non-breaking spaces and zero-width characters: they look like a space (or nothing),
    so a cell holding only them passes ``required``, and they break matching and joins."""
    report = Report()
    names = resource.schema.field_names
    found = [f"regexp_matches(c{i}, {literal(INVISIBLE)})" for i in range(min(len(names), len(table.header)))]
    aggs = [f"count_if({f}), min(__row, {limit}) FILTER (WHERE {f})" for f in found]
    if not aggs:
        return report
    found = con.execute(f"SELECT {', '.join(aggs)} FROM {ident(table.name)}").fetchall()[0]
    for i in range(len(aggs)):
        count, rows = found[2 * i], found[2 * i + 1]
        if not count:
            continue
        lines = physical_lines(con, table, list(rows), stats.rows, stats.embedded_newlines)
        issues = [
            Issue(
                "invisible-space",
                f"{names[i]} contains an invisible character (a non-breaking space or a zero-width character)",
                path=table.label,
                row=lines.get(r, r),
                column=names[i],
                column_number=i + 1,
                severity="warning",
                hint="replace it with an ordinary space (or delete it) unless the source prints it",
            )
            for r in rows
        ]
        report.add_group(
            Group(table.label, "invisible-space", names[i], "invisible character", int(count), issues, "warning")
        )
    return report


def _load_derived(con, project: Project, resource: Resource, limit: int) -> Report:
    report = Report()
    staging = f"__derived_{resource.name}"
    loaded = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if depends_on(resource, {r.name for r in project.resources}) - loaded:
        return report  # a table it reads failed to load: that table's errors say why
    what = f"derive SQL of {resource.name!r}"
    one_select(con, resource.derive_sql or "", resource.declared_in, what)
    try:
        con.execute(f"CREATE TEMP TABLE {ident(staging)} AS {resource.derive_sql}")
    except Exception as exc:  # DuckDB reports SQL errors with many exception types
        if is_sandbox_refusal(exc):
            raise refusal(resource.declared_in, what, exc) from None
        report.add(sql_issue(f"derive SQL of {resource.name!r} failed", exc, resource, ("derive", "sql")))
        return report
    columns = [c[0] for c in con.execute(f"DESCRIBE {ident(staging)}").fetchall()]
    names = resource.schema.field_names
    missing = [n for n in names if n not in columns]
    if missing:
        report.add(
            Issue(
                "schema-error",
                f"derive SQL does not produce fields: {', '.join(missing)}",
                path=resource.declared_in,
                row=resource.line("derive", "sql"),
                hint="select every schema field, by name",
            )
        )
        return report
    line = "_line" if "_line" in columns else None
    label = project.location(resource) if line else resource.declared_in
    select = f"(SELECT {', '.join(ident(n) for n in names)}{', _line' if line else ''} FROM {ident(staging)})"
    table = open_relation(con, select, label, f"__text_{resource.name}", names, line)
    found, stats = validate_text_table(con, table, resource.schema, limit=limit)
    shorthand_hints(found)
    report.extend(found)
    typed = typed_select(table, resource.schema, "__line" if line else "__row", "_line")
    con.execute(f"CREATE TABLE {ident(resource.name)} AS {typed} ORDER BY _line")
    resolve = _resolver(con, project, resource.name)
    report.extend(check_foreign_keys(con, table, resource.schema, resolve, limit, stats))
    return report


def sql_issue(what: str, exc: Exception, resource: Resource, at: tuple) -> Issue:
    """A ``schema-error`` for SQL DuckDB refused, at its line in the declaration, with DuckDB's suggestion."""
    from hmipdata.project.sandbox import HINT, is_sandbox_refusal

    lines = str(exc).splitlines()
    if is_sandbox_refusal(exc):
        return Issue(
            "schema-error",
            f"{what.removesuffix(': SQL error').removesuffix(' failed')} reaches outside the declared inputs: {lines[0]}",
            path=resource.declared_in,
            row=resource.line(*at),
            hint=HINT,
        )
    candidates = next((x.strip() for x in lines[1:] if x.strip().startswith(("Candidate", "Did you mean"))), "")
    return Issue(
        "schema-error",
        f"{what}: {lines[0] if lines else exc}",
        path=resource.declared_in,
        row=resource.line(*at),
        hint=f"fix the SQL; {candidates}"
        if candidates
        else "fix the SQL; columns and tables are named as in the schemas",
    )


def check_row_count(con, resource: Resource) -> Report:
    report = Report()
    if resource.expected_rows is None:
        return report
    try:
        (count,) = con.execute(f"SELECT count(*) FROM {ident(resource.name)}").fetchall()[0]
    except Exception:  # the table failed to load; its own errors say why
        return report
    if count != resource.expected_rows:
        report.add(
            Issue(
                "row-count",
                f"table {resource.name} has {count} rows but expected_rows is {resource.expected_rows}",
                path=resource.path or resource.declared_in,
                value=str(count),
                rule="expected_rows",
            )
        )
    return report


def load_project_tables(con, project: Project, limit: int = 5) -> Report:
    """Validate and load every resource of the project into ``con``."""
    report = Report()
    for resource in project.resources:
        load = _load_raw if resource.path else _load_derived
        report.extend(load(con, project, resource, limit))
        report.extend(check_row_count(con, resource))
    return report
