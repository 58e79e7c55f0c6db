"""HTML building blocks: escaping, a small safe Markdown subset, links and the page frame (a Jinja2 template).

Every piece of text from data or schemas passes through :func:`esc` (or
:func:`inline`, which escapes first), so no cell can inject markup.
"""

from __future__ import annotations

import functools
import html
import json
import posixpath
import re
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from hmipdata.checker.safetext import partial_date
from hmipdata.project.publication import Publication

NAV = (
    ("index.html", "Home"),
    ("index.html#tables", "Tables"),
    ("dictionary.html", "Data dictionary"),
    ("anomalies.html", "Anomalies"),
    ("releases.html", "Releases"),
    ("sql.html", "SQL in the browser"),
    ("cite.html", "How to cite"),
    ("search.html", "Search"),
)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)


def esc(value) -> str:
    """Escape text for HTML content and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^\s)]+)\)")


def inline(text: str) -> str:
    """Escape, then render `code`, **bold** and [text](https://...) links."""
    out = esc(text)
    out = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", out)
    out = _BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", out)
    return _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', out)


def markdown(text: str, heading_level: int = 3) -> str:
    """A safe subset of Markdown: headings, bullet lists and paragraphs."""
    blocks, items, para = [], [], []

    def flush() -> None:
        if para:
            blocks.append(f"<p>{inline(' '.join(para))}</p>")
            para.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if not line:
            flush()
        elif heading:
            flush()
            level = min(6, heading_level + len(heading.group(1)) - 3)
            blocks.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif re.match(r"^[-*]\s+", line):
            if para:
                flush()
            items.append(re.sub(r"^[-*]\s+", "", line))
        elif items and raw.startswith((" ", "\t")):
            items[-1] += " " + line
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return "\n".join(blocks)


def rel(page: str, target: str) -> str:
    """Relative URL from the site page ``page`` to the site path ``target`` (may carry #fragment)."""
    path, _, fragment = target.partition("#")
    if not path:
        return "#" + fragment
    here = posixpath.dirname(page)
    url = posixpath.relpath(path, here or ".")
    return url + ("#" + fragment if fragment else "")


def link(page: str, target: str, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return f'<a href="{esc(rel(page, target))}"{extra}>{esc(text)}</a>'


def json_ld(data: dict) -> str:
    """A JSON-LD script block that cannot close its <script> element early."""
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def human_bytes(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}" if size < 10 else f"{size:.0f} {unit}"
    return f"{size:.0f} GB"


def long_date(iso: str) -> str:
    """'2026-11-23' -> '23 November 2026' (GOV.UK style); partial dates kept readable."""
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    found = partial_date(iso)
    if found is None:  # not a real date: shown as written (validation reports it)
        return iso or ""
    year, month, day = found
    if month is None:
        return str(year)
    return f"{day} {months[month - 1]} {year}" if day else f"{months[month - 1]} {year}"


@dataclass(frozen=True)
class Page:
    """One HTML page of the site, before it is framed."""

    path: str
    title: str
    body: str
    description: str = ""
    head: str = ""
    scripts: tuple[str, ...] = ()


def _escaped(value) -> Markup:
    """A template value escaped as :func:`esc` does, so the shell spells entities as the pages do
    (markupsafe would write ``&#34;`` where ``esc`` writes ``&quot;``)."""
    return value if isinstance(value, Markup) else Markup(esc(value))


@functools.cache
def _templates() -> jinja2.Environment:
    """The page shell's templates (``site/templates/``), escaping every value not marked safe."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("hmipdata.site", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=_escaped,
    )


def frame(page: Page, *, canonical: str, version_line: str, publication: Publication, report_url: str = "") -> str:
    """The full document: head, skip link, header with navigation, main, footer naming publisher and licence.

    ``page.body``, ``page.head`` and ``version_line`` are HTML already; everything else is escaped by the template."""
    title = page.title if page.path == "index.html" else f"{page.title} – {publication.site_name}"
    return (
        _templates()
        .get_template("page.html")
        .render(
            page=page,
            pub=publication,
            title=title,
            description=page.description or page.title,
            canonical=canonical,
            csp=Markup(CSP),
            head=Markup(page.head),
            body=Markup(page.body),
            version_line=Markup(version_line),
            report_url=report_url,
            nav=NAV,
            scripts=("assets/site.js", *page.scripts),
            to=lambda target: rel(page.path, target),
        )
    )


def breadcrumbs(page: str, trail: list[tuple[str, str]], current: str) -> str:
    items = [f"<li>{link(page, target, text)}</li>" for target, text in trail]
    items.append(f'<li aria-current="page">{esc(current)}</li>')
    return f'<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>{"".join(items)}</ol></nav>'


def simple_table(
    caption: str,
    headers: list[str],
    rows: list[list[str]],
    *,
    row_headers: bool = True,
    numeric: tuple[int, ...] = (),
    cls: str = "plain",
) -> str:
    """A plain table; cells are HTML already escaped by the caller, headers are text."""
    num_cls = ' class="num"'
    head = "".join(f'<th scope="col"{num_cls if i in numeric else ""}>{esc(h)}</th>' for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            num = ' class="num"' if i in numeric else ""
            cells.append(f'<th scope="row"{num}>{cell}</th>' if i == 0 and row_headers else f"<td{num}>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="table-scroll" role="region" aria-label="{esc(caption)}" tabindex="0">'
        f'<table class="{cls}"><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
