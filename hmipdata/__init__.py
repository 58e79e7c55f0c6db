"""hmipdata: HM Inspectorate of Probation figures as validated open data.

``hmipdata.load("caseloads", version="1.0.0")`` returns a published table
(checked against the release's SHA256SUMS); ``hmipdata.schema("caseloads")``
its pandera schema. Both are imported on first use, so ``import hmipdata``
(and the command line) stays light.
"""

import sys
import types

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


class _Package(types.ModuleType):
    """Keeps the functions above when the internal submodules of the same names are imported.

    ``hmipdata/load.py`` (raw tables into DuckDB) and ``hmipdata/schema.py``
    stay importable as ``from hmipdata.load import ...``; the import system
    would otherwise replace the ``hmipdata.load`` function with that module.
    """

    def __setattr__(self, name, value):
        if name in __all__ and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
