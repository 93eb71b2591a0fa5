"""Background operations are released on the UI thread only (ui/operations.py).

The pool thread sometimes holds the last Python reference to an operation
(the runnable's bound method). When Python owned the operation, dropping that
reference destroyed the QObject on the pool thread while the UI thread was
delivering its queued signals: the process crashed with a segmentation fault,
about once in ten runs of this test (and once in a full test run on CI)."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QWidget

from desktop_crm.ui import operations
from desktop_crm.ui.operations import Operation


def test_thousands_of_quick_operations_end_cleanly(qtbot) -> None:  # type: ignore[no-untyped-def]
    handed_back = 0
    for round_ in range(1000):
        parent = QWidget()
        results: list[int] = []
        for i in range(20):  # no reference kept: the pool thread may hold the last one
            (Operation(parent, lambda _ctx, i=i: sum(range(1000 * (i % 3))))
             .success(results.append).run_in_background())
        deadline = time.monotonic() + 60
        while operations.running() and time.monotonic() < deadline:
            QCoreApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        assert len(results) == 20
        handed_back += len(results)
        if round_ % 3 == 0:
            parent.deleteLater()
    assert handed_back == 20_000
    # each operation is gone once it handed back its outcome: Qt deleted it
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert QCoreApplication.instance().findChildren(Operation) == []
