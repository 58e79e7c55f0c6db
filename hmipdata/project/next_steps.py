"""What ``hmipdata new`` prints after writing a dataset: numbered steps with the exact commands."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from hmipdata.project.placeholders import MARKED, MARKER


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


def _readme_step(s) -> str | None:
    readme = s.root / "README.md"
    if not readme.is_file() or not re.search(r"^\| `[a-z_0-9]+` \| \d+ \|", readme.read_text(encoding="utf-8"), re.M):
        return None
    return (
        "Add the table to the table list in README.md, in alphabetical order:\n"
        f"         | `{s.table}` | {s.rows} | <its title> | {', '.join(s.source_ids) or '<source id>'}: <location> |"
    )


def next_steps(s) -> str:
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
    if s.new_sources:
        steps.append(
            f"New source document {', '.join(s.new_sources)}: its row is added at the end of raw/sources/sources.csv\n"
            f'     (and counted in expected_rows). Replace its "{MARKER}:" cells with what the document says, and\n'
            "     fill in its publication_date (YYYY, YYYY-MM or YYYY-MM-DD) and web address (CONTRIBUTING.md)."
        )
    steps.append(
        f'Replace every value starting with "{MARKER}:" in {s.schema_path}: the table\'s title and\n'
        "     description, each column's title and description, each numeric column's unit; check the guessed\n"
        "     types, constraints and primary key. This lists what is left to do:\n"
        "         .venv/bin/hmipdata validate"
    )
    steps.append(_version_step(s.root))
    if (s.root / "CITATION.cff").is_file():
        steps.append(
            "Set the same version, and the CHANGELOG entry's date, in CITATION.cff (validate names the lines)."
        )
    steps += [step for step in [_readme_step(s)] if step]
    steps.append("Run every check, as the pull request will:\n         make test")
    steps.append(
        "Commit on a branch and open a pull request (CONTRIBUTING.md):\n"
        f"         git switch -c add-{s.dataset.replace('_', '-')} && git add raw schemas CHANGELOG.md README.md "
        f"&& git commit -m 'Add {s.table}'"
    )
    return "\n".join([*out, "", "Next steps:", *(f"  {i}. {text}" for i, text in enumerate(steps, 1))])
