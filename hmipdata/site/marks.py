"""Anomalies where figures are read: which rows and cells of a table each anomaly touches, and their marks.

The links come from the published ``anomaly_rows`` table (anomaly, table,
the row's primary key written ``column=value; ...``) and the register's
``column_name``: an anomaly marks a cell when the register names a column of
this table, else the whole row. A row that refers by foreign key to a touched
row (a caseload of an organisation whose name is in doubt) gets the mark on
its key cell, as a related anomaly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hmipdata.checker.schema import Resource
from hmipdata.site.html import esc, inline, link


@dataclass(frozen=True)
class Marks:
    """Anomalies of one table: by frame position (rows in page order), whole rows and single cells."""

    direct: tuple[str, ...] = ()  # anomalies that touch this table's rows (or name it in the register)
    related: tuple[str, ...] = ()  # anomalies that touch rows this table refers to by foreign key
    rows: dict[int, tuple[str, ...]] = field(default_factory=dict)
    cells: dict[tuple[int, str], tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.direct or self.related)


def _text(value) -> str:
    if value is None or value != value:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def row_key(columns, values) -> str:
    """A row's key as ``anomaly_rows`` writes it: ``column=value`` in primary-key order, joined by ``; ``."""
    return "; ".join(f"{c}={_text(v)}" for c, v in zip(columns, values, strict=True))


def _records(ctx, name: str) -> list[dict]:
    frame = ctx.frame(name)
    if frame is None or frame.empty:
        return []
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def register(ctx) -> dict[str, dict]:
    """anomaly_id -> its row of the anomalies register."""
    return {_text(r.get("anomaly_id")): r for r in _records(ctx, "anomalies")}


def _touched(ctx) -> dict[str, dict[str, list[str]]]:
    """table -> row key -> anomaly ids, from anomaly_rows."""
    out: dict[str, dict[str, list[str]]] = {}
    for r in _records(ctx, "anomaly_rows"):
        ids = out.setdefault(_text(r.get("table_name")), {}).setdefault(_text(r.get("row_key")), [])
        ids.append(_text(r.get("anomaly_id")))
    return out


def _add(target: dict, key, aid: str) -> None:
    if aid not in target.get(key, ()):
        target[key] = tuple(sorted((*target.get(key, ()), aid)))


def table_marks(ctx, resource: Resource, frame) -> Marks:
    """The anomalies touching ``resource`` and the rows and cells they mark in ``frame`` (in page order)."""
    touched, known = _touched(ctx), register(ctx)
    columns = list(frame.columns)
    pk = [k for k in resource.schema.primary_key if k in columns]
    rows: dict[int, tuple[str, ...]] = {}
    cells: dict[tuple[int, str], tuple[str, ...]] = {}
    direct = {aid for aid, r in known.items() if _text(r.get("table_name")) == resource.name}
    if pk:
        position = {row_key(pk, values): i for i, values in enumerate(frame[pk].itertuples(index=False))}
        for key, ids in touched.get(resource.name, {}).items():
            if key not in position:
                continue
            for aid in ids:
                direct.add(aid)
                entry = known.get(aid, {})
                column = _text(entry.get("column_name"))
                if _text(entry.get("table_name")) == resource.name and column in columns:
                    _add(cells, (position[key], column), aid)
                else:
                    _add(rows, position[key], aid)
    related = _related(ctx, resource, frame, touched, rows, cells) - direct
    return Marks(tuple(sorted(direct)), tuple(sorted(related)), rows, cells)


def _related(ctx, resource: Resource, frame, touched, rows: dict, cells: dict) -> set[str]:
    """Marks on the foreign-key cells of rows that refer to a touched row; returns those anomalies' ids."""
    related: set[str] = set()
    for fk in resource.schema.foreign_keys:
        target = ctx.project.resource(fk.resource) if fk.resource in touched else None
        if target is None or tuple(target.schema.primary_key) != fk.reference_fields:
            continue  # only keys that name a whole row of the referenced table
        if not all(f in frame.columns for f in fk.fields):
            continue
        for i, values in enumerate(frame[list(fk.fields)].itertuples(index=False)):
            for aid in touched[fk.resource].get(row_key(fk.reference_fields, values), []):
                if aid in rows.get(i, ()) or any(aid in ids for (p, _), ids in cells.items() if p == i):
                    continue  # already marked on this row
                _add(cells, (i, fk.fields[0]), aid)
                related.add(aid)
    return related


def anchor(aid: str) -> str:
    """The id of an anomaly's entry on a table page."""
    return "anomaly-" + re.sub(r"[^0-9a-z]+", "-", aid.lower())


