"""A release's content record: what a version *is*, independent of the library that wrote it.

Parquet and DuckDB bytes change with the writer's version (it records its own
version and layout), so a byte hash would make the same data look like a new
release after a library update. For those formats the record holds, per
table, a digest of the schema (column names and types) and the rows in
primary-key order; every other file (CSV, release notes) is recorded by its
bytes, which no library version alters. ``datapackage.json`` is recorded with
the byte counts and hashes of writer-dependent files left out, since those are
covered by their own content digests.

A record is text, one ``<sha256>  <entry>`` line each, sorted by entry:
``data/x.csv`` (bytes), ``data/x.parquet#content``, ``hmipdata.duckdb#<table>``,
``datapackage.json#content``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

CONTENT = "#content"
WRITER_DEPENDENT = (".parquet", ".duckdb")


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks (bounded memory)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _canonical(value: object) -> object:
    """JSON-able form of a cell that is the same whichever library read it."""
    if isinstance(value, decimal.Decimal | dt.date | dt.datetime | dt.time | dt.timedelta):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot record a value of type {type(value).__name__}")


def _digest_rows(columns: Iterable[tuple], rows: Iterable[tuple]) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([list(c) for c in columns], default=_canonical).encode())
    for row in rows:
        digest.update(b"\n" + json.dumps(list(row), default=_canonical, ensure_ascii=False).encode())
    return digest.hexdigest()


def _order_by(key: list[str], columns: list[str]) -> str:
    cols = key or columns
    return ", ".join(f'"{c}" NULLS LAST' for c in cols)


def parquet_digest(path: Path, primary_key: list[str] | None = None) -> str:
    """Digest of a Parquet file's columns, types and rows (in primary-key order)."""
    import duckdb

    con = duckdb.connect()
    try:
        source = f"read_parquet({_quote(str(path))})"
        columns = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {source})").fetchall()
        names = [c[0] for c in columns]
        rows = con.execute(f"SELECT * FROM {source} ORDER BY {_order_by(primary_key or [], names)}").fetchall()
    finally:
        con.close()
    return _digest_rows(columns, rows)


def database_digests(path: Path) -> dict[str, str]:
    """Per table (and view): digest of its comment, columns (name, type, nullability, comment) and rows."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        comments = dict(con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
        comments |= dict(con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())
        keys = {
            table: list(cols)
            for table, cols in con.execute(
                "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
                "WHERE constraint_type = 'PRIMARY KEY'"
            ).fetchall()
        }
        out = {}
        for table in sorted(comments):
            columns = con.execute(
                "SELECT column_name, data_type, is_nullable, comment FROM duckdb_columns() "
                "WHERE table_name = ? ORDER BY column_index",
                [table],
            ).fetchall()
            names = [c[0] for c in columns]
            rows = con.execute(f'SELECT * FROM "{table}" ORDER BY {_order_by(keys.get(table, []), names)}').fetchall()
            out[table] = _digest_rows([(comments[table], None, None, None), *columns], rows)
        return out
    finally:
        con.close()


def datapackage_digest(path: Path) -> str:
    """Digest of datapackage.json without the byte counts and hashes of writer-dependent files."""
    package = json.loads(Path(path).read_text(encoding="utf-8"))
    for resource in package.get("resources", []):
        if str(resource.get("path", "")).endswith(WRITER_DEPENDENT):
            resource.pop("bytes", None)
            resource.pop("hash", None)
    return hashlib.sha256(json.dumps(package, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _primary_keys(directory: Path) -> dict[str, list[str]]:
    """Primary key per Parquet path, from the package's CSV resource of the same table."""
    package_file = directory / "datapackage.json"
    if not package_file.is_file():
        return {}
    keys = {}
    for resource in json.loads(package_file.read_text(encoding="utf-8")).get("resources", []):
        path, key = str(resource.get("path", "")), (resource.get("schema") or {}).get("primaryKey")
        if path.endswith(".csv") and key:
            keys[path[: -len(".csv")] + ".parquet"] = [key] if isinstance(key, str) else list(key)
    return keys


def content_record(directory: Path, skip: Iterable[str] = ()) -> str:
    """The content record of a release or build directory (see the module docstring)."""
    directory = Path(directory)
    skipped = set(skip)
    keys = _primary_keys(directory)
    lines = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        rel = path.relative_to(directory).as_posix()
        if rel in skipped or rel.startswith(("site/", "releases/")):
            continue
        if rel.endswith(".parquet"):
            lines.append((parquet_digest(path, keys.get(rel)), rel + CONTENT))
        elif rel.endswith(".duckdb"):
            lines += [(d, f"{rel}#{table}") for table, d in database_digests(path).items()]
        elif rel == "datapackage.json":
            lines.append((datapackage_digest(path), rel + CONTENT))
        else:
            lines.append((sha256_file(path), rel))
    return "".join(f"{digest}  {entry}\n" for digest, entry in sorted(lines, key=lambda x: x[1]))


def parse_record(text: str) -> dict[str, str]:
    """``{entry: digest}`` from a record's text."""
    out = {}
    for line in text.splitlines():
        digest, _, entry = line.partition("  ")
        if entry:
            out[entry] = digest
    return out


def changed_tables(old: str, new: str) -> list[str]:
    """What differs between two records, by table or file (e.g. ``caseloads``, ``RELEASE-NOTES.md``)."""
    a, b = parse_record(old), parse_record(new)
    names = set()
    for entry in set(a) ^ set(b) | {e for e in set(a) & set(b) if a[e] != b[e]}:
        names.add(table_of(entry))
    return sorted(names)


def table_of(entry: str) -> str:
    """The table an entry holds: ``data/sfo-reviews.parquet#content`` -> ``sfo_reviews``."""
    file, _, fragment = entry.partition("#")
    if file.endswith(".duckdb"):
        return fragment
    if file.startswith("data/"):
        return Path(file).stem.replace("-", "_")
    return file


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
