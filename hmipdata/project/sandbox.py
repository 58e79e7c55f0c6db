"""Declared SQL runs in a sandbox: it reads the declared raw files and nothing else, and writes nothing.

Before any table is loaded, the project's connection is limited to the raw
files the schemas declare (DuckDB's ``allowed_paths``) and, for a build, the
one staging folder the outputs go to; then external access is switched off
and the configuration locked, so no later statement can widen it. Each
``derive:`` query and each check must be a single ``SELECT``; a query that
reaches another file, or is not one ``SELECT``, is a declaration error naming
its schema file.
"""

from __future__ import annotations

from pathlib import Path

from hmipdata.checker.errors import DeclarationError
from hmipdata.checker.sqlrules import literal
from hmipdata.project.package import Project

HINT = "declared SQL may only read the project's tables; declare the file as a table (path:) instead"


def sandbox(con, project: Project, writable: Path | None = None) -> None:
    """Limit ``con`` to the declared raw files (and ``writable``), then lock its configuration."""
    files = [str((project.root / str(r.path)).resolve()) for r in project.resources if r.path]
    con.execute(f"SET allowed_paths = [{', '.join(literal(f) for f in files)}]")
    if writable is not None:
        con.execute(f"SET allowed_directories = [{literal(str(Path(writable).resolve()) + '/')}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def one_select(con, sql: str, where: str, what: str) -> None:
    """Refuse ``sql`` unless it is exactly one SELECT statement (parse errors are left to running it)."""
    import duckdb

    try:
        statements = con.extract_statements(sql)
    except duckdb.Error:
        return
    kinds = [s.type.name for s in statements]
    if kinds != ["SELECT"]:
        found = ", ".join(kinds) or "nothing"
        raise DeclarationError(f"{where}: {what} must be one SELECT statement, found: {found} ({HINT})")


def is_sandbox_refusal(exc: Exception) -> bool:
    """True when DuckDB refused a file access because of the sandbox."""
    import duckdb

    return isinstance(exc, duckdb.PermissionException) or "disabled by configuration" in str(exc)


def refusal(where: str, what: str, exc: Exception) -> DeclarationError:
    from hmipdata.checker.safetext import first_line

    return DeclarationError(f"{where}: {what} reaches outside the declared inputs: {first_line(exc)} ({HINT})")
