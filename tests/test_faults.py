"""Named faults and hostile inputs: each is one clear line and a documented exit code, never a traceback.

The cases are data (CASES): a setup that breaks a copy of a small built
project, the command, the exit code and words the output must hold. Each
runs in-process through ``hmipdata.cli.main`` (the error boundary), and a
failing command must leave ``build/`` byte-identical.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faultkit import clean, cli, small_project, tree_digest

SOURCES = "raw/sources/sources.csv"
SOURCES_SCHEMA = "schemas/sources/sources.yaml"
RISK = "raw/sfo_risk_levels/sfo-risk-levels.csv"


@dataclass(frozen=True)
class Case:
    id: str
    setup: Callable[[Path], list[str]]  # breaks the project at root; returns the command's arguments
    exit: int
    expect: tuple[str, ...] = ()


def _edit(root: Path, rel: str, change: Callable[[bytes], bytes]) -> None:
    (root / rel).write_bytes(change((root / rel).read_bytes()))


def _build(root: Path) -> list[str]:
    return ["--root", str(root), "build"]


def _with(rel: str, change: Callable[[bytes], bytes], command=_build) -> Callable[[Path], list[str]]:
    def setup(root: Path) -> list[str]:
        _edit(root, rel, change)
        return command(root)

    return setup


def _derived(sql: str) -> Callable[[Path], list[str]]:
    def setup(root: Path) -> list[str]:
        (root / "schemas/sources/evil.yaml").write_text(
            "name: evil\ntitle: Evil\nderive:\n  sql: " + repr(sql).replace("\\'", "''") + "\n"
            "schema:\n  fields:\n    - {name: source_id, type: string}\n    - {name: x, type: string}\n"
        )
        return _build(root)

    return setup


def _query_check(root: Path) -> list[str]:
    text = (root / SOURCES_SCHEMA).read_text()
    hostile = "  - {id: evil, kind: query, sql: \"SELECT content AS message FROM read_text('/etc/hostname')\"}\n"
    (root / SOURCES_SCHEMA).write_text(text + hostile)
    return _build(root)


def _replace(old: bytes, new: bytes, count: int = 1) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(old, new, count)


def _declared_path(kind: str) -> Callable[[Path], list[str]]:
    def setup(root: Path) -> list[str]:
        target = root / "raw/sources/elsewhere.csv"
        if kind == "folder":
            target.mkdir()
        elif kind == "fifo":
            os.mkfifo(target)
        _edit(root, SOURCES_SCHEMA, _replace(b"path: raw/sources/sources.csv", b"path: raw/sources/elsewhere.csv"))
        return _build(root)

    return setup


def _work(kind: str) -> Callable[[Path], list[str]]:
    def setup(root: Path) -> list[str]:
        (root / ".build/lock").unlink()
        if kind == "lock-folder":
            (root / ".build/lock").mkdir()
        elif kind == "lock-symlink":
            outside = root.parent / "precious.txt"
            outside.write_text("keep me")
            (root / ".build/lock").symlink_to(outside)
        return [*_build(root), "--force"]

    return setup


def _sql(*args: str) -> Callable[[Path], list[str]]:
    return lambda root: ["sql", *[a.format(root=root) for a in args]]


def _not_duckdb(root: Path) -> list[str]:
    (root / "notdb.duckdb").write_text("hello")
    return ["sql", "select 1", "--database", str(root / "notdb.duckdb")]


def _diff_package(broken: Callable[[Path], None]) -> Callable[[Path], list[str]]:
    def setup(root: Path) -> list[str]:
        old = root / "old"
        old.mkdir()
        shutil.copy(root / "build/datapackage.json", old / "datapackage.json")
        broken(old)
        return ["--root", str(root), "diff", str(old), "build"]

    return setup


def _parquet(keep: Callable[[bytes], bytes]) -> Callable[[Path], list[str]]:
    def setup(root: Path) -> list[str]:
        data = (root / "build/data/sources.parquet").read_bytes()
        (root / "bad.parquet").write_bytes(keep(data))
        return ["validate", str(root / "bad.parquet"), "--schema", str(root / SOURCES_SCHEMA)]

    return setup


def _validate(name: str, make: Callable[[Path], None]) -> Callable[[Path], list[str]]:
    def setup(root: Path) -> list[str]:
        make(root / name)
        return ["validate", str(root / name), "--schema", str(root / SOURCES_SCHEMA)]

    return setup


def _workbook(stray: bool) -> Callable[[Path], None]:
    """A workbook with the sources header and a stray cell at XFD1048576, or a formula without a saved value."""

    def make(path: Path) -> None:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["source_id", "seed_file", "title", "publisher", "publication_date", "document_type", "url"])
        sheet.append(["a-b", "f.txt", "T", "P", "2021", "report", "https://example.org"])
        if stray:
            sheet["XFD1048576"] = "x"
        else:
            sheet["B2"] = '=CONCAT("f", ".txt")'  # openpyxl saves no value for it
        book.save(path)

    return make


BOMB = "".join(f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
BILLION_LAUGHS = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + BOMB


def _cell(text: str) -> Callable[[bytes], bytes]:
    """Replace the first source's publisher cell."""
    return _replace(b",HM Inspectorate of Probation,", f",{text},".encode())


