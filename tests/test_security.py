"""Untrusted input is refused before it can do harm: paths, YAML, and spreadsheets (macros, zip bombs, XML)."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from hmipdata.checker.spreadsheet_input import SpreadsheetRefused, check_archive
from tests.conftest import FIXTURES, hmipdata

SECURITY = FIXTURES / "security"
SCHEMA = SECURITY / "values.schema.yaml"


def _declare(project: Path, path: str) -> Path:
    schema = project / "schemas/evil/evil.yaml"
    schema.parent.mkdir(parents=True, exist_ok=True)
    schema.write_text((SECURITY / "table.yaml").read_text().replace("PATH", path), encoding="utf-8")
    return schema


def _path_line(schema: Path) -> int:
    return next(n for n, line in enumerate(schema.read_text().splitlines(), 1) if line.startswith("path:"))


def _no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "path,message",
    [
        ("/etc/passwd", "must be relative to the repository (no URLs or absolute paths)"),
        ("raw/../../secret.csv", "must not contain '..'"),
        ("https://example.com/data.csv", "must be relative to the repository (no URLs or absolute paths)"),
        ("file:///etc/passwd", "must be relative to the repository (no URLs or absolute paths)"),
        ("C:/data/secret.csv", "must be relative to the repository (no URLs or absolute paths)"),
    ],
)
def test_a_path_outside_the_repository_is_refused(project_copy, path, message):
    line = _path_line(_declare(project_copy, path))
    result = hmipdata("--root", str(project_copy), "validate")
    assert result.returncode == 2
    assert f"schemas/evil/evil.yaml:{line}: [schema-error] path {path!r} {message}" in result.stdout
    _no_traceback(result)


@pytest.mark.parametrize("link", ["raw/evil/evil.csv", "raw/evil"])
def test_a_path_through_a_symlink_is_refused_and_not_read(project_copy, tmp_path, link):
    secret = tmp_path / "outside" / "evil.csv"
    secret.parent.mkdir()
    secret.write_text("value\nSECRET-MARKER\n", encoding="utf-8")
    (project_copy / "raw/evil").mkdir(exist_ok=link != "raw/evil")
    if link == "raw/evil":
        (project_copy / "raw/evil").rmdir()
    (project_copy / link).symlink_to(secret if link.endswith(".csv") else secret.parent)
    line = _path_line(_declare(project_copy, "raw/evil/evil.csv"))
    result = hmipdata("--root", str(project_copy), "validate")
    assert result.returncode == 2
    assert (
        f"schemas/evil/evil.yaml:{line}: [schema-error] path 'raw/evil/evil.csv' goes through a symlink ({link})"
        in result.stdout
    )
    assert "SECRET-MARKER" not in result.stdout + result.stderr
    _no_traceback(result)


def test_yaml_that_would_run_code_is_refused_and_nothing_runs(project_copy, tmp_path):
    (project_copy / "schemas/evil").mkdir()
    (project_copy / "schemas/evil/evil.yaml").write_bytes((SECURITY / "python-object.yaml").read_bytes())
    result = hmipdata("--root", str(project_copy), "validate", cwd=tmp_path)
    assert result.returncode == 2
    line = next(
        n for n, text in enumerate((SECURITY / "python-object.yaml").read_text().splitlines(), 1) if "!!" in text
    )
    assert f"evil.yaml:{line}: [schema-error] not valid YAML: could not determine a constructor for the tag" in (
        result.stdout
    )
    assert not (tmp_path / "hmipdata-was-exploited").exists()
    assert not (project_copy / "hmipdata-was-exploited").exists()
    _no_traceback(result)


def test_yaml_that_would_run_code_is_refused_as_a_schema_file(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("value\nx\n", encoding="utf-8")
    result = hmipdata("validate", str(data), "--schema", str(SECURITY / "python-object.yaml"), cwd=tmp_path)
    assert result.returncode == 2  # a schema that cannot be read is a usage or declaration error
    assert "python-object.yaml: not valid YAML" in result.stderr
    assert not (tmp_path / "hmipdata-was-exploited").exists()
    _no_traceback(result)


def _workbook(rows: list[list]) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [["region", "snapshot_date", "beds"], ["North", date(2022, 3, 1), 12], ["South", date(2022, 3, 1), 7]]


def _rezip(data: bytes, add: dict[str, bytes] | None = None, edit: dict[str, callable] | None = None) -> bytes:
    """The workbook's zip with parts added or edited."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            dst.writestr(info.filename, (edit or {}).get(info.filename, lambda b: b)(content))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def _validate(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path, hmipdata("validate", str(path), "--schema", str(SCHEMA), cwd=tmp_path)


