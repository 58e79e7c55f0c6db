"""Shared fixtures: a private copy of the repository's data, and a build of it."""

from __future__ import annotations

import contextlib
import functools
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"


@functools.cache
def _earlier_releases() -> tuple[Path, ...]:
    """The built release of each recorded version older than the current one, restored once from git history.

    A copy of the project has no git history, so releasing a new version there could not rebuild the
    previous release that its notes diff against; the copy gets these instead (none outside a clone)."""
    from hmipdata.project.package import load_project
    from hmipdata.project.semver import parse_version
    from hmipdata.publish.history import HistoryError, recorded_versions, restore

    current = parse_version(load_project(ROOT).version)
    found = []
    for version in recorded_versions(ROOT):
        if parse_version(version) < current:
            with contextlib.suppress(HistoryError):  # a download without history: tests needing it say so
                found.append(restore(ROOT, version))
    return tuple(found)


def copy_project(dest: Path) -> Path:
    """Copy the build's inputs (raw/, schemas/, releases/, CHANGELOG.md) into ``dest``, with earlier releases."""
    for part in ("raw", "schemas", "releases"):
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, dest / part)
    shutil.copy2(ROOT / "CHANGELOG.md", dest / "CHANGELOG.md")
    from hmipdata.publish.history import releases_dir

    for release in _earlier_releases():
        shutil.copytree(release, releases_dir(dest) / release.name)
    return dest


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the project's data that a test may break."""
    return copy_project(tmp_path / "repo")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The real data, built once into a temporary repository; returns its build/."""
    from hmipdata.publish.build import build

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

    from hmipdata.project.package import load_project
    from hmipdata.project.semver import latest_release, next_version, parse_version

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
