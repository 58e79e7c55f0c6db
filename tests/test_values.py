"""Every published value equals its raw transcription."""

from __future__ import annotations

import csv
import datetime

import duckdb
import pytest

from hmipdata.project.package import load_project
from tests.conftest import ROOT

PROJECT = load_project(ROOT)
AS_IS = [r for r in PROJECT.published if r.path]


def _expected(text: str, ftype: str):
    if text == "":
        return None
    if ftype == "integer":
        return int(text)
    if ftype == "number":
        return float(text)
    if ftype == "boolean":
        return text in ("true", "True", "TRUE", "1")
    if ftype == "date":
        return datetime.date.fromisoformat(text)
    return text


@pytest.mark.parametrize("resource", AS_IS, ids=[r.name for r in AS_IS])
def test_published_as_is_tables_equal_raw(built, resource):
    con = duckdb.connect(str(built / "hmipdata.duckdb"), read_only=True)
    types = {f.name: f.type for f in resource.schema.fields}
    with (ROOT / resource.path).open(encoding="utf-8-sig", newline="") as fh:
        raw = [{k: _expected(v, types[k]) for k, v in row.items()} for row in csv.DictReader(fh)]
    cursor = con.execute(f'select * from "{resource.name}"')
    names = [d[0] for d in cursor.description]
    published = [dict(zip(names, row)) for row in cursor.fetchall()]
    key = list(resource.schema.primary_key)

    def order(row):
        return tuple(str(row[k]) for k in key)

    assert sorted(published, key=order) == sorted(raw, key=order)


def test_caseloads_equal_annexe_2(built):
    con = duckdb.connect(str(built / "hmipdata.duckdb"), read_only=True)
    with (ROOT / "raw/caseloads/annexe-2.csv").open(encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    published = {
        (name, grade, date.isoformat()): (value, text)
        for name, grade, date, value, text in con.execute(
            "select organisation_name_as_printed, staff_grade, snapshot_date, average_caseload, "
            "average_caseload_as_printed from caseloads"
        ).fetchall()
    }
    assert len(published) == 48
    grades = {"po": "probation_officer", "pso": "probation_services_officer"}
    for row in raw:
        for prefix, grade in grades.items():
            for column_date, iso in (("2020_03_01", "2020-03-01"), ("2020_09_28", "2020-09-28")):
                text = row[f"{prefix}_caseload_{column_date}"]
                assert published[(row["organisation_name"], grade, iso)] == (float(text), text)
