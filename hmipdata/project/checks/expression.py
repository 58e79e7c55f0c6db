"""``expression``: a SQL boolean holds on every row."""

from __future__ import annotations

from typing import Any

from hmipdata.checker.schema import Resource
from hmipdata.checker.sqlrules import literal
from hmipdata.project.checks.base import WHERE, Kind, Param, row_sql


def sql(resource: Resource, check: dict[str, Any]) -> str:
    message = literal("expected: " + check["expression"])
    return row_sql(resource, f"({check['expression']})", message, check)


KIND = Kind(
    "expression",
    "A SQL boolean holds on every row.",
    (Param("expression", str, "A SQL boolean that must hold on every row."), WHERE),
    sql,
)
