"""pandera schemas derived from the Table Schemas, for checking published tables."""

from __future__ import annotations

from hmipdata.checker.schema import Field, TableSchema

PANDAS_DTYPES = {
    "string": "object",
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
    "date": "datetime64[us]",
    "year": "Int64",
}


def _checks(f: Field) -> list:
    import pandera.pandas as pa

    c = f.constraints
    checks = []
    if "enum" in c:
        checks.append(pa.Check.isin(c["enum"]))
    if "minimum" in c:
        checks.append(pa.Check.ge(c["minimum"]))
    if "maximum" in c:
        checks.append(pa.Check.le(c["maximum"]))
    if "exclusiveMinimum" in c:
        checks.append(pa.Check.gt(c["exclusiveMinimum"]))
    if "exclusiveMaximum" in c:
        checks.append(pa.Check.lt(c["exclusiveMaximum"]))
    if "pattern" in c:
        checks.append(pa.Check.str_matches(f"^(?:{c['pattern']})$"))
    if "minLength" in c or "maxLength" in c:
        checks.append(pa.Check.str_length(c.get("minLength"), c.get("maxLength")))
    return checks


def pandera_schema(name: str, schema: TableSchema):
    """A ``pandera.DataFrameSchema`` equivalent to ``schema``."""
    import pandera.pandas as pa

    columns = {}
    for f in schema.fields:
        dtype = PANDAS_DTYPES.get(f.type)
        required = f.required or f.name in schema.primary_key
        columns[f.name] = pa.Column(
            dtype,
            checks=_checks(f),
            nullable=not required,
            unique=bool(f.constraints.get("unique")),
            coerce=True,
            title=f.title or None,
            description=f.description or None,
        )
    return pa.DataFrameSchema(
        columns,
        name=name,
        strict=True,
        ordered=True,
        unique=list(schema.primary_key) or None,
    )
