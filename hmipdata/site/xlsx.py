"""XLSX (Office Open XML) written directly: inline strings, typed numbers, dates and booleans.

Text is stored as text (a formula-like string gets the quote prefix and the
text number format); numbers stay numbers. Per the Analysis Function's
guidance each data sheet holds a named table (``xl/tables``), text wraps,
Excel's number-stored-as-text warning is switched off (as-printed text such
as "32.10" is text on purpose) and the document language is recorded. See :mod:`hmipdata.site.spreadsheets`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hmipdata.site.spreadsheets import XML_HEAD, fixed_time, formula_like, write_zip
from hmipdata.site.spreadsheets import xml_text as _x
from hmipdata.site.workbook import Workbook

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument"
WRAP = '<alignment vertical="top" wrapText="1"/>'
XLSX_STYLES = f"""<styleSheet xmlns="{MAIN_NS}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="3"><font><sz val="11"/><name val="Arial"/><family val="2"/></font>
<font><b/><sz val="11"/><name val="Arial"/><family val="2"/></font>
<font><b/><sz val="14"/><name val="Arial"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">{WRAP}</xf>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">{WRAP}</xf>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">{WRAP}</xf>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1" applyAlignment="1">{WRAP}</xf>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">{WRAP}</xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
BOLD, TITLE, DATE, QUOTED, TEXT = 1, 2, 3, 4, 5
TABLE_STYLE = "TableStyleLight1"
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _column(i: int) -> str:
    letters = ""
    while i:
        i, rem = divmod(i - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _xlsx_cell(ref: str, value: Any, style: int) -> str:
    if value is None:
        return f'<c r="{ref}" s="{style}"/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{DATE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    text = str(value)
    if formula_like(text):
        style = QUOTED  # shown and kept as text, never evaluated
    elif style == 0:
        style = TEXT  # the Text number format: "32.10" as printed stays text
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{_x(text)}</t></is></c>'


def _xlsx_sheet(sheet) -> str:
    rows = []
    for r, row in enumerate(sheet.rows, start=1):
        style = TITLE if r == 1 else BOLD if sheet.header_row is not None and r == sheet.header_row + 1 else 0
        cells = "".join(_xlsx_cell(f"{_column(c)}{r}", v, style) for c, v in enumerate(row, start=1))
        rows.append(f'<row r="{r}">{cells}</row>')
    pane = ""
    if sheet.header_row is not None:
        top = sheet.header_row + 1
        pane = (
            f'<pane ySplit="{top}" topLeftCell="A{top + 1}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="A{top + 1}" sqref="A{top + 1}"/>'
        )
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(sheet.widths, 1))
    links = ""
    if sheet.name == "Contents" and sheet.header_row is not None:
        targets = [(r, row[0]) for r, row in enumerate(sheet.rows, start=1) if r > sheet.header_row + 1]
        links = (
            "<hyperlinks>"
            + "".join(
                f'<hyperlink ref="A{r}" location="{_x(repr_sheet(name))}!A1" display="{_x(str(name))}"/>'
                for r, name in targets
            )
            + "</hyperlinks>"
        )
    width = max((len(row) for row in sheet.rows), default=1)
    # Text that looks like a number ("32.10" as printed) is text on purpose: no green triangles.
    ignored = (
        f'<ignoredErrors><ignoredError sqref="A1:{_column(width)}{max(len(sheet.rows), 1)}" '
        'numberStoredAsText="1"/></ignoredErrors>'
    )
    table = '<tableParts count="1"><tablePart r:id="rId1"/></tableParts>' if sheet.table else ""
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheetViews><sheetView workbookViewId="0">'
        f'{pane}</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        f"{'<cols>' + cols + '</cols>' if cols else ''}<sheetData>{''.join(rows)}</sheetData>{links}"
        f"{ignored}{table}</worksheet>"
    )


def table_ref(sheet) -> str:
    """The cell range of a data sheet's table: header row to last row."""
    top = sheet.header_row + 1
    header = sheet.rows[sheet.header_row]
    return f"A{top}:{_column(len(header))}{max(len(sheet.rows), top + 1)}"


def _xlsx_table(sheet, number: int) -> str:
    """A named Excel table (``xl/tables/tableN.xml``) over a data sheet's header and rows."""
    header = sheet.rows[sheet.header_row]
    ref = table_ref(sheet)
    columns = "".join(f'<tableColumn id="{i}" name="{_x(str(h))}"/>' for i, h in enumerate(header, start=1))
    return (
        f'{XML_HEAD}<table xmlns="{MAIN_NS}" id="{number}" name="{_x(sheet.table)}" '
        f'displayName="{_x(sheet.table)}" ref="{ref}" totalsRowShown="0"><autoFilter ref="{ref}"/>'
        f'<tableColumns count="{len(header)}">{columns}</tableColumns>'
        f'<tableStyleInfo name="{TABLE_STYLE}" showFirstColumn="0" showLastColumn="0" showRowStripes="1" '
        'showColumnStripes="0"/></table>'
    )


def repr_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def write_xlsx(book: Workbook, path: Path) -> None:
    """An Office Open XML workbook: inline strings, typed numbers, dates and booleans."""
    n = len(book.sheets)
    tables = [(i, s) for i, s in enumerate(book.sheets, start=1) if s.table]
    stamp = "{:04d}-{:02d}-{:02d}T00:00:00Z".format(*fixed_time(book.date)[:3])
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT}.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    ) + "".join(
        f'<Override PartName="/xl/tables/table{k}.xml" ContentType="{CT}.spreadsheetml.table+xml"/>'
        for k in range(1, len(tables) + 1)
    )
    types = (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{CT}.spreadsheetml.styles+xml"/>{overrides}'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{CT}.extended-properties+xml"/></Types>'
    )
    root_rels = (
        f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{REL_NS}/extended-properties" Target="docProps/app.xml"/></Relationships>'
    )
    core = (
        f'{XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_x(book.title)}</dc:title><dc:creator>hmipdata</dc:creator>"
        f"<dc:language>{_x(book.language)}</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
    )
    app = (
        f'{XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>hmipdata</Application></Properties>"
    )
    sheets = "".join(
        f'<sheet name="{_x(s.name)}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(book.sheets, start=1)
    )
    workbook = (
        f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView activeTab="0"/>'
        f"</bookViews><sheets>{sheets}</sheets></workbook>"
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    workbook_rels = (
        f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">{rels}'
        f'<Relationship Id="rId{n + 1}" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>'
    )
    entries = [
        ("[Content_Types].xml", types),
        ("_rels/.rels", root_rels),
        ("docProps/core.xml", core),
        ("docProps/app.xml", app),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        ("xl/styles.xml", XML_HEAD + XLSX_STYLES),
        *((f"xl/worksheets/sheet{i}.xml", _xlsx_sheet(s)) for i, s in enumerate(book.sheets, start=1)),
    ]
    for k, (i, sheet) in enumerate(tables, start=1):
        entries.append((f"xl/tables/table{k}.xml", _xlsx_table(sheet, k)))
        entries.append(
            (
                f"xl/worksheets/_rels/sheet{i}.xml.rels",
                f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
                f'Type="{REL_NS}/table" Target="../tables/table{k}.xml"/></Relationships>',
            )
        )
    write_zip(path, entries, book.date)
