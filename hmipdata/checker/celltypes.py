"""Reading rules that DuckDB has no exact function for, run as Python UDFs inside DuckDB.

Object, array, geopoint, geojson, duration, the string formats (email, uri,
uuid, binary, wkt) and the ``any`` format of dates and times follow
frictionless-py's readers line by line, using the same libraries (json,
isodate, validators, rfc3986, dateutil, jsonschema, a WKT reader
below), so a cell is valid here exactly when frictionless reads it. These
types are rare and their cells short; the UDFs run only for fields that use
them, and only on cells that are not missing.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache


def _json(cell: str, kind: type) -> bool:
    try:
        return isinstance(json.loads(cell), kind)
    except ValueError:
        return False


def _lon_lat(lon, lat) -> bool:
    try:
        lon, lat = Decimal(lon), Decimal(lat)
    except Exception:  # Decimal raises InvalidOperation (and TypeError for lists)
        return False
    return -180 <= lon <= 180 and -90 <= lat <= 90


def _geopoint(fmt: str) -> Callable[[str], bool]:
    def read(cell: str) -> bool:
        try:
            if fmt == "array":
                lon, lat = json.loads(cell)
            elif fmt == "object":
                value = json.loads(cell)
                if len(value) != 2:
                    return False
                lon, lat = value["lon"], value["lat"]
            else:
                lon, lat = (part.strip() for part in cell.split(","))
        except Exception:  # wrong shape, not JSON, not a mapping: not a geopoint
            return False
        return _lon_lat(lon, lat)

    return read


@cache
def _geojson_validator(fmt: str):
    from frictionless import settings
    from jsonschema.validators import validator_for

    profile = settings.TOPOJSON_PROFILE if fmt == "topojson" else settings.GEOJSON_PROFILE
    return validator_for(profile)(profile)


def _geojson(fmt: str) -> Callable[[str], bool]:
    def read(cell: str) -> bool:
        try:
            value = json.loads(cell)
        except ValueError:
            return False
        if not isinstance(value, dict):
            return False
        if fmt in ("default", "topojson"):
            return _geojson_validator(fmt).is_valid(value)
        return True

    return read


def _duration(cell: str) -> bool:
    import isodate

    try:
        isodate.parse_duration(cell)
    except Exception:  # isodate raises ISO8601Error, ValueError ...
        return False
    return True


def _email(cell: str) -> bool:
    import validators

    return bool(validators.email(cell))


def _uuid(cell: str) -> bool:
    import validators

    return bool(validators.uuid(cell))


def _uri(cell: str) -> bool:
    import rfc3986
    from rfc3986 import exceptions, validators

    checker = validators.Validator().require_presence_of("scheme")
    try:
        checker.validate(rfc3986.uri_reference(cell))
    except exceptions.ValidationError:
        return False
    return True


def _binary(cell: str) -> bool:
    try:
        base64.b64decode(cell)
    except Exception:  # binascii.Error, ValueError
        return False
    return True


_WKT_TOKEN = re.compile(r"\s*(?:([A-Za-z]+)|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|([(),]))")
_WKT_TAGS = {
    "POINT",
    "LINESTRING",
    "POLYGON",
    "MULTIPOINT",
    "MULTILINESTRING",
    "MULTIPOLYGON",
    "GEOMETRYCOLLECTION",
    "CIRCULARSTRING",
    "COMPOUNDCURVE",
    "CURVEPOLYGON",
    "MULTICURVE",
    "MULTISURFACE",
    "CURVE",
    "SURFACE",
    "POLYHEDRALSURFACE",
    "TIN",
    "TRIANGLE",
}


def _wkt_tokens(cell: str) -> list[str] | None:
    tokens, pos = [], 0
    while pos < len(cell.rstrip()):
        match = _WKT_TOKEN.match(cell, pos)
        if not match:
            return None
        tokens.append(match.group(0).strip().upper())
        pos = match.end()
    return tokens


def _wkt(cell: str) -> bool:
    """Well-known text (OGC 06-103r4 as frictionless' grammar reads it): tagged, balanced, numeric coordinates."""
    tokens = _wkt_tokens(cell)
    if not tokens:
        return False
    pos = _wkt_geometry(tokens, 0)
    return pos == len(tokens)


def _wkt_geometry(tokens: list[str], pos: int) -> int:
    """Index after one tagged geometry starting at ``pos``, or -1."""
    if pos >= len(tokens) or tokens[pos] not in _WKT_TAGS:
        return -1
    pos += 1
    if pos < len(tokens) and tokens[pos] in ("Z", "M", "ZM"):
        pos += 1
    if pos < len(tokens) and tokens[pos] == "EMPTY":
        return pos + 1
    return _wkt_group(tokens, pos)


def _wkt_group(tokens: list[str], pos: int) -> int:
    """Index after a parenthesised list of coordinates, groups or geometries, or -1."""
    if pos >= len(tokens) or tokens[pos] != "(":
        return -1
    pos += 1
    while True:
        if pos < len(tokens) and tokens[pos] == "(":
            pos = _wkt_group(tokens, pos)
        elif pos < len(tokens) and tokens[pos] in _WKT_TAGS:
            pos = _wkt_geometry(tokens, pos)
        else:
            start = pos
            while pos < len(tokens) and tokens[pos][0] in "+-.0123456789":
                pos += 1
            if not 2 <= pos - start <= 4:
                return -1
        if pos < 0 or pos >= len(tokens):
            return -1
        if tokens[pos] == ")":
            return pos + 1
        if tokens[pos] != ",":
            return -1
        pos += 1


def _dateutil(cell: str) -> bool:
    from dateutil import parser

    try:
        parser.parse(cell)
    except Exception:  # ParserError, OverflowError
        return False
    return True


def reader(ftype: str, fmt: str) -> Callable[[str], bool] | None:
    """The Python reader of a (type, format) that needs one, else None."""
    if ftype == "object":
        return lambda cell: _json(cell, dict)
    if ftype == "array":
        return lambda cell: _json(cell, list)
    if ftype == "geopoint":
        return _geopoint(fmt)
    if ftype == "geojson":
        return _geojson(fmt)
    if ftype == "duration":
        return _duration
    if ftype == "string":
        return {"email": _email, "uri": _uri, "uuid": _uuid, "binary": _binary, "wkt": _wkt}.get(fmt)
    if ftype in ("date", "datetime", "time") and fmt == "any":
        return _dateutil
    return None


def udf_name(ftype: str, fmt: str) -> str:
    return f"hm_read_{ftype}_{''.join(c if c.isalnum() else '_' for c in fmt)}"


def register(con, schema) -> None:
    """Register the UDFs the schema's fields need on this DuckDB connection (once each)."""
    import duckdb

    known = "SELECT function_name FROM duckdb_functions() WHERE function_name LIKE 'hm_read_%'"
    names = {row[0] for row in con.execute(known).fetchall()}
    for f in schema.fields:
        fn = reader(f.type, f.format)
        name = udf_name(f.type, f.format)
        if fn is None or name in names:
            continue
        con.create_function(name, fn, [duckdb.sqltypes.VARCHAR], duckdb.sqltypes.BOOLEAN, side_effects=False)
        names.add(name)
