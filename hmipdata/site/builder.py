"""Build the whole site into ``build/site``: data files, spreadsheets, pages, engine, sitemap.

The site is written to a staging directory beside its destination, under the
build lock (so a build cannot replace ``build/`` half-way), and ``build/site``
is a symlink switched to it with one atomic rename: whenever the process is
killed, ``build/site`` is the complete old site or the complete new one. Output depends only
on the inputs (no clock, stable ids and order), so two builds are identical.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from hmipdata.publish.atomic import point_symlink
from hmipdata.publish.faults import checkpoint
from hmipdata.publish.formats import downloads, register_site_writer
from hmipdata.publish.lock import build_lock, collect_site_stale
from hmipdata.site.anomalies import anomalies_page
from hmipdata.site.cite import cite_page, write_citations
from hmipdata.site.context import SiteContext, load_context
from hmipdata.site.dictionary import dictionary_page
from hmipdata.site.files import place
from hmipdata.site.html import Page, frame, link
from hmipdata.site.metadata import robots, sitemap
from hmipdata.site.ods import write_ods
from hmipdata.site.pages import home_page, logical_order, table_page_html, version_text
from hmipdata.site.paths import DATABASE, DATAPACKAGE, WORKBOOK, download, table_page
from hmipdata.site.releases import find_releases, releases_page
from hmipdata.site.search import search_page, write_index
from hmipdata.site.sqlpage import sql_page
from hmipdata.site.wasm import Engine, install_engine
from hmipdata.site.workbook import Workbook, build_workbook
from hmipdata.site.xlsx import write_xlsx

ASSETS = Path(__file__).parent / "assets"


@dataclass(frozen=True)
class SiteResult:
    path: Path
    pages: tuple[str, ...]
    engine: Engine


def write_downloads(ctx: SiteContext, out: Path) -> None:
    """Every table in each download format of the registry; the database (compact); the package; one workbook of every table."""
    place(ctx.build / DATAPACKAGE, out / DATAPACKAGE)
    # already compact (publish/outputs.py), readable by DuckDB-WASM
    shutil.copyfile(ctx.build / DATABASE, out / DATABASE)
    for resource in ctx.tables:
        for fmt in downloads():
            target = out / download(resource, fmt.extension)
            if fmt.write is not None:  # written into build/ (and each release): the site ships that file
                place(ctx.build / download(resource, fmt.extension), target)
            elif fmt.site_writer is not None:
                fmt.site_writer(ctx, resource, target)
            else:
                raise RuntimeError(f"output format {fmt.name!r} has no writer")
    _TABLE_BOOK.clear()
    everything = build_workbook(ctx, ctx.tables, f"{ctx.project.meta.get('title', 'hmipdata')}: every table")
    write_xlsx(everything, out / f"{WORKBOOK}.xlsx")
    write_ods(everything, out / f"{WORKBOOK}.ods")


_TABLE_BOOK: list = []  # [ctx, table name, workbook]: the last table's workbook, shared by its XLSX and ODS


def _table_workbook(ctx: SiteContext, resource) -> Workbook:
    if not (_TABLE_BOOK and _TABLE_BOOK[0] is ctx and _TABLE_BOOK[1] == resource.name):
        _TABLE_BOOK[:] = [
            ctx,
            resource.name,
            build_workbook(ctx, [resource], f"{ctx.publication.site_name}: {resource.title}"),
        ]
    return _TABLE_BOOK[2]


def write_table_json(ctx: SiteContext, resource, target: Path) -> None:
    """One table as JSON: its name, version, columns and rows (blank values are null), in logical order."""
    frame = logical_order(resource, ctx.frames[resource.name])
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    document = {
        "name": resource.name,
        "title": resource.title,
        "version": ctx.version,
        "licence": ctx.publication.licence_id,
        "sources": list(resource.sources),
        "fields": [{"name": f.name, "type": f.type, "title": f.title, "unit": f.unit} for f in resource.schema.fields],
        "rows": rows,
    }
    target.write_text(json.dumps(document, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")


register_site_writer("xlsx", lambda ctx, resource, target: write_xlsx(_table_workbook(ctx, resource), target))
register_site_writer("ods", lambda ctx, resource, target: write_ods(_table_workbook(ctx, resource), target))
register_site_writer("json", write_table_json)


def report_url(ctx: SiteContext, path: str) -> str:
    """The repository's issue form; on a table page, the data-correction form with the table filled in."""
    settings = ctx.project.meta.get("site") or {}
    repository = str(settings.get("repository") or ctx.project.meta.get("homepage") or "").rstrip("/")
    if not repository.startswith("https://github.com/"):
        return ""
    table = next((r.name for r in ctx.tables if table_page(r) == path), None)
    if table:
        return f"{repository}/issues/new?template=data-correction.yml&table={quote(table)}"
    return f"{repository}/issues/new/choose"


