"""Tables formatted with great-tables, from the schemas' display hints.

Number formats come from each field's ``display`` hints (``decimals``,
``percent`` for 0-100 values, ``thousands``) and type; a blank value that a
marker column explains shows its GSS shorthand. great-tables escapes every
cell; :func:`render` adds a ``<caption>`` and makes the scrolling wrapper a
focusable, labelled region. Table ids are given, so output is stable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from hmipdata.checker.schema import Field, Resource
from hmipdata.project.markers import is_blank, marker_cells
from hmipdata.site.html import esc
from hmipdata.site.marks import Marks, mark_table

INTEGER_TYPES = ("integer", "year")
NUMERIC_TYPES = ("integer", "year", "number")
FONTS = ["Liberation Sans", "Arial", "Helvetica", "sans-serif"]
WRAP_AT = 40  # text columns longer than this wrap; shorter ones stay on one line (site.css)
WRAP_CSS = "white-space: normal; min-width: 16rem; max-width: 32rem;"


@dataclass(frozen=True)
class TableSpec:
    """How one great-tables table is laid out: formats per column and the header structure."""

    table_id: str
    caption: str
    formats: dict[str, Field] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    html_labels: bool = False
    markers: dict[str, dict[int, str]] = field(default_factory=dict)
    stub: str | None = None
    stub_label: str | None = None
    group: str | None = None
    spanners: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    right: tuple[str, ...] = ()  # text columns holding figures as printed: right-aligned like numbers


def unit_text(f: Field) -> str:
    """The unit worth showing beside a column title ('' when the format already says it)."""
    unit = f.unit.strip()
    if not unit or f.display.get("percent") or unit.startswith("see ") or unit == "year":
        return ""
    return unit


def field_label(f: Field) -> str:
    """The column title, with its unit in brackets unless the title already names it."""
    unit = unit_text(f)
    title = f.title or f.name
    if not unit or unit.lower() in title.lower():
        return title
    return f"{title} ({unit})"


def _format(gt, columns: list[str], f: Field):
    display = f.display
    seps = bool(display.get("thousands"))
    if display.get("percent"):
        return gt.fmt_percent(
            columns=columns, decimals=int(display.get("decimals", 0)), scale_values=False, use_seps=seps
        )
    if f.type in INTEGER_TYPES:
        return gt.fmt_integer(columns=columns, use_seps=seps)
    if f.type == "number":
        if "decimals" in display:
            return gt.fmt_number(columns=columns, decimals=int(display["decimals"]), use_seps=seps)
        return gt.fmt_number(columns=columns, decimals=6, drop_trailing_zeros=True, use_seps=seps)
    if f.type == "boolean":
        return gt.fmt(columns=columns, fns=lambda v: "true" if v else "false")
    return gt


def render(frame, spec: TableSpec) -> str:
    """great-tables HTML for ``frame`` laid out by ``spec``."""
    import polars as pl
    from great_tables import GT, html, loc, style

    long_text = [c for c in frame.columns if c not in (spec.stub, spec.group) and _longest(frame[c]) > WRAP_AT]
    # great-tables reads polars frames cell by cell several times faster than pandas ones.
    gt = GT(pl.from_pandas(frame), id=spec.table_id, rowname_col=spec.stub, groupname_col=spec.group)
    if spec.stub and spec.stub_label:
        gt = gt.tab_stubhead(label=html(spec.stub_label) if spec.html_labels else spec.stub_label)
    by_field: dict[str, tuple[Field, list[str]]] = {}
    for column, f in spec.formats.items():
        if column in frame.columns and column != spec.stub:
            by_field.setdefault(id(f), (f, []))[1].append(column)
    for f, columns in by_field.values():
        gt = _format(gt, columns, f)
    gt = gt.sub_missing(missing_text="")
    for column, cells in spec.markers.items():
        for symbol in sorted(set(cells.values())):
            rows = [pos for pos, s in cells.items() if s == symbol]
            gt = gt.sub_missing(columns=column, rows=rows, missing_text=symbol)
    numeric = [c for c, f in spec.formats.items() if f.type in NUMERIC_TYPES and c in frame.columns]
    numeric += [c for c in spec.right if c in frame.columns and c not in numeric]
    others = [c for c in frame.columns if c not in numeric and c not in (spec.stub, spec.group)]
    gt = gt.cols_align(align="right", columns=numeric) if numeric else gt
    gt = gt.cols_align(align="left", columns=others) if others else gt
    if long_text:
        gt = gt.tab_style(style=style.css(WRAP_CSS), locations=loc.body(columns=long_text))
    gt = gt.tab_options(
        table_margin_left="0px", table_font_names=FONTS, table_font_color="#0b0c0c", column_labels_font_weight="bold"
    )
    labels = {c: (html(v) if spec.html_labels else v) for c, v in spec.labels.items() if c != spec.stub}
    if labels:
        gt = gt.cols_label(**labels)
    for spanner_id, label, columns in spec.spanners:
        gt = gt.tab_spanner(label=label, columns=list(columns), id=spanner_id)
    return finish(gt.as_raw_html(), spec.table_id, spec.caption)


FIGURE_SPACE, POINT_SPACE = "\u2007", "\u2008"


def own_decimals(value: float) -> str:
    """A number with its own decimals: 43 not 43.00, 54.9 not 54.90."""
    return f"{value:.10f}".rstrip("0").rstrip(".")


def display_number(f: Field, value) -> str:
    """A number as the source prints it: its own decimals (43, not the declared 43.00), digits grouped
    where the field's display hints say so."""
    if f.type in INTEGER_TYPES:
        return format(int(value), "," if f.display.get("thousands") else "d")
    text = own_decimals(float(value))
    if f.display.get("thousands"):
        whole, dot, fraction = text.partition(".")
        sign = "-" if whole.startswith("-") else ""
        text = sign + format(int(whole.lstrip("-")), ",") + dot + fraction
    return text


