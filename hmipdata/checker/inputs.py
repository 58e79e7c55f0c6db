"""Input files as the operating system sees them: regular, readable files, hashed in bounded memory.

A declared or given path may be missing, a folder, a FIFO (which would block a
reader for ever), hold a NUL byte or be unreadable; :func:`file_problem` says
which in words, before any reader opens it.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from hmipdata.checker.errors import UsageError

CHUNK = 1 << 20


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a data file, or None when it is a readable regular file."""
    text = str(path)
    if "\0" in text:
        return "the path contains a NUL byte (\\0)"
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "file not found"
    except NotADirectoryError:
        return "file not found (a part of the path is a file, not a folder)"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a FIFO, socket or device): give a file"
    if not os.access(path, os.R_OK):
        return "cannot be read (permission denied)"
    return None


def update_digest(digest, path: Path) -> None:
    """Feed the bytes of ``path`` into ``digest`` chunk by chunk (bounded memory, whatever the size)."""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)


def check_package_dir(directory: Path) -> None:
    """Refuse a folder whose datapackage.json is missing, not JSON, or lists a file that is not there."""
    descriptor_path = Path(directory) / "datapackage.json"
    problem = file_problem(descriptor_path)
    if problem:
        raise UsageError(f"{descriptor_path}: {problem}; give a build folder or a released version")
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{descriptor_path}: not valid JSON ({exc}); rebuild it with hmipdata build") from None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        raise UsageError(f"{descriptor_path}: has no list of resources; rebuild it with hmipdata build")
    for resource in resources:
        listed = resource.get("path") if isinstance(resource, dict) else None
        for name in listed if isinstance(listed, list) else [listed]:
            if not isinstance(name, str) or name.startswith("/") or ".." in Path(name).parts:
                raise UsageError(f"{descriptor_path}: a resource has no usable path ({name!r})")
            problem = file_problem(Path(directory) / name)
            if problem:
                raise UsageError(f"{descriptor_path}: lists {name}, which {_as_clause(problem)}")


def _as_clause(problem: str) -> str:
    return problem if problem.startswith(("is ", "cannot")) else f"is missing ({problem})"
