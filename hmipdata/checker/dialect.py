"""Table Dialect (v1 CSV Dialect, v2 Table Dialect, frictionless v5 names): how a CSV file is written.

The delimiter, quote and escape characters go straight to DuckDB's reader and
Python's csv module. What DuckDB cannot do on its own (an encoding other than
UTF-8, header rows other than the first, no header, comment characters and
comment rows) is handled by writing a normalised UTF-8 copy once, with a map
from its lines back to the original file's lines, so every error still names
the line an editor shows in the file the user gave.
"""

from __future__ import annotations

import codecs
import csv
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hmipdata.checker.errors import Report, SchemaError

# v2 Table Dialect names, with frictionless v5's snake_case spellings accepted too.
_ALIASES = {
    "quote_char": "quoteChar",
    "escape_char": "escapeChar",
    "double_quote": "doubleQuote",
    "header_rows": "headerRows",
    "header_join": "headerJoin",
    "comment_char": "commentChar",
    "comment_rows": "commentRows",
    "skip_initial_space": "skipInitialSpace",
    "line_terminator": "lineTerminator",
}
KNOWN = {
    "delimiter",
    "quoteChar",
    "escapeChar",
    "doubleQuote",
    "header",
    "headerRows",
    "headerJoin",
    "commentChar",
    "commentRows",
    "skipInitialSpace",
    "lineTerminator",
    "encoding",
    "caseSensitiveHeader",
    "nullSequence",
    "csvddfVersion",
    "$schema",
    "name",
    "title",
    "description",
}


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    quote_char: str = '"'
    escape_char: str = ""
    header: bool = True
    header_rows: tuple[int, ...] = (1,)
    header_join: str = " "
    comment_char: str = ""
    comment_rows: tuple[int, ...] = ()
    encoding: str = "utf-8"
    skip_initial_space: bool = False

    @property
    def is_default(self) -> bool:
        return self == Dialect()

    @property
    def needs_copy(self) -> bool:
        """True when the file must be normalised before DuckDB reads it."""
        return (
            codecs.lookup(self.encoding).name not in ("utf-8", "utf-8-sig")
            or not self.header
            or self.header_rows != (1,)
            or bool(self.comment_char)
            or bool(self.comment_rows)
            or bool(self.escape_char)
            or self.skip_initial_space
        )

    def csv_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for Python's csv.reader."""
        kw: dict[str, Any] = {"delimiter": self.delimiter, "skipinitialspace": self.skip_initial_space}
        if self.quote_char:
            kw["quotechar"] = self.quote_char
        else:
            kw["quoting"] = csv.QUOTE_NONE
        if self.escape_char:
            kw["escapechar"] = self.escape_char
        return kw


def _char(data: dict, key: str, default: str, *, empty_ok: bool = False) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or len(value) > 1 or (not value and not empty_ok):
        raise SchemaError(f"dialect: {key!r} must be a single character, got {value!r}")
    return value


def _rows(data: dict, key: str, default: tuple[int, ...]) -> tuple[int, ...]:
    value = data.get(key, list(default))
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value):
        raise SchemaError(f"dialect: {key!r} must be a list of row numbers (1 or more), got {value!r}")
    return tuple(sorted(value))