def printed_numbers(resource: Resource, frame, skip=()):
    """Decimal columns as text with their own decimals (and % for percentages), decimal points aligned."""
    columns = []
    for f in resource.schema.fields:
        if f.type != "number" or f.name in skip or f.name not in frame.columns:
            continue
        if not columns:
            frame = frame.copy()
        suffix = "%" if f.display.get("percent") else ""
        frame[f.name] = aligned([None if is_blank(v) else display_number(f, v) + suffix for v in frame[f.name]])
        columns.append(f.name)
    return frame, tuple(columns)


_FIGURE = re.compile(r"[-\u2212]?[\d,]*(?:\.(\d*))?")


def aligned(texts: list[str | None]) -> list[str | None]:
    """Figures padded after their digits with figure and punctuation spaces, so that their decimal points line
    up whatever follows them (75%, 2.5 pp)."""

    def split(t: str) -> tuple[str, int, str]:
        m = _FIGURE.match(t)
        if not any(ch.isdigit() for ch in m.group(0)):
            return t, 0, ""  # not a figure (a GSS symbol, words): padded after, like a whole number
        decimals = len(m.group(1)) if m.group(1) is not None else 0
        return t[: m.end()], decimals, t[m.end() :]

    widest = max((split(t)[1] for t in texts if t), default=0)
    out = []
    for t in texts:
        if not t or widest == 0:
            out.append(t)
            continue
        number, k, suffix = split(t)
        out.append(number + (POINT_SPACE if k == 0 else "") + FIGURE_SPACE * (widest - k) + suffix)
    return out


def _longest(column) -> int:
    if column.dtype != object:
        return 0
    return max((len(v) for v in column if isinstance(v, str)), default=0)


def finish(markup: str, table_id: str, caption: str) -> str:
    """Add a caption to great-tables' table and make its scrolling wrapper a labelled, focusable region."""
    markup = re.sub(
        r'(<table class="gt_table"[^>]*>)',
        lambda m: m.group(1) + f"\n<caption>{esc(caption)}</caption>",
        markup,
        count=1,
    )
    wrapper = f'<div id="{table_id}" style="'
    labelled = f'<div id="{table_id}" class="gt-wrap" role="region" aria-label="{esc(caption)}" tabindex="0" style="'
    return markup.replace(wrapper, labelled, 1)


def full_table_spec(resource: Resource, frame, table_id: str | None = None) -> TableSpec:
    """Every published column, titled and formatted from the schema."""
    fields = {f.name: f for f in resource.schema.fields}
    labels = {name: f'{esc(field_label(f))}<br><code class="colname">{esc(name)}</code>' for name, f in fields.items()}
    pk = resource.schema.primary_key
    stub = pk[0] if len(pk) == 1 else None
    return TableSpec(
        table_id=table_id or f"table-{resource.name.replace('_', '-')}",
        caption=f"{resource.title} ({len(frame)} rows)",
        formats=fields,
        labels=labels,
        html_labels=True,
        markers=marker_cells(frame, resource.schema),
        stub=stub,
        stub_label=labels[stub] if stub else None,
    )


