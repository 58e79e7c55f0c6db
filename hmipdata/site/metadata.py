"""Structured metadata: schema.org Dataset JSON-LD for each table page, a DataCatalog for the
home page, and the sitemap (with the release date as ``lastmod``)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from hmipdata.checker.safetext import safe_url
from hmipdata.checker.schema import Resource
from hmipdata.site.paths import DATABASE, FORMATS, download, table_page
from hmipdata.site.tables import unit_text


def _citations(ctx, source_ids) -> list[dict]:
    sources = ctx.sources()
    out = []
    for sid in source_ids:
        s = sources.get(sid, {})
        item = {"@type": "CreativeWork", "name": s.get("title") or sid, "identifier": sid}
        if s.get("publisher"):
            item["publisher"] = {"@type": "Organization", "name": s["publisher"]}
        if s.get("publication_date"):
            item["datePublished"] = s["publication_date"]
        if safe_url(s.get("url")):
            item["url"] = safe_url(s.get("url"))
        out.append(item)
    return out


def temporal_coverage(ctx, resource: Resource) -> str | None:
    """ISO 8601 interval spanned by the table's dates (or years), e.g. ``2020-03-01/2020-09-28``."""
    frame = ctx.frames.get(resource.name)
    if frame is None:
        return None
    dates, years = [], []
    for f in resource.schema.fields:
        if f.name not in frame.columns:
            continue
        values = frame[f.name].dropna().tolist()
        if f.type == "date":
            dates += [str(v)[:10] for v in values]
        elif f.type == "year":
            years += [int(v) for v in values]
    if dates:
        return f"{min(dates)}/{max(dates)}"
    if years:
        return f"{min(years)}/{max(years)}"
    return None


def _spatial(ctx) -> dict | None:
    area = ctx.project.meta.get("spatialCoverage")
    return {"@type": "Place", "name": str(area)} if area else None


def _keywords(ctx) -> list[str]:
    return [str(k) for k in ctx.project.meta.get("keywords") or []]


def _organisation(name: str) -> dict:
    return {"@type": "Organization", "name": name}


def data_catalog(ctx) -> dict:
    """The home page: the package as a schema.org DataCatalog of its tables."""
    meta, pub = ctx.project.meta, ctx.publication
    data = {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "@id": ctx.base_url,
        "name": meta.get("title", pub.site_name),
        "description": str(meta.get("description", "")).strip(),
        "url": ctx.base_url,
        "version": ctx.version,
        "license": pub.licence_url,
        "inLanguage": "en-GB",
        "keywords": _keywords(ctx),
        "creator": _organisation(", ".join(pub.authors)),
        "publisher": _organisation(pub.publisher),
        "dataset": [
            {"@type": "Dataset", "@id": ctx.url(table_page(r)), "name": r.title, "url": ctx.url(table_page(r))}
            for r in ctx.project.published
        ],
    }
    if meta.get("homepage"):
        data["sameAs"] = str(meta["homepage"])
    if _spatial(ctx):
        data["spatialCoverage"] = _spatial(ctx)
    if ctx.release_date:
        data["datePublished"] = ctx.release_date
    return data


def dataset(ctx, resource: Resource) -> dict:
    """A schema.org Dataset describing one published table and its downloads."""
    pub = ctx.publication
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": ctx.url(table_page(resource)),
        "name": resource.title,
        "alternateName": resource.name,
        "description": resource.description or resource.title,
        "url": ctx.url(table_page(resource)),
        "identifier": f"{pub.site_name}:{resource.name}",
        "version": ctx.version,
        "license": pub.licence_url,
        "isAccessibleForFree": True,
        "inLanguage": "en-GB",
        "creator": _organisation(", ".join(pub.authors)),
        "publisher": _organisation(pub.publisher),
        "copyrightHolder": _organisation(pub.copyright),
        "isPartOf": {"@type": "DataCatalog", "name": ctx.project.meta.get("title", pub.site_name), "url": ctx.base_url},
        "isBasedOn": _citations(ctx, resource.sources),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f"{resource.name} ({label})",
                "encodingFormat": media,
                "contentUrl": ctx.url(download(resource, suffix)),
            }
            for suffix, label, media in FORMATS
        ]
        + [
            {
                "@type": "DataDownload",
                "name": f"{pub.site_name} DuckDB database (all tables)",
                "encodingFormat": "application/vnd.duckdb",
                "contentUrl": ctx.url(DATABASE),
            }
        ],
        "variableMeasured": [
            {
                "@type": "PropertyValue",
                "name": f.name,
                "description": f.description or f.title,
                **({"unitText": unit_text(f)} if unit_text(f) else {}),
            }
            for f in resource.schema.fields
        ],
    }
    if _keywords(ctx):
        data["keywords"] = _keywords(ctx)
    coverage = temporal_coverage(ctx, resource)
    if coverage:
        data["temporalCoverage"] = coverage
    if _spatial(ctx):
        data["spatialCoverage"] = _spatial(ctx)
    if ctx.release_date:
        data["datePublished"] = ctx.release_date
    return data


def last_modified(ctx) -> str | None:
    """The date of the version the site shows: its release date, else its CHANGELOG.md date, else the
    newest CHANGELOG.md date (an unreleased version without an entry yet)."""
    if ctx.release_date:
        return ctx.release_date
    own = next((e.date for e in ctx.changelog if e.version == ctx.version), None)
    return own or max((e.date for e in ctx.changelog), default=None)


def sitemap(ctx, pages: list[str]) -> str:
    when = last_modified(ctx)
    lastmod = f"<lastmod>{when}</lastmod>" if when else ""
    urls = "".join(
        f"<url><loc>{escape(ctx.base_url if p == 'index.html' else ctx.url(p))}</loc>{lastmod}</url>\n"
        for p in sorted(pages)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n"
    )


def robots(ctx) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {ctx.url('sitemap.xml')}\n"
