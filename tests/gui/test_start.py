"""The window's start: it shows without reading the day's agenda, Today is
read once right after it shows (saying "Loading…" until then) and drawn
again only when the language changes, and the window opens on the tab it
was closed on."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QSettings

from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.enums import Channel
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
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
