"""The site in a real browser: Debian's headless Chromium driven by Playwright, served over HTTP on 127.0.0.1.

Every page is visited once at each of three widths, a small phone (320 px),
a common phone (390 px) and a laptop (1366 px): console errors, failed
requests, the page's width, axe-core at WCAG 2.2 AA, and a full-page
screenshot at 390 and 1366 px; the tests then assert on what each visit saw.
Requests to anything but 127.0.0.1 are blocked, recorded and count as
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

from hmipdata.project.markers import marker_targets
from hmipdata.project.package import load_project
from hmipdata.publish.datapackage import data_file
from hmipdata.site.tables import category_labels

ROOT = Path(__file__).resolve().parent.parent
PROJECT = load_project(ROOT)
PUBLISHED = sorted(r.name for r in PROJECT.published)
PAGES = ["index.html", "dictionary.html", "anomalies.html", "releases.html", "sql.html", "cite.html", "search.html"] + [
    f"tables/{name.replace('_', '-')}.html" for name in PUBLISHED
]
WIDTHS = (320, 390, 1366)
SCREENSHOT_WIDTHS = (390, 1366)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = f"""async () => {{
  const result = await axe.run(document, {{runOnly: {{type: "tag", values: {AXE_TAGS}}}}});
  return result.violations.map(v => ({{id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}}));
}}"""
READ_TABLE = """table => {
  const names = [...table.querySelectorAll("thead code.colname")].map(c => c.textContent);
  const text = c => {  // the cell's value: without anomaly marks and the spaces that align decimal points
    const copy = c.cloneNode(true);
    for (const mark of copy.querySelectorAll(".anomaly-mark")) mark.remove();
    return copy.textContent.replace(/[\u2007\u2008]/g, "");
  };
  const rows = [...table.querySelectorAll("tbody tr")].map(tr => [...tr.querySelectorAll("th, td")].map(text));
  return {names, rows};
}"""


@dataclass
class Visit:
    problems: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    width: int = 0


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


BLOCKED: list[str] = []  # every request to anything but 127.0.0.1 that any page attempted


def local_only(ctx):
    """Let requests to 127.0.0.1 through; record and refuse every other one."""

    def handle(route):
        if _local(route.request.url):
            route.continue_()
        else:
            BLOCKED.append(route.request.url)
            route.abort("blockedbyclient")

    ctx.route("**/*", handle)
    return ctx


@pytest.fixture(scope="session")
def context(browser):
    """A browser context that blocks every request not to 127.0.0.1 (a blocked request fails the page)."""
    ctx = local_only(browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True))
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


def shot_name(width: int, path: str) -> str:
    return f"{width}px--{path.replace('/', '--')}.png"


@pytest.fixture(scope="session")
def visits(browser, site) -> dict[tuple[int, str], Visit]:
    """Each page visited once per width: what went wrong, the page's width, axe's violations, a screenshot."""
    base, shots = serve(site), screenshots_dir(site)
    out = {}
    for width in WIDTHS:
        ctx = local_only(browser.new_context(viewport={"width": width, "height": 800}))
        watched = Watched(ctx.new_page())
        watched.page.add_init_script(path=str(node_modules() / "axe-core" / "axe.min.js"))
        for path in PAGES:
            watched.goto(base + path)
            violations = watched.page.evaluate(RUN_AXE)
            page_width = watched.page.evaluate("() => document.documentElement.scrollWidth")
            if width in SCREENSHOT_WIDTHS:
                watched.page.screenshot(path=str(shots / shot_name(width, path)), full_page=True)
            out[width, path] = Visit(watched.problems, violations, page_width)
        ctx.close()
    return out


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_console_errors_or_failed_requests(visits, path):
    assert {w: visits[w, path].problems for w in WIDTHS} == {w: [] for w in WIDTHS}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_22_aa_violations(visits, path, width):
    assert visits[width, path].violations == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_page_does_not_scroll_sideways(visits, path, width):
    """WCAG 1.4.10 reflow: wide tables scroll inside their own region, never the page."""
    assert visits[width, path].width <= width


def test_screenshots_are_saved_for_review(visits, site):
    saved = {p.name for p in screenshots_dir(site).glob("*.png")}
    assert {shot_name(w, path) for w in SCREENSHOT_WIDTHS for path in PAGES} <= saved


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


UNIT_SUFFIXES = (PROJECT.meta.get("site") or {}).get("unit_suffixes") or {}


def _expected_cell(f, value: str, row: dict[str, str], markers: dict[str, str]) -> str:
    """The text a table cell should show for a CSV value, from the schema's display hints and units."""
    if value == "":
        return next((row[m] for m, targets in markers.items() if f.name in targets and row.get(m)), "")
    labels = category_labels(f)
    if value in labels:
        return labels[value]
    suffix = UNIT_SUFFIXES.get(row["unit"], "") if f.name == "value" and "unit" in row else ""
    display = f.display
    if f.type in ("integer", "year"):
        return (f"{int(value):,}" if display.get("thousands") else str(int(value))) + suffix
    if f.type == "number":  # as printed: the value's own decimals, not the declared ones
        text = f"{float(value):.10f}".rstrip("0").rstrip(".")
        if display.get("thousands"):
            whole, dot, fraction = text.partition(".")
            text = f"{int(whole):,}" + dot + fraction
        return text + ("%" if display.get("percent") else "") + suffix
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
    expected = sorted([_expected_cell(f, r[f.name], r, markers) for f in fields] for r in rows)
    assert sorted([c.replace("\u2212", "-") for c in cells] for cells in shown["rows"]) == expected


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
    with (site / data_file(PROJECT.resource("caseloads"), "csv")).open(encoding="utf-8", newline="") as fh:
        expected = len(list(csv.DictReader(fh)))
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(serve(site) + "tables/caseloads.html")
    rows = page.locator("#table-caseloads tbody tr").count()
    ctx.close()
    assert rows == expected


