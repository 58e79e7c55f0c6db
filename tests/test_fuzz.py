"""Seeded mutation fuzzing of the raw CSVs and the schemas, through the command line's error boundary.

Each case mutates one file of a small built project (one to three byte-level
mutations: flipped bits, NUL, CR, quotes, BOMs, invisible characters, lost or
repeated lines, truncation, odd numbers), runs ``hmipdata build`` in-process
(``hmipdata.cli.main``, so the error boundary is what is exercised) and
requires exit 0, 1 or 2, no traceback, and ``build/`` byte-identical whenever
the build fails. Seeds are fixed: a failure names its seed and replays.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.faultkit import clean, cli, mutate, small_project, tree_digest

RAW_CASES = 240
SCHEMA_CASES = 80


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = small_project(tmp_path_factory.mktemp("fuzz") / "repo")
    first = cli("--root", root, "build")
    assert first.code == 0, first.output
    return root


def _fuzz(root: Path, files: list[Path], cases: int, seed: int) -> tuple[int, list[str]]:
    """Run ``cases`` seeded cases over ``files``; returns (held, failures described)."""
    rng = random.Random(seed)
    failures: list[str] = []
    before = tree_digest(root / "build")
    for case in range(cases):
        target = rng.choice(files)
        original = target.read_bytes()
        names, mutated = mutate(original, rng)
        target.write_bytes(mutated)
        try:
            run = cli("--root", root, "build")
        finally:
            target.write_bytes(original)
        where = f"seed {seed} case {case} {target.relative_to(root)} [{names}] exit {run.code}"
        if not clean(run):
            failures.append(f"{where}: {run.output[-600:]}")
        elif run.code != 0 and tree_digest(root / "build") != before:
            failures.append(f"{where}: build/ changed although the build failed")
        if run.code == 0:
            before = tree_digest(root / "build")
    return cases - len(failures), failures


def test_mutated_raw_csvs_fail_cleanly(project, fault_counts):
    files = sorted((project / "raw").rglob("*.csv"))
    held, failures = _fuzz(project, files, RAW_CASES, seed=1301)
    fault_counts["fuzz: mutated raw CSVs"] = (RAW_CASES, held)
    assert not failures, "\n".join(failures[:10])


def test_mutated_schemas_fail_cleanly(project, fault_counts):
    files = sorted((project / "schemas").rglob("*.yaml"))
    held, failures = _fuzz(project, files, SCHEMA_CASES, seed=1302)
    fault_counts["fuzz: mutated schemas"] = (SCHEMA_CASES, held)
    assert not failures, "\n".join(failures[:10])
