"""The registry of per-table output formats: what each is, who writes it, where it is offered.

One entry per format feeds the build (``write``: into ``build/data/``), the
data package (``resource``: a resource in ``datapackage.json``), the site's
downloads and its schema.org JSON-LD (``download``). Formats whose writer
needs the site (spreadsheets, the JSON document) are listed here and get their
writer from the site layer (:func:`register_site_writer`), since publish must
not import site. The order is the order of the site's download links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hmipdata.checker.schema import Resource
from hmipdata.checker.sqlrules import ident, literal

# The characters that make a spreadsheet read a text cell as a formula: one list for
# the CSV writer (as a DuckDB regex) and the XLSX/ODS writers (hmipdata/site/spreadsheets.py).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_START = r"^[=+\-@\t\r]"  # the same characters, as a DuckDB regular expression


def _order_by(resource: Resource) -> str:
    keys = resource.schema.primary_key or resource.schema.field_names
    return ", ".join(ident(k) for k in keys)


def published_select(resource: Resource, source: str = "", spreadsheet_safe: bool = False) -> str:
    """The published columns of a loaded table, in a fixed row order.

    With ``spreadsheet_safe``, a text cell starting like a formula (=, +, -, @,
    tab, CR) gets a leading apostrophe so spreadsheets show it as text; numbers
    are untouched.
    """
    cols = []
    for f in resource.schema.fields:
        col = ident(f.name)
        if spreadsheet_safe and f.type in ("string", "any"):
            quote = literal("'")
            col = f"CASE WHEN regexp_matches({col}, {literal(FORMULA_START)}) THEN {quote} || {col} ELSE {col} END AS {col}"
        cols.append(col)
    return f"SELECT {', '.join(cols)} FROM {source}{ident(resource.name)} ORDER BY {_order_by(resource)}"


def write_csv(con, resource: Resource, path: Path) -> None:
    query = published_select(resource, spreadsheet_safe=True)
    con.execute(f"COPY ({query}) TO {literal(str(path))} (FORMAT csv, HEADER, DELIMITER ',', DATEFORMAT '%Y-%m-%d')")


def write_parquet(con, resource: Resource, path: Path) -> None:
    con.execute(f"COPY ({published_select(resource)}) TO {literal(str(path))} (FORMAT parquet, COMPRESSION zstd)")


@dataclass
class Format:
    """One per-table output format."""

    name: str
    label: str
    """How the site names it (link text, JSON-LD distribution name)."""
    media_type: str
    extension: str = ""
    """The file name's ending, without the dot (default: the name)."""
    write: Callable[[Any, Resource, Path], None] | None = None
    """Writes a loaded table into ``build/`` (``con, resource, path``); the site copies the file."""
    resource: str | None = None
    """In ``datapackage.json``: ``"table"`` (the tabular data resource with the schema) or ``"copy"``
    (a plain resource, the same table in another format); None: not in the data package."""
    download: bool = True
    """Offered on each table's page and as a schema.org DataDownload."""
    site_writer: Callable[[Any, Resource, Path], None] | None = None
    """Writes the file for the site (``ctx, resource, path``), registered by the site layer."""

    def __post_init__(self) -> None:
        self.extension = self.extension or self.name


FORMATS: tuple[Format, ...] = (
    Format("csv", "CSV", "text/csv", write=write_csv, resource="table"),
    Format("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    Format("ods", "ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    Format("parquet", "Parquet", "application/vnd.apache.parquet", write=write_parquet, resource="copy"),
    Format("json", "JSON", "application/json"),
)


def format_named(name: str) -> Format:
    return next(f for f in FORMATS if f.name == name)


def built() -> list[Format]:
    """The formats written into ``build/`` (and so into each release)."""
    return [f for f in FORMATS if f.write is not None]


def package_resources() -> list[Format]:
    """The formats that are resources of ``datapackage.json``, the tabular one first."""
    return sorted((f for f in FORMATS if f.resource), key=lambda f: f.resource != "table")


def downloads() -> list[Format]:
    """The formats offered for each table on the site and in its JSON-LD, in the order shown."""
    return [f for f in FORMATS if f.download]


def register_site_writer(name: str, writer: Callable[[Any, Resource, Path], None]) -> None:
    """Give format ``name`` the site's writer (the site layer calls this; publish cannot import it)."""
    format_named(name).site_writer = writer
