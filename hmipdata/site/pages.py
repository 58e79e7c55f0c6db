"""The home page and one page per published table."""

from __future__ import annotations

import re

from hmipdata.checker.safetext import safe_url
from hmipdata.checker.schema import Resource
from hmipdata.project.markers import SHORTHAND, marker_targets, symbols_allowed
from hmipdata.site.cite import cite_section
from hmipdata.site.figures import figure_for, figure_html, write_chart_files
from hmipdata.site.home import charts_index, headlines_html, unit_suffixes
from hmipdata.site.html import (
    Page,
    breadcrumbs,
    esc,
    human_bytes,
    inline,
    json_ld,
    link,
    long_date,
    rel,
    simple_table,
)
from hmipdata.site.layouts import layout_for, layout_table
from hmipdata.site.marks import anomalies_section, table_marks
from hmipdata.site.metadata import data_catalog, dataset
from hmipdata.site.paths import (
    DATABASE,
    DATAPACKAGE,
    FORMATS,
    WORKBOOK,
    dictionary_entry,
    download,
    source_anchor,
    sql_link,
    table_page,
)
from hmipdata.site.tables import full_table

HIDDEN = '<span class="visually-hidden">'


def version_text(ctx) -> str:
    if ctx.release_date:
        return f"Version {esc(ctx.version)}, released {esc(long_date(ctx.release_date))}"
    return f"Version {esc(ctx.version)} (not yet released)"


def _size(ctx, out, path: str) -> str:
    file = out / path
    return human_bytes(file.stat().st_size) if file.exists() else ""


def download_links(ctx, out, page: str, resource: Resource) -> str:
    items = []
    for suffix, label, _ in FORMATS:
        path = download(resource, suffix)
        items.append(
            f'<li><a href="{esc(rel(page, path))}" download>{label}{HIDDEN} of {esc(resource.name)}</span></a>'
            f' <span class="size">{_size(ctx, out, path)}</span></li>'
        )
    items.append(
        f'<li><a href="{esc(rel(page, DATABASE))}" download>DuckDB database{HIDDEN} (every table)</span></a>'
        f' <span class="size">every table, {_size(ctx, out, DATABASE)}</span></li>'
    )
    return '<ul class="downloads">' + "".join(items) + "</ul>"


def _locations(frame) -> list[str]:
    if frame is None or "source_location" not in frame.columns:
        return []
    return sorted({str(v) for v in frame["source_location"].dropna()})


def source_block(ctx, page: str, resource: Resource, frame) -> str:
    sources = ctx.sources()
    docs = []
    for sid in resource.sources:
        s = sources.get(sid)
        if s:
            who = f"{esc(s.get('publisher') or 'Unknown publisher')}, {esc(long_date(s.get('publication_date', '')))}"
            url = safe_url(s.get("url"))  # only http(s) addresses become links
            doc = f'<a href="{esc(url)}">{esc(s.get("title") or sid)}</a>' if url else esc(s.get("title"))
            doc += "" if url else " (no web address recorded)"
            details = link(page, source_anchor(sid), "about this source")
            docs.append(f"{doc} ({who}; {details})")
        else:
            docs.append(esc(sid))
    locations = _locations(frame)
    if len(locations) > 6:
        shown = ", ".join(esc(v) for v in locations[:6])
        rest = "".join(f"<li>{esc(v)}</li>" for v in locations)
        where = f"{shown} … <details><summary>All {len(locations)} locations</summary><ul>{rest}</ul></details>"
    else:
        where = ", ".join(esc(v) for v in locations) or "see each row"
    return (
        '<dl class="facts">'
        f"<dt>Source</dt><dd>{'; '.join(docs) or esc(ctx.publication.site_name) + ' (derived from the schemas)'}</dd>"
        f"<dt>Location in source</dt><dd>{where}</dd>"
        f"<dt>Rows</dt><dd>{len(frame)} rows, {len(resource.schema.fields)} columns</dd>"
        f"<dt>Columns</dt><dd>{link(page, dictionary_entry(resource.name), 'Data dictionary entry')}"
        " (types, units, constraints, missing values)</dd>"
        f'<dt>Licence</dt><dd><a href="{esc(ctx.publication.licence_url)}">{esc(ctx.publication.licence_title)}</a></dd>'
        "</dl>"
    )


