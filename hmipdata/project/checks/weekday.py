"""``weekday``: a date column falls on a given weekday."""

from __future__ import annotations

from typing import Any, Literal

from hmipdata.checker.schema import Resource
from hmipdata.checker.sqlrules import ident, literal
from hmipdata.project.checks.base import WHERE, Kind, Param, row_sql

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def sql(resource: Resource, check: dict[str, Any]) -> str:
    col, day = ident(check["column"]), str(check["weekday"])
    message = f"'{check['column']} ' || CAST({col} AS VARCHAR) || ' is a ' || dayname({col}) || ', not a {day}'"
    return row_sql(resource, f"dayname({col}) = {literal(day)}", message, check)


KIND = Kind(
    "weekday",
    "A date column falls on a given weekday.",
    (
        Param("column", str, "The date column.", column=True, fits=frozenset({"date", "datetime"})),
        Param("weekday", Literal[WEEKDAYS], ""),
        WHERE,
    ),
    sql,
    shown_at="column",
)
