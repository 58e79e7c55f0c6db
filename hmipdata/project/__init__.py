"""A publishing project: its repository layout, declarations, raw data, check kinds, anomalies and versions.

Built on :mod:`hmipdata.checker`; knows nothing of output formats or the site.
"""

from hmipdata.project import codes as _codes  # noqa: F401  (registers the project's problem codes)
