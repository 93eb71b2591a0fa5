"""The app's start (``AppWindow.start``, what ``desktop-crm`` runs): the
window paints itself first, its tabs and menus there and the tab it opens on
saying "Loading…", and opens the database once on screen. What opening says
(a wrong file, a damaged one and the restore offer) is said then, as before;
Today is filled right after, never shown empty."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import shiboken6
from PySide6.QtWidgets import QLabel, QMessageBox

from desktop_crm import i18n
from desktop_crm.app import AppWindow
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.backup import backup
from desktop_crm.storage.database import Database
from desktop_crm.ui.main_window import TAB_KEY
from tests.gui.test_backups import FakeApp, click_in_box, live_clients
from tests.helpers.damage import orphan_phone


def loading_labels(window) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts of the labels the current tab shows."""
    page = window.tabs.currentWidget()
    return [label.text() for label in page.findChildren(QLabel) if label.isVisibleTo(window)]


def close(window) -> None:  # type: ignore[no-untyped-def]
    if window.attached:
        window.reminders.hide()
        window.db.close()
    window.hide()
    window.deleteLater()


@pytest.fixture
def started(qtbot, monkeypatch, db, db_target, seeded, settings):  # type: ignore[no-untyped-def]
    """A start over the seeded book, the first one (Today), recording what the
    window showed when it was first on screen and how often the day's agenda
    was read."""
    db.close()
    seen: list[tuple[bool, str, list[str], list[str]]] = []
    reads: list[bool] = []
    due_today = AgendaService.due_today

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(True)
        return due_today(self, *args, **kwargs)

    monkeypatch.setattr(AgendaService, "due_today", counted)
    open_shown = AppWindow._open_shown

    def on_screen(keeper: AppWindow) -> None:
        window = keeper.window
        seen.append((window.attached, window.windowTitle(), loading_labels(window),
                     [window.tabs.tabText(i) for i in range(window.tabs.count())]))
        open_shown(keeper)

    monkeypatch.setattr(AppWindow, "_open_shown", on_screen)
    app = FakeApp()
    keeper = AppWindow(app, db_target, settings, None)
    keeper.start()
    window = keeper.window
    qtbot.waitUntil(lambda: window.attached and window.today.loaded, timeout=30000)
    yield keeper, window, seen, reads, app
    close(keeper.window)


@pytest.mark.both_engines
def test_the_window_is_on_screen_saying_loading_before_its_database_opens(  # type: ignore[no-untyped-def]
        qtbot, started, seeded):
    _keeper, window, seen, reads, app = started
    [(attached, title, labels, tabs)] = seen
    assert not attached  # on screen before the database was opened
    assert labels == [i18n._("Loading…")]  # not an empty Today
    assert tabs[0] == i18n._("Today") and tabs[1] == i18n._("Client cards")
    assert window.file_menu.title() == i18n._("&File")
    assert title == i18n._("Desktop CRM")
    # then Today was filled over the database, without a second read of the
    # day's agenda for the tray (it takes Today's list)
    assert window.today.summary.text() != i18n._("Loading…")
    # nothing due in the seeded book: on to the client cards, listed
    assert window.today.total == 0 and window.tabs.currentWidget() is window.built("clients")
    assert window.clients.model.loaded  # "Mine" on a shared database: none of seed's
    assert window.clients.model.rowCount() == (0 if window.db.shared else len(seeded))
    assert window.windowTitle().startswith(i18n._("Desktop CRM") + " — ")
    qtbot.waitUntil(lambda: window.reminders.timer.isActive(), timeout=5000)
    assert len(reads) == 1 and app.exits == []


def test_a_start_on_the_client_cards_says_loading_there_then_lists_them(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db, db_path, seeded, settings):
    db.close()
    settings.setValue(TAB_KEY, "clients")
    seen: list[list[str]] = []
    open_shown = AppWindow._open_shown

    def on_screen(keeper: AppWindow) -> None:
        seen.append(loading_labels(keeper.window))
        open_shown(keeper)

    monkeypatch.setattr(AppWindow, "_open_shown", on_screen)
    keeper = AppWindow(FakeApp(), db_path, settings, None)
    keeper.start()
    window = keeper.window
    try:
        assert window.tabs.currentIndex() == 1
        qtbot.waitUntil(lambda: window.attached and window.today.loaded, timeout=30000)
        assert seen == [[i18n._("Loading…")]]
        assert window.tabs.currentWidget() is window.built("clients")
        assert window.clients.model.rowCount() == len(seeded)
    finally:
        close(keeper.window)


