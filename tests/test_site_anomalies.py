"""Anomalies where figures are read: each table page lists the anomalies that touch it and marks their cells.

The real site's checks are derived from the published ``anomaly_rows`` and
``anomalies`` tables; the layout and cell checks use a fixture register.
"""

from __future__ import annotations

import csv
import html as html_module
import re
from pathlib import Path

import pytest
from test_site_support import main_site, parse_links

from hmipdata.project.package import load_project
from hmipdata.site.context import SiteContext, read_table
from hmipdata.site.layouts import layout_table
from hmipdata.site.marks import anomalies_section, table_marks
from hmipdata.site.pages import logical_order
from hmipdata.site.tables import full_table, own_decimals, row_ids

ROOT = Path(__file__).resolve().parent.parent
PROJECT = load_project(ROOT)
PUBLISHED = {r.name for r in PROJECT.published}


@pytest.fixture(scope="session")
def site(built, tmp_path_factory) -> Path:
    return main_site(built, tmp_path_factory)


def page_of(name: str) -> str:
    return f"tables/{name.replace('_', '-')}.html"


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def section(page: str, section_id: str) -> str:
    start = page.index(f'id="{section_id}"')
    return page[start : page.index("</section>", start)]


def csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def touched_rows(site: Path) -> list[dict]:
    """The published anomaly_rows table, as the site serves it."""
    return [r for r in csv_rows(site / "data/anomaly-rows.csv") if r["table_name"] in PUBLISHED]


def key_values(resource, row_key: str) -> dict[str, str]:
    """A row key (``a=1; b=x, y``) split by the table's primary-key names (values may hold ', ')."""
    pk = resource.schema.primary_key
    pattern = "; ".join(f"{re.escape(k)}=(?P<k{i}>.*)" for i, k in enumerate(pk))
    match = re.fullmatch(pattern, row_key)
    assert match, (resource.name, row_key)
    return {k: match.group(f"k{i}") for i, k in enumerate(pk)}


def row_html(page: str, row_id: str) -> str:
    match = re.search(rf'<tr[^>]*id="{re.escape(row_id)}"[^>]*>(.*?)</tr>', page, re.S)
    assert match, row_id
    return match.group(0)


def test_each_touched_row_carries_its_anomaly_mark_and_the_page_explains_it(site):
    import pandas as pd

    rows = touched_rows(site)
    assert rows
    for r in rows:
        resource = PROJECT.resource(r["table_name"])
        page = read(site, page_of(resource.name))
        row_id = row_ids(resource, pd.DataFrame([key_values(resource, r["row_key"])]))[0]
        anchor = f"anomaly-{r['anomaly_id'].lower()}"
        assert f'href="#{anchor}"' in row_html(page, row_id), (r["anomaly_id"], r["row_key"])
        listed = section(page, "anomalies")
        assert f'id="{anchor}"' in listed
        assert f'href="../anomalies.html#{r["anomaly_id"]}"' in listed


def test_anomalies_are_two_clicks_from_home_with_what_the_register_says(site):
    register = {r["anomaly_id"]: r for r in csv_rows(site / "data/anomalies.csv")}
    home_links = parse_links(read(site, "index.html"))[0]
    anomaly_ids = parse_links(read(site, "anomalies.html"))[1]
    by_table: dict[str, set[str]] = {}
    for r in touched_rows(site):
        by_table.setdefault(r["table_name"], set()).add(r["anomaly_id"])
    for a in register.values():  # the register's main table lists its anomaly even without rows
        if a["table_name"] in PUBLISHED:
            by_table.setdefault(a["table_name"], set()).add(a["anomaly_id"])
    for table, ids in by_table.items():
        assert page_of(table) in home_links  # click 1: home -> table page
        listed = section(read(site, page_of(table)), "anomalies")
        text = html_module.unescape(re.sub(r"<[^>]+>", "", listed))
        for aid in ids:
            assert f'href="../anomalies.html#{aid}"' in listed and aid in anomaly_ids  # click 2: the register
            assert register[aid]["as_printed"] in text, (table, aid)
            assert register[aid]["treatment"] in text, (table, aid)


