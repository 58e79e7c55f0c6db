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


def test_the_table_list_is_a_validate_rule():
    """The README's table list (names and row counts) is checked by ``hmipdata validate``: see
    tests/test_project_rules.py; here, that the README has one for the rule to check."""
    from hmipdata.project.metadata_rules import README_ROW

    assert README_ROW.search((ROOT / "README.md").read_text(encoding="utf-8"))
