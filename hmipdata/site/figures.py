"""The charts the site draws where a table holds a series, each with its text alternative and data.

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

from hmipdata.site.charts import Series, Style, day, dumbbells, grouped_bars, line_panels
from hmipdata.site.html import esc, long_date, rel, simple_table
from hmipdata.site.tables import aligned, own_decimals

NPS = Style("#12436d", "circle")
CRC = Style("#801650", "square", "6 4")
PROVIDERS = {
    "NPS": ("National Probation Service (NPS)", NPS),
    "CRC": ("Community Rehabilitation Companies (CRCs)", CRC),
}


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


def tracker_contacts(frames: dict) -> Figure | None:
    """Telephone and face-to-face shares of contacts, NPS and CRCs, over 2020."""
    tracker = frames.get("tracker")
    if tracker is None:
        return None
    measures = {"contact_telephone_share": "By telephone", "contact_face_to_face_share": "Face to face"}
    rows = tracker[tracker["measure"].isin(list(measures)) & tracker["period_start"].notna()]
    if rows.empty:
        return None
    panels, sentences, table_rows = [], [], []
    for measure, panel_title in measures.items():
        series = []
        for provider, (_name, style) in PROVIDERS.items():
            part = rows[(rows["measure"] == measure) & (rows["provider"] == provider)].sort_values("period_start")
            points = []
            for r in part.itertuples():
                mid = (day(_date(r.period_start)) + day(_date(r.period_end))) / 2
                points.append((mid, float(r.value), f"{own_decimals(float(r.value))}%"))
                table_rows.append(
                    [esc(provider), esc(panel_title.lower()), esc(r.period_label), f"{own_decimals(float(r.value))}%"]
                )
            if points:
                series.append(Series(provider, style, tuple(sorted(points))))
                said = ", then ".join(f"{r.value:.0f}% ({r.period_label})" for r in part.itertuples())
                sentences.append(f"{provider} contacts {panel_title.lower()}: {said}.")
        panels.append((f"Share of contacts {panel_title.lower()}", series))
    months = [dt.date(2020, m, 1) for m in range(5, 13)]
    ticks = [(day(m), m.strftime("%b")) for m in months]  # each month's label starts at its first day
    title = "Share of probation contacts by telephone and face to face, NPS and CRCs, 2020"
    summary = (
        "Each point is a figure the report quotes for one week or month, placed at the middle of that period; "
        "the figures are separate quotes, not a series, so no line joins them. " + " ".join(sentences)
    )
    args = ("chart-tracker", title, summary, panels, (day(dt.date(2020, 5, 1)), day(dt.date(2021, 1, 1))), ticks)
    svg = line_panels(*args, 100, lambda v: f"{v:.0f}%")
    narrow = line_panels(args[0] + "-narrow", *args[1:], 100, lambda v: f"{v:.0f}%", narrow=True)
    table = simple_table(
        "Data for the chart: contact shares",
        ["Provider", "Contact", "Period (as printed)", "Share"],
        table_rows,
        numeric=(3,),
    )
    data = (("provider", "contact", "period_as_printed", "share_pct"), *(_plain(r) for r in table_rows))
    return Figure("chart-tracker", title, svg, summary, table, narrow, data)


def caseloads_change(frames: dict) -> Figure | None:
    """Average caseload per officer on 1 March and 28 September 2020, per organisation and grade."""
    caseloads = frames.get("caseloads")
    if caseloads is None or caseloads.empty:
        return None
    grades = {"probation_officer": "Probation officers", "probation_services_officer": "Probation services officers"}
    dates = sorted(caseloads["snapshot_date"].dropna().unique())
    if len(dates) != 2:
        return None
    panels, sentences, wide_rows = [], [], {}
    for grade, grade_title in grades.items():
        part = caseloads[caseloads["staff_grade"] == grade]
        wide = part.pivot(index="organisation_name_as_printed", columns="snapshot_date", values="average_caseload")
        wide = wide.dropna().sort_index()
        rows = [(str(org), float(v[dates[0]]), float(v[dates[1]])) for org, v in wide.iterrows()]
        panels.append((grade_title, rows))
        fell = sum(1 for _, a, b in rows if b < a)
        sentences.append(f"{grade_title}: the average caseload fell in {fell} of {len(rows)} organisations.")
        for org, a, b in rows:
            wide_rows.setdefault(org, [esc(org)]).extend([own_decimals(a), own_decimals(b)])
    labels = (long_date(str(dates[0])), long_date(str(dates[1])))
    title = f"Average caseload per officer, {labels[0]} and {labels[1]}"
    summary = f"Open markers show {labels[0]}, filled markers {labels[1]}. " + " ".join(sentences)
    x_max = max(10.0, float(caseloads["average_caseload"].max()))
    top = ((x_max // 10) + 1) * 10
    svg = dumbbells("chart-caseloads", title, summary, panels, labels, NPS, top)
    narrow = dumbbells("chart-caseloads-narrow", title, summary, panels, labels, NPS, top, narrow=True)
    short = [f"{g}, {long_date(str(d))}" for g in ("PO", "PSO") for d in dates]
    plain_rows = [row for row in wide_rows.values() if len(row) == 5]
    columns = [aligned([row[i] for row in plain_rows]) for i in range(1, 5)]
    table_rows = [[row[0], *(esc(c[j]) for c in columns)] for j, row in enumerate(plain_rows)]
    table = simple_table(
        "Data for the chart: average caseloads (PO = probation officers, PSO = probation services officers)",
        ["Organisation", *short],
        table_rows,
        numeric=(1, 2, 3, 4),
    )
    header = ("organisation", *(f"{g}_{d}" for g in ("po", "pso") for d in dates))
    data = (header, *(_plain(r) for r in plain_rows))
    return Figure("chart-caseloads", title, svg, summary, table, narrow, data)


def sfo_by_year(frames: dict) -> Figure | None:
    """Each provider's printed total of SFO reviews, by year."""
    sfo = frames.get("sfo_review_totals")
    if sfo is None:
        return None
    totals = sfo[sfo["provider"].isin(list(PROVIDERS))]
    if totals.empty:
        return None
    years = sorted(int(y) for y in totals["year"].unique())
    series, sentences, table_rows = [], [], []
    for provider, (_name, style) in PROVIDERS.items():
        part = totals[totals["provider"] == provider].set_index("year")["review_count"]
        points = tuple((float(y), float(part.get(y, 0)), f"{int(part.get(y, 0)):,}") for y in years)
        series.append(Series(provider, Style(style.color, "square"), points))
        sentences.append(f"{provider}: " + ", ".join(f"{int(part.get(y, 0)):,} in {y}" for y in years) + ".")
    for y in years:
        row = [esc(str(y))] + [
            f"{int(totals[(totals.year == y) & (totals.provider == p)].review_count.sum()):,}" for p in PROVIDERS
        ]
        table_rows.append(row)
    title = f"Serious Further Offence reviews by probation provider, {years[0]} to {years[-1]}"
    summary = "Printed totals of SFO reviews per provider and year. " + " ".join(sentences)
    top = float(totals["review_count"].max())
    args = (title, summary, [str(y) for y in years], series, ((top // 100) + 1) * 100, 100)
    svg = grouped_bars("chart-sfo-reviews", *args)
    narrow = grouped_bars("chart-sfo-reviews-narrow", *args, narrow=True)
    table = simple_table("Data for the chart: SFO reviews", ["Year", "NPS", "CRC"], table_rows, numeric=(1, 2))
    data = (("year", "nps_reviews", "crc_reviews"), *(_plain(r) for r in table_rows))
    return Figure("chart-sfo-reviews", title, svg, summary, table, narrow, data)


FIGURES: dict[str, Callable[[dict], Figure | None]] = {
    "tracker": tracker_contacts,
    "caseloads": caseloads_change,
    "sfo_review_totals": sfo_by_year,
}


def figure_for(table: str, frames: dict) -> Figure | None:
    make = FIGURES.get(table)
    return make(frames) if make else None


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
