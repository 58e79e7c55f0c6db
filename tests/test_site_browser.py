"""The site in a real browser: Debian's headless Chromium driven by Playwright, served over HTTP on 127.0.0.1.

Every page is visited once (console errors, failed requests, axe-core at
WCAG 2.2 AA, a full-page screenshot); the tests then assert on what each
visit saw. Requests to anything but 127.0.0.1 are blocked and count as
failures.
"""

from __future__ import annotations

import csv
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_site_support import (
    CHROMIUM_ARGS,
    ensure_chromium,
    hostile_site,
    main_site,
    node_modules,
    screenshots_dir,
    serve,
)

from hmipdata.datapackage import data_file
from hmipdata.project import load_project
from hmipdata.site.markers import marker_targets

ROOT = Path(__file__).resolve().parent.parent
PROJECT = load_project(ROOT)
PUBLISHED = sorted(r.name for r in PROJECT.published)
PAGES = ["index.html", "dictionary.html", "anomalies.html", "releases.html", "sql.html"] + [
    f"tables/{name.replace('_', '-')}.html" for name in PUBLISHED
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = f"""async () => {{
  const result = await axe.run(document, {{runOnly: {{type: "tag", values: {AXE_TAGS}}}}});
  return result.violations.map(v => ({{id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}}));
}}"""
READ_TABLE = """table => {
  const names = [...table.querySelectorAll("thead code.colname")].map(c => c.textContent);
  const rows = [...table.querySelectorAll("tbody tr")].map(tr => [...tr.querySelectorAll("th, td")].map(c => c.textContent));
  return {names, rows};
}"""


@dataclass
class Visit:
    problems: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)


def _local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1:", "data:", "blob:http://127.0.0.1:"))


@pytest.fixture(scope="session")
def site(built, tmp_path_factory) -> Path:
    return main_site(built, tmp_path_factory)


@pytest.fixture(scope="session")
def browser():
    chromium = ensure_chromium()
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
    yield launched
    launched.close()
    playwright.stop()


@pytest.fixture(scope="session")
def context(browser):
    """A browser context that blocks every request not to 127.0.0.1 (a blocked request fails the page)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    ctx.route("**/*", lambda route: route.continue_() if _local(route.request.url) else route.abort("blockedbyclient"))
    yield ctx
    ctx.close()


class Watched:
    """A page whose console errors, page errors, failed requests and HTTP errors are collected."""

    def __init__(self, page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def goto(self, url: str) -> None:
        self.problems = []
        self.page.goto(url, wait_until="load")


@pytest.fixture(scope="session")
def reader(context) -> Watched:
    """One page, reused by the tests that read what a page shows."""
    return Watched(context.new_page())


@pytest.fixture(scope="session")
def visits(context, site) -> dict[str, Visit]:
    """Each page visited once: what went wrong, axe's violations, and a screenshot."""
    base, shots = serve(site), screenshots_dir(site)
    watched = Watched(context.new_page())
    watched.page.add_init_script(path=str(node_modules() / "axe-core" / "axe.min.js"))
    out = {}
    for path in PAGES:
        watched.goto(base + path)
        violations = watched.page.evaluate(RUN_AXE)
        watched.page.screenshot(path=str(shots / (path.replace("/", "--") + ".png")), full_page=True)
        out[path] = Visit(watched.problems, violations)
    watched.page.close()
    return out


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_console_errors_or_failed_requests(visits, path):
    assert visits[path].problems == []


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_22_aa_violations(visits, path):
    assert visits[path].violations == []


def test_screenshots_are_saved_for_review(visits, site):
    saved = {p.name for p in screenshots_dir(site).glob("*.png")}
    assert {path.replace("/", "--") + ".png" for path in PAGES} <= saved


def run_query(reader: Watched, site: Path, query: str):
    reader.goto(serve(site) + "sql.html?q=" + urllib.parse.quote(query))
    reader.page.wait_for_selector("#sql-result table", timeout=60_000)
    return reader.page


