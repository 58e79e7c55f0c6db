"""Load a published table by name and version, checked against the release's SHA256SUMS.

``load("caseloads", version="1.0.0")`` reads ``releases/1.0.0/data/caseloads.parquet``
from the published site (or a local ``build/`` or site directory), verifies
its SHA-256 against ``releases/1.0.0/SHA256SUMS`` and returns a pandas
DataFrame (or a polars DataFrame, or a DuckDB relation). Downloads are cached
under ``~/.cache/hmipdata`` (``$HMIPDATA_CACHE`` or ``cache_dir=`` moves it); a
cached file is checked again on every use. A pinned version's checksums are
cached too (releases are immutable); ``latest`` is looked up afresh each time.

``schema("caseloads")`` is the pandera schema of the table, derived from the
release's ``datapackage.json`` (so it matches the version you load), for
checking your own derived frames.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hmipdata.checker.errors import HmipdataError

DEFAULT_SOURCE = "https://hmipdata.github.io/hmipdata/"
BACKENDS = ("pandas", "polars", "duckdb")
SUMS = "SHA256SUMS"
VERSION = re.compile(r"^(\d+\.\d+\.\d+|latest)$")
TABLE = re.compile(r"^[a-z][a-z0-9_]*$")


class ChecksumError(HmipdataError):
    """A downloaded or cached file does not match the release's SHA256SUMS."""