OFFLINE_QUERIES = (
    "select to_json(1) as j",
    "select * from read_parquet('data/caseloads.parquet')",
    "select count(*) from read_csv('data/caseloads.csv')",
    "select 1 as one; select to_json(2) as two",
)


def wait_for_outcome(page) -> None:
    """Until every statement of the query has run (or failed)."""
    page.wait_for_selector("#sql-result[data-done]", state="attached", timeout=60_000)


@pytest.mark.parametrize("query", OFFLINE_QUERIES)
def test_sql_queries_never_leave_the_site(reader, site, query):
    """Functions that would autoload an extension fail with an explanation; nothing is fetched from outside."""
    BLOCKED.clear()
    reader.goto(serve(site) + "sql.html?q=" + urllib.parse.quote(query))
    wait_for_outcome(reader.page)
    reader.page.wait_for_timeout(500)  # time for a stray extension download to start, were there one
    error = reader.page.inner_text("#sql-error") if reader.page.is_visible("#sql-error") else ""
    assert BLOCKED == [] and reader.problems == []
    assert "runs offline" in error or "not in the catalog" not in error


def test_first_sql_result_downloads_at_most_36_mb_and_shows_its_size(browser, site):
    ctx = local_only(browser.new_context())
    page = ctx.new_page()
    sizes: list[int] = []
    page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
    page.goto(serve(site) + "sql.html?q=" + urllib.parse.quote("select count(*) from caseloads"))
    announced = page.inner_text("#sql-size")
    page.wait_for_selector("#sql-result table", timeout=60_000)
    shown = page.evaluate(
        "() => [Number(document.getElementById('sql-progress').value), "
        "Number(document.getElementById('sql-progress').max)]"
    )
    ctx.close()
    print(
        f"\nSQL page: {sum(sizes):,} bytes ({sum(sizes) / 1048576:.1f} MB) before the first result, {len(sizes)} responses"
    )
    assert "MB" in announced and shown[0] == shown[1] > 0
    assert sum(sizes) <= 36 * 1024 * 1024  # MB as the page counts them (1 MB = 1,048,576 bytes)


def test_sql_error_shows_one_caret_under_the_mistake(reader, site):
    query = "select 1 as ok;\nselect 2 as fine,\n  nonsense_column from caseloads"
    reader.goto(serve(site) + "sql.html?q=" + urllib.parse.quote(query))
    reader.page.wait_for_selector("#sql-error:not([hidden])", timeout=60_000)
    cursor = reader.page.eval_on_selector("#sql-query", "t => t.selectionStart")
    assert cursor == query.index("nonsense_column")
    lines = reader.page.inner_text("#sql-error").splitlines()
    context = [i for i, line in enumerate(lines) if line.startswith("LINE ")]
    assert len(context) == 1
    line, caret = lines[context[0]], lines[context[0] + 1]
    assert caret.strip() == "^" and line[caret.index("^") :].startswith("nonsense_column")


