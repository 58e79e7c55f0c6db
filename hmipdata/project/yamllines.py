"""YAML read safely, remembering the line of every key and item, and refusing repeated keys.

PyYAML keeps the last of two equal keys in a mapping without a word, so a
second ``constraints:`` silently drops the first. :func:`read_document`
composes the node tree first: each key and list item gets its editor line
(1-based), and each repeated key becomes a :class:`Duplicate`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Duplicate:
    """A key written twice in one mapping."""

    path: Path_
    line: int
    first_line: int


@dataclass
class Document:
    """A YAML file as data, with the line of each key path (``("schema", "fields", 3, "name")``)."""

    label: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicates: list[Duplicate] = field(default_factory=list)
    columns: dict[Path_, int] = field(default_factory=dict)

    def _nearest(self, path: Path_) -> Path_:
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return path

    def line(self, path: Path_) -> int:
        """The line of ``path``, or of its nearest recorded parent."""
        return self.lines.get(self._nearest(path), 1)

    def column(self, path: Path_) -> int | None:
        """The column (1-based) where ``path``'s key or item starts, or its nearest recorded parent's."""
        return self.columns.get(self._nearest(path))


class YamlProblem(Exception):
    """The text is not YAML (or uses a tag safe loading refuses); carries the line."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def _walk(node, path: Path_, doc: Document) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            line = key.start_mark.line + 1
            if name in seen:
                doc.duplicates.append(Duplicate((*path, name), line, seen[name]))
                continue
            seen[name] = line
            doc.lines[(*path, name)] = line
            doc.columns[(*path, name)] = key.start_mark.column + 1
            _walk(value, (*path, name), doc)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            doc.lines[(*path, i)] = item.start_mark.line + 1
            doc.columns[(*path, i)] = item.start_mark.column + 1
            _walk(item, (*path, i), doc)


def parse_yaml(text: str, label: str) -> Document:
    """Parse YAML text safely into a :class:`Document`; raises :class:`YamlProblem`."""
    import yaml

    from hmipdata.checker.yamllimits import too_big, too_many_values

    if problem := too_big(text):
        raise YamlProblem(problem, 1)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if problem := too_many_values(node):  # before constructing or walking: aliases expand exponentially
            raise YamlProblem(problem, 1)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        context = getattr(exc, "context", None)
        text = f"{context}: {problem}" if context and problem != context else problem
        raise YamlProblem(f"not valid YAML: {text}", mark.line + 1 if mark else 1) from None
    finally:
        loader.dispose()
    doc = Document(label, data, {(): 1})
    if node is not None:
        _walk(node, (), doc)
    return doc


def read_document(path: Path, label: str) -> Document:
    """Read a YAML (or JSON) file; raises :class:`YamlProblem` if it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlProblem(f"cannot read ({exc})", 1) from None
    if path.suffix == ".json":
        try:
            return Document(label, json.loads(text), {(): 1})
        except ValueError as exc:
            raise YamlProblem(f"not valid JSON: {exc}", getattr(exc, "lineno", 1)) from None
    return parse_yaml(text, label)
