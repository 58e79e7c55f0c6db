"""Write the published tables: the DuckDB database, each format of the registry (CSV, Parquet) and datapackage.json."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hmipdata.checker.schema import Field, Resource, TableSchema
from hmipdata.checker.sqlrules import check_constraint_sql, comment_sql, duckdb_type, ident, literal
from hmipdata.project.package import Project
from hmipdata.publish.datapackage import created, data_file, read_sources, source_descriptor, write_datapackage
from hmipdata.publish.formats import built, published_select

DATABASE = "hmipdata.duckdb"
# DuckDB 1.2 to 2.0 and DuckDB-WASM 1.32 read this storage version; with the small
# block size a few hundred rows take ~1.4 MB instead of ~11 MB (v1.0.0 storage:
# 2.2 MB). DuckDB before 1.2 cannot open it (README: "Which DuckDB opens the database").
STORAGE_VERSION = "v1.2.0"
BLOCK_SIZE = 16384
METADATA = "metadata"
# Every index costs at least one 16 KiB block, and 15 tables reference the
# sources table: those references are typed instead, with an ENUM of the
# source ids (a column of that type holds only a listed source, the guarantee
# a foreign key gives), which keeps the file within 1.5 MB. The other
# references are FOREIGN KEYs.
TYPED_REFERENCES = {("sources", "source_id"): "source_id"}


def column_type(f: Field) -> str:
    """A text field with a fixed set of values is an ENUM, ordered as the schema lists the values."""
    enum = f.constraints.get("enum")
    if enum and f.type == "string":
        return f"ENUM({', '.join(literal(v) for v in enum)})"
    return duckdb_type(f)


def typed_columns(name: str, schema: TableSchema, typed: dict[tuple[str, str], str]) -> dict[str, str]:
    """Columns of table ``name`` whose type is a named ENUM of referenced keys (``TYPED_REFERENCES``)."""
    out = {col: t for (table, col), t in typed.items() if table == name and col in schema.field_names}
    for fk in schema.foreign_keys:
        if len(fk.fields) == 1 and (fk.resource, fk.reference_fields[0]) in typed:
            out[fk.fields[0]] = typed[(fk.resource, fk.reference_fields[0])]
    return out


def table_sql(
    name: str,
    schema: TableSchema,
    typed: dict[tuple[str, str], str] | None = None,
    targets: dict[str, TableSchema] | None = None,
) -> str:
    """``CREATE TABLE`` with types (ENUMs), NOT NULL, CHECK, PRIMARY KEY, UNIQUE and FOREIGN KEYs.

    ``typed`` maps a referenced (table, column) to the name of an ENUM type of
    its values: referencing columns take that type instead of a FOREIGN KEY.
    ``targets`` gives the referenced tables' schemas: DuckDB refuses a FOREIGN
    KEY between columns of different types (an ENUM and a VARCHAR), so such a
    reference stays declared in datapackage.json and checked by validation only.
    """
    typed = typed or {}
    named = typed_columns(name, schema, typed)
    lines = []
    for f in schema.fields:
        col = ident(f.name)
        parts = [col, ident(named[f.name]) if f.name in named else column_type(f)]
        if f.required or f.name in schema.primary_key:
            parts.append("NOT NULL")
        if f.constraints.get("unique") and (f.name,) != tuple(schema.primary_key):
            parts.append("UNIQUE")
        checks = check_constraint_sql(f, col)
        if column_type(f).startswith("ENUM"):  # the type itself allows only the listed values
            checks = checks[1:]
        parts.extend(f"CHECK ({check})" for check in checks)
        lines.append("  " + " ".join(parts))
    if schema.primary_key:
        lines.append(f"  PRIMARY KEY ({', '.join(ident(k) for k in schema.primary_key)})")
    for fk in schema.foreign_keys:
        if len(fk.fields) == 1 and fk.fields[0] in named and (fk.resource, fk.reference_fields[0]) in typed:
            continue
        target = fk.resource or name
        if not _same_types(schema, fk.fields, (targets or {}).get(target, schema), fk.reference_fields):
            continue
        lines.append(
            f"  FOREIGN KEY ({', '.join(ident(c) for c in fk.fields)}) "
            f"REFERENCES {ident(target)} ({', '.join(ident(c) for c in fk.reference_fields)})"
        )
    return f"CREATE TABLE {ident(name)} (\n" + ",\n".join(lines) + "\n)"


def _same_types(schema: TableSchema, fields, target: TableSchema, reference_fields) -> bool:
    try:
        return all(
            column_type(schema.field(a)) == column_type(target.field(b)) for a, b in zip(fields, reference_fields)
        )
    except (KeyError, ValueError):
        return False


def creation_order(project: Project) -> list[Resource]:
    """Published tables, each after the tables its foreign keys reference."""
    published = {r.name: r for r in project.published}
    done: list[Resource] = []
    seen: set[str] = set()

    def visit(resource: Resource, path: tuple[str, ...]) -> None:
        if resource.name in seen or resource.name in path:
            return
        for fk in resource.schema.foreign_keys:
            if fk.resource and fk.resource != resource.name and fk.resource in published:
                visit(published[fk.resource], (*path, resource.name))
        seen.add(resource.name)
        done.append(resource)

    for resource in project.published:
        visit(resource, ())
    return done


def content_checksum(out: Path) -> str:
    """SHA-256 of the content record (hmipdata/publish/content.py) of the files written so far: CSV, Parquet, datapackage.json."""
    from hmipdata.publish.content import content_record

    return hashlib.sha256(content_record(out, skip=(DATABASE,)).encode()).hexdigest()


def metadata_sql(project: Project, out: Path, checksum: str) -> list[str]:
    """The one-row ``metadata`` table: what this file is, its version, release date, licence and sources."""
    meta = project.meta
    licence = (meta.get("licenses") or [{}])[0]
    sources = read_sources(out)
    used = sorted({s for r in project.published for s in r.sources})
    items = []
    for sid in used:
        d = source_descriptor(sid, sources)
        url = literal(d["path"]) if "path" in d else "NULL"
        items.append(f"{{'source_id': {literal(sid)}, 'title': {literal(d['title'])}, 'url': {url}}}")
    release = created(project)
    columns = {
        "name": ("VARCHAR", literal(meta.get("name", "")), "Name of the data package."),
        "title": ("VARCHAR", literal(meta.get("title", "")), "Title of the data package."),
        "version": ("VARCHAR", literal(project.version), "Version of the data package (semantic versioning)."),
        "release_date": (
            "DATE",
            f"DATE {literal(release[:10])}" if release else "NULL",
            "Release date of this version (CHANGELOG.md).",
        ),
        "licence": ("VARCHAR", literal(licence.get("name", "")), "Licence of the data (SPDX-style id)."),
        "licence_url": ("VARCHAR", literal(licence.get("path", "")), "The licence's text."),
        "homepage": ("VARCHAR", literal(meta.get("homepage", "")), "Where the package is developed."),
        "sources": (
            "STRUCT(source_id VARCHAR, title VARCHAR, url VARCHAR)[]",
            f"[{', '.join(items)}]",
            "The source documents of the figures (see the sources table).",
        ),
        "content_sha256": (
            "VARCHAR",
            literal(checksum),
            # Published text, part of the released content: it keeps the module's path as of 2.0.0.
            "SHA-256 of the content record (hmipdata/content.py) of this version's CSV, Parquet and "
            "datapackage.json files: the same data gives the same checksum.",
        ),
    }
    statements = [
        f"CREATE TABLE {METADATA} ("
        + ", ".join(
            f"{ident(k)} {t} NOT NULL" if k != "release_date" else f"{ident(k)} {t}" for k, (t, _, _) in columns.items()
        )
        + ")",
        f"INSERT INTO {METADATA} VALUES ({', '.join(v for _, v, _ in columns.values())})",
        f"COMMENT ON TABLE {METADATA} IS {literal('About this database: package, version, release date, licence, sources, checksum.')}",
    ]
    statements += [f"COMMENT ON COLUMN {METADATA}.{ident(k)} IS {literal(c)}" for k, (_, _, c) in columns.items()]
    return statements


def insert_rows(con, resource: Resource) -> None:
    """Copy a table's rows in; a table whose foreign key references itself (an owner in the same
    table) is filled level by level, referenced rows first, as DuckDB checks each insert."""
    table, select = ident(resource.name), published_select(resource, "memory.main.")
    own = [fk for fk in resource.schema.foreign_keys if fk.resource in ("", resource.name)]
    if not own:
        con.execute(f"INSERT INTO {table} {select}")
        return
    total = con.execute(f"SELECT count(*) FROM ({select})").fetchone()[0]
    key = [ident(k) for k in resource.schema.primary_key or resource.schema.field_names]
    while True:
        conditions = [
            f"(({' AND '.join(f's.{ident(c)} IS NULL' for c in fk.fields)}) OR "
            f"({', '.join(f's.{ident(c)}' for c in fk.fields)}) IN "
            f"(SELECT ({', '.join(ident(c) for c in fk.reference_fields)}) FROM {table}))"
            for fk in own
        ]
        before = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        con.execute(
            f"INSERT INTO {table} SELECT s.* FROM ({select}) AS s WHERE ({', '.join(f's.{k}' for k in key)}) "
            f"NOT IN (SELECT ({', '.join(key)}) FROM {table}) AND {' AND '.join(conditions)} "
        )
        after = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if after == total:
            return
        if after == before:  # a reference cycle or a dangling key: let DuckDB name it
            con.execute(
                f"INSERT INTO {table} SELECT * FROM ({select}) WHERE ({', '.join(key)}) NOT IN (SELECT ({', '.join(key)}) FROM {table})"
            )
            return


def write_database(con, project: Project, path: Path) -> None:
    """Create the DuckDB file: typed, constrained, commented tables with foreign keys, and ``metadata``.

    Called after the CSV, Parquet and datapackage.json files are written
    (``metadata`` records a checksum of their content).
    """
    if any(r.name == METADATA for r in project.published):
        from hmipdata.checker.errors import SchemaError

        raise SchemaError(f"a published table may not be called {METADATA!r}: the database keeps that name")
    checksum = content_checksum(path.parent)  # before the database (and its WAL) exists
    con.execute(
        f"ATTACH {literal(str(path))} AS published "
        f"(STORAGE_VERSION {literal(STORAGE_VERSION)}, BLOCK_SIZE {BLOCK_SIZE})"
    )
    try:
        con.execute("USE published")
        typed = {}
        published = {r.name for r in project.published}
        for (table, column), type_name in TYPED_REFERENCES.items():
            if table in published:
                values = con.execute(
                    f"SELECT DISTINCT {ident(column)} FROM memory.main.{ident(table)} ORDER BY 1"
                ).fetchall()
                con.execute(f"CREATE TYPE {ident(type_name)} AS ENUM ({', '.join(literal(v) for (v,) in values)})")
                typed[(table, column)] = type_name
        targets = {r.name: r.schema for r in project.published}
        for resource in creation_order(project):
            con.execute(table_sql(resource.name, resource.schema, typed, targets))
            insert_rows(con, resource)
            description = resource.title + (". " + resource.description if resource.description else "")
            for statement in comment_sql(resource.name, description, resource.schema):
                con.execute(statement)
        for statement in metadata_sql(project, path.parent, checksum):
            con.execute(statement)
        con.execute("USE memory")
        con.execute("CHECKPOINT published")
    finally:
        con.execute("USE memory")
        con.execute("DETACH published")


def write_files(con, project: Project, out: Path) -> None:
    """Each published table in every format the registry writes into ``build/`` (byte-identical across runs)."""
    (out / "data").mkdir(parents=True, exist_ok=True)
    for resource in project.published:
        for fmt in built():
            fmt.write(con, resource, out / data_file(resource, fmt.extension))


def write_outputs(con, project: Project, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_files(con, project, out)
    write_datapackage(project, out)
    write_database(con, project, out / DATABASE)
