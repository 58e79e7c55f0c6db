"""Releases: immutable, reproducible, checksummed, with semantic versions and data diffs."""

from __future__ import annotations

import re
import subprocess

import pytest

from hmipdata.project.semver import latest_release, next_version
from hmipdata.publish.diff import diff_directories
from hmipdata.publish.release import ReleaseRefused, release
from tests.conftest import copy_project, hmipdata, set_version


def _without_database(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.endswith("  hmipdata.duckdb"))


def test_release_verifies_with_sha256sum_and_is_a_no_op_the_second_time(project_copy):
    first = release(project_copy)
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=first.path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    before = {p.name: p.stat().st_mtime_ns for p in first.path.iterdir()}
    second = release(project_copy)
    assert not second.created
    assert {p.name: p.stat().st_mtime_ns for p in second.path.iterdir()} == before
    assert (project_copy / "build/releases/latest").resolve() == first.path.resolve()


def test_two_builds_of_the_same_inputs_give_the_same_checksums(tmp_path):
    a = release(copy_project(tmp_path / "a"))
    b = release(copy_project(tmp_path / "b"))
    assert (a.path / "CONTENTS.sha256").read_text() == (b.path / "CONTENTS.sha256").read_text()
    # DuckDB files are never byte-identical: every other file is, and the database's content is.
    assert _without_database((a.path / "SHA256SUMS").read_text()) == _without_database(
        (b.path / "SHA256SUMS").read_text()
    )


def test_release_matches_the_record_kept_in_the_repository(project_copy):
    result = release(project_copy)
    recorded = (project_copy / "releases" / result.version / "CONTENTS.sha256").read_text()
    assert (result.path / "CONTENTS.sha256").read_text() == recorded


def test_changed_data_under_a_released_version_is_refused(project_copy):
    release(project_copy)
    annexe = project_copy / "raw/caseloads/annexe-2.csv"
    annexe.write_text(annexe.read_text().replace(",32.1,", ",32.2,"))
    with pytest.raises(ReleaseRefused, match="immutable"):
        release(project_copy)


def test_release_without_changelog_entry_is_refused(project_copy):
    version = set_version(project_copy, "patch")
    with pytest.raises(ReleaseRefused, match=rf"CHANGELOG.md has no entry for version {re.escape(version)}"):
        release(project_copy)


def test_removed_column_without_major_bump_fails_validation(project_copy):
    schema = project_copy / "schemas/caseloads/caseloads.yaml"
    text = schema.read_text()
    start = text.index("    - name: marker")
    end = text.index("    - name: organisation_name_as_printed")
    schema.write_text(text[:start] + text[end:])
    released = latest_release(project_copy)[0]
    package = project_copy / "schemas/package.yaml"  # as if the current version were the latest release
    package.write_text(re.sub(r"(?m)^version: .*$", f"version: {released}", package.read_text()))
    result = hmipdata("--root", str(project_copy), "validate")
    assert result.returncode == 1
    expected = f"column caseloads.marker removed since release {released}: requires a major version ({next_version(released, 'major')})"
    assert expected in result.stdout
    set_version(project_copy, "major")
    assert hmipdata("--root", str(project_copy), "validate").returncode == 0


def test_diff_lists_exactly_the_changes_made(tmp_path):
    from hmipdata.publish.build import build

    old_root, new_root = copy_project(tmp_path / "old"), copy_project(tmp_path / "new")
    build(old_root)
    annexe = new_root / "raw/caseloads/annexe-2.csv"
    annexe.write_text(annexe.read_text().replace("Essex CRC,59.9,", "Essex CRC,59.8,"))
    sources = new_root / "raw/sources/sources.csv"
    lines = sources.read_text().rstrip("\n").split("\n")
    lines[0] += ",note"
    lines[1:] = [line + "," for line in lines[1:]]
    lines.append(
        "hmip-new-report-2022,005_0000000000000000.txt,A new report,HM Inspectorate of Probation,2022,"
        "report,,OGL-UK-3.0,"
    )
    sources.write_text("\n".join(lines) + "\n")
    schema = new_root / "schemas/sources/sources.yaml"
    schema.write_text(
        schema.read_text()
        .replace("expected_rows: 5", "expected_rows: 6")
        .replace(
            "  primaryKey: [source_id]",
            "    - name: note\n      type: string\n      title: Note\n      description: A note.\n  primaryKey: [source_id]",
        )
    )
    set_version(new_root, "minor")
    build(new_root)
    diff = diff_directories(old_root / "build", new_root / "build")
    assert [c.text for c in diff.schema] == ["column sources.note added"]
    changed = {t.name: t for t in diff.tables if not t.empty}
    assert set(changed) == {"caseloads", "sources"}
    assert changed["sources"].counts == (1, 0, 0)
    assert changed["sources"].added == ["source_id=hmip-new-report-2022"]
    assert changed["caseloads"].counts == (0, 0, 1)
    assert "average_caseload: 59.9 → 59.8" in changed["caseloads"].changed[0]
    assert "average_caseload_as_printed: 59.9 → 59.8" in changed["caseloads"].changed[0]
    assert diff.semver == "minor"
    text = hmipdata("--root", str(new_root), "diff", str(old_root / "build"), "build").stdout
    assert "column sources.note added (minor)" in text
    markdown = hmipdata(
        "--root", str(new_root), "diff", str(old_root / "build"), "build", "--format", "markdown"
    ).stdout
    assert "- added `source_id=hmip-new-report-2022`" in markdown
