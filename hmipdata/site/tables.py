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
    """A number as its field's display hints format it (decimals, thousands), else with its own decimals."""
    display, seps = f.display, "," if f.display.get("thousands") else ""
    if f.type in INTEGER_TYPES:
        return format(int(value), seps or "d")
    if "decimals" in display:
        return format(float(value), f"{seps}.{int(display['decimals'])}f")
    return own_decimals(float(value))


def aligned(texts: list[str | None]) -> list[str | None]:
    """Figures padded on the right with figure and punctuation spaces, so that their decimal points line up."""

    def decimals(t: str) -> int:
        digits = t.rstrip("%").rstrip()
        return len(digits) - digits.index(".") - 1 if "." in digits else 0

    widest = max((decimals(t) for t in texts if t), default=0)
    out = []
    for t in texts:
        if not t or widest == 0:
            out.append(t)
            continue
        k = decimals(t)
        pad = (POINT_SPACE if k == 0 else "") + FIGURE_SPACE * (widest - k)
        suffix = t[len(t.rstrip("%")) :]
        out.append(t[: len(t) - len(suffix)] + pad + suffix if suffix else t + pad)
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
    frame["value"] = [
        None if is_blank(v) else display_number(field_of_value, v) + suffixes.get(str(u), "")
        for v, u in zip(frame["value"], frame["unit"], strict=True)
    ]
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


def full_table(resource: Resource, frame, table_id: str | None = None, suffixes: dict | None = None) -> str:
    shown, texts = with_units(resource, frame, suffixes or {})
    shown = with_labels(resource, shown)
    spec = full_table_spec(resource, frame, table_id)
    spec = replace(spec, formats={k: v for k, v in spec.formats.items() if k not in texts}, right=texts)
    markup = render(shown, spec)
    markup = markup.replace('class="gt-wrap"', 'class="gt-wrap" data-enhance="table"', 1)
    return with_row_ids(markup, row_ids(resource, frame))
