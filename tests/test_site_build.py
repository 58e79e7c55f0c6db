"""The static site as files: pages, links, metadata, releases, reproducibility (no browser here)."""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import re
import urllib.request
from collections import deque
from pathlib import Path

import pytest
from test_site_support import (
    BASE_URL,
    hostile_site,
    internal_targets,
    main_site,
    parse_links,
    serve,
    site_pages,
)

from hmipdata.project.package import load_project
from hmipdata.publish.datapackage import data_file

ROOT = Path(__file__).resolve().parent.parent
PROJECT = load_project(ROOT)
PUBLISHED = sorted(r.name for r in PROJECT.published)


@pytest.fixture(scope="session")
def site(built, tmp_path_factory) -> Path:
    return main_site(built, tmp_path_factory)


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def test_site_has_home_table_dictionary_anomalies_releases_and_sql_pages(site):
    pages = set(site_pages(site))
    expected = {
        "index.html",
        "dictionary.html",
        "anomalies.html",
        "releases.html",
        "sql.html",
        "cite.html",
        "search.html",
    }
    expected |= {f"tables/{name.replace('_', '-')}.html" for name in PUBLISHED}
    assert expected <= pages


def test_home_lists_every_table_with_its_row_count(site):
    home = read(site, "index.html")
    for name in PUBLISHED:
        with (site / data_file(PROJECT.resource(name), "csv")).open(encoding="utf-8", newline="") as fh:
            rows = sum(1 for _ in csv.reader(fh)) - 1  # records, not lines: a quote may span lines
        assert f"{rows:,} rows · <code>{name}</code>" in home, name


def test_home_names_sources_licence_citation_and_version(site):
    home = read(site, "index.html")
    for text in ("hmip-recovery-thematic-2021", "February 2021", "Open Government Licence v3.0", "How to cite"):
        assert text in home
    assert re.search(rf"Version {re.escape(PROJECT.version)}(, released \d+ \w+ \d{{4}})?", home)


def test_every_internal_link_and_download_resolves_over_http(site):
    base = serve(site)
    checked: dict[str, set[str]] = {}
    for page in site_pages(site):
        for path, fragment in internal_targets(site, page):
            if path not in checked:
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    assert response.status == 200, (page, path)
                    body = response.read() if path.endswith(".html") else b""
                checked[path] = parse_links(body.decode("utf-8"))[1] if body else set()
            if fragment:
                assert fragment in checked[path], f"{page} links to {path}#{fragment}, which has no such id"


@functools.cache
def _graph(site: Path) -> dict[str, list[str]]:
    return {page: [f"{p}#{f}" if f else p for p, f in internal_targets(site, page)] for page in site_pages(site)}


@functools.cache
def _clicks(site: Path, start: str = "index.html") -> dict[str, int]:
    """Fewest clicks from the home page to every link target (path or path#fragment)."""
    graph = _graph(site)
    seen, queue = {start: 0}, deque([start])
    while queue:
        page = queue.popleft()
        for target in graph.get(page.split("#")[0], []):
            if target not in seen:
                seen[target] = seen[page] + 1
                if target.split("#")[0].endswith(".html"):
                    queue.append(target)
    return seen


@pytest.mark.parametrize("name", PUBLISHED)
def test_table_download_dictionary_and_source_within_three_clicks(site, name):
    clicks = _clicks(site)
    resource = PROJECT.resource(name)
    page = f"tables/{name.replace('_', '-')}.html"
    assert clicks[page] <= 3
    for suffix in ("csv", "xlsx", "ods", "parquet"):
        assert clicks[data_file(resource, suffix)] <= 3, suffix
    assert clicks[f"dictionary.html#{name.replace('_', '-')}"] <= 3
    for source in resource.sources:
        assert clicks[f"index.html#source-{source}"] <= 3
    if "source_location" in resource.schema.field_names:
        assert "Location in source" in read(site, page)  # shown on the table page itself


@pytest.mark.parametrize("name", PUBLISHED)
def test_table_page_carries_a_schema_org_dataset(site, name):
    page = read(site, f"tables/{name.replace('_', '-')}.html")
    block = re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', page, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Dataset" and data["alternateName"] == name
    assert data["license"].startswith("https://www.nationalarchives.gov.uk/doc/open-government-licence/")
    urls = {d["contentUrl"] for d in data["distribution"]}
    assert f"{BASE_URL}data/{name.replace('_', '-')}.csv" in urls
    assert {v["name"] for v in data["variableMeasured"]} == set(PROJECT.resource(name).schema.field_names)


