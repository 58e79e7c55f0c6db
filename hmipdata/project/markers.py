"""GSS shorthand: which value column each marker column explains, and what the symbols mean.

In CSV and the database a value the source does not give is blank and its
shorthand sits in a marker column; on the site and in spreadsheets the
shorthand is shown in the value's cell and explained above the table.
"""

from __future__ import annotations

from hmipdata.checker.schema import TableSchema

NUMERIC = ("integer", "year", "number")

SHORTHAND = {
    "[x]": "not available (the source does not give it)",
    "[z]": "not applicable",
    "[c]": "confidential or suppressed",
    "[u]": "low reliability",
    "[e]": "estimated",
    "[p]": "provisional",
    "[r]": "revised",
}


def is_marker(name: str) -> bool:
    return name == "marker" or name.endswith("_marker")


def marker_targets(schema: TableSchema) -> dict[str, list[str]]:
    """Marker column -> the numeric columns whose blanks it explains.

    ``<x>_marker`` explains the numeric columns named ``<x>`` or ``<x>_...``;
    ``marker`` explains ``value`` if there is one, else every numeric column
    that no other marker claims.
    """
    numeric = [f.name for f in schema.fields if f.type in NUMERIC]
    out: dict[str, list[str]] = {}
    for f in schema.fields:
        if f.name.endswith("_marker"):
            prefix = f.name[: -len("_marker")]
            out[f.name] = [n for n in numeric if n == prefix or n.startswith(prefix + "_")]
    if "marker" in schema.field_names:
        claimed = {n for targets in out.values() for n in targets}
        out["marker"] = ["value"] if "value" in numeric else [n for n in numeric if n not in claimed]
    return out


def marker_cells(frame, schema: TableSchema) -> dict[str, dict[int, str]]:
    """Value column -> {row position: shorthand} for blank values that a marker explains."""
    cells: dict[str, dict[int, str]] = {}
    for marker, targets in marker_targets(schema).items():
        if marker not in frame.columns:
            continue
        for target in targets:
            for pos, (value, symbol) in enumerate(zip(frame[target], frame[marker], strict=True)):
                if is_blank(value) and not is_blank(symbol):
                    cells.setdefault(target, {})[pos] = str(symbol)
    return cells


def symbols_allowed(schema: TableSchema) -> list[str]:
    """The shorthand symbols a table's marker columns may hold, in GSS order."""
    allowed: set[str] = set()
    for f in schema.fields:
        if is_marker(f.name):
            allowed |= set(f.constraints.get("enum") or SHORTHAND)
    return [s for s in SHORTHAND if s in allowed] + sorted(allowed - set(SHORTHAND))


def is_blank(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pd.NA
    except TypeError:
        return True  # pd.NA compares to NA
