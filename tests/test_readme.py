"""The README's example queries still give the output it shows."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import ROOT, hmipdata

BLOCK = re.compile(r"```console\n\$ (hmipdata sql .+?)\n(.*?)```", re.S)
EXAMPLES = BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_has_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("command,expected", EXAMPLES, ids=[c[:60] for c, _ in EXAMPLES])
def test_readme_example_output(built, command, expected):
    args = shlex.split(command)[1:]
    result = hmipdata(*args, "--database", str(built / "hmipdata.duckdb"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected


def test_readme_lists_every_table_with_its_row_count(built):
    import duckdb

    from hmipdata.project.package import load_project

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([a-z_0-9]+)` \| (\d+) \|", text, re.M))
    con = duckdb.connect(str(built / "hmipdata.duckdb"), read_only=True)
    for resource in load_project(ROOT).published:
        (count,) = con.execute(f'select count(*) from "{resource.name}"').fetchone()
        assert listed.get(resource.name) == str(count), f"README row for {resource.name}"