def test_sql_page_counts_the_same_rows_as_the_duckdb_file(reader, site):
    import duckdb

    with duckdb.connect(str(site / "hmipdata.duckdb"), read_only=True) as con:
        expected = con.execute("select count(*) from caseloads").fetchone()[0]
    page = run_query(reader, site, "select count(*) from caseloads")
    cells = page.eval_on_selector_all("#sql-result tbody td", "tds => tds.map(td => td.textContent)")
    assert cells == [str(expected)] and reader.problems == []


def test_sql_example_puts_its_query_in_the_url_and_results_download_as_csv(reader, site):
    import duckdb

    with duckdb.connect(str(site / "hmipdata.duckdb"), read_only=True) as con:
        expected = str(con.execute("select count(*) from caseloads").fetchone()[0])
    page = run_query(reader, site, "select 1 as one")
    page.locator("a[data-example]").first.click()
    page.wait_for_function("() => document.querySelector('#sql-result caption')?.textContent.includes('1 row')")
    page.wait_for_function("n => document.querySelector('#sql-result td')?.textContent === n", arg=expected)
    assert "q=select+count" in page.url or "q=select%20count" in page.url
    with page.expect_download() as download:
        page.click("#sql-download")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines() == ["count_star()", expected] and reader.problems == []


def _expected_cell(f, value: str, row: dict[str, str], markers: dict[str, str]) -> str:
    """The text a table cell should show for a CSV value, from the schema's display hints."""
    if value == "":
        return next((row[m] for m, targets in markers.items() if f.name in targets and row.get(m)), "")
    display = f.display
    if f.type in ("integer", "year"):
        return f"{int(value):,}" if display.get("thousands") else str(int(value))
    if f.type == "number":
        decimals = display.get("decimals")
        number = float(value)
        text = (
            f"{number:,.{decimals}f}"
            if display.get("thousands")
            else f"{number:.{decimals}f}"
            if decimals is not None
            else f"{number:.6f}".rstrip("0").rstrip(".")
        )
        return text + ("%" if display.get("percent") else "")
    return value


@pytest.mark.parametrize("name", PUBLISHED)
def test_table_page_shows_the_published_csv_values(reader, site, name):
    resource = PROJECT.resource(name)
    with (site / data_file(resource, "csv")).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    reader.goto(serve(site) + f"tables/{name.replace('_', '-')}.html")
    shown = reader.page.eval_on_selector(f"#table-{name.replace('_', '-')} table", READ_TABLE)
    assert shown["names"] == resource.schema.field_names
    assert len(shown["rows"]) == len(rows)
    markers = marker_targets(resource.schema)
    fields = resource.schema.fields
    for csv_row, cells in zip(rows, shown["rows"], strict=True):
        expected = [_expected_cell(f, csv_row[f.name], csv_row, markers) for f in fields]
        assert [c.replace("\u2212", "-") for c in cells] == expected


def test_hostile_text_renders_as_text_and_runs_nothing(reader, tmp_path_factory):
    site = hostile_site(tmp_path_factory)
    dialogs = []
    reader.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    reader.goto(serve(site) + "tables/hostile.html")
    reader.page.wait_for_timeout(300)  # time for an injected handler to fire, were there one
    texts = reader.page.eval_on_selector_all("#table-hostile tbody td", "tds => tds.map(td => td.textContent)")
    state = reader.page.evaluate("() => [typeof window.__xss, document.querySelectorAll('main img').length]")
    assert dialogs == [] and state == ["undefined", 0]
    assert "<script>window.__xss = 1; alert(1)</script>" in texts
    assert '<img src=x onerror="window.__xss = 2; alert(2)">' in texts
    assert reader.page.title().startswith("Hostile cells <img") and reader.problems == []


def test_tables_can_be_read_without_javascript(browser, site):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(serve(site) + "tables/caseloads.html")
    rows = page.locator("#table-caseloads tbody tr").count()
    ctx.close()
    assert rows == 48
