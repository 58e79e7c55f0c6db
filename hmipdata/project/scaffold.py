"""Start a new dataset from a CSV or XLSX file: ``hmipdata new DATASET --from FILE``.

The file is copied to ``raw/<dataset>/<file-name>.csv`` and
``schemas/<dataset>/<table>.yaml`` is written with what the data shows: field
types (DuckDB's CSV sniffer, confirmed by the validation engine), the primary
key, the row count, required and unique constraints. What only a person can
say (titles, descriptions, units, sources) is a value starting with ``TODO:``,
which ``hmipdata validate`` reports until it is filled in (see placeholders.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hmipdata.checker.errors import InvalidData, Issue, Report, UsageError
from hmipdata.project.placeholders import MARKED, MARKER

NAME = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
PROVENANCE = ("source_id", "source_location")
STRUCTURAL = {"encoding-error", "nul-byte", "empty-file", "no-data", "extra-cell", "missing-cell", "source-error"}
STRUCTURAL |= {"blank-row"}  # the codes of problems in a file's layout, which no schema can fix
INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
DUCKDB_TYPES = {"BOOLEAN": "boolean", "FLOAT": "number", "DOUBLE": "number", "DATE": "date"} | dict.fromkeys(
    INTEGERS, "integer"
)
NOT_ISO_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
STANDARD = {  # provenance columns have the same title and description in every table
    "source_id": ("Source", "Id of the source document in the sources table."),
    "source_location": (
        "Location in source",
        "Where in the source document the figure is printed: the section heading, table, annexe or slide title, "
        "as printed.",
    ),
}


@dataclass
class Column:
    """What the data says about one column."""

    name: str
    label: str
    type: str = "string"
    required: bool = False
    unique: bool = False


@dataclass
class Scaffold:
    """What ``new_dataset`` wrote, and what the contributor does next."""

    root: Path
    dataset: str
    table: str
    source: Path
    raw_path: str
    rows: int
    columns: list[Column]
    primary_key: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def schema_path(self) -> str:
        return f"schemas/{self.dataset}/{self.table}.yaml"

    @property
    def missing_provenance(self) -> list[str]:
        return [p for p in PROVENANCE if p not in [c.name for c in self.columns]]

    def next_steps(self) -> str:
        return next_steps(self)


def snake_case(label: str) -> str:
    """A label as a lowercase snake_case name: ``Average caseload (%)`` -> ``average_caseload``."""
    name = re.sub(r"[^a-z0-9]+", "_", label.strip().lower()).strip("_")
    return name if not name or name[0].isalpha() else f"c_{name}"


def file_name(source: Path) -> str:
    """The raw file's name: the source's name, lowercase and hyphenated, as CSV."""
    return (re.sub(r"[^a-z0-9]+", "-", source.stem.lower()).strip("-") or "data") + ".csv"


def _declared_tables(root: Path) -> dict[str, str]:
    from hmipdata.checker.schema import read_mapping

    names = {}
    for path in sorted((root / "schemas").glob("*/*.y*ml")):
        try:
            names[str(read_mapping(path).get("name"))] = str(path.relative_to(root))
        except Exception:  # an unreadable schema is reported by validate, not here
            continue
    return names


def _refuse_unless_new(root: Path, dataset: str, table: str, source: Path) -> None:
    from hmipdata.checker.spreadsheet_input import is_spreadsheet

    if not (root / "schemas" / "package.yaml").is_file():
        raise UsageError(f"{root.resolve()}: no schemas/package.yaml; run hmipdata new in the repository")
    for kind, name in (("dataset", dataset), ("table", table)):
        if not NAME.fullmatch(name):
            raise UsageError(
                f"{kind} name {name!r} must be lowercase snake_case (a-z, 0-9 and _, starting with a letter), "
                f"e.g. {snake_case(name) or 'my_dataset'!r}"
            )
    for part in ("schemas", "raw"):
        if (root / part / dataset).exists():
            raise UsageError(f"dataset {dataset!r} already exists ({part}/{dataset}/); choose another name")
    declared = _declared_tables(root)
    if table in declared:
        raise UsageError(f"table {table!r} is already declared in {declared[table]}; choose another name with --table")
    if not source.is_file():
        raise UsageError(f"{source}: file not found")
    if source.suffix.lower() != ".csv" and not is_spreadsheet(source):
        raise UsageError(f"{source}: hmipdata new reads .csv and .xlsx files; save it as 'CSV UTF-8 (comma delimited)'")


def _rows(path: Path) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.reader(fh))
    except (UnicodeDecodeError, csv.Error):
        return []


def _check_structure(path: Path, label: str, width: int) -> None:
    """Refuse a file the engine cannot read cleanly (encoding, ragged rows, quoting), naming each problem."""
    from hmipdata.checker.schema import parse_schema
    from hmipdata.checker.validate import validate_file

    schema = parse_schema({"fields": [{"name": f"c{i}"} for i in range(max(width, 1))]}, label)
    report = validate_file(path, schema, limit=5, label=label)
    problems = Report([g for g in report.groups if g.code in STRUCTURAL])
    rows = [] if problems.groups else _rows(path)
    separator = re.search(r"[;\t|]", rows[0][0]) if rows and len(rows[0]) == 1 else None
    if separator:
        message, hint = (
            f"columns are separated by {separator[0]!r}, not commas",
            "save it as CSV UTF-8 (comma delimited)",
        )
        problems.add(Issue("source-error", message, path=label, row=1, hint=hint))
    elif len(rows) == 1:
        problems.add(Issue("no-data", "the file has a header but no rows", path=label, row=2))
    if problems.groups:
        raise InvalidData(problems)


def _names(header: list[str]) -> list[str]:
    names: list[str] = []
    for i, label in enumerate(header):
        base = snake_case(label) or f"column_{i + 1}"
        name, n = base, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def _copy(source: Path, dest: Path, header: list[str], names: list[str]) -> None:
    """Copy the CSV as it is; where the header's names are not snake_case, rewrite the header only."""
    if header == names:
        shutil.copyfile(source, dest)
        return
    text = source.read_text(encoding="utf-8-sig")
    skip = 1 + sum(label.count("\n") for label in header)
    parts = text.split("\n", skip)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(names)
    dest.write_text(out.getvalue() + (parts[skip] if len(parts) > skip else ""), encoding="utf-8")


