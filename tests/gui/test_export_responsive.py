"""The manager's workbook export through the window on a few thousand demo
clients: the window keeps processing events while a worker thread writes, and
Cancel leaves neither the workbook nor a temporary ``.part`` file."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton

from desktop_crm.services.demo import generate
from desktop_crm.services.exporting import pages
from desktop_crm.storage.database import Database
from desktop_crm.ui import file_dialogs
from tests.gui.conftest import finished

CLIENTS = 3000  # three pages of the export (pages.PAGE_SIZE)


@pytest.fixture
def demo(db: Database) -> Database:
    generate(db, CLIENTS, seed=5)
    return db


@pytest.fixture
def no_confidential(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))


def _progress_dialog() -> QProgressDialog | None:
    shown = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QProgressDialog) and w.isVisible()]
    return shown[0] if shown else None


@pytest.mark.slow
def test_the_window_keeps_processing_events_while_the_workbook_is_written(  # type: ignore[no-untyped-def]
        qtbot, demo, window, tmp_path: Path, monkeypatch, no_confidential) -> None:
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: tmp_path / "book.xlsx")
    on_main: list[bool] = []
    original = pages.pages

    def spy(*args, **kwargs) -> Iterator[pages.Page]:  # type: ignore[no-untyped-def]
        for page in original(*args, **kwargs):
            on_main.append(threading.current_thread() is threading.main_thread())
            yield page

    monkeypatch.setattr(pages, "pages", spy)
    ticks = 0  # timer events handled while the export was still running
    running: list[Any] = []

    def tick() -> None:
        nonlocal ticks
        if running and running[0].finished_ok is None:
            ticks += 1

    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    timer.start()
    operation = window.export_workbook()
    assert operation is not None and operation.finished_ok is None  # still running
    running.append(operation)
    result = finished(qtbot, operation)
    timer.stop()
    assert result is not None and result.clients == CLIENTS
    assert on_main == [False, False, False]  # every page written off the UI thread
    # the UI thread handled its timer while the export ran (how often depends
    # on the machine's load: once is the proof)
    assert ticks >= 1
    assert (tmp_path / "book.xlsx").exists()
    assert "book.xlsx" in window.statusBar().currentMessage()


@pytest.mark.slow
def test_cancel_leaves_no_workbook_and_no_part_file(  # type: ignore[no-untyped-def]
        qtbot, demo, window, tmp_path: Path, monkeypatch, no_confidential) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: out / "book.xlsx")
    cancelled = threading.Event()
    original = pages.pages

    def held_after_the_first_page(*args, **kwargs) -> Iterator[pages.Page]:  # type: ignore[no-untyped-def]
        for index, page in enumerate(original(*args, **kwargs)):
            if index == 1:  # the user cancels while the export is under way
                assert cancelled.wait(30)
            yield page

    monkeypatch.setattr(pages, "pages", held_after_the_first_page)
    operation = window.export_workbook()
    assert operation is not None
    qtbot.waitUntil(lambda: _progress_dialog() is not None, timeout=10_000)
    dialog = _progress_dialog()
    assert dialog is not None
    dialog.findChild(QPushButton).click()
    cancelled.set()
    assert finished(qtbot, operation) is None
    assert operation.finished_ok is False
    assert list(out.iterdir()) == []  # no workbook, no .part file
    assert "cancelled" in window.statusBar().currentMessage()
