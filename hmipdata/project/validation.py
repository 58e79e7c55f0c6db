"""The project's validation sequence: declarations, version, citation, placeholders, tables, checks.

``hmipdata validate`` (no file) and ``hmipdata build`` run the same sequence,
so a contributor sees in one run everything the build would refuse.
"""

from __future__ import annotations

from pathlib import Path

from hmipdata.checker.errors import DeclarationError, Issue, Report, SchemaError
from hmipdata.project.package import Project, load_project
from hmipdata.project.placeholders import unfilled


def check_project(project: Project, limit: int = 5, writable: Path | None = None):
    """Load and check every table (declared SQL sandboxed; ``writable`` is the one folder the connection
    may write to); returns the DuckDB connection and the report."""
    import duckdb

    from hmipdata.project.changelog import read_changelog
    from hmipdata.project.checks.run import run_checks, sql_problems
    from hmipdata.project.citation import check_citation
    from hmipdata.project.load import load_project_tables
    from hmipdata.project.sandbox import sandbox
    from hmipdata.project.semver import check_version

    read_changelog(project.root)  # a malformed entry heading or an impossible date stops here
    con = duckdb.connect()
    sandbox(con, project, writable)
    report = check_version(project)
    report.extend(check_citation(project))
    report.extend(unfilled(project.root))
    report.extend(load_project_tables(con, project, limit=limit))
    report.extend(sql_problems(con, project))
    if report.valid:
        report.extend(run_checks(con, project))
    return con, report


def validate_project(root: Path, limit: int = 5) -> Report:
    """Check every raw and derived table of the project, and its reconciliations."""
    try:
        project = load_project(root)
    except DeclarationError as exc:
        exc.report.extend(unfilled(root))  # every problem in one run: the placeholders left too
        return exc.report
    except SchemaError as exc:
        report = Report()
        report.add(Issue("schema-error", str(exc)))
        return report
    _, report = check_project(project, limit)
    return report
