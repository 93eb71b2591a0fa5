"""SIGTERM and Ctrl+C (SIGINT) end the app as File > Quit does.

The window closes for good (asking first only when an edit is unsaved), the
exit backup is made and the exit code is 0. Without this, Python's default
ends the process at once on SIGTERM (a shutdown, `kill`: no exit backup) and
turns Ctrl+C into a KeyboardInterrupt inside whatever slot runs next (the
unexpected-error dialog).
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType

from PySide6.QtCore import QObject, QTimer

# Python runs a signal handler only between bytecodes, and no Python runs
# while Qt waits for events: a timer lets it look twice a second.
TICK_MS = 500


def quit_on_stop_signals(parent: QObject, quit_app: Callable[[], None]) -> QTimer:
    """Call ``quit_app`` from the event loop on SIGTERM or SIGINT; returns the
    timer that lets the handler run (owned by ``parent``)."""

    def stop(_number: int, _frame: FrameType | None) -> None:
        QTimer.singleShot(0, quit_app)  # in the event loop, not inside the handler

    for name in ("SIGTERM", "SIGINT"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, stop)
    tick = QTimer(parent)
    tick.timeout.connect(lambda: None)
    tick.start(TICK_MS)
    return tick
