"""XLSX and ODS downloads: GSS layout (cover, contents, notes, one table per sheet), types, formula safety."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from test_site_support import hostile_site, main_site

from hmipdata.project.package import load_project
from hmipdata.publish.datapackage import data_file

ROOT = Path(__file__).resolve().parent.parent
PROJECT = load_project(ROOT)
FRONT_SHEETS = ["Cover", "Contents", "Notes"]
RISKY = ["=HYPERLINK(", "+SUM(1+1)", "-2+3", "@cmd", "\ttab first"]


@pytest.fixture(scope="session")
def site(built, tmp_path_factory) -> Path:
    return main_site(built, tmp_path_factory)


@pytest.fixture(scope="session")
def hostile(tmp_path_factory) -> Path:
    return hostile_site(tmp_path_factory)


def csv_rows(site: Path, name: str) -> list[dict[str, str]]:
    with (site / data_file(PROJECT.resource(name), "csv")).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_xlsx_has_cover_contents_notes_and_the_table(site):
    import openpyxl

    book = openpyxl.load_workbook(site / "data" / "caseloads.xlsx")
    assert book.sheetnames == [*FRONT_SHEETS, "caseloads"]
    cover = book["Cover"]
    labels = {row[0].value: row[1].value for row in cover.iter_rows(min_row=3) if row[0].value}
    assert {"Source", "Release date", "Contact", "Licence"} <= set(labels)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}|\[x\]|Not yet released|", str(labels["Release date"] or ""))
    assert "Open Government Licence v3.0" in labels["Licence"]
    sheet = book["caseloads"]
    assert sheet["A1"].value.startswith(PROJECT.resource("caseloads").title) and "[note 1]" in sheet["A1"].value
    assert sheet["A3"].value == "Organisation id"
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == len(csv_rows(site, "caseloads"))
    assert all(isinstance(r[3], float) for r in rows)  # average_caseload stays a number
    notes = [r[0].value for r in book["Notes"].iter_rows(min_row=3)]
    assert notes[0] == "note 1"


def test_whole_workbook_has_one_sheet_per_table(site):
    import openpyxl

    book = openpyxl.load_workbook(site / "hmipdata.xlsx", read_only=True)
    assert book.sheetnames == FRONT_SHEETS + sorted(r.name for r in PROJECT.published)


def test_ods_opens_with_a_real_reader_and_holds_the_same_sheets(site):
    import pandas as pd
    from odf.opendocument import load

    sheets = pd.read_excel(site / "data" / "criminogenic-needs.ods", engine="odf", sheet_name=None, header=None)
    assert list(sheets) == [*FRONT_SHEETS, "criminogenic_needs"]
    table = sheets["criminogenic_needs"]
    assert table.iloc[2, 0] == "Area of need (as printed)"
    assert len(table) - 3 == len(csv_rows(site, "criminogenic_needs"))
    assert load(str(site / "hmipdata.ods")).spreadsheet is not None


def test_ods_numbers_are_numbers(site):
    import pandas as pd

    table = pd.read_excel(site / "data" / "sfo-reviews.ods", engine="odf", sheet_name="sfo_reviews", header=2)
    assert table["Number of SFO reviews"].dtype.kind in "if"
    assert table["Year"].tolist()[:1] == [2015]


def test_xlsx_stores_formula_like_text_as_text(hostile):
    import openpyxl

    sheet = openpyxl.load_workbook(hostile / "data" / "hostile.xlsx")["hostile"]
    texts = {row[1].value: row[1] for row in sheet.iter_rows(min_row=4)}
    for start in RISKY:
        value = next(v for v in texts if v.startswith(start))
        cell = texts[value]
        assert cell.data_type == "s" and cell.quotePrefix, value
    amounts = [row[2] for row in sheet.iter_rows(min_row=4)]
    assert [c.value for c in amounts if c.value is not None and not isinstance(c.value, str)][:3] == [1.5, -3.25, -5]
    assert all(c.data_type == "n" for c in amounts if isinstance(c.value, float | int))


def test_ods_stores_formula_like_text_as_text(hostile):
    from odf.namespaces import OFFICENS, TABLENS
    from odf.opendocument import load
    from odf.table import Table, TableCell

    doc = load(str(hostile / "data" / "hostile.ods"))
    table = next(t for t in doc.spreadsheet.getElementsByType(Table) if t.getAttrNS(TABLENS, "name") == "hostile")
    cells = [(c.getAttrNS(OFFICENS, "value-type"), str(c)) for c in table.getElementsByType(TableCell)]
    for start in RISKY:
        kind = next(k for k, text in cells if text.startswith(start.replace("\t", "")) or text == start)
        assert kind == "string", start
    assert ("float", "-5") in cells and ("float", "-3.25") in cells
    assert not any(c.getAttrNS(TABLENS, "formula") for c in table.getElementsByType(TableCell))


def test_a_blank_value_holds_its_shorthand_in_spreadsheets(hostile):
    import openpyxl

    sheet = openpyxl.load_workbook(hostile / "data" / "hostile.xlsx")["hostile"]
    row = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1] == "+SUM(1+1)")
    assert row[2] == "[x]" and row[3] == "[x]"
