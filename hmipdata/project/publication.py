"""Who publishes the figures and on what terms, as ``schemas/package.yaml`` declares it.

The site, spreadsheets, citation files and release notes take every
publisher, copyright and licence word from here, so the code serves any
publisher. A project that declares no ``publication`` gets neutral words built
from its name, contributors and first licence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Publication:
    site_name: str
    about: str
    publisher: str
    copyright: str
    licence_id: str
    licence_title: str
    licence_url: str
    licence_terms: str
    attribution: str
    source_credit: str
    authors: tuple[str, ...]


def _with_role(meta: dict[str, Any], role: str) -> list[str]:
    return [
        str(c["title"]) for c in meta.get("contributors") or [] if c.get("title") and role in (c.get("roles") or [])
    ]


def publication(meta: dict[str, Any]) -> Publication:
    """The declared publication words, with neutral defaults for what is not declared."""
    declared = meta.get("publication") or {}
    licence = (meta.get("licenses") or [{}])[0]
    licence_id = str(licence.get("name") or "")
    licence_title = str(licence.get("title") or licence_id or "no licence stated")
    site_name = str(declared.get("site_name") or meta.get("name") or "data")
    publisher = str(
        declared.get("publisher") or next(iter(_with_role(meta, "publisher")), "the source documents' publishers")
    )
    copyright_ = str(declared.get("copyright") or f"© {publisher}")
    return Publication(
        site_name=site_name,
        about=str(declared.get("about") or meta.get("title") or ""),
        publisher=publisher,
        copyright=copyright_,
        licence_id=licence_id,
        licence_title=licence_title,
        licence_url=str(licence.get("path") or ""),
        licence_terms=str(declared.get("licence_terms") or ""),
        attribution=str(declared.get("attribution") or f"Source: {publisher}; licensed under the {licence_title}."),
        source_credit=str(declared.get("source_credit") or f"{publisher}, {copyright_}, {licence_title}"),
        authors=tuple(_with_role(meta, "author")) or (f"{site_name} contributors",),
    )
