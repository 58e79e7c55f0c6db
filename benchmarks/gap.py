"""Where the clean-file time goes: the gap between ``hmipdata validate`` and DuckDB's CSV -> Parquet copy.

Times, on the same tracker-shaped CSV as ``run.py`` (clean variant), each step
the fast path does, as its own DuckDB query in a subprocess, and prints CPU
seconds (steadier than wall time on a shared machine) with ratios to the
COPY floor measured in the same run:

- the COPY -> Parquet floor (typed read with DuckDB's sniffed types, Parquet write);
- a typed scan alone (the read the COPY does, no write);
- a text scan alone (every cell as VARCHAR, as the checker reads them);
- the primary-key duplicate count over the text columns;
- ``hmipdata validate`` (fast path: text scan, reading rules, constraints, keys, in one aggregate);
- the process start (Python, DuckDB and the checker imported), subtracted.

What is left after the text scan, the key count and the start is the rule expressions.

    .venv/bin/python benchmarks/gap.py                  # 1M rows
    .venv/bin/python benchmarks/gap.py --rows 10000000

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json

from run import DATA, HMIPDATA, generate, measure, py

SCAN = "import duckdb, sys; duckdb.sql(sys.argv[1]).fetchall()"


def steps(csv_path, schema, package) -> dict[str, list[str]]:
    key = json.loads(schema.read_text())["primaryKey"]
    key = [key] if isinstance(key, str) else key
    text = f"read_csv('{csv_path}', all_varchar=true, header=true)"
    cols = ", ".join(f'"{k}"' for k in key)
    return {
        "process start (python, duckdb, the checker)": py("import duckdb, hmipdata.checker.validate"),
        "duckdb COPY -> parquet (floor)": py(
            "import duckdb, sys; duckdb.sql(f\"COPY (SELECT * FROM read_csv('{sys.argv[1]}')) TO '{sys.argv[2]}'\")",
            str(csv_path),
            str(DATA / "gap.parquet"),
        ),
        "typed scan (count)": py(SCAN, f"SELECT count(*) FROM read_csv('{csv_path}')"),
        "text scan (count)": py(SCAN, f"SELECT count(*) FROM {text}"),
        "text scan + key duplicates": py(SCAN, f"SELECT count(*) - count(DISTINCT ({cols})) FROM {text}"),
        "hmipdata validate (fast path)": [
            *HMIPDATA,
            "validate",
            csv_path.name,
            "--schema",
            schema.name,
            "--package",
            package.name,
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    csv_path, schema, package = generate(args.rows, "clean")
    results = {}
    for name, cmd in steps(csv_path, schema, package).items():
        runs = [measure(cmd, cwd=DATA) for _ in range(args.repeat)]
        wall, _, code, text, cpu = min(runs, key=lambda r: r[4])
        results[name] = (wall, cpu)
        if code != 0:
            print(f"{name}: exit {code}\n{text[-500:]}")
    floor = results["duckdb COPY -> parquet (floor)"][1]
    print(f"\n{args.rows:,} rows, clean; best of {args.repeat} by CPU\n")
    print("| step | CPU (s) | × COPY CPU | wall (s) |\n|---|---:|---:|---:|")
    for name, (wall, cpu) in results.items():
        print(f"| {name} | {cpu:.2f} | {cpu / floor:.2f} | {wall:.2f} |")
    text_scan = results["text scan (count)"][1]
    keys = results["text scan + key duplicates"][1] - text_scan
    start = results["process start (python, duckdb, the checker)"][1]
    rules = results["hmipdata validate (fast path)"][1] - results["text scan + key duplicates"][1] - start
    print(f"\nkey duplicates: {keys:.2f} s CPU; process start: {start:.2f} s; rules and the rest: {rules:.2f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
