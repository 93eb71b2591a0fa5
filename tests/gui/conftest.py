"""GUI fixtures: a main window over a temporary database and settings file."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.services.clients import ClientService
from desktop_crm.services.registry import Services
from desktop_crm.storage.database import Database
from desktop_crm.ui import operations
from desktop_crm.ui.clients.record_page import RecordPage
from desktop_crm.ui.clients.tab import ClientsTab
from desktop_crm.ui.main_window import MainWindow
from desktop_crm.ui.owner_scope import ScopeMemory

D = TypeVar("D", bound=QDialog)


def shown(qtbot, window: MainWindow) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """Show ``window`` and yield it; then close it, leaving no unsaved edits for
    closeEvent to ask about. For a fixture: ``yield from shown(qtbot, MainWindow(...))``."""
    window.show()
    qtbot.waitExposed(window)
    today_filled(qtbot, window)
    yield window
    if window.built("complaints") is not None:  # a hidden tab is built when first shown
        window.complaints.form.revert()
    if window.built("clients") is not None:
        window.clients.editor.revert()
    window.close()
    window.deleteLater()


def clients_tab(qtbot, service: ClientService) -> ClientsTab:  # type: ignore[no-untyped-def]
    """A Clients tab of ``service`` alone, shown at 1200 x 700."""
    tab = ClientsTab(service)
    qtbot.addWidget(tab)
    tab.resize(1200, 700)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def today_filled(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Wait for Today's first fill: the window reads the day's agenda on the
    event loop's first turn after it shows."""
    qtbot.waitUntil(lambda: window.today.loaded)


def answer_with(page: RecordPage[Any], dialog_type: Callable[..., D],
                fill: Callable[[D], None] | None, press: Callable[[D], None]) -> list[D]:
    """Make ``page`` (Orders, Contact people) open the real dialog whose exec()
    runs ``fill`` on it and then ``press`` (its Save), without a modal loop.
    Returns the dialogs it opened."""
    seen: list[D] = []

    def make(record: Any, today: date, save: Callable[[Any], int], parent: QWidget) -> D:
        dialog = dialog_type(record, today, save, parent)

        def exec_() -> int:
            if fill is not None:
                fill(dialog)
            press(dialog)
            seen.append(dialog)
            return int(dialog.result())
        dialog.exec = exec_  # type: ignore[method-assign]
        return dialog
    page.dialog_factory = make
    return seen


def type_text(widget: QWidget, text: str) -> None:
    """Type text the way an input method commits it (works for Chinese, where
    qtbot.keyClicks aborts the process)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture(autouse=True)
def own_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XDG_CONFIG_HOME in the test's folder: Settings' "Start with the
    computer" writes and removes its autostart entry there, never in the
    account's ~/.config."""
    config = tmp_path / "xdg-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


@pytest.fixture
def everyone(settings: QSettings, db: Database) -> None:
    """The tabs show everyone's clients on a server database too, where
    "Mine" is the default, as a user who chose "Everyone" before would see
    them: for tests of other things than the owner scope."""
    if db.shared:
        memory = ScopeMemory(settings, Services.build(db).database_uuid())
        for tab in ("clients", "today", "calendar", "complaints", "loyalty"):
            memory.remember(tab, False)


@pytest.fixture
def seeded(db: Database) -> dict[str, int]:
    """A few clients, by name."""
    service = ClientService(db, user="seed")
    ids = {}
    for name, company, phone in [
        ("曾国方", "北京华为科技有限公司", "138 0013 8000"),
        ("李娜", "上海云帆贸易有限公司", "139-1234-5678"),
        ("John Smith", "Acme Trading Ltd", "+1 415 555 2671"),
    ]:
        ids[name] = service.save(ClientCard(name=name, company=company, phones=[Phone(phone)]))
    return ids


@pytest.fixture
def db(db: Database) -> Iterator[Database]:
    """The shared ``db`` fixture, which outlives every widget over it: work a
    tab started in the background (ui/operations.py) hands back its outcome
    before the database closes (a PostgreSQL test database is dropped then),
    as it would in a window that stays open."""
    yield db
    deadline = time.monotonic() + 60
    while operations.running() and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    assert not operations.running(), "background work still running after the test"


@pytest.fixture(autouse=True)
def no_held_modifiers(qapp: QApplication) -> None:
    """Release Ctrl and Shift first: a previous test's key click whose
    shortcut rebuilt the window can leave Qt's global modifier state "held",
    and a list allowing several rows would then add a selected row instead
    of replacing the selection."""
    widget = QWidget()
    for key in (Qt.Key.Key_Control, Qt.Key.Key_Shift):
        QTest.keyRelease(widget, key)
    widget.deleteLater()


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal message box would block the test run forever: fail instead."""

    def unexpected(kind: str):  # type: ignore[no-untyped-def]
        def box(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise AssertionError(f"unexpected {kind} dialog: {title}: {text}")
        return staticmethod(box)

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, unexpected(kind))


@pytest.fixture
def window(qtbot, db: Database, settings: QSettings) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """The main window over ``db``; list fixtures that add data before this one."""
    yield from shown(qtbot, MainWindow(db, settings))


@pytest.fixture
def answer_dialogs(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Answer QMessageBox.question with the given buttons, in order; records texts."""
    asked: list[str] = []
    answers: list[QMessageBox.StandardButton] = []

    def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return answers, asked


def finished(qtbot, operation, timeout: int = 60_000):  # type: ignore[no-untyped-def]
    """Wait for a background ``Operation`` (ui/operations.py) to hand back its
    outcome on the UI thread; returns its result (None when it failed)."""
    assert operation is not None
    if operation.finished_ok is None:
        with qtbot.waitSignal(operation.done, timeout=timeout):
            pass
    return operation.result
