"""The command line's error boundary: every expected failure becomes one line and an exit code.

Exit codes: 0 valid, 1 invalid data, 2 usage or declaration error, 3 environment
failure (disk full, read-only or unwritable folder, permission, I/O error),
4 a bug in hmipdata (the only case that prints a traceback, with a "please
report" line; ``--debug`` prints the traceback of any failure).

The failures are a table (:data:`ERRNOS`), not a chain of conditions: an
``OSError``'s errno picks the exit code and the hint; DuckDB errors are read
for the same conditions (DuckDB reports a full disk as an ``IOException``).
"""

from __future__ import annotations

import errno
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from hmipdata.checker.safetext import first_line, one_line

EXIT_VALID, EXIT_INVALID, EXIT_USAGE, EXIT_ENVIRONMENT, EXIT_BUG = 0, 1, 2, 3, 4
EXIT_CODES = (
    "Exit codes: 0 valid, 1 invalid data, 2 usage or declaration error, "
    "3 environment failure (disk full, read-only folder, permission), 4 a bug in hmipdata (please report it)."
)
REPORT_URL = "https://github.com/hmipdata/hmipdata/issues"


@dataclass(frozen=True)
class Failure:
    """How one kind of failure is shown: its exit code and what to do about it."""

    code: int
    hint: str


ERRNOS: dict[int, Failure] = {
    errno.ENOSPC: Failure(EXIT_ENVIRONMENT, "the disk is full: free some space, then run the command again"),
    errno.EDQUOT: Failure(EXIT_ENVIRONMENT, "the disk quota is used up: free some space, then run it again"),
    errno.EROFS: Failure(EXIT_ENVIRONMENT, "the file system is read-only: run hmipdata in a writable copy"),
    errno.EACCES: Failure(EXIT_ENVIRONMENT, "permission denied: check the file's and its folder's permissions"),
    errno.EPERM: Failure(EXIT_ENVIRONMENT, "operation not permitted: check the file's and its folder's permissions"),
    errno.EIO: Failure(EXIT_ENVIRONMENT, "input/output error: check the disk"),
    errno.EPIPE: Failure(EXIT_ENVIRONMENT, "the output was closed early (a pipe into a program that stopped)"),
    errno.EMFILE: Failure(EXIT_ENVIRONMENT, "too many open files: raise the limit (ulimit -n)"),
    errno.ENOENT: Failure(EXIT_USAGE, "no such file or folder: check the path"),
    errno.ENOTDIR: Failure(EXIT_USAGE, "a part of the path is a file, not a folder: check the path"),
    errno.EISDIR: Failure(EXIT_USAGE, "this is a folder; give a file"),
    errno.ENAMETOOLONG: Failure(EXIT_USAGE, "the path is too long"),
    errno.ELOOP: Failure(EXIT_USAGE, "the path goes through a symlink (or a loop of symlinks): use a plain file"),
    errno.EEXIST: Failure(EXIT_USAGE, "something is already there: move it away"),
    errno.ENOTEMPTY: Failure(EXIT_USAGE, "the folder is not empty: move it away"),
    errno.ENXIO: Failure(EXIT_USAGE, "this is not a regular file (a FIFO or device?): give a file"),
}
# DuckDB wraps operating-system errors in its own exceptions: recognise them by their text.
DUCKDB_TEXT: dict[str, int] = {
    "no space left on device": errno.ENOSPC,
    "disk quota exceeded": errno.EDQUOT,
    "read-only file system": errno.EROFS,
    "permission denied": errno.EACCES,
    "input/output error": errno.EIO,
}


def os_failure(exc: OSError) -> tuple[int, str]:
    """Exit code and one line for an operating-system error, naming the path."""
    failure = ERRNOS.get(exc.errno or 0, Failure(EXIT_ENVIRONMENT, "check the disk and the path"))
    where = exc.filename if exc.filename is not None else ""
    also = f" -> {exc.filename2}" if getattr(exc, "filename2", None) else ""
    reason = exc.strerror or str(exc)
    return failure.code, one_line(
        f"{where}{also}: {reason} ({failure.hint})" if where else f"{reason} ({failure.hint})"
    )


def duckdb_failure(exc: Exception) -> tuple[int, str]:
    """Exit code and one line for a DuckDB error raised outside a user's query."""
    text = str(exc).lower()
    for needle, number in DUCKDB_TEXT.items():
        if needle in text:
            return ERRNOS[number].code, f"{first_line(exc)} ({ERRNOS[number].hint})"
    return EXIT_USAGE, first_line(exc)


def _own(exc: BaseException) -> tuple[int, str]:
    return getattr(exc, "exit_code", EXIT_INVALID), one_line(exc)


def _is_hmipdata(exc: BaseException) -> bool:
    from hmipdata.checker.errors import HmipdataError

    return isinstance(exc, HmipdataError)


def _is_duckdb(exc: BaseException) -> bool:
    module = type(exc).__module__ or ""
    return module.split(".")[0] in ("duckdb", "_duckdb")


# Expected failures, in order: how to recognise each, and how to show it.
KNOWN: tuple[tuple[Callable[[BaseException], bool], Callable[[BaseException], tuple[int, str]]], ...] = (
    (_is_hmipdata, _own),
    (lambda exc: isinstance(exc, OSError), os_failure),
    (lambda exc: isinstance(exc, MemoryError), lambda exc: (EXIT_ENVIRONMENT, "out of memory (free some memory)")),
    (
        lambda exc: isinstance(exc, ValueError) and "null byte" in str(exc),
        lambda exc: (EXIT_USAGE, "a path contains a NUL byte (\\0): check the path"),
    ),
    (_is_duckdb, duckdb_failure),
)


def classify(exc: BaseException) -> tuple[int, str] | None:
    """Exit code and message for an expected failure, or None for a bug."""
    return next((show(exc) for known, show in KNOWN if known(exc)), None)


def report_bug(exc: BaseException) -> int:
    """A genuine bug: the traceback, then what to do."""
    traceback.print_exception(exc, file=sys.stderr)
    print(
        f"hmipdata: internal error ({type(exc).__name__}): this is a bug in hmipdata; please report it "
        f"with the command and the traceback above at {REPORT_URL}",
        file=sys.stderr,
    )
    return EXIT_BUG


def handle(exc: BaseException, debug: bool = False) -> int:
    """Print ``exc`` as one line (or a traceback with ``debug`` or for a bug); return the exit code."""
    found = classify(exc)
    if found is None:
        return report_bug(exc)
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    code, message = found
    prefix = "hmipdata: error" if code == EXIT_USAGE else "error"
    print(f"{prefix}: {message}", file=sys.stderr)
    return code