def _sniffed_types(path: Path, width: int) -> list[str]:
    """Table Schema types from DuckDB's CSV sniffer reading every row; string where it cannot say."""
    import duckdb

    from hmipdata.checker.sqlrules import literal

    con = duckdb.connect()
    try:
        described = con.execute(
            f"DESCRIBE SELECT * FROM read_csv({literal(str(path))}, header=true, delim=',', quote='\"', "
            "escape='\"', sample_size=-1)"
        ).fetchall()
    except duckdb.Error:
        described = []
    finally:
        con.close()
    types = [DUCKDB_TYPES.get(str(row[1]).split("(")[0], "string") for row in described]
    return types if len(types) == width else ["string"] * width


def _columns(path: Path, header: list[str], names: list[str], rows: list[list[str]]) -> list[Column]:
    columns = []
    for i, ftype in enumerate(_sniffed_types(path, len(names))):
        values = [row[i].strip() if i < len(row) else "" for row in rows]
        if ftype == "integer" and any(re.fullmatch(r"[+-]?0\d+", v) for v in values):
            ftype = "string"  # leading zeros: a code, not a number
        columns.append(Column(names[i], header[i], ftype, required=all(values)))
    return columns


def _primary_key(columns: list[Column], rows: list[list[str]]) -> list[str]:
    """The fewest leading columns whose values are complete and different on every row."""
    leading = [c for c in columns if c.name not in PROVENANCE]
    for width in range(1, len(leading) + 1):
        if not all(c.required for c in leading[:width]):
            break
        index = [columns.index(c) for c in leading[:width]]
        keys = {tuple(row[i] if i < len(row) else "" for i in index) for row in rows}
        if len(keys) == len(rows):
            return [c.name for c in leading[:width]]
    return []


def _confirm(path: Path, label: str, columns: list[Column], pk: list[str]) -> list[str]:
    """Check the guesses with the engine itself: a column failing its type becomes a string; a failing key goes."""
    from hmipdata.checker.schema import parse_schema
    from hmipdata.checker.validate import validate_file

    for _ in range(3):
        fields = [{"name": c.name, "type": c.type, "constraints": _constraints(c)} for c in columns]
        report = validate_file(path, parse_schema({"fields": fields, "primaryKey": pk}, label), limit=1, label=label)
        if report.valid:
            break
        failing = {(i.column, i.code) for i in report.issues}
        for c in columns:
            c.type = "string" if (c.name, "type-error") in failing else c.type
            c.required = c.required and (c.name, "constraint-error") not in failing
        if any(i.code in ("primary-key", "unique-error") for i in report.issues):
            pk = []
            for c in columns:
                c.unique = False
    return pk


