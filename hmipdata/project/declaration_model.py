"""The shape of the project's declarations (``schemas/package.yaml`` and ``schemas/<dataset>/<table>.yaml``).

A typed model with unknown keys forbidden and no type coercion: a typo
(``contraints:``) or a wrong type (``maxLength: ten``) is an error, never
silently ignored. What depends on more than one value (a constraint fitting
its field's type, keys naming fields, unique check ids) is checked in
:mod:`hmipdata.project.declaration_rules`. The generic checker (``hmipdata validate
FILE --schema S``) does not use this model: foreign Table Schemas stay
lenient, as frictionless is.

``python -m hmipdata.project.declaration_model`` writes the model as JSON Schemas for
editors (see :data:`JSON_SCHEMAS`).
"""

from __future__ import annotations

import json
import operator
import sys
from functools import reduce
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model

from hmipdata.checker.schema import TYPES
from hmipdata.project.checks import KINDS, Kind
from hmipdata.project.checks.base import Names

Count = Annotated[int, Field(ge=0)]
Scalar = Annotated[Any, WithJsonSchema({"type": ["string", "number", "boolean"]})]


class Strict(BaseModel):
    # Docstrings under attributes become descriptions in the JSON Schemas (shown by editors on hover).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True)


class Constraints(Strict):
    """Frictionless constraints; which fit which type is checked by the rules."""

    required: bool = False
    unique: bool = False
    pattern: str | None = None
    enum: Annotated[list[Scalar], Field(min_length=1)] | None = None
    minimum: Scalar = None
    maximum: Scalar = None
    exclusiveMinimum: Scalar = None
    exclusiveMaximum: Scalar = None
    minLength: Count | None = None
    maxLength: Count | None = None


class Display(Strict):
    """Formatting hints for the site and spreadsheets."""

    decimals: Count | None = None
    """Digits shown after the decimal point."""
    percent: bool = False
    """The value is a percentage, 0-100."""
    thousands: bool = False
    """Group thousands with commas."""


class Category(Strict):
    """One code of a coded column and its readable label (Table Schema v2 ``categories``)."""

    value: Scalar
    label: str


class FieldDecl(Strict):
    """One column."""

    name: str
    """Column name: lowercase snake_case (*_id, *_date, *_pct, is_*, *_count)."""
    type: Literal[tuple(sorted(TYPES))] = "string"  # type: ignore[valid-type]
    format: str = "default"
    title: str = ""
    description: str = ""
    example: Scalar = None
    unit: str = ""
    """hmipdata: unit of measure, free text (percent, cases per officer, people)."""
    unitField: str = ""
    """hmipdata: the column giving each row's unit, when it varies by row (instead of unit)."""
    categoriesOrdered: bool = False
    """Table Schema v2: the enum's order means something (ratings, periods in time); R reads an ordered factor."""
    constraints: Constraints = Constraints()
    display: Display = Display()
    """hmipdata: formatting hints for the site and spreadsheets."""
    categories: list[Category] | None = None
    """Readable labels for a coded column's values; the site shows the label, the data keep the code."""
    missingValues: list[str] | None = None
    trueValues: list[str] | None = None
    falseValues: list[str] | None = None
    bareNumber: bool = True
    groupChar: str = ""
    decimalChar: str = "."


class Reference(Strict):
    resource: str = ""
    fields: Names


class ForeignKeyDecl(Strict):
    fields: Names
    reference: Reference


class SchemaDecl(Strict):
    """A Table Schema."""

    fields: Annotated[list[FieldDecl], Field(min_length=1)]
    primaryKey: Names = []
    uniqueKeys: list[Names] = []
    foreignKeys: list[ForeignKeyDecl] = []
    missingValues: list[str] = [""]


class Derive(Strict):
    sql: str
    """DuckDB SQL over other tables (and their *_as_printed views), selecting every field by name."""


class CheckBase(Strict):
    id: str
    """Unique across the package; the anomalies register names failures by it."""
    description: str
    """One line saying what the check verifies."""


def _check_model(kind: Kind) -> type[CheckBase]:
    """The model of one check kind, from the parameters its module declares."""
    fields: dict[str, Any] = {"kind": (Literal[kind.name], ...)}
    for p in kind.params:
        default = ... if p.required else p.default
        fields[p.name] = (p.type, Field(default, description=p.description or None))
    return create_model(kind.model_name, __base__=CheckBase, __doc__=kind.description, **fields)


