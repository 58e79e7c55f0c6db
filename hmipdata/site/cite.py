"""How to cite: a citation on every table page, the 'How to cite' page, CITATION.cff and BibTeX files.

A citation names the dataset's version and a versioned address
(``releases/<version>/...``, which never changes), the date the reader
accessed it (filled in by the page's script; the built page stays free of
clocks) and the source document with the place in it where the figures are
printed.
"""

from __future__ import annotations

import re
import textwrap

from hmipdata.checker.safetext import safe_url
from hmipdata.checker.schema import Resource
from hmipdata.site.html import Page, esc, link, long_date, rel
from hmipdata.site.paths import download, table_page

PAGE = "cite.html"
CFF = "CITATION.cff"
BIBTEX = "hmipdata.bib"
ACCESSED = '<span class="accessed" data-today="1">the date you accessed it</span>'


def bib_file(resource: Resource) -> str:
    return f"data/{resource.name.replace('_', '-')}.bib"


def _title(ctx) -> str:
    return str(ctx.project.meta.get("title", ctx.publication.site_name))


def _authors(ctx) -> list[str]:
    return list(ctx.publication.authors)


def versioned(ctx, resource: Resource | None = None) -> str:
    """The address of this version's file, which never changes once released."""
    path = download(resource, "csv") if resource else "datapackage.json"
    return ctx.url(f"releases/{ctx.version}/{path}")


def _year(ctx) -> str:
    return (ctx.release_date or "")[:4] or "n.d."


def _locations(frame) -> list[str]:
    if frame is None or "source_location" not in frame.columns:
        return []
    return sorted({str(v) for v in frame["source_location"].dropna()})


def source_text(ctx, resource: Resource, frame) -> str:
    """The source documents of a table and where in them its figures are printed, as plain text."""
    sources = ctx.sources()
    names = []
    for sid in resource.sources:
        s = sources.get(sid, {})
        who = s.get("publisher") or "publisher not stated"
        when = long_date(s.get("publication_date", "")) or "undated"
        url = safe_url(s.get("url"))
        names.append(f"{who}, {s.get('title') or sid} ({when})" + (f", {url}" if url else ""))
    where = _locations(frame)
    shown = "; ".join(where[:3]) + (f" and {len(where) - 3} more places" if len(where) > 3 else "")
    return "; ".join(names) + (f". Location: {shown}" if shown else "")


def citation_text(ctx, resource: Resource | None = None, frame=None) -> str:
    """A plain-text citation (the access date is left for the reader)."""
    what = f"{resource.title} [table {resource.name}]. In: " if resource else ""
    version = f"version {ctx.version}" + (f", released {long_date(ctx.release_date)}" if ctx.release_date else "")
    text = f"{', '.join(_authors(ctx))} ({_year(ctx)}). {what}{_title(ctx)}, {version}. {versioned(ctx, resource)}"
    if resource:
        text += f". Source: {source_text(ctx, resource, frame)}"
    return text + "."


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def bibtex(ctx, resource: Resource | None = None, frame=None) -> str:
    pub = ctx.publication
    key = f"{re.sub(r'[^a-z0-9]+', '_', pub.site_name.lower())}_{ctx.version.replace('.', '_')}" + (
        f"_{resource.name}" if resource else ""
    )
    title = f"{resource.title} ({_title(ctx)})" if resource else _title(ctx)
    fields = [
        ("author", " and ".join("{" + _bib_escape(a) + "}" for a in _authors(ctx))),
        ("title", "{" + _bib_escape(title) + "}"),
        ("year", _year(ctx)),
        ("version", ctx.version),
        ("url", versioned(ctx, resource)),
        ("publisher", "{" + _bib_escape(pub.site_name) + "}"),
        (
            "note",
            "{"
            + _bib_escape(
                f"{pub.licence_title}. "
                + (source_text(ctx, resource, frame) if resource else f"Source: {pub.publisher}, {pub.copyright}")
            )
            + "}",
        ),
    ]
    body = ",\n".join(f"  {k} = {v if v.startswith('{') else '{' + v + '}'}" for k, v in fields)
    return f"@dataset{{{key},\n{body}\n}}\n"


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cff(ctx) -> str:
    """CITATION.cff (Citation File Format 1.2.0) for this version of the dataset."""
    pub = ctx.publication
    message = f"If you use these data, please cite this version and the source documents: {pub.source_credit}."
    lines = [
        "cff-version: 1.2.0",
        "message: >-",
        *textwrap.wrap(message, width=100, initial_indent="  ", subsequent_indent="  "),
        "type: dataset",
        f"title: {_yaml(_title(ctx))}",
        f"version: {_yaml(ctx.version)}",
        f"url: {_yaml(ctx.base_url)}",
        f"repository-artifact: {_yaml(versioned(ctx))}",
        *([f"license: {pub.licence_id}"] if re.fullmatch(r"[A-Za-z0-9.+-]+", pub.licence_id) else []),
        "authors:",
        *(f"  - name: {_yaml(a)}" for a in _authors(ctx)),
    ]
    if ctx.release_date:  # after version
        lines.insert(lines.index("type: dataset") + 3, f"date-released: {_yaml(ctx.release_date)}")
    refs = []
    for s in ctx.sources().values():
        refs += [
            f"  - type: {'report' if 'report' in s.get('document_type', '') else 'generic'}",
            f"    title: {_yaml(s.get('title') or s.get('source_id', ''))}",
            f"    authors:\n      - name: {_yaml(s.get('publisher') or 'not stated')}",
        ]
        if safe_url(s.get("url")):
            refs.append(f"    url: {_yaml(safe_url(s.get('url')))}")
        if s.get("publication_date"):
            refs.append(f"    year: {_yaml(s['publication_date'][:4])}")
    if refs:
        lines += ["references:", *refs]
    return "\n".join(lines) + "\n"


