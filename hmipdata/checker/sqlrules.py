"""Compile Table Schema fields into DuckDB SQL: parsing, rules and DDL.

Each field's cells arrive as text. :func:`parse_sql` turns the text into a
typed value (NULL when it does not parse, following Frictionless' reading
rules), and :func:`cell_rules` lists the checks as SQL booleans that are true
on a bad cell. The same expressions load the typed table for the build.
"""

from __future__ import annotations

from dataclasses import dataclass

from hmipdata.checker.schema import Field, TableSchema

# Python's str.strip() removes these; Frictionless strips numbers before parsing.
_WS = r"[\s\x{0b}\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
_DIGITS = r"[0-9]+(_[0-9]+)*"
INTEGER_RE = rf"{_WS}*[+-]?{_DIGITS}{_WS}*"
NUMBER_RE = r"[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))"
DATE_RE = r"[0-9]{4}-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])"
# dateutil's isoparse, as far as Frictionless lets it (time with seconds; fraction; Z or offset).
_ISO_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.,][0-9]+)?|24:00:00([.,]0+)?)"
_ISO_TZ = r"([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)?"
DATETIME_RE = rf"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}.{_ISO_TIME}{_ISO_TZ}"
TIME_RE = rf"{_ISO_TIME}{_ISO_TZ}"
ISO_TIME_RE = r"^(?:.{11})?([0-9]{2}:[0-9]{2}:[0-9]{2}([.,][0-9]+)?)"
ISO_TZ_RE = r"[0-9]([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$"

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "time": "TIME",
    "year": "INTEGER",
}
CHECKED_TYPES = set(DUCKDB_TYPES) | {"any", "yearmonth"}
MAX_CELL_BYTES = 1 << 20  # documented cap: one cell holds at most 1 MiB (a line at most twice that)


