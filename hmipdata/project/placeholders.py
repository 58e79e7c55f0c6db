"""Placeholders left to fill in: every schema value containing ``TODO`` (as ``hmipdata new`` writes them).

``hmipdata validate`` and ``build`` report each one as an ``unfilled`` issue
naming the schema file, the line and the key, so nothing half-described is
published.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from hmipdata.checker.errors import Issue, Report

MARKER = "TODO"
MARKED = re.compile(rf"\b{MARKER}\b")


def _walk(node, path: str) -> Iterator[tuple[str, object]]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _walk(value, f"{path}.{key.value}" if path else str(key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            label = i
            if isinstance(item, yaml.MappingNode):
                names = [v.value for k, v in item.value if k.value == "name" and isinstance(v, yaml.ScalarNode)]
                label = names[0] if names else i
            yield from _walk(item, f"{path}[{label}]")
    elif isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and MARKED.search(node.value):
        yield path, node


def unfilled(root: Path) -> Report:
    """One ``unfilled`` issue per ``TODO`` value left in ``schemas/``, naming the file, line and key."""
    import yaml

    root = Path(root)
    report = Report()
    files = [root / "schemas" / "package.yaml", *sorted((root / "schemas").glob("*/*.y*ml"))]
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            if not MARKED.search(text):
                continue
            tree = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except Exception:  # unreadable files are reported by the schema loader
            continue
        for key, node in _walk(tree, ""):
            value = " ".join(node.value.split())
            shown = value if len(value) <= 100 else value[:99] + "…"
            report.add(
                Issue(
                    "unfilled",
                    f"still a placeholder: {shown!r}",
                    path=str(path.relative_to(root)),
                    row=node.start_mark.line + 1,
                    column=key,
                    column_number=node.start_mark.column + 1,
                    rule="placeholder",
                )
            )
    return report
