"""The search box finds contact people and opens their organisation, driven
through the real widgets on both engines, in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import QSettings, Qt

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.contact import ContactPerson, PurchaseRole
from desktop_crm.domain.enums import ClientKind
from desktop_crm.services.clients import ClientService
from desktop_crm.services.contacts import ContactService
from desktop_crm.storage.database import Database
from desktop_crm.ui.main_window import MainWindow
from tests.gui.conftest import shown, type_text

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]


def clock() -> datetime:
    return datetime(2026, 9, 20, 9, 0)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    clients = ClientService(db, clock, user="王磊")
    org = clients.save(ClientCard(name="远航贸易", kind=ClientKind.ORGANISATION,
                                  phones=[Phone("021-64881234")]))
    other = clients.save(ClientCard(name="张伟", phones=[Phone("13800138000")]))
    ContactService(db, clock).save(ContactPerson(org, "周远", "采购经理", PurchaseRole.BUYER,
                                                 phones=["139 0013 9000"],
                                                 email="zy@example.cn", wechat="zhouyuan_wx"))
    return {"org": org, "other": other}


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, ids: dict[str, int]  # type: ignore[no-untyped-def]
        ) -> Iterator[MainWindow]:
    yield from shown(qtbot, MainWindow(db, settings, clock, user="王磊"))


def names(win: MainWindow) -> list[str]:
    model = win.clients.model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


@pytest.mark.parametrize("typed", ["周远", "zhouyuan", "9000", "zy@example", "zhouyuan_wx"])
def test_a_person_is_found_and_enter_opens_the_organisation(
        qtbot, win: MainWindow, ids: dict[str, int], typed: str) -> None:  # type: ignore[no-untyped-def]
    tab = win.clients
    if typed.isascii():
        qtbot.keyClicks(tab.search, typed)
    else:
        type_text(tab.search, typed)
    assert names(win) == ["via 周远: 远航贸易"]
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    assert tab.editor.client_id == ids["org"]
    assert tab.editor.title.text() == "远航贸易"
    tab.editor.pages.setCurrentIndex(tab.editor.PAGES.index("Organisation"))
    assert tab.editor.contacts.table.item(0, 0).text() == "周远"


def test_the_organisations_own_match_needs_no_via(qtbot, win: MainWindow) -> None:  # type: ignore[no-untyped-def]
    tab = win.clients
    type_text(tab.search, "远航")
    assert names(win) == ["远航贸易"]
    tab.search.clear()
    qtbot.keyClicks(tab.search, "xyz")
    assert names(win) == []


def test_chinese_list_names_the_person(win: MainWindow) -> None:
    win.switch_language("zh")
    try:
        type_text(win.clients.search, "周远")
        assert names(win) == ["经由 周远：远航贸易"]
    finally:
        win.switch_language("en")
