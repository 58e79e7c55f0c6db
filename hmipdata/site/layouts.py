"""The source documents' own layouts, rebuilt from the tidy tables for reading.

A layout is declared in the table's schema (``site: layout:``), not coded:
which column gives the rows, which the column spanners and sub-columns, and
the words to show for coded values.
The tidy table stays the data; a layout is only another view of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hmipdata.checker.schema import Resource
from hmipdata.project.markers import marker_targets
from hmipdata.site.marks import Marks, mark_table
from hmipdata.site.tables import TableSpec, aligned, category_labels, field_label, own_decimals, render


@dataclass(frozen=True)
class Layout:
    """Rows by ``stub``; one spanner per value of ``spanner``; under it one column per value of
    ``across`` (showing ``values[0]``) or one column per value column."""

    table: str
    caption: str
    stub: str
    values: tuple[str, ...]
    spanner: str | None = None
    across: str | None = None
    group: str | None = None
    order_by: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    note: str = ""


def layout_for(resource: Resource) -> Layout | None:
    """The table's declared source layout (``site: layout:`` in its schema), or None."""
    declared = (resource.descriptor.get("site") or {}).get("layout")
    if not declared:
        return None
    values = declared["values"]
    return Layout(
        table=resource.name,
        caption=str(declared["caption"]),
        stub=declared["stub"],
        values=tuple([values] if isinstance(values, str) else values),
        spanner=declared.get("spanner"),
        across=declared.get("across"),
        group=declared.get("group"),
        order_by=declared.get("order_by"),
        labels={str(k): str(v) for k, v in (declared.get("labels") or {}).items()},
        note=str(declared.get("note") or ""),
    )


def _ordered(values, enum: list | None) -> list:
    """Distinct non-blank values, in the schema's enum order where it has one."""
    present = list(dict.fromkeys(v for v in values if v is not None and v == v))
    if enum:
        return [v for v in enum if v in present] + sorted((v for v in present if v not in enum), key=str)
    return sorted(present, key=str)


def _label(layout: Layout, value) -> str:
    return layout.labels.get(str(value), str(value))


def _rows(layout: Layout, resource: Resource, frame):
    """One row per group and stub value, in enum (else sorted) order."""
    enum = {f.name: f.constraints.get("enum") for f in resource.schema.fields}
    keys = [c for c in (layout.group, layout.stub) if c]
    order_col = layout.order_by or layout.stub
    rows = frame[[*dict.fromkeys([*keys, order_col])]].drop_duplicates(subset=keys)
    sort_cols = [c for c in (layout.group, order_col) if c]
    ranks = {c: {v: i for i, v in enumerate(_ordered(frame[c], enum.get(c)))} for c in sort_cols}
    rows = rows.sort_values(sort_cols, key=lambda col: col.map(ranks[col.name])).reset_index(drop=True)
    return rows[keys].copy(), keys


def _cells(layout: Layout, frame, wide, keys, spanner_value, across_value):
    """The part of ``frame`` under one spanner and sub-column, aligned to the rows of ``wide``."""
    part = frame
    if layout.spanner:
        part = part[part[layout.spanner] == spanner_value]
    if layout.across:
        part = part[part[layout.across] == across_value]
    merged = wide[keys].merge(part, on=keys, how="left", validate="one_to_one")
    return merged


