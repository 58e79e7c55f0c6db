"""`hmipdata validate --format github` prints GitHub workflow commands that annotate the failing lines."""

from __future__ import annotations

import pytest

from hmipdata.checker.errors import Issue
from tests.conftest import hmipdata

RAW = "raw/beds/beds.csv"


@pytest.fixture
def project(tmp_path):
    """The small fixture project of tests/test_project_rules.py (synthetic figures)."""
    from tests.test_project_rules import FILES

    root = tmp_path / "repo"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _break(project) -> None:
    """A number written as text on line 2, a ragged row (one cell too many) on line 3."""
    path = project / RAW
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(",12,", ",twelve,")
    lines[2] = lines[2] + ",extra"
    path.write_text("\n".join(lines), encoding="utf-8")


def test_annotations_name_file_line_and_column(project):
    _break(project)
    result = hmipdata("--root", str(project), "validate", "--format", "github")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error file={RAW},line=3,col=5,title=extra-cell::{RAW}:3: [extra-cell] row has more cells than the header "
        "(value='South,7,doc,Table 1,extra', check for an unquoted comma; quote cells that contain commas)",
        f"::error file={RAW},line=2,col=2,title=type-error::{RAW}:2:beds: [type-error] beds is not "
        "a valid integer (value='twelve', write the value in the declared type's format)",
        f"::error file={RAW},title=row-count::{RAW}: [row-count] table beds has 1 rows but expected_rows "
        "is 2 (value='1', update expected_rows in the schema if the change is intended)",
    ]
    assert "Traceback" not in result.stderr


def test_properties_and_message_are_escaped_as_github_specifies():
    issue = Issue("type-error", "50% of\r\nrows", path="raw/a,b:c.csv", row=3, column="x", column_number=2, hint="")
    assert (
        issue.github()
        == "::error file=raw/a%2Cb%3Ac.csv,line=3,col=2,title=type-error::raw/a,b:c.csv:3:x: [type-error] 50%25 of%0D%0Arows"
    )


def test_warnings_are_warning_annotations():
    issue = Issue("known-anomaly", "kept as printed", path="raw/t.csv", row=4, severity="warning", hint="")
    assert (
        issue.github()
        == "::warning file=raw/t.csv,line=4,title=known-anomaly::raw/t.csv:4: warning: [known-anomaly] kept as printed"
    )


def test_a_valid_project_prints_no_error_annotations(project_copy):
    result = hmipdata("--root", str(project_copy), "validate", "--format", "github")
    assert result.returncode == 0, result.stdout
    assert not [line for line in result.stdout.splitlines() if line.startswith("::error")]
