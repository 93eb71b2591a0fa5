"""Reminders while working: the tray icon with the day's count (or the count
in the window title where there is no tray), notifications driven by an
injected clock, a click that opens Today, and closing to the tray."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox, QSystemTrayIcon

from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.enums import Channel
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from desktop_crm.ui import close_to_tray
from desktop_crm.ui.app_icon import BADGE_COLOR, BADGE_SIZE
from desktop_crm.ui.changes import Changes
from desktop_crm.ui.main_window import MainWindow
from desktop_crm.ui.tray import REMINDER_TIME_KEY, reminder_time
from tests.conftest import Clock
from tests.gui.conftest import shown

TODAY = date(2026, 11, 24)
# A tray icon injected where the offscreen platform has no tray: Qt says it
# cannot follow the (missing) tray window; and the platform cannot raise one.
pytestmark = pytest.mark.qt_log_ignore("systemTrayWindowChanged",
                                       "This plugin does not support raise")


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 24, 8, 0))


def follow_up(db: Database, clock: Clock, name: str, on: date = TODAY) -> int:
    """A new client with a follow-up due ``on``."""
    clients = ClientService(db, clock, user="test")
    client_id = clients.save(ClientCard(name=name, owner="test"))
    met = datetime.combine(min(on, clock().date()), time(7, 0))
    clients.log_interaction(Interaction(client_id, met, Channel.CALL, "met",
                                        next_step=f"call {name}", follow_up_on=on))
    return client_id


class Shown:
    """Notifications the tray icon showed (its showMessage, recorded)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def __call__(self, title: str, text: str, *args: object) -> None:
        self.messages.append((title, text))


def open_window(qtbot, db: Database, settings: QSettings, clock: Clock,  # type: ignore[no-untyped-def]
                tray: bool) -> tuple[MainWindow, Shown]:
    window = MainWindow(db, settings, clock=clock, user="test", tray=tray)
    qtbot.addWidget(window)
    seen = Shown()
    if window.reminders.icon is not None:
        window.reminders.icon.showMessage = seen  # type: ignore[method-assign]
    return window, seen


@pytest.fixture
def with_tray(qtbot, db: Database, settings: QSettings, clock: Clock  # type: ignore[no-untyped-def]
              ) -> Iterator[tuple[MainWindow, Shown]]:
    follow_up(db, clock, "王芳")
    window, seen = open_window(qtbot, db, settings, clock, tray=True)
    for w in shown(qtbot, window):
        yield w, seen


def test_without_a_tray_the_title_carries_the_count(qtbot, db, settings, clock):  # type: ignore[no-untyped-def]
    follow_up(db, clock, "王芳")
    follow_up(db, clock, "李明", date(2026, 11, 20))
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen: the fallback by default
    for window in shown(qtbot, MainWindow(db, settings, clock=clock, user="test")):
        assert window.reminders.icon is None
        assert window.windowTitle() == f"Desktop CRM — 2 items to do today (1 overdue) — {db.path}"
        window.switch_language("zh")
        assert window.windowTitle() == f"客户卡片管理 — 今日 2 项待办（1 项逾期） — {db.path}"
        # both done elsewhere (another tab's write): the count leaves the title
        agenda = AgendaService(db, clock, user="test")
        for item in agenda.due_today():
            if item.client in ("王芳", "李明"):
                agenda.mark_done(item)
        window.broadcast(Changes(agenda=True))
        assert window.windowTitle() == f"客户卡片管理 — {db.path}"
        # a notification goes to the status bar
        window.reminders.announced.emit("1 条提醒", "王芳：跟进")
        assert window.statusBar().currentMessage() == "1 条提醒: 王芳：跟进"
        # ...but never over what the user just did (an import's "Undo" line)
        window.statusBar().showMessage("已导入，批次 3")
        window.reminders.announced.emit("1 条提醒", "李明：跟进")
        assert window.statusBar().currentMessage() == "已导入，批次 3"


def test_a_tray_that_appears_later_gets_the_icon(qtbot, db, settings, clock):  # type: ignore[no-untyped-def]
    follow_up(db, clock, "王芳")
    panel_up: list[bool] = []
    window = MainWindow(db, settings, clock=clock, user="test", tray=lambda: bool(panel_up))
    for w in shown(qtbot, window):
        w.reminders.start()  # nothing to show it in: the status bar has it
        assert w.reminders.icon is None and "1 reminder" in w.statusBar().currentMessage()
        assert w.windowTitle() == f"Desktop CRM — 1 item to do today — {db.path}"
        w.reminders.check()
        assert w.reminders.icon is None
        panel_up.append(True)  # the desktop's panel has started
        w.reminders.check()
        assert w.reminders.icon is not None and w.reminders.icon.isVisible()
        assert w.reminders.icon.toolTip() == "Desktop CRM — 1 item to do today"
        assert w.windowTitle() == f"Desktop CRM — {db.path}"


