"""ODS (OpenDocument spreadsheet) written directly as ODF XML.

Every text cell has ``office:value-type="string"`` (never a formula);
numbers, dates and booleans keep their types. Dates show in ISO 8601
(2020-03-01), text wraps, the contents sheet links to each sheet, the rows
down to each table's header are frozen, and the document language is set.
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
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.3"'
)
# Dates show as 2020-03-01 (ISO 8601), not in the reader's locale.
ISO_DATE_STYLE = (
    '<number:date-style style:name="iso-date"><number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
    "</number:date-style>"
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


def _ods_link(name: str) -> str:
    """A paragraph linking to cell A1 of sheet ``name``."""
    target = name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else "'" + name.replace("'", "''") + "'"
    return f'<text:p><text:a xlink:type="simple" xlink:href="#{_x(target)}.A1">{_x(name)}</text:a></text:p>'


def _ods_cell(value: Any, bold: bool, link: bool = False) -> str:
    style = ' table:style-name="bold"' if bold else ""
    if isinstance(value, dt.date) and not bold:
        style = ' table:style-name="date"'
    if link and isinstance(value, str):
        return f'<table:table-cell{style} office:value-type="string">{_ods_link(value)}</table:table-cell>'
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
        ISO_DATE_STYLE,
        '<style:style style:name="bold" style:family="table-cell" style:parent-style-name="Default">'
        '<style:text-properties fo:font-weight="bold"/></style:style>',
        '<style:style style:name="date" style:family="table-cell" style:parent-style-name="Default" '
        'style:data-style-name="iso-date"/>',
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
        contents = sheet.name == "Contents" and sheet.header_row is not None
        for r, row in enumerate(sheet.rows):
            bold = r == 0 or r == sheet.header_row
            link = contents and r > sheet.header_row
            cells = "".join(_ods_cell(v, bold, link and c == 0) for c, v in enumerate(row))
            parts.append(f"<table:table-row>{cells}</table:table-row>")
        parts.append("</table:table>")
        tables.append("".join(parts))
    return (
        f"{XML_HEAD}<office:document-content {ODS_NS}><office:automatic-styles>{''.join(styles)}"
        f"</office:automatic-styles><office:body><office:spreadsheet>{''.join(tables)}"
        "</office:spreadsheet></office:body></office:document-content>\n"
    )


def _config(name: str, kind: str, value: object) -> str:
    return f'<config:config-item config:name="{name}" config:type="{kind}">{value}</config:config-item>'


def _ods_settings(book: Workbook) -> str:
    """View settings: the rows down to each table's header stay in view (frozen) when scrolling."""
    tables = []
    for sheet in book.sheets:
        if sheet.header_row is None:
            continue
        top = sheet.header_row + 1
        items = (
            _config("VerticalSplitMode", "short", 2)
            + _config("VerticalSplitPosition", "int", top)
            + _config("ActiveSplitRange", "short", 2)
            + _config("PositionTop", "int", 0)
            + _config("PositionBottom", "int", top)
        )
        tables.append(
            f'<config:config-item-map-entry config:name="{_x(sheet.name)}">{items}</config:config-item-map-entry>'
        )
    view = (
        "<config:config-item-map-entry>"
        + _config("ViewId", "string", "view1")
        + '<config:config-item-map-named config:name="Tables">'
        + "".join(tables)
        + "</config:config-item-map-named>"
        + "</config:config-item-map-entry>"
    )
    return (
        f"{XML_HEAD}<office:document-settings {ODS_NS}><office:settings>"
        '<config:config-item-set config:name="ooo:view-settings">'
        f'<config:config-item-map-indexed config:name="Views">{view}</config:config-item-map-indexed>'
        "</config:config-item-set></office:settings></office:document-settings>\n"
    )


def write_ods(book: Workbook, path: Path) -> None:
    """An OpenDocument spreadsheet, written directly as ODF XML (stable, fast)."""
    stamp = "{:04d}-{:02d}-{:02d}T00:00:00".format(*fixed_time(book.date)[:3])
    meta = (
        f"{XML_HEAD}<office:document-meta {ODS_NS}><office:meta><meta:generator>hmipdata</meta:generator>"
        f"<dc:title>{_x(book.title)}</dc:title><meta:creation-date>{stamp}</meta:creation-date>"
        f"<dc:date>{stamp}</dc:date><dc:language>{_x(book.language)}</dc:language>"
        "</office:meta></office:document-meta>\n"
    )
    language, _, country = book.language.partition("-")
    styles = (
        f"{XML_HEAD}<office:document-styles {ODS_NS}><office:styles>"
        '<style:default-style style:family="table-cell">'
        '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
        f'<style:text-properties fo:language="{_x(language)}" fo:country="{_x(country)}"/></style:default-style>'
        '<style:style style:name="Default" style:family="table-cell"/>'
        "</office:styles></office:document-styles>\n"
    )
    manifest = (
        f'{XML_HEAD}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}" manifest:version="1.3"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>\n"
    )
    entries = [
        ("mimetype", ODS_MIMETYPE),
        ("content.xml", _ods_content(book)),
        ("styles.xml", styles),
        ("meta.xml", meta),
        ("settings.xml", _ods_settings(book)),
        ("META-INF/manifest.xml", manifest),
    ]
    write_zip(path, entries, book.date, stored=("mimetype",))
