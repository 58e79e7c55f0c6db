"""The fast path: one aggregate query that proves a CSV clean, or hands it to the full checks.

Most files that are checked are clean. For them the full path's work beyond
the scan (writing the checked table of masks and keys to a scratch database,
then grouping it) is wasted. Here the *same* rule expressions
(``engine.checked_select``) feed one aggregate, never materialised: ``bit_or``
of every mask, the record count, duplicate counts of the primary key and
unique fields (``count`` minus ``count(DISTINCT ...)``), and the values of
single-column foreign keys missing from the referenced table (a hash semi
join inside the same scan). With DuckDB's rejects (ragged rows, bad
quoting), the NUL-byte check and the newline count (blank lines) this says
"clean" exactly when the full path would find nothing: any doubt (a flag set,
a duplicate, a reject, more lines than records, a key the aggregate cannot
judge) sends the file to the full path, which finds the examples and their
lines. So the fast path can only be faster, never different: parity tests run
every fixture both ways.
"""

from __future__ import annotations

from hmipdata.checker.schema import TableSchema
from hmipdata.checker.sqlrules import ident


def _key_checks(con, table, schema: TableSchema, resolve, key_types: dict[str, str]) -> list[str] | None:
    """Aggregates that are 0 when the keys are sound; None when the aggregate cannot judge them."""
    from hmipdata.checker.engine import _column_types, _columns, _comparable

    present = set(_columns(table, schema))
    out = []
    if schema.primary_key and set(schema.primary_key) <= present:
        cols = [ident("k_" + k) for k in schema.primary_key]
        out.append(f"count_if({' OR '.join(f'{c} IS NULL' for c in cols)})")
        out.append(f"count(*) - count(DISTINCT ({', '.join(cols)},))")
    for key in [*schema.unique_keys, *((f.name,) for f in schema.fields if f.constraints.get("unique"))]:
        if not set(key) <= present:
            continue
        if any(schema.field(k).type == "number" for k in key):
            return None  # NaN never equals NaN for us; DuckDB's DISTINCT groups them
        cols = [ident("k_" + k) for k in key]
        where = " AND ".join(f"{c} IS NOT NULL" for c in cols)
        out.append(f"count(*) FILTER (WHERE {where}) - count(DISTINCT ({', '.join(cols)},)) FILTER (WHERE {where})")
    for fk in schema.foreign_keys:
        if not set(fk.fields) <= present:
            continue
        if len(fk.fields) != 1 or not fk.resource or resolve is None:
            return None  # composite and self-referencing keys: the full path
        target = resolve(fk)
        if target is None:
            return None
        relation, (ref,) = target
        src = ident("k_" + fk.fields[0])
        if not _comparable(key_types[fk.fields[0]], _column_types(con, relation, [ref])[0]):
            return None
        out.append(
            f"count_if({src} IS NOT NULL AND {src} NOT IN (SELECT {ref} FROM {relation} WHERE {ref} IS NOT NULL))"
        )
    return out


def is_clean(con, table, schema: TableSchema, resolve) -> bool | None:
    """True when the file certainly has no error; False (or None) sends it to the full path."""
    from hmipdata.checker.engine import _column_types, _placed_rules, checked_select
    from hmipdata.checker.textfile import is_regular

    if table.is_parquet or table.report.groups or not table.readable:
        return None
    placed = _placed_rules(table, schema)
    select = checked_select(table, schema, placed)
    masks, keys = table._checked_columns
    key_types = dict(zip(keys, _column_types(con, f"({select})", [ident("k_" + k) for k in keys]))) if keys else {}
    checks = _key_checks(con, table, schema, resolve, key_types)
    if checks is None:
        return None
    if _probe_fails(con, table, schema, placed, masks):
        return False
    parts = ["count(*)", *(f"bit_or({m})" for m in masks), *checks]
    try:
        found = con.execute(f"SELECT {', '.join(parts)} FROM ({select})").fetchall()[0]
    except Exception:  # DuckDB may choke on binary content: the full path says why
        return None
    layout = table.layout()
    if layout is not None and layout.nul_offset is not None:
        return None  # the full path reports the NUL byte
    rows, rest = found[0], found[1:]
    if any(v for v in rest):
        return False
    if _rejected(con, table) or not is_regular(table, rows):
        return False
    table._fast_rows = rows
    return True


PROBE_ROWS = 20_000


def _probe_fails(con, table, schema: TableSchema, placed, masks: list[str]) -> bool:
    """True when the first rows already break a rule: then the file goes straight to the full checks.

    A file with errors throughout (1% of cells, say) would otherwise be scanned
    twice; the probe reads only the start of the file.
    """
    from hmipdata.checker.engine import checked_select

    source = table.source
    table.source = f"(SELECT * FROM {source} LIMIT {PROBE_ROWS})"
    try:
        probe = checked_select(table, schema, placed)
        found = con.execute(f"SELECT {', '.join(f'bit_or({m})' for m in masks) or '0'} FROM ({probe})").fetchall()[0]
    except Exception:  # DuckDB may choke on binary content: the full path says why
        return True
    finally:
        table.source = source
        checked_select(table, schema, placed)  # restore the columns noted for the whole file
    return any(found)


def _rejected(con, table) -> bool:
    rej = ident(table.name + "__rejects")
    try:
        return bool(con.execute(f"SELECT count(*) FROM {rej}").fetchall()[0][0])
    except Exception:  # no rejects table: nothing was rejected
        return False