def pivot(layout: Layout, resource: Resource, frame, origins: dict | None = None):
    """The wide frame and the TableSpec that renders it; ``origins`` (if given) receives, for each value
    column, the tidy column it shows and the ``_frame_row`` of each of its cells."""
    schema = resource.schema
    enum = {f.name: f.constraints.get("enum") for f in schema.fields}
    fields = {f.name: f for f in schema.fields}
    coded = [fields[c] for c in (layout.spanner, layout.across, layout.group) if c in fields]
    declared = {k: v for f in coded for k, v in category_labels(f).items()}
    layout = replace(layout, labels={**declared, **layout.labels})  # the layout's own words win
    wide, keys = _rows(layout, resource, frame)
    marker_of = {t: m for m, targets in marker_targets(schema).items() for t in targets}
    spec = {"formats": {}, "labels": {}, "markers": {}}
    right = []
    spanners = []
    spanner_values = _ordered(frame[layout.spanner], enum.get(layout.spanner)) if layout.spanner else [None]
    across_values = _ordered(frame[layout.across], enum.get(layout.across)) if layout.across else [None]
    values = layout.values[:1] if layout.across else layout.values
    for s_i, s_value in enumerate(spanner_values):
        columns = []
        for a_i, a_value in enumerate(across_values):
            merged = _cells(layout, frame, wide, keys, s_value, a_value)
            for v_i, value in enumerate(values):
                name = f"c{s_i}_{a_i}_{v_i}"
                wide[name] = printed(merged, value, fields[value])
                if origins is not None and "_frame_row" in merged.columns:
                    origins[name] = (value, list(merged["_frame_row"]))
                right.append(name)
                spec["labels"][name] = _label(layout, a_value) if layout.across else field_label(fields[value])
                if value in marker_of:
                    spec["markers"][name] = marker_cells_of(merged, value, marker_of[value])
                columns.append(name)
        if layout.spanner:
            spanners.append((f"{resource.name}-{s_i}", _label(layout, s_value), tuple(columns)))
    if layout.group:
        wide[layout.group] = wide[layout.group].map(lambda v: _label(layout, v))
    return wide, TableSpec(
        table_id=f"layout-{resource.name.replace('_', '-')}",
        caption=layout.caption,
        stub=layout.stub,
        stub_label=fields[layout.stub].title or layout.stub,
        group=layout.group,
        spanners=tuple(spanners),
        right=tuple(right),
        **spec,
    )


def printed(merged, value: str, f) -> list[str | None]:
    """A value column as the source prints it: its ``<value>_as_printed`` text where the table keeps one,
    else the number with its own decimals (and % for percentages); decimal points aligned."""
    if f"{value}_as_printed" in merged.columns:
        texts = [None if (v is None or v != v) else str(v) for v in merged[f"{value}_as_printed"]]
        return aligned(texts)
    suffix = "%" if f.display.get("percent") else ""
    texts = [None if (v is None or v != v) else own_decimals(float(v)) + suffix for v in merged[value]]
    return aligned(texts)


def marker_cells_of(merged, value: str, marker: str) -> dict[int, str]:
    return {
        i: m
        for i, (v, m) in enumerate(zip(merged[value], merged[marker], strict=True))
        if (v is None or v != v) and isinstance(m, str)
    }


def layout_table(resource: Resource, frame, marks: Marks | None = None) -> str | None:
    """great-tables HTML of the table in its source layout, or None if it has none."""
    layout = layout_for(resource)
    if layout is None:
        return None
    origins: dict = {}
    if marks:
        frame = frame.assign(_frame_row=range(len(frame)))
    wide, spec = pivot(layout, resource, frame, origins)
    markup = render(wide.drop(columns=["_frame_row"], errors="ignore"), spec)
    return mark_table(markup, layout_cells(wide, spec, origins, marks)) if marks else markup


def layout_cells(wide, spec: TableSpec, origins: dict, marks: Marks) -> dict[tuple[int, int], tuple[str, ...]]:
    """Anomaly marks by cell of the layout: a value's own cell when the anomaly names that value (or its
    printed text), else the row's stub."""
    visible = ([spec.stub] if spec.stub else []) + [c for c in wide.columns if c not in (spec.stub, spec.group)]
    cells: dict[tuple[int, int], set[str]] = {}
    for name, (value, rows) in origins.items():
        for r, i in enumerate(rows):
            if i is None or i != i:
                continue
            own = {
                a for (p, c), ids in marks.cells.items() if p == i and c in (value, f"{value}_as_printed") for a in ids
            }
            other = {a for (p, c), ids in marks.cells.items() if p == i for a in ids} - own
            other |= set(marks.rows.get(int(i), ()))
            if own:
                cells.setdefault((r, visible.index(name)), set()).update(own)
            if other:
                cells.setdefault((r, 0), set()).update(other)
    return {k: tuple(sorted(v)) for k, v in cells.items()}
