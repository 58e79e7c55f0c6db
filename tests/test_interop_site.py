"""Site metadata and code snippets: JSON-LD (DataCatalog, coverage, keywords), sitemap lastmod,
R/Python/DuckDB snippets on every table page, and the DuckDB snippets (site and README) run for real."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import duckdb
import pytest
from test_site_support import BASE_URL, main_site

from hmipdata.project.package import load_project
from hmipdata.publish.datapackage import data_file

ROOT = Path(__file__).resolve().parent.parent
PROJECT = load_project(ROOT)


@pytest.fixture(scope="session")
def site(built, tmp_path_factory) -> Path:
    return main_site(built, tmp_path_factory)


def json_lds(page: Path) -> list[dict]:
    text = page.read_text(encoding="utf-8")
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">\s*(.*?)\s*</script>', text, re.S)]


def table_page(site: Path, name: str) -> Path:
    return site / "tables" / f"{name.replace('_', '-')}.html"


def csv_rows(site: Path, name: str) -> list[dict[str, str]]:
    with (site / data_file(PROJECT.resource(name), "csv")).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_home_page_is_a_data_catalog_of_every_table(site):
    (catalog,) = [d for d in json_lds(site / "index.html") if d["@type"] == "DataCatalog"]
    assert catalog["keywords"] == PROJECT.meta["keywords"]
    assert catalog["spatialCoverage"]["name"] == PROJECT.meta["spatialCoverage"]
    assert {d["name"] for d in catalog["dataset"]} == {r.title for r in PROJECT.published}


def test_table_pages_carry_coverage_and_keywords(site):
    covered = 0
    for resource in PROJECT.published:
        (data,) = [d for d in json_lds(table_page(site, resource.name)) if d["@type"] == "Dataset"]
        assert data["keywords"] == PROJECT.meta["keywords"]
        assert data["spatialCoverage"]["name"] == PROJECT.meta["spatialCoverage"]
        dates = [
            row[f.name]
            for row in csv_rows(site, resource.name)
            for f in resource.schema.fields
            if f.type == "date" and row[f.name]
        ]
        if dates:
            assert data["temporalCoverage"] == f"{min(dates)}/{max(dates)}", resource.name
            covered += 1
    assert covered


def test_sitemap_has_lastmod_on_every_url(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    urls = re.findall(r"<url>(.*?)</url>", sitemap)
    assert urls and all(re.search(r"<lastmod>\d{4}-\d{2}-\d{2}</lastmod>", u) for u in urls)


def snippet(page: Path, heading: str) -> str:
    text = page.read_text(encoding="utf-8")
    match = re.search(rf"<h3>{re.escape(heading)}</h3><pre><code>(.*?)</code></pre>", text, re.S)
    assert match, (page.name, heading)
    return html.unescape(match.group(1))


def test_every_table_page_has_r_python_and_duckdb_snippets(site):
    for resource in PROJECT.published:
        page = table_page(site, resource.name)
        assert "read_resource(package" in snippet(page, "R") and "read.csv(" in snippet(page, "R")
        assert f'hmipdata.load("{resource.name}"' in snippet(page, "Python (hmipdata)")
        assert resource.name in snippet(page, "DuckDB")


def test_duckdb_snippets_run(site):
    """Each page's DuckDB code, pointed at the local copy of the site (DuckDB reads URLs the same way)."""
    for resource in PROJECT.published:
        code = snippet(table_page(site, resource.name), "DuckDB").replace(BASE_URL, f"{site}/")
        con = duckdb.connect()
        try:
            statements = [
                s
                for s in code.split(";")
                if s.strip() and not all(line.startswith("--") or not line.strip() for line in s.strip().splitlines())
            ]
            results = [con.execute(s).fetchall() for s in statements]
        finally:
            con.close()
        selects = [r for s, r in zip(statements, results, strict=True) if "SELECT" in s]
        assert len(selects) == 2 and all(len(r) == len(csv_rows(site, resource.name)) for r in selects)


def test_readme_duckdb_snippets_run(built):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n-- duckdb build/hmipdata.duckdb\n(.*?)```", readme, re.S)
    assert blocks
    con = duckdb.connect(str(built / "hmipdata.duckdb"), read_only=True)
    try:
        for block in blocks:
            for statement in (s for s in block.split(";") if s.strip()):
                assert con.execute(statement).fetchall(), statement
    finally:
        con.close()


def ensure_rscript() -> str:
    """Rscript from Debian's r-base-core, installed with apt-get when missing."""
    import shutil

    from test_site_support import apt_install, memo

    def make() -> str:
        if not shutil.which("Rscript"):
            apt_install("R", "r-base-core", timeout=900)
        return shutil.which("Rscript") or pytest.fail("Rscript not found after installing r-base-core")

    return memo("rscript", make)


R_SUMMARY = """
cat(nrow({name}), "\\n")
for (col in names({name})) {{
  x <- {name}[[col]]
  cat(col, class(x)[1], sum(is.na(x)), if (is.numeric(x)) format(sum(x, na.rm = TRUE), digits = 15) else "-", "\\n")
}}
"""


def test_base_r_snippets_read_every_table_from_a_served_site(site):
    """The base-R line of each table page's R code, run by real R against the site served on 127.0.0.1."""
    import subprocess

    from test_site_support import serve

    rscript = ensure_rscript()
    url = serve(site)
    for resource in PROJECT.published:
        first = snippet(table_page(site, resource.name), "R").split("\n\n")[0].replace(BASE_URL, url)
        done = subprocess.run(
            [rscript, "-e", first + R_SUMMARY.format(name=resource.name)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        lines = done.stdout.split("\n")
        rows = csv_rows(site, resource.name)
        assert int(lines[0]) == len(rows), resource.name
        for line, f in zip(lines[1:], resource.schema.fields, strict=False):
            name, _kind, missing, total = line.split()
            values = [row[f.name] for row in rows]
            assert name == f.name and int(missing) == values.count(""), (resource.name, f.name)
            if f.type in ("integer", "number"):
                assert float(total) == pytest.approx(sum(float(v) for v in values if v)), (resource.name, f.name)