def test_sql_ctrl_enter_runs_and_back_restores_the_previous_query(reader, site):
    page = run_query(reader, site, "select 1 as first")
    page.fill("#sql-query", "select 2 as second")
    page.press("#sql-query", "Control+Enter")
    page.wait_for_function("() => document.querySelector('#sql-result th')?.textContent === 'second'")
    page.go_back()
    page.wait_for_function("() => document.querySelector('#sql-result th')?.textContent === 'first'")
    assert page.input_value("#sql-query") == "select 1 as first" and "sql.html" in page.url


def test_sql_runs_each_statement_and_right_aligns_numbers(reader, site):
    page = run_query(reader, site, "select 'a' as letter, 1.5 as number; select 2 as two")
    page.wait_for_function("() => document.querySelectorAll('#sql-result table').length === 2")
    aligns = page.eval_on_selector_all(
        "#sql-result .table-scroll:first-child td", "tds => tds.map(td => getComputedStyle(td).textAlign)"
    )
    assert aligns == ["left", "right"] and reader.problems == []


def test_sql_column_list_inserts_a_column_name(reader, site):
    page = run_query(reader, site, "select 1")
    page.fill("#sql-query", "select  from caseloads")
    page.eval_on_selector("#sql-query", "t => t.setSelectionRange(7, 7)")
    page.locator(".schema-list summary", has_text="caseloads").first.click()
    page.locator("button[data-insert='staff_grade']").first.click()
    assert page.input_value("#sql-query") == "select staff_grade from caseloads"


def test_search_finds_a_caseload_row_by_organisation_and_topic(reader, site):
    resource = PROJECT.resource("caseloads")
    with (site / data_file(resource, "csv")).open(encoding="utf-8", newline="") as fh:
        organisation = next(csv.DictReader(fh))["organisation_name_as_printed"]
    word = max(organisation.replace(",", " ").split(), key=len)
    reader.goto(serve(site) + "search.html?q=" + urllib.parse.quote(f"{word} caseload"))
    reader.page.wait_for_function("() => document.querySelectorAll('#search-results a').length > 0")
    links = reader.page.eval_on_selector_all("#search-results a", "as => as.map(a => a.getAttribute('href'))")
    assert any(link.startswith("tables/caseloads.html#row-") for link in links) and reader.problems == []


def test_table_sorts_filters_and_links_to_each_row(reader, site):
    reader.goto(serve(site) + "tables/caseloads.html")
    page = reader.page
    column = PROJECT.resource("caseloads").schema.field_names.index("average_caseload")
    page.locator("#table-caseloads thead th button.sort").nth(column).click()
    values = page.eval_on_selector_all(
        f"#table-caseloads tbody tr td:nth-child({column + 1})", "tds => tds.map(td => td.textContent.trim())"
    )
    numbers = [float(v.replace(",", "")) for v in values if v and v[0].isdigit()]
    assert numbers == sorted(numbers) and len(numbers) > 1
    total = page.locator("#table-caseloads tbody tr").count()
    word = page.eval_on_selector("#table-caseloads tbody tr", "tr => tr.cells[0].textContent.trim()")
    page.fill(".table-tools input", word)
    shown = page.eval_on_selector_all(
        "#table-caseloads tbody tr:not([hidden])", "trs => trs.map(tr => tr.cells[0].textContent.trim())"
    )
    assert 0 < len(shown) < total and set(shown) == {word}
    ids = page.eval_on_selector_all("#table-caseloads tbody tr", "trs => trs.map(tr => tr.id)")
    links = page.eval_on_selector_all("#table-caseloads tbody a.row-link", "as => as.map(a => a.hash.slice(1))")
    assert all(ids) and len(set(ids)) == len(ids) and sorted(links) == sorted(ids) and reader.problems == []


def test_chart_is_laid_out_for_a_phone_and_downloads_as_png(browser, site):
    ctx = local_only(browser.new_context(viewport={"width": 390, "height": 800}, accept_downloads=True))
    page = ctx.new_page()
    page.goto(serve(site) + "tables/caseloads.html")
    narrow_visible = page.locator("#chart-caseloads-narrow").is_visible()
    wide_visible = page.locator("#chart-caseloads").is_visible()
    text_px = page.eval_on_selector(
        "#chart-caseloads-narrow",
        "svg => Math.min(...[...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect().height))",
    )
    with page.expect_download() as download:
        page.locator(".chart-downloads[data-chart='chart-caseloads'] button").click()
    png = Path(download.value.path()).read_bytes()
    ctx.close()
    assert narrow_visible and not wide_visible and text_px >= 10 and png[:8] == b"\x89PNG\r\n\x1a\n"
