"""Broken raw files give exit 1 and a message naming file, row and column, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import hmipdata

ANNEXE = "raw/caseloads/annexe-2.csv"


def _edit_line(root: Path, relative: str, line_no: int, old: str, new: str) -> None:
    path = root / relative
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line_no - 1], f"fixture drifted: {old!r} not on line {line_no}"
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def _validate(root: Path):
    result = hmipdata("--root", str(root), "validate")
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_valid_project_passes(project_copy):
    result = _validate(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr


def test_number_replaced_by_text(project_copy):
    _edit_line(project_copy, ANNEXE, 3, ",32.1,", ",thirty-two,")
    result = _validate(project_copy)
    assert result.returncode == 1
    assert f"{ANNEXE}:3:po_caseload_2020_09_28: [type-error]" in result.stdout
    assert "value='thirty-two'" in result.stdout


def test_duplicate_key(project_copy):
    _edit_line(project_copy, ANNEXE, 5, "NPS East Midlands", "NPS West Midlands")
    result = _validate(project_copy)
    assert result.returncode == 1
    assert f"{ANNEXE}:5:organisation_name: [primary-key]" in result.stdout


def test_unknown_organisation(project_copy):
    _edit_line(project_copy, ANNEXE, 8, "Thames Valley CRC", "Thames Vally CRC")
    result = _validate(project_copy)
    assert result.returncode == 1
    assert f"{ANNEXE}:8:organisation_name: [foreign-key]" in result.stdout
    assert "organisation_aliases.alias" in result.stdout


def test_ragged_row(project_copy):
    _edit_line(project_copy, ANNEXE, 10, ",56,55.8,", ",56,")
    result = _validate(project_copy)
    assert result.returncode == 1
    assert f"{ANNEXE}:10: [missing-cell]" in result.stdout


def test_not_utf8(project_copy):
    path = project_copy / ANNEXE
    path.write_bytes(path.read_bytes().replace(b"Essex CRC", "Essex CRC \u00a3".encode("cp1252")))
    result = _validate(project_copy)
    assert result.returncode == 1
    assert f"{ANNEXE}:10" in result.stdout and "[encoding-error]" in result.stdout
    assert "UTF-8" in result.stdout


def test_utf8_bom_accepted_with_clean_header(project_copy):
    path = project_copy / ANNEXE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = _validate(project_copy)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    "column,line,old,new",
    [
        ("po_caseload_2020_03_01", 2, "West Midlands CRC,47,", "West Midlands CRC,-47,"),
        ("pso_caseload_2020_09_28", 13, ",25.9,23,", ",25.9,,"),
    ],
)
def test_constraint_breaks_name_the_cell(project_copy, column, line, old, new):
    _edit_line(project_copy, ANNEXE, line, old, new)
    result = _validate(project_copy)
    assert result.returncode == 1
    assert f"{ANNEXE}:{line}:{column}: [constraint-error]" in result.stdout


def test_usage_error_exit_2(project_copy):
    result = hmipdata("--root", str(project_copy), "validate", "some.csv")
    assert result.returncode == 2
    assert "--schema" in result.stderr