def ident(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """Quote an SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def duckdb_type(f: Field) -> str:
    return DUCKDB_TYPES.get(f.type, "VARCHAR")


def _strptime(s: str, fmt: str, target: str) -> str:
    return f"CAST(try_strptime({s}, {literal(fmt)}) AS {target})"


def _first(fast: str, slow: str) -> str:
    """``fast`` (a cheap cast that only accepts what Frictionless accepts), else the exact ``slow`` rule."""
    return f"coalesce({fast}, {slow})"


def _not_bare(s: str) -> str:
    # Frictionless' bareNumber=false: re.sub(r"((^[^-\d]*)|(\D*$))", "", cell.strip())
    return f"regexp_replace(trim({s}), '^[^-0-9]*|[^0-9]*$', '', 'g')"


def _integer(f: Field, s: str) -> str:
    """Python's ``int(cell.strip())``: ASCII digits, one sign, single underscores between digits."""
    text = s if f.bare_number else _not_bare(s)
    slow = (
        f"CASE WHEN regexp_full_match({text}, {literal(INTEGER_RE)}) "
        f"THEN TRY_CAST(replace(trim({text}), '_', '') AS BIGINT) END"
    )
    # Canonical digits (what a machine writes) need no regex.
    fast = f"CASE WHEN CAST(TRY_CAST({text} AS BIGINT) AS VARCHAR) = {text} THEN TRY_CAST({text} AS BIGINT) END"
    return _first(fast, slow)


def _number(f: Field, s: str) -> str:
    """Python's ``Decimal(cell.strip())`` (which drops every underscore), read as a 64-bit float."""
    text = s if f.bare_number else _not_bare(s)
    if f.group_char:
        text = f"replace({text}, {literal(f.group_char)}, '')"
    if f.decimal_char != ".":
        text = f"CASE WHEN contains({text}, '.') THEN NULL ELSE replace({text}, {literal(f.decimal_char)}, '.') END"
    # libmpdec strips whitespace from the ends, then ignores every underscore.
    plain = f"replace(regexp_replace({text}, {literal(f'^{_WS}+|{_WS}+$')}, '', 'g'), '_', '')"
    slow = f"CASE WHEN regexp_full_match({plain}, {literal(NUMBER_RE)}) THEN TRY_CAST({plain} AS DOUBLE) END"
    # DuckDB's DOUBLE cast accepts a subset of what Decimal accepts, but for a "+-" sign
    # (fuzzed in tests/test_engine_parity.py).
    return _first(f"CASE WHEN NOT contains({text}, '+-') THEN TRY_CAST({text} AS DOUBLE) END", slow)


def _boolean(f: Field, s: str) -> str:
    trues = ", ".join(literal(v) for v in f.true_values)
    falses = ", ".join(literal(v) for v in f.false_values)
    return f"CASE WHEN {s} IN ({trues}) THEN true WHEN {s} IN ({falses}) THEN false END"


def _date(f: Field, s: str) -> str:
    """``datetime.strptime(cell, "%Y-%m-%d")``; ``any`` and other formats via DuckDB."""
    if f.format == "any":
        return f"TRY_CAST({s} AS DATE)"
    if f.format not in ("default", ""):
        return _strptime(s, f.format, "DATE")
    fast = (
        f"CASE WHEN length({s}) = 10 AND ({s})[5] = '-' AND ({s})[8] = '-' AND ({s})[1] BETWEEN '0' AND '9' "
        f"AND ({s})[10] BETWEEN '0' AND '9' AND ({s})[6] BETWEEN '0' AND '9' AND ({s})[9] BETWEEN '0' AND '9' "
        f"AND NOT starts_with({s}, '0000') THEN TRY_CAST({s} AS DATE) END"
    )
    slow = (
        f"CASE WHEN regexp_full_match({s}, {literal(DATE_RE)}) AND NOT starts_with({s}, '0000') "
        f"THEN {_strptime(f'replace({s}, {literal(chr(45) + chr(32))}, {literal(chr(45))})', '%Y-%m-%d', 'DATE')} END"
    )
    return _first(fast, slow)


def _iso(s: str, date_part: str, tz_of: str) -> str:
    """A timestamp from ISO 8601 text already checked by regex: naive part minus the UTC offset."""
    naive = f"TRY_CAST({date_part} || replace(regexp_extract({s}, {literal(ISO_TIME_RE)}, 1), ',', '.') AS TIMESTAMP)"
    tz = f"regexp_extract({s}, {literal(ISO_TZ_RE)}, 1)"
    sign = f"CASE WHEN starts_with({tz}, '-') THEN -1 ELSE 1 END"
    hours = f"TRY_CAST(nullif(substr({tz}, 2, 2), '') AS INTEGER)"
    minutes = f"TRY_CAST(nullif(substr(replace({tz}, ':', ''), 4, 2), '') AS INTEGER)"
    offset = f"{sign} * (coalesce({hours}, 0) * 60 + coalesce({minutes}, 0))"
    ok = f"coalesce({hours}, 0) < 24 AND coalesce({minutes}, 0) < 60"
    return f"CASE WHEN {ok} THEN {naive} - to_minutes(CAST({offset} AS BIGINT)) END"


def _datetime(f: Field, s: str) -> str:
    """dateutil's ``isoparse`` as Frictionless guards it (``cell[16] == ":"``, at least 19 characters)."""
    if f.format == "any":
        return f"TRY_CAST({s} AS TIMESTAMP)"
    if f.format not in ("default", ""):
        return _strptime(s, f.format, "TIMESTAMP")
    return f"CASE WHEN regexp_full_match({s}, {literal(DATETIME_RE)}) THEN {_iso(s, f'substr({s}, 1, 10) || {literal(chr(32))}', s)} END"


def _time(f: Field, s: str) -> str:
    """``isoparse("2000-01-01T" + cell)`` as Frictionless guards it (``cell[5] == ":"``, at least 8 characters)."""
    if f.format == "any":
        return f"TRY_CAST({s} AS TIME)"
    if f.format not in ("default", ""):
        return _strptime(s, f.format, "TIME")
    iso = _iso(f"('2000-01-01T' || {s})", "'2000-01-01 '", s)
    return f"CASE WHEN regexp_full_match({s}, {literal(TIME_RE)}) THEN CAST({iso} AS TIME) END"


def _year(f: Field, s: str) -> str:
    """Frictionless: ``len(cell) == 4`` and ``0 <= int(cell) <= 9999``."""
    return (
        f"CASE WHEN length({s}) = 4 AND regexp_full_match({s}, {literal(INTEGER_RE)}) "
        f"AND TRY_CAST(replace(trim({s}), '_', '') AS INTEGER) >= 0 "
        f"THEN TRY_CAST(replace(trim({s}), '_', '') AS INTEGER) END"
    )


def _yearmonth(f: Field, s: str) -> str:
    return f"CASE WHEN regexp_full_match({s}, '[0-9]{{4}}-(0[1-9]|1[0-2])') THEN {s} END"


PARSERS = {
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
    "time": _time,
    "year": _year,
    "yearmonth": _yearmonth,
}


def parse_sql(f: Field, s: str) -> str:
    """SQL turning text ``s`` into ``f``'s type; NULL when it does not parse."""
    udf = reader_sql(f, s)
    if udf is not None and f.format == "any":  # dateutil decides; DuckDB's cast gives the value when it can
        return f"CASE WHEN {udf} THEN TRY_CAST({s} AS {duckdb_type(f)}) END"
    if udf is not None:
        return f"CASE WHEN {udf} THEN {s} END"
    parser = PARSERS.get(f.type)
    return parser(f, s) if parser else s


def reader_sql(f: Field, s: str) -> str | None:
    """A call to the Python reader of ``f`` (hmipdata/checker/celltypes.py), when its type needs one."""
    from hmipdata.checker.celltypes import reader, udf_name

    if reader(f.type, f.format) is None:
        return None
    return f"{udf_name(f.type, f.format)}({s})"


@dataclass(frozen=True)
class Rule:
    """A check on one column: SQL true where the cell breaks it."""

    field: str
    code: str
    name: str
    bad_sql: str
    message: str


def _typed_literal(f: Field, value: object) -> str:
    if f.type in ("integer", "number", "year") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return parse_sql(f, literal(value))


def cell_rules(f: Field, v: str, p: str) -> list[Rule]:
    """The cell-level rules of field ``f``; ``v`` is the text (NULL if missing), ``p`` the parsed value."""
    c = f.constraints
    size = f"strlen({v}) > {MAX_CELL_BYTES}"
    rules = [Rule(f.name, "source-error", "cell size", size, f"is over the cap of {MAX_CELL_BYTES:,} bytes per cell")]
    udf = reader_sql(f, v)
    if udf is not None or (f.type in CHECKED_TYPES and f.type not in ("string", "any")):
        label = f.type if f.format in ("default", "") else f"{f.type} ({f.format})"
        bad = f"{v} IS NOT NULL AND NOT {udf}" if udf is not None else f"{v} IS NOT NULL AND {p} IS NULL"
        rules.append(Rule(f.name, "type-error", f"type {label}", bad, f"is not a valid {label}"))
    ok = f"{p} IS NOT NULL"
    if c.get("required"):
        rules.append(Rule(f.name, "constraint-error", "required", f"{v} IS NULL", "is required but blank"))
    nan = f" OR isnan({p})" if f.type == "number" else ""
    if "enum" in c:
        options = ", ".join(_typed_literal(f, o) for o in c["enum"])
        shown = ", ".join(str(o) for o in c["enum"])
        rules.append(
            # an option that does not read as the field's type matches nothing, nor does NaN (as in Python)
            Rule(
                f.name,
                "constraint-error",
                "enum",
                f"{ok} AND (NOT coalesce({p} IN ({options}), false){nan})",
                f"is not one of: {shown}",
            )
        )
    for key, op, words in (
        ("minimum", "<", "less than the minimum"),
        ("maximum", ">", "greater than the maximum"),
        ("exclusiveMinimum", "<=", "not greater than the exclusive minimum"),
        ("exclusiveMaximum", ">=", "not less than the exclusive maximum"),
    ):
        if key in c:
            bound = _typed_literal(f, c[key])
            rules.append(
                Rule(f.name, "constraint-error", key, f"{ok} AND ({p} {op} {bound}{nan})", f"is {words} {c[key]}")
            )
    if "pattern" in c:
        rules.append(
            Rule(
                f.name,
                "constraint-error",
                "pattern",
                f"{ok} AND NOT regexp_full_match({v}, {literal(c['pattern'])})",
                f"does not match the pattern {c['pattern']}",
            )
        )
    if "minLength" in c:
        rules.append(
            Rule(
                f.name,
                "constraint-error",
                "minLength",
                f"{ok} AND length({v}) < {int(c['minLength'])}",
                f"is shorter than {c['minLength']} characters",
            )
        )
    if "maxLength" in c:
        rules.append(
            Rule(
                f.name,
                "constraint-error",
                "maxLength",
                f"{ok} AND length({v}) > {int(c['maxLength'])}",
                f"is longer than {c['maxLength']} characters",
            )
        )
    return rules


def missing_sql(col: str, missing: tuple[str, ...]) -> str:
    """The cell text, or NULL when it is one of the missing-value markers."""
    if not missing:
        return col
    return f"CASE WHEN {col} IN ({', '.join(literal(m) for m in missing)}) THEN NULL ELSE {col} END"


def check_constraint_sql(f: Field, col: str) -> list[str]:
    """DuckDB CHECK constraints for a typed column."""
    c = f.constraints
    out = []
    if "enum" in c:
        out.append(f"{col} IN ({', '.join(_typed_literal(f, o) for o in c['enum'])})")
    for key, op in (("minimum", ">="), ("maximum", "<="), ("exclusiveMinimum", ">"), ("exclusiveMaximum", "<")):
        if key in c:
            out.append(f"{col} {op} {_typed_literal(f, c[key])}")
    if "pattern" in c and f.type == "string":
        out.append(f"regexp_full_match({col}, {literal(c['pattern'])})")
    if "minLength" in c and f.type == "string":
        out.append(f"length({col}) >= {int(c['minLength'])}")
    if "maxLength" in c and f.type == "string":
        out.append(f"length({col}) <= {int(c['maxLength'])}")
    return out


def create_table_sql(name: str, schema: TableSchema) -> str:
    """``CREATE TABLE`` with types, NOT NULL, CHECK and PRIMARY KEY from the schema."""
    lines = []
    for f in schema.fields:
        col = ident(f.name)
        parts = [col, duckdb_type(f)]
        if f.required or f.name in schema.primary_key:
            parts.append("NOT NULL")
        if f.constraints.get("unique") and (f.name,) != tuple(schema.primary_key):
            parts.append("UNIQUE")
        parts.extend(f"CHECK ({check})" for check in check_constraint_sql(f, col))
        lines.append("  " + " ".join(parts))
    if schema.primary_key:
        lines.append(f"  PRIMARY KEY ({', '.join(ident(k) for k in schema.primary_key)})")
    return f"CREATE TABLE {ident(name)} (\n" + ",\n".join(lines) + "\n)"


def comment_sql(name: str, description: str, schema: TableSchema) -> list[str]:
    """``COMMENT ON`` statements for the table and each column."""
    out = [f"COMMENT ON TABLE {ident(name)} IS {literal(description)}"]
    for f in schema.fields:
        text = f.description
        if f.unit:
            text = f"{text} Unit: {f.unit}." if text else f"Unit: {f.unit}."
        out.append(f"COMMENT ON COLUMN {ident(name)}.{ident(f.name)} IS {literal(text)}")
    return out
