"""The catalogue of problems hmipdata reports, and reports as data.

Every problem is an :class:`Issue` with a code from :data:`CATALOGUE`; a
:class:`Report` holds them (with true counts when examples are capped) and
renders to text, JSON or GitHub annotations from the same data.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from hmipdata.checker.safetext import printable


@dataclass(frozen=True)
class Kind:
    """One entry of the catalogue: what went wrong and what to do about it."""

    title: str
    hint: str


CATALOGUE: dict[str, Kind] = {
    "encoding-error": Kind("text is not UTF-8", "save the file as UTF-8 (CSV UTF-8 in Excel)"),
    "nul-byte": Kind(
        "the file contains NUL bytes", "remove the NUL (\\0) characters; the file may be binary or UTF-16"
    ),
    "empty-file": Kind("the file is empty", "add a header row naming the columns, then the data"),
    "no-data": Kind("the file has a header but no rows", "add the data rows under the header"),
    "blank-label": Kind("a header cell is blank", "give every column a name"),
    "duplicate-label": Kind("a header name is repeated", "give every column a different name"),
    "incorrect-label": Kind(
        "header does not match the schema", "rename the column to the schema's field name, in the schema's order"
    ),
    "missing-label": Kind(
        "a column of the schema is missing", "add the column (leave cells blank where the source gives no value)"
    ),
    "extra-label": Kind("a column is not in the schema", "remove the column or declare it in the schema"),
    "extra-cell": Kind(
        "row has more cells than the header", "check for an unquoted comma; quote cells that contain commas"
    ),
    "missing-cell": Kind(
        "row has fewer cells than the header", "add the missing cells (empty cells still need their commas)"
    ),
    "source-error": Kind(
        "the CSV cannot be parsed here", 'check the quoting: a quote inside a quoted cell is written twice ("")'
    ),
    "blank-row": Kind("row is blank", "remove the blank row"),
    "type-error": Kind("value is not of the declared type", "write the value in the declared type's format"),
    "constraint-error": Kind("value breaks a constraint", "correct the value against the source document"),
    "unique-error": Kind(
        "value must be unique but is repeated", "remove the duplicate row or correct one of the values"
    ),
    "primary-key": Kind("primary key is repeated or blank", "each row needs a different, complete key"),
    "foreign-key": Kind(
        "value not found in the referenced table",
        "use a value that exists in the referenced table, or add it there first",
    ),
    "schema-error": Kind("the schema is invalid", "correct the schema file"),
}


DECLARATION_CODES = ("schema-error",)


def register_kinds(kinds: dict[str, Kind]) -> None:
    """Add the codes of a layer built on the checker (a project's reconciliation checks, say).

    A code is registered once: a second, different meaning for the same code is a bug.
    """
    for code, kind in kinds.items():
        if CATALOGUE.setdefault(code, kind) != kind:
            raise ValueError(f"problem code {code!r} is already registered with another meaning")


@dataclass
class Issue:
    """A single problem at a place in a file."""

    code: str
    message: str
    path: str = ""
    row: int | None = None
    column: str | None = None
    column_number: int | None = None
    value: str | None = None
    rule: str | None = None
    severity: str = "error"
    hint: str | None = None

    def __post_init__(self) -> None:
        if self.hint is None and self.code in CATALOGUE:
            self.hint = CATALOGUE[self.code].hint

    def location(self, show=printable) -> str:
        parts = [show(self.path or "<package>")]
        if self.row is not None:
            parts.append(str(self.row))
        if self.column:
            parts.append(show(self.column))
        return ":".join(parts)

    def line(self, show=printable) -> str:
        """The one-line form: ``path:row:column: [code] message (value=..., hint)``.

        ``show`` escapes control characters and line breaks, so a header label holding a newline
        cannot forge a second ``path:row:column`` line (GitHub annotations escape their own way).
        """
        extras = []
        if self.value is not None:
            extras.append(f"value={_short(self.value)!r}")
        if self.hint:
            extras.append(self.hint)
        tail = f" ({', '.join(extras)})" if extras else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.location(show)}: {prefix}[{self.code}] {show(self.message)}{show(tail)}"

    def github(self) -> str:
        """A GitHub Actions workflow command annotating the file."""
        level = "warning" if self.severity == "warning" else "error"
        props = [f"file={_gh_prop(self.path)}"] if self.path else []
        if self.row is not None:
            props.append(f"line={self.row}")
        if self.column_number is not None:
            props.append(f"col={self.column_number}")
        props.append(f"title={_gh_prop(self.code)}")
        return f"::{level} {','.join(props)}::{_gh_data(self.line(show=str))}"


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Group:
    """All issues of one rule in one column: a true count and the first examples."""

    path: str
    code: str
    column: str | None
    rule: str | None
    count: int
    examples: list[Issue] = field(default_factory=list)
    severity: str = "error"


@dataclass
class Report:
    """Issues found, grouped by file, rule and column, with true counts."""

    groups: list[Group] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.add_group(Group(issue.path, issue.code, issue.column, issue.rule, 1, [issue], issue.severity))

    def add_group(self, group: Group) -> None:
        if group.count:
            self.groups.append(group)

    def extend(self, other: Report) -> None:
        self.groups.extend(other.groups)

    @property
    def issues(self) -> list[Issue]:
        return [issue for group in self.groups for issue in group.examples]

    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def error_count(self) -> int:
        return sum(g.count for g in self.groups if g.severity == "error")

    @property
    def warning_count(self) -> int:
        return sum(g.count for g in self.groups if g.severity == "warning")

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    @property
    def exit_code(self) -> int:
        """0 valid, 2 when a declaration is wrong (the data could not be checked as declared), else 1."""
        if self.valid:
            return 0
        return 2 if any(g.code in DECLARATION_CODES and g.severity == "error" for g in self.groups) else 1

    def render_text(self) -> str:
        lines = []
        for group in self.groups:
            lines.extend(issue.line() for issue in group.examples)
            hidden = group.count - len(group.examples)
            where = f"{group.path}:{group.column}" if group.column else group.path
            if hidden > 0 and not group.examples:  # --limit-errors 0: counts only
                noun = f"{group.severity}{'s' * (group.count != 1)}"
                lines.append(printable(f"{where}: [{group.code}] {group.rule or group.code}: {group.count:,} {noun}"))
            elif hidden > 0:
                lines.append(printable(f"{where}: … and {hidden:,} more [{group.code}] {group.rule or ''}".rstrip()))
        return "\n".join(lines)

    def summary(self) -> str:
        if self.valid:
            extra = f" ({self.warning_count} warning{'s' * (self.warning_count != 1)})" if self.warning_count else ""
            return f"valid{extra}"
        return f"invalid: {self.error_count:,} error{'s' * (self.error_count != 1)}"

    def to_dict(self) -> dict:
        return {
            "valid": self.valid,
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "groups": [
                {
                    "path": g.path,
                    "code": g.code,
                    "column": g.column,
                    "rule": g.rule,
                    "count": g.count,
                    "severity": g.severity,
                    "examples": [asdict(i) for i in g.examples],
                }
                for g in self.groups
            ],
        }

    def render_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def render_github(self) -> str:
        return "\n".join(issue.github() for issue in self.issues)


class HmipdataError(Exception):
    """Base of the errors hmipdata raises for people to act on; ``exit_code`` is the CLI's exit code."""

    exit_code = 1


class UsageError(HmipdataError):
    """The command was called wrongly (exit code 2)."""

    exit_code = 2


class SchemaError(HmipdataError):
    """A schema file cannot be read or is not a valid schema."""


class DeclarationError(SchemaError):
    """The project's declarations are wrong, or ask for something refused (SQL reaching outside the
    declared files): exit 2. Carries a report of every problem, or one message."""

    exit_code = 2

    def __init__(self, problem: Report | str):
        super().__init__(problem.summary() if isinstance(problem, Report) else problem)
        self.report = problem if isinstance(problem, Report) else None


class EnvironmentProblem(HmipdataError):
    """The machine, not the data, is in the way: a lock in a bad state, a full disk (exit code 3)."""

    exit_code = 3


class InvalidData(HmipdataError):
    """Data failed validation; carries the report."""

    def __init__(self, report: Report):
        super().__init__(report.summary())
        self.report = report
