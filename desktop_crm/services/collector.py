"""The one place that pauses Python's cyclic garbage collector, and why.

The care agenda builds tens of thousands of small tuples and no reference
cycles; the collector would walk them again and again while they are made.
Measured on databases built by ``benchmarks/agenda.py``, timing
``AgendaService.agenda`` in one process with the collector on and off in turn
(8 runs each, median; 2026-12-06, 2 shared cores): at 5,000 clients no
difference (agenda(30) 12.9 ms on, 12.1 ms off); at 30,000 clients agenda(30)
121 ms on, 77 ms off, and agenda(90) 278 ms on, 228 ms off. The cost grows
with the book, so the pause stays for the agenda.

The collector is process-wide, and the agenda also runs on worker threads (the
workbook export) while the window works: :func:`paused_collector` counts its
users under a lock, so the collector is switched off by the first and back on
by the last, never re-enabled under another user nor left off. Only cyclic
garbage waits meanwhile; reference counting frees everything else as usual.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_users = 0
_was_enabled = False


@contextmanager
def paused_collector() -> Iterator[None]:
    """Run the block with the cyclic garbage collector paused (see above)."""
    global _users, _was_enabled
    with _lock:
        if _users == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _was_enabled:
                gc.enable()
