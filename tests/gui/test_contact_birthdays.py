"""A contact person's birthday on Today and the care calendar, driven
through the real window on both engines, in both languages: labelled with
the person and the organisation, opening the organisation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import QSettings

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.contact import ContactPerson
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import ClientKind
from desktop_crm.services.clients import ClientService
from desktop_crm.services.contacts import ContactService
from desktop_crm.storage.database import Database
from desktop_crm.ui.main_window import MainWindow
from tests.gui.conftest import shown

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]


def clock() -> datetime:
    return datetime(2026, 9, 20, 9, 0)


@pytest.fixture
def org(db: Database) -> int:
    org = ClientService(db, clock, user="王磊").save(
        ClientCard(name="远航贸易", kind=ClientKind.ORGANISATION))
    ContactService(db, clock).save(ContactPerson(org, "周远", "采购经理",
                                                 birthday=DateSpec.solar(9, 22, 1986)))
    return org


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, org: int  # type: ignore[no-untyped-def]
        ) -> Iterator[MainWindow]:
    yield from shown(qtbot, MainWindow(db, settings, clock, user="王磊"))


def rows(panel) -> list[str]:  # type: ignore[no-untyped-def]
    model = panel.model
    return [model.data(model.index(r, 3)) for r in range(model.rowCount())]


def test_today_and_the_calendar_show_it_and_open_the_organisation(
        win: MainWindow, org: int) -> None:
    title = "远航贸易: birthday of contact person 周远, turns 40"
    assert title in rows(win.today.panel)
    win.tabs.setCurrentWidget(win.calendar)
    panel = win.calendar.panel
    assert title in rows(panel)
    row = rows(panel).index(title)
    assert panel.model.data(panel.model.index(row, 1)) == "Contact person's birthday"
    panel.view.selectRow(row)
    panel.open_selected()
    assert win.clients.editor.client_id == org


def test_chinese(win: MainWindow) -> None:
    win.switch_language("zh")
    try:
        assert "远航贸易：联系人周远 40 岁生日" in rows(win.today.panel)
    finally:
        win.switch_language("en")
