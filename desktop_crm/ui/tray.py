"""Reminders while working (工作时的提醒): the tray icon with the number of
items due today and overdue, a notification when the app starts with items
due and at the daily reminder time, and a click that opens Today.

Where the desktop has no tray (or in offscreen tests) there is no icon: the
window shows the count in its title instead and the notifications in its
status bar, and nothing fails. What to announce when is the schedule's
business (services/reminders.py); this module only shows it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTime, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from desktop_crm.domain.care import AgendaItem
from desktop_crm.i18n import _, ngettext
from desktop_crm.services.clock import Clock
from desktop_crm.services.reminders import (
    DEFAULT_REMINDER_TIME,
    DueCount,
    FileStore,
    ReminderSchedule,
)
from desktop_crm.ui.app_icon import app_icon, badged_icon

# Checked at least this often: items added by others on a shared database,
# and a computer that slept through the reminder time.
CHECK_EVERY_MS = 30 * 60 * 1000
TRAY_RETRY_MS = 60_000  # a tray missing at the start is looked for again then
SHOWN_IN_MESSAGE = 5  # item titles in one notification; the rest are counted
MESSAGE_MS = 15_000
REMINDER_TIME_KEY = "reminders/time"


def reminder_time(settings: QSettings) -> time:
    """The daily reminder time chosen in Settings (09:00 until one is)."""
    value = settings.value(REMINDER_TIME_KEY)
    chosen = QTime.fromString(value, "HH:mm") if isinstance(value, str) else QTime()
    return chosen.toPython() if chosen.isValid() else DEFAULT_REMINDER_TIME  # type: ignore[return-value]


def announced_store(settings: QSettings, database_uuid: str) -> FileStore:
    """Where the tray remembers what it announced today for this database: a
    file in this computer's data folder (beside the settings when they are an
    .ini file: the tests' own), not a setting (``FileStore`` says why). What
    an earlier version kept in the settings moves there once."""
    try:
        name = str(uuid.UUID(database_uuid))
    except ValueError:  # never a path taken from the database as it is
        name = hashlib.sha256(database_uuid.encode("utf-8")).hexdigest()[:32]
    if settings.format() == QSettings.Format.IniFormat:
        folder = Path(settings.fileName()).parent
    else:
        from platformdirs import user_data_dir

        folder = Path(user_data_dir("desktop-crm", appauthor=False))
    store = FileStore(folder / "reminders" / f"{name}.json")
    group = f"reminders/{database_uuid}"
    if settings.contains(f"{group}/day") or settings.contains(f"{group}/announced"):
        day, keys = settings.value(f"{group}/day"), settings.value(f"{group}/announced")
        try:
            if store.load()[0] is None and isinstance(day, str) and isinstance(keys, str):
                store.save(date.fromisoformat(day), set(json.loads(keys)))
        except (ValueError, TypeError):
            pass  # edited by hand: the day starts afresh
        settings.remove(group)
    return store


def due_text(count: DueCount) -> str:
    """"3 items to do today (1 overdue)", for the tooltip and the window title."""
    if count.overdue:
        return ngettext("{n} item to do today ({m} overdue)",
                        "{n} items to do today ({m} overdue)", count.due, m=count.overdue)
    if count.due:
        return ngettext("{n} item to do today", "{n} items to do today", count.due)
    return _("Nothing to do today")


def message(items: Sequence[AgendaItem]) -> tuple[str, str]:
    """A notification's title and text: the first items' titles, the rest counted."""
    title = ngettext("{n} reminder", "{n} reminders", len(items))
    lines = [item.title for item in items[:SHOWN_IN_MESSAGE]]
    if len(items) > SHOWN_IN_MESSAGE:
        lines.append(_("…and {n} more", n=len(items) - SHOWN_IN_MESSAGE))
    return title, "\n".join(lines)


class ReminderTray(QObject):
    """The tray icon and the reminder timer of one window.

    Signals:
        open_today: the icon or a notification was clicked, or Today chosen.
        open_window: Open was chosen in the icon's menu.
        quit_requested: Quit was chosen in the icon's menu.
        announced: a notification was given (title, text), tray or not.
        count_changed: the count shown changed (a DueCount).

    A tray that appears after the app started (a panel that starts after
    it at login) gets the icon at the next check.

    Attributes:
        available: whether the desktop has a tray (as ``tray_available`` said).
        icon: the tray icon, None without a tray.
        count: the count shown last.
        timer: fires at the next reminder time (or the periodic check).
    """

    open_today = Signal()
    open_window = Signal()
    quit_requested = Signal()
    announced = Signal(str, str)
    count_changed = Signal(object)

    def __init__(self, schedule: ReminderSchedule, clock: Clock, parent: QWidget,
                 available: bool | Callable[[], bool] | None = None) -> None:
        """``available``: whether there is a tray, or what to ask (injected in
        tests); Qt's answer by default."""
        super().__init__(parent)
        self.schedule = schedule
        self.clock = clock
        self._parent = parent
        if available is None:
            available = QSystemTrayIcon.isSystemTrayAvailable
        self._tray_available = available if callable(available) else (lambda: available)
        self.available = self._tray_available()
        self.count = DueCount(0, 0)
        self.base_icon = app_icon()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)
        self.icon: QSystemTrayIcon | None = None
        self.menu: QMenu | None = None
        if self.available:
            self._build_icon(parent)

    def _build_icon(self, parent: QWidget) -> None:
        self.icon = QSystemTrayIcon(self.base_icon, self)
        self.menu = QMenu(parent)
        self.act_open = QAction(self.menu)
        self.act_today = QAction(self.menu)
        self.act_quit = QAction(self.menu)
        self.act_open.triggered.connect(self.open_window)
        self.act_today.triggered.connect(self.open_today)
        self.act_quit.triggered.connect(self.quit_requested)
        self.menu.addAction(self.act_open)
        self.menu.addAction(self.act_today)
        self.menu.addSeparator()
        self.menu.addAction(self.act_quit)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(self.open_today)
        self.retranslate()
        self.icon.show()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_today.emit()

    def retranslate(self) -> None:
        if self.icon is not None:
            self.act_open.setText(_("Open Desktop CRM"))
            self.act_today.setText(_("Today"))
            self.act_quit.setText(_("Quit"))
            self.icon.setToolTip(_("Desktop CRM") + " — " + due_text(self.count))

    def show_count(self, count: DueCount) -> None:
        """Show ``count`` on the icon (its badge and tooltip)."""
        changed = count != self.count
        self.count = count
        if self.icon is not None:
            self.icon.setIcon(badged_icon(self.base_icon, count.due))
            self.retranslate()
        if changed:
            self.count_changed.emit(count)

    def refresh(self) -> None:
        """Read the count again (the day may have changed)."""
        self.show_count(self.schedule.count(self.clock().date()))

    def start(self, listed: Sequence[AgendaItem] | None = None) -> None:
        """The app has started: announce what is due and not yet announced
        today, and set the timer. ``listed``: the day's list as Today read it
        (in the schedule's scope), not read again."""
        self._announce(self.schedule.due_now(self.clock(), starting=True, listed=listed))
        self._arm()
        if self.icon is None:  # started before the desktop's panel, perhaps
            QTimer.singleShot(TRAY_RETRY_MS, self, self._probe_tray)

    def check(self) -> None:
        """The timer fired: announce what became due, read the count again."""
        self._probe_tray()
        self._announce(self.schedule.due_now(self.clock()))
        self.refresh()
        self._arm()

    def _probe_tray(self) -> None:
        """Put the icon in a tray that appeared since the start; the window
        then drops the count from its title."""
        if self.icon is None and self._tray_available():
            self.available = True
            self._build_icon(self._parent)
            self.show_count(self.count)
            self.count_changed.emit(self.count)

    def set_reminder_time(self, when: time) -> None:
        """The daily reminder time changed in Settings: the timer follows."""
        self.schedule.reminder_time = when
        if self.timer.isActive():
            self._arm()

    def _arm(self) -> None:
        now: datetime = self.clock()
        wait = (self.schedule.next_check(now) - now).total_seconds() * 1000
        self.timer.start(int(max(1000, min(wait, CHECK_EVERY_MS))))

    def _announce(self, items: Sequence[AgendaItem]) -> None:
        if not items:
            return
        title, text = message(items)
        if self.icon is not None:
            self.icon.showMessage(title, text, self.base_icon, MESSAGE_MS)
        self.announced.emit(title, text)

    def hide(self) -> None:
        """Take the icon off the tray and stop the timer (the window is gone)."""
        self.timer.stop()
        if self.icon is not None:
            self.icon.hide()
