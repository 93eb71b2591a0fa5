"""The organisation card's contact people (a section of its Organisation
page), driven through the real widgets on
both engines: add, edit (Enter, F2), problems at the field, Del and Undo,
what lands in the database and the history; individual-only fields hidden
on organisation cards; both languages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import QSettings, Qt

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.contact import ContactPerson, PurchaseRole
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import ClientKind
from desktop_crm.services.clients import ClientService
from desktop_crm.services.contacts import ContactService
from desktop_crm.storage.database import Database
from desktop_crm.ui.clients.contacts.dialog import ContactDialog
from desktop_crm.ui.clients.contacts.page import ContactsPage
from desktop_crm.ui.main_window import MainWindow
from tests.gui.conftest import answer_with, shown, type_text

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

NOW = datetime(2026, 9, 20, 9, 0)


def clock() -> datetime:
    return NOW


Fill = Callable[[ContactDialog], None]


def answer(page: ContactsPage, fill: Fill) -> list[ContactDialog]:
    """Make ``page`` open real dialogs that run ``fill`` and press Save."""
    return answer_with(page, ContactDialog, fill, lambda dialog: dialog.ok_button.click())


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    service = ClientService(db, clock, user="王磊")
    return {"org": service.save(ClientCard(name="远航贸易", kind=ClientKind.ORGANISATION)),
            "person": service.save(ClientCard(name="赵磊", title="经理",
                                              home_address="朝阳区"))}


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, ids: dict[str, int]  # type: ignore[no-untyped-def]
        ) -> Iterator[MainWindow]:
    yield from shown(qtbot, MainWindow(db, settings, clock, user="王磊"))


def open_contacts(win: MainWindow, client_id: int) -> ContactsPage:
    win.open_client(client_id)
    editor = win.clients.editor
    editor.pages.setCurrentIndex(editor.PAGES.index("Organisation"))
    assert editor.contacts.isVisible()
    return editor.contacts


def table(page: ContactsPage) -> list[list[str]]:
    t = page.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def typed(**values: str) -> Fill:
    def fill(dialog: ContactDialog) -> None:
        for name, text in values.items():
            widget = getattr(dialog, name)
            widget.clear()
            type_text(widget, text)
    return fill


def test_a_typed_person_shows_in_the_table_the_database_and_the_history(
        qtbot, win: MainWindow, db: Database, ids: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    page = open_contacts(win, ids["org"])
    assert page.empty.isVisible() and not page.table.isVisible()

    def fill(dialog: ContactDialog) -> None:
        typed(name="周远", title="采购经理", phones="139 0013 9000，021-64881235",
              email="zy@example.cn", wechat="zhouyuan_wx")(dialog)
        dialog.role.set_value(PurchaseRole.DECISION_MAKER)
        dialog.birthday.set_value(DateSpec.lunar(8, 15))
    dialogs = answer(page, fill)
    page.add_button.setFocus()
    qtbot.keyClick(page.add_button, Qt.Key.Key_Insert)
    assert len(dialogs) == 1 and dialogs[0].saved_id is not None
    assert table(page) == [["周远", "采购经理", "Decision maker",
                            "139 0013 9000, 021-64881235", "zy@example.cn", "zhouyuan_wx",
                            "Lunar 8/15"]]
    [stored] = ContactService(db).people_of(ids["org"])
    assert (stored.name, stored.role, stored.phones, stored.birthday) == (
        "周远", PurchaseRole.DECISION_MAKER, ["139 0013 9000", "021-64881235"],
        DateSpec.lunar(8, 15))
    history = win.clients.editor.history
    assert history.item(0, 1).text() == "王磊"
    assert history.item(0, 2).text() == "Contact people"
    assert history.item(0, 4).text().startswith("周远 (采购经理) · Decision maker")


def test_enter_and_f2_edit_the_selected_person(
        qtbot, win: MainWindow, db: Database, ids: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    service = ContactService(db, clock)
    service.save(ContactPerson(ids["org"], "周远", "采购经理"))
    service.save(ContactPerson(ids["org"], "李娜", "工程师", PurchaseRole.USER))
    page = open_contacts(win, ids["org"])
    page.table.selectRow(1)
    page.table.setFocus()
    dialogs = answer(page, typed(title="总工程师"))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert dialogs[0].windowTitle() == "Edit contact person"
    assert dialogs[0].name.text() == "李娜"
    assert [r[1] for r in table(page)] == ["采购经理", "总工程师"]
    page.table.selectRow(0)
    answer(page, typed(title="采购总监"))
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    assert [p.title for p in service.people_of(ids["org"])] == ["采购总监", "总工程师"]


def test_problems_are_shown_at_the_field_and_nothing_is_saved(
        win: MainWindow, db: Database, ids: dict[str, int]) -> None:
    page = open_contacts(win, ids["org"])
    dialogs = answer(page, typed(name="周远", phones="13800138000, 12345", email="zy@"))
    page.add_button.click()
    dialog = dialogs[0]
    assert dialog.result() != ContactDialog.DialogCode.Accepted
    assert dialog.phones.property("invalid") and dialog.email.property("invalid")
    assert not dialog.name.property("invalid")
    assert "12345: A mobile number has 11 digits" in dialog.phones.toolTip()
    assert "Not an e-mail address" in dialog.errors.text()
    assert ContactService(db).people_of(ids["org"]) == []
    answer(page, typed(name=""))
    page.add_button.click()
    assert ContactService(db).people_of(ids["org"]) == []


def test_delete_then_undo_brings_the_person_back(
        qtbot, win: MainWindow, db: Database, ids: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    service = ContactService(db, clock)
    first = service.save(ContactPerson(ids["org"], "周远", "采购经理"))
    uuid = service.get(first).uuid
    page = open_contacts(win, ids["org"])
    assert not page.undo_button.isVisible()
    page.table.selectRow(0)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert service.people_of(ids["org"]) == [] and page.empty.isVisible()
    assert page.undo_label.text() == "Deleted the contact person 周远."
    page.undo_button.click()
    [back] = service.people_of(ids["org"])
    assert (back.name, back.uuid) == ("周远", uuid)
    assert table(page)[0][0] == "周远" and not page.undo_button.isVisible()


def test_individual_only_fields_and_contacts_follow_the_kind(
        win: MainWindow, ids: dict[str, int]) -> None:
    editor = win.clients.editor
    basics = editor.basics
    win.open_client(ids["org"])
    assert not editor.contacts.isHidden()
    assert not basics.gender.isVisible() and not basics.title.isVisible()
    assert not basics.home_address.isVisible() and basics.company.isVisible()
    win.open_client(ids["person"])
    assert editor.contacts.isHidden()
    assert basics.gender.isVisible() and basics.title.isVisible()
    assert basics.home_address.isVisible()
    # switching the kind of a card shows its fields at once; nothing is lost
    basics.kind.set_value(ClientKind.ORGANISATION)
    assert not editor.contacts.isHidden() and not basics.title.isVisible()
    assert editor.to_card().title == "经理"


def test_chinese_texts(win: MainWindow, db: Database, ids: dict[str, int]) -> None:
    ContactService(db, clock).save(ContactPerson(ids["org"], "周远", "采购经理",
                                                 PurchaseRole.BUYER,
                                                 birthday=DateSpec.lunar(8, 15)))
    win.switch_language("zh")
    try:
        page = open_contacts(win, ids["org"])
        editor = win.clients.editor
        assert page.heading.text() == "联系人"
        assert editor.pages.tabText(editor.pages.currentIndex()) == "单位"
        assert table(page)[0][2:] == ["采购者", "", "", "", "农历八月十五"]
        assert page.add_button.text() == "添加联系人…（Ins）"
        assert [page.table.horizontalHeaderItem(c).text() for c in range(3)] == [
            "姓名", "职务", "采购角色"]
    finally:
        win.switch_language("en")


def test_every_section_of_an_organisation_card_shows_at_1280_pixels(
        qtbot, win: MainWindow, ids: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    win.showNormal()
    win.resize(1280, 800)
    win.open_client(ids["org"])
    for lang in ("en", "zh"):
        win.switch_language(lang)
        qtbot.wait(10)
        bar = win.clients.editor.pages.tabBar()
        assert bar.tabRect(bar.count() - 1).right() < bar.width(), lang
