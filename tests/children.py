"""Child processes for the tests that need a second program on the same
database (tests/helpers/crm_child.py is what they run)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HELPER = Path(__file__).resolve().parent / "helpers" / "crm_child.py"


def spawn(*args: str | Path) -> subprocess.Popen[str]:
    """Start ``crm_child.py`` with ``args``, its output captured as text."""
    return subprocess.Popen([sys.executable, str(HELPER), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


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
