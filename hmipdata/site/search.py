"""Search across tables, columns, rows and charts: a static index written with the site, searched in the page.

The index is one JSON file served by the site itself (no search service, no
outside request); the search page's script matches every word of a query
against each entry's title and text, so "Essex caseload" finds the rows of
the caseloads table that name Essex.
"""

from __future__ import annotations

import json

from hmipdata.site.figures import figure_for
from hmipdata.site.html import Page
from hmipdata.site.paths import dictionary_entry, table_page
from hmipdata.site.tables import own_decimals, row_ids

PAGE = "search.html"
INDEX = "search-index.json"


def _cell(value) -> str | None:
    if value is None or value != value:
        return None
    if isinstance(value, float):
        return own_decimals(value)
    return str(value)


def entries(ctx, order=lambda resource, frame: frame) -> list[dict]:
    """Every table, column, row and chart as a search entry (title, text, url, kind, weight)."""
    out = []
    for r in ctx.tables:
        page = table_page(r)
        out.append({"kind": "table", "title": r.title, "text": f"{r.name}. {r.description}", "url": page, "weight": 3})
        for f in r.schema.fields:
            out.append(
                {
                    "kind": "column",
                    "title": f"{r.title}: {f.title or f.name}",
                    "text": f"{f.name}. {f.description} {f.unit}".strip(),
                    "url": dictionary_entry(r.name, f.name),
                    "weight": 2,
                }
            )
        frame = order(r, ctx.frames[r.name])
        titles = {f.name: f.title or f.name for f in r.schema.fields}
        for rid, row in zip(row_ids(r, frame), frame.to_dict("records"), strict=True):
            cells = [(titles.get(k, k), _cell(v)) for k, v in row.items()]
            text = "; ".join(f"{k}: {v}" for k, v in cells if v is not None)
            out.append({"kind": "row", "title": f"{r.title}, row", "text": text, "url": f"{page}#{rid}", "weight": 1})
        fig = figure_for(r, ctx.frames)
        if fig:
            out.append({"kind": "chart", "title": fig.title, "text": fig.summary, "url": f"{page}#chart", "weight": 3})
    return out


def write_index(ctx, out, order) -> None:
    text = json.dumps(entries(ctx, order), ensure_ascii=False, separators=(",", ":"))
    (out / INDEX).write_text(text, encoding="utf-8")


def search_page(ctx) -> Page:
    body = f"""<h1>Search</h1>
<p class="lede">Search every table, column, row and chart of this site. Every word must match: try
<a href="{PAGE}?q=Essex+caseload">Essex caseload</a>.</p>
<form id="search-form" class="search-box" method="get" action="{PAGE}" role="search" data-index="{INDEX}">
<label for="search-q">Search words</label><br>
<input type="search" id="search-q" name="q" autocomplete="off">
<button type="submit">Search</button>
</form>
<noscript><p class="warning">Search needs JavaScript. Every table is listed on the home page and every column in
the data dictionary.</p></noscript>
<p id="search-status" role="status" aria-live="polite"></p>
<ol id="search-results" class="search-results"></ol>"""
    return Page(
        PAGE, "Search", body, description=f"Search {ctx.publication.site_name}'s tables, columns, rows and charts."
    )