def test_the_table_shows_each_decimal_with_its_own_decimals(site):
    checked = 0
    for resource in PROJECT.published:
        columns = [f for f in resource.schema.fields if f.type == "number" and f.name != "value"]
        if not columns:
            continue
        frame = logical_order(
            resource, read_table(site / "data" / f"{resource.name.replace('_', '-')}.csv", resource.schema)
        )
        data = section(read(site, page_of(resource.name)), "data")
        table_id = f"table-{resource.name.replace('_', '-')}"
        for f in columns:
            found = re.findall(rf'<td headers="(?:[^"]* )?{table_id}-{f.name}"[^>]*>(.*?)</td>', data, re.S)
            shown = [re.sub(r"<sup.*?</sup>|<[^>]+>|[\u2007\u2008%]", "", c).strip() for c in found]
            expected = [own_decimals(float(v)) for v in frame[f.name] if v == v]
            figures = [s.replace("\u2212", "-") for s in shown if re.match(r"[-\u2212]?\d", s)]
            assert figures == expected, (resource.name, f.name)
            checked += 1
    assert checked


def test_source_documents_are_linked_or_said_to_have_no_address(site):
    sources = {r["source_id"]: r for r in csv_rows(site / "data/sources.csv")}
    for resource in PROJECT.published:
        facts = read(site, page_of(resource.name)).split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
        for sid in resource.sources:
            url = sources.get(sid, {}).get("url", "")
            if url.startswith("https://"):
                assert f'href="{html_module.escape(url)}"' in facts, (resource.name, sid)
            elif sid in sources:
                assert "no web address recorded" in facts, (resource.name, sid)


# A fixture register: X01 names one value, X02 a column of another table (so the whole rows), X03 an
# organisation the caseloads refer to.
CASELOADS = """organisation_id,staff_grade,snapshot_date,average_caseload,average_caseload_as_printed,marker,organisation_name_as_printed,source_id,source_location,anomaly_ids
crc-a,probation_officer,2020-03-01,43.0,43,,Alpha CRC,src,Annexe 2: Caseloads,
crc-a,probation_officer,2020-09-28,35.5,35.5,,Alpha CRC,src,Annexe 2: Caseloads,
crc-a,probation_services_officer,2020-03-01,38.0,38,,Alpha CRC,src,Annexe 2: Caseloads,
crc-a,probation_services_officer,2020-09-28,30.0,30,,Alpha CRC,src,Annexe 2: Caseloads,
nps-b,probation_officer,2020-03-01,34.0,34,,NPS Beta,src,Annexe 2: Caseloads,
nps-b,probation_officer,2020-09-28,32.1,32.1,,NPS Beta,src,Annexe 2: Caseloads,
nps-b,probation_services_officer,2020-03-01,25.9,25.9,,NPS Beta,src,Annexe 2: Caseloads,
nps-b,probation_services_officer,2020-09-28,23.0,23,,NPS Beta,src,Annexe 2: Caseloads,
"""
ANOMALIES = """anomaly_id,source_id,source_location,table_name,column_name,as_printed,probable_meaning,treatment,check_id
X01,src,Annexe 2: Caseloads,caseloads,average_caseload,23,The value may be cut short. More detail here.,Published as printed.,
X02,src,Annexe 2: Caseloads,organisation_aliases,alias,Alpha CRC,A shortened name of Alpha and Omega CRC.,Alias kept.,
X03,src,Table 2,organisations,name,Beta,The division is NPS Beta Region.,Name kept.,
"""
ANOMALY_ROWS = """anomaly_id,table_name,row_key
X01,caseloads,organisation_id=nps-b; staff_grade=probation_services_officer; snapshot_date=2020-09-28
X02,organisation_aliases,alias=Alpha CRC
X02,caseloads,organisation_id=crc-a; staff_grade=probation_officer; snapshot_date=2020-03-01
X02,caseloads,organisation_id=crc-a; staff_grade=probation_officer; snapshot_date=2020-09-28
X02,caseloads,organisation_id=crc-a; staff_grade=probation_services_officer; snapshot_date=2020-03-01
X02,caseloads,organisation_id=crc-a; staff_grade=probation_services_officer; snapshot_date=2020-09-28
X03,organisations,organisation_id=nps-b
"""


