"""Shared set-up for the site tests (no tests here): the site built once, a local server, the browser.

Builds are memoised at module level so that every test module's session
fixtures share one site. The browser is Debian's Chromium driven by
Playwright; it is installed with apt-get when missing (as CI starts bare),
and the npm packages (DuckDB-WASM, esbuild, axe-core) with npm.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "site"
CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BASE_URL = "https://example.org/hmipdata/"
_CACHE: dict[str, object] = {}


def memo(key: str, make):
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def node_modules() -> Path:
    """The repository's node_modules, installed with npm if missing (DuckDB-WASM, esbuild, axe-core)."""

    def make() -> Path:
        from hmipdata.site.wasm import ensure_node_modules

        modules, reason = ensure_node_modules(ROOT)
        if modules is None or not (modules / "axe-core" / "axe.min.js").is_file():
            pytest.fail(f"the npm packages are needed for the site tests: {reason or 'axe-core missing'}")
        return modules

    return memo("node_modules", make)


def apt_install(what: str, *packages: str, timeout: int = 1200) -> None:
    """Install Debian packages a test needs (CI starts bare); fail with the command to run when we cannot."""
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.fail(f"{what} is missing; install it: apt-get install {' '.join(packages)} (as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", *packages]):
        subprocess.run(command, check=True, env=env, capture_output=True, timeout=timeout)


def ensure_chromium() -> Path:
    """Debian's Chromium, installed with apt-get when missing."""

    def make() -> Path:
        if not CHROMIUM.exists():
            apt_install(str(CHROMIUM), "chromium", "fonts-liberation", timeout=900)
        return CHROMIUM

    return memo("chromium", make)


def write_changelog_and_releases(root: Path, build: Path) -> None:
    """Two releases of the built data (1.1.0 corrects one value) and their changelog."""
    (root / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [1.1.0] - 2026-12-01\n\n### Corrected\n\n- One caseload value, as a test.\n\n"
        "## [1.0.0] - 2026-11-23\n\nFirst release.\n",
        encoding="utf-8",
    )
    for name in ("1.0.0", "1.1.0"):
        release = build / "releases" / name
        (release / "data").mkdir(parents=True)
        for item in ("datapackage.json", "hmipdata.duckdb"):
            shutil.copyfile(build / item, release / item)
        for csv in sorted((build / "data").glob("*.csv")):
            shutil.copyfile(csv, release / "data" / csv.name)
        (release / "RELEASE-NOTES.md").write_text(f"# hmipdata {name}\n", encoding="utf-8")
    changed = build / "releases" / "1.1.0" / "data" / "caseloads.csv"
    lines = changed.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",43.0,", ",44.0,", 1)
    changed.write_text("".join(lines), encoding="utf-8")
    for name in ("1.0.0", "1.1.0"):
        release = build / "releases" / name
        sums = [
            f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(release).as_posix()}\n"
            for p in sorted(release.rglob("*"))
            if p.is_file()
        ]
        (release / "SHA256SUMS").write_text("".join(sums), encoding="utf-8")
    (build / "releases" / "latest").symlink_to("1.1.0")


def main_site(built: Path, tmp_path_factory) -> Path:
    """The real data's site, built once through the command line; returns the site directory."""

    def make() -> Path:
        modules = node_modules()
        root = tmp_path_factory.mktemp("site") / "repo"
        root.mkdir()
        shutil.copytree(ROOT / "schemas", root / "schemas")
        shutil.copytree(built, root / "build", symlinks=True, ignore=shutil.ignore_patterns("releases", "site"))
        write_changelog_and_releases(root, root / "build")
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(ROOT / name, root / name)
        (root / "node_modules").symlink_to(modules)
        done = subprocess.run(
            [sys.executable, "-m", "hmipdata.cli", "--root", str(root), "site", "--base-url", BASE_URL],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return root / "build" / "site"

    return memo("main_site", make)


def hostile_site(tmp_path_factory) -> Path:
    """The hostile fixture (markup and formulas in text cells) built and rendered, without the SQL engine."""

    def make() -> Path:
        from hmipdata.publish.build import build
        from hmipdata.site import build_site

        root = tmp_path_factory.mktemp("hostile") / "repo"
        shutil.copytree(FIXTURES / "hostile", root)
        build(root)
        return build_site(root, base_url=BASE_URL, node_dir=root, install_npm=False).path

    return memo("hostile_site", make)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@functools.cache
def serve(directory: Path) -> str:
    """Serve ``directory`` on 127.0.0.1 (a real HTTP server, for the life of the test run); returns its URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def screenshots_dir(site: Path) -> Path:
    """Where page screenshots go for review: $HMIPDATA_SCREENSHOTS, else build/screenshots/ in the repository."""
    path = Path(os.environ.get("HMIPDATA_SCREENSHOTS") or ROOT / "build" / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def site_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "id" in values:
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if values.get(name) and not (tag == "a" and name == "src"):
                self.links.append(values[name])


def parse_links(text: str) -> tuple[list[str], set[str]]:
    """Every href/src in a page, and every id."""
    parser = _Links()
    parser.feed(text)
    return parser.links, parser.ids


def internal_targets(site: Path, page: str) -> list[tuple[str, str]]:
    """(site path, fragment) of every internal link on ``page`` (external and data: links skipped)."""
    from posixpath import dirname, normpath
    from posixpath import join as posixjoin
    from urllib.parse import unquote, urlsplit

    links, _ = parse_links((site / page).read_text(encoding="utf-8"))
    out = []
    for link in links:
        parts = urlsplit(link)
        if parts.scheme or link.startswith("//"):
            continue
        path = normpath(posixjoin(dirname(page), unquote(parts.path))) if parts.path else page
        out.append((path, parts.fragment))
    return out
