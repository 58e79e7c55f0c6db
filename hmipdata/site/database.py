"""The site's copy of the DuckDB file, written compactly for the SQL page.

The build's database uses DuckDB's default 256 KB blocks, so a few hundred
rows take about 11 MB. The browser downloads the file before the first
query, so the site writes its own copy with 16 KB blocks in a storage
version that DuckDB-WASM reads (about 1.4 MB, same tables, rows, comments
and constraints).
"""

from __future__ import annotations

from pathlib import Path

STORAGE_VERSION = "v1.0.0"
BLOCK_SIZE = 16384


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
        con.execute("COPY FROM DATABASE source_db TO compact_db")
        con.execute("DETACH compact_db")
