"""A build killed at any moment leaves build/ complete (old or new); two builds never write at once."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hmipdata.publish.content import database_digests
from tests.conftest import ROOT

TABLES = ("sources", "sfo_risk_levels")  # a small project: builds in about a second
SOURCES = "raw/sources/sources.csv"
KILLS = 20


def _small_project(dest: Path) -> Path:
    (dest / "schemas").mkdir(parents=True)
    shutil.copy2(ROOT / "schemas/package.yaml", dest / "schemas/package.yaml")
    for table in TABLES:
        shutil.copytree(ROOT / "schemas" / table, dest / "schemas" / table)
        shutil.copytree(ROOT / "raw" / table, dest / "raw" / table)
    return dest


def _set_inputs(root: Path, original: str, variant: bool) -> None:
    text = original.replace("thematic inspection report", "thematic inspection report (v2)") if variant else original
    (root / SOURCES).write_text(text, encoding="utf-8")


def _start(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "hmipdata.cli", "--root", str(root), "build", "--force"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _files(directory: Path) -> dict[str, Path]:
    out = {}
    for folder, dirs, names in os.walk(directory):  # does not follow the releases/ symlink
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink():
                out[str(path.relative_to(directory))] = path
        dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
    return out


def _fingerprint(build: Path) -> dict[str, str]:
    """Every file's SHA-256; the database's content digest (DuckDB files differ byte-wise on every write)."""
    return {
        rel: str(database_digests(path)) if rel.endswith(".duckdb") else hashlib.sha256(path.read_bytes()).hexdigest()
        for rel, path in _files(build).items()
    }


def _assert_consistent(build: Path) -> None:
    descriptor = json.loads((build / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (build / resource["path"]).read_bytes()
        if "bytes" not in resource:  # Parquet copies carry no byte count (frictionless cannot check one)
            continue
        assert resource["bytes"] == len(data) and resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def _build(root: Path) -> dict[str, str]:
    process = _start(root)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return _fingerprint(root / "build")


def test_a_killed_build_leaves_the_old_or_the_new_output(tmp_path):
    root = _small_project(tmp_path / "repo")
    original = (root / SOURCES).read_text(encoding="utf-8")
    _set_inputs(root, original, variant=True)
    new = _build(root)
    _set_inputs(root, original, variant=False)
    started = time.monotonic()
    old = _build(root)
    duration = time.monotonic() - started  # kills fall anywhere from start-up to the switch of build/
    assert old != new and set(old) == set(new)

    rng = random.Random(20261123)
    for _ in range(KILLS):
        _set_inputs(root, original, variant=rng.random() < 0.5)
        process = _start(root)
        time.sleep(rng.uniform(0, duration))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        build = root / "build"
        assert build.is_symlink(), "build/ is always the symlink to a complete output"
        seen = _fingerprint(build)
        assert seen in (old, new), sorted(set(seen) ^ set(old))
        _assert_consistent(build)
    _build(root)  # after all that, a build still works and clears the leftovers
    live = (root / "build").resolve()
    assert [p for p in (root / ".build").iterdir() if p.name.startswith("out-")] == [live]


def _waiting_for_lock(pid: int) -> bool:
    """True once ``pid`` is blocked on a flock (Linux lists blocked requests in /proc/locks with '->')."""
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if "->" in parts and "FLOCK" in parts and str(pid) in parts:
            return True
    return False


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks to see a process wait")
def test_a_second_build_waits_for_the_lock(tmp_path):
    root = _small_project(tmp_path / "repo")
    before = _build(root)
    (root / ".build").mkdir(exist_ok=True)
    with open(root / ".build" / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as if another build were running
        process = _start(root)
        deadline = time.monotonic() + 120
        while not _waiting_for_lock(process.pid):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the build never waited for the lock"
            time.sleep(0.05)
        assert _fingerprint(root / "build") == before  # nothing written while waiting
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    _assert_consistent(root / "build")


def test_two_builds_started_at_once_both_finish_cleanly(tmp_path):
    root = _small_project(tmp_path / "repo")
    expected = _build(root)
    first, second = _start(root), _start(root)
    results = [p.communicate(timeout=300) for p in (first, second)]
    for process, (_, err) in zip((first, second), results):
        assert process.returncode == 0, err
        assert "Traceback" not in err
    assert _fingerprint(root / "build") == expected
    _assert_consistent(root / "build")
