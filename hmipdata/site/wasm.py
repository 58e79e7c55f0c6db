"""DuckDB-WASM for the SQL page: npm packages installed on demand, bundled with esbuild.

``package.json`` (with its lock file) at the repository root names the npm
packages; ``npm ci`` installs them into ``node_modules/`` (not committed)
when they are missing. The page's script is bundled with esbuild from npm;
the engine's wasm and worker files are shipped beside it. Nothing is fetched
from a CDN at run time. Without npm the site builds without the engine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from hmipdata.site.files import place

ENTRY = Path(__file__).parent / "assets" / "sql.js"
DIST = Path("@duckdb/duckdb-wasm/dist")
ENGINE_FILES = ("duckdb-eh.wasm", "duckdb-browser-eh.worker.js")
BUNDLE = "assets/sql.js"
ENGINE_DIR = "assets/duckdb"
LICENSED = ("@duckdb/duckdb-wasm", "apache-arrow", "flatbuffers", "tslib")


@dataclass(frozen=True)
class Engine:
    """Where the engine files went in the site, or why there is no engine."""

    available: bool
    reason: str = ""


def _ready(modules: Path) -> bool:
    return all((modules / DIST / f).is_file() for f in ENGINE_FILES) and (modules / ".bin" / "esbuild").exists()


def ensure_node_modules(node_dir: Path, install: bool = True) -> tuple[Path | None, str]:
    """node_modules with DuckDB-WASM and esbuild, installing them with npm if missing."""
    modules = node_dir / "node_modules"
    if _ready(modules):
        return modules, ""
    if not install:
        return None, "the npm packages are not installed and installing was turned off"
    npm = shutil.which("npm")
    if npm is None or not (node_dir / "package.json").is_file():
        return None, "npm (or package.json) was not available when this site was built"
    command = [
        npm,
        "ci" if (node_dir / "package-lock.json").is_file() else "install",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "--loglevel=error",
    ]
    try:
        done = subprocess.run(command, cwd=node_dir, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"npm failed: {exc}"
    if done.returncode != 0 or not _ready(modules):
        return None, "npm could not install the packages: " + (done.stderr.strip().splitlines() or ["unknown"])[-1]
    return modules, ""


def _notices(modules: Path) -> str:
    lines = ["Third-party software bundled in this directory and in ../sql.js:", ""]
    for name in LICENSED:
        package = modules / name / "package.json"
        if package.is_file():
            meta = json.loads(package.read_text(encoding="utf-8"))
            lines.append(f"{meta.get('name')} {meta.get('version')}: {meta.get('license', 'see package')} licence")
    return "\n".join(lines) + "\n"


def bundle(modules: Path, out: Path) -> None:
    """Bundle the page script with DuckDB-WASM (ESM, minified) and ship the engine files."""
    target = out / BUNDLE
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(modules / ".bin" / "esbuild"),
        "--bundle",
        "--format=esm",
        "--minify",
        "--target=es2020",
        "--legal-comments=eof",
        "--log-level=error",
        "--sourcefile=sql.js",
        f"--outfile={target}",
    ]
    done = subprocess.run(
        command,
        cwd=modules.parent,
        input=ENTRY.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"esbuild failed: {done.stderr.strip()}")
    for name in ENGINE_FILES:
        place(modules / DIST / name, out / ENGINE_DIR / name)
    (out / ENGINE_DIR / "NOTICE.txt").write_text(_notices(modules), encoding="utf-8")


def install_engine(out: Path, node_dir: Path, install: bool = True) -> Engine:
    modules, reason = ensure_node_modules(node_dir, install)
    if modules is None:
        return Engine(False, reason)
    try:
        bundle(modules, out)
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        return Engine(False, str(exc))
    return Engine(True)
