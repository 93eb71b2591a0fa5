"""The window's start: it shows without reading the day's agenda, Today is
read once right after it shows (saying "Loading…" until then) and drawn
again only when the language changes, and the window opens on the tab it
was closed on (the client cards: their list read right after it shows)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QEvent, QObject, QSettings

from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.enums import AgendaKind, Channel
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.demo import generate
from desktop_crm.services.reminders import DueCount
from desktop_crm.storage.database import Database
from desktop_crm.ui.clients.tab import ClientsTab
from desktop_crm.ui.main_window import MainWindow
from desktop_crm.ui.today.tab import TodayTab
from tests.gui.conftest import shown, today_filled

pytestmark = pytest.mark.usefixtures("everyone")


def clock() -> datetime:
    return datetime(2026, 9, 20, 9, 0)


def overdue_follow_up(db: Database) -> None:
    service = ClientService(db, clock, user="test")
    client = service.save(ClientCard(name="赵磊"))
    service.log_interaction(Interaction(client, datetime(2026, 9, 15, 9), Channel.VISIT,
                                        "拜访", "发送报价", follow_up_on=date(2026, 9, 18)))


def test_today_is_read_once_right_after_the_window_shows(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db: Database, settings: QSettings) -> None:
    overdue_follow_up(db)
    reads: list[bool] = []
    renders: list[str] = []
    due_today, render = AgendaService.due_today, TodayTab._render
    monkeypatch.setattr(AgendaService, "due_today",
                        lambda self, mine=False, day=None: reads.append(mine)
                        or due_today(self, mine, day))
    monkeypatch.setattr(TodayTab, "_render",
                        lambda self: renders.append(self.summary.text()) or render(self))
    window = MainWindow(db, settings, clock)
    qtbot.addWidget(window)
    assert reads == [] and renders == [] and not window.today.loaded
    assert window.today.summary.text() == "Loading…"
    assert window.today.panel.empty.text() == "Loading…"
    # a first start: Today, saying "Loading…" until it is read; the client
    # cards are built when needed (here never: Today has something to do)
    assert window.tabs.currentWidget() is window.today
    window.show()
    today_filled(qtbot, window)
    assert len(reads) == 1 and len(renders) == 1
    assert window.tabs.currentWidget() is window.today
    assert window.built("clients") is None
    assert window.tabs.tabText(0).endswith(", 1 overdue)")
    window.retranslate()  # the same language: nothing to draw again
    assert len(renders) == 1
    window.switch_language("zh")
    assert len(renders) == 2 and len(reads) == 1
    assert "逾期" in window.today.summary.text()


def test_a_window_hidden_before_it_is_on_screen_reads_today_when_shown_again(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db: Database, settings: QSettings) -> None:
    """Closed (or hidden to the tray) before it was exposed, the window does
    not go on to read Today later, on its own, from a database that may be
    gone; it reads when it shows again."""
    overdue_follow_up(db)
    reads: list[bool] = []
    due_today = AgendaService.due_today
    monkeypatch.setattr(AgendaService, "due_today",
                        lambda self, mine=False, day=None: reads.append(mine)
                        or due_today(self, mine, day))
    window = MainWindow(db, settings, clock)
    qtbot.addWidget(window)
    window.show()
    window.hide()
    qtbot.wait(500)  # longer than the window waits to be exposed
    assert reads == [] and not window.today.loaded
    window.show()
    today_filled(qtbot, window)
    assert len(reads) == 1


def test_the_window_opens_on_the_tab_it_was_closed_on(  # type: ignore[no-untyped-def]
        qtbot, db: Database, settings: QSettings) -> None:
    overdue_follow_up(db)
    first_start = shown(qtbot, MainWindow(db, settings, clock))
    first = next(first_start)
    assert first.tabs.currentWidget() is first.today  # something is due
    first.tabs.setCurrentWidget(first.evaluation)
    next(first_start, None)  # closed: the layout is remembered
    second = MainWindow(db, settings, clock)
    qtbot.addWidget(second)
    assert second.tabs.currentWidget() is second.evaluation
    second.show()
    today_filled(qtbot, second)
    assert second.tabs.currentWidget() is second.evaluation  # no jump to Today
    assert second.tabs.tabText(0).endswith(", 1 overdue)")
    second.close()


def test_today_is_read_once_the_window_is_on_screen_saying_loading(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db: Database, settings: QSettings) -> None:
    """On X11 a window is mapped and exposed some turns of the event loop
    after show(): a read begun before would keep it off screen until the
    read ends. Today waits until the window is exposed, paints it saying
    "Loading…", and only then reads."""
    overdue_follow_up(db)
    events: list[str] = []
    due_today = AgendaService.due_today
    monkeypatch.setattr(AgendaService, "due_today",
                        lambda self, mine=False, day=None: events.append("read")
                        or due_today(self, mine, day))
    window = MainWindow(db, settings, clock)
    qtbot.addWidget(window)
    window.winId()  # its native window, whose exposure the test decides
    handle = window.windowHandle()
    exposed = [False]
    handle.isExposed = lambda: exposed[0]

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                events.append("paint: " + window.today.summary.text())
            return False

    paints = Paints(window)
    window.today.summary.installEventFilter(paints)
    window.show()
    qtbot.wait(60)
    assert "read" not in events and not window.today.loaded  # not on screen yet
    exposed[0] = True
    events.clear()
    today_filled(qtbot, window)
    assert events.index("read") > 0
    assert events[events.index("read") - 1] == "paint: Loading…"


def test_today_lists_tasks_by_day_then_the_not_contacted_and_the_tray_counts_them(  # type: ignore[no-untyped-def]
        qtbot, db: Database, settings: QSettings) -> None:
    """Today's order and the tray's count, as the window draws them, are
    those of the day's items: tasks (overdue, today's, reminders) by day,
    then the clients not contacted for too long by day; the tray counts the
    items due today or overdue, not the coming ones."""
    now = datetime(2026, 9, 20, 9, 0)
    generate(db, 300, seed=1, now=now)
    window = MainWindow(db, settings, lambda: now)
    qtbot.addWidget(window)
    window.show()
    today_filled(qtbot, window)
    items = AgendaService(db, lambda: now).due_today()
    listed = window.today.items
    assert listed == sorted(items, key=lambda i: (i.kind == AgendaKind.NO_CONTACT, i.day))
    not_contacted = [i.kind == AgendaKind.NO_CONTACT for i in listed]
    first = not_contacted.index(True)  # tasks before it, and only them after it
    assert first > 0 and all(not_contacted[first:])
    days = {i.day for i in listed}
    assert min(days) < now.date() < max(days)  # overdue, today's and coming items
    count = DueCount.of(items, now.date())
    assert 0 < count.overdue < count.due < len(items)
    assert window.reminders.count == window.today.due_count == count
    window.close()


def test_a_start_on_the_client_cards_reads_the_list_right_after_the_window_shows(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db: Database, settings: QSettings) -> None:
    """Closed on the client cards, the window opens on them: the tab is built
    with the window, its list saying "Loading…" (not "no clients", nor the
    first-start offer) until it is read, once, right after the window shows,
    before Today."""
    overdue_follow_up(db)
    ClientService(db, clock, user="test").save(ClientCard(name="钱伟"))
    settings.setValue("window/tab", "clients")
    reads: list[str] = []
    list_ids, due_today = ClientService.list_ids, AgendaService.due_today
    monkeypatch.setattr(ClientService, "list_ids",
                        lambda self, flt: reads.append("list") or list_ids(self, flt))
    monkeypatch.setattr(AgendaService, "due_today",
                        lambda self, mine=False, day=None: reads.append("today")
                        or due_today(self, mine, day))
    window = MainWindow(db, settings, clock)
    qtbot.addWidget(window)
    tab = window.built("clients")
    assert isinstance(tab, ClientsTab) and window.tabs.currentWidget() is tab
    assert reads == [] and not tab.model.loaded and tab.model.rowCount() == 0
    assert tab.empty_label.text() == "Loading…" and not tab.empty_label.isHidden()
    assert tab.first_start.isHidden() and tab.count_label.text() == ""
    window.show()
    today_filled(qtbot, window)
    assert reads == ["list", "today"]
    assert tab.model.rowCount() == 2 and tab.empty_label.isHidden()
    assert tab.count_label.text() == "2 clients"
    assert window.clients is tab and reads == ["list", "today"]  # read once
    window.close()


def test_the_client_list_is_read_when_the_window_shows_even_with_today_read_before(  # type: ignore[no-untyped-def]
        qtbot, db: Database, settings: QSettings) -> None:
    """Today read before the window showed (another write's refresh) leaves
    the client cards built with the window to be read when it shows all the
    same."""
    ClientService(db, clock, user="test").save(ClientCard(name="钱伟"))
    settings.setValue("window/tab", "clients")
    window = MainWindow(db, settings, clock)
    qtbot.addWidget(window)
    window.today.refresh()
    tab = window.built("clients")
    assert isinstance(tab, ClientsTab) and not tab.model.loaded
    window.show()
    qtbot.waitUntil(lambda: tab.model.loaded)
    assert tab.model.rowCount() == 1 and tab.count_label.text() == "1 client"
    window.close()
