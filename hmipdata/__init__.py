"""hmipdata: inspection figures as validated open data, and the table checker that validates them.

Layers, each importing only those before it (``docs/architecture.md``;
``tests/test_architecture.py`` enforces the rule):

- :mod:`hmipdata.checker`: any Frictionless Table Schema against CSV, Parquet or XLSX;
- :mod:`hmipdata.project`: a publishing project's declarations, raw data and checks;
- :mod:`hmipdata.publish`: build, output formats, releases and history;
- :mod:`hmipdata.site`: the static site;
- interfaces: :mod:`hmipdata.cli` (with :mod:`hmipdata.boundary`) and :mod:`hmipdata.api`.

``hmipdata.load("caseloads", version="1.0.0")`` returns a published table
(checked against the release's SHA256SUMS); ``hmipdata.schema("caseloads")``
its pandera schema. Both are imported on first use, so ``import hmipdata``
(and the command line) stays light.
"""

__version__ = "0.1.0"
__all__ = ["load", "schema"]


def load(name, version="latest", **options):
    """A published table: see :func:`hmipdata.api.load`."""
    from hmipdata.api import load as _load

    return _load(name, version, **options)


def schema(name, version="latest", **options):
    """The pandera schema of a published table: see :func:`hmipdata.api.schema`."""
    from hmipdata.api import schema as _schema

    return _schema(name, version, **options)
