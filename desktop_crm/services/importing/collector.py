"""Python's cycle collector paused while an import builds its rows.

Reading 100,000 rows makes millions of objects that all stay alive (cells,
cards, rows to insert), and each time enough of them are made the collector
walks every live object again looking for garbage there is none of: with it
paused the row checks take half the time. Nothing an import makes is freed
only by the collector, and the collector runs again as soon as the step ends
(what it would have found is found then).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No automatic cycle collection inside the block (it was on: it is on
    again after, also when the block raises)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
