"""The charts the site draws where a table's schema declares one (``site: chart:``), each with its
text alternative and data.

A figure is built from the published tables alone: the chart (SVG), a
sentence-level description of what it shows (the SVG's ``<desc>``) and the
plotted numbers as a table beside it.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from hmipdata.checker.schema import Resource
from hmipdata.site.charts import Series, Style, day, dumbbells, grouped_bars, line_panels
from hmipdata.site.html import esc, long_date, rel, simple_table
from hmipdata.site.tables import aligned, own_decimals


@dataclass(frozen=True)
class Figure:
    chart_id: str
    title: str
    svg: str
    summary: str
    table: str
    svg_narrow: str = ""  # the same chart laid out for screens narrower than about 600 px
    data: tuple[tuple[str, ...], ...] = ()  # the plotted figures as CSV rows, header first


def _plain(row: list[str]) -> tuple[str, ...]:
    """A table row's cells as plain text for CSV: figures without padding, separators or % signs."""
    cells = [html.unescape(c) for c in row]
    return tuple(
        re.sub(r"[,%\s\u2007\u2008]", "", c) if re.fullmatch(r"[\d,.%\s\u2007\u2008]+", c) else c for c in cells
    )


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(str(text))


def _fill(template: str, **values) -> str:
    """The declared text with its known ``{name}`` places filled in; any other brace is left as written."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


def _style(declared: dict) -> Style:
    return Style(str(declared["color"]), str(declared.get("shape", "circle")), str(declared.get("dash", "")))


def _summary(opening: str, sentences: list[str]) -> str:
    return " ".join(part for part in (opening, *sentences) if part)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month from ``start`` (inclusive) to ``end`` (exclusive)."""
    month = dt.date(start.year, start.month, 1)
    found = []
    while month < end:
        if month >= start:
            found.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return found


def points_chart(chart_id: str, c: dict, frame) -> Figure | None:
    """Values placed at the middle of their period: a panel per panel value, a series per series value."""
    panel_words = c["panels"]
    rows = frame[frame[c["panel"]].isin(list(panel_words)) & frame[c["start"]].notna()]
    if rows.empty:
        return None
    suffix = str(c.get("suffix", ""))
    panels, sentences, table_rows = [], [], []
    for code, words in panel_words.items():
        series = []
        for declared in c["styles"]:
            who = declared["value"]
            part = rows[(rows[c["panel"]] == code) & (rows[c["series"]] == who)].sort_values(c["start"])
            records = part.to_dict("records")
            points = []
            for r in records:
                mid = (day(_date(r[c["start"]])) + day(_date(r[c["end"]]))) / 2
                shown = f"{own_decimals(float(r[c['value']]))}{suffix}"
                points.append((mid, float(r[c["value"]]), shown))
                table_rows.append([esc(who), esc(words), esc(r[c["period_label"]]), shown])
            if points:
                series.append(Series(str(who), _style(declared), tuple(sorted(points))))
                said = ", then ".join(f"{r[c['value']]:.0f}{suffix} ({r[c['period_label']]})" for r in records)
                sentences.append(_fill(c["sentence"], series=who, panel=words, points=said))
        panels.append((_fill(c.get("panel_heading", "{panel}"), panel=words), series))
    start, end = (_date(d) for d in c["x_range"])
    ticks = [(day(m), m.strftime("%b")) for m in _months(start, end)]  # each month's label starts at its first day
    years = sorted(_date(d).year for d in rows[c["start"]])
    title = _fill(c["title"], first=years[0], last=years[-1])
    summary = _summary(c.get("summary", ""), sentences)
    args = (chart_id, title, summary, panels, (day(start), day(end)), ticks)
    y_max, label = c["y_max"], lambda v: f"{v:.0f}{suffix}"
    svg = line_panels(*args, y_max, label)
    narrow = line_panels(args[0] + "-narrow", *args[1:], y_max, label, narrow=True)
    headers = list(c["headers"])
    table = simple_table(c["table_caption"], headers, table_rows, numeric=(len(headers) - 1,))
    data = (tuple(c["data_header"]), *(_plain(r) for r in table_rows))
    return Figure(chart_id, title, svg, summary, table, narrow, data)