def write_pages(ctx: SiteContext, out: Path, pages: list[Page]) -> list[str]:
    for page in pages:
        footer = f"{version_text(ctx)}. {link(page.path, 'releases.html', 'All releases')}."
        canonical = ctx.base_url if page.path == "index.html" else ctx.url(page.path)
        target = out / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        page_html = frame(
            page,
            canonical=canonical,
            version_line=footer,
            publication=ctx.publication,
            report_url=report_url(ctx, page.path),
        )
        target.write_text(page_html, encoding="utf-8")
    return [p.path for p in pages]


def _swap(staging: Path, out: Path) -> None:
    """Point the symlink ``out`` at ``staging`` with one rename; remove the site it pointed at before."""
    old = out.resolve() if out.is_symlink() else None
    if out.exists() and not out.is_symlink():  # a site from before symlinks: moved aside once
        legacy = Path(tempfile.mkdtemp(prefix=".site-old-", dir=out.parent))
        os.rename(out, legacy / "site")
        old = legacy
    point_symlink(out, staging.name, out.parent / f".site-link-{os.getpid()}", "site-swap")
    checkpoint("site-swapped")
    if old is not None and old != staging.resolve() and old.parent == out.parent.resolve():
        shutil.rmtree(old, ignore_errors=True)


def build_site(
    root: Path = Path("."),
    *,
    build: Path | None = None,
    out: Path | None = None,
    base_url: str | None = None,
    node_dir: Path | None = None,
    install_npm: bool = True,
) -> SiteResult:
    """Render the site from the finished build in ``build`` (default ``root/build``) into ``out``
    (default ``build/site``)."""
    root = Path(root).resolve()
    with build_lock(root):
        return _build_site_locked(root, build, out, base_url, node_dir, install_npm)


def _build_site_locked(root, build, out, base_url, node_dir, install_npm) -> SiteResult:
    build = Path(build or root / "build").absolute()
    out = Path(out or build / "site").absolute()
    ctx = load_context(root, build, base_url)
    out.parent.mkdir(parents=True, exist_ok=True)
    collect_site_stale(out.parent)
    staging = Path(tempfile.mkdtemp(prefix=".site-new-", dir=out.parent))
    try:
        write_downloads(ctx, staging)
        for asset in ("site.css", "site.js"):
            place(ASSETS / asset, staging / "assets" / asset)
        engine = install_engine(staging, Path(node_dir or root), install_npm)
        releases = find_releases(build)
        for release in releases:
            for name in release.files:
                place(release.path / name, staging / "releases" / release.version / name)
        if releases:  # releases/latest/ holds the newest version's files, at addresses that never change
            for name in releases[-1].files:
                place(releases[-1].path / name, staging / "releases" / "latest" / name)
        write_citations(ctx, staging)
        write_index(ctx, staging, logical_order)
        pages = [
            home_page(ctx, staging),
            *(table_page_html(ctx, staging, r) for r in ctx.tables),
            dictionary_page(ctx),
            anomalies_page(ctx),
            releases_page(ctx, releases),
            sql_page(ctx, engine, staging),
            cite_page(ctx),
            search_page(ctx),
        ]
        written = write_pages(ctx, staging, pages)
        (staging / "sitemap.xml").write_text(sitemap(ctx, written), encoding="utf-8")
        (staging / "robots.txt").write_text(robots(ctx), encoding="utf-8")
        os.chmod(staging, 0o755)
        checkpoint("site-staging")
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return SiteResult(out, tuple(written), engine)
