"""The operation helper: work on a worker thread, the outcome back on the UI
thread, a progress dialog only for slow work, Cancel stops the work at a
safe point, errors shown as one message."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton, QWidget

from desktop_crm.ui.operations import SHOW_AFTER_MS, CancelledError, Operation, OperationContext


def _progress_dialogs() -> list[QProgressDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QProgressDialog) and w.isVisible()]


def _main() -> bool:
    return threading.current_thread() is threading.main_thread()


def test_work_runs_off_the_ui_thread_and_success_comes_back_on_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    threads: list[bool] = []
    got: list[tuple[int, bool]] = []

    def work(ctx: OperationContext) -> int:
        threads.append(_main())
        return 42

    op = Operation(None, work).success(lambda value: got.append((value, _main())))
    with qtbot.waitSignal(op.done):
        op.run_in_background()
    assert threads == [False]
    assert got == [(42, True)]


def test_slow_work_shows_progress_and_cancel_stops_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    outcome: list[str] = []

    def work(ctx: OperationContext) -> None:
        for step in range(1000):
            ctx.progress(step, 1000)
            time.sleep(0.01)
        outcome.append("ran to the end")

    op = (Operation(parent, work).with_progress("正在导出…", cancellable=True)
          .success(lambda _r: outcome.append("success"))
          .cancelled(lambda: outcome.append("cancelled")))
    op.run_in_background()
    qtbot.waitUntil(lambda: bool(_progress_dialogs()), timeout=5000)
    dialog = _progress_dialogs()[0]
    assert dialog.labelText() == "正在导出…"
    with qtbot.waitSignal(op.done, timeout=5000):
        dialog.findChild(QPushButton).click()
    assert outcome == ["cancelled"]
    assert not _progress_dialogs()


def test_quick_work_shows_no_progress_dialog(qtbot) -> None:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    op = Operation(None, lambda ctx: 7).with_progress("quick")
    op.done.connect(lambda: seen.append(len(_progress_dialogs())))
    with qtbot.waitSignal(op.done):
        op.run_in_background()
    assert seen == [0]
    assert SHOW_AFTER_MS >= 100


def test_an_expected_error_is_one_message_with_its_text(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: shown.append((title, text))))

    def work(ctx: OperationContext) -> None:
        raise OSError(28, "No space left on device")

    op = Operation(None, work).errors("Export failed", OSError)
    with qtbot.waitSignal(op.done):
        op.run_in_background()
    assert shown == [("Export failed", "[Errno 28] No space left on device")]


def test_an_unexpected_error_shows_a_generic_message_with_details(qtbot) -> None:  # type: ignore[no-untyped-def]
    def work(ctx: OperationContext) -> None:
        raise KeyError("boom")

    op = Operation(None, work).errors("Export failed", OSError)
    with qtbot.waitSignal(op.done):
        op.run_in_background()
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(boxes) == 1
    assert "unexpected" in boxes[0].text() and "boom" in boxes[0].text()
    assert "KeyError" in boxes[0].detailedText()
    # the same bug dialog as the window's: its details can be copied for a report
    next(b for b in boxes[0].buttons() if b.text() == "Copy details").click()
    assert QApplication.clipboard().text() == boxes[0].detailedText()
    boxes[0].close()


def test_a_failure_callback_replaces_the_message(qtbot) -> None:  # type: ignore[no-untyped-def]
    got: list[tuple[str, bool]] = []

    def work(ctx: OperationContext) -> None:
        raise ValueError("bad")

    op = Operation(None, work).failure(lambda exc: got.append((str(exc), _main())))
    with qtbot.waitSignal(op.done):
        op.run_in_background()
    assert got == [("bad", True)]


def test_progress_raises_cancelled_once_cancelled() -> None:
    reported: list[tuple[int, int]] = []
    ctx = OperationContext(lambda done, total: reported.append((done, total)))
    ctx.progress(1, 2)
    ctx.cancel_event.set()
    with pytest.raises(CancelledError):
        ctx.progress(2, 2)
    assert reported == [(1, 2)]


def test_partial_results_arrive_in_order_on_the_ui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    got: list[tuple[str, bool]] = []

    def work(ctx: OperationContext) -> None:
        for value in ("a", "b", "c"):
            ctx.partial(value)

    op = Operation(None, work).partial_results(lambda value: got.append((value, _main())))
    with qtbot.waitSignal(op.done):
        op.run_in_background()
    assert got == [("a", True), ("b", True), ("c", True)]


def test_run_and_wait_returns_the_result_or_raises_the_error(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert Operation(None, lambda ctx: threading.current_thread().name).run_and_wait() != \
        threading.main_thread().name

    def broken(ctx: OperationContext) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        Operation(None, broken).run_and_wait()


def test_no_callback_reaches_a_window_closed_while_the_work_ran(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    release = threading.Event()
    called: list[str] = []

    def work(ctx: OperationContext) -> int:
        assert release.wait(10)
        ctx.partial("first figures")  # a partial result is skipped too
        return 1

    op = (Operation(parent, work).success(lambda _r: called.append(parent.objectName()))
          .partial_results(lambda _v: called.append(parent.objectName())))
    op.run_in_background()
    parent.deleteLater()
    qtbot.wait(10)  # the parent is gone
    with qtbot.waitSignal(op.done):
        release.set()
    assert called == [] and op.result == 1
