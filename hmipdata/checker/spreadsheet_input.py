"""Spreadsheets submitted as input (XLSX), checked before anything parses them, then read as CSV.

An XLSX file is a zip archive of XML parts. Before opening it with openpyxl we
refuse, naming the file and what to do instead:

- macro-enabled workbooks: ``.xlsm``/``.xltm`` (and binary ``.xlsb``, old
  ``.xls``), and any archive holding ``vbaProject.bin`` or a macro content type;
- zip bombs: more than :data:`MAX_ENTRIES` parts, a total uncompressed size
  over :data:`MAX_TOTAL_BYTES` (200 MiB), or a part over 1 MiB that expands
  more than :data:`MAX_RATIO` (100) times its compressed size. The sizes are
  the ones the archive declares; Python's zipfile never inflates a part past
  its declared size, so openpyxl reads at most that much;
- absurd dimensions: the used range (the cells present, not the declared
  dimension) beyond :data:`MAX_COLUMNS` columns or :data:`MAX_CELLS` cells,
  refused at the first cell past the limit;
- XML with a document type or entity declarations (``<!DOCTYPE``,
  ``<!ENTITY``: entity expansion and external entities), and XML parts that
  are not UTF-8; openpyxl then parses with defusedxml as a second guard.

The first worksheet becomes a UTF-8 CSV (header in row 1), which the normal
engine validates: blank cells stay blank, dates are written ISO 8601, formulas
give their saved values (a formula with no saved value is refused, not read as blank). Problems name the workbook and the sheet's row
(the same as the CSV's line unless a cell holds a line break).
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path

from hmipdata.checker.errors import HmipdataError, Issue, Report

MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024  # smaller parts may compress well without harm
MAX_ENTRIES = 10_000
MAX_COLUMNS = 2_000  # used columns of the first sheet
MAX_CELLS = 20_000_000  # used columns x used rows of the first sheet
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls"}
MACRO_SUFFIXES = {".xlsm", ".xltm"}
XML_SUFFIXES = (".xml", ".rels", ".vml")
DECLARATION = re.compile(rb"<!\s*(doctype|entity)", re.I)
SAVE_AS = "save it as an Excel Workbook (.xlsx) or as 'CSV UTF-8 (comma delimited)' and submit that"


class SpreadsheetRefused(HmipdataError):
    """A submitted spreadsheet is not safe or not readable; the message names the file and what to do."""

    def __init__(self, path: Path | str, problem: str, hint: str = SAVE_AS):
        super().__init__(f"{path}: {problem} ({hint})")
        self.path, self.problem, self.hint = str(path), problem, hint

    def report(self, label: str | None = None) -> Report:
        report = Report()
        report.add(Issue("source-error", self.problem, path=label or self.path, hint=self.hint))
        return report


def is_spreadsheet(path: Path) -> bool:
    return Path(path).suffix.lower() in SPREADSHEET_SUFFIXES


def _check_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> None:
    tail = b""
    with archive.open(info) as fh:
        first = True
        while chunk := fh.read(1 << 20):
            if first and (chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\0" in chunk[:4]):
                raise SpreadsheetRefused(path, f"XML part {info.filename} is not UTF-8")
            first = False
            if DECLARATION.search(tail + chunk):
                raise SpreadsheetRefused(
                    path,
                    f"XML part {info.filename} declares a document type or entities (<!DOCTYPE or <!ENTITY), "
                    "which spreadsheets never need and attacks use",
                )
            tail = chunk[-16:]


def check_archive(
    path: Path,
    *,
    max_total: int = MAX_TOTAL_BYTES,
    max_ratio: float = MAX_RATIO,
    max_entries: int = MAX_ENTRIES,
) -> None:
    """Refuse a workbook with macros, a zip bomb or unsafe XML, before any XML parser sees it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise SpreadsheetRefused(path, f"macro-enabled workbooks ({suffix}) are not accepted")
    if suffix in (".xls", ".xlsb"):
        raise SpreadsheetRefused(path, f"{suffix} workbooks are not read (binary format)")
    if not zipfile.is_zipfile(path):
        raise SpreadsheetRefused(path, "is not an XLSX workbook (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > max_entries:
                raise SpreadsheetRefused(path, f"the archive holds {len(entries):,} parts (at most {max_entries:,})")
            total = 0
            for info in entries:
                _check_entry(path, info, max_ratio)
                total += info.file_size
                if total > max_total:
                    raise SpreadsheetRefused(
                        path,
                        f"the workbook expands to more than {_size(max_total)} (a zip bomb?)",
                        "split the data into smaller files, or submit it as CSV",
                    )
            types = "[Content_Types].xml"
            if types in archive.namelist() and b"macroEnabled" in archive.read(types):
                raise SpreadsheetRefused(path, "the workbook is macro-enabled")
            for info in entries:
                if info.filename.lower().endswith(XML_SUFFIXES):
                    _check_xml(archive, info, path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise SpreadsheetRefused(path, f"cannot be read as an XLSX workbook ({exc})") from None


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n % (1024 * 1024) == 0 else f"{n:,} bytes"


def _check_entry(path: Path, info: zipfile.ZipInfo, max_ratio: float) -> None:
    name = info.filename
    if name.lower().rsplit("/", 1)[-1] in ("vbaproject.bin", "vbaprojectsignature.bin"):
        raise SpreadsheetRefused(path, f"the workbook contains macros ({name})")
    if info.flag_bits & 0x1:
        raise SpreadsheetRefused(path, f"part {name} is encrypted", "remove the password and save it again")
    if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
        raise SpreadsheetRefused(
            path,
            f"part {name} expands {info.file_size / max(info.compress_size, 1):,.0f} times "
            f"(more than {max_ratio:g}; a zip bomb?)",
            "submit the data as CSV",
        )


def cell_text(value: object) -> str:
    """A cell as CSV text: blank for empty, ISO 8601 dates, true/false, numbers as stored."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _column_name(n: int) -> str:
    name = ""
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def _used_range(path: Path, sheet) -> tuple[int, int, set[tuple[int, int]]]:
    """Used width, last used row and formula cells of ``sheet`` (opened with formulas), refusing absurd sizes.

    The declared dimension is ignored (a stray cell at XFD1048576 declares 17 billion cells): the cells
    present are read, and a used cell beyond :data:`MAX_COLUMNS` or :data:`MAX_CELLS` stops the pass there.
    """
    sheet.reset_dimensions()
    width, last, formulas = 0, 0, set()
    for n, row in enumerate(sheet.iter_rows(values_only=True), 1):
        used = [i + 1 for i, v in enumerate(row) if cell_text(v)]
        if not used:
            continue
        width, last = max(width, used[-1]), n
        if width > MAX_COLUMNS or width * last > MAX_CELLS:
            raise SpreadsheetRefused(
                path,
                f"the first sheet uses cells up to {_column_name(width)}{last} ({width:,} columns x {last:,} rows; "
                f"at most {MAX_COLUMNS:,} columns and {MAX_CELLS:,} cells)",
                "delete stray cells far from the table (Ctrl+End shows the last used cell), or submit CSV",
            )
        formulas.update((n, i) for i, v in enumerate(row) if isinstance(v, str) and v.startswith("="))
    return width, last, formulas


def _cached_row(path: Path, n: int, row: tuple, formulas: set[tuple[int, int]], width: int) -> list[str]:
    cells = [cell_text(v) for v in row[:width]]
    for i, value in enumerate(row[:width]):
        if value is None and (n, i) in formulas:
            raise SpreadsheetRefused(
                path,
                f"cell {_column_name(i + 1)}{n} holds a formula without a saved value",
                "open the workbook in Excel or LibreOffice, let it calculate, save it, and submit it again",
            )
    return cells + [""] * (width - len(cells))


def _open(path: Path, data_only: bool):
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is not None:
        sheet.reset_dimensions()
    return workbook, sheet


def _write_first_sheet(path: Path, out: Path) -> None:
    """Write the first worksheet's cells as CSV text, without trailing empty rows and columns.

    Two passes over the sheet (openpyxl's read-only mode streams it), so memory stays
    small whatever its size: the first (formulas as written) finds the used range and the
    formula cells, the second writes the saved values, refusing a formula that has none.
    """
    check_archive(path)
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise SpreadsheetRefused(path, "reading XLSX needs openpyxl", "pip install openpyxl defusedxml") from None
    try:
        workbook, sheet = _open(path, data_only=False)
        try:
            width, last, formulas = _used_range(path, sheet) if sheet else (0, 0, set())
        finally:
            workbook.close()
        workbook, sheet = _open(path, data_only=True)
        try:
            with out.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                rows = sheet.iter_rows(values_only=True, max_row=last) if last else ()
                for n, row in enumerate(rows, 1):
                    writer.writerow(_cached_row(path, n, row, formulas, width))
        finally:
            workbook.close()
    except SpreadsheetRefused:
        raise
    except OSError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for malformed workbooks
        raise SpreadsheetRefused(path, f"cannot be read as an XLSX workbook ({type(exc).__name__}: {exc})") from None


@contextmanager
def as_csv(path: Path) -> Iterator[Path]:
    """The first worksheet of ``path`` as a temporary UTF-8 CSV (removed afterwards)."""
    folder = Path(tempfile.mkdtemp(prefix="hmipdata-xlsx-"))
    try:
        out = folder / (Path(path).stem + ".csv")
        _write_first_sheet(Path(path), out)
        yield out
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def validate_spreadsheet(path: Path, label: str, validate_csv: Callable[[Path], Report]) -> Report:
    """Check ``path`` is safe, then validate its first sheet with ``validate_csv``; a refusal is a report."""
    try:
        with as_csv(path) as csv_path:
            return validate_csv(csv_path)
    except SpreadsheetRefused as exc:
        return exc.report(label)
