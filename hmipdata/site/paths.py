"""Where things live in the site (all paths relative to the site root, '/'-separated)."""

from __future__ import annotations

from hmipdata.checker.schema import Resource
from hmipdata.publish.datapackage import data_file
from hmipdata.publish.formats import downloads

DATABASE = "hmipdata.duckdb"
DATAPACKAGE = "datapackage.json"
WORKBOOK = "hmipdata"  # hmipdata.xlsx / hmipdata.ods: every table in one workbook
# (extension, label, media type) of each table's downloads, from the registry of output formats
FORMATS = tuple((f.extension, f.label, f.media_type) for f in downloads())


def slug(name: str) -> str:
    return name.replace("_", "-")


def table_page(resource: Resource | str) -> str:
    name = resource if isinstance(resource, str) else resource.name
    return f"tables/{slug(name)}.html"


def download(resource: Resource, suffix: str) -> str:
    return data_file(resource, suffix)


def dictionary_entry(table: str, column: str | None = None) -> str:
    return f"dictionary.html#{slug(table)}" + (f"--{column}" if column else "")


def source_anchor(source_id: str) -> str:
    return f"index.html#source-{source_id}"


def sql_link(query: str) -> str:
    from urllib.parse import quote

    return "sql.html?q=" + quote(query, safe="")
