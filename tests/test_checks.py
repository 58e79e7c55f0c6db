"""Reconciliation checks: pass, known anomaly, or fail with a message naming file, row, column and rule."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import hmipdata

SFO = "raw/sfo_reviews/sfo-reviews.csv"


def _replace_in_row(root: Path, relative: str, must_contain: list[str], column: int, new: str) -> int:
    """Set one cell of the first row containing all of ``must_contain``; returns its line number."""
    import csv
    import io

    path = root / relative
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, start=1):
        if number > 1 and all(part in line for part in must_contain):
            cells = next(csv.reader(io.StringIO(line)))
            cells[column] = new
            out = io.StringIO()
            csv.writer(out, lineterminator="").writerow(cells)
            lines[number - 1] = out.getvalue()
            path.write_text("\n".join(lines), encoding="utf-8")
            return number
    raise AssertionError(f"no row with {must_contain}")


def _header(root: Path, relative: str) -> list[str]:
    return (root / relative).read_text(encoding="utf-8").split("\n")[0].split(",")


def test_check_passes_and_lists_known_anomalies(project_copy):
    result = hmipdata("--root", str(project_copy), "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "known anomaly (A03)" in result.stdout  # the Monday week
    assert "known anomaly (A11)" in result.stdout  # South Yorkshire CRC listed twice
    assert "FAIL" not in result.stdout
    assert result.stdout.count("\npass") + result.stdout.startswith("pass") >= 10


def test_changed_total_fails_naming_file_row_column_and_rule(project_copy):
    header = _header(project_copy, SFO)
    line = _replace_in_row(project_copy, SFO, ["2015,all"], header.index("review_count"), "495")
    result = hmipdata("--root", str(project_copy), "check")
    assert result.returncode == 1
    assert f"{SFO}:{line}:review_count: [check-failed]" in result.stdout
    assert "total 495 != sum of parts 494" in result.stdout
    validate = hmipdata("--root", str(project_copy), "validate")
    assert validate.returncode == 1 and "Traceback" not in validate.stderr


def test_removing_a_known_anomaly_turns_it_into_a_failure(project_copy):
    register = project_copy / "raw/anomalies/anomalies.csv"
    lines = register.read_text().split("\n")
    lines = [line.removesuffix(",periods-week-start") + "," if line.startswith("A03,") else line for line in lines]
    register.write_text("\n".join(lines))
    result = hmipdata("--root", str(project_copy), "check")
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "periods-week-start" in result.stdout


def test_changed_quoted_figure_fails_against_its_printed_text(project_copy):
    tracker = "raw/tracker/tracker.csv"
    header = _header(project_copy, tracker)
    line = _replace_in_row(project_copy, tracker, ["T007,"], header.index("value"), "82")
    result = hmipdata("--root", str(project_copy), "check")
    assert result.returncode == 1
    assert (
        f"{tracker}:{line}:value: [check-failed] check tracker-printed-figures: value 82 differs from value_text '81'"
        in result.stdout
    )