def notes_block(resource: Resource) -> str:
    parts = []
    if resource.notes:
        register = link(table_page(resource), "anomalies.html", "anomalies register")
        notes = (inline(n).replace("anomalies register", register, 1) for n in resource.notes)
        parts.append("<ol>" + "".join(f"<li>{n}</li>" for n in notes) + "</ol>")
    targets = marker_targets(resource.schema)
    if targets:
        symbols = "".join(
            f"<dt><code>{esc(s)}</code></dt><dd>{esc(SHORTHAND.get(s, s))}</dd>"
            for s in symbols_allowed(resource.schema)
        )
        pairs = "; ".join(
            f"<code>{esc(m)}</code> explains blanks in " + ", ".join(f"<code>{esc(t)}</code>" for t in ts)
            for m, ts in targets.items()
            if ts
        )
        parts.append(
            '<h3 id="shorthand">Shorthand</h3><p>A value the source does not give is blank in the CSV and the '
            f"database, with a GSS symbol in a marker column ({pairs}). Here and in the spreadsheets the symbol is "
            "shown in the value's cell. A missing value is never a zero. The symbols and their meanings are the "
            f"same as in the {link(table_page(resource), dictionary_entry(resource.name), 'data dictionary')}.</p>"
            f'<dl class="shorthand">{symbols}</dl>'
        )
    if not parts:
        return ""
    return f'<section aria-labelledby="notes"><h2 id="notes">Notes</h2>{"".join(parts)}</section>'


def snippets(ctx, resource: Resource) -> str:
    parquet, csv = ctx.url(download(resource, "parquet")), ctx.url(download(resource, "csv"))
    name = resource.name
    duck = (
        f"-- one table, straight from the web\nSELECT * FROM '{parquet}';\n\n"
        f"-- or attach the whole database (every table, typed and commented)\n"
        f"ATTACH '{ctx.url(DATABASE)}' AS hmipdata (READ_ONLY);\nSELECT * FROM hmipdata.{name};"
    )
    pandas = (
        f'import pandas as pd\n\n{name} = pd.read_parquet("{parquet}")\n'
        f'# or from CSV (blank cells are missing values)\n{name} = pd.read_csv("{csv}")'
    )
    version = ctx.version
    python = (
        f"import hmipdata  # pip install git+{ctx.project.meta.get('homepage', '')}\n\n"
        f"# version {version}, checked against the release's SHA256SUMS and cached\n"
        f'{name} = hmipdata.load("{name}", version="{version}")\n'
        f'hmipdata.schema("{name}", version="{version}").validate({name})  # pandera'
    )
    r = (
        f"# base R: blank cells are missing values\n"
        f'{name} <- read.csv("{csv}", na.strings = "", encoding = "UTF-8")\n\n'
        f"# or the frictionless package: dates as Dates, categories as factors\n"
        f"library(frictionless)\n"
        f'package <- read_package("{ctx.url(DATAPACKAGE)}")\n'
        f'{name} <- read_resource(package, "{name}")'
    )
    return (
        '<section aria-labelledby="use"><h2 id="use">Use this table</h2>'
        f"<h3>DuckDB</h3><pre><code>{esc(duck)}</code></pre>"
        f"<h3>pandas</h3><pre><code>{esc(pandas)}</code></pre>"
        f"<h3>Python (hmipdata)</h3><pre><code>{esc(python)}</code></pre>"
        f"<h3>R</h3><pre><code>{esc(r)}</code></pre>"
        f"<p>{link(table_page(resource), sql_link(f'SELECT * FROM {name} LIMIT 20'), 'Query this table in your browser')}"
        " (DuckDB in the page, no server needed).</p></section>"
    )


