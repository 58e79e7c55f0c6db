"""The home page's headline figures and charts index, declared in package.yaml (``site``) and read from the data.

A headline names a table, the key of one row and the value column; the
figure is shown as the source prints it (its ``<value>_as_printed`` text
where the table keeps one, else the number with its own decimals and its
unit), with a link to the row on its table page and the place in the source
where it is printed. A headline whose row is missing is left out, never
made up.
"""

from __future__ import annotations

from hmipdata.project.markers import is_blank
from hmipdata.site.figures import figure_for
from hmipdata.site.html import esc, link
from hmipdata.site.paths import table_page
from hmipdata.site.tables import own_decimals, row_ids


def _settings(ctx) -> dict:
    return ctx.project.meta.get("site") or {}


def unit_suffixes(ctx) -> dict[str, str]:
    """What follows a figure in its cell for each unit ('%' for percent), as declared in package.yaml."""
    return {str(k): str(v) for k, v in (_settings(ctx).get("unit_suffixes") or {}).items()}


def unit_suffix(ctx, unit: str | None) -> str:
    return unit_suffixes(ctx).get(unit or "", "")


def printed_value(ctx, resource, row: dict, column: str) -> str:
    printed = row.get(f"{column}_as_printed")
    if isinstance(printed, str) and printed:
        return printed
    value = row.get(column)
    f = resource.schema.field(column)
    unit = row.get("unit") if isinstance(row.get("unit"), str) else f.unit
    suffix = "%" if f.display.get("percent") else unit_suffix(ctx, unit)
    number = own_decimals(float(value)) if f.type == "number" else f"{int(value):,}"
    return number + suffix


def _match(frame, where: dict):
    mask = None
    for column, wanted in where.items():
        if column not in frame.columns:
            return None
        hit = frame[column].astype(str) == str(wanted)
        mask = hit if mask is None else mask & hit
    return mask


def headlines(ctx, order) -> list[tuple[str, str, str, str]]:
    """(label, figure as printed, link target, source location) for each declared headline found in the data."""
    by_name = {r.name: r for r in ctx.tables}
    out = []
    for item in _settings(ctx).get("headlines") or []:
        resource = by_name.get(item.get("table"))
        if resource is None:
            continue
        frame = order(resource, ctx.frames[resource.name])
        mask = _match(frame, item.get("where") or {})
        if mask is None or int(mask.sum()) != 1:
            continue
        position = int(mask.to_numpy().nonzero()[0][0])
        row = frame.iloc[position].to_dict()
        value = row.get(item.get("value"))
        if is_blank(value):
            continue
        target = f"{table_page(resource)}#{row_ids(resource, frame)[position]}"
        out.append(
            (
                str(item["label"]),
                printed_value(ctx, resource, row, item["value"]),
                target,
                str(row.get("source_location") or ""),
            )
        )
    return out


def headlines_html(ctx, order) -> str:
    items = [
        f'<li><span class="figure">{esc(value)}</span>{esc(label)}.'
        f'<br><span class="size">Printed in: {esc(where)}.</span> {link("index.html", target, "See the row")}'
        f'<span class="visually-hidden"> for {esc(label)}</span></li>'
        for label, value, target, where in headlines(ctx, order)
    ]
    if not items:
        return ""
    return (
        '<section aria-labelledby="headlines"><h2 id="headlines">Headline figures</h2>'
        f'<ul class="headlines">{"".join(items)}</ul></section>'
    )


def charts_index(ctx) -> str:
    items = []
    for r in ctx.tables:
        fig = figure_for(r, ctx.frames)
        if fig:
            items.append(f"<li>{link('index.html', table_page(r) + '#chart', fig.title)}</li>")
    if not items:
        return ""
    return f'<section aria-labelledby="charts"><h2 id="charts">Charts</h2><ul>{"".join(items)}</ul></section>'
