"""Deterministic fault points for the fault suite (tests/test_faults.py); inert unless asked.

``HMIPDATA_KILL_AT=<step>`` kills the process with SIGKILL when it reaches
``<step>``; ``HMIPDATA_FAIL_AT=<step>:<ERRNO>`` raises that ``OSError`` there
(e.g. ``build-outputs:ENOSPC`` for a full disk). The steps are named where
writers call :func:`checkpoint`.
"""

from __future__ import annotations

import errno
import os
import signal


def checkpoint(step: str) -> None:
    """Die or fail here when the environment names this step; otherwise do nothing."""
    if os.environ.get("HMIPDATA_KILL_AT") == step:
        os.kill(os.getpid(), signal.SIGKILL)
    name, _, code = os.environ.get("HMIPDATA_FAIL_AT", "").partition(":")
    if name == step:
        number = getattr(errno, code or "ENOSPC")
        raise OSError(number, os.strerror(number), f"<{step}>")