def test_sitemap_lists_every_page(site):
    sitemap = read(site, "sitemap.xml")
    locs = set(re.findall(r"<loc>(.*?)</loc>", sitemap))
    assert BASE_URL in locs
    assert {BASE_URL + p for p in site_pages(site) if p != "index.html"} <= locs


def test_dictionary_has_every_column_with_type_and_description(site):
    dictionary = read(site, "dictionary.html")
    for resource in PROJECT.published:
        for f in resource.schema.fields:
            row = re.search(rf'<tr id="{resource.name.replace("_", "-")}--{f.name}">(.*?)</tr>', dictionary, re.S)
            assert row, f"{resource.name}.{f.name}"
            assert f"<code>{f.name}</code>" in row.group(1)


def test_anomalies_page_shows_each_anomaly_and_its_treatment(site):
    page = read(site, "anomalies.html")
    for anomaly in ("A01", "A03", "A11"):
        assert f'id="{anomaly}"' in page
    with (ROOT / "raw/anomalies/anomalies.csv").open(encoding="utf-8", newline="") as fh:
        registered = sum(1 for _ in csv.DictReader(fh))
    assert page.count("<dt>Treatment</dt>") == registered


def test_releases_page_has_dates_checksums_files_and_diff(site):
    page = read(site, "releases.html")
    assert "Version 1.1.0, 1 December 2026 (latest)" in page
    assert "Version 1.0.0, 23 November 2026" in page
    digest = hashlib.sha256((site / "releases/1.1.0/data/caseloads.csv").read_bytes()).hexdigest()
    assert digest in page
    assert "Changes from 1.0.0" in page and "<code>caseloads</code>" in page
    assert (site / "releases/1.0.0/hmipdata.duckdb").is_file()


def test_sql_page_ships_its_engine_and_database(site):
    page = read(site, "sql.html")
    assert 'id="sql-form"' in page and "assets/sql.js" in page
    for name in ("assets/sql.js", "assets/duckdb/duckdb-eh.wasm", "assets/duckdb/duckdb-browser-eh.worker.js"):
        assert (site / name).stat().st_size > 0
    assert "cdn" not in (site / "assets/sql.js").read_text(encoding="utf-8").lower().replace("cdna", "")


def test_without_npm_the_sql_page_says_it_has_no_engine(tmp_path_factory):
    site = hostile_site(tmp_path_factory)
    page = read(site, "sql.html")
    assert "The in-browser SQL engine is not part of this build" in page
    assert 'src="assets/sql.js"' not in page


def test_text_from_data_and_schemas_is_escaped(tmp_path_factory):
    site = hostile_site(tmp_path_factory)
    json_ld = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
    for page in site_pages(site):
        text = read(site, page)
        assert all("<" not in block for block in json_ld.findall(text)), page
        markup = json_ld.sub("", text)
        assert "<script>" not in markup and "<img" not in markup and 'onerror="' not in markup, page
    assert "&lt;script&gt;window.__xss = 1; alert(1)&lt;/script&gt;" in read(site, "tables/hostile.html")


