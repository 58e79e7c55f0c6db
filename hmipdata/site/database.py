"""The site's copy of the DuckDB file, written compactly for the SQL page.

The build's database uses DuckDB's default 256 KB blocks, so a few thousand
rows take about 15 MB. The browser downloads the file before the first
query, so the site writes its own copy with 16 KB blocks in storage version
1.2, which compresses better than 1.0 and which DuckDB 1.2 and later
(DuckDB-WASM 1.32 included) read: about 1.2 MB, same tables, rows, comments
and constraints. The release's own file (``releases/<version>/``) keeps the
older storage version for older DuckDB clients.

A DuckDB file is never byte-identical across two writes (it stores a random
identifier), so the compact copy is kept beside the build, keyed by the
source file's digest, and reused: two site builds from one build are
identical.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

STORAGE_VERSION = "v1.2.0"  # read by DuckDB 1.2 and later, including DuckDB-WASM 1.32 (DuckDB 1.4)
BLOCK_SIZE = 16384


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_compact_database(source: Path, target: Path) -> None:
    """Copy every table of ``source`` into a new, compact DuckDB file at ``target``."""
    import duckdb

    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    with duckdb.connect() as con:
        con.execute(f"ATTACH {_literal(str(source))} AS source_db (READ_ONLY)")
        con.execute(
            f"ATTACH {_literal(str(target))} AS compact_db "
            f"(STORAGE_VERSION {_literal(STORAGE_VERSION)}, BLOCK_SIZE {BLOCK_SIZE})"
        )
        con.execute("COPY FROM DATABASE source_db TO compact_db (SCHEMA)")
        for table in _referenced_first(con):  # COPY FROM DATABASE's own order can break a FOREIGN KEY
            _copy_rows(con, table)
        con.execute("DETACH compact_db")


def _copy_rows(con, table: str) -> None:
    """Copy one table's rows; one that references itself goes level by level, referenced rows first."""
    source, target = f'source_db.main."{table}"', f'compact_db.main."{table}"'
    own = con.execute(
        "SELECT constraint_column_names, referenced_column_names FROM duckdb_constraints() "
        "WHERE database_name = 'source_db' AND constraint_type = 'FOREIGN KEY' AND table_name = ? "
        "AND referenced_table = ?",
        [table, table],
    ).fetchall()
    if not own:
        con.execute(f"INSERT INTO {target} SELECT * FROM {source}")
        return
    conditions = " AND ".join(
        f"(({' AND '.join(f's.{_ident(c)} IS NULL' for c in cols)}) OR "
        f"({', '.join(f's.{_ident(c)}' for c in cols)}) IN "
        f"(SELECT ({', '.join(_ident(r) for r in refs)}) FROM {target}))"
        for cols, refs in own
    )
    pending = f"(SELECT * FROM {source} EXCEPT SELECT * FROM {target})"
    while con.execute(f"SELECT count(*) FROM {pending}").fetchone()[0]:
        before = con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
        con.execute(f"INSERT INTO {target} SELECT s.* FROM {pending} AS s WHERE {conditions}")
        if con.execute(f"SELECT count(*) FROM {target}").fetchone()[0] == before:  # a cycle: DuckDB names it
            con.execute(f"INSERT INTO {target} SELECT * FROM {pending}")


def _referenced_first(con) -> list[str]:
    """The source's tables, each after the tables its FOREIGN KEYs reference."""
    tables = [
        t
        for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'source_db' ORDER BY table_name"
        ).fetchall()
    ]
    needs: dict[str, set[str]] = {t: set() for t in tables}
    for table, target in con.execute(
        "SELECT table_name, referenced_table FROM duckdb_constraints() "
        "WHERE database_name = 'source_db' AND constraint_type = 'FOREIGN KEY'"
    ).fetchall():
        if target in needs and target != table:
            needs[table].add(target)
    order: list[str] = []
    while needs:
        ready = sorted(t for t, deps in needs.items() if deps <= set(order))
        if not ready:  # a cycle cannot be loaded table by table: keep the rest in name order
            ready = sorted(needs)
        order += ready
        for t in ready:
            needs.pop(t)
    return order


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def place_compact_database(source: Path, target: Path, cache_dir: Path) -> None:
    """Put the compact copy of ``source`` at ``target``, writing it only when ``source`` has changed."""
    cached, stamp = cache_dir / "hmipdata-compact.duckdb", cache_dir / "hmipdata-compact.source.sha256"
    digest = f"{_digest(source)} {STORAGE_VERSION} {BLOCK_SIZE}"  # a new layout writes a new copy
    if not (cached.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == digest):
        cache_dir.mkdir(parents=True, exist_ok=True)
        fresh = cache_dir / "hmipdata-compact.new.duckdb"
        write_compact_database(source, fresh)
        fresh.replace(cached)
        stamp.write_text(digest + "\n", encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, target)
