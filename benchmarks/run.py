"""Benchmark ``hmipdata validate`` against frictionless, pandera (Polars) and DuckDB's own CSV -> Parquet copy.

Generates tracker-shaped CSVs (the columns and schema of schemas/tracker/tracker.yaml)
into benchmarks/data/ (git-ignored, never published), a clean and a 1%-bad-cells
variant of each size, then times every tool on the same files as a subprocess
(wall time, peak RSS of the process tree via wait4) and writes benchmarks/results.md.

    .venv/bin/python benchmarks/run.py                    # 1M and 10M rows
    .venv/bin/python benchmarks/run.py --sizes 1000000    # quicker
    .venv/bin/python benchmarks/run.py --with-frictionless-10m
    .venv/bin/python benchmarks/run.py --sizes 1000000 --spark --only-hmipdata   # Spark local[2] vs DuckDB

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
BIN = Path(sys.executable).parent
HMIPDATA = [sys.executable, "-m", "hmipdata.cli"]
V2 = "https://datapackage.org/profiles/2.0/datapackage.json"
KEEP = {"name", "type", "format", "title", "description", "constraints", "missingValues"}


@dataclass
class Run:
    rows: int
    variant: str
    tool: str
    wall: float
    rss: int  # bytes
    code: int
    note: str = ""
    cpu: float = 0.0  # user + system seconds


# Data ------------------------------------------------------------------------------------------


def _table_schema(path: Path) -> dict:
    """The standard Table Schema inside an hmipdata resource file (hmipdata's own keys dropped)."""
    import yaml

    schema = yaml.safe_load(path.read_text())["schema"]
    schema["fields"] = [{k: v for k, v in f.items() if k in KEEP} for f in schema["fields"]]
    return schema


def write_package(rows: int, variant: str) -> tuple[Path, Path, Path]:
    """Schema and datapackage.json for one data file; the referenced tables are the repository's own."""
    DATA.mkdir(parents=True, exist_ok=True)
    tracker = _table_schema(ROOT / "schemas/tracker/tracker.yaml")
    # 10M distinct ids need 8 digits: the repository's pattern T[0-9]{3} is widened to T[0-9]{3,8}.
    tracker["fields"][0]["constraints"]["pattern"] = "T[0-9]{3,8}"
    schema_path = DATA / "tracker.schema.json"
    schema_path.write_text(json.dumps(tracker, indent=1))
    tables = {"measures": "measures/measures.csv", "periods": "periods/periods.csv", "sources": "sources/sources.csv"}
    for name, src in tables.items():
        shutil.copy(ROOT / "raw" / src, DATA / f"{name}.csv")
    csv_name = f"tracker-{rows}-{variant}.csv"
    package = {
        "$schema": V2,
        "name": "benchmark",
        "resources": [
            {"name": "tracker", "path": csv_name, "format": "csv", "schema": "tracker.schema.json"},
            *(
                {
                    "name": name,
                    "path": f"{name}.csv",
                    "format": "csv",
                    "schema": _table_schema(ROOT / f"schemas/{name}/{name}.yaml"),
                }
                for name in tables
            ),
        ],
    }
    package_path = DATA / f"datapackage-{rows}-{variant}.json"
    package_path.write_text(json.dumps(package, indent=1))
    return DATA / csv_name, schema_path, package_path


def _first_column(path: Path) -> list[str]:
    import csv

    with path.open(newline="", encoding="utf-8") as fh:
        return [row[0] for row in list(csv.reader(fh))[1:] if row]


def _columns(bad: bool, keys: dict[str, list[str]]) -> str:
    """SQL for one generated row per ``i``; with ``bad``, 1% of cells (hash-chosen) break a rule."""

    def pick(values: list[str]) -> str:
        return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + f"][1 + i % {len(values)}]"

    cols = [
        ("figure_id", "'T' || lpad(CAST(i + 1 AS VARCHAR), 8, '0')", "'X' || CAST(i AS VARCHAR)"),
        ("measure", pick(keys["measures"]), "'unknown_measure'"),
        ("provider", "['NPS', 'CRC', 'all'][1 + i % 3]", "'LOCAL'"),
        ("period_id", pick(keys["periods"]), "'no_such_period'"),
        ("period_type", "['week', 'month', 'point', 'range', 'none'][1 + i % 5]", "'year'"),
        (
            "period_label",
            "'week starting ' || strftime(DATE '2020-01-05' + CAST(i % 300 AS INTEGER), '%d %B %Y')",
            None,
        ),
        ("period_start", "strftime(DATE '2020-01-05' + CAST(i % 300 AS INTEGER), '%Y-%m-%d')", "'2020-02-30'"),
        ("period_end", "strftime(DATE '2020-01-11' + CAST(i % 300 AS INTEGER), '%Y-%m-%d')", "'31/12/2020'"),
        ("value", "CAST((i % 1000) / 10 AS VARCHAR)", "CASE WHEN i % 2 = 0 THEN 'n/a' ELSE '-5' END"),
        ("value_qualifier", "['', 'about', 'over', 'under'][1 + i % 4]", "'roughly'"),
        ("unit", "['percent', 'percent_of_baseline', 'count', 'count_per_week'][1 + i % 4]", "''"),
        ("marker", "''", "'[q]'"),
        ("value_text", "CAST((i % 1000) / 10 AS VARCHAR)", "''"),
        ("source_id", f"'{keys['sources'][0]}'", "'no-such-source'"),
        ("source_location", "'Executive summary: Unpaid work'", "''"),
        (
            "quote",
            "'At the end of November, delivery levels stood at ' || CAST((i % 1000) / 10 AS VARCHAR) "
            "|| ' per cent of the pre-lockdown level'",
            "''",
        ),
        ("times_printed", "CAST(1 + i % 3 AS VARCHAR)", "'0'"),
        ("anomaly_ids", "''", "'B12'"),
    ]
    out = []
    for k, (name, good, broken) in enumerate(cols):
        expr = f"CASE WHEN hash(i, {k}) % 100 = 0 THEN {broken} ELSE {good} END" if bad and broken else good
        out.append(f"{expr} AS {name}")
    return ", ".join(out)


def generate(rows: int, variant: str) -> tuple[Path, Path, Path]:
    import duckdb

    csv_path, schema, package = write_package(rows, variant)
    if csv_path.exists():
        return csv_path, schema, package
    keys = {name: _first_column(DATA / f"{name}.csv") for name in ("measures", "periods", "sources")}
    tmp = csv_path.with_suffix(".tmp")
    select = _columns(variant == "bad", keys)
    duckdb.connect().execute(
        f"COPY (SELECT {select} FROM range({rows}) t(i) ORDER BY i) TO '{tmp}' (HEADER, DELIMITER ',')"
    )
    tmp.rename(csv_path)
    return csv_path, schema, package


# Measuring -------------------------------------------------------------------------------------


def measure(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, int, str, float]:
    """Wall time, peak RSS (bytes, via GNU time), exit code, output and CPU seconds of ``cmd``.

    GNU time starts the command from a small process: measuring a child forked
    from this (large) process would count our own pages in its peak RSS.
    """
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M %U %S", "-o", rss.name, *cmd],
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},  # this checkout's hmipdata, whatever is installed
        )
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode(errors="replace")
        peak, user, system = rss.read().strip().splitlines()[-1].split()
    return wall, int(peak) * 1024, proc.returncode, text, float(user) + float(system)