CHECK_MODELS = {name: _check_model(kind) for name, kind in KINDS.items()}
Check = Annotated[reduce(operator.or_, CHECK_MODELS.values()), Field(discriminator="kind")]


class LayoutDecl(Strict):
    """The table as its source document prints it, rebuilt from the tidy rows ("As laid out in the source")."""

    caption: str
    note: str = ""
    """One sentence above the table saying which printed table it follows."""
    stub: str
    """The column giving the rows."""
    values: Names
    """The value column(s); with across, only the first is shown."""
    spanner: str | None = None
    """A column whose values each head a group of columns."""
    across: str | None = None
    """A column whose values each give a column (under each spanner)."""
    group: str | None = None
    """A column whose values each start a block of rows."""
    order_by: str | None = None
    """The column ordering the rows (its enum order), if not the stub."""
    labels: dict[str, str] = {}
    """Words shown for coded values (they win over the schema's categories)."""


class StyleDecl(Strict):
    """How a chart draws a series."""

    color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$")]
    """A hex colour, e.g. "#12436d"."""
    shape: Literal["circle", "square", "diamond"] = "circle"
    dash: Annotated[str, Field(pattern=r"^[0-9 .]*$")] = ""
    """An SVG dash pattern for the line, e.g. "6 4"."""


class SeriesDecl(StyleDecl):
    """One series of a chart: the rows whose series column holds value, and how they are drawn."""

    value: Scalar


class ChartBase(Strict):
    id: str | None = None
    """The chart's file name under charts/ (default: the table's name, hyphenated)."""
    title: str
    """The chart's title; {first} and {last} stand for the first and last x value."""
    summary: str = ""
    """The text alternative's opening sentence(s); per-series sentences follow."""
    table_caption: str
    """Caption of the data table beside the chart."""
    headers: list[str]
    """Headers of the data table (for dumbbells, of its first column only)."""
    data_header: list[str]
    """Column names of the chart's CSV download (for dumbbells, of its first column only)."""


class PointsChart(ChartBase):
    """Values placed at the middle of their period, one panel per panel value, a series per series value."""

    kind: Literal["points"]
    start: str
    """The date column where each value's period starts."""
    end: str
    """The date column where it ends."""
    x_range: Annotated[list[str], Field(min_length=2, max_length=2)]
    """The first and last date of the x axis (ISO dates); every month between gets a tick."""
    value: str
    period_label: str
    """The column naming each period as printed."""
    panel: str
    """The column whose values each get a panel."""
    panels: dict[str, str]
    """Panel values and their words, in order."""
    panel_heading: str = "{panel}"
    """Each panel's heading; {panel} is the panel's words."""
    series: str
    """The column whose values are the series."""
    styles: list[SeriesDecl]
    sentence: str
    """A sentence per series and panel: {series}, {panel} and {points} (the values in order)."""
    y_max: float
    suffix: str = ""
    """What follows each value (e.g. "%")."""


class Panel(Strict):
    value: str
    """The panel column's value."""
    title: str
    short: str
    """The panel's abbreviation in the data table's headers."""


class DumbbellsChart(ChartBase):
    """Two values per row (at the two values of ends), one panel per panel value."""

    kind: Literal["dumbbells"]
    label: str
    """The column naming each row."""
    ends: str
    """The date column with exactly two values: the open and the filled marker."""
    value: str
    panel: str
    panels: list[Panel]
    sentence: str
    """A sentence per panel: {panel}, {fell} (rows whose value fell) and {count}."""
    style: StyleDecl
    step: Annotated[float, Field(gt=0)] = 10
    """The x axis ends at the next multiple of step above the largest value."""


class BarsChart(ChartBase):
    """Grouped bars: one group per x value, one bar per series."""

    kind: Literal["bars"]
    x: str
    series: str
    styles: list[SeriesDecl]
    value: str
    step: Annotated[float, Field(gt=0)] = 100
    """The y axis ends at the next multiple of step above the largest value, with a grid line at each."""


Chart = Annotated[PointsChart | DumbbellsChart | BarsChart, Field(discriminator="kind")]


class TableSiteDecl(Strict):
    """hmipdata: how the site presents this table beyond its rows."""

    layout: LayoutDecl | None = None
    chart: Chart | None = None


