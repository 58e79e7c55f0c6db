"""ODS (OpenDocument spreadsheet) written directly as ODF XML.

Every text cell has ``office:value-type="string"`` (never a formula);
numbers, dates and booleans keep their types.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from hmipdata.site.spreadsheets import XML_HEAD, fixed_time, write_zip
from hmipdata.site.spreadsheets import xml_text as _x
from hmipdata.site.workbook import Workbook

ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"'
)
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def _ods_text(text: str) -> str:
    """Text as ODF paragraphs: one per line, tabs and runs of spaces kept."""
    paragraphs = []
    for part in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        out = _x(part).replace("\t", "<text:tab/>")
        out = re.sub(r"(?<= ) +|^ +", lambda m: f'<text:s text:c="{len(m.group(0))}"/>', out)
        paragraphs.append(f"<text:p>{out}</text:p>")
    return "".join(paragraphs)


def _ods_cell(value: Any, bold: bool) -> str:
    style = ' table:style-name="bold"' if bold else ""
    if value is None:
        return f"<table:table-cell{style}/>"
    if isinstance(value, bool):
        attrs, shown = f'office:value-type="boolean" office:boolean-value="{str(value).lower()}"', str(value).upper()
    elif isinstance(value, (int, float)):
        shown = repr(value).removesuffix(".0")
        attrs = f'office:value-type="float" office:value="{shown}"'
    elif isinstance(value, dt.date):
        attrs, shown = f'office:value-type="date" office:date-value="{value.isoformat()}"', value.isoformat()
    else:
        attrs, shown = 'office:value-type="string"', str(value)  # text, never a formula
    return f"<table:table-cell{style} {attrs}>{_ods_text(shown)}</table:table-cell>"


def _ods_content(book: Workbook) -> str:
    widths = sorted({w for sheet in book.sheets for w in sheet.widths})
    styles = [
        '<style:style style:name="bold" style:family="table-cell">'
        '<style:text-properties fo:font-weight="bold"/></style:style>'
    ]
    styles += [
        f'<style:style style:name="w{w}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{w * 0.2:.1f}cm"/></style:style>'
        for w in widths
    ]
    tables = []
    for sheet in book.sheets:
        parts = [f'<table:table table:name="{_x(sheet.name)}">']
        parts += [f'<table:table-column table:style-name="w{w}"/>' for w in sheet.widths]
        for r, row in enumerate(sheet.rows):
            bold = r == 0 or r == sheet.header_row
            parts.append("<table:table-row>" + "".join(_ods_cell(v, bold) for v in row) + "</table:table-row>")
        parts.append("</table:table>")
        tables.append("".join(parts))
    return (
        f"{XML_HEAD}<office:document-content {ODS_NS}><office:automatic-styles>{''.join(styles)}"
        f"</office:automatic-styles><office:body><office:spreadsheet>{''.join(tables)}"
        "</office:spreadsheet></office:body></office:document-content>\n"
    )


def write_ods(book: Workbook, path: Path) -> None:
    """An OpenDocument spreadsheet, written directly as ODF XML (stable, fast)."""
    stamp = "{:04d}-{:02d}-{:02d}T00:00:00".format(*fixed_time(book.date)[:3])
    meta = (
        f"{XML_HEAD}<office:document-meta {ODS_NS}><office:meta><meta:generator>hmipdata</meta:generator>"
        f"<dc:title>{_x(book.title)}</dc:title><meta:creation-date>{stamp}</meta:creation-date>"
        f"<dc:date>{stamp}</dc:date></office:meta></office:document-meta>\n"
    )
    styles = f"{XML_HEAD}<office:document-styles {ODS_NS}><office:styles/></office:document-styles>\n"
    manifest = (
        f'{XML_HEAD}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}" manifest:version="1.3"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>\n"
    )
    entries = [
        ("mimetype", ODS_MIMETYPE),
        ("content.xml", _ods_content(book)),
        ("styles.xml", styles),
        ("meta.xml", meta),
        ("META-INF/manifest.xml", manifest),
    ]
    write_zip(path, entries, book.date, stored=("mimetype",))
