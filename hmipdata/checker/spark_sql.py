"""The rules of :mod:`hmipdata.sqlrules` written in Spark SQL, for ``--engine spark``.

The rules themselves (which checks a field has, their codes, names and
messages, the reading rules' regular expressions) come from
:mod:`hmipdata.sqlrules`; only the SQL differs. It is written here rather than
transpiled from the DuckDB SQL because the DuckDB expressions lean on DuckDB's
own casts (``TRY_CAST('0x1p3' AS DOUBLE)`` is NULL there, 8.0 in Spark) and
functions Spark lacks (``regexp_full_match``, ``try_strptime``,
``to_minutes``): docs/scaling.md gives the measurement. Spark's regular
expressions are Java's: a full match is ``RLIKE '^(?:pattern)\\z'``.
"""

from __future__ import annotations

from dataclasses import replace

from hmipdata.checker.errors import SchemaError
from hmipdata.checker.schema import Field
from hmipdata.checker.sqlrules import (
    _WS,
    DATE_RE,
    DATETIME_RE,
    INTEGER_RE,
    ISO_TIME_RE,
    ISO_TZ_RE,
    MAX_CELL_BYTES,
    NUMBER_RE,
    TIME_RE,
    Rule,
    reader_sql,
)
from hmipdata.checker.sqlrules import cell_rules as duckdb_cell_rules

SPARK_TYPES = {
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP_NTZ",
    "year": "INT",
}


def ident(name: str) -> str:
    """Quote a Spark SQL identifier."""
    return "`" + name.replace("`", "``") + "`"


def literal(value: object) -> str:
    """Quote a Spark SQL string literal (backslashes are escapes in Spark's literals)."""
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def full_match(s: str, pattern: str) -> str:
    """``s`` matches ``pattern`` as a whole (DuckDB's ``regexp_full_match``)."""
    return f"({s} RLIKE {literal('^(?:' + pattern + ')' + chr(92) + 'z')})"


def _strip(s: str) -> str:
    """Python's ``str.strip()``."""
    return f"regexp_replace({s}, {literal(f'^{_WS}+|{_WS}+$')}, '')"


def _not_bare(s: str) -> str:
    return f"regexp_replace(trim({s}), '^[^-0-9]*|[^0-9]*$', '')"


def _integer(f: Field, s: str) -> str:
    text = s if f.bare_number else _not_bare(s)
    slow = f"CASE WHEN {full_match(text, INTEGER_RE)} THEN try_cast(replace({_strip(text)}, '_', '') AS BIGINT) END"
    fast = f"CASE WHEN CAST(try_cast({text} AS BIGINT) AS STRING) = {text} THEN try_cast({text} AS BIGINT) END"
    return f"coalesce({fast}, {slow})"


def _number(f: Field, s: str) -> str:
    text = s if f.bare_number else _not_bare(s)
    if f.group_char:
        text = f"replace({text}, {literal(f.group_char)}, '')"
    if f.decimal_char != ".":
        text = f"CASE WHEN instr({text}, '.') > 0 THEN NULL ELSE replace({text}, {literal(f.decimal_char)}, '.') END"
    plain = f"replace({_strip(text)}, '_', '')"
    slow = f"CASE WHEN {full_match(plain, NUMBER_RE)} THEN try_cast({plain} AS DOUBLE) END"
    # Spark's DOUBLE cast is Java's (it takes '1d', '0x1p3'): only plain decimals skip the full rule
    fast = f"CASE WHEN {full_match(text, '-?[0-9]{1,15}([.][0-9]{1,15})?')} THEN try_cast({text} AS DOUBLE) END"
    return f"coalesce({fast}, {slow})"


def _boolean(f: Field, s: str) -> str:
    trues = ", ".join(literal(v) for v in f.true_values)
    falses = ", ".join(literal(v) for v in f.false_values)
    return f"CASE WHEN {s} IN ({trues}) THEN true WHEN {s} IN ({falses}) THEN false END"