class NotFound(HmipdataError):
    """No such table, version or source."""


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    if os.environ.get("HMIPDATA_CACHE"):
        return Path(os.environ["HMIPDATA_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "hmipdata"


@dataclass(frozen=True)
class Release:
    """One release at a source (a site URL or a local directory holding ``releases/``)."""

    source: str
    version: str
    cache: Path

    @property
    def remote(self) -> bool:
        return self.source.startswith(("http://", "https://"))

    def _local(self, path: str) -> Path:
        return Path(self.source) / "releases" / self.version / path

    def _url(self, path: str) -> str:
        return urllib.parse.urljoin(self.source.rstrip("/") + "/", f"releases/{self.version}/{path}")

    def _fetch(self, path: str) -> bytes:
        if not self.remote:
            local = self._local(path)
            if not local.is_file():
                raise NotFound(f"{local} not found (is version {self.version} released at {self.source}?)")
            return local.read_bytes()
        url = self._url(path)
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            raise NotFound(f"{url}: HTTP {exc.code} (is version {self.version} released?)") from None
        except (urllib.error.URLError, OSError) as exc:
            raise NotFound(f"{url}: cannot download ({getattr(exc, 'reason', exc)})") from None

    def _cache_dir(self) -> Path:
        key = hashlib.sha256(self.source.rstrip("/").encode()).hexdigest()[:16]
        return self.cache / key / self.version

    def checksums(self) -> dict[str, str]:
        """``{path: sha256}`` from the release's SHA256SUMS (cached for a pinned remote version)."""
        cached = self._cache_dir() / SUMS
        if self.remote and self.version != "latest" and cached.is_file():
            text = cached.read_text(encoding="utf-8")
        else:
            text = self._fetch(SUMS).decode("utf-8")
            if self.remote and self.version != "latest":
                _write(cached, text.encode("utf-8"))
        sums = {}
        for line in text.splitlines():
            m = re.match(r"^([0-9a-fA-F]{64})\s+\*?(.+)$", line.strip())
            if m:
                sums[m.group(2)] = m.group(1).lower()
        if not sums:
            raise NotFound(f"{self.source}: releases/{self.version}/{SUMS} lists no files")
        return sums

    def file(self, path: str, sums: dict[str, str] | None = None) -> Path:
        """A release file on disk, its SHA-256 checked against SHA256SUMS (downloaded once, then cached)."""
        sums = self.checksums() if sums is None else sums
        if path not in sums:
            raise NotFound(f"{path} is not in release {self.version} at {self.source}")
        expected = sums[path]
        if not self.remote:
            local = self._local(path)
            _check(local.read_bytes() if local.is_file() else self._fetch(path), expected, str(local))
            return local
        target = self._cache_dir() / "files" / expected / path
        if target.is_file():
            if _digest(target.read_bytes()) == expected:
                return target
            target.unlink()  # a damaged cache entry: fetch it again
        data = self._fetch(path)
        _check(data, expected, self._url(path))
        _write(target, data)
        return target


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check(data: bytes, expected: str, where: str) -> None:
    actual = _digest(data)
    if actual != expected:
        raise ChecksumError(
            f"{where}: SHA-256 {actual[:12]}… does not match {expected[:12]}… in {SUMS}; refusing a tampered or "
            "damaged file"
        )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def release(version: str = "latest", source: str | os.PathLike | None = None, cache_dir=None) -> Release:
    """Where a version's files come from: ``source`` (a site URL or a local build/site directory)."""
    if not VERSION.match(str(version)):
        raise NotFound(f"version {version!r}: expected X.Y.Z or 'latest'")
    where = source if source is not None else os.environ.get("HMIPDATA_SOURCE") or DEFAULT_SOURCE
    where = str(where)
    if not where.startswith(("http://", "https://")):
        path = Path(where).expanduser().resolve()
        if not (path / "releases").is_dir():
            raise NotFound(f"{path}: no releases/ directory (give a build/ or site directory, or a site URL)")
        where = str(path)
    return Release(where, str(version), cache_root(cache_dir))


def _table_path(name: str, suffix: str) -> str:
    if not TABLE.match(name or ""):
        raise NotFound(f"table {name!r}: expected a lowercase table name such as 'caseloads'")
    return f"data/{name.replace('_', '-')}.{suffix}"


def load(
    name: str,
    version: str = "latest",
    *,
    backend: str = "pandas",
    source: str | os.PathLike | None = None,
    cache_dir: str | os.PathLike | None = None,
) -> Any:
    """A published table as a pandas DataFrame (``backend="polars"``: polars; ``"duckdb"``: a relation).

    >>> import hmipdata
    >>> caseloads = hmipdata.load("caseloads", version="1.0.0")  # doctest: +SKIP
    """
    if backend not in BACKENDS:
        raise NotFound(f"backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    rel = release(version, source, cache_dir)
    sums = rel.checksums()
    path = _table_path(name, "parquet")
    if path not in sums:
        tables = sorted(p[5:-8].replace("-", "_") for p in sums if p.startswith("data/") and p.endswith(".parquet"))
        raise NotFound(f"no table {name!r} in release {rel.version}; tables: {', '.join(tables)}")
    local = rel.file(path, sums)
    if backend == "polars":
        import polars

        return polars.read_parquet(local)
    import duckdb

    if backend == "duckdb":
        return duckdb.connect().read_parquet(str(local))
    con = duckdb.connect()
    try:
        return con.read_parquet(str(local)).df()
    finally:
        con.close()


def descriptor(version: str = "latest", *, source=None, cache_dir=None) -> dict:
    """The release's datapackage.json (checked against SHA256SUMS)."""
    import json

    rel = release(version, source, cache_dir)
    return json.loads(rel.file("datapackage.json").read_text(encoding="utf-8"))


def schema(name: str, version: str = "latest", *, source=None, cache_dir=None):
    """The pandera ``DataFrameSchema`` of a published table, from the release's datapackage.json.

    Validate a frame from :func:`load` or your own derived one:
    ``hmipdata.schema("caseloads").validate(frame, lazy=True)``.
    """
    from hmipdata.checker.pandera_schema import pandera_schema
    from hmipdata.checker.schema import parse_schema

    package = descriptor(version, source=source, cache_dir=cache_dir)
    for resource in package.get("resources", []):
        if resource.get("name") == name and isinstance(resource.get("schema"), dict):
            return pandera_schema(name, parse_schema(resource["schema"], f"datapackage.json: {name}"))
    raise NotFound(f"no table {name!r} in release {package.get('version', version)}")
