"""What a check kind is: the parameters a declaration gives it and the SQL it compiles to.

A kind's module declares one :class:`Kind` (as frictionless's checks and PUDL's
dbt macros do); :mod:`hmipdata.project.checks` registers them. The declaration
model, the declaration rules and the runner all read that registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from hmipdata.checker.schema import Resource
from hmipdata.checker.sqlrules import ident


def _listed(value: Any) -> Any:
    """A single name stands for a list of one, as Table Schema allows (``primaryKey: id``)."""
    return [value] if isinstance(value, str) else value


Names = Annotated[
    list[str],
    BeforeValidator(_listed),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]


@dataclass(frozen=True)
class Param:
    """One parameter of a check kind: its key, the type the declaration model checks, whether it must be given."""

    name: str
    type: Any
    """The annotation the declaration model checks the value with (str, Names, a Literal...)."""
    description: str
    required: bool = True
    default: Any = None
    column: bool = False
    """The value names a column (or columns) of the table: the declaration rules check it exists."""
    fits: frozenset[str] = frozenset()
    """The column types the named column may have (empty: any)."""


@dataclass(frozen=True)
class Kind:
    """A check kind: ``sql(resource, check)`` returns ``(_line, row_key, message)`` per failure."""

    name: str
    description: str
    params: tuple[Param, ...]
    sql: Callable[[Resource, dict[str, Any]], str]
    shown_at: str | None = None
    """The parameter naming the column a failure is reported at."""

    @property
    def model_name(self) -> str:
        """The declaration model's class (and JSON Schema definition) name: ``TotalCheck``."""
        return self.name.title().replace("_", "") + "Check"

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


WHERE = Param("where", str | None, "Optional SQL filter on the rows checked.", required=False)


def key_sql(columns: list[str]) -> str:
    """SQL naming a row by ``columns``: ``'a=1; b=x'``."""
    pairs = [f"'{c}=' || coalesce(CAST({ident(c)} AS VARCHAR), '')" for c in columns]
    return "concat_ws('; ', " + ", ".join(pairs) + ")" if pairs else "''"


def where_sql(check: dict[str, Any]) -> str:
    return f"({check['where']})" if check.get("where") else "true"


def row_sql(resource: Resource, condition: str, message: str, check: dict[str, Any]) -> str:
    """A failure for each row (within ``where``) on which ``condition`` is false, named by its primary key."""
    key = key_sql(list(resource.schema.primary_key))
    return (
        f"SELECT _line, {key} AS row_key, {message} AS message FROM {ident(resource.name)} "
        f"WHERE {where_sql(check)} AND NOT coalesce({condition}, true) ORDER BY _line"
    )