def _constraints(c: Column) -> dict[str, bool]:
    return {k: True for k, on in (("required", c.required), ("unique", c.unique)) if on}


def _notes(columns: list[Column], rows: list[list[str]]) -> list[str]:
    notes = []
    for i, c in enumerate(columns):
        values = [row[i].strip() for row in rows if i < len(row) and row[i].strip()]
        if c.type == "string" and values and all(NOT_ISO_DATE.fullmatch(v) for v in values):
            notes.append(f"column {c.name} holds dates such as {values[0]!r}: write them as YYYY-MM-DD, type date")
    return notes


def new_dataset(root: Path, dataset: str, source: Path, table: str | None = None) -> Scaffold:
    """Copy ``source`` to ``raw/<dataset>/`` and write its schema to fill in; never overwrites anything."""
    from contextlib import nullcontext

    from hmipdata.checker.spreadsheet_input import as_csv, is_spreadsheet

    root, source, table = Path(root), Path(source), table or dataset
    _refuse_unless_new(root, dataset, table, source)
    raw_dir, schema_dir = root / "raw" / dataset, root / "schemas" / dataset
    raw_file = raw_dir / file_name(source)
    try:
        raw_dir.mkdir(parents=True)
        schema_dir.mkdir(parents=True)
        with as_csv(source) if is_spreadsheet(source) else nullcontext(source) as csv_path:
            header = next(iter(_rows(csv_path)), [])
            _check_structure(csv_path, str(source), len(header))
            names = _names(header)
            _copy(csv_path, raw_file, header, names)
        label = str(raw_file.relative_to(root))
        rows = _rows(raw_file)[1:]
        columns = _columns(raw_file, header, names, rows)
        pk = _primary_key(columns, rows)
        if len(pk) == 1:
            columns[names.index(pk[0])].unique = True
        pk = _confirm(raw_file, label, columns, pk)
        ids = sorted({row[names.index("source_id")] for row in rows}) if "source_id" in names else []
        result = Scaffold(root, dataset, table, source, label, len(rows), columns, pk, ids, _notes(columns, rows))
        text = schema_text(result, has_sources_table="sources" in _declared_tables(root))
        (root / result.schema_path).write_text(text, encoding="utf-8")
    except BaseException:
        shutil.rmtree(raw_dir, ignore_errors=True)
        shutil.rmtree(schema_dir, ignore_errors=True)
        raise
    return result


def _q(text: str) -> str:
    """A YAML scalar: plain where YAML reads it back unchanged, else double-quoted."""
    import yaml

    try:
        plain = bool(text) and yaml.safe_load(text) == text and "#" not in text and text.strip() == text
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def _todo(text: str) -> str:
    return json.dumps(f"{MARKER}: {text}", ensure_ascii=False)


def _field_lines(c: Column, missing: bool = False) -> list[str]:
    example = c.label.strip() if c.label.strip() != c.name else c.name.replace("_", " ").capitalize()
    title, description = STANDARD.get(c.name, (None, None))
    lines = [
        f"    - name: {_q(c.name)}" + ("  # not in the CSV yet: add this column" if missing else ""),
        f"      type: {c.type}",
        f"      title: {_q(title) if title else _todo(f'a short title for the column, e.g. {example}')}",
        "      description: "
        + (_q(description) if description else _todo("what the column holds, and how the source prints it")),
    ]
    if c.type in ("integer", "number"):
        lines.append(f"      unit: {_todo('unit of measure, e.g. percent (0-100), cases per officer, people')}")
    if _constraints(c):
        lines.append("      constraints: {" + ", ".join(f"{k}: true" for k in _constraints(c)) + "}")
    return lines


