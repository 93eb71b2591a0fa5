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

Pausing alone does not spare the agenda's items a pass: they are counted as
new objects while the collector is off, and the first object made after it is
back on sets off a pass over the youngest generation, every one of them (at
100,000 clients the 30-day agenda's 47,000 items: 10-15 ms of CPU, inside the
call, as the pause ends). ``paused_collector(keep_made=True)`` moves what the
block made into the oldest generation as it ends, without a pass
(``gc.freeze()`` then ``gc.unfreeze()``: two list moves), so only a full
pass would walk the items, should one come while they live. Nothing is set
aside for good: every object stays in the collector's sight, and cyclic
garbage among them is collected by the next full pass. ``gc.freeze()``
alone was not kept: every object alive then, in all generations, would stay
out of every later pass, and a cycle among them that became garbage later
would never be freed. The unfreeze also returns what the window's start froze
(``app.py``) to the oldest generation.
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
def paused_collector(*, keep_made: bool = False) -> Iterator[None]:
    """Run the block with the cyclic garbage collector paused (see above).
    ``keep_made``: when the block ends without an error, move every object
    the collector tracks into its oldest generation, without a pass (see
    above): for a block whose result is tens of thousands of objects that
    outlive it."""
    global _users, _was_enabled
    with _lock:
        if _users == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _users += 1
    try:
        yield
        if keep_made:
            _keep_made()
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _was_enabled:
                gc.enable()


def _keep_made() -> None:
    """Every tracked object into the oldest generation, none walked, and
    the count of new objects that sets off a pass back to 0."""
    with _lock:  # the collector is paused: no pass runs between the two
        gc.freeze()
        gc.unfreeze()
