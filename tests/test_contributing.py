"""CONTRIBUTING.md's "Add a dataset" steps, followed on a copy of the project, end in a valid build."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import duckdb
import pytest

from hmipdata.project.package import load_project
from tests.conftest import FIXTURES, ROOT, copy_project, hmipdata

CONTRIB = FIXTURES / "contrib"
EXAMPLE = CONTRIB / "example-caseloads.csv"
GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = GUIDE.index(f"\n## {title}\n")
    end = GUIDE.find("\n## ", start + 1)
    return GUIDE[start : end if end > 0 else None]


def _commands(text: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [line.split("  #")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def _run(root: Path, command: str, **replace: str) -> object:
    """Run a documented ``.venv/bin/hmipdata ...`` command in ``root``, replacing option values."""
    args = shlex.split(command)
    assert args[0] == ".venv/bin/hmipdata", command
    args = args[1:]
    for option, value in replace.items():
        args[args.index(option) + 1] = value
    return hmipdata("--root", str(root), *args, cwd=root)


def _versions(root: Path) -> tuple[str, str, str | None]:
    """The current version, the one a new table needs, and the release that forces a raise (None if none does)."""
    from hmipdata.project.semver import bump_class, latest_release, next_version

    current = load_project(root).version
    released = latest_release(root)
    if released and bump_class(released[0], current) not in ("minor", "major"):
        return current, next_version(released[0], "minor"), released[0]
    return current, current, None  # already raised above the last release (unreleased changes)


def _fill_in(root: Path, schema: Path) -> None:
    """What a contributor does in an editor: every TODO filled, version raised, a changelog entry."""
    from hmipdata.project.changelog import entry_for

    text = schema.read_text(encoding="utf-8")
    text = re.sub(r'unit: "TODO: [^"]*"', "unit: cases per officer", text)
    text = re.sub(r'title: "TODO: [^"]*"', "title: Synthetic example", text)
    text = re.sub(r'description: "TODO: [^"]*"', "description: Synthetic test data, not real figures.", text)
    schema.write_text(text, encoding="utf-8")
    current, target, _ = _versions(root)
    package = root / "schemas/package.yaml"
    package.write_text(package.read_text().replace(f"version: {current}", f"version: {target}"), encoding="utf-8")
    if entry_for(root, target) is None:
        changelog = root / "CHANGELOG.md"
        text = changelog.read_text(encoding="utf-8")
        at = text.index("## [")
        entry = f"## [{target}] - 2026-12-01\n\nAdded example_caseloads (synthetic test data).\n\n"
        changelog.write_text(text[:at] + entry + text[at:], encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "repo")


def test_adding_a_dataset_takes_at_most_five_commands():
    commands = _commands(_section("What you need")) + _commands(_section("Add a dataset"))
    assert len(commands) <= 5, commands
    assert commands[0] == "make build"
    assert any(c.startswith(".venv/bin/hmipdata new ") for c in commands)
    assert ".venv/bin/hmipdata validate" in commands and "make test" in commands


def test_the_documented_steps_give_a_valid_build(project):
    guide = _section("Add a dataset")
    new = next(c for c in _commands(guide) if c.startswith(".venv/bin/hmipdata new "))
    result = _run(project, new.replace("approved_premises", "example_caseloads"), **{"--from": str(EXAMPLE)})
    assert result.returncode == 0, result.stderr
    _, target, released = _versions(project)
    assert "13 values marked TODO" in result.stdout
    assert (f"set `version: {target}` in schemas/package.yaml" in result.stdout) == (released is not None)
    schema = project / "schemas/example_caseloads/example_caseloads.yaml"
    assert (project / "raw/example_caseloads/example-caseloads.csv").read_bytes() == EXAMPLE.read_bytes()

    first = _run(project, ".venv/bin/hmipdata validate")
    assert first.returncode == 1
    lines = schema.read_text().splitlines()
    todo_lines = [n for n, line in enumerate(lines, 1) if "TODO:" in line and not line.startswith("#")]
    assert len(todo_lines) == 13
    for n in todo_lines:
        assert f"schemas/example_caseloads/example_caseloads.yaml:{n}:" in first.stdout, n
    assert first.stdout.count("[unfilled]") == len(todo_lines)
    if released:
        assert f"table example_caseloads added since release {released}: requires a minor version ({target})" in (
            first.stdout
        )

    _fill_in(project, schema)
    assert _run(project, ".venv/bin/hmipdata validate").returncode == 0
    built = hmipdata("--root", str(project), "build", cwd=project)
    assert built.returncode == 0, built.stdout + built.stderr
    con = duckdb.connect(str(project / "build/hmipdata.duckdb"), read_only=True)
    assert con.execute("select count(*) from example_caseloads").fetchone()[0] == 6
    assert con.execute("select typeof(snapshot_date), typeof(average_caseload) from example_caseloads").fetchone() == (
        "DATE",
        "DOUBLE",
    )


def test_the_filled_in_schema_meets_the_documentation_rules(project):
    assert hmipdata("--root", str(project), "new", "example_caseloads", "--from", str(EXAMPLE)).returncode == 0
    _fill_in(project, project / "schemas/example_caseloads/example_caseloads.yaml")
    resource = load_project(project).resource("example_caseloads")
    assert resource.title and resource.description and resource.expected_rows == 6
    assert all(f.title and f.description for f in resource.schema.fields)
    assert all(f.unit for f in resource.schema.fields if f.type in ("integer", "number"))
    assert resource.schema.primary_key == ("region", "staff_grade")
    assert [f.type for f in resource.schema.fields][:5] == ["string", "string", "date", "number", "boolean"]
    assert resource.sources == ("hmip-recovery-thematic-2021",)


def test_a_messy_file_is_named_snake_case_and_told_to_add_provenance(project):
    source = CONTRIB / "Staffing Levels 2022.csv"
    result = hmipdata("--root", str(project), "new", "staffing", "--from", str(source))
    assert result.returncode == 0, result.stderr
    raw = project / "raw/staffing/staffing-levels-2022.csv"
    assert raw.read_text().splitlines()[0] == "area_code,area_name,date,staff_in_post,vacancy_rate"
    assert "Add the columns source_id and source_location to raw/staffing/staffing-levels-2022.csv" in result.stdout
    assert "column date holds dates such as '01/04/2022': write them as YYYY-MM-DD" in result.stdout
    schema = (project / "schemas/staffing/staffing.yaml").read_text()
    assert "name: area_code\n      type: string" in schema  # leading zeros: a code
    assert "name: staff_in_post\n      type: integer" in schema
    check = hmipdata("--root", str(project), "validate")
    assert "raw/staffing/staffing-levels-2022.csv:1:source_id: [missing-label]" in check.stdout


def test_a_workbook_can_start_a_dataset(project, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from datetime import date

    book = openpyxl.Workbook()
    book.active.append(["Region", "Snapshot date", "Beds"])
    book.active.append(["North", date(2022, 3, 1), 12])
    book.active.append(["South", date(2022, 3, 1), 7])
    book.save(tmp_path / "Beds.xlsx")
    result = hmipdata("--root", str(project), "new", "beds", "--from", str(tmp_path / "Beds.xlsx"))
    assert result.returncode == 0, result.stderr
    assert (project / "raw/beds/beds.csv").read_text() == (
        "region,snapshot_date,beds\nNorth,2022-03-01,12\nSouth,2022-03-01,7\n"
    )
    assert "name: snapshot_date\n      type: date" in (project / "schemas/beds/beds.yaml").read_text()


@pytest.mark.parametrize("name", ["Caseloads", "my-data", "2020_figures", "caseloads__x"])
def test_a_name_that_is_not_snake_case_is_refused(project, name):
    result = hmipdata("--root", str(project), "new", name, "--from", str(EXAMPLE))
    assert result.returncode == 2
    assert f"dataset name {name!r} must be lowercase snake_case" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "raw" / name).exists()


def test_an_existing_dataset_is_refused_and_left_alone(project):
    before = (project / "schemas/caseloads/caseloads.yaml").read_bytes()
    result = hmipdata("--root", str(project), "new", "caseloads", "--from", str(EXAMPLE))
    assert result.returncode == 2
    assert "dataset 'caseloads' already exists (schemas/caseloads/)" in result.stderr
    assert (project / "schemas/caseloads/caseloads.yaml").read_bytes() == before


UNREADABLE = {
    "ragged": (b"region,beds\nNorth,12\nSouth,7,extra\n", ":3: [extra-cell]"),
    "semicolons": (b"region;beds\nNorth;12\n", ":1: [source-error] columns are separated by ';', not commas"),
    "header only": (b"region,beds\n", ":2: [no-data]"),
    "not UTF-8": (b"region,beds\nCaf\xe9,12\n", ":2: [encoding-error]"),
    "empty": (b"", ": [empty-file]"),
}


@pytest.mark.parametrize("content,expected", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_file_is_refused_naming_the_line(project, tmp_path, content, expected):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    result = hmipdata("--root", str(project), "new", "beds", "--from", str(bad))
    assert result.returncode == 1
    assert f"{bad}{expected}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not (project / "raw/beds").exists() and not (project / "schemas/beds").exists()


def test_a_missing_file_is_a_usage_error(project, tmp_path):
    result = hmipdata("--root", str(project), "new", "beds", "--from", str(tmp_path / "nowhere.csv"))
    assert result.returncode == 2
    assert "nowhere.csv: file not found" in result.stderr


def test_placeholders_are_github_annotations_on_their_line(project):
    hmipdata("--root", str(project), "new", "example_caseloads", "--from", str(EXAMPLE))
    result = hmipdata("--root", str(project), "validate", "--format", "github")
    assert (
        "::error file=schemas/example_caseloads/example_caseloads.yaml,line=5,col=8,title=unfilled::"
        "schemas/example_caseloads/example_caseloads.yaml:5:title: [unfilled] still a placeholder: "
        "'TODO: a short title saying what the table holds, as a reader would search for it' "
        "(replace the TODO text in the schema)"
    ) in result.stdout.splitlines()
