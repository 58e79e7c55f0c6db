"""Raw CSV bytes that DuckDB's reader cannot take, found and named before (or after) it tries.

DuckDB fixes a file's line ending from its first line: a header ending in
CRLF followed by lines ending in LF, or a carriage return alone inside an
unquoted cell, stop its reader with no line number. When a scan fails,
:func:`diagnose` walks the bytes once (line by line, bounded memory) and
names the first line at fault. A first line that is blank is refused up
front: the header must be on line 1.
"""

from __future__ import annotations

from pathlib import Path

from hmipdata.checker.errors import Issue

BOM = b"\xef\xbb\xbf"
MAX_LINE = 4 << 20  # bytes read per line while diagnosing; longer lines are reported elsewhere


def blank_first_line(head: bytes) -> bool:
    """True when the file's first line is empty (or only spaces) but the file is not."""
    first = head.removeprefix(BOM).split(b"\n", 1)[0]
    return not first.strip(b" \t\r") and bool(head.strip(BOM + b" \t\r\n"))


def blank_first_line_issue(label: str) -> Issue:
    return Issue(
        "source-error",
        "the first line is blank; the header must be on line 1",
        path=label,
        row=1,
        hint="delete the blank line(s) above the header",
    )


def _line_fault(number: int, line: bytes, header_crlf: bool) -> str | None:
    body = line[:-1] if line.endswith(b"\n") else line
    crlf = body.endswith(b"\r")
    if b"\r" in (body[:-1] if crlf else body):
        return "a carriage return (CR) stands alone inside the line"
    if line.endswith(b"\n") and number > 1 and crlf != header_crlf:
        ends, header = ("CRLF", "LF") if crlf else ("LF", "CRLF")
        return f"the line ends with {ends} but the header with {header} (mixed line endings)"
    return None


def find_line_fault(path: Path) -> tuple[int, str] | None:
    """The first line with a lone CR or a line ending unlike the header's, and what is wrong with it."""
    header_crlf = False
    with Path(path).open("rb") as fh:
        for number, line in enumerate(iter(lambda: fh.readline(MAX_LINE), b""), 1):
            if number == 1:
                header_crlf = line.endswith(b"\r\n")
            fault = _line_fault(number, line, header_crlf)
            if fault:
                return number, fault
    return None


def diagnose(path: Path, label: str, error: Exception) -> Issue:
    """An issue for a CSV that DuckDB could not scan, at the first line at fault when one is found."""
    from hmipdata.checker.safetext import first_line

    found = find_line_fault(path)
    if found:
        line, fault = found
        hint = "save the file with one kind of line ending (LF or CRLF) and no lone CR inside cells"
        return Issue("source-error", f"the CSV cannot be read: {fault}", path=label, row=line, hint=hint)
    return Issue(
        "source-error",
        f"the CSV cannot be read ({first_line(error)})",
        path=label,
        hint="check the quoting and line endings; save as 'CSV UTF-8' and try again",
    )


def parquet_issue(label: str, error: Exception) -> Issue:
    """An issue for a Parquet file DuckDB could not read (corrupt or truncated)."""
    from hmipdata.checker.safetext import first_line

    hint = "the file is corrupt or truncated: write it again, or submit CSV"
    return Issue("source-error", f"cannot be read as Parquet ({first_line(error)})", path=label, hint=hint)
