"""Static SVG charts, written by hand: small multiples of lines, dumbbells and grouped bars.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described
by its ``<desc>``; series differ by colour, marker shape and dash, and every
point carries its value as text, so nothing depends on colour alone. All text
is escaped; coordinates are rounded, so output is stable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hmipdata.site.html import esc

INK = "#0b0c0c"
GRID = "#b1b4b6"
MUTED = "#505a5f"
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Style:
    """How one series is drawn."""

    color: str
    shape: str = "circle"  # circle, square or diamond
    dash: str = ""


@dataclass(frozen=True)
class Series:
    label: str
    style: Style
    points: tuple[tuple[float, float, str], ...]  # (x, y, value label)


@dataclass(frozen=True)
class Scale:
    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        return self.r0 + (value - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)


def n(value: float) -> str:
    """A coordinate, rounded so that output is stable."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def text(
    x: float, y: float, s: str, *, anchor: str = "start", size: int = 13, weight: str = "", fill: str = INK
) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return f'<text x="{n(x)}" y="{n(y)}" text-anchor="{anchor}" font-size="{size}" fill="{fill}"{bold}>{esc(s)}</text>'


def line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1, dash: str = "") -> str:
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{n(x1)}" y1="{n(y1)}" x2="{n(x2)}" y2="{n(y2)}" stroke="{stroke}" '
        f'stroke-width="{n(width)}"{dashed}/>'
    )


def marker(style: Style, x: float, y: float, filled: bool = True, r: float = 5) -> str:
    fill = style.color if filled else "#ffffff"
    common = f'fill="{fill}" stroke="{style.color}" stroke-width="2"'
    if style.shape == "square":
        return f'<rect x="{n(x - r)}" y="{n(y - r)}" width="{n(2 * r)}" height="{n(2 * r)}" {common}/>'
    if style.shape == "diamond":
        pts = f"{n(x)},{n(y - r - 1)} {n(x + r + 1)},{n(y)} {n(x)},{n(y + r + 1)} {n(x - r - 1)},{n(y)}"
        return f'<polygon points="{pts}" {common}/>'
    return f'<circle cx="{n(x)}" cy="{n(y)}" r="{n(r)}" {common}/>'


def svg(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{esc(chart_id)}" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{esc(chart_id)}-title {esc(chart_id)}-desc" font-family="{FONT}">'
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>'
        f'<desc id="{esc(chart_id)}-desc">{esc(desc)}</desc>'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>' + "".join(body) + "</svg>"
    )


def legend(x: float, y: float, entries: list[tuple[Style, str, bool]], lines: bool = True) -> list[str]:
    out = []
    for style, label, filled in entries:
        if lines:
            out.append(line(x, y, x + 24, y, style.color, 2, style.dash))
        out.append(marker(style, x + 12, y, filled, r=6 if not filled else 5))
        out.append(text(x + 32, y + 4, label))
        x += 60 + 7.5 * len(label)
    return out


def y_axis(scale: Scale, ticks: list[float], x0: float, x1: float, fmt) -> list[str]:
    out = []
    for t in ticks:
        y = scale(t)
        out.append(line(x0, y, x1, y, GRID, 1))
        out.append(text(x0 - 6, y + 4, fmt(t), anchor="end", size=12, fill=MUTED))
    return out


def day(value: dt.date) -> float:
    return float(value.toordinal())


def line_panels(
    chart_id: str,
    title: str,
    desc: str,
    panels: list[tuple[str, list[Series]]],
    x_range: tuple[float, float],
    x_ticks: list[tuple[float, str]],
    y_max: float,
    y_fmt,
    narrow: bool = False,
) -> str:
    """Panels sharing axes (side by side, or stacked when ``narrow``); each figure a labelled point.

    The figures are quotes for separate periods, not a series, so no line joins them; series at the same
    period are set apart sideways so that their markers never overlap, and their labels sit above and below.
    """
    width, left, gap = (380, 44, 0) if narrow else (760, 48, 40)
    panel_h, top0, step = 220, 70, 290
    panel_w = width - left - 16 if narrow else (width - left - 16 - gap * (len(panels) - 1)) / len(panels)
    height = top0 + len(panels) * step - 40 if narrow else 330
    body = legend(left, 18, [(s.style, s.label, True) for s in panels[0][1]], lines=False)
    for i, (panel_title, series) in enumerate(panels):
        x0 = left if narrow else left + i * (panel_w + gap)
        top = top0 + i * step if narrow else top0
        bottom = top + panel_h
        y = Scale(0, y_max, bottom, top)
        x = Scale(x_range[0], x_range[1], x0 + 10, x0 + panel_w - 10)
        body.append(text(x0, top - 18, panel_title, weight="bold"))
        body += y_axis(y, [0, y_max / 4, y_max / 2, 3 * y_max / 4, y_max], x0, x0 + panel_w, y_fmt)
        for value, label in x_ticks:
            body.append(line(x(value), bottom, x(value), bottom + 5, MUTED))
            body.append(text(x(value), bottom + 20, label, anchor="start", size=12, fill=MUTED))
        spread = (len(series) - 1) / 2
        placed = [
            (x(px) + (k - spread) * 9, y(py), label, s.style)
            for k, s in enumerate(series)
            for px, py, label in sorted(s.points)
        ]
        for cx, cy, label, style in placed:
            body.append(marker(style, cx, cy))
            # A label goes below its point when a neighbouring point is higher, so neighbours' labels never meet.
            below = any(abs(ox - cx) < 40 and oy < cy for ox, oy, _, _ in placed)
            body.append(text(cx, cy + (20 if below else -10), label, anchor="middle", size=12, weight="bold"))
    return svg(chart_id, width, height, title, desc, body)