# Python strptime codes as Java DateTimeFormatter letters (numbers without padding read 1 or 2 digits).
_CODES = {
    "Y": "yyyy",
    "y": "yy",
    "m": "M",
    "d": "d",
    "H": "H",
    "I": "h",
    "M": "m",
    "S": "s",
    "f": "SSSSSS",
    "p": "a",
    "b": "MMM",
    "B": "MMMM",
    "a": "E",
    "A": "EEEE",
    "j": "D",
    "z": "Z",
}


def java_format(fmt: str, field: str) -> str:
    """A Python ``strptime`` format as a Spark datetime pattern; refused when Spark has no equivalent."""
    out, i = [], 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%" and i + 1 < len(fmt):
            code = fmt[i + 1]
            if code == "%":
                out.append("'%'")
            elif code in _CODES:
                out.append(_CODES[code])
            else:
                raise SchemaError(f"field {field!r}: format code %{code} is not supported by --engine spark")
            i += 2
            continue
        out.append("''" if ch == "'" else (f"'{ch}'" if ch.isalpha() else ch))
        i += 1
    return "".join(out)


def _strptime(f: Field, s: str, target: str) -> str:
    return f"CAST(try_to_timestamp({s}, {literal(java_format(f.format, f.name))}) AS {target})"


def _date(f: Field, s: str) -> str:
    if f.format == "any":
        return f"try_cast({s} AS DATE)"
    if f.format not in ("default", ""):
        return _strptime(f, s, "DATE")
    fast = (
        f"CASE WHEN {full_match(s, '[0-9]{4}-[0-9]{2}-[0-9]{2}')} AND NOT startswith({s}, '0000') "
        f"THEN try_cast({s} AS DATE) END"
    )
    t = f"replace({s}, '- ', '-')"
    iso = f"concat(substr({t}, 1, 4), '-', lpad(split_part({t}, '-', 2), 2, '0'), '-', lpad(split_part({t}, '-', 3), 2, '0'))"
    slow = f"CASE WHEN {full_match(s, DATE_RE)} AND NOT startswith({s}, '0000') THEN try_cast({iso} AS DATE) END"
    return f"coalesce({fast}, {slow})"


def _iso(s: str, date_part: str) -> str:
    """A TIMESTAMP_NTZ in UTC from ISO 8601 text already checked by regex (24:00:00 is the next midnight)."""
    clock = f"replace(regexp_extract({s}, {literal(ISO_TIME_RE)}, 1), ',', '.')"
    midnight = f"startswith({clock}, '24')"
    naive = (
        f"CASE WHEN {midnight} THEN timestampadd(DAY, 1, try_cast({date_part} || '00' || substr({clock}, 3) "
        f"AS TIMESTAMP_NTZ)) ELSE try_cast({date_part} || {clock} AS TIMESTAMP_NTZ) END"
    )
    tz = f"regexp_extract({s}, {literal(ISO_TZ_RE)}, 1)"
    sign = f"CASE WHEN startswith({tz}, '-') THEN -1 ELSE 1 END"
    hours = f"try_cast(nullif(substr({tz}, 2, 2), '') AS INT)"
    minutes = f"try_cast(nullif(substr(replace({tz}, ':', ''), 4, 2), '') AS INT)"
    offset = f"{sign} * (coalesce({hours}, 0) * 60 + coalesce({minutes}, 0))"
    ok = f"coalesce({hours}, 0) < 24 AND coalesce({minutes}, 0) < 60"
    return f"CASE WHEN {ok} THEN timestampadd(MINUTE, -({offset}), {naive}) END"


def _datetime(f: Field, s: str) -> str:
    if f.format == "any":
        return f"try_cast({s} AS TIMESTAMP_NTZ)"
    if f.format not in ("default", ""):
        return _strptime(f, s, "TIMESTAMP_NTZ")
    return f"CASE WHEN {full_match(s, DATETIME_RE)} THEN {_iso(s, f'substr({s}, 1, 10) || {literal(chr(32))}')} END"


def _clock(ts: str) -> str:
    """Time of day as text that sorts as time does: ``HH:MM:SS`` and the fraction's significant digits."""
    text = f"date_format({ts}, 'HH:mm:ss.SSSSSS')"
    return f"regexp_replace(regexp_replace({text}, '0+$', ''), '[.]$', '')"