CASES = [
    # odd paths, declared and given
    Case("declared-path-missing", _declared_path("missing"), 1, ("raw/sources/elsewhere.csv", "file not found")),
    Case("declared-path-folder", _declared_path("folder"), 1, ("is a folder",)),
    Case("declared-path-fifo", _declared_path("fifo"), 1, ("not a regular file",)),
    Case("validate-folder", lambda root: ["validate", str(root), "--schema", str(root / SOURCES_SCHEMA)], 1),
    Case("validate-fifo", _validate("pipe.csv", os.mkfifo), 1, ("not a regular file",)),
    Case("validate-nul-path", _validate("a\0b.csv", lambda path: None), 1, ("NUL",)),
    Case(
        "output-into-missing-folder",
        lambda root: [
            "validate",
            str(root / SOURCES),
            "--schema",
            str(root / SOURCES_SCHEMA),
            "--output",
            "/nope/r.json",
        ],
        2,
        ("/nope/r.json", "does not exist"),
    ),
    # raw CSV edge cases
    Case("first-line-blank", _with(SOURCES, lambda d: b"\n" + d), 1, (f"{SOURCES}:1", "first line is blank")),
    Case("lone-cr-in-cell", _with(SOURCES, _cell("HM\rInspectorate")), 1, (f"{SOURCES}:2", "carriage return")),
    Case("crlf-header-lf-rows", _with(SOURCES, lambda d: d.replace(b"\n", b"\r\n", 1)), 1, ("mixed line endings",)),
    Case(
        "too-many-columns",
        _with(SOURCES, lambda d: b",".join(b"c%d" % i for i in range(2001)) + b"\n" + d),
        1,
        ("2,001 columns",),
    ),
    Case("cell-over-1-mib", _with(SOURCES, _cell("x" * (1 << 20 | 1000))), 1, ("over the cap",)),
    Case("zero-width-only-cell", _with(SOURCES, _cell("\u200b")), 0, ("warning", "invisible character")),
    # safe text
    Case("javascript-url", _with(SOURCES, _replace(b",https://", b",javascript:alert(1)//")), 1, ("url", "pattern")),
    Case("publication-month-13", _with(SOURCES, _replace(b",2021-02,", b",2021-13,")), 1, ("publication_date",)),
    Case("publication-month-00", _with(SOURCES, _replace(b",2021-02,", b",2021-00,")), 1, ("publication_date",)),
    Case("changelog-impossible-date", _with("CHANGELOG.md", _replace(b"2026-11-23", b"2026-13-45")), 2, ("real date",)),
    # declarations that reach outside, and limits
    Case("derive-reads-a-file", _derived("SELECT source_id, content AS x FROM sources, read_text('/etc/hostname')"), 2),
    Case("derive-copies-out", _derived("SELECT 1; COPY (SELECT 1) TO '/tmp/hmipdata-pwned.csv'"), 2, ("one SELECT",)),
    Case("check-reads-a-file", _query_check, 2, (SOURCES_SCHEMA, "outside the declared inputs")),
    Case("yaml-billion-laughs", _with(SOURCES_SCHEMA, lambda d: d + BILLION_LAUGHS.encode()), 1, ("aliases",)),
    Case("xlsx-cell-at-XFD1048576", _validate("stray.xlsx", _workbook(stray=True)), 1, ("XFD1048576",)),
    Case(
        "xlsx-formula-without-value", _validate("formula.xlsx", _workbook(stray=False)), 1, ("cell B2", "saved value")
    ),
    # the lock and the work folder in a bad state
    Case("lock-is-a-folder", _work("lock-folder"), 3, (".build/lock is a folder",)),
    Case("lock-is-a-symlink", _work("lock-symlink"), 3, ("symlink", "never follows")),
    # sql, diff, parquet
    Case("sql-empty", _sql("", "--database", "{root}/build/hmipdata.duckdb"), 2, ("query is empty",)),
    Case(
        "sql-error-while-fetching",
        _sql("select error('boom') from range(5000)", "--database", "{root}/build/hmipdata.duckdb"),
        2,
        ("boom",),
    ),
    Case("sql-database-is-a-folder", _sql("select 1", "--database", "{root}"), 2, ("is not a file",)),
    Case("sql-database-not-duckdb", _not_duckdb, 2, ("cannot be opened as a DuckDB database",)),
    Case(
        "diff-not-json", _diff_package(lambda d: (d / "datapackage.json").write_text("{oops")), 2, ("not valid JSON",)
    ),
    Case("diff-missing-file", _diff_package(lambda d: None), 2, ("lists data/",)),
    Case("parquet-truncated", _parquet(lambda d: d[: len(d) // 2]), 1, ("cannot be read as Parquet",)),
    Case("parquet-corrupt", _parquet(lambda d: d[:100] + b"x" * 300 + d[400:]), 1, ("cannot be read as Parquet",)),
]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    root = small_project(tmp_path_factory.mktemp("faults") / "repo")
    assert cli("--root", root, "build").code == 0
    return root


def test_case_count_is_visible():
    assert len(CASES) == 33


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault(baseline, tmp_path, case, fault_counts):
    root = tmp_path / "repo"
    shutil.copytree(baseline, root, symlinks=True)
    before = tree_digest(root / "build")
    args = case.setup(root)
    started = time.monotonic()
    run = cli(*args)
    tried, held = fault_counts.get("named faults and inputs", (0, 0))
    ok = clean(run) or run.code == 3 == case.exit
    ok = ok and run.code == case.exit and all(e in run.output for e in case.expect)
    fault_counts["named faults and inputs"] = (tried + 1, held + ok)
    assert "Traceback" not in run.output, run.output
    assert run.code == case.exit, run.output
    for expected in case.expect:
        assert expected in run.output, f"{expected!r} not in:\n{run.output}"
    assert time.monotonic() - started < 30, "took too long (a limit that does not hold?)"
    if run.code and "build" in args:
        assert tree_digest(root / "build") == before
    assert not Path("/tmp/hmipdata-pwned.csv").exists()
    if (root.parent / "precious.txt").exists():
        assert (root.parent / "precious.txt").read_text() == "keep me"


def test_exit_codes_are_documented_in_the_readme_contributing_and_help():
    from hmipdata.boundary import EXIT_CODES
    from hmipdata.cli import parser
    from tests.conftest import ROOT

    for doc in ("README.md", "CONTRIBUTING.md"):
        assert EXIT_CODES.removesuffix(".") in (ROOT / doc).read_text(), doc
    assert " ".join(EXIT_CODES.split()) in " ".join(parser().format_help().split())


def test_a_bug_prints_a_traceback_and_a_please_report_line(monkeypatch):
    import hmipdata.cli

    def broken(args):
        raise RuntimeError("an unexpected state")

    monkeypatch.setattr(hmipdata.cli, "cmd_sql", broken)
    run = cli("sql", "select 1")
    assert run.code == 4 and "Traceback" in run.stderr and "please report" in run.stderr


def test_debug_shows_the_traceback_of_an_expected_failure_too():
    quiet, loud = cli("sql", ""), cli("--debug", "sql", "")
    assert quiet.code == loud.code == 2
    assert "Traceback" not in quiet.stderr and "Traceback" in loud.stderr and "query is empty" in loud.stderr


def test_a_header_holding_a_newline_cannot_forge_a_location_line(baseline, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(baseline, root, symlinks=True)
    forged = f"{SOURCES}:9:url: [type-error] forged"
    _edit(root, SOURCES, _replace(b"source_id,", f'"source_id\n{forged}",'.encode()))
    run = cli("--root", root, "validate")
    assert run.code == 1 and "Traceback" not in run.output
    assert not any(line.startswith(forged) for line in run.output.splitlines()), run.output
    assert "\\n" + forged in run.output
