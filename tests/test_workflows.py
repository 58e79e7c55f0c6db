"""The GitHub workflows and forms: zizmor finds nothing, and the pull-request workflow is safe by construction."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.y*ml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _triggers(workflow: dict) -> dict:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    return on if isinstance(on, dict) else {name: None for name in ([on] if isinstance(on, str) else on)}


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _zizmor() -> str:
    found = Path(sys.executable).with_name("zizmor")
    if found.exists():
        return str(found)
    on_path = shutil.which("zizmor")
    if on_path is None:
        pytest.skip("zizmor is not installed: pip install zizmor (it is in the dev extra)")
    return on_path


def test_zizmor_finds_nothing():
    result = subprocess.run(
        [_zizmor(), "--offline", "--no-progress", "--color", "never", str(GITHUB)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout, result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_every_action_is_pinned_by_commit_and_never_keeps_credentials(path):
    workflow = _load(path)
    assert workflow["permissions"] == {"contents": "read"}, "top-level permissions: contents: read"
    assert "pull_request_target" not in _triggers(workflow)
    for step in _steps(workflow):
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"{path.name}: {step['uses']} is not pinned to a full commit SHA"
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, path.name


def test_pull_request_workflow_runs_the_checks_without_untrusted_input():
    workflow = _load(GITHUB / "workflows" / "validate.yml")
    assert set(_triggers(workflow)) == {"pull_request"}
    assert "concurrency" in workflow
    runs = [step.get("run", "") for step in _steps(workflow)]
    assert any("make test" in run for run in runs)
    assert any(".venv/bin/hmipdata validate --format github" in run for run in runs)
    summary = next(step for step in _steps(workflow) if "GITHUB_STEP_SUMMARY" in step.get("run", ""))
    assert 'hmipdata" diff' in summary["run"] or "hmipdata diff" in summary["run"]
    assert summary["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    for run in runs:
        assert "${{" not in run, "values reach scripts through env:, never interpolated"


@pytest.mark.parametrize("path", sorted((GITHUB / "ISSUE_TEMPLATE").glob("*.yml")), ids=lambda p: p.name)
def test_issue_forms_are_well_formed(path):
    form = _load(path)
    assert form["name"] and form["description"] and form["body"]
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert len(ids) == len(set(ids))
    for item in form["body"]:
        assert item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"}
        if item["type"] != "markdown":
            assert item["attributes"]["label"] and re.fullmatch(r"[a-z0-9_-]+", item["id"])


def test_pull_request_template_has_the_checklist():
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    for item in ("Source document", "Location in the document", "Licence", "CHANGELOG.md", "anomalies", "make test"):
        assert item in text, item
    assert text.count("- [ ]") >= 6
