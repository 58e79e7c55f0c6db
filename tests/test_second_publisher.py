"""A second, fictional publisher: its site, release, data package and database carry its own words only.

The fixture (tests/fixtures/publisher) is the "Ministry of Imaginary
Lighthouses", with its own licence (CC-BY-4.0), source layout, chart and SQL
example. Built, released and rendered through the real command line, nothing
of it may name HMIP, its copyright or its licence: the publisher and licence
words come from its declarations, not from the code.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, hmipdata

FORBIDDEN = re.compile(
    r"\bHMIP\b|HM Inspectorate|Probation|Crown copyright|justiceinspectorates|\bOGL\b|Open Government",
    re.IGNORECASE,
)
PUBLISHER = "Ministry of Imaginary Lighthouses"
LICENCE = "Creative Commons Attribution 4.0 International"


def texts(path: Path) -> list[tuple[str, str]]:
    """(where, text) for everything a reader of ``path`` can see: zip members (XLSX, ODS), a DuckDB file's
    rows, comments and views, a Parquet file's rows and metadata, else the file's bytes as text."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return [(f"{path}:{n}", archive.read(n).decode("utf-8", "replace")) for n in archive.namelist()]
    if path.suffix == ".duckdb":
        import duckdb

        con = duckdb.connect(str(path), read_only=True)
        try:
            found = [
                (f"{path}:comments", str(con.sql("SELECT comment FROM duckdb_tables()").fetchall())),
                (f"{path}:columns", str(con.sql("SELECT comment FROM duckdb_columns()").fetchall())),
                (f"{path}:views", str(con.sql("SELECT sql FROM duckdb_views() WHERE NOT internal").fetchall())),
            ]
            for (table,) in con.sql("SELECT table_name FROM duckdb_tables()").fetchall():
                found.append((f"{path}:{table}", str(con.sql(f'SELECT * FROM "{table}"').fetchall())))
            return found
        finally:
            con.close()
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        return [(str(path), f"{table.to_pylist()} {table.schema.metadata}")]
    return [(str(path), path.read_bytes().decode("utf-8", "replace"))]


def forbidden_in(part: Path) -> list[str]:
    """Every forbidden word in the file ``part``, or in every file under the directory ``part``."""
    files = sorted(p for p in part.rglob("*") if p.is_file()) if part.is_dir() else [part]
    return [
        f"{where}: {match.group(0)!r}"
        for path in files
        for where, text in texts(path)
        for match in [FORBIDDEN.search(text)]
        if match
    ]


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The fixture project built, released and rendered by the real command line; returns its root."""
    root = tmp_path_factory.mktemp("publisher") / "repo"
    shutil.copytree(FIXTURES / "publisher", root)
    for command in (["build"], ["release"], ["site", "--no-npm", "--base-url", "https://example.org/lighthouses/"]):
        done = hmipdata("--root", str(root), *command)
        assert done.returncode == 0, (command, done.stderr)
    return root


def test_nothing_built_names_hmip_its_copyright_or_its_licence(published: Path) -> None:
    build = published / "build"
    parts = [build / "site", build / "releases" / "1.0.0", build / "datapackage.json", build / "hmipdata.duckdb"]
    assert all(part.exists() for part in parts)
    hits = [hit for part in parts for hit in forbidden_in(part)]
    assert not hits, "\n".join(hits[:20])


def test_its_own_publisher_and_licence_appear_everywhere(published: Path) -> None:
    site = published / "build" / "site"
    for page in ("index.html", "cite.html", "tables/lamp-hours.html", "sql.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert PUBLISHER in html and LICENCE in html, page
        assert "https://creativecommons.org/licenses/by/4.0/" in html, page
    assert "<title>How to cite – lighthouse-data</title>" in (site / "cite.html").read_text(encoding="utf-8")
    cff = (site / "CITATION.cff").read_text(encoding="utf-8")
    assert "license: CC-BY-4.0" in cff and PUBLISHER in cff
    notes = (published / "build" / "releases" / "1.0.0" / "RELEASE-NOTES.md").read_text(encoding="utf-8")
    assert notes.startswith("# lighthouse-data 1.0.0") and f"Source: {PUBLISHER}, {LICENCE}." in notes
    assert "Lamplighters' Guild (fictional) (2026)" in notes
    cover = "".join(text for _, text in texts(site / "data" / "lamp-hours.xlsx"))
    assert PUBLISHER in cover and LICENCE in cover
    database = "".join(text for _, text in texts(published / "build" / "hmipdata.duckdb"))
    assert "CC-BY-4.0" in database


def test_its_declared_layout_chart_and_sql_example_are_drawn(published: Path) -> None:
    site = published / "build" / "site"
    page = (site / "tables" / "lamp-hours.html").read_text(encoding="utf-8")
    assert "As laid out in the source" in page and "As Table B of the return prints it" in page
    assert 'id="chart-lamp-hours"' in page and "Lamp hours of the imaginary lighthouses, 2023 to 2025" in page
    assert (site / "charts" / "lamp-hours.svg").is_file()
    assert (
        (site / "charts" / "lamp-hours.csv")
        .read_text(encoding="utf-8")
        .startswith("year,north_point_hours,south_rock_hours\n2023,4310,3990\n")
    )
    sql = (site / "sql.html").read_text(encoding="utf-8")
    assert "Lamp hours per lighthouse, all years" in sql
    assert "foghorns" not in sql  # an example that does not run on this build is left out


def test_the_scan_finds_a_planted_word(tmp_path: Path) -> None:
    """The check can fail: a word hidden in a spreadsheet (a zip) or a database comment is found."""
    import duckdb

    with zipfile.ZipFile(tmp_path / "book.xlsx", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("docProps/core.xml", "<dc:creator>Crown copyright</dc:creator>")
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute("CREATE TABLE t (a INTEGER); COMMENT ON TABLE t IS 'figures from HMIP'")
    con.close()
    assert len(forbidden_in(tmp_path)) == 2


def test_a_layout_or_chart_naming_a_missing_column_is_a_declaration_error(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "publisher", root)
    schema = root / "schemas" / "lamps" / "lamp_hours.yaml"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(
        text.replace("across: year", "across: yeer").replace("    x: year", "    x: yera"), encoding="utf-8"
    )
    done = hmipdata("--root", str(root), "validate")
    assert done.returncode == 2, done.stderr
    assert "schemas/lamps/lamp_hours.yaml:" in done.stdout + done.stderr
    assert "layout across names column 'yeer'" in done.stdout and "chart x names column 'yera'" in done.stdout
    assert "Traceback" not in done.stderr
