"""Every number in the source documents, accounted for: published or excluded with a reason.

A *number* is a run of digits printed in a source document (``240``, ``32.1``,
``22,756``; ``13/01/2020`` is three numbers). Each one is accounted for in one of
three ways, checked in this order:

1. **published through an occurrence**: it lies inside the ``quote`` of a raw row
   and within that row's printed text (``value_text``, another ``*_text`` column
   or ``period_label``), so the published figure points at exactly where it is
   printed;
2. **published in a printed table**: it lies inside a region declared in
   ``raw/coverage/printed-tables.csv`` (a table as the source prints it), and the
   numbers of that region, less the excluded ones, are exactly the numbers of the
   named raw columns (the transcription of that table);
3. **excluded**: ``raw/coverage/exclusions.csv`` lists it, by a verbatim context
   and the number within it, with a reason class (page number, footnote number,
   date used as a date, case-example detail, ...).

Anything else is *unaccounted*: the coverage test fails on it. ``python -m
hmipdata.project.coverage`` prints the summary, and ``--write-readme`` writes it into
README.md between the coverage markers.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

NUMBER = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d)")
EXCLUSIONS = "raw/coverage/exclusions.csv"
PRINTED_TABLES = "raw/coverage/printed-tables.csv"
README_START = "<!-- coverage:start -->"
README_END = "<!-- coverage:end -->"


@dataclass(frozen=True)
class Number:
    source_id: str
    start: int
    end: int
    text: str


@dataclass
class Accounting:
    numbers: list[Number]
    published: dict[Number, str] = field(default_factory=dict)  # number -> how (file:line or region id)
    excluded: dict[Number, str] = field(default_factory=dict)  # number -> exclusion id
    problems: list[str] = field(default_factory=list)  # stale exclusions, region mismatches, quotes not found
    reason_class: dict[str, str] = field(default_factory=dict)  # exclusion id -> reason class

    @property
    def unaccounted(self) -> list[Number]:
        return [n for n in self.numbers if n not in self.published and n not in self.excluded]

    def by_source(self) -> dict[str, tuple[int, int, int]]:
        out: dict[str, list[int]] = {}
        for n in self.numbers:
            row = out.setdefault(n.source_id, [0, 0, 0])
            row[0] += 1
            row[1] += n in self.published
            row[2] += n in self.excluded and n not in self.published
        return {k: (v[0], v[1], v[2]) for k, v in out.items()}

    def by_reason(self) -> Counter:
        return Counter(self.reason_class[e] for n, e in self.excluded.items() if n not in self.published)


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        yield from enumerate(csv.DictReader(fh), start=2)


def documents(root: Path, seeds: Path) -> dict[str, str]:
    """source_id -> text of its seed document."""
    return {
        row["source_id"]: (seeds / row["seed_file"]).read_text(encoding="utf-8")
        for _, row in _rows(root / "raw/sources/sources.csv")
    }


def extract(source_id: str, text: str) -> list[Number]:
    return [Number(source_id, m.start(), m.end(), m.group()) for m in NUMBER.finditer(text)]


def _find_all(text: str, part: str) -> list[int]:
    out, i = [], text.find(part)
    while part and i >= 0:
        out.append(i)
        i = text.find(part, i + 1)
    return out


def _raw_files(root: Path) -> list[Path]:
    from hmipdata.project.package import load_project

    return [root / r.path for r in load_project(root).resources if r.path]


class _Index:
    """The extracted numbers of each document, by position."""

    def __init__(self, numbers: list[Number]):
        self.by_source: dict[str, list[Number]] = {}
        for n in numbers:
            self.by_source.setdefault(n.source_id, []).append(n)

    def inside(self, source_id: str, start: int, end: int) -> list[Number]:
        return [n for n in self.by_source.get(source_id, []) if start <= n.start and n.end <= end]


def _published_by_quotes(root: Path, docs: dict[str, str], index: _Index, acc: Accounting) -> None:
    """Numbers inside a raw row's quote and within its printed text (value_text, *_text, period_label)."""
    for path in _raw_files(root):
        for line, row in _rows(path):
            quote, source_id = row.get("quote") or "", row.get("source_id") or ""
            texts = [v for k, v in row.items() if k and (k.endswith("_text") or k == "period_label") and v]
            if not quote or not texts or source_id not in docs:
                continue
            starts = _find_all(docs[source_id], quote)
            if not starts:
                acc.problems.append(f"{path.relative_to(root)}:{line}: quote not found in {source_id}")
            for q in starts:
                for printed in texts:
                    for i in _find_all(quote, printed):
                        for n in index.inside(source_id, q + i, q + i + len(printed)):
                            acc.published.setdefault(n, f"{path.relative_to(root)}:{line}")