def parse_dialect(data: dict[str, Any] | None, where: str = "dialect") -> Dialect:
    """A :class:`Dialect` from a descriptor; a mistake is a SchemaError (exit 2)."""
    if not data:
        return Dialect()
    if not isinstance(data, dict):
        raise SchemaError(f"{where}: a dialect must be a mapping")
    data = {_ALIASES.get(k, k): v for k, v in data.items()}
    unknown = sorted(set(data) - KNOWN)
    if unknown:
        raise SchemaError(f"{where}: unknown dialect properties: {', '.join(unknown)}")
    header = data.get("header", True)
    if not isinstance(header, bool):
        raise SchemaError(f"{where}: 'header' must be true or false")
    encoding = str(data.get("encoding", "utf-8"))
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise SchemaError(f"{where}: unknown encoding {encoding!r}") from None
    comment = data.get("commentChar", "")
    if not isinstance(comment, str):
        raise SchemaError(f"{where}: 'commentChar' must be text")
    return Dialect(
        delimiter=_char(data, "delimiter", ","),
        quote_char=_char(data, "quoteChar", '"', empty_ok=True),
        escape_char=_char(data, "escapeChar", "", empty_ok=True),
        header=header,
        header_rows=_rows(data, "headerRows", (1,)) if header else (),
        header_join=str(data.get("headerJoin", " ")),
        comment_char=comment,
        comment_rows=_rows(data, "commentRows", ()),
        encoding=encoding,
        skip_initial_space=bool(data.get("skipInitialSpace", False)),
    )


class DecodeProblem(Exception):
    """The file is not in its declared encoding at ``line``."""

    def __init__(self, line: int):
        super().__init__(f"not decodable at line {line}")
        self.line = line


@dataclass
class LineMap:
    """Maps lines of a normalised copy back to the original file's lines."""

    inserted: int = 0  # synthetic header lines at the top of the copy (header: false)
    removed: list[int] = field(default_factory=list)  # original lines left out, ascending

    def original(self, line: int | None) -> int | None:
        if line is None or line <= self.inserted:
            return None
        orig = line - self.inserted
        for gone in self.removed:
            if gone <= orig:
                orig += 1
            else:
                break
        return orig

    def removed_before(self, line: int) -> int:
        return bisect_right(self.removed, line)


def normalise(path: Path, dialect: Dialect, names: list[str], dest: Path) -> LineMap:
    """Rewrite ``path`` as a plain UTF-8 CSV: one header line (joined header rows, or ``names``), no comments.

    Records are read with the dialect (Python's csv module, so quoted newlines
    stay inside their record) and written with ``,`` and ``"``; a record keeps
    its number of lines, so the map from the copy's lines to the original's
    only has to skip the lines of the records left out.
    """
    mapping = LineMap()
    header_rows = set(dialect.header_rows)
    last_header = max(header_rows) if header_rows else 0
    labels: list[list[str]] = []
    with (
        path.open("r", encoding=dialect.encoding, errors="strict", newline="") as src,
        dest.open("w", encoding="utf-8", newline="") as out,
    ):
        writer = csv.writer(out, lineterminator="\n")
        if not dialect.header:
            writer.writerow(names)
            mapping.inserted = 1
        reader = csv.reader(src, **dialect.csv_kwargs())
        first_line = 1
        for number, row in _records(reader):
            lines = range(first_line, reader.line_num + 1)
            first_line = reader.line_num + 1
            if number in header_rows:
                labels.append(row)
                if number == last_header:
                    width = max(len(r) for r in labels)
                    writer.writerow(
                        [dialect.header_join.join(r[i] for r in labels if i < len(r) and r[i]) for i in range(width)]
                    )
                    mapping.removed.extend(list(lines)[1:])
                else:
                    mapping.removed.extend(lines)
                continue
            comment = bool(dialect.comment_char and row and row[0].startswith(dialect.comment_char))
            if number < last_header or number in dialect.comment_rows or comment:
                mapping.removed.extend(lines)
                continue
            if row:
                writer.writerow(row)
            else:
                out.write("\n" * len(lines))  # a blank line stays a blank line
    mapping.removed.sort()
    return mapping


def _records(reader):
    """Numbered records of a csv.reader; a decoding error becomes a DecodeProblem naming its line."""
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise DecodeProblem(reader.line_num + 1) from None
        number += 1
        yield number, row


def remap(report: Report, mapping: LineMap) -> Report:
    """The same report with line numbers of the original file."""
    for group in report.groups:
        for issue in group.examples:
            if issue.row is not None:
                issue.row = mapping.original(issue.row)
    return report