class TableDecl(Strict):
    """A table: a raw file (``path``) or SQL over other tables (``derive``), and its schema."""

    model_config = ConfigDict(title="hmipdata table declaration")
    name: str
    """Table name in DuckDB, lowercase snake_case; files are named after it."""
    title: str = ""
    description: str = ""
    path: str | None = None
    """The raw CSV or XLSX file, from the repository root (or give derive)."""
    derive: Derive | None = None
    """A table computed by SQL from other tables (or give path)."""
    publish: bool = True
    """false for raw layouts that only feed a derived table."""
    sources: list[str] = []
    """Ids of the source documents, from raw/sources/sources.csv."""
    expected_rows: Count | None = None
    """The table's row count, checked on every build."""
    notes: list[str] = []
    """Shown above the table on the site and in spreadsheets."""
    checks: list[Check] = []
    """Reconciliation checks run by hmipdata check and build."""
    site: TableSiteDecl | None = None
    """hmipdata: the table's source layout and chart on the site (presentation only)."""
    schema_: Annotated[SchemaDecl, Field(alias="schema")]


class License(Strict):
    name: str | None = None
    path: str | None = None
    title: str | None = None


class Contributor(Strict):
    title: str
    path: str | None = None
    email: str | None = None
    organization: str | None = None
    roles: list[str] = []


class Topic(Strict):
    """A group of tables on the site's home page."""

    title: str
    tables: list[str]


class Headline(Strict):
    """A headline figure on the site's home page: one row's value, shown as printed."""

    label: str
    table: str
    where: dict[str, Scalar]
    """The key of the one row (column: value)."""
    value: str
    """The value column."""


class SqlExample(Strict):
    """An example query on the site's SQL page."""

    title: str
    sql: str


class SiteDecl(Strict):
    """hmipdata: presentation of the static site."""

    repository: str | None = None
    """The GitHub repository whose issue forms the "report a problem" links open."""
    topics: list[Topic] = []
    unit_suffixes: dict[str, str] = {}
    """What follows a figure in its cell for each unit code (percent: "%")."""
    headlines: list[Headline] = []
    sql_default: str | None = None
    """The query the SQL page opens with (default: list the tables)."""
    sql_examples: list[SqlExample] = []
    """Example queries on the SQL page; one that does not bind against the build's database is left out."""


class Publication(Strict):
    """hmipdata: who publishes the figures and on what terms, in the words the site, spreadsheets,
    citations and release notes use. The licence itself is the first of ``licenses``."""

    site_name: str
    """The short name in every page's header and title."""
    about: str
    """The line beside the name in every page's header: what the site is."""
    publisher: str
    """Who publishes the source documents (schema.org publisher)."""
    copyright: str
    """The figures' copyright statement, e.g. "Crown copyright"."""
    licence_terms: str = ""
    """What the licence lets readers do, in a sentence (the home page)."""
    attribution: str
    """The sentence that follows a citation of the dataset: its source and licence."""
    source_credit: str
    """The source and licence in a few words, for citation files and release notes."""


class PackageDecl(Strict):
    """``schemas/package.yaml``: the data package's metadata."""

    model_config = ConfigDict(title="hmipdata package declaration")
    name: str
    title: str = ""
    description: str = ""
    version: Annotated[Any, WithJsonSchema({"type": "string", "pattern": r"^\d+\.\d+\.\d+$"})]
    """Semantic version MAJOR.MINOR.PATCH; a schema change needs a higher major or minor."""
    id: str | None = None
    """A stable identifier of the package across its versions (datapackage.json ``id``)."""
    homepage: str | None = None
    keywords: list[str] = []
    spatialCoverage: str | None = None
    """Where the figures are about (schema.org spatialCoverage on the site), e.g. England and Wales."""
    licenses: list[License] = []
    contributors: list[Contributor] = []
    publication: Publication | None = None
    """hmipdata: the publisher, copyright and licence words of the site, spreadsheets, citations and release notes."""
    site: SiteDecl | None = None
    """hmipdata: how the static site presents the tables (home page groups, headlines, units in cells)."""


JSON_SCHEMAS = {
    "schemas/hmipdata-table.schema.json": TableDecl,
    "schemas/hmipdata-package.schema.json": PackageDecl,
}


def json_schema_text(model: type[BaseModel]) -> str:
    """The model as a JSON Schema document, as committed for editors."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema(by_alias=True)}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_json_schemas(root: Path) -> list[Path]:
    """Write every JSON Schema under ``root``; returns the paths written."""
    written = []
    for relative, model in JSON_SCHEMAS.items():
        path = Path(root) / relative
        path.write_text(json_schema_text(model), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written in write_json_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        print(written)
