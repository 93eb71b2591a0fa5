"""One way to run slow work off the window, in the manner of Anki's
``aqt.operations`` (``CollectionOp`` / ``QueryOp``)::

    Operation(parent, lambda ctx: export_xlsx(db, path, progress=ctx.progress))
        .success(lambda result: status(...))
        .with_progress(_("Writing the workbook…"), cancellable=True)
        .run_in_background()

- The work runs on a worker thread of ``QThreadPool.globalInstance()`` and
  never touches a widget; it gets an :class:`OperationContext` to report
  progress and to see whether the user cancelled.
- Its result or exception comes back on the UI thread through a queued
  signal (no polling): ``success(result)`` or ``failure(exc)``.
- With progress, a window-modal progress dialog shows after
  :data:`SHOW_AFTER_MS` (quick work shows nothing); with ``cancellable`` it
  has a Cancel button, which sets a flag that ``ctx.progress`` and
  ``ctx.check_cancelled`` turn into :class:`CancelledError` on the worker, so the
  work stops at a safe point (an export's temporary file is removed by
  ``atomic_file`` when its block raises).
- Without a failure callback, an error reaches the user as one message: the
  exception's own message for the kinds passed as ``expected`` (errors the
  user can act on), otherwise a generic message with the details.

Running operations are kept alive by a module-level set until they finish,
so a caller need not hold on to them; when the parent widget is deleted
before the work ends, the callbacks are skipped (they would reach a deleted
widget).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from shiboken6 import isValid

from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import _
from desktop_crm.ui.error_dialog import unexpected_error_box

T = TypeVar("T")
SHOW_AFTER_MS = 300  # quicker work shows no progress dialog at all
log = logging.getLogger(__name__)

_running: set[Operation[Any]] = set()
_open_boxes: set[QMessageBox] = set()  # a parentless box lives until it is closed


class CancelledError(Exception):
    """Raised on the worker thread at a safe point once the user cancelled."""


class OperationContext:
    """What the work sees of its operation: progress and the cancel flag.

    Attributes:
        cancel_event: set when the user pressed Cancel.
    """

    def __init__(self, report: Callable[[int, int], None],
                 hand_over: Callable[[object], None] | None = None) -> None:
        self.cancel_event = threading.Event()
        self._report = report
        self._hand_over = hand_over

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def check_cancelled(self) -> None:
        """Raise :class:`CancelledError` when the user cancelled."""
        if self.cancel_event.is_set():
            raise CancelledError

    def progress(self, done: int, total: int) -> None:
        """Report ``done`` of ``total`` (shown in the dialog); also a safe
        point, so this raises :class:`CancelledError` once the user cancelled."""
        self.check_cancelled()
        self._report(done, total)

    def partial(self, value: object) -> None:
        """Hand ``value`` to the operation's ``partial_results`` callback on the
        UI thread (one of a series of results, as each is ready)."""
        if self._hand_over is not None:
            self._hand_over(value)


class _Signals(QObject):
    """Lives on the UI thread; the worker emits, Qt queues the calls."""

    finished = Signal(bool, object)  # ok, result or exception
    progressed = Signal(int, int)
    partial = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, call: Callable[[], None]) -> None:
        super().__init__()
        self._call = call

    def run(self) -> None:  # Override QRunnable::run, on a pool thread
        self._call()


class Operation(QObject, Generic[T]):
    """Work on a worker thread with its outcome handed back on the UI thread.

    Signals:
        done: emitted on the UI thread after the success, failure or cancel
            callback has run.
    """

    done = Signal()

    def __init__(self, parent: QWidget | None,
                 work: Callable[[OperationContext], T]) -> None:
        # The application, not the window, is the Qt parent: a closed window
        # must not delete running work. A parent also makes Qt, not Python,
        # own the object: the pool thread holds the last Python reference to
        # it now and then (the runnable's bound method), and a Python-owned
        # QObject would then be destroyed on that thread while the UI thread
        # delivers its queued signals (a crash, about 1 run in 10 of 30,000
        # operations). It is deleted by deleteLater, on the UI thread, once
        # its outcome is handed over.
        super().__init__(QCoreApplication.instance())
        self._parent = parent
        self._work = work
        self._on_success: Callable[[T], Any] | None = None
        self._on_failure: Callable[[BaseException], Any] | None = None
        self._on_cancelled: Callable[[], Any] | None = None
        self._on_partial: Callable[[Any], Any] | None = None
        self._label: str | None = None
        self._cancellable = False
        self._title = _("Something went wrong")
        self._expected: tuple[type[BaseException], ...] = ()
        self._dialog: QProgressDialog | None = None
        self._signals = _Signals(self)  # Qt-owned too: deleted with the operation
        self._signals.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._signals.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
        self._signals.partial.connect(self._partial, Qt.ConnectionType.QueuedConnection)
        self.context = OperationContext(self._signals.progressed.emit, self._signals.partial.emit)
        self.finished_ok: bool | None = None  # None while running
        self.result: T | None = None  # the work's result, once it succeeded
        self.error: BaseException | None = None  # the work's exception, once it failed

    # -- building ---------------------------------------------------------------------
    def success(self, callback: Callable[[T], Any]) -> Operation[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], Any]) -> Operation[T]:
        """Replace the default error message with ``callback(exc)``."""
        self._on_failure = callback
        return self

    def cancelled(self, callback: Callable[[], Any]) -> Operation[T]:
        self._on_cancelled = callback
        return self

    def partial_results(self, callback: Callable[[Any], Any]) -> Operation[T]:
        """``callback(value)`` on the UI thread for each ``ctx.partial(value)``,
        until the operation is cancelled."""
        self._on_partial = callback
        return self

    def errors(self, title: str, *expected: type[BaseException]) -> Operation[T]:
        """The default error message's title; exceptions of the ``expected``
        kinds are shown with their own message, others as unexpected."""
        self._title = title
        self._expected = expected
        return self

    def with_progress(self, label: str, *, cancellable: bool = False) -> Operation[T]:
        self._label = label
        self._cancellable = cancellable
        return self

    # -- running ----------------------------------------------------------------------
    def run_in_background(self) -> Operation[T]:
        if self._label is not None:
            self._show_progress(self._label)
        _running.add(self)
        QThreadPool.globalInstance().start(_Runnable(self._run))
        return self

    def run_and_wait(self) -> T:
        """For the few callers that cannot go on without the result (opening a
        database, at start-up or after a restore): run in the background and
        wait in a local event loop, driven by the ``done`` signal, so the
        window keeps painting; return the result or raise the exception
        (no success or failure callbacks)."""
        loop = QEventLoop()
        self._on_success = None
        self._on_failure = lambda _exc: None
        self.done.connect(loop.quit)
        self.run_in_background()
        if self.finished_ok is None:
            loop.exec()
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]

    def cancel(self) -> None:
        """Ask the work to stop at its next safe point."""
        self.context.cancel_event.set()

    def _run(self) -> None:  # on the worker thread: no widgets here
        try:
            result: object = self._work(self.context)
        except BaseException as exc:  # handed back to the UI thread
            self._signals.finished.emit(False, exc)
            return
        self._signals.finished.emit(True, result)

    def _show_progress(self, label: str) -> None:
        dialog = QProgressDialog(label, _("Cancel") if self._cancellable else "", 0, 0,
                                 self._parent)
        if not self._cancellable:
            dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)  # Qt starts the minimum-duration timer only from the first value
        dialog.setMinimumDuration(SHOW_AFTER_MS)
        dialog.canceled.connect(self.cancel)
        self._dialog = dialog

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        if self._dialog is not None and isValid(self._dialog) and not self.context.cancelled:
            self._dialog.setMaximum(max(total, 1))
            self._dialog.setValue(min(done, max(total, 1)))

    @Slot(object)
    def _partial(self, value: object) -> None:
        # skipped, as the outcome is, once the parent widget is gone: the
        # callback would reach deleted widgets
        if self._parent is not None and not isValid(self._parent):
            return
        if self._on_partial is not None and not self.context.cancelled:
            self._on_partial(value)

    @Slot(bool, object)
    def _finished(self, ok: bool, value: object) -> None:
        _running.discard(self)
        if self._dialog is not None and isValid(self._dialog):  # gone with a closed parent
            self._dialog.canceled.disconnect(self.cancel)
            self._dialog.close()
            self._dialog.deleteLater()
        self._dialog = None
        self.finished_ok = ok
        if not ok:
            assert isinstance(value, BaseException)
            self.error = value
        try:
            if self._parent is not None and not isValid(self._parent):
                # its window was closed meanwhile: the callbacks would reach a
                # deleted widget; the work itself is done (or safely stopped)
                log.info("a background operation finished after its window closed")
                if ok:
                    self.result = value  # type: ignore[assignment]
            elif ok:
                self.result = value  # type: ignore[assignment]
                if self._on_success is not None:
                    self._on_success(value)  # type: ignore[arg-type]
            elif isinstance(value, CancelledError):
                if self._on_cancelled is not None:
                    self._on_cancelled()
            elif self._on_failure is not None:
                assert isinstance(value, BaseException)
                self._on_failure(value)
            else:
                assert isinstance(value, BaseException)
                show_error(self._parent, self._title, value, self._expected)
        finally:
            self.done.emit()
            self.deleteLater()


def running() -> int:
    """How many operations have not yet handed back their outcome."""
    return len(_running)


def show_error(parent: QWidget | None, title: str, exc: BaseException,
               expected: tuple[type[BaseException], ...] = ()) -> None:
    """One message box: the message of an error the user can act on (every
    CrmError, and the ``expected`` kinds), or a generic message with the
    details of an unexpected one (also logged)."""
    if parent is not None and not isValid(parent):
        parent = None  # its window was closed while the work ran
    if isinstance(exc, (CrmError, *expected)):
        QMessageBox.critical(parent, title, str(exc))
        return
    log.error("unexpected error in a background operation",
              exc_info=(type(exc), exc, exc.__traceback__))
    box = unexpected_error_box(parent, title,
                               _("An unexpected error stopped the operation: {error}",
                                 error=str(exc) or type(exc).__name__),
                               "".join(traceback.format_exception(exc)))
    _open_boxes.add(box)
    box.finished.connect(lambda _result: _open_boxes.discard(box))
    box.open()
