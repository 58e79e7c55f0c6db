"""Tools that must not share the project's environment, each in a venv of its own.

An old DuckDB (to prove it opens our file) or the v1 ``datapackage`` reader
(whose dependencies clash with ours) is installed from PyPI with pip into
``.build/venvs/<name>`` once and reused; ``HMIPDATA_TOOL_VENVS`` moves it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tool_python(name: str, *requirements: str) -> Path:
    """The python of a venv holding exactly ``requirements`` (created on first use)."""
    key = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:12]
    home = Path(os.environ.get("HMIPDATA_TOOL_VENVS") or ROOT / ".build" / "venvs") / f"{name}-{key}"
    python = home / "bin" / "python"
    stamp = home / ".installed"
    if stamp.exists():
        return python
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(home)], check=True, capture_output=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements],
            check=True,
            capture_output=True,
            text=True,
            timeout=900,
        )
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"could not install {' '.join(requirements)} into {home}: {(exc.stderr or '')[-2000:]}")
    stamp.write_text("\n".join(requirements) + "\n")
    return python


def run_python(python: Path, code: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``code`` with a tool venv's python (isolated from the project: -I)."""
    return subprocess.run([str(python), "-I", "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=600)
