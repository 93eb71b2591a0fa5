"""Slow work off the UI thread, for work that does not touch Qt (SQLite
releases Python's global lock while it reads and copies, so the window keeps
painting).

- :func:`run_busy` runs one call in a thread behind a modal busy indicator
  and returns its result (or raises its exception) once it is done.
- :class:`ThreadedResults` runs calls one after the other in a thread and hands
  each result to a callback on the UI thread as it arrives.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
POLL_MS = 30
SHOW_AFTER_MS = 300


def run_busy(parent: QWidget | None, text: str, work: Callable[[], T]) -> T:
    """``work()`` in a thread while a modal "busy" dialog shows ``text`` (after
    SHOW_AFTER_MS, so quick work shows nothing)."""
    outcome: list[Any] = []

    def call() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:  # handed back to the UI thread
            outcome.append((False, exc))

    progress = QProgressDialog(text, "", 0, 0, parent)
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setValue(0)  # Qt starts the minimum-duration timer only from the first value
    progress.setMinimumDuration(SHOW_AFTER_MS)
    thread = threading.Thread(target=call, daemon=True, name="busy-work")
    thread.start()
    loop = QEventLoop()
    timer = QTimer(interval=POLL_MS)
    timer.timeout.connect(lambda: None if thread.is_alive() else loop.quit())
    timer.start()
    if thread.is_alive():
        loop.exec()
    timer.stop()
    thread.join()
    progress.close()
    progress.deleteLater()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


class ThreadedResults(QObject, Generic[T]):
    """Runs ``calls`` in order in a thread; ``deliver(index, result)`` gets each
    result on the UI thread. ``stop`` ends it early (after the current call)."""

    def __init__(self, calls: Iterable[Callable[[], T]],
                 deliver: Callable[[int, T], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._calls = list(calls)
        self._deliver = deliver
        self._results: queue.SimpleQueue[tuple[int, T]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="checks")
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._drain)
        self.pending = len(self._calls)

    def start(self) -> None:
        self._thread.start()
        self._timer.start()

    def stop(self) -> None:
        self._stop.set()
        self._timer.stop()

    def wait(self) -> None:
        """Block until every call has run and been delivered (for tests)."""
        self._thread.join()
        self._drain()

    def _run(self) -> None:
        for index, call in enumerate(self._calls):
            if self._stop.is_set():
                return
            self._results.put((index, call()))

    def _drain(self) -> None:
        while True:
            try:
                index, result = self._results.get_nowait()
            except queue.Empty:
                break
            self.pending -= 1
            if not self._stop.is_set():
                self._deliver(index, result)
        if self.pending == 0:
            self._timer.stop()
