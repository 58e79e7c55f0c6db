"""Open a CSV (or Parquet) file in DuckDB as numbered text columns.

The file's cells are read as text, whatever the schema says, so that every
cell can be checked and reported. Structural problems (encoding, ragged rows,
bad quoting, header) become issues; rows are numbered as an editor shows
them (physical lines, counting quoted newlines and blank lines).
"""

from __future__ import annotations

import codecs
import csv
import io
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from hmipdata.checker.errors import Issue, Report
from hmipdata.checker.sqlrules import MAX_CELL_BYTES, ident, literal

CHUNK = 1 << 20
MAX_COLUMNS = 2_000  # documented cap on a table's width
MAX_FIELD_BYTES = MAX_CELL_BYTES  # documented cap: one cell may hold at most 1 MiB
csv.field_size_limit(MAX_FIELD_BYTES)

REJECT_CODES = {
    "TOO MANY COLUMNS": ("extra-cell", "row has more cells than the header"),
    "MISSING COLUMNS": ("missing-cell", "row has fewer cells than the header"),
    "INVALID ENCODING": ("encoding-error", "text is not valid UTF-8"),
    "UNQUOTED VALUE": ("source-error", "a quote character appears inside an unquoted cell"),
    "LINE SIZE OVER MAXIMUM": ("source-error", "line is longer than the size cap"),
    "INVALID STATE": ("source-error", "the CSV quoting is broken here"),
    "CAST": ("source-error", "cell cannot be read"),
}


@dataclass(frozen=True)
class Layout:
    """What one fast pass over a file's bytes tells: NUL bytes and the number of lines."""

    nul_offset: int | None
    newlines: int
    ends_with_newline: bool

    @property
    def lines(self) -> int:
        return self.newlines + (0 if self.ends_with_newline else 1)


@dataclass
class TextTable:
    """A view ``name`` with columns ``c0..cN`` (text) and ``__row`` (1-based record number).

    ``source`` is the same rows without ``__row`` (numbering rows forces DuckDB to
    scan on one thread; an empty cell may read as NULL there); ``row_sql`` numbers
    the rows of a table created from ``source`` in order (``rowid + 1``, since
    DuckDB keeps insertion order). Broken rows (ragged, bad quoting, bad UTF-8)
    are skipped and recorded in DuckDB's reject tables.
    """

    name: str
    path: Path
    label: str
    header: list[str]
    report: Report = field(default_factory=Report)
    readable: bool = True
    is_parquet: bool = False
    has_line_column: bool = False
    source: str = ""
    row_sql: str = "__row"
    scratch: str | None = None  # an attached database for the checked table (compressed, spills well)
    header_lines: int = 1
    csv_options: dict = field(default_factory=dict)  # Python csv.reader keywords of the file's dialect
    _fast_rows: int = 0  # records counted by the fast path (hmipdata/checker/fastpath.py)
    _checked_columns: tuple = ((), ())  # mask and key columns of the last checked_select
    _rejected_lines: list[int] = field(default_factory=list)
    _multiline: bool | None = None
    _layout: Future | None = None
    _blank_lines: list[int] | None = None

    @property
    def columns(self) -> list[str]:
        return [f"c{i}" for i in range(len(self.header))]

    def issue(self, code: str, message: str, **kw) -> None:
        self.report.add(Issue(code, message, path=self.label, **kw))

    def layout(self) -> Layout | None:
        """The byte-level layout of a CSV file (computed in the background), or None."""
        return self._layout.result() if self._layout is not None else None


def _sniff_bytes(path: Path) -> tuple[bytes, str | None]:
    """First chunk of the file and an encoding problem, if the start shows one."""
    with path.open("rb") as fh:
        head = fh.read(CHUNK)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(head) > 1 and head[1:2] == b"\x00" and head[0:1] != b"\x00"
    ):
        return head, "the file is UTF-16; save it as UTF-8"
    return head, None


def scan_layout(path: Path) -> Layout:
    """Find the first NUL byte and count newlines, in one pass (numpy, over 1 GB/s)."""
    import numpy as np

    offset, newlines, nul, last = 0, 0, None, b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK * 8):
            data = np.frombuffer(chunk, np.uint8)
            newlines += int(np.count_nonzero(data == 10))
            if nul is None and (zero := data == 0).any():
                nul = offset + int(np.argmax(zero))
            offset += len(chunk)
            last = chunk[-1:]
    return Layout(nul, newlines, last == b"\n")