def measure_tree(
    cmd: list[str], cwd: Path | None = None, env: dict | None = None
) -> tuple[float, int, int, str, float]:
    """As :func:`measure`, but peak RSS is the sum over the whole process tree, sampled every 0.2 s.

    Spark runs a JVM (and Python workers) under the command: GNU time's peak is
    that of the largest single process, not of the tree.
    """
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        peak, ticks = 0, 0
        while proc.poll() is None:
            rss, used = _tree_usage(proc.pid)
            peak, ticks = max(peak, rss), max(ticks, used)
            time.sleep(0.2)
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode(errors="replace")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command itself; its JVM is never waited for
    cpu = max(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, ticks / os.sysconf("SC_CLK_TCK"))
    return wall, peak, proc.returncode, text, cpu


def _tree_usage(root: int) -> tuple[int, int]:
    """Resident bytes and CPU ticks (user + system) of ``root`` and every descendant (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        ticks[pid] = int(fields[11]) + int(fields[12])
        found = re.search(r"VmRSS:\s+(\d+)", status)
        rss[pid] = int(found.group(1)) * 1024 if found else 0
    total, cpu, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        total, cpu = total + rss.get(pid, 0), cpu + ticks.get(pid, 0)
        todo += children.get(pid, [])
    return total, cpu


def spark_env() -> dict:
    """The environment for ``--engine spark``: pyspark from this interpreter, or the tests' cached install."""
    import importlib.util

    paths = [str(ROOT)]
    if importlib.util.find_spec("pyspark") is None:
        venvs = Path(os.environ.get("HMIPDATA_TOOL_VENVS") or ROOT / ".build" / "venvs")
        cached = sorted(venvs.glob("pyspark-*/pyspark"))
        if not cached:
            sys.exit("--spark needs pyspark: pip install 'hmipdata[spark]' (or run tests/test_spark_parity.py once)")
        paths.insert(0, str(cached[-1].parent))
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "PYSPARK_PYTHON": sys.executable}


