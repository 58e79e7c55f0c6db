"""Reconciliation checks declared in the schemas (``checks:``), one module per kind.

Each module (``total``, ``weekday``, ``expression``, ``query``) declares a
:class:`~hmipdata.project.checks.base.Kind`: its parameters and the SQL it
compiles to. :data:`KINDS` registers them; the declaration model
(:mod:`hmipdata.project.declaration_model`), the declaration rules and the
runner (:mod:`hmipdata.project.checks.run`) read only this registry, so a new
kind is a new module added to the tuple below.
"""

from __future__ import annotations

from hmipdata.project.checks import expression, query, total, weekday
from hmipdata.project.checks.base import Kind, Param

__all__ = ["KINDS", "Kind", "Param"]

KINDS: dict[str, Kind] = {k.name: k for k in (total.KIND, weekday.KIND, expression.KIND, query.KIND)}