def mark_html(ids) -> str:
    """Superscript links to the page's entries for ``ids``, named 'anomaly A12' for screen readers (a label, not
    hidden text: an absolutely placed span far right in a scrolling table would widen the page)."""
    links = " ".join(f'<a href="#{esc(anchor(aid))}" aria-label="anomaly {esc(aid)}">{esc(aid)}</a>' for aid in ids)
    return f'<sup class="anomaly-mark">{links}</sup>'


_ROW = re.compile(r"<tr([^>]*)>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(td|th)\b([^>]*)>(.*?)</\1>", re.S)


def mark_table(markup: str, cells: dict[tuple[int, int], tuple[str, ...]], rows: set[int] = frozenset()) -> str:
    """Marks in a great-tables body: ``cells`` maps (data row, cell position) to anomaly ids; ``rows`` are the
    data rows touched as a whole (class ``anomaly-row``). Group heading rows are not data rows."""
    head, sep, body = markup.partition('<tbody class="gt_table_body">')
    if not sep or not (cells or rows):
        return markup
    count = iter(range(10**9))

    def one_row(m: re.Match) -> str:
        attrs, inner = m.group(1), m.group(2)
        if "gt_group_heading" in inner or "gt_group_heading" in attrs:
            return m.group(0)
        r = next(count)
        positions = iter(range(10**9))

        def one_cell(c: re.Match) -> str:
            ids = cells.get((r, next(positions)))
            if not ids:
                return c.group(0)
            tag, cell_attrs, content = c.groups()
            cell_attrs = cell_attrs.replace('class="gt_row', 'class="gt_row anomaly-cell', 1)
            content = mark_html(ids) + content if "gt_right" in cell_attrs else content + mark_html(ids)
            return f"<{tag}{cell_attrs}>{content}</{tag}>"

        inner = _CELL.sub(one_cell, inner)
        if r in rows:
            attrs = ' class="anomaly-row"' + attrs
        return f"<tr{attrs}>{inner}</tr>"

    end = body.index("</tbody>") if "</tbody>" in body else len(body)
    return head + sep + _ROW.sub(one_row, body[:end]) + body[end:]


def _first_sentence(text: str) -> tuple[str, str]:
    match = re.search(r"(?<!\be\.g)(?<!\bi\.e)\.\s+(?=[A-Z(])", text)
    return (text[: match.start() + 1], text[match.end() :]) if match else (text, "")


def _entry(page: str, aid: str, row: dict, count: int) -> str:
    table, column = _text(row.get("table_name")), _text(row.get("column_name"))
    meaning, more = _first_sentence(_text(row.get("probable_meaning")))
    where = f"<code>{esc(table)}</code>" + (f", <code>{esc(column)}</code>" if column else "")
    marked = f" Marked on {count} row{'s' if count != 1 else ''} below." if count else ""
    details = f"<details><summary>Why we think so</summary><p>{inline(more)}</p></details>" if more else ""
    return (
        f'<li id="{esc(anchor(aid))}"><p><strong>{link(page, f"anomalies.html#{aid}", aid)}</strong> '
        f"({where}; {esc(_text(row.get('source_location')))}): printed <q>{esc(_text(row.get('as_printed')))}</q>. "
        f"{inline(meaning)} {inline(_text(row.get('treatment')))}{marked}</p>{details}</li>"
    )


def anomalies_section(ctx, page: str, marks: Marks) -> str:
    """The table page's list of the anomalies that touch it, each linked to the register."""
    if not marks:
        return ""
    known = register(ctx)
    counts: dict[str, set[int]] = {}
    for i, ids in marks.rows.items():
        for aid in ids:
            counts.setdefault(aid, set()).add(i)
    for (i, _), ids in marks.cells.items():
        for aid in ids:
            counts.setdefault(aid, set()).add(i)

    def items(ids) -> str:
        return "".join(_entry(page, a, known.get(a, {}), len(counts.get(a, ()))) for a in ids)

    parts = [
        '<section aria-labelledby="anomalies"><h2 id="anomalies">Anomalies</h2>'
        f"<p>Slips and doubts in the source that touch this table, from the "
        f"{link(page, 'anomalies.html', 'anomalies register')}. Values are published as printed; the marks "
        "(such as <sup>A01</sup>) in the tables below point to these notes.</p>"
    ]
    if marks.direct:
        parts.append(f'<ul class="anomalies">{items(marks.direct)}</ul>')
    if marks.related:
        parts.append(
            "<p>In rows this table refers to (marked on the referring column):</p>"
            f'<ul class="anomalies">{items(marks.related)}</ul>'
        )
    return "".join(parts) + "</section>"
