"""Check the published tables with pandera schemas derived from the Table Schemas."""

from __future__ import annotations

from hmipdata.checker.errors import Issue, Report
from hmipdata.checker.pandera_schema import pandera_schema
from hmipdata.project.package import Project
from hmipdata.publish.formats import published_select


def check_published(con, project: Project) -> Report:
    """Validate every published table with pandera (lazily: all failures)."""
    import pandera.errors

    report = Report()
    for resource in project.published:
        frame = con.execute(published_select(resource)).df()
        try:
            pandera_schema(resource.name, resource.schema).validate(frame, lazy=True)
        except pandera.errors.SchemaErrors as exc:
            for case in exc.failure_cases.head(20).itertuples():
                report.add(
                    Issue(
                        "constraint-error",
                        f"pandera: {case.check} failed",
                        path=resource.declared_in,
                        column=str(case.column),
                        value=str(case.failure_case),
                        rule=str(case.check),
                    )
                )
    return report
