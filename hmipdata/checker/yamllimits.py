"""YAML loaded safely and within limits: document size and alias expansion.

A few hundred bytes of nested anchors and aliases (a "billion laughs")
expand to billions of values for whatever walks the result; it is refused
in milliseconds by counting the nodes the aliases would expand to, on the
parsed node graph (shared nodes counted once per use, with memoisation).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hmipdata.checker.errors import SchemaError

MAX_BYTES = 1 << 20  # a declaration file of at most 1 MiB
MAX_NODES = 100_000  # values after expanding aliases


def _loader():
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def expanded_size(node, memo: dict[int, int], limit: int) -> int:
    """Number of values ``node`` stands for once aliases are expanded (stops counting past ``limit``)."""
    import yaml

    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = limit + 1  # a node that contains itself expands without end
    total = 1
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        children = []
    for child in children:
        total += expanded_size(child, memo, limit)
        if total > limit:
            break
    memo[key] = total
    return total


def too_big(text: str) -> str | None:
    """Why a declaration's text is refused before parsing (its size), or None."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        return f"the file is {size:,} bytes; declarations are at most {MAX_BYTES:,} bytes"
    return None


def too_many_values(node) -> str | None:
    """Why a composed YAML document is refused (aliases expanding without bound), or None."""
    if node is not None and expanded_size(node, {}, MAX_NODES) > MAX_NODES:
        return (
            f"the YAML's aliases (*name) expand to more than {MAX_NODES:,} values; "
            "write the values out, or use fewer nested aliases"
        )
    return None


def load_yaml(text: str, path: Path) -> Any:
    """Parse YAML ``text`` (from ``path``) safely, refusing oversized documents and alias bombs."""
    import yaml

    if problem := too_big(text):
        raise SchemaError(f"{path}: {problem}")
    if "*" in text and (problem := too_many_values(yaml.compose(text, Loader=_loader()))):
        raise SchemaError(f"{path}: {problem}")  # counted before anything is built
    return yaml.load(text, Loader=_loader())