def logical_order(resource: Resource, frame):
    """Rows in the order of the primary key, each key column in its schema order: the order of its ``enum``
    where it declares one (so a printed total comes where the schema puts it), else by value."""
    keys = [k for k in resource.schema.primary_key if k in frame.columns]
    if not keys:
        return frame
    enums = {f.name: f.constraints.get("enum") for f in resource.schema.fields}

    def rank(column):
        enum = enums.get(column.name)
        if enum:
            return column.map({v: i for i, v in enumerate(enum)}).fillna(len(enum))
        return column

    return frame.sort_values(keys, key=rank, kind="stable", na_position="last").reset_index(drop=True)


def table_page_html(ctx, out, resource: Resource) -> Page:
    page = table_page(resource)
    frame = logical_order(resource, ctx.frames[resource.name])
    marks = table_marks(ctx, resource, frame)
    sections = [
        breadcrumbs(page, [("index.html", "Home"), ("index.html#tables", "Tables")], resource.title),
        f"<h1>{esc(resource.title)}</h1>",
        f'<p class="lede">{inline(resource.description)}</p>',
        source_block(ctx, page, resource, frame),
        anomalies_section(ctx, page, marks),
        cite_section(ctx, page, resource, frame),
        f'<section aria-labelledby="download"><h2 id="download">Download</h2>'
        f"{download_links(ctx, out, page, resource)}"
        "<p>XLSX and ODS files have a cover sheet, contents, notes and the table. JSON holds the rows with their "
        "column types. CSV files are UTF-8 without a byte-order mark: Excel may show accented letters and dashes "
        "wrongly if you double-click one, so in Excel use Data, From Text/CSV and choose UTF-8 (65001), or open "
        "the XLSX file instead.</p></section>",
        notes_block(resource),
    ]
    fig = figure_for(resource, ctx.frames)
    if fig:
        write_chart_files(fig, out)
        sections.append(f'<section aria-labelledby="chart"><h2 id="chart">Chart</h2>{figure_html(fig, page)}</section>')
    layout = layout_for(resource)
    if layout:
        sections.append(
            f'<section aria-labelledby="layout"><h2 id="layout">As laid out in the source</h2>'
            f"<p>{esc(layout.note)}</p>{layout_table(resource, frame, marks)}</section>"
        )
    sections.append(
        f'<section aria-labelledby="data"><h2 id="data">The table</h2><p>Every row and column as published, '
        f"in the order of its key ({', '.join(f'<code>{esc(k)}</code>' for k in resource.schema.primary_key)}), each listed in its declared order (a printed total last where the schema says so). "
        "Figures keep their own decimals, as printed."
        f"</p>{full_table(resource, frame, suffixes=unit_suffixes(ctx), marks=marks)}</section>"
    )
    sections.append(snippets(ctx, resource))
    return Page(
        page,
        resource.title,
        "\n".join(sections),
        description=resource.description,
        head=json_ld(dataset(ctx, resource)),
    )


def _card(ctx, r: Resource) -> str:
    page = "index.html"
    downloads = "".join(
        f'<a href="{esc(download(r, suffix))}" download>{label}{HIDDEN} of {esc(r.title)}</span></a>'
        for suffix, label, _ in FORMATS
    )
    dictionary = f"{link(page, dictionary_entry(r.name), 'Columns')}"
    return (
        f'<li class="card"><h4>{link(page, table_page(r), r.title)}</h4>'
        f'<p class="summary">{inline(_first_sentence(r.description))}</p>'
        f'<p class="meta">{len(ctx.frames[r.name]):,} rows · <code>{esc(r.name)}</code></p>'
        f'<p class="card-links">{downloads}{dictionary}</p></li>'
    )


def topics(ctx) -> list[tuple[str, list[Resource]]]:
    """The home page's groups of tables, as declared in package.yaml (site.topics); the rest under 'Other tables'."""
    by_name = {r.name: r for r in ctx.tables}
    declared = (ctx.project.meta.get("site") or {}).get("topics") or []
    out, seen = [], set()
    for topic in declared:
        members = [by_name[n] for n in topic.get("tables", []) if n in by_name and n not in seen]
        seen |= {r.name for r in members}
        if members:
            out.append((str(topic.get("title", "Tables")), members))
    rest = [r for r in ctx.tables if r.name not in seen]
    if rest:
        out.append(("Other tables" if out else "Tables", rest))
    return out


