"""The registries of check kinds and output formats: what a new entry gets without other code."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hmipdata.project.checks import KINDS, Kind, Param
from hmipdata.project.declaration_model import CHECK_MODELS, _check_model


def test_a_new_check_kind_is_checked_by_the_parameters_it_declares():
    kind = Kind(
        "between",
        "A number lies between two bounds.",
        (Param("column", str, "The numeric column.", column=True), Param("low", str, "The lower bound.")),
        lambda resource, check: "SELECT 1",
    )
    model = _check_model(kind)
    base = {"id": "x-between", "description": "within bounds", "kind": "between", "column": "amount"}
    assert model.model_validate({**base, "low": "0"}).low == "0"
    with pytest.raises(ValidationError, match="low"):
        model.model_validate(base)
    with pytest.raises(ValidationError, match="high"):
        model.model_validate({**base, "low": "0", "high": "9"})
    assert model.model_json_schema()["description"] == kind.description


def test_the_declaration_model_has_one_model_per_registered_kind():
    assert list(CHECK_MODELS) == list(KINDS)
    for name, model in CHECK_MODELS.items():
        assert set(model.model_fields) == {"id", "description", "kind"} | {p.name for p in KINDS[name].params}


def test_every_download_format_has_a_writer_once_the_site_is_loaded():
    import hmipdata.site.builder  # noqa: F401  (registers the site's writers)
    from hmipdata.publish.formats import downloads, package_resources

    assert all(f.write or f.site_writer for f in downloads())
    assert package_resources()[0].resource == "table"
    assert all(f.write for f in package_resources())  # a data-package resource is in build/ and each release
