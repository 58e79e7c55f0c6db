"""``total``: printed totals equal the sum of their parts."""

from __future__ import annotations

from typing import Any

from hmipdata.checker.schema import Resource
from hmipdata.checker.sqlrules import ident
from hmipdata.project.checks.base import WHERE, Kind, Names, Param, key_sql, where_sql


def sql(resource: Resource, check: dict[str, Any]) -> str:
    value, flag = ident(check["value"]), ident(check["total_flag"])
    groups = list(check.get("group_by", []))
    by = ", ".join(ident(g) for g in groups)
    return (
        f"SELECT min(_line) FILTER (WHERE {flag}) AS _line, {key_sql(groups)} AS row_key, "
        f"'total ' || CAST(max({value}) FILTER (WHERE {flag}) AS VARCHAR) || ' != sum of parts ' || "
        f"coalesce(CAST(sum({value}) FILTER (WHERE NOT {flag}) AS VARCHAR), 'none') AS message "
        f"FROM {ident(resource.name)} WHERE {where_sql(check)} {'GROUP BY ' + by if by else ''} "
        f"HAVING count(*) FILTER (WHERE {flag}) > 0 AND coalesce(abs(max({value}) FILTER (WHERE {flag}) - "
        f"sum({value}) FILTER (WHERE NOT {flag})) > 1e-9, true) ORDER BY 1"
    )


KIND = Kind(
    "total",
    "Printed totals equal the sum of their parts.",
    (
        Param("value", str, "The numeric column summed.", column=True, fits=frozenset({"integer", "number"})),
        Param(
            "total_flag",
            str,
            "The boolean column marking the printed total rows.",
            column=True,
            fits=frozenset({"boolean"}),
        ),
        Param("group_by", Names, "Columns the parts and their total share.", required=False, default=[], column=True),
        WHERE,
    ),
    sql,
    shown_at="value",
)
