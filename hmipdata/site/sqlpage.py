"""The 'SQL in the browser' page: DuckDB-WASM over the site's own database file."""

from __future__ import annotations

from hmipdata.site.html import Page, esc, link
from hmipdata.site.paths import DATABASE, dictionary_entry, sql_link
from hmipdata.site.wasm import BUNDLE, ENGINE_DIR, Engine

PAGE = "sql.html"
DEFAULT_QUERY = "SELECT * FROM caseloads LIMIT 10"
EXAMPLES = (
    ("Count the caseload rows", "select count(*) from caseloads"),
    (
        "Probation officers' caseloads before and after",
        "SELECT organisation_name_as_printed AS organisation,\n"
        "  max(average_caseload) FILTER (WHERE snapshot_date = '2020-03-01') AS march_2020,\n"
        "  max(average_caseload) FILTER (WHERE snapshot_date = '2020-09-28') AS sept_2020\n"
        "FROM caseloads WHERE staff_grade = 'probation_officer'\nGROUP BY ALL ORDER BY organisation",
    ),
    (
        "Telephone contact shares from the tracker",
        "SELECT provider, period_label, value, unit FROM tracker\n"
        "WHERE measure = 'contact_telephone_share' ORDER BY provider, period_start",
    ),
    (
        "SFO reviews: printed totals by year",
        "SELECT year, provider, sum(review_count) AS reviews FROM sfo_reviews GROUP BY year, provider ORDER BY year, provider",
    ),
    (
        "Every table and its estimated row count",
        "SELECT table_name, estimated_size FROM duckdb_tables() ORDER BY table_name",
    ),
)


def _examples(engine: Engine, names: set[str]) -> str:
    items = []
    for title, query in EXAMPLES:
        if "caseloads" in query and "caseloads" not in names:
            continue
        attr = f' data-example="{esc(query)}"' if engine.available else ""
        items.append(
            f'<li><a href="{esc(sql_link(query))}"{attr}>{esc(title)}</a><pre><code>{esc(query)}</code></pre></li>'
        )
    return '<ul class="examples">' + "".join(items) + "</ul>"


def sql_page(ctx, engine: Engine) -> Page:
    names = {r.name for r in ctx.tables}
    tables = ", ".join(link(PAGE, dictionary_entry(r.name), r.name) for r in ctx.tables)
    default = DEFAULT_QUERY if "caseloads" in names else "SELECT table_name FROM duckdb_tables()"
    if engine.available:
        form = f"""<form id="sql-form" method="get" action="{PAGE}" data-database="{DATABASE}"
 data-wasm="{ENGINE_DIR}/duckdb-eh.wasm" data-worker="{ENGINE_DIR}/duckdb-browser-eh.worker.js">
<label for="sql-query">SQL query (DuckDB dialect)</label>
<textarea id="sql-query" name="q" rows="7" cols="80" spellcheck="false">{esc(default)}</textarea>
<button type="submit">Run query</button>
</form>
<noscript><p class="warning">Running queries needs JavaScript. Every table can still be read on its own page,
and the <a href="{DATABASE}">DuckDB file</a> can be downloaded.</p></noscript>
<p id="sql-status" role="status" aria-live="polite"></p>
<p><a id="sql-download" href="#" download="hmipdata-query.csv" hidden>Download the result as CSV</a></p>
<div id="sql-result" class="table-scroll" role="region" aria-label="Query result" tabindex="0"></div>"""
        scripts: tuple[str, ...] = (BUNDLE,)
    else:
        form = (
            '<p class="warning"><strong>The in-browser SQL engine is not part of this build</strong> '
            f'({esc(engine.reason)}). Download the <a href="{DATABASE}">DuckDB file</a> and query it with '
            "DuckDB instead; the examples below work there too.</p>"
        )
        scripts = ()
    body = f"""<h1>SQL in the browser</h1>
<p class="lede">Query every table with <a href="https://duckdb.org/">DuckDB</a>, running inside this page
(DuckDB-WASM) on this site's own database file. Nothing is sent to a server. The query is kept in the page's
address, so you can share it; results can be downloaded as CSV.</p>
{form}
<section aria-labelledby="examples"><h2 id="examples">Example queries</h2>{_examples(engine, names)}</section>
<section aria-labelledby="tables-in-db"><h2 id="tables-in-db">Tables</h2>
<p>{tables}. Column names, types and units are in the {link(PAGE, "dictionary.html", "data dictionary")}.</p>
</section>"""
    return Page(
        PAGE, "SQL in the browser", body, description="Query hmipdata with DuckDB in your browser.", scripts=scripts
    )