def row_ids(resource: Resource, frame) -> list[str]:
    """A stable id per row from its primary key values, for permalinks (``#row-<key>``)."""
    keys = [k for k in resource.schema.primary_key if k in frame.columns] or list(frame.columns[:1])
    ids, seen = [], set()
    for values in frame[keys].itertuples(index=False):
        text = "--".join(re.sub(r"[^0-9a-z]+", "-", str(v).lower()).strip("-") for v in values)
        rid, n = f"row-{text}", 2
        while rid in seen:
            rid, n = f"row-{text}-{n}", n + 1
        seen.add(rid)
        ids.append(rid)
    return ids


def with_row_ids(markup: str, ids: list[str]) -> str:
    """Give each body row of a great-tables table its id, in order."""
    head, sep, body = markup.partition('<tbody class="gt_table_body">')
    if not sep:
        return markup
    rows = iter(ids)
    body = re.sub(r"<tr>", lambda m: f'<tr id="{esc(next(rows, ""))}">', body)
    return head + sep + body


def with_units(resource: Resource, frame, suffixes: dict[str, str]):
    """A long table's ``value`` column as text with its unit from the ``unit`` column (75%, 21 pp)."""
    names = resource.schema.field_names
    if not suffixes or "value" not in names or "unit" not in names:
        return frame, ()
    if resource.schema.field("value").type not in NUMERIC_TYPES:
        return frame, ()
    frame = frame.copy()
    field_of_value = resource.schema.field("value")
    frame["value"] = aligned(
        [
            None if is_blank(v) else display_number(field_of_value, v) + suffixes.get(str(u), "")
            for v, u in zip(frame["value"], frame["unit"], strict=True)
        ]
    )
    return frame, ("value",)


def category_labels(f: Field) -> dict[str, str]:
    """A coded column's readable labels, from the field's Table Schema ``categories`` ({value, label})."""
    out = {}
    for item in f.descriptor.get("categories") or []:
        if isinstance(item, dict) and "value" in item and item.get("label"):
            out[str(item["value"])] = str(item["label"])
    return out


def with_labels(resource: Resource, frame):
    """Coded columns shown by their readable labels (the downloads keep the codes)."""
    for f in resource.schema.fields:
        labels = category_labels(f)
        if labels and f.name in frame.columns:
            frame = frame.copy() if frame is not None else frame
            frame[f.name] = frame[f.name].map(lambda v, labels=labels: labels.get(str(v), v) if v is not None else v)
    return frame


def full_table(
    resource: Resource, frame, table_id: str | None = None, suffixes: dict | None = None, marks: Marks | None = None
) -> str:
    """Every row and column, figures with their own decimals aligned; ``marks`` puts anomaly marks in rows and cells."""
    shown, units = with_units(resource, frame, suffixes or {})
    shown, numbers = printed_numbers(resource, shown, skip=units)
    texts = (*units, *numbers)
    shown = with_labels(resource, shown)
    spec = full_table_spec(resource, frame, table_id)
    spec = replace(spec, formats={k: v for k, v in spec.formats.items() if k not in texts}, right=texts)
    markup = render(shown, spec)
    markup = markup.replace('class="gt-wrap"', 'class="gt-wrap" data-enhance="table"', 1)
    markup = with_row_ids(markup, row_ids(resource, frame))
    return _marked(markup, spec, list(frame.columns), marks) if marks else markup


def _marked(markup: str, spec: TableSpec, columns: list[str], marks: Marks) -> str:
    """Anomaly marks by cell position: the stub (or first cell) for whole rows, else the named column's cell."""
    visible = ([spec.stub] if spec.stub else []) + [c for c in columns if c != spec.stub]
    cells: dict[tuple[int, int], tuple[str, ...]] = {}
    for (row, column), ids in marks.cells.items():
        if column in visible:
            cells[(row, visible.index(column))] = ids
    for row, ids in marks.rows.items():
        cells[(row, 0)] = tuple(sorted({*cells.get((row, 0), ()), *ids}))
    return mark_table(markup, cells, set(marks.rows))