def _excluded(root: Path, docs: dict[str, str], index: _Index, acc: Accounting) -> None:
    """Numbers listed in the exclusions, by context; a row that accounts for nothing new is a problem."""
    for line, row in _rows(root / EXCLUSIONS):
        eid, source_id, context, number = row["exclusion_id"], row["source_id"], row["context"], row["number"]
        acc.reason_class[eid] = row["reason_class"]
        starts = _find_all(docs.get(source_id, ""), context)
        hits = [n for s in starts for n in index.inside(source_id, s, s + len(context)) if n.text == number]
        new = [n for n in hits if n not in acc.published and n not in acc.excluded]
        if not starts:
            acc.problems.append(f"{EXCLUSIONS}:{line}: context of {eid} not found in {source_id}")
        elif not new:
            acc.problems.append(
                f"{EXCLUSIONS}:{line}: {eid} excludes no number that is not already published or excluded"
            )
        for n in new:
            acc.excluded[n] = eid


def _region(text: str, row: dict) -> tuple[int, int]:
    start = text.find(row["starts_with"])
    if start < 0:
        return -1, -1
    if not row["ends_before"]:  # the region runs to the end of the document
        return start, len(text)
    return start, text.find(row["ends_before"], start + 1)


def _published_in_tables(root: Path, docs: dict[str, str], index: _Index, acc: Accounting) -> None:
    """Numbers of a printed table: the region's numbers, less exclusions, are exactly its transcription's."""
    for line, row in _rows(root / PRINTED_TABLES):
        source_id = row["source_id"]
        start, end = _region(docs.get(source_id, ""), row)
        if start < 0 or end < 0:
            acc.problems.append(f"{PRINTED_TABLES}:{line}: region {row['region_id']} not found in {source_id}")
            continue
        region = [n for n in index.inside(source_id, start, end) if n not in acc.excluded and n not in acc.published]
        printed: Counter = Counter()
        for spec in row["raw_columns"].split():
            file, _, column = spec.partition(":")
            for _, cells in _rows(root / file):
                printed.update(m.group() for m in NUMBER.finditer(cells.get(column) or ""))
        found = Counter(n.text for n in region)
        if found != printed:
            acc.problems.append(
                f"{PRINTED_TABLES}:{line}: region {row['region_id']} prints {sorted((found - printed).elements())} "
                f"not in the transcription, which has {sorted((printed - found).elements())} not in the region"
            )
            continue
        for n in region:
            acc.published.setdefault(n, row["region_id"])


def account(root: Path, seeds: Path) -> Accounting:
    """Account for every number of the source documents of the project at ``root``."""
    docs = documents(root, seeds)
    acc = Accounting([n for source_id, text in docs.items() for n in extract(source_id, text)])
    index = _Index(acc.numbers)
    _published_by_quotes(root, docs, index, acc)
    _excluded(root, docs, index, acc)
    _published_in_tables(root, docs, index, acc)
    return acc


def summary_markdown(acc: Accounting, root: Path) -> str:
    """The README's coverage section, generated from the accounting."""
    names = {row["source_id"]: row["seed_file"] for _, row in _rows(root / "raw/sources/sources.csv")}
    total = len(acc.numbers)
    published = sum(1 for n in acc.numbers if n in acc.published)
    excluded = sum(1 for n in acc.numbers if n in acc.excluded and n not in acc.published)
    left = total - published - excluded
    share = 100 * (published + excluded) / total if total else 100.0
    lines = [
        f"Numbers printed in the {len(names)} source documents accounted for: {published + excluded:,} of "
        f"{total:,} ({share:.0f}%); {left} unaccounted. {published:,} are published, each found through the "
        f"quote of the row that publishes it (or in a printed table's transcription), and {excluded:,} are "
        "excluded, each listed in `raw/coverage/exclusions.csv` with its reason. `tests/test_coverage.py` "
        "checks this against the documents in `../shared/seeds/`.",
        "",
        "| source | file | numbers | published | excluded |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for source_id, (n, p, e) in sorted(acc.by_source().items(), key=lambda kv: names.get(kv[0], kv[0])):
        lines.append(f"| `{source_id}` | {names.get(source_id, '')} | {n:,} | {p:,} | {e:,} |")
    lines += ["", "Excluded numbers by reason:", "", "| reason | numbers |", "| --- | ---: |"]
    for reason, count in sorted(acc.by_reason().items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {reason.replace('_', ' ')} | {count:,} |")
    return "\n".join(lines) + "\n"


def write_readme(root: Path, text: str) -> None:
    path = root / "README.md"
    readme = path.read_text(encoding="utf-8")
    before, rest = readme.split(README_START, 1)
    _, after = rest.split(README_END, 1)
    path.write_text(f"{before}{README_START}\n{text}{README_END}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path.cwd()
    seeds = root.parent / "shared" / "seeds"
    acc = account(root, seeds)
    for problem in acc.problems:
        print(problem)
    for n in acc.unaccounted:
        text = documents(root, seeds)[n.source_id]
        print(f"unaccounted {n.source_id} {n.text!r}: …{text[max(0, n.start - 60) : n.end + 40]!r}…")
    text = summary_markdown(acc, root)
    if "--write-readme" in argv:
        write_readme(root, text)
    else:
        print(text)
    return 1 if acc.problems or acc.unaccounted else 0


if __name__ == "__main__":
    raise SystemExit(main())
