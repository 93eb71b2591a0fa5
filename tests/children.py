"""Child processes for the tests that need a second program on the same
database (tests/helpers/crm_child.py is what they run)."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HELPER = Path(__file__).resolve().parent / "helpers" / "crm_child.py"
_CHILD_TMP: Path | None = None


def child_env() -> dict[str, str]:
    """The environment of a child the tests may kill: its temporary folder
    (TMPDIR) is one of this test process's own, removed when it exits, so
    that what a killed child leaves there (an export's half-written package,
    several MB) does not pile up in the machine's /tmp run after run."""
    global _CHILD_TMP
    if _CHILD_TMP is None:
        _CHILD_TMP = Path(tempfile.mkdtemp(prefix="crm-test-children-"))
        atexit.register(shutil.rmtree, _CHILD_TMP, ignore_errors=True)
    return {**os.environ, "TMPDIR": str(_CHILD_TMP), "TEMP": str(_CHILD_TMP),
            "TMP": str(_CHILD_TMP)}


def spawn(*args: str | Path) -> subprocess.Popen[str]:
    """Start ``crm_child.py`` with ``args``, its output captured as text."""
    return subprocess.Popen([sys.executable, str(HELPER), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=child_env())


@contextmanager
def reaped(*children: subprocess.Popen[str]) -> Iterator[None]:
    """Kill children a failed test leaves running."""
    try:
        yield
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.communicate()


def wait_ready(flag: Path, child: subprocess.Popen[str], limit: float) -> None:
    """Wait up to ``limit`` seconds for ``child`` to create ``flag`` (it is
    ready); fails with its output when it exits first."""
    deadline = time.monotonic() + limit
    while not flag.exists():
        if child.poll() is not None:
            out, err = child.communicate()
            raise AssertionError(f"child exited {child.returncode} before it was ready:\n"
                                 f"{out}\n{err}")
        assert time.monotonic() < deadline, "child never got ready"
        time.sleep(0.01)
