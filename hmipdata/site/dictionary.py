"""The data dictionary: every published table and column, generated from the schemas."""

from __future__ import annotations

from hmipdata.checker.schema import Field, Resource
from hmipdata.project.markers import SHORTHAND, is_marker, marker_targets
from hmipdata.site.html import Page, esc, inline, link
from hmipdata.site.paths import dictionary_entry, slug, table_page
from hmipdata.site.tables import unit_text

PAGE = "dictionary.html"
TYPES = {
    "string": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "true/false",
    "date": "date (YYYY-MM-DD)",
    "year": "year",
}


def constraints_text(f: Field) -> str:
    c = f.constraints
    parts = []
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if "enum" in c:
        parts.append("one of " + ", ".join(f"<code>{esc(v)}</code>" for v in c["enum"]))
    for key, word in (("minimum", "≥"), ("maximum", "≤"), ("exclusiveMinimum", ">"), ("exclusiveMaximum", "<")):
        if key in c:
            parts.append(f"{word} {esc(c[key])}")
    for key, word in (("minLength", "at least"), ("maxLength", "at most")):
        if key in c:
            parts.append(f"{word} {esc(c[key])} characters")
    if "pattern" in c:
        parts.append(f"matches <code>{esc(c['pattern'])}</code>")
    return "; ".join(parts) or "none"


def missing_text(resource: Resource, f: Field) -> str:
    """How a missing value is written, and which marker explains it."""
    if f.required:
        return "never missing"
    markers = [m for m, targets in marker_targets(resource.schema).items() if f.name in targets]
    values = resource.schema.missing_for(f)
    written = ", ".join("blank" if v == "" else f"<code>{esc(v)}</code>" for v in values) or "none"
    if markers:
        symbols = ", ".join(esc(s) for s in SHORTHAND if s in _allowed(resource, markers[0]))
        return f"{written}; the reason is in <code>{esc(markers[0])}</code> ({symbols})"
    if is_marker(f.name):
        return f"{written} when the value is given"
    return written


def _allowed(resource: Resource, marker: str) -> list[str]:
    return list(resource.schema.field(marker).constraints.get("enum") or SHORTHAND)


def _keys(resource: Resource) -> str:
    schema = resource.schema
    parts = []
    if schema.primary_key:
        parts.append("Primary key: " + ", ".join(f"<code>{esc(k)}</code>" for k in schema.primary_key))
    for fk in schema.foreign_keys:
        target = fk.resource or resource.name
        cols = ", ".join(f"<code>{esc(k)}</code>" for k in fk.fields)
        ref = ", ".join(f"<code>{esc(k)}</code>" for k in fk.reference_fields)
        parts.append(f"{cols} refers to {link(PAGE, dictionary_entry(target), target)} ({ref})")
    return "<ul>" + "".join(f"<li>{p}</li>" for p in parts) + "</ul>" if parts else ""


def table_section(resource: Resource, rows: int) -> str:
    anchor = slug(resource.name)
    head = "".join(
        f'<th scope="col">{h}</th>'
        for h in ("Column", "Title", "Type", "Unit", "Description", "Constraints", "Missing values")
    )
    body = []
    for f in resource.schema.fields:
        body.append(
            f'<tr id="{anchor}--{esc(f.name)}"><th scope="row"><code>{esc(f.name)}</code></th>'
            f"<td>{esc(f.title)}</td><td>{esc(TYPES.get(f.type, f.type))}</td>"
            f"<td>{esc(unit_text(f) or f.unit or '')}</td><td>{inline(f.description)}</td>"
            f"<td>{constraints_text(f)}</td><td>{missing_text(resource, f)}</td></tr>"
        )
    caption = f"Columns of {resource.name}"
    return (
        f'<section aria-labelledby="{anchor}"><h2 id="{anchor}"><code>{esc(resource.name)}</code>: '
        f"{esc(resource.title)}</h2>"
        f"<p>{inline(resource.description)}</p>"
        f"<p>{rows} rows. {link(PAGE, table_page(resource), 'Table page, with downloads')}.</p>"
        f"{_keys(resource)}"
        f'<div class="table-scroll" role="region" aria-label="{esc(caption)}" tabindex="0">'
        f'<table class="plain dictionary"><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div></section>"
    )


def dictionary_page(ctx) -> Page:
    tables = ctx.tables
    index = "".join(f"<li>{link(PAGE, dictionary_entry(r.name), r.name)}</li>" for r in tables)
    sections = "\n".join(table_section(r, len(ctx.frames[r.name])) for r in tables)
    body = (
        "<h1>Data dictionary</h1>"
        '<p class="lede">Every published table and column, with its type, unit, description, constraints and '
        "how a missing value is written. Generated from the schemas that also validate the data, so it cannot "
        "drift from it.</p>"
        "<p>Conventions: dates are ISO 8601; percentages are 0–100; a value the source does not give is blank, "
        "with a GSS symbol in the table's marker column ("
        + "; ".join(f"<code>{esc(k)}</code> {esc(v)}" for k, v in SHORTHAND.items())
        + ").</p>"
        f'<nav aria-label="Tables in the dictionary"><ul class="columns">{index}</ul></nav>'
        f"{sections}"
    )
    return Page(
        PAGE,
        "Data dictionary",
        body,
        description=f"Every {ctx.publication.site_name} table and column, from the schemas.",
    )
