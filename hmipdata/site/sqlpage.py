"""The 'SQL in the browser' page: DuckDB-WASM over the site's own database file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hmipdata.site.html import Page, esc, human_bytes, link
from hmipdata.site.paths import DATABASE, dictionary_entry, sql_link
from hmipdata.site.wasm import BUNDLE, ENGINE_DIR, Engine

WASM = f"{ENGINE_DIR}/duckdb-eh.wasm"
WORKER = f"{ENGINE_DIR}/duckdb-browser-eh.worker.js"

PAGE = "sql.html"
LIST_TABLES = "SELECT table_name FROM duckdb_tables()"


def _runnable(ctx) -> Callable[[str], bool]:
    """Which declared queries bind against this build's database (their tables and columns exist), checked
    by DuckDB's ``EXPLAIN`` on a read-only connection with external access off: nothing is run."""
    import duckdb

    site = ctx.project.meta.get("site") or {}
    queries = [str(e["sql"]) for e in site.get("sql_examples") or []] + [str(site.get("sql_default") or "")]
    good = set()
    with duckdb.connect(str(ctx.build / DATABASE), read_only=True) as con:
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        for query in filter(None, queries):
            try:
                con.execute("EXPLAIN " + query)
            except duckdb.Error:
                continue
            good.add(query)
    return good.__contains__


def _examples(ctx, engine: Engine, binds: Callable[[str], bool]) -> str:
    """The example queries declared in package.yaml (``site: sql_examples``) that run on this build."""
    items = []
    for example in (ctx.project.meta.get("site") or {}).get("sql_examples") or []:
        title, query = str(example["title"]), str(example["sql"])
        if not binds(query):
            continue
        attr = f' data-example="{esc(query)}"' if engine.available else ""
        items.append(
            f'<li><a href="{esc(sql_link(query))}"{attr}>{esc(title)}</a><pre><code>{esc(query)}</code></pre></li>'
        )
    return '<ul class="examples">' + "".join(items) + "</ul>"


def _default_query(ctx, binds: Callable[[str], bool]) -> str:
    """The declared opening query if it runs on this build, else the list of tables."""
    declared = str((ctx.project.meta.get("site") or {}).get("sql_default") or "")
    return declared if declared and binds(declared) else LIST_TABLES


def _schema_list(ctx) -> str:
    """Every table with its columns: a table's link runs a query on it, a column's button inserts its name."""
    items = []
    for r in ctx.tables:
        columns = "".join(
            f'<li><button type="button" data-insert="{esc(f.name)}">{esc(f.name)}'
            f'<span class="visually-hidden"> (insert into the query)</span></button> '
            f'<span class="size">{esc(f.type)}</span></li>'
            for f in r.schema.fields
        )
        query = f"SELECT * FROM {r.name} LIMIT 20"
        items.append(
            f"<li><details><summary><code>{esc(r.name)}</code> ({len(r.schema.fields)} columns)</summary>"
            f'<p><a href="{esc(sql_link(query))}" data-example="{esc(query)}">Show its first 20 rows</a> · '
            f"{link(PAGE, dictionary_entry(r.name), 'dictionary entry')}</p><ul>{columns}</ul></details></li>"
        )
    return '<ul class="schema-list">' + "".join(items) + "</ul>"


def _size(out: Path | None, path: str) -> int:
    file = out / path if out else None
    return file.stat().st_size if file and file.is_file() else 0


def sql_page(ctx, engine: Engine, out: Path | None = None) -> Page:
    tables = _schema_list(ctx)
    binds = _runnable(ctx)
    default = _default_query(ctx, binds)
    if engine.available:
        engine_bytes = sum(_size(out, p) for p in (WASM, WORKER, BUNDLE))
        db_bytes = _size(out, DATABASE)
        form = f"""<form id="sql-form" method="get" action="{PAGE}" data-database="{DATABASE}"
 data-wasm="{WASM}" data-worker="{WORKER}" data-engine-bytes="{engine_bytes}" data-database-bytes="{db_bytes}">
<label for="sql-query">SQL query (DuckDB dialect)</label>
<p id="sql-hint" class="size">Press Ctrl+Enter (⌘+Enter on a Mac) to run. Several statements separated by
semicolons each get their own result.</p>
<textarea id="sql-query" name="q" rows="7" cols="80" spellcheck="false" aria-describedby="sql-hint">{esc(default)}</textarea>
<button type="submit">Run query</button>
</form>
<p id="sql-size">The first query downloads the DuckDB engine ({human_bytes(engine_bytes)}) and the database
({human_bytes(db_bytes)}) from this site, {human_bytes(engine_bytes + db_bytes)} in all; your browser may keep them
for later visits. Later queries download nothing.</p>
<noscript><p class="warning">Running queries needs JavaScript. Every table can still be read on its own page,
and the <a href="{DATABASE}">DuckDB file</a> can be downloaded.</p></noscript>
<div id="sql-loading" hidden><label for="sql-progress">Downloading</label>
<progress id="sql-progress" max="{_size(out, WASM) + db_bytes}" value="0"></progress></div>
<p id="sql-status" role="status" aria-live="polite"></p>
<div id="sql-error" role="alert" hidden></div>
<p><a id="sql-download" href="#" download="hmipdata-query.csv" hidden>Download the result as CSV</a></p>
<div id="sql-result"></div>
<section aria-labelledby="offline"><h2 id="offline">Runs offline</h2>
<p>The page never contacts another site. DuckDB extensions are not loaded (nor downloaded), so functions
that need one, such as <code>to_json</code> or <code>read_parquet</code>, report that they are unavailable here;
use DuckDB on your computer with the <a href="{DATABASE}">database file</a> for those.</p></section>"""
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
<section aria-labelledby="examples"><h2 id="examples">Example queries</h2>{_examples(ctx, engine, binds)}</section>
<section aria-labelledby="tables-in-db"><h2 id="tables-in-db">Tables and columns</h2>
<p>Open a table to see its columns; a column's name inserts it into the query. Units and descriptions are in
the {link(PAGE, "dictionary.html", "data dictionary")}.</p>
{tables}
</section>"""
    return Page(
        PAGE,
        "SQL in the browser",
        body,
        description=f"Query {ctx.publication.site_name} with DuckDB in your browser.",
        scripts=scripts,
    )