def schema_text(s: Scaffold, has_sources_table: bool = True) -> str:
    """The schema file: what the data shows, and a ``TODO:`` value for what a person must say."""
    sources = ", ".join(_q(i) for i in s.source_ids) or _todo("ids of the documents, from raw/sources/sources.csv")
    lines = [
        f"# Written by `hmipdata new {s.dataset}` from {s.source.name}. Replace every value starting with",
        f'# "{MARKER}:" (hmipdata validate lists those left), check the guessed types, constraints and',
        "# primary key, then delete these comment lines. The format is in docs/schema-format.md.",
        f"name: {s.table}",
        f"title: {_todo('a short title saying what the table holds, as a reader would search for it')}",
        "description: "
        + _todo(
            "what one row is; the document and where in it the figures are printed (table, annexe, section "
            "or slide); the period, places and people covered"
        ),
        f"path: {s.raw_path}",
        "publish: true",
        f"sources: [{sources}]  # ids from raw/sources/sources.csv",
        f"expected_rows: {s.rows}  # checked on every build: change it when you add or remove rows",
        "schema:",
        "  fields:",
    ]
    for c in s.columns:
        lines += _field_lines(c)
    for name in s.missing_provenance:
        lines += _field_lines(Column(name, name, "string", required=True), missing=True)
    if s.primary_key:
        lines.append(f"  primaryKey: [{', '.join(_q(k) for k in s.primary_key)}]")
    else:
        lines.append("  # primaryKey: [...]  no leading columns tell the rows apart; name the key columns here")
    if has_sources_table:
        lines += [
            "  foreignKeys:",
            "    - fields: [source_id]",
            "      reference: {resource: sources, fields: [source_id]}",
        ]
    lines += ['  missingValues: [""]', "checks: []  # reconciliation checks: see docs/schema-format.md"]
    return "\n".join(lines) + "\n"


def _version_step(root: Path) -> str:
    from hmipdata.checker.schema import read_mapping
    from hmipdata.project.semver import bump_class, latest_release, next_version

    version = str(read_mapping(root / "schemas" / "package.yaml").get("version", "0.0.0"))
    released = latest_release(root)
    if released and bump_class(released[0], version) not in ("minor", "major"):
        version = next_version(released[0], "minor")
        first = f"A new table is a minor change: set `version: {version}` in schemas/package.yaml, and add"
    else:
        first = f"Version {version} is not released yet: describe the new table in its CHANGELOG.md entry, or add"
    return (
        f"{first}\n     an entry at the top of CHANGELOG.md saying what the table holds and where it comes from:\n"
        f"         ## [{version}] - {date.today().isoformat()}"
    )


def _readme_step(s: Scaffold) -> str | None:
    readme = s.root / "README.md"
    if not readme.is_file() or not re.search(r"^\| `[a-z_0-9]+` \| \d+ \|", readme.read_text(encoding="utf-8"), re.M):
        return None
    return (
        "Add the table to the table list in README.md, in alphabetical order:\n"
        f"         | `{s.table}` | {s.rows} | <its title> | {', '.join(s.source_ids) or '<source id>'}: <location> |"
    )


def next_steps(s: Scaffold) -> str:
    """What was written, then numbered steps with the exact commands."""
    lines = (s.root / s.schema_path).read_text(encoding="utf-8").splitlines()
    placeholders = sum(1 for line in lines if MARKED.search(line) and not line.lstrip().startswith("#"))
    out = [
        f"Created {s.raw_path} ({s.rows} row{'s' * (s.rows != 1)}, from {s.source.name})",
        f"    and {s.schema_path} ({len(s.columns)} columns; primary key: {', '.join(s.primary_key) or 'none found'};"
        f" {placeholders} values marked {MARKER}).",
    ]
    renamed = [f"{c.label!r} -> {c.name}" for c in s.columns if c.label != c.name]
    if renamed:
        out.append("Column names made snake_case (header line only): " + ", ".join(renamed) + ".")
    steps = []
    if s.missing_provenance:
        steps.append(
            f"Add the columns {' and '.join(s.missing_provenance)} to {s.raw_path}, after the last column:\n"
            "     each row names its document (an id from raw/sources/sources.csv) and where in it the figure\n"
            "     is printed (section heading, table, annexe or slide title, as printed)."
        )
    steps += [f"Edit {s.raw_path}: {note}." for note in s.notes]
    steps.append(
        f'Replace every value starting with "{MARKER}:" in {s.schema_path}: the table\'s title and\n'
        "     description, each column's title and description, each numeric column's unit; check the guessed\n"
        "     types, constraints and primary key. This lists what is left to do:\n"
        "         .venv/bin/hmipdata validate"
    )
    steps.append(_version_step(s.root))
    steps += [step for step in [_readme_step(s)] if step]
    steps.append("Run every check, as the pull request will:\n         make test")
    steps.append(
        "Commit on a branch and open a pull request (CONTRIBUTING.md):\n"
        f"         git switch -c add-{s.dataset.replace('_', '-')} && git add raw schemas CHANGELOG.md README.md "
        f"&& git commit -m 'Add {s.table}'"
    )
    return "\n".join([*out, "", "Next steps:", *(f"  {i}. {text}" for i, text in enumerate(steps, 1))])
