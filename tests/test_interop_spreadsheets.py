"""Both workbooks read back by LibreOffice headless, cell by cell against the CSVs, and their tables.

LibreOffice (Debian's ``libreoffice-calc-nogui``) is installed with apt-get
when missing, as CI starts bare. Each workbook is converted to one CSV per
sheet; every cell of every data sheet is compared with the published CSV.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from test_site_support import main_site, memo

from hmipdata.project.markers import SHORTHAND
from hmipdata.project.package import load_project
from hmipdata.publish.datapackage import data_file
from hmipdata.site.spreadsheets import FORMULA_TRIGGERS

ROOT = Path(__file__).resolve().parent.parent
PROJECT = load_project(ROOT)
HEADER_ROW = 2  # 0-based: title, source line, header
# CSV export: comma, double quotes, UTF-8, raw values (not "as shown"), every sheet (-1).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def ensure_libreoffice() -> str:
    """The soffice binary, installed from Debian (libreoffice-calc-nogui) when missing."""

    def make() -> str:
        found = shutil.which("soffice")
        if found:
            return found
        from test_site_support import apt_install

        apt_install("LibreOffice", "libreoffice-calc-nogui")
        return shutil.which("soffice") or pytest.fail("soffice not found after installing libreoffice-calc-nogui")

    return memo("soffice", make)


@pytest.fixture(scope="session")
def site(built, tmp_path_factory) -> Path:
    return main_site(built, tmp_path_factory)


@pytest.fixture(scope="session")
def converted(site, tmp_path_factory) -> dict[str, Path]:
    """Each workbook converted by LibreOffice into one CSV per sheet: {"xlsx": dir, "ods": dir}."""
    soffice = ensure_libreoffice()
    base = tmp_path_factory.mktemp("libreoffice")
    out = {}
    for suffix in ("xlsx", "ods"):
        target = base / suffix
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{base / 'profile'}",
                "--headless",
                "--convert-to",
                CSV_FILTER,
                "--outdir",
                str(target),
                str(site / f"hmipdata.{suffix}"),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        out[suffix] = target
    return out


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def same_cell(published: str, shown: str) -> bool:
    """A published CSV cell and the spreadsheet's cell hold the same value."""
    if published.startswith("'") and published[1:2] and published[1] in FORMULA_TRIGGERS:
        published = published[1:]  # the CSV's formula guard; the workbook stores the text itself
    if published == "":
        return shown == "" or shown in SHORTHAND  # a blank explained by its shorthand
    if published == shown or (published.lower() == shown.lower() and published.lower() in ("true", "false")):
        return True
    if "\t" in published and published.replace("\t", "") == shown:
        return True  # the ODS holds the tab (<text:tab/>); LibreOffice's CSV filter drops it
    try:
        return math.isclose(float(published), float(shown), rel_tol=1e-12, abs_tol=0)
    except ValueError:
        return False


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_every_cell_equals_the_csv(converted, site, kind):
    compared = 0
    for resource in PROJECT.published:
        sheet = read_csv(converted[kind] / f"hmipdata-{resource.name}.csv")
        published = read_csv(site / data_file(resource, "csv"))
        header, rows = published[0], published[1:]
        filled = [i for i in range(len(header)) if any(row[i] != "" for row in rows)]
        body = sheet[HEADER_ROW + 1 :]
        assert len(body) == len(rows), resource.name
        assert len([c for c in sheet[HEADER_ROW] if c]) == len(filled), resource.name
        for r, (row, shown) in enumerate(zip(rows, body, strict=True)):
            for c, i in enumerate(filled):
                assert same_cell(row[i], shown[c]), (kind, resource.name, r + 1, header[i], row[i], shown[c])
                compared += 1
        # An empty CSV column is left out and named on the sheet's source line.
        for i in set(range(len(header))) - set(filled):
            title = resource.schema.field(header[i]).title or header[i]
            assert title in sheet[1][0], (resource.name, header[i])
    assert compared
    print(f"{kind}: {compared} cells equal to the CSVs")


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_no_data_sheet_has_an_empty_column(converted, kind):
    for resource in PROJECT.published:
        table = read_csv(converted[kind] / f"hmipdata-{resource.name}.csv")[HEADER_ROW:]
        width = len([c for c in table[0] if c])
        for c in range(width):
            assert any(row[c] for row in table[1:] if c < len(row)), (kind, resource.name, table[0][c])