def _time(f: Field, s: str) -> str:
    if f.format == "any":
        return _clock(f"try_cast('2000-01-01 ' || {s} AS TIMESTAMP_NTZ)")
    if f.format not in ("default", ""):
        return _clock(_strptime(f, s, "TIMESTAMP_NTZ"))
    iso = _iso(f"('2000-01-01T' || {s})", "'2000-01-01 '")
    return f"CASE WHEN {full_match(s, TIME_RE)} THEN {_clock(iso)} END"


def _year(f: Field, s: str) -> str:
    value = f"try_cast(replace({_strip(s)}, '_', '') AS INT)"
    return f"CASE WHEN length({s}) = 4 AND {full_match(s, INTEGER_RE)} AND {value} >= 0 THEN {value} END"


def _yearmonth(f: Field, s: str) -> str:
    return f"CASE WHEN {full_match(s, '[0-9]{4}-(0[1-9]|1[0-2])')} THEN {s} END"


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
    """Spark SQL turning text ``s`` into ``f``'s type; NULL when it does not parse."""
    udf = reader_sql(f, s)
    if udf is not None and f.format == "any":
        return f"CASE WHEN {udf} THEN {PARSERS[f.type](f, s)} END"
    if udf is not None:
        return f"CASE WHEN {udf} THEN {s} END"
    parser = PARSERS.get(f.type)
    return parser(f, s) if parser else s


def _typed_literal(f: Field, value: object) -> str:
    if f.type in ("integer", "number", "year") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return parse_sql(f, literal(value))


def _bad_sql(f: Field, rule: Rule, v: str, p: str) -> str:
    """Spark SQL for one rule of :func:`hmipdata.sqlrules.cell_rules`, chosen by its name."""
    c, ok = f.constraints, f"{p} IS NOT NULL"
    nan = f" OR isnan({p})" if f.type == "number" else ""
    name = rule.name
    if name == "cell size":
        return f"octet_length({v}) > {MAX_CELL_BYTES}"
    if rule.code == "type-error":
        udf = reader_sql(f, v)
        return f"{v} IS NOT NULL AND NOT {udf}" if udf is not None else f"{v} IS NOT NULL AND {p} IS NULL"
    if name == "required":
        return f"{v} IS NULL"
    if name == "enum":
        options = ", ".join(_typed_literal(f, o) for o in c["enum"])
        return f"{ok} AND (NOT coalesce({p} IN ({options}), false){nan})"
    ops = {"minimum": "<", "maximum": ">", "exclusiveMinimum": "<=", "exclusiveMaximum": ">="}
    if name in ops:
        return f"{ok} AND ({p} {ops[name]} {_typed_literal(f, c[name])}{nan})"
    if name == "pattern":
        return f"{ok} AND NOT {full_match(v, c['pattern'])}"
    if name == "minLength":
        return f"{ok} AND char_length({v}) < {int(c['minLength'])}"
    if name == "maxLength":
        return f"{ok} AND char_length({v}) > {int(c['maxLength'])}"
    raise AssertionError(f"rule {name!r} has no Spark SQL")  # a new rule in sqlrules needs its translation here


def cell_rules(f: Field, v: str, p: str) -> list[Rule]:
    """The rules of :func:`hmipdata.sqlrules.cell_rules` (same order, codes, names, messages) in Spark SQL."""
    return [replace(rule, bad_sql=_bad_sql(f, rule, v, p)) for rule in duckdb_cell_rules(f, v, p)]


def missing(col: str, markers: tuple[str, ...]) -> str:
    """Cell text, or NULL when missing; Spark may give NULL for an empty cell."""
    if "" in markers:
        col, markers = f"nullif({col}, '')", tuple(m for m in markers if m)
    else:
        col = f"coalesce({col}, '')"
    if not markers:
        return col
    return f"CASE WHEN {col} IN ({', '.join(literal(m) for m in markers)}) THEN NULL ELSE {col} END"
