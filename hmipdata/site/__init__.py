"""The static site: every published table as a formatted page, with downloads,
a data dictionary, charts, releases and SQL in the browser.

``build_site`` reads a finished ``build/`` (``hmipdata build``) and writes
``build/site/``, which any static web server can serve.
"""

from __future__ import annotations

from hmipdata.site.builder import SiteResult, build_site

__all__ = ["SiteResult", "build_site"]
