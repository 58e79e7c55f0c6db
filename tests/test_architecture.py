"""The import rule of docs/architecture.md: each layer imports only itself and the layers before it.

Every ``import`` counts, including those inside functions (lazy imports are
still dependencies). The generic checker also names no publisher: it must
serve any Table Schema, so it holds no words of the HMIP project.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "hmipdata"
LAYERS = ("checker", "project", "publish", "site", "interface")
PUBLISHER_WORDS = re.compile(
    r"\bHMIP\b|HM Inspectorate|[Pp]robation|Crown copyright|\bGSS\b|(?i:shorthand|marker column)"
)
# The publish and site layers serve any publisher too: its name, copyright and licence come from
# schemas/package.yaml (``publication``), its charts and layouts from the table schemas (``site``).
HMIP_WORDS = re.compile(r"\bHMIP\b|HM Inspectorate|[Pp]robation|Crown copyright|justiceinspectorates|Open Government")


def layer_of(module: str) -> str:
    """The layer of a dotted module name inside hmipdata (top-level modules are interfaces)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in LAYERS else "interface"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts)


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every hmipdata import in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] == "hmipdata"]


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_follow_the_layers(path: Path) -> None:
    own = LAYERS.index(layer_of(module_name(path)))
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: imports {name} ({layer_of(name)} layer)"
        for line, name in imported(path)
        if name not in ("hmipdata.load", "hmipdata.schema") and LAYERS.index(layer_of(name)) > own
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("layer", ["checker"])
def test_the_generic_checker_names_no_publisher(layer: str) -> None:
    hits = [
        f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PUBLISHER_WORDS.search(line)
    ]
    assert not hits, "\n".join(hits)


def _hits(layer: str, words: re.Pattern) -> list[str]:
    """Lines naming a publisher in the layer's modules and in the files it ships (templates, scripts, styles)."""
    shipped = (".py", ".html", ".js", ".css")
    return [
        f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
        for path in sorted(p for p in (PACKAGE / layer).rglob("*") if p.is_file() and p.suffix in shipped)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if words.search(line)
    ]


@pytest.mark.parametrize("layer", ["publish", "site"])
def test_publish_and_site_name_no_publisher(layer: str) -> None:
    hits = _hits(layer, HMIP_WORDS)
    assert not hits, "\n".join(hits)


def test_the_word_check_can_fail() -> None:
    """The word list catches what these layers held before the publisher's words became declarations."""
    for line in ("Source: HM Inspectorate of Probation", "Open Government Licence v3.0", "justiceinspectorates.gov.uk"):
        assert HMIP_WORDS.search(line), line


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    """The check itself can fail: a checker module importing the project is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from hmipdata.project.package import Project\n")
    assert imported(bad) == [(2, "hmipdata.project.package.Project")]
    assert layer_of("hmipdata.project.package.Project") == "project"
    assert LAYERS.index("project") > LAYERS.index(layer_of("hmipdata.checker.engine"))


def test_the_checker_stands_alone() -> None:
    """Importing the whole checker loads nothing of the other layers, and its catalogue holds only its own codes."""
    import subprocess
    import sys

    code = (
        "import importlib, pkgutil, sys, hmipdata.checker as c\n"
        "for m in pkgutil.iter_modules(c.__path__): importlib.import_module('hmipdata.checker.' + m.name)\n"
        "from hmipdata.checker.errors import CATALOGUE\n"
        "print(sorted(n for n in sys.modules if n.startswith('hmipdata.') and not n.startswith('hmipdata.checker')))\n"
        "print('known-anomaly' in CATALOGUE, 'check-failed' in CATALOGUE)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "False False"], out