def dumbbells_chart(chart_id: str, c: dict, frame) -> Figure | None:
    """Each row's value at the two values of ``ends`` (open, then filled marker), a panel per panel value."""
    if frame.empty:
        return None
    dates = sorted(frame[c["ends"]].dropna().unique())
    if len(dates) != 2:
        return None
    panels, sentences, wide_rows = [], [], {}
    for declared in c["panels"]:
        part = frame[frame[c["panel"]] == declared["value"]]
        wide = part.pivot(index=c["label"], columns=c["ends"], values=c["value"])
        wide = wide.dropna().sort_index()
        rows = [(str(name), float(v[dates[0]]), float(v[dates[1]])) for name, v in wide.iterrows()]
        panels.append((declared["title"], rows))
        fell = sum(1 for _, a, b in rows if b < a)
        sentences.append(_fill(c["sentence"], panel=declared["title"], fell=fell, count=len(rows)))
        for name, a, b in rows:
            wide_rows.setdefault(name, [esc(name)]).extend([own_decimals(a), own_decimals(b)])
    labels = (long_date(str(dates[0])), long_date(str(dates[1])))
    title = _fill(c["title"], first=labels[0], last=labels[1])
    summary = _summary(_fill(c.get("summary", ""), first=labels[0], last=labels[1]), sentences)
    step = float(c.get("step", 10))
    x_max = max(step, float(frame[c["value"]].max()))
    top = ((x_max // step) + 1) * step
    style = _style(c["style"])
    svg = dumbbells(chart_id, title, summary, panels, labels, style, top)
    narrow = dumbbells(chart_id + "-narrow", title, summary, panels, labels, style, top, narrow=True)
    shorts = [p["short"] for p in c["panels"]]
    headers = [*c["headers"], *(f"{s}, {long_date(str(d))}" for s in shorts for d in dates)]
    first = len(c["headers"])
    plain_rows = [row for row in wide_rows.values() if len(row) == first + 2 * len(shorts)]
    columns = [aligned([row[i] for row in plain_rows]) for i in range(first, len(headers))]
    table_rows = [[*row[:first], *(esc(col[j]) for col in columns)] for j, row in enumerate(plain_rows)]
    table = simple_table(c["table_caption"], headers, table_rows, numeric=tuple(range(first, len(headers))))
    header = (*c["data_header"], *(f"{s.lower()}_{d}" for s in shorts for d in dates))
    data = (header, *(_plain(r) for r in plain_rows))
    return Figure(chart_id, title, svg, summary, table, narrow, data)


def bars_chart(chart_id: str, c: dict, frame) -> Figure | None:
    """Grouped bars: a group per x value (a whole number such as a year), a bar per series."""
    who = [s["value"] for s in c["styles"]]
    totals = frame[frame[c["series"]].isin(who)]
    if totals.empty:
        return None
    xs = sorted(int(x) for x in totals[c["x"]].unique())
    series, sentences, table_rows = [], [], []
    for declared in c["styles"]:
        part = totals[totals[c["series"]] == declared["value"]].set_index(c["x"])[c["value"]]
        points = tuple((float(x), float(part.get(x, 0)), f"{int(part.get(x, 0)):,}") for x in xs)
        series.append(Series(str(declared["value"]), _style(declared), points))
        said = ", ".join(f"{int(part.get(x, 0)):,} in {x}" for x in xs)
        sentences.append(f"{declared['value']}: {said}.")
    for x in xs:
        chosen = totals[totals[c["x"]] == x]
        row = [esc(str(x))] + [f"{int(chosen[chosen[c['series']] == s][c['value']].sum()):,}" for s in who]
        table_rows.append(row)
    title = _fill(c["title"], first=xs[0], last=xs[-1])
    summary = _summary(_fill(c.get("summary", ""), first=xs[0], last=xs[-1]), sentences)
    top, step = float(totals[c["value"]].max()), c.get("step", 100)
    args = (title, summary, [str(x) for x in xs], series, ((top // step) + 1) * step, step)
    svg = grouped_bars(chart_id, *args)
    narrow = grouped_bars(chart_id + "-narrow", *args, narrow=True)
    table = simple_table(c["table_caption"], list(c["headers"]), table_rows, numeric=tuple(range(1, 1 + len(who))))
    data = (tuple(c["data_header"]), *(_plain(r) for r in table_rows))
    return Figure(chart_id, title, svg, summary, table, narrow, data)


KINDS: dict[str, Callable[[str, dict, object], Figure | None]] = {
    "points": points_chart,
    "dumbbells": dumbbells_chart,
    "bars": bars_chart,
}


def figure_for(resource: Resource, frames: dict) -> Figure | None:
    """The table's declared chart (``site: chart:`` in its schema) drawn from its rows, or None."""
    declared = (resource.descriptor.get("site") or {}).get("chart")
    frame = frames.get(resource.name)
    if not declared or frame is None:
        return None
    chart_id = "chart-" + str(declared.get("id") or resource.name.replace("_", "-"))
    return KINDS[declared["kind"]](chart_id, declared, frame)


def chart_file(fig: Figure, suffix: str) -> str:
    return f"charts/{fig.chart_id.removeprefix('chart-')}.{suffix}"


def write_chart_files(fig: Figure, out) -> None:
    """The chart as SVG and its figures as CSV, for download."""
    svg_path = out / chart_file(fig, "svg")
    svg_path.parent.mkdir(parents=True, exist_ok=True)
    svg_path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + fig.svg + "\n", encoding="utf-8")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(fig.data)
    (out / chart_file(fig, "csv")).write_text(buffer.getvalue(), encoding="utf-8")


def figure_html(fig: Figure, page: str = "index.html") -> str:
    """The chart (laid out for wide and for narrow screens) with its caption, downloads and data table."""
    narrow = f'<div class="chart-narrow">{fig.svg_narrow}</div>' if fig.svg_narrow else ""
    svg_href, csv_href = esc(rel(page, chart_file(fig, "svg"))), esc(rel(page, chart_file(fig, "csv")))
    downloads = (
        f'<ul class="chart-downloads" data-chart="{esc(fig.chart_id)}">'
        f'<li><a href="{svg_href}" download>SVG<span class="visually-hidden"> of the chart</span></a></li>'
        f'<li><a href="{csv_href}" download>CSV<span class="visually-hidden"> of the chart\'s figures</span></a></li>'
        "</ul>"
    )
    wide_class = "chart-wide" if fig.svg_narrow else ""
    return (
        f'<div class="figure-row"><figure class="chart-figure"><div class="{wide_class}">{fig.svg}</div>{narrow}'
        f"<figcaption>{esc(fig.title)}. {esc(fig.summary)}</figcaption>{downloads}</figure>"
        f'<div class="chart-data">{fig.table}</div></div>'
    )