def has_empty_line(path: Path) -> bool:
    """True when the bytes hold "\n\n" or "\n\r\n": an empty line (or one inside a quoted cell)."""
    import numpy as np

    prev = b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK * 8):
            data = np.frombuffer(prev + chunk, np.uint8)
            eq = data == 10
            if (eq[1:] & eq[:-1]).any() or (eq[2:] & (data[1:-1] == 13) & eq[:-2]).any():
                return True
            prev = chunk[-2:]
    return False


_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hmipdata-layout")


def line_at_offsets(path: Path, offsets: list[int]) -> dict[int, int]:
    """Physical line number (1-based) at each byte offset, in one pass."""
    wanted = sorted(set(offsets))
    result: dict[int, int] = {}
    line, base, i = 1, 0, 0
    with path.open("rb") as fh:
        while i < len(wanted) and (chunk := fh.read(CHUNK)):
            end = base + len(chunk)
            while i < len(wanted) and wanted[i] < end:
                result[wanted[i]] = line + chunk.count(b"\n", 0, wanted[i] - base)
                i += 1
            line += chunk.count(b"\n")
            base = end
    for off in wanted[i:]:
        result[off] = line
    return result


def _read_header(head: bytes, options: dict | None = None) -> list[str] | None:
    text = head.decode("utf-8-sig", errors="replace")
    rows = csv.reader(io.StringIO(text, newline=""), **(options or {}))
    for row in rows:
        return row
    return None


def _reader_options(dialect) -> str:
    """DuckDB read_csv options for the dialect's delimiter, quote and escape characters."""
    if dialect is None:
        return "delim=',', quote='\"', escape='\"'"
    quote = dialect.quote_char
    escape = dialect.escape_char or quote
    return f"delim={literal(dialect.delimiter)}, quote={literal(quote)}, escape={literal(escape)}"


def csv_reader(files: str, columns: list[str], dialect, name: str, nullstr: bool = True, hive: bool = False) -> str:
    """DuckDB ``read_csv`` of ``files`` (SQL: a path or a list) as text columns, broken rows to ``name``'s reject tables.

    ``nullstr`` keeps an empty cell an empty string (not NULL), at some cost in time;
    ``hive`` adds the partition columns of hive-style paths.
    """
    typed = "{" + ", ".join(f"{literal(c)}: 'VARCHAR'" for c in columns) + "}"
    empty = ", nullstr='\x01\x02'" if nullstr else ""
    partitions = ", hive_partitioning=true" if hive else ""
    return (
        f"read_csv({files}, header=true, auto_detect=false, columns={typed}, "
        f"{_reader_options(dialect)}, strict_mode=true, ignore_errors=true, "
        f"store_rejects=true, rejects_table={literal(name + '__rejects')}, "
        f"rejects_scan={literal(name + '__scans')}{empty}, "
        f"max_line_size={MAX_FIELD_BYTES * 2}{partitions})"
    )


def open_csv(con, path: Path, label: str, name: str, dialect=None) -> TextTable:
    """Register ``path`` as text view ``name``; structural issues go to its report.

    ``dialect`` (hmipdata.checker.dialect.Dialect) gives the delimiter, quote and escape
    characters; the file must already be UTF-8 with one header line.
    """
    table = TextTable(name, path, label, [])
    table.csv_options = dialect.csv_kwargs() if dialect is not None else {}
    head, problem = _sniff_bytes(path)
    if not head.strip(b"\xef\xbb\xbf \r\n\t"):
        table.issue("empty-file", "the file is empty")
        table.readable = False
        return table
    from hmipdata.checker.rawtext import blank_first_line, blank_first_line_issue

    if blank_first_line(head):
        table.report.add(blank_first_line_issue(label))
        table.readable = False
        return table
    if problem:
        table.issue("encoding-error", problem, row=1)
        table.readable = False
        return table
    if len(head) < CHUNK:  # small file: check it now, no thread needed
        done: Future = Future()
        done.set_result(scan_layout(path))
        table._layout = done
    else:  # large file: the pass runs while DuckDB scans (see check_nul)
        table._layout = _POOL.submit(scan_layout, path)
    if len(head) < CHUNK and not check_nul(table):
        return table
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut by the chunk end
            line = head.count(b"\n", 0, exc.start) + 1
            table.issue(
                "encoding-error", "text is not valid UTF-8", row=line, value=repr(head[exc.start : exc.start + 1])
            )
            table.readable = False
            return table
    header = _read_header(head, table.csv_options) or []
    table.header = [label.strip() if table.csv_options.get("skipinitialspace") else label for label in header]
    table.header_lines = 1 + _header_newlines(head, table.csv_options)
    _check_header(table)
    if not table.readable:
        return table
    reader = csv_reader(literal(str(path)), table.columns, dialect, name)
    # The same reader without ``nullstr`` (which costs time): an empty cell reads as NULL there.
    table.source = csv_reader(literal(str(path)), table.columns, dialect, name, nullstr=False)
    table.row_sql = "rowid + 1"
    con.execute(f"CREATE OR REPLACE TEMP VIEW {ident(name)} AS SELECT row_number() OVER () AS __row, * FROM {reader}")
    return table