def test_a_clean_workbook_is_validated_like_a_csv(tmp_path):
    _, good = _validate(tmp_path, "good.xlsx", _workbook(GOOD))
    assert good.returncode == 0, good.stdout
    path, bad = _validate(tmp_path, "bad.xlsx", _workbook([*GOOD, ["West", date(2022, 3, 1), "twelve"]]))
    assert bad.returncode == 1
    assert f"{path}:4:beds: [type-error] beds is not a valid integer (value='twelve'" in bad.stdout


@pytest.mark.parametrize("suffix", [".xlsm", ".xltm"])
def test_a_macro_enabled_workbook_is_refused(tmp_path, suffix):
    path, result = _validate(tmp_path, f"book{suffix}", _workbook(GOOD))
    assert result.returncode == 1
    assert f"{path}: [source-error] macro-enabled workbooks ({suffix}) are not accepted" in result.stdout
    assert "save it as an Excel Workbook (.xlsx)" in result.stdout
    _no_traceback(result)


def test_a_workbook_holding_a_vba_project_is_refused(tmp_path):
    data = _rezip(_workbook(GOOD), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})
    path, result = _validate(tmp_path, "book.xlsx", data)
    assert result.returncode == 1
    assert f"{path}: [source-error] the workbook contains macros (xl/vbaProject.bin)" in result.stdout
    _no_traceback(result)


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    data = _rezip(_workbook(GOOD), add={"xl/media/image1.bin": bytes(20 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    path, result = _validate(tmp_path, "bomb.xlsx", data)
    assert result.returncode == 1
    assert f"{path}: [source-error] part xl/media/image1.bin expands" in result.stdout
    assert "(more than 100; a zip bomb?)" in result.stdout
    _no_traceback(result)


def test_the_total_size_is_capped(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(_workbook(GOOD))
    check_archive(path)  # within the documented caps
    with pytest.raises(SpreadsheetRefused, match=r"book.xlsx: the workbook expands to more than 2,000 bytes"):
        check_archive(path, max_total=2000)
    with pytest.raises(SpreadsheetRefused, match=r"the archive holds \d+ parts \(at most 3\)"):
        check_archive(path, max_entries=3)


ENTITIES = {
    "external entity": b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    "billion laughs": b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
}


@pytest.mark.parametrize("declaration", ENTITIES.values(), ids=ENTITIES.keys())
def test_xml_with_entities_is_refused_before_parsing(tmp_path, declaration):
    def inject(xml: bytes) -> bytes:
        head, _, rest = xml.partition(b"?>")
        return head + b"?>" + declaration + rest

    data = _rezip(_workbook(GOOD), edit={"xl/worksheets/sheet1.xml": inject})
    path, result = _validate(tmp_path, "book.xlsx", data)
    assert result.returncode == 1
    assert f"{path}: [source-error] XML part xl/worksheets/sheet1.xml declares a document type or entities" in (
        result.stdout
    )
    assert "root:" not in result.stdout
    _no_traceback(result)


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path, result = _validate(tmp_path, "book.xlsx", b"region,beds\nNorth,12\n")
    assert result.returncode == 1
    assert f"{path}: [source-error] is not an XLSX workbook (not a zip archive)" in result.stdout
    _no_traceback(result)


def test_openpyxl_parses_with_defusedxml():
    pytest.importorskip("defusedxml")
    import openpyxl
    from defusedxml.ElementTree import iterparse
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse is iterparse


def test_new_refuses_a_macro_workbook_and_writes_nothing(project_copy, tmp_path):
    path = tmp_path / "figures.xlsm"
    path.write_bytes(_workbook(GOOD))
    result = hmipdata("--root", str(project_copy), "new", "figures", "--from", str(path))
    assert result.returncode == 1
    assert f"error: {path}: macro-enabled workbooks (.xlsm) are not accepted" in result.stderr
    assert not (project_copy / "raw/figures").exists() and not (project_copy / "schemas/figures").exists()
    _no_traceback(result)
