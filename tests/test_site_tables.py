"""great-tables output: display hints, shorthand, source layouts, and a stored snapshot of the HTML.

Snapshots live in tests/snapshots/; after an intended change to the table
output, refresh them with ``HMIPDATA_UPDATE_SNAPSHOTS=1 pytest tests/test_site_tables.py``
and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from hmipdata.project.package import load_project
from hmipdata.site.context import read_table
from hmipdata.site.layouts import layout_table
from hmipdata.site.tables import full_table

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).parent / "snapshots"
PROJECT = load_project(ROOT)

CASELOADS = """organisation_id,staff_grade,snapshot_date,average_caseload,average_caseload_as_printed,marker,organisation_name_as_printed,source_id,source_location,anomaly_ids
crc-a,probation_officer,2020-03-01,43.0,43,,Alpha CRC,src,Annexe 2: Caseloads,A01
crc-a,probation_officer,2020-09-28,35.5,35.5,,Alpha CRC,src,Annexe 2: Caseloads,
crc-a,probation_services_officer,2020-03-01,38.0,38,,Alpha CRC,src,Annexe 2: Caseloads,
crc-a,probation_services_officer,2020-09-28,,,[x],Alpha CRC,src,Annexe 2: Caseloads,
nps-b,probation_officer,2020-03-01,1234.56,1234.56,,NPS Beta <b>,src,Annexe 2: Caseloads,
nps-b,probation_officer,2020-09-28,32.1,32.1,,NPS Beta <b>,src,Annexe 2: Caseloads,
nps-b,probation_services_officer,2020-03-01,25.9,25.9,,NPS Beta <b>,src,Annexe 2: Caseloads,
nps-b,probation_services_officer,2020-09-28,23.0,23,,NPS Beta <b>,src,Annexe 2: Caseloads,
"""
NEEDS = """need_area,period,sufficient_services_pct,identified_pct,cell_as_printed,sample_case_count,source_id,source_location,anomaly_ids
Accommodation,pre_edm,54.0,32.0,54% (32%),81,src,Table 1,
Accommodation,recovery,86.0,44.0,86% (44%),79,src,Table 1,
ETE,pre_edm,41.0,21.0,41% (21%),81,src,Table 1,
ETE,recovery,62.0,18.0,62% (18%),79,src,Table 1,
"""


def frame(tmp_path: Path, name: str, text: str):
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    return read_table(path, PROJECT.resource(name).schema)


def cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td [^>]*>(.*?)</td>", html, re.S)]


def matches_snapshot(name: str, html: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("HMIPDATA_UPDATE_SNAPSHOTS") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        if not os.environ.get("HMIPDATA_UPDATE_SNAPSHOTS"):
            pytest.fail(f"snapshot {path} was missing and has been written; review it and run again")
    assert html == path.read_text(encoding="utf-8"), f"{name} differs from its snapshot (see the module docstring)"


def test_caseloads_layout_matches_snapshot(tmp_path):
    html = layout_table(PROJECT.resource("caseloads"), frame(tmp_path, "caseloads", CASELOADS))
    matches_snapshot("caseloads-layout.html", html)


def test_criminogenic_needs_table_matches_snapshot(tmp_path):
    html = full_table(PROJECT.resource("criminogenic_needs"), frame(tmp_path, "criminogenic_needs", NEEDS))
    matches_snapshot("criminogenic-needs-table.html", html)


def test_caseloads_layout_puts_dates_under_each_grade(tmp_path):
    html = layout_table(PROJECT.resource("caseloads"), frame(tmp_path, "caseloads", CASELOADS))
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert head.index("Probation officers (PO)") < head.index("Probation services officers (PSO)")
    assert head.count("1 March 2020") == 2 and head.count("28 September 2020") == 2
    assert 'scope="colgroup"' in head


def test_criminogenic_needs_layout_groups_columns_by_period(tmp_path):
    html = layout_table(PROJECT.resource("criminogenic_needs"), frame(tmp_path, "criminogenic_needs", NEEDS))
    assert "Pre-EDM sample" in html and "Recovery sample" in html
    assert cells(html)[:4] == ["54%", "32%", "86%", "44%"]


def column_cells(html: str, table_id: str, column: str) -> list[str]:
    found = re.findall(rf'<td headers="{table_id}-{column}"[^>]*>(.*?)</td>', html, re.S)
    return [re.sub(r"<[^>]+>", "", c) for c in found]


def test_the_table_shows_figures_with_their_own_decimals_aligned(tmp_path):
    html = full_table(PROJECT.resource("caseloads"), frame(tmp_path, "caseloads", CASELOADS))
    shown = column_cells(html, "table-caseloads", "average_caseload")
    assert "43.00" not in shown and "35.50" not in shown  # not the declared 2 decimals
    assert [c.strip("\u2007\u2008") for c in shown if c.strip()] == [
        "43",
        "35.5",
        "38",
        "[x]",
        "1234.56",
        "32.1",
        "25.9",
        "23",
    ]
    assert "1,234.56" not in shown  # no thousands hint
    # decimal points line up: as many characters after the point (or its space) in every figure
    tails = {len(re.split(r"[.\u2008]", c, maxsplit=1)[1]) for c in shown if re.match(r"\d", c)}
    assert tails == {2}


def test_thousands_hint_groups_digits(tmp_path):
    text = (
        "year,provider,provider_as_printed,total_as_printed,review_count,source_id,source_location\n"
        "2015,all,,Total reviews received,12345,src,slide\n"
    )
    html = full_table(PROJECT.resource("sfo_review_totals"), frame(tmp_path, "sfo_review_totals", text))
    assert "12,345" in cells(html) and "2015" in cells(html)  # years are never grouped


def test_a_blank_value_shows_its_shorthand(tmp_path):
    html = layout_table(PROJECT.resource("caseloads"), frame(tmp_path, "caseloads", CASELOADS))
    assert "[x]" in cells(html)


def test_tables_have_a_caption_and_a_labelled_scrolling_region(tmp_path):
    html = full_table(PROJECT.resource("criminogenic_needs"), frame(tmp_path, "criminogenic_needs", NEEDS))
    assert re.search(r'<table class="gt_table"[^>]*>\n<caption>', html)
    assert 'role="region" aria-label="' in html and 'tabindex="0"' in html


def test_cell_text_is_escaped(tmp_path):
    html = layout_table(PROJECT.resource("caseloads"), frame(tmp_path, "caseloads", CASELOADS))
    assert "NPS Beta &lt;b&gt;" in html and "NPS Beta <b>" not in html


def test_rows_follow_the_order_the_schema_declares_for_coded_keys():
    import pandas as pd

    from hmipdata.site.pages import logical_order

    resource = PROJECT.resource("sfo_risk_levels")
    enum = resource.schema.field("risk_level").constraints["enum"]
    shuffled = pd.DataFrame({"year_label": ["2018/19"] * len(enum), "risk_level": list(reversed(enum))})
    assert list(logical_order(resource, shuffled)["risk_level"]) == enum


def test_layout_shows_figures_with_their_own_decimals_aligned(tmp_path):
    html = layout_table(PROJECT.resource("caseloads"), frame(tmp_path, "caseloads", CASELOADS))
    shown = [c for c in cells(html) if c.strip()]
    assert "43.00" not in shown and any(c.startswith("43\u2008") for c in shown)
    assert "35.5" in shown and "1234.56" in shown