def check_nul(table: TextTable) -> bool:
    """False (and a nul-byte issue) when the file holds a NUL byte."""
    layout = table.layout()
    if layout is None or layout.nul_offset is None:
        return True
    line = line_at_offsets(table.path, [layout.nul_offset])[layout.nul_offset]
    table.issue("nul-byte", "the file contains a NUL byte", row=line)
    table.readable = False
    return False


def _header_newlines(head: bytes, options: dict | None = None) -> int:
    """Newlines inside the header record (quoted labels may span lines)."""
    text = head.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), **(options or {}))
    next(reader, None)
    return max(reader.line_num - 1, 0)


def open_parquet(con, path: Path, label: str, name: str) -> TextTable:
    """Register a Parquet file as text view ``name`` (a corrupt or truncated file is an issue, not a crash)."""
    import duckdb

    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({literal(str(path))})").fetchall()
    except duckdb.Error as exc:
        from hmipdata.checker.rawtext import parquet_issue

        table = TextTable(name, path, label, [], is_parquet=True, readable=False)
        table.report.add(parquet_issue(label, exc))
        return table
    table = TextTable(name, path, label, [row[0] for row in described], is_parquet=True)
    _check_header(table)
    cols = ", ".join(f"CAST({ident(h)} AS VARCHAR) AS c{i}" for i, h in enumerate(table.header))
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {ident(name)} AS SELECT file_row_number + 1 AS __row, {cols} "
        f"FROM read_parquet({literal(str(path))}, file_row_number=true)"
    )
    table.source = ident(name)
    table._multiline = False
    return table


def open_relation(con, relation: str, label: str, name: str, header: list[str], line_column: str | None) -> TextTable:
    """Register a DuckDB relation (e.g. a derived table) as text view ``name``."""
    table = TextTable(name, Path(label), label, header, has_line_column=line_column is not None)
    order = f"ORDER BY {ident(line_column)}" if line_column else ""
    line = f", {ident(line_column)} AS __line" if line_column else ""
    cols = ", ".join(f"CAST({ident(h)} AS VARCHAR) AS c{i}" for i, h in enumerate(header))
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {ident(name)} AS SELECT row_number() OVER ({order}) AS __row{line}, {cols} FROM {relation}"
    )
    table.source = ident(name)
    table._multiline = False
    return table


def _check_header(table: TextTable, max_columns: int | None = MAX_COLUMNS) -> None:
    """Blank and repeated labels; more than ``max_columns`` labels (None: no cap, for the long-form path)."""
    if max_columns is not None and len(table.header) > max_columns:
        hint = f"at most {max_columns:,} columns: split the table, or check the delimiter"
        table.issue("source-error", f"the header has {len(table.header):,} columns", row=1, hint=hint)
        table.readable = False
        return
    seen: set[str] = set()
    for i, label in enumerate(table.header):
        if not label.strip():
            table.issue("blank-label", f"column {i + 1} has no name", row=1, column_number=i + 1)
        elif label in seen:
            table.issue(
                "duplicate-label", f"column name {label!r} is repeated", row=1, column=label, column_number=i + 1
            )
        seen.add(label)


def collect_rejects(con, table: TextTable, limit: int | None) -> None:
    """Turn DuckDB's rejected lines into issues (call after the first scan)."""
    if table.is_parquet:
        return
    rej = ident(table.name + "__rejects")
    try:
        rows = con.execute(
            f"SELECT min(byte_position), line_byte_position, error_type, min(column_idx), any_value(csv_line) FROM {rej} "
            f"WHERE scan_id = (SELECT max(scan_id) FROM {rej}) GROUP BY line_byte_position, error_type ORDER BY 2"
        ).fetchall()
    except Exception:  # no rejects table: nothing was rejected
        return
    if not rows:
        return
    # DuckDB's line start may point at blank lines before the record: skip them.
    offsets = [(r[1] if r[1] is not None else r[0]) + _leading_newlines(r[4]) for r in rows]
    lines = line_at_offsets(table.path, offsets)
    table._rejected_lines = sorted({lines[o] for o in offsets})
    by_code: dict[str, list] = {}
    for row, off in zip(rows, offsets):
        by_code.setdefault(str(row[2]), []).append((lines[off], row))
    from hmipdata.checker.errors import Group

    for kind, items in by_code.items():
        code, message = REJECT_CODES.get(kind, ("source-error", kind.lower()))
        examples = []
        count = 0
        for line, row in items:
            value = (row[4] or "").lstrip("\r\n")
            cells = _cell_numbers(table, kind, value)
            count += len(cells) or 1
            for number in cells or [None]:
                if limit is None or len(examples) < limit:
                    examples.append(Issue(code, message, path=table.label, row=line, value=value, column_number=number))
        table.report.add_group(Group(table.label, code, None, kind.lower(), count, examples))


