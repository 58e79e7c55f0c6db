"""What every page needs: the project, the built tables as typed frames, sources and versions."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hmipdata.checker.errors import HmipdataError
from hmipdata.checker.schema import Resource, TableSchema
from hmipdata.project.changelog import Entry, read_changelog
from hmipdata.project.package import Project, load_project
from hmipdata.project.publication import Publication, publication
from hmipdata.publish.datapackage import data_file

INTEGER_TYPES = ("integer", "year")
NUMERIC_TYPES = ("integer", "year", "number")


class SiteError(HmipdataError):
    """The site cannot be built from what is in build/."""


@dataclass
class SiteContext:
    """The inputs of one site build, read once."""

    root: Path
    build: Path
    project: Project
    base_url: str
    frames: dict[str, Any]
    changelog: list[Entry] = field(default_factory=list)
    _sources: dict[str, dict[str, str]] | None = field(default=None, repr=False)

    @property
    def tables(self) -> list[Resource]:
        """Published tables, by name."""
        return sorted(self.project.published, key=lambda r: r.name)

    @property
    def publication(self) -> Publication:
        """Publisher, copyright and licence words, as package.yaml declares them."""
        return publication(self.project.meta)

    @property
    def version(self) -> str:
        return self.project.version

    @property
    def release_date(self) -> str | None:
        """The changelog's date for the version in build/, if it has been released (recorded or in build/releases)."""
        recorded = self.root / "releases" / self.version / "CONTENTS.sha256"
        if not recorded.is_file() and not (self.build / "releases" / self.version).is_dir():
            return None
        return next((e.date for e in self.changelog if e.version == self.version), None)

    def url(self, path: str) -> str:
        """Absolute URL of a site path."""
        return self.base_url + path

    def frame(self, name: str):
        return self.frames.get(name)

    def sources(self) -> dict[str, dict[str, str]]:
        """source_id -> the sources table's row (strings, '' for blank)."""
        if self._sources is None:
            frame = self.frame("sources")
            rows = [] if frame is None else frame.astype(object).where(frame.notna(), "").to_dict("records")
            self._sources = {str(r["source_id"]): {k: str(v) for k, v in r.items()} for r in rows}
        return self._sources


def read_table(path: Path, schema: TableSchema):
    """A published table as a pandas frame typed by its schema (blank = missing).

    Read from the Parquet copy beside ``path``: it keeps the raw text, where the
    CSV prefixes formula-like text with an apostrophe for spreadsheet safety.
    """
    import pandas as pd

    if not path.with_suffix(".parquet").is_file():
        return _read_csv_table(path, schema)
    frame = pd.read_parquet(path.with_suffix(".parquet"))
    for f in schema.fields:
        if f.name not in frame.columns:
            continue
        column = frame[f.name]
        if f.type in INTEGER_TYPES:
            frame[f.name] = column.astype("Int64")
        elif f.type == "number":
            frame[f.name] = column.astype("float64")
        elif f.type == "boolean":
            frame[f.name] = column.astype("boolean")
        else:
            frame[f.name] = column.astype(object).map(lambda v: None if pd.isna(v) else _text(v)).astype(object)
    return frame


def _read_csv_table(path: Path, schema: TableSchema):
    """A CSV (e.g. a test fixture) as a pandas frame typed by its schema."""
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    for f in schema.fields:
        if f.name not in frame.columns:
            continue
        column = frame[f.name].replace("", None)
        if f.type in INTEGER_TYPES:
            frame[f.name] = pd.to_numeric(column).astype("Int64")
        elif f.type == "number":
            frame[f.name] = pd.to_numeric(column).astype("float64")
        elif f.type == "boolean":
            mapping = {**dict.fromkeys(f.true_values, True), **dict.fromkeys(f.false_values, False)}
            frame[f.name] = column.map(mapping, na_action="ignore").astype("boolean")
        else:
            frame[f.name] = column.astype(object)
    return frame


def _text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def pages_url(homepage: str) -> str:
    """The GitHub Pages address of a GitHub repository's homepage, else the homepage itself."""
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)/?", homepage or "")
    if match:
        owner, repo = match.groups()
        return f"https://{owner.lower()}.github.io/{repo}/"
    return (homepage or "https://example.org").rstrip("/") + "/"


def load_context(root: Path, build: Path, base_url: str | None = None) -> SiteContext:
    """Read the project's schemas and the built tables in ``build``."""
    project = load_project(root, raw=False)  # the site reads build/, not raw/
    package = build / "datapackage.json"
    if not package.is_file() or not (build / "hmipdata.duckdb").is_file():
        raise SiteError(f"{build} has no finished build; run `hmipdata build` first")
    built_version = json.loads(package.read_text(encoding="utf-8")).get("version")
    if built_version and built_version != project.version:
        raise SiteError(f"{build} holds version {built_version}, the schemas say {project.version}; rebuild first")
    frames = {}
    for resource in project.published:
        path = build / data_file(resource, "csv")
        if not path.is_file():
            raise SiteError(f"{path} is missing; run `hmipdata build` first")
        frames[resource.name] = read_table(path, resource.schema)
    base = (base_url or pages_url(str(project.meta.get("homepage", "")))).rstrip("/") + "/"
    return SiteContext(root, build, project, base, frames, read_changelog(root))
