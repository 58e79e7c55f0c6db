"""``query``: SQL returning one row per failure."""

from __future__ import annotations

from typing import Any

from hmipdata.checker.schema import Resource
from hmipdata.project.checks.base import Kind, Param


def sql(resource: Resource, check: dict[str, Any]) -> str:
    return f"SELECT * FROM ({check['sql']}) AS q"


KIND = Kind(
    "query",
    "SQL returning one row per failure.",
    (Param("sql", str, "SQL returning one row per failure, with a message column and optionally _line."),),
    sql,
)
