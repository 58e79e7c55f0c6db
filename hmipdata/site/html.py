"""HTML building blocks: escaping, a small safe Markdown subset, links and the page frame.

Every piece of text from data or schemas passes through :func:`esc` (or
:func:`inline`, which escapes first), so no cell can inject markup.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass

from hmipdata.checker.safetext import partial_date

SITE_NAME = "hmipdata"
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


def frame(page: Page, *, canonical: str, version_line: str, report_url: str = "") -> str:
    """The full document: head, skip link, header with navigation, main, footer."""
    nav = []
    for target, label in NAV:
        current = ' aria-current="page"' if target == page.path else ""
        nav.append(f'<li><a href="{esc(rel(page.path, target))}"{current}>{esc(label)}</a></li>')
    scripts = "".join(
        f'\n<script type="module" src="{esc(rel(page.path, s))}"></script>' for s in ("assets/site.js", *page.scripts)
    )
    title = page.title if page.path == "index.html" else f"{page.title} – {SITE_NAME}"
    report = (
        f'<p><a href="{esc(report_url)}">Report a problem with this page or its figures</a></p>' if report_url else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>{esc(title)}</title>
<meta name="description" content="{esc(page.description or page.title)}">
<link rel="canonical" href="{esc(canonical)}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:title" content="{esc(page.title)}">
<meta property="og:description" content="{esc(page.description or page.title)}">
<meta property="og:url" content="{esc(canonical)}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{esc(rel(page.path, "assets/site.css"))}">
{page.head}</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
<div class="wrap">
<p class="site-name"><a href="{esc(rel(page.path, "index.html"))}">{SITE_NAME}</a>
<span>HM Inspectorate of Probation figures as open data</span></p>
<nav aria-label="Site"><ul>{"".join(nav)}</ul></nav>
</div>
</header>
<main id="main" class="wrap" tabindex="-1">
{page.body}
</main>
<footer class="site-footer">
<div class="wrap">
<p>{version_line}</p>{report}
<p>Data: Crown copyright, HM Inspectorate of Probation, re-published under the
<a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/">Open Government Licence v3.0</a>.
Code: MIT licence.</p>
</div>
</footer>{scripts}
</body>
</html>
"""


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