def py(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


COPY = "import duckdb, sys; duckdb.sql(f\"COPY (SELECT * FROM read_csv('{sys.argv[1]}')) TO '{sys.argv[2]}'\")"


def run_tools(
    rows: int,
    variant: str,
    with_frictionless: bool,
    repeat: int = 1,
    hive: bool = False,
    spark: bool = False,
    others: bool = True,
) -> list[Run]:
    csv_path, schema, package = generate(rows, variant)
    runs = []

    def add(tool: str, cmd: list[str], parse=None, times: int = repeat, tree: bool = False) -> None:
        how = (lambda: measure_tree(cmd, cwd=DATA, env=spark_env())) if tree else (lambda: measure(cmd, cwd=DATA))
        wall, rss, code, text, cpu = min((how() for _ in range(times)), key=lambda m: m[0])
        note = parse(text) if parse else ""
        runs.append(Run(rows, variant, tool, wall, rss, code, note, cpu))
        print(f"{rows:>10,} {variant:5} {tool:22} {wall:8.2f} s {rss / 2**20:8.0f} MiB  {note}", flush=True)

    parquet = DATA / f"{csv_path.stem}.parquet"
    add("duckdb COPY -> parquet", py(COPY, str(csv_path), str(parquet)))
    parquet.unlink(missing_ok=True)
    hm = [*HMIPDATA, "validate", csv_path.name, "--schema", schema.name, "--package", package.name]
    add("hmipdata validate", hm, _hmipdata_summary)
    if spark:
        engine = ["--engine", "spark", "--spark-master", "local[2]"]
        add("hmipdata --engine spark", [*hm, *engine], _hmipdata_summary, times=1, tree=True)
    if not others:
        return runs
    add("pandera.polars", py(PANDERA, str(csv_path), str(schema), str(DATA)), lambda t: t.strip().splitlines()[-1])
    if with_frictionless:
        cmd = [str(BIN / "frictionless"), "validate", package.name, "--resource-name", "tracker", "--json"]
        add("frictionless validate", [*cmd, "--limit-errors", str(10**9)], _frictionless_summary, times=1)
    if hive and variant == "clean":
        parts = hive_layout(csv_path)
        cmd = [*HMIPDATA, "validate", parts.name, "--schema", schema.name, "--package", package.name]
        add("hmipdata, 10 hive files", cmd, _hmipdata_summary)
    return runs


def hive_layout(csv_path: Path, files: int = 10) -> Path:
    """The same rows as ``files`` CSV files in a hive layout (``part=K/data_0.csv``), written once."""
    import duckdb

    out = csv_path.with_name(csv_path.stem + "-hive")
    if not out.exists():
        tmp = out.with_name(out.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        duckdb.connect().execute(
            f"COPY (SELECT *, (row_number() OVER () - 1) * {files} // count(*) OVER () AS part "
            f"FROM read_csv('{csv_path}', all_varchar=true)) TO '{tmp}' (FORMAT csv, HEADER, PARTITION_BY (part))"
        )
        tmp.rename(out)
    return out


def _hmipdata_summary(text: str) -> str:
    found = re.search(r"invalid: ([\d,]+) errors?", text)
    lines = len(text.splitlines())
    return f"{found.group(1) if found else 0} errors, {lines} lines printed"


def _frictionless_summary(text: str) -> str:
    try:
        report = json.loads(text[text.index("{") :])
    except ValueError:
        return text.strip()[-120:]
    return f"{report['tasks'][0]['stats']['errors']:,} errors"


# pandera with the Polars backend, the Table Schema translated by hand-written rules (run in a subprocess).
PANDERA = r"""
import json, sys
import polars as pl
import pandera.polars as pa
from pandera.errors import SchemaErrors
csv_path, schema_path, data = sys.argv[1:]
schema = json.load(open(schema_path))
types = {"string": pl.Utf8, "number": pl.Float64, "integer": pl.Int64, "date": pl.Utf8}
def iso_date(data):  # pandera cannot coerce text to pl.Date here: check the text instead
    c = pl.col(data.key)
    return data.lazyframe.select(c.is_null() | c.str.to_date("%Y-%m-%d", strict=False).is_not_null())
refs = {"measure": ("measures.csv", "measure"), "period_id": ("periods.csv", "period_id"),
        "source_id": ("sources.csv", "source_id")}
columns = {}
for f in schema["fields"]:
    c, checks = f.get("constraints", {}), []
    if f.get("type") == "date": checks.append(pa.Check(iso_date, name="date"))
    if "enum" in c: checks.append(pa.Check.isin(c["enum"]))
    if "minimum" in c: checks.append(pa.Check.ge(c["minimum"]))
    if "pattern" in c: checks.append(pa.Check.str_matches("^(?:" + c["pattern"] + ")$"))
    if f["name"] in refs:
        file, col = refs[f["name"]]
        checks.append(pa.Check.isin(pl.read_csv(f"{data}/{file}", infer_schema=False)[col].to_list()))
    columns[f["name"]] = pa.Column(types[f.get("type", "string")], checks=checks, nullable=not c.get("required"),
                                   unique=bool(c.get("unique")) or f["name"] in schema.get("primaryKey", []), coerce=True)
model = pa.DataFrameSchema(columns)
frame = pl.read_csv(csv_path, infer_schema=False, null_values=[""])
try:
    model.validate(frame, lazy=True)
    print("0 failure cases")
except SchemaErrors as exc:
    print(f"{len(exc.failure_cases)} failure cases")
"""


def time_build() -> list[tuple[str, float, str]]:
    """Full build, no-op rebuild and --help, on a temporary copy of raw/ and schemas/."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for part in ("raw", "schemas"):
            shutil.copytree(ROOT / part, Path(tmp) / part)
        hm = str(BIN / "hmipdata")
        wall, _, code, text, _ = measure([hm, "--root", tmp, "build", "--force"])
        out.append(("hmipdata build --force (full build)", wall, "ok" if code == 0 else f"exit {code}: {text[-300:]}"))
        wall, _, code, _, _ = measure([hm, "--root", tmp, "build"])
        out.append(("hmipdata build (no-op, inputs unchanged)", wall, "ok" if code == 0 else f"exit {code}"))
    helps = [measure([str(BIN / "hmipdata"), "--help"])[0] for _ in range(5)]
    out.append(("hmipdata --help (best of 5)", min(helps), "ok"))
    return out


# Report ----------------------------------------------------------------------------------------


def machine() -> list[str]:
    import duckdb
    import frictionless
    import pandera
    import polars

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) * 1024
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; RAM {mem / 2**30:.0f} GiB; {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, DuckDB {duckdb.__version__}, frictionless {frictionless.__version__}, "
        f"pandera {pandera.__version__}, polars {polars.__version__}",
        f"- Load average when the run started: {os.getloadavg()[0]:.2f} (other work on the machine inflates wall times)",
    ]


def table(runs: list[Run]) -> list[str]:
    floor = {(r.rows, r.variant): r.wall for r in runs if r.tool.startswith("duckdb")}
    lines = [
        "| rows | variant | tool | wall (s) | CPU (s) | rows/s | peak RSS (MiB) | × DuckDB COPY | result |",
        "|---:|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        ratio = r.wall / floor[(r.rows, r.variant)]
        note = r.note or ("ok" if r.code == 0 else f"exit {r.code}")
        lines.append(
            f"| {r.rows:,} | {r.variant} | {r.tool} | {r.wall:.2f} | {r.cpu:.1f} | {r.rows / r.wall:,.0f} | {r.rss / 2**20:,.0f} "
            f"| {ratio:.2f} | {note} |"
        )
    return lines


def verdicts(runs: list[Run], build: list[tuple[str, float, str]]) -> list[str]:
    """The targets of issue 17, each met or not, with the measured figure."""

    def get(rows, variant, tool):
        return next((r for r in runs if (r.rows, r.variant) == (rows, variant) and r.tool.startswith(tool)), None)

    big, small = max(r.rows for r in runs), min(r.rows for r in runs)
    out = []
    hm, copy, bad = get(big, "clean", "hmipdata validate"), get(big, "clean", "duckdb"), get(big, "bad", "hmipdata")
    mark = {True: "met", False: "**not met**"}
    if hm and copy:
        ratio, cpu = hm.wall / copy.wall, hm.cpu / copy.cpu if copy.cpu else 0
        out.append(
            f"- {big:,} clean, wall vs DuckDB COPY → Parquet (same run) ≤ 1.1×: {ratio:.2f}× ({cpu:.2f}× CPU) — "
            f"{mark[ratio <= 1.1]}"
        )
    if hm and bad:
        ratio = bad.wall / hm.wall
        out.append(
            f"- {big:,} with 1% bad cells vs the clean run ≤ 1.5×: {ratio:.2f}× — {mark[ratio <= 1.5]}; "
            f"report bounded: {bad.note}"
        )
    hm1, fr = get(small, "clean", "hmipdata validate"), get(small, "clean", "frictionless")
    if hm1 and fr:
        speed = fr.wall / hm1.wall
        out.append(f"- {small:,} vs `frictionless validate` ≥ 150×: {speed:.0f}× — {mark[speed >= 150]}")
    if hm:
        out.append(f"- Peak RSS at {big:,} ≤ 700 MiB: {hm.rss / 2**20:,.0f} MiB — {mark[hm.rss <= 700 * 2**20]}")
    hive = get(big, "clean", "hmipdata, 10 hive")
    if hm and hive:
        ratio = hive.wall / hm.wall
        out.append(
            f"- 10 files, hive-partitioned, {big:,} rows vs one file ≤ 1.2×: {ratio:.2f}× — {mark[ratio <= 1.2]}"
        )
    for r in runs:
        if r.tool.startswith("hmipdata --engine spark"):
            duck = get(r.rows, r.variant, "hmipdata validate")
            out.append(
                f"- Spark local[2], {r.rows:,} {r.variant}: {r.wall:.1f} s, {r.wall / duck.wall:.2f}× DuckDB's "
                f"{duck.wall:.1f} s in the same run; peak RSS {r.rss / 2**20:,.0f} MiB (process tree, JVM included) "
                f"vs {duck.rss / 2**20:,.0f} MiB; {r.note}"
            )
    for name, wall, note in build:
        out.append(f"- {name}: {wall:.2f} s" + ("" if note == "ok" else f" ({note.splitlines()[0][:120]})"))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1000000,10000000", help="comma-separated row counts (default 1M,10M)")
    p.add_argument("--with-frictionless-10m", action="store_true", help="also run frictionless above 1M rows (slow)")
    p.add_argument("--repeat", type=int, default=1, help="keep the best of N runs (not for frictionless)")
    p.add_argument("--spark", action="store_true", help="also run --engine spark (local[2]); needs pyspark and Java")
    p.add_argument(
        "--only-hmipdata", action="store_true", help="only DuckDB COPY and hmipdata (no pandera, frictionless, build)"
    )
    p.add_argument("--output", default=str(HERE / "results.md"))
    args = p.parse_args(argv)
    header = machine()
    runs: list[Run] = []
    sizes = [int(s) for s in args.sizes.split(",")]
    for rows in sizes:
        for variant in ("clean", "bad"):
            frictionless = (rows <= 1_000_000 or args.with_frictionless_10m) and not args.only_hmipdata
            hive = rows == max(sizes) and not args.only_hmipdata
            runs += run_tools(rows, variant, frictionless, args.repeat, hive, args.spark, not args.only_hmipdata)
    build = [] if args.only_hmipdata else time_build()
    for name, wall, note in build:
        print(f"{name:45} {wall:6.2f} s  {note[:80]}")
    text = [
        "# Benchmark results",
        "",
        "Written by `benchmarks/run.py`; see benchmarks/README.md.",
        "",
        "## Machine",
        "",
        *header,
        "",
        "## Validation",
        "",
        *table(runs),
        "",
        "## Build",
        "",
        "| step | wall (s) | result |",
        "|---|---:|---|",
        *(f"| {n} | {w:.2f} | {note.splitlines()[0][:80] if note else ''} |" for n, w, note in build),
        "",
        "## Targets",
        "",
        *verdicts(runs, build),
        "",
    ]
    Path(args.output).write_text("\n".join(text))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
