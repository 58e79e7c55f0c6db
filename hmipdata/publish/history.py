"""Every published version stays reachable: rebuild a recorded release from the repository's history.

The repository keeps, per version, ``releases/<version>/CONTENTS.sha256``.
The commit that recorded it (the newest commit that touched that file while
``schemas/package.yaml`` named that version) holds the exact inputs, code and
lock file of the release. To bring a version back on a fresh clone, that
commit is exported to a temporary folder (``git archive``, no network),
released there with its own locked environment, and the result is accepted
only if its content record matches the repository's record. The restored
release lands in ``build/releases/<version>/`` like one built here.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from hmipdata.checker.errors import HmipdataError
from hmipdata.project.semver import is_version, parse_version
from hmipdata.publish.content import changed_tables, content_record

CONTENTS = "CONTENTS.sha256"
LOCKS = ("requirements.txt", "requirements.lock")  # the lock file, under its name then and now


class HistoryError(HmipdataError):
    """A recorded version cannot be brought back."""


def recorded_versions(root: Path) -> list[str]:
    """Versions with a content record in the repository, oldest first."""
    base = Path(root) / "releases"
    found = [p.parent.name for p in base.glob(f"*/{CONTENTS}")] if base.is_dir() else []
    return sorted((v for v in found if is_version(v)), key=parse_version)


def _git(root: Path, *args: str, binary: bool = False):
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=not binary, timeout=300)
    if result.returncode != 0:
        err = result.stderr if not binary else result.stderr.decode(errors="replace")
        raise HistoryError(
            f"git {' '.join(args[:2])} failed in {root}: {err.strip().splitlines()[-1] if err.strip() else ''}"
        )
    return result.stdout


def release_commit(root: Path, version: str) -> str | None:
    """The commit that recorded ``version``; None outside a git checkout or before it is committed."""
    if shutil.which("git") is None or not (Path(root) / ".git").exists():
        return None
    try:
        commits = _git(root, "log", "--format=%H", "--", f"releases/{version}/{CONTENTS}").split()
    except HistoryError:
        return None
    for commit in commits:
        try:
            package = _git(root, "show", f"{commit}:schemas/package.yaml")
        except HistoryError:
            continue
        if any(
            line.split(":", 1)[1].strip().strip("'\"") == version
            for line in package.splitlines()
            if line.startswith("version:")
        ):
            return commit
    return None


def restore(root: Path, version: str) -> Path:
    """``build/releases/<version>/``, rebuilt from history if missing; checked against the record."""
    root = Path(root).resolve()
    target = releases_dir(root) / version
    record = (root / "releases" / version / CONTENTS).read_text(encoding="utf-8")
    if (target / CONTENTS).is_file():
        return target
    commit = release_commit(root, version)
    if commit is None:
        raise HistoryError(
            f"release {version} is recorded in releases/{version}/ but not in build/releases/, and there is no git "
            "history to rebuild it from: clone the repository with its history (git clone, not a download), or "
            f"download release {version} into build/releases/{version}/"
        )
    for older in recorded_versions(root):  # the release notes of a version include its diff from the previous one
        if parse_version(older) < parse_version(version):
            restore(root, older)
    with tempfile.TemporaryDirectory(prefix=f"history-{version}-", dir=_scratch(root)) as scratch:
        tree = Path(scratch) / "tree"
        _export(root, commit, tree)
        _seed_previous_releases(root, tree, version)
        _run_release(root, tree, commit, version)
        built = tree / "build" / "releases" / version
        if changed := changed_tables(record, content_record(built, skip=(CONTENTS, "SHA256SUMS"))):
            raise HistoryError(
                f"release {version} rebuilt from commit {commit[:12]} does not match releases/{version}/{CONTENTS} "
                f"(differs in {', '.join(changed)}); the record or the history has been altered"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.parent / f".restore-{version}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(built, staging, symlinks=False)
        os.replace(staging, target)
    return target


def releases_dir(root: Path) -> Path:
    """Where built releases live: ``.build/releases`` (``build/releases`` links there)."""
    return Path(root) / ".build" / "releases"


def ensure_releases(root: Path) -> list[str]:
    """Every recorded version present in ``build/releases/`` (the caller holds the build lock).

    The current version is assembled from ``build/`` when its content matches the
    record; any other (or a current one whose data has since changed) is rebuilt
    from history. ``latest`` points at the newest. Returns the versions present.
    """
    from hmipdata.project.package import load_project
    from hmipdata.publish.release import ReleaseRefused, point_latest, release_locked

    root = Path(root).resolve()
    current = load_project(root, raw=False).version  # raw files are only needed to rebuild it
    present = []
    for version in recorded_versions(root):
        if not (releases_dir(root) / version / CONTENTS).is_file() and version == current:
            with contextlib.suppress(ReleaseRefused):  # data changed since: its files come from history below
                release_locked(root)
        restore(root, version)
        present.append(version)
    if present:
        point_latest(releases_dir(root), present[-1])
    return present


def _scratch(root: Path) -> Path:
    path = root / ".build"
    path.mkdir(exist_ok=True)
    return path


def _export(root: Path, commit: str, dest: Path) -> None:
    """The commit's files (no .git), as `git archive` gives them."""
    data = _git(root, "archive", "--format=tar", commit, binary=True)
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")


def _seed_previous_releases(root: Path, tree: Path, version: str) -> None:
    """Copy the already-restored older releases into the export, so its release notes diff against them."""
    releases = releases_dir(root)
    into = tree / ".build" / "releases"
    for older in recorded_versions(root):
        if parse_version(older) < parse_version(version) and (releases / older).is_dir():
            into.mkdir(parents=True, exist_ok=True)
            shutil.copytree(releases / older, into / older)


def _run_release(root: Path, tree: Path, commit: str, version: str) -> None:
    python = _python_for(root, tree)
    code = "import sys; sys.path.insert(0, sys.argv[1]); from hmipdata.cli import main; sys.exit(main(sys.argv[2:]))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    result = subprocess.run(
        [str(python), "-c", code, str(tree), "--root", str(tree), "release"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        said = (result.stdout + result.stderr).strip().splitlines()
        raise HistoryError(
            f"rebuilding release {version} from commit {commit[:12]} failed: {said[-1] if said else 'no output'}"
        )


def _python_for(root: Path, tree: Path) -> Path:
    """The interpreter of the commit's locked environment: ours when its lock file is the same as ours."""
    theirs = next((tree / name for name in LOCKS if (tree / name).is_file()), tree / LOCKS[0])
    ours = root / LOCKS[0]
    if not theirs.is_file() or (ours.is_file() and theirs.read_bytes() == ours.read_bytes()):
        return Path(sys.executable)
    venv = _scratch(root) / "venvs" / hashlib.sha256(theirs.read_bytes()).hexdigest()[:16]
    python = venv / "bin" / "python"
    if not (venv / ".installed").is_file():
        shutil.rmtree(venv, ignore_errors=True)
        steps = [
            [sys.executable, "-m", "venv", str(venv)],
            [str(python), "-m", "pip", "install", "--quiet", "--require-hashes", "--no-deps", "-r", str(theirs)],
        ]
        for step in steps:
            if subprocess.run(step, capture_output=True, text=True, timeout=1800).returncode != 0:
                raise HistoryError(f"cannot install the locked environment of {theirs.name}: {' '.join(step[-3:])}")
        (venv / ".installed").write_text("")
    return python