def test_a_file_that_is_no_database_is_said_after_the_first_paint_and_ends_the_app(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, tmp_path, settings, capsys):
    wrong = tmp_path / "notes.db"
    wrong.write_text("not a database, but someone's notes\n" * 50, encoding="utf-8")
    before = wrong.read_bytes()
    said: list[tuple[bool, str]] = []
    app = FakeApp()
    keeper = AppWindow(app, wrong, settings, None)
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(
        lambda parent, title, text: said.append((window.isVisible(), title + ": " + text))))
    keeper.start()
    window = keeper.window
    qtbot.waitUntil(lambda: app.exits == [2], timeout=30000)
    assert len(said) == 1
    visible, text = said[0]
    assert visible and text.startswith(i18n._("Cannot open the database") + ": ")
    assert str(wrong.name) in text
    assert keeper.window is None  # closed for good (deleted on a later turn)
    assert not shiboken6.isValid(window) or not window.isVisible()
    assert "was not opened" in capsys.readouterr().err
    assert wrong.read_bytes() == before


def test_a_damaged_file_at_start_gets_the_restore_offer_over_the_window(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db, db_path, seeded, settings):
    backup(db, now=datetime(2026, 11, 23, 18, 0))
    db.close()
    orphan_phone(db_path)
    shown = click_in_box(monkeypatch, "Restore backup")
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda parent, title, text: None))
    app = FakeApp()
    keeper = AppWindow(app, db_path, settings, None)
    keeper.start()
    try:
        qtbot.waitUntil(lambda: bool(shown), timeout=30000)
        assert "damaged" in shown[0] and "2026-11-23 18:00" in shown[0]
        qtbot.waitUntil(lambda: keeper.window is not None and keeper.window.attached
                        and isinstance(keeper.window.db, Database)
                        and not keeper.window.db.checking and keeper.window.isVisible(),
                        timeout=30000)
        assert app.exits == [] and live_clients(db_path) == len(seeded)
    finally:
        if keeper.window is not None:
            close(keeper.window)


def test_the_window_of_a_start_closes_cleanly_before_its_database_opened(  # type: ignore[no-untyped-def]
        qtbot, db, db_path, settings):
    """Closed (or sent a stop signal) before it was on screen: no database to
    back up, no tray, the layout remembered."""
    db.close()
    app = FakeApp()
    keeper = AppWindow(app, db_path, settings, None)
    keeper.start()
    window = keeper.window
    window.on_screen.disconnect()
    assert window.close()
    assert app.exits == [0] and not window.attached
    assert settings.value("window/geometry") is not None
    window.deleteLater()


def test_a_start_takes_the_clock_it_is_given_as_now(  # type: ignore[no-untyped-def]
        qtbot, db, db_path, settings):
    """``AppWindow``'s clock is its windows' now: Today lists what is due on
    that day (a follow-up set for 18 September on that day, not a fortnight
    before it)."""
    from desktop_crm.domain.client import ClientCard, Interaction
    from desktop_crm.domain.enums import Channel
    from desktop_crm.services.clients import ClientService

    service = ClientService(db, user="seed")
    client = service.save(ClientCard(name="赵磊"))
    service.log_interaction(Interaction(client, datetime(2026, 9, 1, 9), Channel.VISIT, "拜访",
                                        "发送报价", follow_up_on=date(2026, 9, 18)))
    db.close()
    listed = {}
    for day in (date(2026, 9, 4), date(2026, 9, 18)):
        now = datetime.combine(day, datetime.min.time()).replace(hour=9)
        keeper = AppWindow(FakeApp(), db_path, settings, None, lambda now=now: now)
        keeper.start()
        window = keeper.window
        qtbot.waitUntil(lambda window=window: window.attached and window.today.loaded,
                        timeout=30000)
        assert window.clock() == now
        listed[day] = [(item.client_id, item.day) for item in window.today.items
                       if item.client_id is not None]  # (festivals have none)
        close(window)
    assert listed[date(2026, 9, 4)] == []
    assert listed[date(2026, 9, 18)] == [(client, date(2026, 9, 18))]
