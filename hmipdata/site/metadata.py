"""Structured metadata: schema.org Dataset JSON-LD for each table page, and the sitemap."""

from __future__ import annotations

from xml.sax.saxutils import escape

from hmipdata.safetext import safe_url
from hmipdata.schema import Resource
from hmipdata.site.paths import DATABASE, FORMATS, download, table_page
from hmipdata.site.tables import unit_text
from hmipdata.site.workbook import LICENCE_URL

PUBLISHER = {"@type": "Organization", "name": "HM Inspectorate of Probation"}


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


def dataset(ctx, resource: Resource) -> dict:
    """A schema.org Dataset describing one published table and its downloads."""
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": ctx.url(table_page(resource)),
        "name": resource.title,
        "alternateName": resource.name,
        "description": resource.description or resource.title,
        "url": ctx.url(table_page(resource)),
        "identifier": f"hmipdata:{resource.name}",
        "version": ctx.version,
        "license": LICENCE_URL,
        "isAccessibleForFree": True,
        "inLanguage": "en-GB",
        "creator": {"@type": "Organization", "name": "hmipdata contributors"},
        "publisher": PUBLISHER,
        "copyrightHolder": {"@type": "Organization", "name": "Crown copyright"},
        "isPartOf": {"@type": "DataCatalog", "name": ctx.project.meta.get("title", "hmipdata"), "url": ctx.base_url},
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
                "name": "hmipdata DuckDB database (all tables)",
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
    if ctx.release_date:
        data["datePublished"] = ctx.release_date
    return data


def sitemap(ctx, pages: list[str]) -> str:
    urls = "".join(
        f"<url><loc>{escape(ctx.base_url if p == 'index.html' else ctx.url(p))}</loc></url>\n" for p in sorted(pages)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n"
    )


def robots(ctx) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {ctx.url('sitemap.xml')}\n"