def test_every_data_sheet_holds_a_named_table(site):
    import openpyxl

    book = openpyxl.load_workbook(site / "hmipdata.xlsx")
    for resource in PROJECT.published:
        sheet = book[resource.name]
        assert list(sheet.tables) == [resource.name], resource.name
        table = sheet.tables[resource.name]
        header = [c.value for c in sheet[HEADER_ROW + 1]]
        assert table.ref == f"A{HEADER_ROW + 1}:{openpyxl.utils.get_column_letter(len(header))}{sheet.max_row}"
        assert [c.name for c in table.tableColumns] == header
        assert len(set(header)) == len(header)
        assert all(not re.search(r"\(([^()]+)\) \(\1\)", str(h)) for h in header), header  # no doubled units


def test_xlsx_wraps_text_silences_number_as_text_and_names_its_language(site):
    import openpyxl

    book = openpyxl.load_workbook(site / "hmipdata.xlsx")
    sheet = book["anomalies"]
    longest = max(
        (c for row in sheet.iter_rows(min_row=HEADER_ROW + 2) for c in row if isinstance(c.value, str)),
        key=lambda c: len(c.value),
    )
    assert longest.alignment.wrap_text
    with zipfile.ZipFile(site / "hmipdata.xlsx") as archive:
        names = archive.namelist()
        sheets = [n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        for name in sheets:
            assert 'numberStoredAsText="1"' in archive.read(name).decode(), name
        assert "<dc:language>en-GB</dc:language>" in archive.read("docProps/core.xml").decode()


def test_ods_iso_dates_contents_links_frozen_headers(site, converted):
    with zipfile.ZipFile(site / "hmipdata.ods") as archive:
        content = archive.read("content.xml").decode()
        settings = archive.read("settings.xml").decode()
        meta = archive.read("meta.xml").decode()
    assert "<dc:language>en-GB</dc:language>" in meta
    assert re.search(r'<number:date-style style:name="iso-date"><number:year number:style="long"/>', content)
    assert 'office:value-type="date"' in content
    assert not re.search(r'<table:table-cell(?! table:style-name="(date|bold)")[^>]*office:value-type="date"', content)
    for resource in PROJECT.published:
        assert f'xlink:href="#{resource.name}.A1"' in content, resource.name
        entry = re.search(
            rf'<config:config-item-map-entry config:name="{resource.name}">(.*?)</config:config-item-map-entry>',
            settings,
        )
        assert entry and '"VerticalSplitMode" config:type="short">2<' in entry.group(1), resource.name
    # LibreOffice itself writes the dates in ISO form (without the date style: "03/01/2020 00:00:00").
    caseloads = read_csv(converted["ods"] / "hmipdata-caseloads.csv")
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row[2]) for row in caseloads[HEADER_ROW + 1 :])


def test_libreoffice_reads_the_ods_links_and_iso_dates(site, converted, tmp_path):
    """LibreOffice opens the ODS and writes it out as XLSX: the contents links and the date format survive.

    (Headless LibreOffice has no view, so it neither reads nor writes frozen
    panes: those are checked in settings.xml above.)
    """
    import openpyxl

    soffice = ensure_libreoffice()
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(site / "hmipdata.ods"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "hmipdata.xlsx")
    contents = book["Contents"]
    links = {c.value: c.hyperlink.location for (c,) in contents.iter_rows(min_row=4, max_col=1) if c.hyperlink}
    assert links == {r.name: f"{r.name}!A1" for r in PROJECT.published}
    assert book["caseloads"].cell(HEADER_ROW + 2, 3).number_format.replace("\\", "") == "yyyy-mm-dd"
