"""datapackage.json against the official Data Package JSON Schemas (v1, v2) and a second reader.

The schemas are kept as fixtures (tests/fixtures/datapackage/README.md says
where each comes from). The second reader is the v1 Python ``datapackage``
library (frictionless' earlier generation), in a venv of its own.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import jsonschema  # installed with frictionless (its descriptor validation)
import pytest
from venv_support import run_python, tool_python

from hmipdata.project.changelog import entry_for
from hmipdata.project.package import load_project

SCHEMAS = Path(__file__).parent / "fixtures" / "datapackage"


def schema_errors(instance: dict, fixture: str) -> list[str]:
    schema = json.loads((SCHEMAS / fixture).read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(instance)]


@pytest.fixture(scope="module")
def descriptor(built) -> dict:
    return json.loads((built / "datapackage.json").read_text(encoding="utf-8"))


def tabular(descriptor: dict) -> list[dict]:
    return [r for r in descriptor["resources"] if r.get("type") == "table"]


def test_valid_against_official_v2_schema(descriptor):
    assert schema_errors(descriptor, "datapackage-v2.json") == []


def test_valid_against_official_v1_schemas(descriptor):
    assert schema_errors(descriptor, "v1-data-package.json") == []
    for resource in tabular(descriptor):
        assert schema_errors(resource, "v1-tabular-data-resource.json") == [], resource["name"]


def test_official_schemas_catch_what_1_0_0_got_wrong(descriptor):
    """The fixtures are not vacuous: a 1.0.0-style Parquet ``type: file`` resource fails v2."""
    broken = copy.deepcopy(descriptor)
    parquet = next(r for r in broken["resources"] if r["format"] == "parquet")
    parquet["type"] = "file"
    assert schema_errors(broken, "datapackage-v2.json")
    no_schema = copy.deepcopy(tabular(descriptor)[0])
    del no_schema["schema"]
    assert schema_errors(no_schema, "v1-tabular-data-resource.json")


def test_every_table_is_a_tabular_resource(descriptor, built):
    csvs = [r for r in descriptor["resources"] if r["format"] == "csv"]
    assert csvs and all(r["profile"] == "tabular-data-resource" and r["type"] == "table" for r in csvs)
    for r in descriptor["resources"]:
        assert (built / r["path"]).is_file()
        if r["format"] == "parquet":  # a plain resource naming its columns, values checked in the CSV twin
            twin = next(c for c in csvs if c["name"] == r["name"].removesuffix("_parquet"))
            assert "type" not in r
            assert r["schema"]["fields"] == [{"name": f["name"], "type": "any"} for f in twin["schema"]["fields"]]


def test_package_identity_and_release_date(descriptor, built):
    root = built.parent
    project = load_project(root)
    assert descriptor["id"] == project.meta["id"]
    assert descriptor["version"] == project.version
    entry = entry_for(root, project.version)
    assert entry is not None
    assert descriptor["created"] == f"{entry.date}T00:00:00Z"
    assert descriptor["keywords"] == project.meta["keywords"] and descriptor["keywords"]


def test_sources_carry_titles_and_urls(descriptor, built):
    with (built / "data" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["title"]: row for row in csv.DictReader(handle)}
    listed = descriptor["sources"] + [s for r in descriptor["resources"] for s in r.get("sources", [])]
    assert listed
    for source in listed:
        assert source["title"] in rows, source
        assert source.get("path", "") == rows[source["title"]]["url"]


def test_categories_come_from_enums(descriptor):
    ordered = 0
    for resource in tabular(descriptor):
        for f in resource["schema"]["fields"]:
            enum = f.get("constraints", {}).get("enum")
            if enum and f["type"] in ("string", "integer"):
                assert f["categories"] == enum, (resource["name"], f["name"])
            else:
                assert "categories" not in f
            ordered += bool(f.get("categoriesOrdered"))
    assert ordered
    ratings = next(r for r in descriptor["resources"] if r["name"] == "inspection_ratings")
    rating = next(f for f in ratings["schema"]["fields"] if f["name"] == "rating")
    assert rating["categoriesOrdered"] is True


def test_per_row_units_name_a_categorical_column(descriptor):
    text = json.dumps(descriptor)
    assert "see the unit column" not in text
    seen = 0
    for resource in tabular(descriptor):
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        for f in fields.values():
            if "unitField" in f:
                seen += 1
                assert "unit" not in f
                assert fields[f["unitField"]].get("categories"), (resource["name"], f["name"])
    assert seen


READER = r"""
import json, sys
import datapackage
package = datapackage.Package("datapackage.json", base_path=".", strict=True)
out = {"valid": package.valid, "errors": [str(e) for e in package.errors], "tables": {}}
for resource in package.resources:
    if resource.tabular:
        rows = resource.read(keyed=True, relations=True, integrity=True)
        out["tables"][resource.name] = len(rows)
print(json.dumps(out))
"""


def test_second_reader_reads_every_table_with_relations(descriptor, built):
    python = tool_python("datapackage-v1", "datapackage==1.15.4")
    result = run_python(python, READER, cwd=built)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["valid"] and report["errors"] == []
    for resource in tabular(descriptor):
        with (built / resource["path"]).open(encoding="utf-8", newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1
        assert report["tables"][resource["name"]] == rows, resource["name"]
