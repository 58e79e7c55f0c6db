"""What a user of big files notices: true counts with bounded examples, full --output, lines, quiet pipes.

Small files stand in for big ones (benchmarks/run.py measures the big ones);
nothing here asserts a time.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from hmipdata.checker.schema import parse_schema
from hmipdata.checker.validate import validate_file

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "value", "type": "number", "constraints": {"minimum": 0}},
        {"name": "note"},
    ],
    "primaryKey": ["id"],
}


def write_table(path: Path, rows: int, bad_every: int = 0, newline_every: int = 0) -> Path:
    """``rows`` rows; every ``bad_every``-th value is negative, every ``newline_every``-th note spans two lines."""
    lines = ["id,value,note"]
    for i in range(1, rows + 1):
        value = -1 if bad_every and i % bad_every == 0 else i
        note = '"two\nlines"' if newline_every and i % newline_every == 0 else "ok"
        lines.append(f"{i},{value},{note}")
    path.write_text("\n".join(lines) + "\n")
    return path


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hmipdata.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def schema_file(tmp_path: Path) -> Path:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(SCHEMA))
    return path


def test_limit_caps_examples_but_counts_every_error(tmp_path):
    path = write_table(tmp_path / "t.csv", 5000, bad_every=10)
    report = validate_file(path, parse_schema(SCHEMA), limit=3)
    (group,) = report.groups
    assert (group.count, len(group.examples)) == (500, 3)
    assert [i.row for i in group.examples] == [11, 21, 31]  # the first ones, at their lines


def test_no_limit_keeps_every_example(tmp_path):
    path = write_table(tmp_path / "t.csv", 2000, bad_every=7)
    (group,) = validate_file(path, parse_schema(SCHEMA), limit=None).groups
    assert len(group.examples) == group.count == 2000 // 7


def test_output_file_has_every_error_while_terminal_shows_the_first(tmp_path, schema_file):
    path = write_table(tmp_path / "t.csv", 3000, bad_every=10)
    out = tmp_path / "report.json"
    result = run_cli(
        "validate", str(path), "--schema", str(schema_file), "--limit-errors", "2", "--output", str(out), cwd=tmp_path
    )
    assert result.returncode == 1
    assert result.stdout.count("[constraint-error]") == 3  # two examples and the "… and 298 more" line
    assert "298 more" in result.stdout
    full = json.loads(out.read_text())
    assert full["error_count"] == 300
    assert len(full["groups"][0]["examples"]) == 300


def test_rows_after_quoted_newlines_are_reported_at_their_physical_line(tmp_path):
    path = write_table(tmp_path / "t.csv", 1000, bad_every=250, newline_every=100)
    (group,) = validate_file(path, parse_schema(SCHEMA), limit=None).groups
    # record i starts on line i + 1 plus one line per earlier two-line note
    assert [i.row for i in group.examples] == [r + 1 + (r - 1) // 100 for r in (250, 500, 750, 1000)]


def test_blank_lines_are_blank_rows_and_shift_later_lines(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,value,note\n1,1,a\n\n2,-5,b\n")
    report = validate_file(path, parse_schema(SCHEMA))
    assert {(g.code, g.examples[0].row) for g in report.groups} == {("blank-row", 3), ("constraint-error", 4)}


def test_nul_byte_in_a_large_file_is_found(tmp_path):
    """Past the first MiB the NUL check runs beside the scan; the file is still refused."""
    path = write_table(tmp_path / "t.csv", 120_000)
    with path.open("ab") as fh:
        fh.write(b"9999999,1,a\x00b\n")
    report = validate_file(path, parse_schema(SCHEMA))
    assert [g.code for g in report.groups] == ["nul-byte"]
    assert report.groups[0].examples[0].row == 120_002


def test_parquet_gives_the_same_errors_as_csv_by_record(tmp_path):
    import duckdb

    csv_path = write_table(tmp_path / "t.csv", 1000, bad_every=100)
    parquet = tmp_path / "t.parquet"
    duckdb.connect().execute(f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar=true)) TO '{parquet}'")
    by_csv = validate_file(csv_path, parse_schema(SCHEMA), limit=None).groups[0]
    by_parquet = validate_file(parquet, parse_schema(SCHEMA), limit=None).groups[0]
    assert by_parquet.count == by_csv.count == 10
    assert [i.row for i in by_parquet.examples] == [i.row - 1 for i in by_csv.examples]  # records, no header line


def test_duplicate_keys_are_counted_and_point_at_the_first(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,value,note\n" + "".join(f"{i % 50},1,a\n" for i in range(200)))
    (group,) = validate_file(path, parse_schema(SCHEMA), limit=2).groups
    assert (group.code, group.count) == ("primary-key", 150)
    assert group.examples[0].row == 52 and "repeats line 2" in group.examples[0].message


def test_piped_output_has_no_progress_noise(tmp_path, schema_file):
    path = write_table(tmp_path / "t.csv", 20_000, bad_every=1000)
    result = run_cli("validate", str(path), "--schema", str(schema_file), cwd=tmp_path)
    assert "\x1b" not in result.stdout + result.stderr
    assert "validating" not in result.stdout + result.stderr
    assert result.stderr.strip() == "invalid: 20 errors"


def test_progress_bar_shows_on_a_terminal():
    """On a terminal (a pseudo-terminal here) the bar appears while DuckDB works, and then clears."""
    code = (
        "import time\n"
        "from hmipdata.cli import _progress\n"
        "class Con:\n"
        "    def execute(self, sql): pass\n"
        "    def query_progress(self): return 42.0\n"
        "with _progress(Con()):\n"
        "    time.sleep(1.2)\n"
    )
    pid, fd = pty.fork()
    if pid == 0:  # child: its stdout is the terminal
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-c", code])
    output = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.waitpid(pid, 0)
    assert b"validating" in output and b"42%" in output