def cite_section(ctx, page: str, resource: Resource, frame) -> str:
    """'Cite this table': the citation, its parts spelled out, and the BibTeX file."""
    address = esc(versioned(ctx, resource))
    text = esc(citation_text(ctx, resource, frame)).replace(address, f'<a href="{address}">{address}</a>', 1)
    for sid in resource.sources:  # each source document's own address, as a link
        url = esc(safe_url(ctx.sources().get(sid, {}).get("url")) or "")
        if url:
            text = text.replace(f", {url}", f', <a href="{url}">{url}</a>', 1)
    released = (
        "" if ctx.release_date else (" This version is not released yet: the versioned address works once it is.")
    )
    return (
        '<section aria-labelledby="cite-table"><h2 id="cite-table">Cite this table</h2>'
        f'<blockquote class="cite"><p>{text} Accessed {ACCESSED}.</p></blockquote>'
        f"<p>The address names version {esc(ctx.version)}, so it keeps pointing at these exact figures.{released}</p>"
        f'<ul class="cite-downloads"><li><a href="{esc(rel(page, bib_file(resource)))}" download>BibTeX'
        f'<span class="visually-hidden"> for {esc(resource.title)}</span></a></li>'
        f'<li><a href="{esc(rel(page, CFF))}" download>CITATION.cff</a></li>'
        f"<li>{link(page, PAGE, 'How to cite')}</li></ul></section>"
    )


def cite_page(ctx) -> Page:
    rows = "".join(
        f"<li>{link(PAGE, table_page(r), r.title)}: "
        f'<a href="{esc(bib_file(r))}" download>BibTeX<span class="visually-hidden"> for {esc(r.title)}</span></a>'
        "</li>"
        for r in ctx.tables
    )
    body = f"""<h1>How to cite</h1>
<p class="lede">Cite the version you used, with its versioned address, the date you accessed it, and the source
document of the figures (each table page gives a ready-made citation under “Cite this table”).</p>
<h2 id="dataset">The whole dataset</h2>
<blockquote class="cite"><p>{esc(citation_text(ctx))} Accessed {ACCESSED}.
{esc(ctx.publication.attribution)}</p></blockquote>
<ul class="cite-downloads"><li><a href="{CFF}" download>CITATION.cff</a></li>
<li><a href="{BIBTEX}" download>BibTeX (hmipdata.bib)</a></li></ul>
<h2 id="tables">One table</h2><ul>{rows}</ul>"""
    return Page(PAGE, "How to cite", body, description=f"How to cite {ctx.publication.site_name} and its tables.")


def write_citations(ctx, out) -> None:
    (out / CFF).write_text(cff(ctx), encoding="utf-8")
    (out / BIBTEX).write_text(bibtex(ctx), encoding="utf-8")
    for r in ctx.tables:
        target = out / bib_file(r)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(bibtex(ctx, r, ctx.frames[r.name]), encoding="utf-8")
