"""The problem codes a publishing project adds to the checker's catalogue.

Reconciliation checks, the anomalies register, placeholders, citation and
versioning are the project's rules, not the generic checker's; they are
registered when :mod:`hmipdata.project` is imported.
"""

from __future__ import annotations

from hmipdata.checker.errors import Kind, register_kinds

PROJECT_KINDS: dict[str, Kind] = {
    "row-count": Kind(
        "table has an unexpected number of rows", "update expected_rows in the schema if the change is intended"
    ),
    "check-failed": Kind(
        "reconciliation check failed",
        "compare with the source; if the source itself is inconsistent, record it in the anomalies register",
    ),
    "invisible-space": Kind(
        "a cell contains a non-breaking space or a zero-width character",
        "replace it with an ordinary space (or delete it) unless the source prints it",
    ),
    "known-anomaly": Kind("known source anomaly", "recorded in the anomalies register; nothing to do"),
    "unfilled": Kind("a placeholder is still to be filled in", "replace the TODO text in the schema"),
    "unsafe-path": Kind(
        "path is not allowed", "use a relative path inside the repository, without '..', URLs or symlinks"
    ),
    "citation-mismatch": Kind(
        "CITATION.cff disagrees with the package", "update CITATION.cff to match schemas/package.yaml and CHANGELOG.md"
    ),
    "breaking-change": Kind(
        "breaking schema change without a major version", "raise the major version in schemas/package.yaml"
    ),
}

register_kinds(PROJECT_KINDS)
