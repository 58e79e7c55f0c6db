"""hmipdata.project.load / hmipdata.checker.schema against a locally served site (offline), checksums and cache."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_site_support import serve

import hmipdata
from hmipdata.api import ChecksumError, NotFound
from hmipdata.publish.release import write_sums


def make_site(built: Path, dest: Path, version: str | None = None) -> tuple[Path, str]:
    """A site-shaped directory serving one release, as `hmipdata site` lays it out: releases/<v>/ and latest/."""
    version = version or json.loads((built / "datapackage.json").read_text())["version"]
    for name in (version, "latest"):
        release = dest / "releases" / name
        release.mkdir(parents=True)
        shutil.copy2(built / "datapackage.json", release / "datapackage.json")
        shutil.copy2(built / "hmipdata.duckdb", release / "hmipdata.duckdb")
        shutil.copytree(built / "data", release / "data")
        write_sums(release)
    return dest, version


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    return make_site(built, tmp_path_factory.mktemp("api-site") / "site")


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def csv_rows(site: Path, version: str, name: str) -> int:
    text = (site / "releases" / version / "data" / f"{name.replace('_', '-')}.csv").read_text(encoding="utf-8")
    return len(text.splitlines()) - 1


def test_load_from_a_served_site_with_each_backend(site, cache):
    root, version = site
    url = serve(root)
    frame = hmipdata.load("caseloads", version=version, source=url, cache_dir=cache)
    assert len(frame) == csv_rows(root, version, "caseloads")
    assert frame["average_caseload"].dtype.kind == "f"
    assert str(frame["snapshot_date"].dtype).startswith("datetime64")
    polars_frame = hmipdata.load("caseloads", version=version, backend="polars", source=url, cache_dir=cache)
    assert polars_frame.height == len(frame)
    relation = hmipdata.load("caseloads", version="latest", backend="duckdb", source=url, cache_dir=cache)
    assert relation.aggregate("count(*)").fetchall()[0][0] == len(frame)


def test_pinned_version_is_cached(site, cache, tmp_path):
    root, version = site
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    url = serve(copy)
    first = hmipdata.load("tracker", version=version, source=url, cache_dir=cache)
    shutil.rmtree(copy / "releases")  # the site is gone: the cache answers
    again = hmipdata.load("tracker", version=version, source=url, cache_dir=cache)
    assert again.equals(first)


def test_refuses_a_tampered_file(site, cache, tmp_path):
    root, version = site
    copy = tmp_path / "tampered"
    shutil.copytree(root, copy)
    parquet = copy / "releases" / version / "data" / "caseloads.parquet"
    data = bytearray(parquet.read_bytes())
    data[len(data) // 2] ^= 0xFF
    parquet.write_bytes(bytes(data))
    with pytest.raises(ChecksumError, match="SHA256SUMS"):
        hmipdata.load("caseloads", version=version, source=serve(copy), cache_dir=cache)
    assert not list(cache.rglob("caseloads.parquet"))  # nothing unverified is kept
    with pytest.raises(ChecksumError):
        hmipdata.load("caseloads", version=version, source=copy, cache_dir=cache)  # a local directory too


def test_a_damaged_cache_entry_is_fetched_again(site, cache):
    root, version = site
    url = serve(root)
    hmipdata.load("sources", version=version, source=url, cache_dir=cache)
    (cached,) = cache.rglob("sources.parquet")
    cached.write_bytes(b"not parquet")
    frame = hmipdata.load("sources", version=version, source=url, cache_dir=cache)
    assert len(frame) == csv_rows(root, version, "sources")


def test_schema_validates_loaded_and_derived_frames(site, cache):
    import pandera.errors

    root, version = site
    url = serve(root)
    frame = hmipdata.load("caseloads", version=version, source=url, cache_dir=cache)
    schema = hmipdata.schema("caseloads", version=version, source=url, cache_dir=cache)
    schema.validate(frame, lazy=True)
    derived = frame.copy()
    derived.loc[0, "staff_grade"] = "manager"
    with pytest.raises(pandera.errors.SchemaErrors):
        schema.validate(derived, lazy=True)


def test_errors_are_one_line(site, cache):
    root, version = site
    url = serve(root)
    for call in (
        lambda: hmipdata.load("no_such_table", version=version, source=url, cache_dir=cache),
        lambda: hmipdata.load("caseloads", version="9.9.9", source=url, cache_dir=cache),
        lambda: hmipdata.load("caseloads", version="one", source=url, cache_dir=cache),
        lambda: hmipdata.load("caseloads", version=version, backend="excel", source=url, cache_dir=cache),
    ):
        with pytest.raises(NotFound) as caught:
            call()
        assert "\n" not in str(caught.value) and str(caught.value)


def test_import_stays_light():
    code = (
        "import sys, hmipdata; print(sorted(m for m in ('pandas', 'duckdb', 'pandera', 'polars') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_readme_python_example_runs_against_a_served_site(built, tmp_path):
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(import hmipdata\n.*?)```", readme, re.S)
    (version,) = set(re.findall(r'version="(\d+\.\d+\.\d+)"', code))
    site = tmp_path / "site"
    make_site(built, site, version)
    env = {**__import__("os").environ, "HMIPDATA_SOURCE": serve(site), "HMIPDATA_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "probation_officer" in done.stdout