def _tables_list(ctx, out) -> str:
    return "".join(
        f'<h3>{esc(title)}</h3><ul class="cards">{"".join(_card(ctx, r) for r in members)}</ul>'
        for title, members in topics(ctx)
    )


def _first_sentence(text: str) -> str:
    """Up to the first full stop that ends a sentence (not 'e.g.' or 'i.e.')."""
    match = re.search(r"(?<!\be\.g)(?<!\bi\.e)\.\s+(?=[A-Z(])", text)
    return text[: match.start() + 1] if match else text


def _sources_list(ctx) -> str:
    rows = []
    for sid, s in sorted(ctx.sources().items()):
        url = safe_url(s.get("url"))  # only http(s): never javascript: or data: links
        title = f'<a href="{esc(url)}">{esc(s["title"])}</a>' if url else esc(s.get("title"))
        rows.append(
            [
                f'<span id="source-{esc(sid)}"><code>{esc(sid)}</code></span>',
                title,
                esc(s.get("publisher") or "not stated"),
                esc(long_date(s.get("publication_date", ""))),
                esc(s.get("document_type")),
                esc(s.get("licence") or "not stated"),
            ]
        )
    if not rows:
        return "<p>This build has no sources table.</p>"
    return simple_table("Source documents", ["Source id", "Title", "Publisher", "Published", "Type", "Licence"], rows)


def home_page(ctx, out) -> Page:
    meta, pub = ctx.project.meta, ctx.publication
    title = str(meta.get("title", pub.site_name))
    cite_date = long_date(ctx.release_date) if ctx.release_date else "not yet released"
    body = f"""<h1>{esc(title)}</h1>
<p class="lede">{inline(str(meta.get("description", "")).strip())}</p>
<div class="callout">
<p><strong>{version_text(ctx)}.</strong> {link("index.html", "releases.html", "Releases, changes and checksums")}.</p>
<p>Everything at once: <a href="{DATABASE}" download>DuckDB database</a> ({_size(ctx, out, DATABASE)}; DuckDB 1.2 or later) ·
<a href="{WORKBOOK}.xlsx" download>XLSX workbook</a> · <a href="{WORKBOOK}.ods" download>ODS workbook</a> ·
<a href="{DATAPACKAGE}">Frictionless data package (datapackage.json)</a></p>
</div>
{headlines_html(ctx, logical_order)}
{charts_index(ctx)}
<section aria-labelledby="tables"><h2 id="tables">Tables</h2>
<p>Each table has its own page with notes, the formatted table, downloads and code to read it.
Columns are described in the {link("index.html", "dictionary.html", "data dictionary")}; slips in the
sources are listed in the {link("index.html", "anomalies.html", "anomalies register")}.</p>
{_tables_list(ctx, out)}
</section>
<section aria-labelledby="sources"><h2 id="sources">Where the data comes from</h2>
<p>Every row names its source document (<code>source_id</code>) and where in it the figure is printed
(<code>source_location</code>). Figures are transcribed as printed; nothing is estimated.</p>
{_sources_list(ctx)}
</section>
<section aria-labelledby="licence"><h2 id="licence">Licence</h2>
<p>The figures are {esc(pub.copyright)}, published by {esc(pub.publisher)}, and are re-published under the
<a href="{esc(pub.licence_url)}">{esc(pub.licence_title)}</a>. {esc(pub.licence_terms)}</p>
</section>
<section aria-labelledby="cite"><h2 id="cite">How to cite</h2>
<blockquote><p>{esc(", ".join(pub.authors))}, <cite>{esc(title)}</cite>, version {esc(ctx.version)} ({esc(cite_date)}),
{esc(ctx.base_url)}. {esc(pub.attribution)}</p></blockquote>
<p>Cite the source document of the table you use too: each table page names it.</p>
</section>"""
    return Page(
        "index.html",
        title,
        body,
        description=str(meta.get("description", "")).strip(),
        head=json_ld(data_catalog(ctx)),
    )
