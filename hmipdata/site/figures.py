"""The charts the site draws where a table holds a series, each with its text alternative and data.

A figure is built from the published tables alone: the chart (SVG), a
sentence-level description of what it shows (the SVG's ``<desc>``) and the
plotted numbers as a table beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from hmipdata.site.charts import Series, Style, day, dumbbells, grouped_bars, line_panels
from hmipdata.site.html import esc, long_date, simple_table

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


def _num(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


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
                points.append((mid, float(r.value), f"{r.value:.0f}%"))
                table_rows.append([esc(provider), esc(panel_title.lower()), esc(r.period_label), f"{r.value:.0f}%"])
            if points:
                series.append(Series(provider, style, tuple(sorted(points))))
                said = ", then ".join(f"{r.value:.0f}% ({r.period_label})" for r in part.itertuples())
                sentences.append(f"{provider} contacts {panel_title.lower()}: {said}.")
        panels.append((f"Share of contacts {panel_title.lower()}", series))
    months = [dt.date(2020, m, 1) for m in range(5, 13)]
    ticks = [(day(m) + 14, m.strftime("%b")) for m in months]
    title = "Share of probation contacts by telephone and face to face, NPS and CRCs, 2020"
    summary = "Points are placed at the middle of the week or month the report names. " + " ".join(sentences)
    svg = line_panels(
        "chart-tracker",
        title,
        summary,
        panels,
        (day(dt.date(2020, 5, 1)), day(dt.date(2020, 12, 31))),
        ticks,
        100,
        lambda v: f"{v:.0f}%",
    )
    table = simple_table(
        "Data for the chart: contact shares",
        ["Provider", "Contact", "Period (as printed)", "Share"],
        table_rows,
        numeric=(3,),
    )
    return Figure("chart-tracker", title, svg, summary, table)


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
            wide_rows.setdefault(org, [esc(org)]).extend([_num(a), _num(b)])
    labels = (long_date(str(dates[0])), long_date(str(dates[1])))
    title = f"Average caseload per officer, {labels[0]} and {labels[1]}"
    summary = f"Open markers show {labels[0]}, filled markers {labels[1]}. " + " ".join(sentences)
    x_max = max(10.0, float(caseloads["average_caseload"].max()))
    svg = dumbbells("chart-caseloads", title, summary, panels, labels, NPS, ((x_max // 10) + 1) * 10)
    short = [f"{g}, {long_date(str(d))}" for g in ("PO", "PSO") for d in dates]
    table_rows = [row for row in wide_rows.values() if len(row) == 5]
    table = simple_table(
        "Data for the chart: average caseloads (PO = probation officers, PSO = probation services officers)",
        ["Organisation", *short],
        table_rows,
        numeric=(1, 2, 3, 4),
    )
    return Figure("chart-caseloads", title, svg, summary, table)


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
    svg = grouped_bars(
        "chart-sfo-reviews", title, summary, [str(y) for y in years], series, ((top // 100) + 1) * 100, 100
    )
    table = simple_table("Data for the chart: SFO reviews", ["Year", "NPS", "CRC"], table_rows, numeric=(1, 2))
    return Figure("chart-sfo-reviews", title, svg, summary, table)


FIGURES: dict[str, Callable[[dict], Figure | None]] = {
    "tracker": tracker_contacts,
    "caseloads": caseloads_change,
    "sfo_review_totals": sfo_by_year,
}


def figure_for(table: str, frames: dict) -> Figure | None:
    make = FIGURES.get(table)
    return make(frames) if make else None


def figure_html(fig: Figure) -> str:
    """The chart with its caption, and the data table beside it."""
    return (
        f'<div class="figure-row"><figure class="chart-figure">{fig.svg}'
        f"<figcaption>{esc(fig.title)}. {esc(fig.summary)}</figcaption></figure>"
        f'<div class="chart-data">{fig.table}</div></div>'
    )