def test_the_tray_icon_shows_the_count_on_its_badge_and_tooltip(with_tray):  # type: ignore[no-untyped-def]
    window, _seen = with_tray
    icon = window.reminders.icon
    assert icon is not None and icon.isVisible()
    assert icon.toolTip() == "Desktop CRM — 1 item to do today"
    assert window.windowTitle() == f"Desktop CRM — {window.db.path}"  # the tray has it
    image = icon.icon().pixmap(BADGE_SIZE, BADGE_SIZE).toImage()
    assert QColor(image.pixel(BADGE_SIZE - 5, 18)) == BADGE_COLOR
    assert [a.text() for a in icon.contextMenu().actions() if a.text()] == [
        "Open Desktop CRM", "Today", "Quit"]
    window.switch_language("zh")
    assert icon.toolTip() == "客户卡片管理 — 今日 1 项待办"
    assert [a.text() for a in icon.contextMenu().actions() if a.text()] == [
        "打开客户卡片管理", "今日", "退出"]


def test_the_badge_follows_the_agenda(with_tray, db, clock):  # type: ignore[no-untyped-def]
    window, _seen = with_tray
    agenda = AgendaService(db, clock, user="test")
    agenda.mark_done(next(i for i in agenda.due_today() if i.client == "王芳"))
    window.broadcast(Changes(agenda=True))
    icon = window.reminders.icon
    assert icon.toolTip() == "Desktop CRM — Nothing to do today"
    image = icon.icon().pixmap(BADGE_SIZE, BADGE_SIZE).toImage()
    assert QColor(image.pixel(BADGE_SIZE - 5, 18)) != BADGE_COLOR


def test_notifications_at_start_and_at_the_reminder_time_once_a_day(  # type: ignore[no-untyped-def]
        qtbot, db, settings, clock):
    follow_up(db, clock, "王芳")
    window, seen = open_window(qtbot, db, settings, clock, tray=True)
    window.reminders.start()
    assert seen.messages and seen.messages[0][0] == "1 reminder"
    assert "王芳: follow up - call 王芳" in seen.messages[0][1]
    assert window.reminders.timer.isActive()  # set for the reminder time
    window.reminders.hide()
    window.close()
    # restarted the same day: nothing new to say, neither at start nor at 09:00
    window, seen = open_window(qtbot, db, settings, clock, tray=True)
    window.reminders.start()
    clock.now = datetime(2026, 11, 24, 9, 0)
    window.reminders.check()
    assert seen.messages == []
    # a follow-up for today added later is announced at the next check
    follow_up(db, clock, "李明")
    clock.now = datetime(2026, 11, 24, 9, 30)
    window.reminders.timer.timeout.emit()
    assert len(seen.messages) == 1 and "李明: follow up - call 李明" in seen.messages[0][1]
    assert "王芳" not in seen.messages[0][1]
    # the next morning at the reminder time: both again, still due (now overdue)
    clock.now = datetime(2026, 11, 25, 9, 0)
    window.reminders.check()
    assert "王芳" in seen.messages[-1][1] and "李明" in seen.messages[-1][1]
    assert window.reminders.icon.toolTip() == "Desktop CRM — 2 items to do today (2 overdue)"
    window.reminders.hide()
    window.close()


def started_once(qtbot, db: Database, settings: QSettings, clock: Clock  # type: ignore[no-untyped-def]
                 ) -> tuple[list[tuple[str, str]], Path]:
    """A window's start with a follow-up due, closed after: what it announced
    and the file it kept that in (beside the test's settings file)."""
    window, seen = open_window(qtbot, db, settings, clock, tray=True)
    window.reminders.start()
    book = window.services.database_uuid()
    window.reminders.hide()
    window.close()
    return seen.messages, Path(settings.fileName()).parent / "reminders" / f"{book}.json"


def test_what_was_announced_is_kept_in_a_file_of_its_own_not_in_the_settings(  # type: ignore[no-untyped-def]
        qtbot, db, settings, clock):
    follow_up(db, clock, "王芳")
    messages, kept = started_once(qtbot, db, settings, clock)
    assert len(messages) == 1
    data = json.loads(kept.read_text(encoding="utf-8"))
    assert data["day"] == "2026-11-24" and len(data["announced"]) == 1
    settings.sync()
    assert not [key for key in settings.allKeys() if key.startswith("reminders/")]


