"""CITATION.cff and .zenodo.json are complete and kept in step with the package by `hmipdata validate`."""

from __future__ import annotations

import json
import shutil

import yaml

from hmipdata.project.citation import check_citation
from hmipdata.project.package import load_project
from tests.conftest import ROOT, hmipdata


def test_citation_is_complete_and_in_step():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("repository-code", "url", "abstract", "keywords", "version", "date-released", "license"):
        assert cff.get(key), key
    project = load_project(ROOT)
    assert check_citation(project).valid, check_citation(project).render_text()


def test_zenodo_metadata_matches_the_package():
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    project = load_project(ROOT)
    assert zenodo["upload_type"] == "dataset"
    assert zenodo["title"] == yaml.safe_load((ROOT / "CITATION.cff").read_text())["title"]
    assert zenodo["keywords"] == project.meta["keywords"]


def test_validate_reports_a_stale_citation_with_file_and_line(project_copy):
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    shutil.copyfile(ROOT / "CITATION.cff", project_copy / "CITATION.cff")
    assert hmipdata("--root", str(project_copy), "validate").returncode == 0
    stale = text.replace(f"version: {load_project(ROOT).version}\n", "version: 0.0.1\n")
    assert stale != text
    (project_copy / "CITATION.cff").write_text(stale, encoding="utf-8")
    done = hmipdata("--root", str(project_copy), "validate")
    assert done.returncode == 1
    line = stale[: stale.index("version: 0.0.1")].count("\n") + 1
    assert f"CITATION.cff:{line}:version: [citation-mismatch]" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