def dumbbells(
    chart_id: str,
    title: str,
    desc: str,
    panels: list[tuple[str, list[tuple[str, float, float]]]],
    ends: tuple[str, str],
    style: Style,
    x_max: float,
    narrow: bool = False,
) -> str:
    """Per row, an open ring at the first value joined to a smaller filled dot at the second, so that
    equal values still show both markers. When ``narrow``, each row's label sits above its dumbbell."""
    width = 380 if narrow else 760
    row_h, label_w = (40, 8) if narrow else (22, 390)
    rows = sum(len(r) for _, r in panels)
    height = 60 + rows * row_h + len(panels) * 60
    x = Scale(0, x_max, label_w + (4 if narrow else 0), width - (16 if narrow else 40))
    body = legend(8 if narrow else label_w, 18, [(style, ends[0], False), (style, ends[1], True)], lines=False)
    top = 46
    for panel_title, panel_rows in panels:
        body.append(text(8, top + 16, panel_title, weight="bold"))
        axis_y = top + 30 + len(panel_rows) * row_h
        for t in range(0, int(x_max) + 1, 10):
            body.append(line(x(t), top + 24, x(t), axis_y, GRID))
            body.append(text(x(t), axis_y + 16, f"{t}", anchor="middle", size=12, fill=MUTED))
        for j, (label, a, b) in enumerate(panel_rows):
            cy = top + 38 + j * row_h + (14 if narrow else 0)
            if narrow:
                body.append(text(8, cy - 10, label, size=12))
            else:
                body.append(text(label_w - 12, cy + 4, label, anchor="end", size=12))
            body.append(line(x(a), cy, x(b), cy, style.color, 2.5))
            body.append(marker(style, x(a), cy, filled=False, r=6))
            body.append(marker(style, x(b), cy, filled=True, r=3.5))
        top = axis_y + 34
    return svg(chart_id, width, height, title, desc, body)


def grouped_bars(
    chart_id: str,
    title: str,
    desc: str,
    categories: list[str],
    series: list[Series],
    y_max: float,
    y_step: float,
    narrow: bool = False,
) -> str:
    """One group of bars per category, one bar per series, each labelled with its value."""
    width, height, top, bottom, left = (380, 330, 50, 290, 48) if narrow else (760, 330, 50, 290, 56)
    y = Scale(0, y_max, bottom, top)
    group_w = (width - left - 16) / len(categories)
    bar_w = min(56, (group_w - 30) / len(series))
    body = legend(left, 18, [(s.style, s.label, True) for s in series])
    ticks = [i * y_step for i in range(int(y_max / y_step) + 1)]
    body += y_axis(y, ticks, left, width - 16, lambda v: f"{v:,.0f}")
    for i, category in enumerate(categories):
        gx = left + i * group_w + (group_w - bar_w * len(series)) / 2
        for k, s in enumerate(series):
            value, label = s.points[i][1], s.points[i][2]
            bx = gx + k * bar_w
            pattern = "" if k == 0 else ' stroke="#ffffff" stroke-width="2"'
            body.append(
                f'<rect x="{n(bx + 2)}" y="{n(y(value))}" width="{n(bar_w - 4)}" height="{n(bottom - y(value))}" '
                f'fill="{s.style.color}"{pattern}/>'
            )
            size = 11 if narrow else 12
            body.append(text(bx + bar_w / 2, y(value) - 6, label, anchor="middle", size=size, weight="bold"))
        body.append(text(left + (i + 0.5) * group_w, bottom + 20, category, anchor="middle", fill=MUTED))
    body.append(line(left, bottom, width - 16, bottom, INK))
    return svg(chart_id, width, height, title, desc, body)
