"""Slow work off the UI thread: the busy indicator appears only for work
that takes a while, the result or the exception comes back, and results of a
series arrive one by one on the UI thread."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from desktop_crm.ui.background import SHOW_AFTER_MS, ThreadedResults, run_busy


def _busy_texts() -> list[str]:
    return [w.labelText() for w in QApplication.topLevelWidgets()
            if isinstance(w, QProgressDialog) and w.isVisible()]


def test_slow_work_shows_the_busy_indicator_and_returns_its_result(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    seen: list[list[str]] = []
    probe = QTimer(interval=50)
    probe.timeout.connect(lambda: seen.append(_busy_texts()))
    probe.start()
    threads: list[bool] = []

    def slow() -> int:
        threads.append(threading.current_thread() is threading.main_thread())
        time.sleep(SHOW_AFTER_MS / 1000 + 0.4)
        return 42

    assert run_busy(parent, "正在恢复…", slow) == 42
    assert threads == [False]
    assert ["正在恢复…"] in seen  # shown while the work ran
    seen.clear()
    assert run_busy(parent, "quick", lambda: 7) == 7
    probe.stop()
    assert all("quick" not in texts for texts in seen)


def test_the_works_exception_is_raised_on_the_ui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    def broken() -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        run_busy(None, "…", broken)


def test_results_arrive_in_order_on_the_ui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    got: list[tuple[int, str, bool]] = []
    job: ThreadedResults[str] = ThreadedResults(
        [lambda: "a", lambda: "b", lambda: "c"],
        lambda i, r: got.append((i, r, threading.current_thread() is threading.main_thread())))
    job.start()
    qtbot.waitUntil(lambda: job.pending == 0)
    assert got == [(0, "a", True), (1, "b", True), (2, "c", True)]
