"""Shared tools of the fault and fuzz suites: a small project, the CLI in-process, digests, mutations."""

from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

TABLES = ("sources", "sfo_risk_levels", "sfo_reviews", "organisations")  # builds in well under a second
EXPECTED_EXITS = (0, 1, 2)


def small_project(dest: Path) -> Path:
    """A repository with a few tables (no release records, so no version check), not yet built."""
    (dest / "schemas").mkdir(parents=True)
    shutil.copy2(ROOT / "schemas/package.yaml", dest / "schemas/package.yaml")
    shutil.copy2(ROOT / "CHANGELOG.md", dest / "CHANGELOG.md")
    for table in TABLES:
        shutil.copytree(ROOT / "schemas" / table, dest / "schemas" / table)
        shutil.copytree(ROOT / "raw" / table, dest / "raw" / table)
    return dest


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def cli(*args: str) -> Run:
    """The command line's ``main`` in this process (its error boundary included), output captured."""
    from hmipdata.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return Run(code, out.getvalue(), err.getvalue())


def cli_process(*args: str, env: dict[str, str] | None = None, timeout: int = 120) -> Run:
    """The command line in a subprocess (for kills, injected faults and races)."""
    done = subprocess.run(
        [sys.executable, "-m", "hmipdata.cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    return Run(done.returncode, done.stdout, done.stderr)


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file (following build/'s symlinks) by relative path, with its SHA-256."""
    out = {}
    if not folder.exists():
        return out
    for dirpath, _, names in os.walk(folder, followlinks=True):
        for name in names:
            path = Path(dirpath) / name
            out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def clean(run: Run) -> bool:
    """No traceback, and an exit code the documentation lists for data and declarations."""
    return run.code in EXPECTED_EXITS and "Traceback" not in run.output and "internal error" not in run.output


# Byte-level mutations: each takes the bytes and a seeded Random and returns new bytes.
SPECIAL = [
    b"\0",
    b"\r",
    b"\n",
    b"\r\n",
    b'"',
    b",",
    b"\xff",
    b"\xc2\xa0",
    b"\xe2\x80\x8b",
    b"\xef\xbb\xbf",
    b"\t",
    b"'",
]


def _pos(data: bytes, rng: random.Random) -> int:
    return rng.randrange(len(data) + 1)


def flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1 :]


def insert_special(data: bytes, rng: random.Random) -> bytes:
    i = _pos(data, rng)
    return data[:i] + rng.choice(SPECIAL) + data[i:]


def delete_span(data: bytes, rng: random.Random) -> bytes:
    i = _pos(data, rng)
    return data[:i] + data[i + rng.randrange(1, 40) :]


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: _pos(data, rng)]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def duplicate_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])


def swap_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def blank_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    lines.insert(rng.randrange(len(lines) + 1), rng.choice([b"", b"\r", b" "]))
    return b"\n".join(lines)


def change_digit(data: bytes, rng: random.Random) -> bytes:
    digits = [i for i, b in enumerate(data) if 48 <= b <= 57]
    if not digits:
        return insert_special(data, rng)
    i = rng.choice(digits)
    return data[:i] + rng.choice([b"9", b"-1", b"1e999", b"NaN", b"", b"0x10", b"2021-13"]) + data[i + 1 :]


def crlf(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    lines[i] = lines[i] + b"\r"
    return b"\n".join(lines)


MUTATIONS = (flip, insert_special, delete_span, truncate, duplicate_line, swap_lines, blank_line, change_digit, crlf)


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One to three seeded mutations; returns their names and the result."""
    names = []
    for _ in range(rng.randint(1, 3)):
        op = rng.choice(MUTATIONS)
        names.append(op.__name__)
        data = op(data, rng)
    return "+".join(names), data
