"""``--engine spark`` reports what the DuckDB engine reports, on the engine fixtures.

pyspark is not in the default install (434 MB): a session fixture installs the
pinned version into a folder of its own beside the tool venvs of
tests/venv_support.py (``.build/venvs/pyspark-<version>``, with ``pip install
--target``, used through PYTHONPATH with the project's interpreter, since the
engine needs hmipdata's dependencies too) and Java with apt-get when it is
missing. Spark
starts slowly, so every case runs in ONE subprocess with one SparkSession,
which prints the reports as JSON; each test compares one case with the DuckDB
engine's report in this process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hmipdata.checker.schema import parse_schema
from hmipdata.checker.validate import validate_file
from tests.test_site_support import apt_install

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "engine"
PYSPARK = "4.3.0"
CACHE = Path(os.environ.get("HMIPDATA_TOOL_VENVS") or ROOT / ".build" / "venvs") / f"pyspark-{PYSPARK}"

# Every type, constraint, key and structure the engine fixtures cover (tests/test_engine_parity.py).
FIXTURE_CASES = [
    "types",
    "required",
    "unique",
    "enum",
    "bounds",
    "text",
    "missing",
    "pk_single",
    "pk_composite",
    "fk_self",
    "structure",
    "quoted_newline",
    "orders",
]
# Types read by Python (UDFs in both engines), dates and times with bounds, yearmonth, a dialect.
EXTRA_SCHEMAS = {
    "celltypes": {
        "fields": [
            {"name": "mail", "type": "string", "format": "email"},
            {"name": "obj", "type": "object"},
            {"name": "point", "type": "geopoint"},
            {"name": "span", "type": "duration"},
            {"name": "ym", "type": "yearmonth", "constraints": {"enum": ["2020-01", "2020-02"]}},
        ]
    },
    "clock": {
        "fields": [
            {"name": "at", "type": "datetime", "constraints": {"minimum": "2020-01-01T00:00:00Z", "unique": True}},
            {"name": "t", "type": "time", "constraints": {"maximum": "12:00:00"}},
            {"name": "d", "type": "date", "format": "%d/%m/%Y", "constraints": {"required": True}},
        ],
        "primaryKey": ["t"],
    },
    "semicolons": {
        "fields": [{"name": "n", "type": "number", "decimalChar": ",", "groupChar": "."}, {"name": "s"}],
    },
    "bad_quote": {"fields": [{"name": "a", "type": "integer"}, {"name": "b"}, {"name": "c", "type": "integer"}]},
}
EXTRA_CSV = {
    "celltypes": 'mail,obj,point,span,ym\na@b.org,"{""a"": 1}","1.5, 2",P1D,2020-01\nnot-mail,[1],"200, 1",1D,2020-13\n'
    '"x@y.z","{}","0,0",PT1H,2020-03\n',
    "clock": "at,t,d\n2020-01-01T10:00:00+01:00,10:00:00,31/01/2020\n2019-12-31T23:59:59,12:00:01,2020-01-31\n"
    "2020-01-01T09:00:00Z,10:00:00,\n2020-01-01T24:00:00,24:00:00,29/02/2021\n",
    "semicolons": "n;s\n1.234,5;a\n1,5;b\nx;c\n1.5;d\n",
    "bad_quote": 'a,b,c\n1,2,3\n4,"x"y,6\n7,8,9\n',
}
# Cases where the engines differ on purpose (docs/scaling.md, "Differences from the DuckDB engine"), and why.
INTENDED = {
    "bad_quote": "a quote inside an unquoted cell: DuckDB refuses the row (source-error, 'unquoted value'); "
    "Spark's CSV parser reads the quote as text, and the row's other checks then pass",
}
DIALECTS = {"semicolons": {"delimiter": ";"}}

RUNNER = r"""
import json, sys
from hmipdata.checker import spark_engine
from hmipdata.checker.schema import parse_schema
out = {}
spark = spark_engine.session("local[2]")
for case in json.load(sys.stdin):
    report = spark_engine.validate_file(
        case["csv"], parse_schema(case["schema"]), package=case["package"], limit=case["limit"],
        dialect=case["dialect"], master="local[2]",
    )
    out[case["name"]] = report.to_dict()
print("\n@@REPORTS@@" + json.dumps(out))
"""


def _java() -> None:
    if shutil.which("java") is None:
        apt_install("java", "openjdk-17-jre-headless")


def _pyspark() -> Path:
    """pyspark, pinned, in a cache folder of its own (never in the project's .venv)."""
    if (CACHE / ".complete").exists():
        return CACHE
    partial = CACHE.with_name(CACHE.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*command, "--target", str(partial), f"pyspark=={PYSPARK}"], check=True, timeout=900)
    shutil.rmtree(CACHE, ignore_errors=True)
    partial.rename(CACHE)
    (CACHE / ".complete").write_text(PYSPARK + "\n")
    return CACHE


