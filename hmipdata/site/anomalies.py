"""The anomalies register: what each source slip is, and how hmipdata treats it."""

from __future__ import annotations

from hmipdata.site.html import Page, esc, inline, link
from hmipdata.site.paths import dictionary_entry, source_anchor, table_page

PAGE = "anomalies.html"


def _text(value) -> str:
    return "" if value is None or value != value else str(value)


def touched_rows(ctx) -> dict[str, list[tuple[str, str]]]:
    """anomaly_id -> [(table, row key)] from the anomaly_rows table, if the build has one."""
    frame = ctx.frame("anomaly_rows")
    out: dict[str, list[tuple[str, str]]] = {}
    if frame is None or frame.empty:
        return out
    for rec in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        out.setdefault(_text(rec.get("anomaly_id")), []).append(
            (_text(rec.get("table_name")), _text(rec.get("row_key")))
        )
    return out


def _rows_html(rows: list[tuple[str, str]], published: set[str]) -> str:
    items = [
        (link(PAGE, table_page(table), table) if table in published else esc(table)) + f": <code>{esc(key)}</code>"
        for table, key in rows
    ]
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def anomaly_article(ctx, row: dict, published: set[str], touched: dict | None = None) -> str:
    aid, table, column = _text(row.get("anomaly_id")), _text(row.get("table_name")), _text(row.get("column_name"))
    table_link = link(PAGE, table_page(table), table) if table in published else esc(table)
    where = table_link + (
        f", column {link(PAGE, dictionary_entry(table, column), column)}" if column and table in published else ""
    )
    facts = [
        (
            "Source",
            link(PAGE, source_anchor(_text(row.get("source_id"))), _text(row.get("source_id")))
            + f", {esc(_text(row.get('source_location')))}",
        ),
        ("Affects", where + (f" ({esc(_text(row.get('row_key')))})" if _text(row.get("row_key")) else "")),
        *([("Rows", _rows_html((touched or {})[aid], published))] if (touched or {}).get(aid) else []),
        ("As printed", f"<q>{esc(_text(row.get('as_printed')))}</q>"),
        ("Probable meaning", inline(_text(row.get("probable_meaning")))),
        ("Treatment", inline(_text(row.get("treatment")))),
    ]
    check = _text(row.get("check_id"))
    if check:
        facts.append(
            (
                "Check",
                f"<code>{esc(check)}</code> fails because of this anomaly and is reported as a "
                "known anomaly, not an error",
            )
        )
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    return (
        f'<article class="anomaly" aria-labelledby="{esc(aid)}"><h2 id="{esc(aid)}">{esc(aid)}: {esc(table)}'
        f'{": " + esc(column) if column else ""}</h2><dl class="facts">{dl}</dl></article>'
    )


def anomalies_page(ctx) -> Page:
    frame = ctx.frame("anomalies")
    intro = (
        "<h1>Anomalies register</h1>"
        '<p class="lede">Slips and doubts in the source documents: what the source prints, what it probably '
        "means, and how hmipdata treats it. Values are always published as printed; a reconciliation check "
        "that fails because of a listed anomaly is reported as a known anomaly.</p>"
    )
    if frame is None or frame.empty:
        return Page(PAGE, "Anomalies register", intro + "<p>No anomalies are recorded in this build.</p>")
    published = {r.name for r in ctx.tables}
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    touched = touched_rows(ctx)
    body = intro + (
        f"<p>{len(rows)} anomalies. The register is also a table: "
        f"{link(PAGE, table_page('anomalies'), 'anomalies (with downloads)')}.</p>"
        + "\n".join(anomaly_article(ctx, r, published, touched) for r in rows)
    )
    return Page(PAGE, "Anomalies register", body, description="Source slips and how hmipdata treats each.")
