"""Whether ``build/`` is up to date: one hash over everything a build reads, by declaration.

The hash covers every file under ``schemas/``, every raw file a schema
declares (wherever it lives; nothing undeclared under ``raw/`` is read), the
release records under ``releases/``, ``CHANGELOG.md``, the environment's lock
file and the build's code and library versions. Files are hashed in chunks,
so memory stays bounded whatever their size. A declared file that is missing
or unreadable is hashed as that problem, so fixing it rebuilds.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

from hmipdata.checker.inputs import file_problem, update_digest
from hmipdata.project.package import Project

PACKAGE = Path(__file__).parent
ENVIRONMENT_FILES = ("CHANGELOG.md", "requirements.txt", "pyproject.toml")
LIBRARIES = ("duckdb", "pyyaml", "numpy", "openpyxl")


def _tree(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if not p.is_dir()) if folder.is_dir() else []


def _code() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if "site" not in p.relative_to(PACKAGE).parts]


def declared_inputs(project: Project) -> Iterator[tuple[str, Path]]:
    """(name in the hash, path) for every file a build of ``project`` reads."""
    root = project.root
    for path in _tree(root / "schemas"):
        yield str(path.relative_to(root)), path
    for resource in project.resources:
        if resource.path:
            yield f"declared:{resource.path}", root / str(resource.path)
    for path in _tree(root / "releases"):
        yield str(path.relative_to(root)), path
    for name in ENVIRONMENT_FILES:
        yield name, root / name
    for path in _code():
        yield f"code:{path.relative_to(PACKAGE)}", path


def _versions() -> str:
    from importlib import metadata

    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=absent")
    return f"python={sys.version_info[:3]};" + ";".join(found)


def inputs_digest(project: Project) -> str:
    """Content hash of everything a build of ``project`` reads (streamed, bounded memory)."""
    digest = hashlib.sha256(_versions().encode())
    for name, path in declared_inputs(project):
        digest.update(b"\0" + name.encode("utf-8", "surrogateescape") + b"\0")
        problem = file_problem(path) if not path.is_symlink() else "a symlink"
        if problem:
            digest.update(b"problem:" + problem.encode())
            continue
        update_digest(digest, path)
    return digest.hexdigest()
