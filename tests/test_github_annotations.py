"""`hmipdata validate --format github` prints GitHub workflow commands that annotate the failing lines."""

from __future__ import annotations

from hmipdata.checker.errors import Issue
from tests.conftest import hmipdata

RAW = "raw/sfo_risk_levels/sfo-risk-levels.csv"


def _break(project) -> None:
    """A number written as text on line 2, a ragged row (one cell too many) on line 3."""
    path = project / RAW
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[1].startswith("2018/10,2018/19,low,Low,20,14,14%,false,")
    lines[1] = lines[1].replace(",20,14,", ",twenty,14,")
    lines[2] = lines[2].replace(",false,", ",false,extra,", 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_annotations_name_file_line_and_column(project_copy):
    _break(project_copy)
    result = hmipdata("--root", str(project_copy), "validate", "--format", "github")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error file={RAW},line=3,col=11,title=extra-cell::{RAW}:3: [extra-cell] row has more cells than the header "
        "(value='2018/10,2018/19,medium,Medium,75,52,52%25,false,extra,hmip-chief-inspector-slides…', "
        "check for an unquoted comma; quote cells that contain commas)",
        f"::error file={RAW},line=2,col=5,title=type-error::{RAW}:2:review_count: [type-error] review_count is not "
        "a valid integer (value='twenty', write the value in the declared type's format)",
        f"::error file={RAW},title=row-count::{RAW}: [row-count] table sfo_risk_levels has 5 rows but expected_rows "
        "is 6 (value='5', update expected_rows in the schema if the change is intended)",
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