@pytest.fixture
def fixture_context(tmp_path) -> SiteContext:
    frames = {}
    for name, text in (("caseloads", CASELOADS), ("anomalies", ANOMALIES), ("anomaly_rows", ANOMALY_ROWS)):
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        frames[name] = read_table(path, PROJECT.resource(name).schema)
    return SiteContext(tmp_path, tmp_path, PROJECT, "https://example.org/", frames)


def marked(markup: str) -> list[tuple[str, str]]:
    """(cell text without marks, marks) for every marked cell, in order."""
    out = []
    for cell in re.findall(r"<t[dh]\b[^>]*anomaly-cell[^>]*>(.*?)</t[dh]>", markup, re.S):
        marks = " ".join(re.findall(r">(X\d\d)</a>", cell))
        out.append((re.sub(r"<sup.*?</sup>|<[^>]+>", "", cell).strip("\u2007\u2008 "), marks))
    return out


def test_fixture_marks_a_value_cell_whole_rows_and_referring_keys(fixture_context):
    resource = PROJECT.resource("caseloads")
    frame = logical_order(resource, fixture_context.frames["caseloads"])
    marks = table_marks(fixture_context, resource, frame)
    assert marks.direct == ("X01", "X02") and marks.related == ("X03",)
    table = full_table(resource, frame, marks=marks)
    assert table.count('class="anomaly-row"') == 4  # X02's rows
    assert marked(table) == [("crc-a", "X02")] * 4 + [("nps-b", "X03")] * 4 + [("23", "X01")]
    # the mark goes before a right-aligned figure, so decimal points stay in line
    assert re.search(r'gt_right">\s*<sup class="anomaly-mark"><a href="#anomaly-x01"', table)
    assert '<a href="#anomaly-x01" aria-label="anomaly X01">X01</a>' in table


def test_fixture_layout_marks_the_value_or_the_row_heading(fixture_context):
    resource = PROJECT.resource("caseloads")
    frame = logical_order(resource, fixture_context.frames["caseloads"])
    layout = layout_table(resource, frame, table_marks(fixture_context, resource, frame))
    assert marked(layout) == [("Alpha CRC", "X02"), ("NPS Beta", "X03"), ("23", "X01")]


def test_fixture_section_lists_direct_and_related_anomalies(fixture_context):
    resource = PROJECT.resource("caseloads")
    frame = logical_order(resource, fixture_context.frames["caseloads"])
    listed = anomalies_section(fixture_context, "tables/caseloads.html", table_marks(fixture_context, resource, frame))
    direct, related = listed.split("In rows this table refers to", 1)
    assert 'href="../anomalies.html#X01"' in direct and 'href="../anomalies.html#X02"' in direct
    assert 'href="../anomalies.html#X03"' in related and "X03" not in direct
    assert "The value may be cut short." in direct and "<details>" in direct  # the rest behind "Why we think so"
    assert "Marked on 1 row below" in direct and "Marked on 4 rows below" in direct


def test_fixture_table_without_anomalies_has_no_section_and_no_marks(fixture_context):
    import pandas as pd

    resource = PROJECT.resource("sfo_reviews")  # neither named by the fixture register nor referring to its rows
    frame = pd.DataFrame(columns=resource.schema.field_names)
    marks = table_marks(fixture_context, resource, frame)
    assert not marks and anomalies_section(fixture_context, "tables/sfo-reviews.html", marks) == ""