def _digests(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_site_build_is_reproducible(site, tmp_path):
    from hmipdata.site import build_site

    root = site.parent.parent
    again = build_site(root, out=tmp_path / "again", base_url=BASE_URL).path
    assert _digests(again) == _digests(site)


def test_site_before_build_says_to_build_first(tmp_path):
    import shutil
    import subprocess
    import sys

    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    done = subprocess.run(
        [sys.executable, "-m", "hmipdata.cli", "--root", str(tmp_path), "site", "--no-npm"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "run `hmipdata build` first" in done.stderr


def test_every_table_page_has_a_citation_with_a_versioned_address_and_bibtex(site):
    for name in PUBLISHED:
        resource = PROJECT.resource(name)
        page = read(site, f"tables/{name.replace('_', '-')}.html")
        section = page[page.index('id="cite-table"') :]
        assert f"{BASE_URL}releases/{PROJECT.version}/{data_file(resource, 'csv')}" in section, name
        assert "Accessed" in section, name
        if "source_location" in resource.schema.field_names:
            assert "Location:" in section, name
        bib = (site / data_file(resource, "bib")).read_text(encoding="utf-8")
        assert bib.startswith("@dataset{") and f"version = {{{PROJECT.version}}}" in bib, name


def test_how_to_cite_is_in_the_navigation_and_citation_cff_is_valid_yaml(site):
    import yaml

    for page in site_pages(site):
        assert 'href="' in read(site, page) and "How to cite</a>" in read(site, page), page
    cff = yaml.safe_load((site / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["version"] == PROJECT.version and cff["type"] == "dataset"


def test_every_page_has_open_graph_tags_and_a_report_a_problem_link(site):
    for page in site_pages(site):
        text = read(site, page)
        assert '<meta property="og:title"' in text and '<meta property="og:url"' in text, page
        assert "/issues/new" in text and "Report a problem" in text, page


def test_table_json_holds_every_csv_row_and_column(site):
    import csv

    for name in PUBLISHED:
        resource = PROJECT.resource(name)
        with (site / data_file(resource, "csv")).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        document = json.loads((site / data_file(resource, "json")).read_text(encoding="utf-8"))
        assert len(document["rows"]) == len(rows), name
        assert all(list(r) == resource.schema.field_names for r in document["rows"]), name


def test_site_database_is_the_builds_compact_file(site):
    import duckdb

    built = site.parent / "hmipdata.duckdb"
    counts = {}
    for path in (built, site / "hmipdata.duckdb"):
        with duckdb.connect(str(path), read_only=True) as con:
            tables = [t for (t,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
            counts[path] = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    assert counts[built] == counts[site / "hmipdata.duckdb"]
    assert (site / "hmipdata.duckdb").read_bytes() == built.read_bytes()


def test_each_chart_downloads_as_svg_and_csv(site):
    import csv
    import xml.etree.ElementTree as ET

    charts = sorted((site / "charts").glob("*.svg"))
    assert charts
    for svg in charts:
        root = ET.parse(svg).getroot()
        assert root.tag.endswith("svg") and root.find("{http://www.w3.org/2000/svg}title") is not None
        with svg.with_suffix(".csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) > 1 and len({len(r) for r in rows}) == 1, svg.name


def test_search_index_lists_every_table_column_and_row(site):
    import csv

    index = json.loads(read(site, "search-index.json"))
    kinds: dict[str, int] = {}
    for entry in index:
        kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
    rows = 0
    for name in PUBLISHED:
        with (site / data_file(PROJECT.resource(name), "csv")).open(encoding="utf-8", newline="") as fh:
            rows += len(list(csv.DictReader(fh)))
    assert kinds["table"] == len(PUBLISHED) and kinds["row"] == rows
    assert kinds["column"] == sum(len(PROJECT.resource(n).schema.fields) for n in PUBLISHED)


def test_notes_that_mention_the_anomalies_register_link_to_it(site):
    mentioned = [r for r in PROJECT.published if any("anomalies register" in n for n in r.notes)]
    assert mentioned
    for resource in mentioned:
        page = read(site, f"tables/{resource.name.replace('_', '-')}.html")
        notes = page[page.index('id="notes"') :]
        assert '<a href="../anomalies.html">anomalies register</a>' in notes, resource.name


def test_every_search_result_links_to_an_existing_page_and_id(site):
    index = json.loads(read(site, "search-index.json"))
    ids: dict[str, set[str]] = {}
    for entry in index:
        path, _, fragment = entry["url"].partition("#")
        if path not in ids:
            ids[path] = parse_links(read(site, path))[1]
        assert not fragment or fragment in ids[path], entry["url"]


@pytest.mark.parametrize("name", PUBLISHED)
def test_figures_with_their_source_location_citation_and_downloads_within_two_clicks(site, name):
    clicks = _clicks(site)
    resource = PROJECT.resource(name)
    page = f"tables/{name.replace('_', '-')}.html"
    assert clicks[page] <= 1  # the figures, with the location in the source on the page itself
    assert 'id="cite-table"' in read(site, page)  # "Cite this table" on the page itself
    assert clicks[data_file(resource, "bib")] <= 2 and clicks["cite.html"] <= 1
    for suffix in ("csv", "xlsx", "ods", "parquet", "json"):
        assert clicks[data_file(resource, suffix)] <= 2, suffix


def test_anomalies_page_lists_the_rows_each_anomaly_touches(site):
    import html as html_module

    page = html_module.unescape(read(site, "anomalies.html"))
    with (ROOT / "raw/anomalies/anomaly-rows.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            article = page[page.index(f'id="{row["anomaly_id"]}"') :].split("</article>", 1)[0]
            assert row["row_key"] in article, (row["anomaly_id"], row["row_key"])
