"""Many files as one dataset: each error names its file and line; keys are checked across the files."""

from __future__ import annotations

import json
from pathlib import Path

from hmipdata.checker.dataset import expand, partitions
from hmipdata.checker.schema import parse_schema
from hmipdata.checker.validate import validate_source
from tests.conftest import hmipdata

SCHEMA = {
    "fields": [
        {"name": "case_id", "type": "integer"},
        {"name": "score", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "region", "type": "string", "constraints": {"enum": ["north", "south"]}},
    ],
    "primaryKey": ["case_id"],
}


def _partitioned(root: Path) -> Path:
    """A hive layout, region=north|south / month=1|2; errors planted in two files, one key repeated across files."""
    files = {
        "region=north/month=1/part-0.csv": "case_id,score\n1,5\n2,7\n3,9\n",
        "region=north/month=2/part-0.csv": "case_id,score\n4,5\n5,-1\n6,2\n",  # line 3: score below minimum
        "region=south/month=1/part-0.csv": "case_id,score\n7,1\n8,x\n9,3\n",  # line 3: not an integer
        "region=south/month=2/part-0.csv": "case_id,score\n10,4\n2,8\n",  # line 3: repeats north/month=1 line 3
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    schema = root.parent / "schema.json"
    fields = [*SCHEMA["fields"], {"name": "month", "type": "integer"}]
    schema.write_text(json.dumps({**SCHEMA, "fields": fields}), encoding="utf-8")
    return schema


def _found(report) -> set[tuple]:
    return {(Path(i.path).relative_to(i.path.split("region=")[0]).as_posix(), i.row, i.code) for i in report.issues}


def test_planted_errors_in_two_partitions_name_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "data"
    schema = _partitioned(root)
    report = validate_source(str(root), schema, limit=None)
    assert _found(report) == {
        ("region=north/month=2/part-0.csv", 3, "constraint-error"),
        ("region=south/month=1/part-0.csv", 3, "type-error"),
        ("region=south/month=2/part-0.csv", 3, "primary-key"),
    }
    repeat = next(i for i in report.issues if i.code == "primary-key")
    assert "region=north/month=1/part-0.csv:3" in repeat.message  # the first occurrence, in another file


def test_glob_and_hive_values(tmp_path: Path) -> None:
    root = tmp_path / "data"
    _partitioned(root)
    files = expand(str(root / "region=south" / "*" / "*.csv"))
    assert [partitions(p) for p in files] == [{"region": "south", "month": "1"}, {"region": "south", "month": "2"}]


def test_multipart_resource_from_the_cli(tmp_path: Path) -> None:
    """A v2 resource whose path is a list: the CLI checks the parts as one table (exit 1, file and line)."""
    (tmp_path / "a.csv").write_text("case_id,score,region\n1,3,north\n2,4,south\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("case_id,score,region\n3,3,east\n1,1,north\n", encoding="utf-8")
    resource = {"name": "cases", "path": ["a.csv", "b.csv"], "schema": SCHEMA}
    (tmp_path / "cases.resource.json").write_text(json.dumps(resource), encoding="utf-8")
    result = hmipdata("validate", "--schema", str(tmp_path / "cases.resource.json"), "--format", "json")
    assert result.returncode == 1, result.stderr
    found = {(i["path"], i["row"], i["code"]) for g in json.loads(result.stdout)["groups"] for i in g["examples"]}
    assert found == {(str(tmp_path / "b.csv"), 2, "constraint-error"), (str(tmp_path / "b.csv"), 3, "primary-key")}
    assert parse_schema(SCHEMA).primary_key == ("case_id",)


def test_a_key_repeated_only_across_files_is_found(tmp_path: Path) -> None:
    """Clean cells everywhere: the one-query path over all files must still see the repeat across files."""
    from hmipdata.checker.dataset import dataset_is_clean

    for name, text in {
        "a.csv": "case_id,score,region\n1,3,north\n2,4,south\n",
        "b.csv": "case_id,score,region\n3,3,north\n4,4,south\n",
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    files = expand(str(tmp_path / "*.csv"))
    assert dataset_is_clean(files, parse_schema(SCHEMA), None, None) is True
    assert validate_source(str(tmp_path / "*.csv"), schema).valid
    (tmp_path / "b.csv").write_text("case_id,score,region\n3,3,north\n1,4,south\n", encoding="utf-8")
    assert dataset_is_clean(files, parse_schema(SCHEMA), None, None) is False
    report = validate_source(str(tmp_path / "*.csv"), schema, limit=None)
    assert [(Path(i.path).name, i.row, i.code) for i in report.issues] == [("b.csv", 3, "primary-key")]
