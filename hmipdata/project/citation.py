"""CITATION.cff kept in step with schemas/package.yaml and CHANGELOG.md.

``hmipdata validate`` reports a CITATION.cff whose ``version``,
``date-released`` or ``keywords`` disagree with the package, at the line
that needs the change.
"""

from __future__ import annotations

import re

from hmipdata.checker.errors import Issue, Report
from hmipdata.project.changelog import entry_for
from hmipdata.project.package import Project

FILE = "CITATION.cff"


def _line(text: str, key: str) -> int | None:
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


def check_citation(project: Project) -> Report:
    """Issues where CITATION.cff disagrees with package.yaml (version, keywords) or CHANGELOG.md (date)."""
    report = Report()
    path = project.root / FILE
    if not path.is_file():
        return report
    import yaml

    text = path.read_text(encoding="utf-8")
    try:
        cff = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        report.add(Issue("citation-mismatch", f"not valid YAML: {str(exc).splitlines()[0]}", path=FILE))
        return report
    if not isinstance(cff, dict):
        report.add(Issue("citation-mismatch", "expected a mapping at the top level", path=FILE))
        return report

    def add(key: str, message: str, hint: str) -> None:
        report.add(Issue("citation-mismatch", message, path=FILE, row=_line(text, key), column=key, hint=hint))

    version = str(cff.get("version", ""))
    if version != project.version:
        add(
            "version",
            f"version {version or '(none)'} but schemas/package.yaml says {project.version}",
            f"set version: {project.version}",
        )
    entry = entry_for(project.root, project.version)
    released = str(cff.get("date-released", ""))
    if entry and released != entry.date:
        add(
            "date-released",
            f"date-released {released or '(none)'} but CHANGELOG.md dates {project.version} {entry.date}",
            f"set date-released: {entry.date}",
        )
    wanted = [str(k) for k in project.meta.get("keywords") or []]
    if wanted and [str(k) for k in cff.get("keywords") or []] != wanted:
        add("keywords", "keywords differ from schemas/package.yaml", "copy the keywords of schemas/package.yaml")
    return report
