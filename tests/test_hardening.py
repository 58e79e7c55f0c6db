"""Broken and hostile input files: each case gives exit 1 (or 0 with a warning where the input is
acceptable), a message naming file, row and column with a hint, no traceback, and the previous
build/ unchanged.

The cases are data (CASES below), so their count shows in the test listing.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, copy_project, hmipdata, set_version

SAMPLE = "raw/hardening/sample.csv"
HEADER = "sample_id,organisation_id,case_count,share_pct,snapshot_date,comment,marker\n"
GOOD_ROWS = [
    "1,crc-essex,12,45.5,2020-09-28,first,",
    "2,nps-west-midlands,7,,2020-03-01,second,[x]",
    "3,crc-bgsw,0,100,2020-09-28,third,",
]


def rows(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def good_with(line: int, new: str) -> bytes:
    """The good file with data row ``line`` (1-based, header is line 1) replaced."""
    lines = list(GOOD_ROWS)
    lines[line - 2] = new
    return rows(*lines)


@dataclass(frozen=True)
class Case:
    id: str
    data: bytes
    exit: int
    expect: tuple[str, ...] = ()  # substrings of the output (location, code, hint)
    schema_patch: tuple[tuple[str, str], ...] = field(default=())


CASES = [
    # encodings
    Case("utf8-bom-accepted", b"\xef\xbb\xbf" + rows(*GOOD_ROWS), 0),
    Case(
        "cp1252-pound",
        good_with(3, "2,nps-west-midlands,7,,2020-03-01,\xa3 second,[x]").replace(b"\xc2\xa3", b"\xa3"),
        1,
        (f"{SAMPLE}:3", "[encoding-error]", "UTF-8"),
    ),
    Case("utf16", rows(*GOOD_ROWS).decode().encode("utf-16"), 1, (f"{SAMPLE}:1", "[encoding-error]", "UTF-16")),
    Case(
        "nul-bytes", good_with(3, "2,nps-west-midlands,7,,2020-03-01,sec\x00ond,[x]"), 1, (f"{SAMPLE}:3", "[nul-byte]")
    ),
    Case(
        "mixed-line-endings-accepted",
        (HEADER + GOOD_ROWS[0] + "\r\n" + GOOD_ROWS[1] + "\n" + GOOD_ROWS[2] + "\r\n").encode(),
        0,
    ),
    # structure
    Case("ragged-short-row", good_with(3, "2,nps-west-midlands,7"), 1, (f"{SAMPLE}:3", "[missing-cell]")),
    Case(
        "ragged-long-row", good_with(4, "3,crc-bgsw,0,100,2020-09-28,third,,extra"), 1, (f"{SAMPLE}:4", "[extra-cell]")
    ),
    Case(
        "duplicate-header",
        rows(*GOOD_ROWS).replace(b"comment,marker", b"comment,comment", 1),
        1,
        (f"{SAMPLE}:1:comment", "[duplicate-label]"),
    ),
    Case("blank-header", rows(*GOOD_ROWS).replace(b",comment,", b",,", 1), 1, (f"{SAMPLE}:1", "[blank-label]")),
    Case("empty-file", b"", 1, (SAMPLE, "[empty-file]")),
    Case("header-only", HEADER.encode(), 1, (SAMPLE, "[no-data]")),
    Case(
        "field-over-size-cap",
        good_with(3, "2,nps-west-midlands,7,,2020-03-01," + "x" * (2 << 20) + ",[x]"),
        1,
        (f"{SAMPLE}:3", "size"),
    ),
    Case(
        "quoted-newline-row-numbers",
        rows(GOOD_ROWS[0], '2,nps-west-midlands,7,,2020-03-01,"two\nlines",[x]', "3,crc-bgsw,-1,100,2020-09-28,third,"),
        1,
        (f"{SAMPLE}:5:case_count", "[constraint-error]"),
    ),
    # values
    Case(
        "thousands-separator-rejected",
        good_with(2, '1,crc-essex,"1,234",45.5,2020-09-28,first,'),
        1,
        (f"{SAMPLE}:2:case_count", "[type-error]", "groupChar"),
    ),
    Case(
        "thousands-separator-declared",
        good_with(2, '1,crc-essex,12,"1,234.5",2020-09-28,first,'),
        1,
        (f"{SAMPLE}:2:share_pct", "[constraint-error]"),
        (("      unit: percent\n", '      unit: percent\n      groupChar: ","\n'),),
    ),
    Case(
        "percent-sign-rejected",
        good_with(2, "1,crc-essex,12,45.5%,2020-09-28,first,"),
        1,
        (f"{SAMPLE}:2:share_pct", "[type-error]", "bareNumber"),
    ),
    Case(
        "percent-sign-declared",
        good_with(2, "1,crc-essex,12,45.5%,2020-09-28,first,"),
        0,
        (),
        (("      unit: percent\n", "      unit: percent\n      bareNumber: false\n"),),
    ),
    Case(
        "footnote-marker",
        good_with(2, "1,crc-essex,12[note 3],45.5,2020-09-28,first,"),
        1,
        (f"{SAMPLE}:2:case_count", "[type-error]", "note"),
    ),
    Case(
        "unknown-shorthand",
        good_with(2, "1,crc-essex,[q],45.5,2020-09-28,first,"),
        1,
        (f"{SAMPLE}:2:case_count", "[type-error]", "[x]"),
    ),
    Case(
        "sept-in-date",
        good_with(2, "1,crc-essex,12,45.5,28 Sept 2020,first,"),
        1,
        (f"{SAMPLE}:2:snapshot_date", "[type-error]", "YYYY-MM-DD"),
    ),
    Case(
        "excel-serial-date",
        good_with(2, "1,crc-essex,12,45.5,44102,first,"),
        1,
        (f"{SAMPLE}:2:snapshot_date", "[type-error]", "Excel"),
    ),
    Case("na-kept-as-string", good_with(2, "1,crc-essex,12,45.5,2020-09-28,NA,"), 0),
    Case("nan-rejected", good_with(2, "1,crc-essex,12,NaN,2020-09-28,first,"), 1, (f"{SAMPLE}:2:share_pct",)),
    Case("infinity-rejected", good_with(2, "1,crc-essex,12,Infinity,2020-09-28,first,"), 1, (f"{SAMPLE}:2:share_pct",)),
    Case(
        "non-breaking-space-warned",
        good_with(2, "1,crc-essex,12,45.5,2020-09-28,first\xa0note,"),
        0,
        (f"{SAMPLE}:2:comment", "warning", "non-breaking space"),
    ),
    # keys
    Case(
        "duplicate-primary-key",
        good_with(3, "1,nps-west-midlands,7,,2020-03-01,second,[x]"),
        1,
        (f"{SAMPLE}:3:sample_id", "[primary-key]"),
    ),
    Case(
        "null-primary-key",
        good_with(3, ",nps-west-midlands,7,,2020-03-01,second,[x]"),
        1,
        (f"{SAMPLE}:3:sample_id", "[constraint-error]"),
    ),
    Case(
        "unknown-foreign-key",
        good_with(3, "2,nps-atlantis,7,,2020-03-01,second,[x]"),
        1,
        (f"{SAMPLE}:3:organisation_id", "[foreign-key]"),
    ),
]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """A project with the sample table declared, built once; cases start from a copy of it."""
    root = copy_project(tmp_path_factory.mktemp("hardening") / "repo")
    (root / "schemas/hardening").mkdir()
    shutil.copy(FIXTURES / "hardening/sample.yaml", root / "schemas/hardening/sample.yaml")
    (root / "raw/hardening").mkdir()
    (root / SAMPLE).write_bytes(rows(*GOOD_ROWS))
    set_version(root, "minor")
    result = hmipdata("--root", str(root), "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def _digest(build: Path) -> dict[str, str]:
    return {
        str(p.relative_to(build)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(build.rglob("*"))
        if p.is_file()
    }


def test_case_count_is_visible():
    assert len(CASES) == 28


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(baseline, tmp_path, case):
    root = tmp_path / "repo"
    shutil.copytree(baseline, root, symlinks=True)
    (root / SAMPLE).write_bytes(case.data)
    schema = root / "schemas/hardening/sample.yaml"
    for old, new in case.schema_patch:
        schema.write_text(schema.read_text().replace(old, new, 1))
    before = _digest(root / "build")
    result = hmipdata("--root", str(root), "build")
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == case.exit, output
    for expected in case.expect:
        assert expected in output, f"{expected!r} not in:\n{output}"
    if case.exit:
        assert _digest(root / "build") == before


def test_formula_injection_is_neutralised_in_csv_but_kept_in_duckdb(baseline, tmp_path):
    import csv

    import duckdb

    root = tmp_path / "repo"
    shutil.copytree(baseline, root, symlinks=True)
    schema = root / "schemas/hardening/sample.yaml"
    schema.write_text(schema.read_text().replace("publish: false", "publish: true"))
    hostile = ['=HYPERLINK("http://example.invalid","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\r\nCR"]
    with (root / SAMPLE).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER.strip().split(","))
        writer.writerows([i, "crc-essex", i, i, "2020-09-28", text, ""] for i, text in enumerate(hostile, start=1))
    schema.write_text(schema.read_text().replace("expected_rows: 3", f"expected_rows: {len(hostile)}"))
    result = hmipdata("--root", str(root), "build")
    assert result.returncode == 0, result.stdout + result.stderr
    with (root / "build/data/hardening-sample.csv").open(encoding="utf-8", newline="") as fh:
        published = list(csv.DictReader(fh))
    assert [row["comment"] for row in published] == ["'" + text for text in hostile]
    assert [row["case_count"] for row in published] == [str(i) for i in range(1, len(hostile) + 1)]
    con = duckdb.connect(str(root / "build/hmipdata.duckdb"), read_only=True)
    assert [r[0] for r in con.execute("select comment from hardening_sample order by sample_id").fetchall()] == hostile


def test_csv_and_spreadsheets_neutralise_the_same_formula_triggers():
    """One list of formula triggers: the CSV writer's regex matches exactly the characters the spreadsheets test."""
    import re

    from hmipdata.publish.formats import FORMULA_START, FORMULA_TRIGGERS
    from hmipdata.site.spreadsheets import formula_like

    for code in range(0x80):
        text = chr(code) + "1"
        assert bool(re.match(FORMULA_START, text)) == formula_like(text) == (chr(code) in FORMULA_TRIGGERS), repr(text)
