"""The releases page: every version with its date, changelog entry, files, checksums and changes.

Releases are read from ``build/releases/<version>/`` (``hmipdata.duckdb``,
``datapackage.json``, ``data/``, ``SHA256SUMS``, ``RELEASE-NOTES.md``);
versions and dates come from CHANGELOG.md. Release files are linked (or
copied) into the site under ``releases/<version>/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from hmipdata.project.semver import is_version, parse_version
from hmipdata.publish.content import sha256_file
from hmipdata.site.html import Page, esc, human_bytes, link, long_date, markdown, simple_table

PAGE = "releases.html"


@dataclass
class Release:
    version: str
    path: Path
    files: list[str] = field(default_factory=list)  # '/'-separated, relative to path
    checksums: dict[str, str] = field(default_factory=dict)
    checksums_from_file: bool = False


def find_releases(build: Path) -> list[Release]:
    """Release directories under build/releases, oldest first (symlinks such as latest are skipped)."""
    base = build / "releases"
    if not base.is_dir():
        return []
    out = []
    for d in sorted(
        (p for p in base.iterdir() if p.is_dir() and not p.is_symlink() and is_version(p.name)),
        key=lambda p: parse_version(p.name),
    ):
        files = sorted(p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file())
        release = Release(d.name, d, files)
        sums = d / "SHA256SUMS"
        if sums.is_file():
            release.checksums_from_file = True
            for line in sums.read_text(encoding="utf-8").splitlines():
                m = re.match(r"^([0-9a-fA-F]{64})\s+\*?(.+)$", line.strip())
                if m:
                    release.checksums[m.group(2)] = m.group(1).lower()
        else:
            release.checksums = {f: sha256_file(d / f) for f in files}
        out.append(release)
    return out


def diff_html(old: Release | None, new: Release) -> str:
    """Schema and value changes from the previous release (``hmipdata diff``)."""
    from hmipdata.publish.diff import diff_directories

    if old is None:
        return "<p>First release: every table is new.</p>"
    diff = diff_directories(old.path, new.path, old.version, new.version)
    parts = [f"<h3>Changes from {esc(old.version)}</h3>", f"<p>A {esc(diff.semver)} change.</p>"]
    if diff.schema:
        parts.append("<ul>" + "".join(f"<li>{esc(c.text)} ({esc(c.kind)})</li>" for c in diff.schema) + "</ul>")
    else:
        parts.append("<p>No table or column was added, removed or retyped.</p>")
    rows = []
    for t in diff.tables:
        if t.empty:
            continue
        examples = [f"added {k}" for k in t.added] + [f"removed {k}" for k in t.removed] + list(t.changed)
        shown = "<br>".join(esc(e) for e in examples[:5]) + (" …" if sum(t.counts) > 5 else "")
        rows.append([f"<code>{esc(t.name)}</code>", *(str(c) for c in t.counts), shown])
    if rows:
        parts.append(
            simple_table(
                f"Rows changed between {old.version} and {new.version}",
                ["Table", "Added", "Removed", "Changed", "Examples"],
                rows,
                numeric=(1, 2, 3),
            )
        )
    else:
        parts.append("<p>No value changed in the tables present in both versions.</p>")
    return "".join(parts)


def files_html(release: Release) -> str:
    rows = []
    for f in release.files:
        target = f"releases/{release.version}/{f}"
        size = human_bytes((release.path / f).stat().st_size)
        digest = release.checksums.get(f)
        shown = f'<code class="hash">{esc(digest)}</code>' if digest else "not listed (a checksum file)"
        rows.append([link(PAGE, target, f), size, shown])
    origin = "from the release's SHA256SUMS" if release.checksums_from_file else "computed when the site was built"
    return simple_table(
        f"Files of version {release.version} (SHA-256 {origin})", ["File", "Size", "SHA-256"], rows, numeric=(1,)
    )


def releases_page(ctx, releases: list[Release]) -> Page:
    entries = {e.version: e for e in ctx.changelog}
    by_version = {r.version: r for r in releases}
    versions = sorted(set(entries) | set(by_version), key=parse_version, reverse=True)
    body = [
        "<h1>Releases</h1>",
        '<p class="lede">Every version with its date, what changed and why, its files and their checksums.</p>',
    ]
    latest = releases[-1].version if releases else None
    if latest:
        body.append(
            f"<p>The newest release, {esc(latest)}, is also at {link(PAGE, 'releases/latest/datapackage.json', 'releases/latest/')}; "
            "every version's files stay at <code>releases/&lt;version&gt;/</code> for good.</p>"
        )
    if ctx.version != latest:
        body.append(
            f"<p>This site shows the current build, version {esc(ctx.version)}, which is not yet released"
            + (f"; the newest release is {esc(latest)}." if latest else ": no release has been published yet.")
            + "</p>"
        )
    for version in versions:
        entry, release = entries.get(version), by_version.get(version)
        date = f", {esc(long_date(entry.date))}" if entry else ""
        tag = " (latest)" if version == latest else ""
        section = [
            f'<section aria-labelledby="v{esc(version)}"><h2 id="v{esc(version)}">Version {esc(version)}'
            f"{date}{tag}</h2>"
        ]
        if entry:
            section.append(f'<div class="changelog">{markdown(entry.body, heading_level=3)}</div>')
        elif release and (release.path / "RELEASE-NOTES.md").is_file():
            notes = (release.path / "RELEASE-NOTES.md").read_text(encoding="utf-8")
            section.append(f'<div class="changelog">{markdown(notes, heading_level=3)}</div>')
        if release:
            section.append("<h3>Files</h3>" + files_html(release))
            index = releases.index(release)
            section.append(diff_html(releases[index - 1] if index else None, release))
        else:
            section.append("<p>The files of this version are not part of this build.</p>")
        section.append("</section>")
        body.append("".join(section))
    return Page(
        PAGE, "Releases", "\n".join(body), description=f"{ctx.publication.site_name} versions, changelog and checksums."
    )
