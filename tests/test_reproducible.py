"""Same result on any machine, any day: a locked environment, releases identified by content,
and every recorded version reachable from a fresh clone."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from test_site_support import internal_targets, site_pages

from hmipdata.project.package import load_project
from hmipdata.publish.build import build
from hmipdata.publish.history import recorded_versions
from hmipdata.publish.release import ReleaseRefused, release
from tests.conftest import ROOT, hmipdata


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_lock_pins_every_dependency_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]} | {"setuptools"}
    lock = (ROOT / "requirements.txt").read_text()
    pinned = {m.group(1).lower(): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", lock, re.M)}
    assert wanted <= set(pinned), f"missing from requirements.txt (run make lock): {sorted(wanted - set(pinned))}"
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", lock.split("\n", 2)[-1])
    unhashed = [b.split()[0] for b in blocks if "==" in b and "--hash=sha256:" not in b]
    assert not unhashed, f"pins without hashes: {unhashed}"


def test_the_makefile_installs_from_the_lock_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes" in makefile and "-r $(LOCK)" in makefile
    assert re.search(r"^test-latest:", makefile, re.M) and re.search(r"^lock:", makefile, re.M)


def _rewrite_parquet(path: Path) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    pq.write_table(table, path, compression="snappy", version="2.6")


def test_release_is_a_no_op_when_only_the_parquet_writer_changed(project_copy):
    first = release(project_copy)
    record_file = project_copy / "releases" / first.version / "CONTENTS.sha256"
    record = record_file.read_text()
    build(project_copy)  # up to date again now that the record is written
    shutil.rmtree(first.path)  # as on a machine with another Parquet writer
    rewritten = {}
    for parquet in (project_copy / "build" / "data").glob("*.parquet"):
        before = parquet.read_bytes()
        _rewrite_parquet(parquet)
        rewritten[parquet.name] = parquet.read_bytes()
        assert rewritten[parquet.name] != before  # other bytes, same rows
    second = release(project_copy)
    assert record_file.read_text() == record
    assert (second.path / "CONTENTS.sha256").read_text() == record
    assert {p.name: p.read_bytes() for p in (second.path / "data").glob("*.parquet")} == rewritten
    assert not release(project_copy).created


def test_changing_one_value_under_a_released_version_is_refused_naming_the_table(project_copy):
    release(project_copy)
    annexe = project_copy / "raw/caseloads/annexe-2.csv"
    annexe.write_text(annexe.read_text().replace("Essex CRC,59.9,", "Essex CRC,59.8,"))
    with pytest.raises(ReleaseRefused, match=r"different content in [^(]*\bcaseloads\b"):
        release(project_copy)


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone of the repository (its committed history), built."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    dest = tmp_path_factory.mktemp("clone") / "hmipdata"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(dest)], check=True, timeout=300)
    done = hmipdata("build", cwd=dest)
    assert done.returncode == 0, done.stderr
    return dest


def _cli(clone: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hmipdata.cli", *args], cwd=clone, capture_output=True, text=True, timeout=1200
    )


def test_diff_against_a_recorded_version_works_on_a_fresh_clone(clone):
    versions = recorded_versions(clone)
    assert versions, "the repository records no release"
    oldest = versions[0]
    done = _cli(clone, "diff", oldest, "build")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"{oldest} -> build:")
    assert "Traceback" not in done.stderr
    restored = clone / "build" / "releases" / oldest
    assert (restored / "CONTENTS.sha256").read_text() == (clone / "releases" / oldest / "CONTENTS.sha256").read_text()
    check = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=restored, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_release_on_a_fresh_clone_changes_nothing_in_the_repository(clone):
    """Nothing but the record of a version not yet recorded (a raised version awaiting `hmipdata release`)."""

    version = load_project(clone).version
    recorded = version in recorded_versions(clone)
    done = _cli(clone, "release")
    assert done.returncode == 0, done.stderr
    status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True).stdout
    assert status == ("" if recorded else f"?? releases/{version}/\n"), status


def test_the_site_links_every_recorded_version_and_every_link_resolves(clone):
    done = _cli(clone, "site", "--no-npm")
    assert done.returncode == 0, done.stderr
    assert "will not hold every release" not in done.stderr
    site = clone / "build" / "site"
    page = (site / "releases.html").read_text(encoding="utf-8")
    versions = recorded_versions(clone)
    for version in versions:
        assert f'id="v{version}"' in page
        assert (site / "releases" / version / "SHA256SUMS").is_file()
        assert f"releases/{version}/data/" in page  # download links for each version's files
    assert (site / "releases/latest/datapackage.json").read_bytes() == (
        site / "releases" / versions[-1] / "datapackage.json"
    ).read_bytes()
    assert "No release has been published yet" not in page
    missing = [
        (p, target)
        for p in site_pages(site)
        for target, _ in internal_targets(site, p)
        if target.startswith("releases/") and not (site / target).is_file()
    ]
    assert not missing, missing[:5]


def test_limit_errors_zero_gives_counts_only_and_exits_1(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("a,b\n1,x\nnot-a-number,yy\nz,3\n")
    schema = tmp_path / "schema.yaml"
    schema.write_text(
        "fields:\n  - name: a\n    type: integer\n  - name: b\n    type: string\n    constraints: {maxLength: 1}\n"
    )
    done = hmipdata("validate", str(data), "--schema", str(schema), "--limit-errors", "0")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "bad.csv:a: [type-error] type integer: 2 errors" in done.stdout
    assert "bad.csv:b: [constraint-error] maxLength: 1 error" in done.stdout
    assert "value=" not in done.stdout  # no examples
    negative = hmipdata("validate", str(data), "--schema", str(schema), "--limit-errors", "-1")
    assert negative.returncode == 2 and "Traceback" not in negative.stderr
