"""Shared fixtures: a private copy of the repository's data, and a build of it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"


def copy_project(dest: Path) -> Path:
    """Copy the build's inputs (raw/, schemas/, releases/, CHANGELOG.md) into ``dest``."""
    for part in ("raw", "schemas", "releases"):
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, dest / part)
    shutil.copy2(ROOT / "CHANGELOG.md", dest / "CHANGELOG.md")
    return dest


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the project's data that a test may break."""
    return copy_project(tmp_path / "repo")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The real data, built once into a temporary repository; returns its build/."""
    from hmipdata.build import build

    root = copy_project(tmp_path_factory.mktemp("built") / "repo")
    build(root)
    return root / "build"


def hmipdata(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "hmipdata.cli", *args], cwd=cwd or ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"source documents not found at {SEEDS} (../shared/seeds beside the repository)")
    return SEEDS


def set_version(root: Path, kind: str) -> str:
    """Raise the package version of the project at ``root`` by a ``kind`` step; returns it."""
    import re

    from hmipdata.project import load_project
    from hmipdata.semver import latest_release, next_version, parse_version

    current = load_project(root).version
    latest = latest_release(root)
    base = max(current, latest[0], key=parse_version) if latest else current
    new = next_version(base, kind)
    package = root / "schemas/package.yaml"
    package.write_text(re.sub(r"^version: .*$", f"version: {new}", package.read_text(), flags=re.M))
    return new


FAULT_COUNTS = pytest.StashKey[dict]()


@pytest.fixture
def fault_counts(request) -> dict:
    """Where the fault and fuzz suites record (cases tried, held) per suite, for the summary."""
    return request.config.stash.setdefault(FAULT_COUNTS, {})


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Print the fault and fuzz suites' counts, whatever the output capture."""
    counts = config.stash.get(FAULT_COUNTS, {})
    if counts:
        terminalreporter.section("faults and fuzzing")
        for suite, (tried, held) in sorted(counts.items()):
            terminalreporter.write_line(f"{suite}: {tried} cases tried, {held} held")
        tried, held = (sum(x) for x in zip(*counts.values()))
        terminalreporter.write_line(f"total: {tried} cases tried, {held} held")
