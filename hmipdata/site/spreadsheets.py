"""What the XLSX and ODS writers share: formula safety, XML text and reproducible zips.

Text is always stored as text: a cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is a string cell (and in XLSX carries the
quote prefix), never a formula; numbers, dates and booleans keep their types,
so a genuine negative number stays a number. Files are byte-for-byte
reproducible: fixed document dates and zip entry times. The XML is written
here rather than through openpyxl/odfpy: it is small, and ten times faster.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from hmipdata.publish.formats import FORMULA_TRIGGERS

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def formula_like(text: str) -> bool:
    """True if a spreadsheet program could read this text as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def fixed_time(date: str | None) -> tuple[int, int, int, int, int, int]:
    if date:
        d = dt.date.fromisoformat(date)
        if d.year >= 1980:
            return (d.year, d.month, d.day, 0, 0, 0)
    return (1980, 1, 1, 0, 0, 0)


def write_zip(path: Path, entries: list[tuple[str, str]], date: str | None, stored: tuple[str, ...] = ()) -> None:
    """A zip of text entries, in the given order, with fixed times: same input, same bytes."""
    when = fixed_time(date)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data.encode("utf-8"))


XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def xml_text(text: str) -> str:
    """XML-escaped text with the control characters XML forbids replaced."""
    return xml_escape(_ILLEGAL.sub("\ufffd", text), {'"': "&quot;"})
