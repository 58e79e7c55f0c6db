"""Every number printed in the sources' tables appears in the published data."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import duckdb
import pytest

from tests.conftest import SEEDS

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="source documents not found beside the repository")


def _text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def _between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i : text.index(end, i)]


def _values(built, sql: str) -> Counter:
    con = duckdb.connect(str(built / "hmipdata.duckdb"), read_only=True)
    return Counter(float(v) for (v,) in con.execute(sql).fetchall())


def test_table_1_numbers(built):
    block = _between(_text("004_bc83123b592945ce.txt"), "Table 1:", "Although pre-EDM")
    printed = Counter(float(n) for n in re.findall(r"(\d+)%", block))
    assert sum(printed.values()) == 32
    published = _values(
        built,
        "select sufficient_services_pct from criminogenic_needs union all "
        "select identified_pct from criminogenic_needs",
    )
    assert published == printed


def test_table_2_dates(built):
    block = _between(_text("004_bc83123b592945ce.txt"), "Table 2: case sample specification", "¹⁶ Management")
    printed = Counter(date(int(y), int(m), int(d)) for d, m, y in re.findall(r"(\d\d)/(\d\d)/(\d{4})", block))
    assert sum(printed.values()) == 36
    con = duckdb.connect(str(built / "hmipdata.duckdb"), read_only=True)
    columns = [
        c
        for (c,) in con.execute(
            "select column_name from duckdb_columns() where table_name = 'case_sample_spec' and data_type = 'DATE'"
        ).fetchall()
    ]
    published = Counter(
        v for c in columns for (v,) in con.execute(f'select "{c}" from case_sample_spec').fetchall() if v is not None
    )
    assert published == printed


def test_sfo_review_numbers(built):
    block = _between(_text("003_2c106d9bfc1fe261.txt"), "Probation provider SFO offence", "Risk categorisation")
    block = block.split("\n", 1)[1]  # below the header row of years
    printed = Counter(
        float(n)
        for line in block.splitlines()
        for n in (re.findall(r"(\d+) (\d+) (\d+) (\d+)$", line.strip()) or [()])[0]
    )
    assert sum(printed.values()) == 52
    both = "select review_count from sfo_reviews union all select review_count from sfo_review_totals"
    assert _values(built, both) == printed


def test_sfo_risk_level_numbers(built):
    block = _between(_text("003_2c106d9bfc1fe261.txt"), "Low 20", "Common weaknesses")
    rows = re.findall(r"^[A-Za-z ]+ (\d+) (\d+)%$", block, re.M)
    assert len(rows) == 6
    assert _values(built, "select review_count from sfo_risk_levels") == Counter(float(c) for c, _ in rows)
    assert _values(built, "select review_pct from sfo_risk_levels") == Counter(float(p) for _, p in rows)


def test_inspection_rating_numbers(built):
    block = _between(_text("003_2c106d9bfc1fe261.txt"), "OVERALL RATING YEAR 1 YEAR 2", "Nine CRCs")
    rows = re.findall(r"^([A-Za-z ]+) (\d+) (\d+)$", block, re.M)
    assert len(rows) == 4
    con = duckdb.connect(str(built / "hmipdata.duckdb"), read_only=True)
    for label, year_1, year_2 in rows:
        got = dict(
            con.execute(
                "select inspection_year, crc_count from inspection_ratings where rating_as_printed = ?", [label.strip()]
            ).fetchall()
        )
        assert got == {1: int(year_1), 2: int(year_2)}, label
