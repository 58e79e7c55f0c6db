"""Faults from the machine: SIGKILL at every write step, a full disk, a read-only folder, races, freshness.

Kill points and injected write errors are deterministic (``HMIPDATA_KILL_AT``
and ``HMIPDATA_FAIL_AT``, see hmipdata/publish/faults.py); where a tmpfs can be
mounted (root in a container) a real full disk and a real read-only mount are
used as well.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.faultkit import cli, cli_process, small_project, tree_digest

SOURCES = "raw/sources/sources.csv"
BUILD_STEPS = ("build-staging", "build-outputs", "build-switch", "build-switched")
SITE_STEPS = ("site-staging", "site-swap", "site-swapped")
RELEASE_STEPS = ("release-assembled", "release-record-schema", "atomic-write", "release-recorded", "release-moved")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = small_project(tmp_path_factory.mktemp("inject") / "repo")
    assert cli("--root", root, "build").code == 0
    site = cli_process("--root", root, "site", "--no-npm")
    assert site.code == 0, site.output
    return root


def _copy(built: Path, dest: Path) -> Path:
    shutil.copytree(built, dest, symlinks=True)
    return dest


def _count(fault_counts: dict, suite: str, held: bool) -> None:
    tried, ok = fault_counts.get(suite, (0, 0))
    fault_counts[suite] = (tried + 1, ok + held)


def _change_inputs(root: Path) -> None:
    path = root / SOURCES
    path.write_text(path.read_text().replace("thematic inspection report", "thematic inspection report (v2)"))


@pytest.mark.parametrize("step", BUILD_STEPS)
def test_a_build_killed_at_each_write_step_leaves_old_or_new(built, tmp_path, step, fault_counts):
    root = _copy(built, tmp_path / "repo")
    old = tree_digest(root / "build")
    _change_inputs(root)
    killed = cli_process("--root", root, "build", env={"HMIPDATA_KILL_AT": step})
    after = tree_digest(root / "build")
    again = cli_process("--root", root, "build")
    held = killed.code == -signal.SIGKILL and after in (old, tree_digest(root / "build")) and again.code == 0
    leftovers = [p.name for p in (root / ".build").iterdir() if p.name.startswith(("out-", "link-"))]
    held = held and len(leftovers) == 1
    _count(fault_counts, "SIGKILL at build and site write steps", held)
    assert killed.code == -signal.SIGKILL, killed.output
    assert after in (old, tree_digest(root / "build")), "build/ is neither the old nor the new output"
    assert again.code == 0 and len(leftovers) == 1, (again.output, leftovers)


@pytest.mark.parametrize("step", RELEASE_STEPS)
def test_a_release_killed_at_each_write_step_never_blocks_its_version(built, tmp_path, step, fault_counts):
    root = _copy(built, tmp_path / "repo")
    killed = cli_process("--root", root, "release", env={"HMIPDATA_KILL_AT": step})
    again = cli_process("--root", root, "release")
    (version,) = [p.name for p in (root / "releases").iterdir()]
    release = root / "build/releases" / version
    verified = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=release, capture_output=True)
    recorded = (root / "releases" / version / "CONTENTS.sha256").read_text() == (
        release / "CONTENTS.sha256"
    ).read_text()
    held = killed.code == -signal.SIGKILL and again.code == 0 and verified.returncode == 0 and recorded
    _count(fault_counts, "SIGKILL at release write steps", held)
    assert killed.code == -signal.SIGKILL, killed.output
    assert again.code == 0, again.output
    assert verified.returncode == 0 and recorded


@pytest.mark.parametrize("step", SITE_STEPS)
def test_a_site_killed_at_each_write_step_leaves_a_whole_site(built, tmp_path, step, fault_counts):
    root = _copy(built, tmp_path / "repo")
    old = tree_digest(root / "build/site")
    killed = cli_process("--root", root, "site", "--no-npm", env={"HMIPDATA_KILL_AT": step})
    now = tree_digest(root / "build/site")
    whole = now == old or (set(now) == set(old) and (root / "build/site/index.html").is_file())
    again = cli_process("--root", root, "site", "--no-npm")
    stale = [p.name for p in (root / "build").iterdir() if p.name.startswith(".site-") and p.is_dir()]
    _count(fault_counts, "SIGKILL at build and site write steps", killed.code == -9 and whole and len(stale) == 1)
    assert killed.code == -signal.SIGKILL, killed.output
    assert whole, "build/site is not a whole site after the kill"
    assert again.code == 0 and len(stale) == 1, (again.output, stale)


FAULTS = [
    ("build", "build-outputs:ENOSPC", "disk is full"),
    ("build", "build-staging:EROFS", "read-only"),
    ("build", "build-switch:EACCES", "permission denied"),
    ("site", "site-staging:ENOSPC", "disk is full"),
    ("site", "site-swap:EROFS", "read-only"),
    ("release", "build-outputs:ENOSPC", "disk is full"),
]
EXTRA = {"build": ["--force"], "site": ["--no-npm"], "release": []}


@pytest.mark.parametrize("command,fault,words", FAULTS, ids=[f[1] for f in FAULTS])
def test_an_injected_write_error_is_one_line_and_exit_3(built, tmp_path, command, fault, words, fault_counts):
    root = _copy(built, tmp_path / "repo")
    _change_inputs(root)
    before = tree_digest(root / "build")
    run = cli_process("--root", root, command, *EXTRA[command], env={"HMIPDATA_FAIL_AT": fault})
    held = run.code == 3 and "Traceback" not in run.output and tree_digest(root / "build") == before
    _count(fault_counts, "disk full, read-only, permission", held and words in run.output)
    assert run.code == 3 and "Traceback" not in run.output, run.output
    assert words in run.output and len(run.stderr.strip().splitlines()) == 1, run.output
    assert tree_digest(root / "build") == before
    assert not (root / "releases").exists()


@pytest.fixture
def tmpfs(tmp_path) -> Path:
    mount = tmp_path / "mnt"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): the injected faults cover this")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_real_full_disk_and_a_real_read_only_mount(built, tmpfs, fault_counts):
    root = tmpfs / "repo"
    for part in ("raw", "schemas", "CHANGELOG.md"):
        (shutil.copytree if (built / part).is_dir() else shutil.copy2)(built / part, root / part)
    assert cli_process("--root", root, "build").code == 0
    before = tree_digest(root / "build")
    # Fill the disk, unbuffered: a buffered file would fail again on closing, outside the try.
    with open(tmpfs / "filler", "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * (1 << 16))
        except OSError:
            pass
    full = cli_process("--root", root, "build", "--force")
    (tmpfs / "filler").unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    read_only = cli_process("--root", root, "build", "--force")
    results = [(full, "disk is full"), (read_only, "read-only")]
    for run, words in results:
        _count(fault_counts, "disk full, read-only, permission", run.code == 3 and words in run.output)
    for run, words in results:
        assert run.code == 3 and words in run.output and "Traceback" not in run.output, run.output
    assert tree_digest(root / "build") == before


def test_site_waits_for_a_running_build_and_two_sites_do_not_collide(built, tmp_path, fault_counts):
    root = _copy(built, tmp_path / "repo")
    _change_inputs(root)
    command = [sys.executable, "-m", "hmipdata.cli", "--root", str(root)]
    runs = [
        subprocess.Popen([*command, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for args in (["build"], ["site", "--no-npm"], ["site", "--no-npm"])
    ]
    results = [(p.wait(timeout=180), p.communicate()[1]) for p in runs]
    site = root / "build/site"
    whole = all((site / name).exists() for name in ("index.html", "assets/site.css", "hmipdata.duckdb"))
    _count(fault_counts, "races build+site, site+site, build+release", all(code == 0 for code, _ in results) and whole)
    assert all(code == 0 for code, _ in results), results
    assert whole, sorted(p.name for p in site.iterdir())


def test_the_build_lock_is_never_followed_and_a_work_file_is_refused(tmp_path):
    root = small_project(tmp_path / "repo")
    (root / ".build").write_text("not a folder")
    run = cli("--root", root, "build")
    assert run.code == 3 and ".build is not a folder" in run.stderr, run.output


def test_freshness_covers_declared_inputs_wherever_they_live(built, tmp_path):
    root = _copy(built, tmp_path / "repo")
    (root / "data").mkdir()
    shutil.move(root / SOURCES, root / "data/sources.csv")
    schema = root / "schemas/sources/sources.yaml"
    schema.write_text(schema.read_text().replace("path: raw/sources/sources.csv", "path: data/sources.csv"))
    assert "built" in cli("--root", root, "build").stderr
    moved = root / "data/sources.csv"
    moved.write_text(moved.read_text().replace("thematic inspection report", "thematic inspection report (v2)"))
    assert "built" in cli("--root", root, "build").stderr
    record = '{"version": "0.0.1", "tables": {}}'
    edits = [("releases/0.0.1/schema.json", record), ("releases/0.0.1/schema.json", " "), ("CHANGELOG.md", "\n")]
    for path, text in [*edits, ("requirements.txt", "x")]:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        with open(root / path, "a") as fh:
            fh.write(text)
        run = cli("--root", root, "build")
        assert "built" in run.stderr, (path, run.output)
    os.mkfifo(root / "raw/undeclared.csv")  # never read: a read would block for ever
    assert "up to date" in cli("--root", root, "build").stderr


def test_hashing_streams_in_bounded_memory(tmp_path):
    import hashlib

    from hmipdata.checker.inputs import update_digest

    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(64 << 20)
    tracemalloc.start()
    update_digest(hashlib.sha256(), big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 << 20


def test_staging_left_by_killed_runs_is_collected_by_the_next_run(built, tmp_path, fault_counts):
    root = _copy(built, tmp_path / "repo")
    stale = [root / ".build/out-killed", root / ".build/release-0.0.0-killed", root / "build/.site-new-killed"]
    for folder in stale:
        folder.mkdir()
        (folder / "big").write_bytes(b"x" * 1000)
    run = cli("--root", root, "build")  # up to date: still collects under the lock
    gone = not any(p.exists() for p in stale)
    _count(fault_counts, "leftovers of killed runs collected", run.code == 0 and gone)
    assert run.code == 0 and gone, [p for p in stale if p.exists()]


def test_build_and_release_at_once_both_finish_and_the_release_is_whole(built, tmp_path, fault_counts):
    root = _copy(built, tmp_path / "repo")
    command = [sys.executable, "-m", "hmipdata.cli", "--root", str(root)]
    runs = [
        subprocess.Popen([*command, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for args in (["build", "--force"], ["release"])
    ]
    results = [(p.wait(timeout=180), p.communicate()[1]) for p in runs]
    (version,) = [p.name for p in (root / "releases").iterdir()]
    release = root / "build/releases" / version
    verified = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=release, capture_output=True)
    held = all(code == 0 for code, _ in results) and verified.returncode == 0
    _count(fault_counts, "races build+site, site+site, build+release", held)
    assert held, (results, verified.stdout)