def _cell_numbers(table: TextTable, kind: str, line: str) -> list[int]:
    """The numbers of the missing or extra cells of a ragged row (one error per cell, as in frictionless)."""
    if kind not in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return []
    try:
        cells = next(csv.reader(io.StringIO(line, newline=""), **table.csv_options), [])
    except csv.Error:
        return []
    width = len(table.header)
    if kind == "MISSING COLUMNS":
        return list(range(len(cells) + 1, width + 1))
    return list(range(width + 1, len(cells) + 1))


def _leading_newlines(text: str | None) -> int:
    text = text or ""
    return len(text) - len(text.lstrip("\r\n"))


def physical_lines(con, table: TextTable, rows: list[int], row_count: int, embedded_newlines: int) -> dict[int, int]:
    """Map record numbers to the line numbers an editor shows."""
    if not rows:
        return {}
    if table.has_line_column:
        found = con.execute(
            f"SELECT __row, __line FROM {ident(table.name)} WHERE __row IN ({', '.join(str(int(r)) for r in rows)})"
        ).fetchall()
        return {r: line for r, line in found if line is not None}
    if table.is_parquet or table._multiline is False:
        return {r: r for r in rows}
    if is_regular(table, row_count, embedded_newlines):
        return {r: r + table.header_lines for r in rows}
    return _scan_lines(table, set(rows))[0]


def is_regular(table: TextTable, row_count: int, embedded_newlines: int = 0) -> bool:
    """True when every record of a CSV is one line: no blank lines, quoted newlines or rejected rows."""
    layout = table.layout()
    if layout is None or table._rejected_lines:
        return False
    return layout.lines == row_count + table.header_lines


def extra_lines(table: TextTable, row_count: int) -> int:
    """Lines beyond one per record (quoted newlines and blank lines), for a CSV read without rejects."""
    layout = table.layout()
    return max(layout.lines - row_count - table.header_lines, 0) if layout is not None else 0


def blank_lines(table: TextTable, row_count: int, embedded_newlines: int = 0) -> list[int]:
    """Line numbers of the empty lines of a CSV (DuckDB skips them; Frictionless reports them)."""
    layout = table.layout()
    if layout is None or table.is_parquet or table._multiline is False:
        return []
    if table._blank_lines is None:
        # Only a file with more lines than records can hold empty lines; then look for "\n\n" first.
        suspect = not is_regular(table, row_count) and has_empty_line(table.path)
        table._blank_lines = _scan_lines(table, set(), blanks=True)[1] if suspect else []
    return table._blank_lines


def _scan_lines(table: TextTable, wanted: set[int], blanks: bool = False) -> tuple[dict[int, int], list[int]]:
    """Slow path: walk the records with Python's csv module to find their lines, and the blank lines."""
    rejected = set(table._rejected_lines)
    limit = csv.field_size_limit(2**31 - 1)  # only counting lines here: an over-size cell is reported elsewhere
    try:
        return _walk_lines(table, wanted, blanks, rejected)
    finally:
        csv.field_size_limit(limit)


def _walk_lines(
    table: TextTable, wanted: set[int], blanks: bool, rejected: set[int]
) -> tuple[dict[int, int], list[int]]:
    result: dict[int, int] = {}
    found_blanks: list[int] = []
    with table.path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh, **table.csv_options)
        last_line = 0
        record = 0
        for i, row in enumerate(reader):
            start = last_line + 1
            last_line = reader.line_num
            if i == 0:
                continue
            if not row:
                found_blanks.append(start)
                continue
            if start in rejected:
                continue
            record += 1
            if record in wanted:
                result[record] = start
                if not blanks and len(result) == len(wanted):
                    break
    return result, found_blanks