def test_what_an_earlier_version_kept_in_the_settings_moves_to_the_file(  # type: ignore[no-untyped-def]
        qtbot, db, settings, clock):
    follow_up(db, clock, "王芳")
    _messages, kept = started_once(qtbot, db, settings, clock)
    announced = json.loads(kept.read_text(encoding="utf-8"))["announced"]
    # as the previous version left it: the keys in the settings, no file
    kept.unlink()
    group = f"reminders/{kept.stem}"
    settings.setValue(f"{group}/day", "2026-11-24")
    settings.setValue(f"{group}/announced", json.dumps(announced))
    messages, kept = started_once(qtbot, db, settings, clock)
    assert messages == []  # announced already today: not said again
    assert json.loads(kept.read_text(encoding="utf-8"))["announced"] == announced
    assert not settings.contains(f"{group}/announced")
    assert not settings.contains(f"{group}/day")


def test_items_done_are_not_announced(qtbot, db, settings, clock):  # type: ignore[no-untyped-def]
    follow_up(db, clock, "王芳")
    follow_up(db, clock, "李明")
    agenda = AgendaService(db, clock, user="test")
    agenda.mark_done(next(i for i in agenda.due_today() if i.client == "王芳"))
    window, seen = open_window(qtbot, db, settings, clock, tray=True)
    window.reminders.start()
    assert "李明" in seen.messages[0][1] and "王芳" not in seen.messages[0][1]
    window.reminders.hide()
    window.close()


def test_the_reminder_time_is_a_setting(qtbot, db, settings, clock):  # type: ignore[no-untyped-def]
    assert reminder_time(settings) == time(9, 0)
    settings.setValue(REMINDER_TIME_KEY, "13:45")
    assert reminder_time(settings) == time(13, 45)
    follow_up(db, clock, "王芳")
    window, seen = open_window(qtbot, db, settings, clock, tray=True)
    assert window.reminders.schedule.reminder_time == time(13, 45)
    clock.now = datetime(2026, 11, 24, 13, 0)
    window.reminders.check()
    assert seen.messages == []
    clock.now = datetime(2026, 11, 24, 13, 45)
    window.reminders.check()
    assert len(seen.messages) == 1
    window.reminders.hide()
    window.close()


def test_a_click_on_the_icon_or_the_message_opens_today(with_tray):  # type: ignore[no-untyped-def]
    window, _seen = with_tray
    window.tabs.setCurrentWidget(window.clients)
    window.reminders.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert window.tabs.currentWidget() is window.today
    window.tabs.setCurrentWidget(window.clients)
    window.hide()
    window.reminders.icon.messageClicked.emit()
    assert window.isVisible() and window.tabs.currentWidget() is window.today
    window.tabs.setCurrentWidget(window.clients)
    today = next(a for a in window.reminders.icon.contextMenu().actions() if a.text() == "Today")
    today.trigger()
    assert window.tabs.currentWidget() is window.today
    # the right button opens the menu, not Today
    window.tabs.setCurrentWidget(window.clients)
    window.reminders.icon.activated.emit(QSystemTrayIcon.ActivationReason.Context)
    assert window.tabs.currentWidget() is window.clients


@pytest.fixture
def explained(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the information boxes shown (answered at once); each
    shown while the window was hidden already, as the text says."""
    texts: list[str] = []

    def information(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        assert not parent.isVisible()
        texts.append(text)
        return QMessageBox.StandardButton.Ok
    monkeypatch.setattr(QMessageBox, "information", staticmethod(information))
    return texts


def test_closing_keeps_the_app_in_the_tray_when_chosen(  # type: ignore[no-untyped-def]
        with_tray, settings, explained, qtbot):
    window, _seen = with_tray
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    window.close()  # off by default: the window closes for good
    assert closed == [True] and explained == []
    window.show()
    close_to_tray.set_keeps_running(settings, True)
    assert not window.close()
    assert not window.isVisible() and closed == [True]
    assert len(explained) == 1 and "keeps running in the tray" in explained[0]
    window.show_today()
    assert window.isVisible()
    window.close()  # said once only
    assert not window.isVisible() and len(explained) == 1
    window.show_window()
    window.act_quit.trigger()  # File > Quit really quits
    assert closed == [True, True] and not window.isVisible()


def test_the_trays_quit_really_quits(with_tray, settings, explained):  # type: ignore[no-untyped-def]
    window, _seen = with_tray
    close_to_tray.set_keeps_running(settings, True)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    quit_action = next(a for a in window.reminders.icon.contextMenu().actions()
                       if a.text() == "Quit")
    quit_action.trigger()
    assert closed == [True] and explained == []


def test_without_a_tray_closing_closes(qtbot, db, settings, clock, explained):  # type: ignore[no-untyped-def]
    close_to_tray.set_keeps_running(settings, True)
    window, _seen = open_window(qtbot, db, settings, clock, tray=False)
    window.show()
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    window.close()  # no icon to come back from: the window closes for good
    assert closed == [True] and explained == []


def test_the_explanation_in_chinese(with_tray, settings, explained):  # type: ignore[no-untyped-def]
    window, _seen = with_tray
    window.switch_language("zh")
    close_to_tray.set_keeps_running(settings, True)
    window.close()
    assert "托盘" in explained[0]