def _cases(folder: Path) -> list[dict]:
    cases = []
    for name in FIXTURE_CASES:
        schema = json.loads((FIXTURES / f"{name}.schema.json").read_text())
        package = str(FIXTURES / "datapackage.json") if name == "orders" else None
        cases.append({"name": name, "csv": str(FIXTURES / f"{name}.csv"), "schema": schema, "package": package})
    for name, schema in EXTRA_SCHEMAS.items():
        (folder / f"{name}.csv").write_text(EXTRA_CSV[name])
        cases.append({"name": name, "csv": str(folder / f"{name}.csv"), "schema": schema, "package": None})
    cases.append({**cases[0], "name": "types, 2 examples", "limit": 2})
    for case in cases:
        case.setdefault("limit", None)
        case["dialect"] = DIALECTS.get(case["name"])
    return cases


@pytest.fixture(scope="module")
def spark_reports(tmp_path_factory) -> tuple[list[dict], dict]:
    """Every case validated on Spark (local[2]) in one subprocess: {name: report as JSON}."""
    _java()
    target = _pyspark()
    cases = _cases(tmp_path_factory.mktemp("spark"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(ROOT)]), "PYSPARK_PYTHON": sys.executable}
    done = subprocess.run(
        [sys.executable, "-c", RUNNER], input=json.dumps(cases), capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return cases, json.loads(done.stdout.split("@@REPORTS@@")[-1])


def _duckdb(case: dict) -> dict:
    package = Path(case["package"]) if case["package"] else None
    report = validate_file(
        Path(case["csv"]), parse_schema(case["schema"]), package=package, limit=case["limit"], dialect=case["dialect"]
    )
    return report.to_dict()


ALL = [*FIXTURE_CASES, *(n for n in EXTRA_SCHEMAS if n not in INTENDED), "types, 2 examples"]


@pytest.mark.parametrize("name", ALL)
def test_spark_report_equals_duckdb_report(spark_reports, name):
    """Codes, columns, rules, counts, rows, values and messages: the whole report, as JSON."""
    cases, reports = spark_reports
    case = next(c for c in cases if c["name"] == name)
    expected = _duckdb(case)
    if name not in ("types, 2 examples",):
        assert expected["groups"], "a parity case must contain errors"
    got = reports[name]
    assert "notes" not in got  # a local file: rows are the lines an editor shows, as in DuckDB
    assert _counts(got) == _counts(expected)
    assert got == expected


@pytest.mark.parametrize("name", sorted(INTENDED))
def test_intended_differences_are_only_what_the_docs_say(spark_reports, name):
    """The Spark report is the DuckDB report without the source-error DuckDB's reader raises."""
    cases, reports = spark_reports
    expected = _duckdb(next(c for c in cases if c["name"] == name))
    refused = [g for g in expected["groups"] if g["code"] == "source-error"]
    assert [g["rule"] for g in refused] == ["unquoted value"], INTENDED[name]
    assert reports[name]["groups"] == [g for g in expected["groups"] if g["code"] != "source-error"]


def _counts(report: dict) -> dict:
    return {(g["code"], g["column"], g["rule"]): g["count"] for g in report["groups"]}


def test_without_pyspark_the_cli_says_how_to_install_it(capsys):
    """The default install has no pyspark: exit 2 and one line, never a traceback."""
    from hmipdata.cli import main

    if __import__("importlib").util.find_spec("pyspark") is not None:
        pytest.skip("pyspark is installed in this interpreter")
    code = main(
        ["validate", str(FIXTURES / "types.csv"), "--schema", str(FIXTURES / "types.schema.json"), "--engine", "spark"]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == [
        "hmipdata: error: --engine spark needs pyspark, which is not installed: pip install 'hmipdata[spark]'"
    ]


def test_report_of_a_file_spark_reads_elsewhere_says_its_rows_are_records():
    """Where Spark cannot know lines (hdfs://, s3a://), the report says so, in JSON and text."""
    from hmipdata.checker.errors import Issue
    from hmipdata.checker.spark_engine import RECORD_NOTE, SparkReport

    report = SparkReport(notes=[RECORD_NOTE])
    report.add(Issue("type-error", "n is not a valid integer", path="hdfs://x/data.csv", row=3, column="n"))
    assert list(report.to_dict())[:4] == ["valid", "error_count", "warning_count", "notes"]
    assert report.render_text().splitlines()[0] == f"note: {RECORD_NOTE}"
