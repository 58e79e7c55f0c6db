"""Command-line interface: parses arguments, calls the library, prints, exits.

Exit codes: 0 valid, 1 invalid data, 2 usage or declaration error, 3 environment
failure, 4 a bug (see :mod:`hmipdata.boundary`, the one place failures become
messages). Heavy libraries are imported inside the commands, so ``hmipdata
--help`` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hmipdata.boundary import EXIT_CODES, handle
from hmipdata.checker.errors import DeclarationError, InvalidData, SchemaError, UsageError
from hmipdata.checker.safetext import printable

FORMATS = ("text", "json", "github")


def _print_report(report, fmt: str) -> None:
    if fmt == "json":
        print(report.render_json())
    elif fmt == "github":
        text = report.render_github()
        if text:
            print(text)
    else:
        text = report.render_text()
        if text:
            print(text)
        print(report.summary(), file=sys.stderr)


def cmd_validate(args) -> int:
    from hmipdata.checker import validate
    from hmipdata.project import validation

    if args.output and not Path(args.output).absolute().parent.is_dir():
        raise UsageProblem(f"--output {args.output}: the folder {Path(args.output).absolute().parent} does not exist")
    if args.spark_master and args.engine != "spark":
        raise UsageProblem("--spark-master needs --engine spark")
    if args.file or args.schema:
        if not args.schema:
            raise UsageProblem("validate FILE needs --schema SCHEMA (a Table Schema in JSON or YAML)")
        report = validate.validate_source(
            args.file,
            Path(args.schema),
            package=Path(args.package) if args.package else None,
            dialect=_dialect(args.dialect),
            limit=None if args.output else args.limit_errors,  # --output FILE gets every failing row
            watch=_progress if sys.stdout.isatty() and not args.no_progress else None,
            engine=args.engine,
            spark_master=args.spark_master,
        )
    elif args.engine == "spark":
        raise UsageProblem("--engine spark checks a file: validate FILE --schema SCHEMA --engine spark")
    else:
        report = validation.validate_project(Path(args.root), limit=args.limit_errors)
    if args.output:
        from hmipdata.publish.atomic import atomic_write_text

        atomic_write_text(Path(args.output), report.render_json() + "\n")
        report = validate.capped(report, args.limit_errors)
    _print_report(report, args.format)
    return report.exit_code


def _dialect(path: str | None):
    """``--dialect FILE``: a Table Dialect in JSON or YAML."""
    if not path:
        return None
    from hmipdata.checker.schema import read_mapping

    return read_mapping(Path(path))


def _schema_error(exc: Exception, args) -> int:
    """A Table Schema (or dialect) that cannot be used: one line, a report in JSON/GitHub formats too; exit 2."""
    from hmipdata.checker.errors import Issue, Report

    fmt = getattr(args, "format", "text")
    if fmt in ("json", "github"):
        report = Report()
        report.add(Issue("schema-error", str(exc)))
        _print_report(report, fmt)
    print(f"error: {exc}", file=sys.stderr)
    return 2


@contextmanager
def _progress(con) -> Iterator[None]:
    """A transient progress bar fed by DuckDB's own progress, shown once the work takes over half a second."""
    import threading

    stop = threading.Event()

    def show() -> None:
        if stop.wait(0.5):
            return
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (SpinnerColumn(), TextColumn("validating"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"))
        with Progress(*columns, TimeElapsedColumn(), transient=True) as bar:
            task = bar.add_task("validating", total=100)
            while not stop.wait(0.1):
                done = con.query_progress()
                if done >= 0:
                    bar.update(task, completed=done)

    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    thread = threading.Thread(target=show, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def cmd_build(args) -> int:
    from hmipdata.publish.build import build

    result = build(Path(args.root), force=args.force, limit=args.limit_errors)
    if result.report.warning_count:
        _print_report(result.report, "text")
    state = "up to date" if result.skipped else "built"
    print(f"{state}: {result.path}", file=sys.stderr)
    return 0


def cmd_check(args) -> int:
    from hmipdata.project.checks.run import all_outcomes, known_anomalies
    from hmipdata.project.package import load_project
    from hmipdata.project.validation import check_project as validate_project

    project = load_project(Path(args.root))
    con, report = validate_project(project, args.limit_errors)
    if not report.valid and not any(i.code in ("check-failed", "known-anomaly") for i in report.issues):
        _print_report(report, "text")
        return report.exit_code
    known = known_anomalies(con)
    failed = 0
    for outcome, _ in all_outcomes(con, project):
        anomaly_ids = list(dict.fromkeys(a for a, _ in known.get(outcome.check_id, [])))
        results = [i for i in report.issues if i.rule == outcome.check_id]
        if not outcome.failures:
            status = "pass"
        elif all(i.code == "known-anomaly" for i in results):
            status = f"known anomaly ({', '.join(anomaly_ids)})"
        else:
            status = "FAIL"
            failed += 1
        print(printable(f"{status:<28} {outcome.table}: {outcome.check_id}  {outcome.description}"))
        for issue in results:
            print(f"    {issue.line()}")
    return 1 if failed else 0


def cmd_sql(args) -> int:
    from hmipdata.publish.query import run_query

    print(run_query(Path(args.database), args.query))
    return 0


def cmd_release(args) -> int:
    from hmipdata.publish.release import release

    result = release(Path(args.root))
    state = "released" if result.created else "unchanged (already released with the same content)"
    print(f"{result.version} {state}: {result.path}", file=sys.stderr)
    return 0


def cmd_diff(args) -> int:
    from hmipdata.checker.inputs import check_package_dir
    from hmipdata.publish.diff import diff_directories, resolve

    root = Path(args.root)
    old, new = resolve(root, args.old), resolve(root, args.new)
    for directory in (old, new):
        check_package_dir(directory)
    result = diff_directories(old, new, args.old, args.new)
    print(result.markdown() if args.format == "markdown" else result.text())
    return 0


def cmd_site(args) -> int:
    import os

    from hmipdata.site import build_site

    base_url = args.base_url or os.environ.get("HMIPDATA_SITE_URL") or None
    _ensure_releases(Path(args.root))
    result = build_site(Path(args.root), base_url=base_url, install_npm=not args.no_npm)
    if not result.engine.available:
        print(f"warning: the SQL page has no engine: {result.engine.reason}", file=sys.stderr)
    print(f"site: {result.path} ({len(result.pages)} pages)", file=sys.stderr)
    return 0


def _ensure_releases(root: Path) -> None:
    """Every recorded version in build/releases/ (rebuilt from history if needed), so the site links them all."""
    from hmipdata.publish.build import build_lock
    from hmipdata.publish.history import HistoryError, ensure_releases

    try:
        with build_lock(root.resolve()):
            ensure_releases(root)
    except HistoryError as exc:
        print(f"warning: the site will not hold every release: {exc}", file=sys.stderr)


def cmd_new(args) -> int:
    from hmipdata.project.scaffold import new_dataset

    result = new_dataset(Path(args.root), args.dataset, Path(args.source), table=args.table)
    print(result.next_steps())
    return 0


class UsageProblem(UsageError):
    """The arguments do not make sense together."""


def _count(text: str) -> int:
    """``--limit-errors N``: a whole number of examples, 0 for counts only."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0 (0 shows counts only)")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hmipdata",
        description="HM Inspectorate of Probation figures as validated open data.",
        epilog=EXIT_CODES,
    )
    p.add_argument("--root", default=".", help="repository root (default: current directory)")
    p.add_argument("--debug", action="store_true", help="print the Python traceback of any failure")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check raw data (or any CSV/Parquet file) against the schemas")
    v.add_argument(
        "file",
        nargs="?",
        help="a CSV, Parquet or XLSX file, or many as one dataset: a glob ('parts/*.csv'), a directory "
        "(hive layouts too); with only --schema RESOURCE, its 'path' list (default: the whole project)",
    )
    v.add_argument("--schema", help="Table Schema (JSON or YAML) to check FILE against")
    v.add_argument("--package", help="datapackage.json holding the resources FILE's foreign keys refer to")
    v.add_argument(
        "--dialect",
        metavar="FILE",
        help="Table Dialect (JSON or YAML) of FILE: delimiter, quoteChar, escapeChar, header, headerRows, "
        'commentChar, commentRows, encoding... (default: a UTF-8 CSV with , and " and one header line)',
    )
    v.add_argument(
        "--limit-errors",
        type=_count,
        default=5,
        metavar="N",
        help="examples shown per rule and column (default 5; 0 for counts only)",
    )
    v.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    v.add_argument(
        "--output", metavar="FILE", help="also write the full report as JSON to FILE, with every failing row"
    )
    v.add_argument("--no-progress", action="store_true", help="never show a progress bar (shown only on a terminal)")
    v.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="run the checks in DuckDB (default) or Apache Spark (pip install 'hmipdata[spark]'; needs Java 17+)",
    )
    v.add_argument("--spark-master", metavar="URL", help="Spark master for --engine spark (default local[*])")
    v.set_defaults(func=cmd_validate)

    b = sub.add_parser("build", help="validate, then write build/ (DuckDB, CSV, Parquet, datapackage.json)")
    b.add_argument("--force", action="store_true", help="rebuild even if no input changed")
    b.add_argument("--limit-errors", type=_count, default=5, metavar="N")
    b.set_defaults(func=cmd_build)

    c = sub.add_parser("check", help="run every reconciliation check and print pass / known anomaly / fail")
    c.add_argument("--limit-errors", type=_count, default=5, metavar="N")
    c.set_defaults(func=cmd_check)

    r = sub.add_parser("release", help="build build/releases/<version>/ for the version in schemas/package.yaml")
    r.set_defaults(func=cmd_release)

    d = sub.add_parser("diff", help="schema and value changes between two releases or build directories")
    d.add_argument("old", help="a version (from build/releases/) or a directory with datapackage.json")
    d.add_argument("new", help="a version or a directory, e.g. build")
    d.add_argument("--format", choices=("text", "markdown"), default="text")
    d.set_defaults(func=cmd_diff)

    s = sub.add_parser("site", help="render the static site from build/ into build/site (run build first)")
    s.add_argument(
        "--base-url",
        help="the site's public address, used in code snippets, metadata and the sitemap "
        "(default: $HMIPDATA_SITE_URL, else the GitHub Pages address of the homepage in schemas/package.yaml)",
    )
    s.add_argument("--no-npm", action="store_true", help="never run npm (without it the SQL page has no engine)")
    s.set_defaults(func=cmd_site)

    n = sub.add_parser("new", help="start a dataset from a CSV or XLSX file: copy it to raw/, write its schema")
    n.add_argument("dataset", help="the dataset's name, lowercase snake_case (raw/DATASET/, schemas/DATASET/)")
    n.add_argument("--from", dest="source", required=True, metavar="FILE", help="the CSV (UTF-8) or XLSX file")
    n.add_argument("--table", help="the table's name (default: the dataset's name)")
    n.set_defaults(func=cmd_new)

    q = sub.add_parser("sql", help="run a SQL query on the built database and print a table")
    q.add_argument("query", help='e.g. "select count(*) from caseloads"')
    q.add_argument("--database", default="build/hmipdata.duckdb", help="default build/hmipdata.duckdb")
    q.set_defaults(func=cmd_sql)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code = args.func(args)
    except (InvalidData, DeclarationError) as exc:
        if exc.report is None:  # one refused declaration: one line
            code = handle(exc, debug=args.debug)
        else:
            _print_report(exc.report, getattr(args, "format", "text"))
            code = exc.report.exit_code
    except SchemaError as exc:  # a schema the checker cannot use: a declaration error
        code = _schema_error(exc, args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        code = 130
    except Exception as exc:  # the error boundary: one line and an exit code, a traceback only for bugs
        code = handle(exc, debug=args.debug)
    try:
        sys.stdout.flush()
    except OSError as exc:  # stdout closed or on a full disk
        code = handle(exc, debug=args.debug)
    return code


if __name__ == "__main__":
    sys.exit(main())
