"""Dates typed whole (issue 17, item 6): selecting all of a date field and
typing or pasting 2008-05-18 (or 2008/5/18, 2008.5.18, 20080518) keeps the
whole date on the card, the timeline, a complaint and an order; a date that
cannot exist is marked at its field with its message, and nothing is saved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.sales import Order
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from desktop_crm.ui.clients.orders.dialog import OrderDialog
from desktop_crm.ui.date_edit import DateEdit
from desktop_crm.ui.main_window import MainWindow
from tests.conftest import Clock
from tests.gui.conftest import shown, type_text

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 6, 10, 30))


@pytest.fixture
def client_id(db: Database, clock: Clock) -> int:
    card = ClientCard(name="云帆贸易", company="上海云帆贸易有限公司",
                      founded_on=date(2026, 5, 18))
    return ClientService(db, clock, user="test").save(card)


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, client_id: int,  # type: ignore[no-untyped-def]
        clock: Clock) -> Iterator[MainWindow]:
    yield from shown(qtbot, MainWindow(db, settings, clock))


def retype(qtbot, field: DateEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select all of the field and type ``text`` (or paste it: "paste:...")
    as a user does, then leave the field."""
    field.setFocus()
    qtbot.keyClick(field.line, Qt.Key.Key_A, CTRL)
    if text.startswith("paste:"):
        QApplication.clipboard().setText(text.removeprefix("paste:"))
        qtbot.keyClick(field.line, Qt.Key.Key_V, CTRL)
    else:
        qtbot.keyClicks(field.line, text)
    qtbot.keyClick(field.line, Qt.Key.Key_Tab)


@pytest.mark.parametrize("typed", ["2008-05-18", "2008/5/18", "2008.5.18", "20080518",
                                   "paste:2008-05-18", "2008年5月18日"])
def test_a_founding_date_typed_whole_is_saved_whole(qtbot, win: MainWindow, db: Database,  # type: ignore[no-untyped-def]
                                                    client_id: int, typed: str) -> None:
    win.open_client(client_id)
    editor = win.clients.editor
    editor.pages.setCurrentIndex(1)  # Organisation
    field = editor.organisation.founded_on
    assert field.line.text() == "2026-05-18"
    if "年" in typed:  # Chinese is typed through the input method
        field.line.selectAll()
        type_text(field.line, typed)
        field.line.editingFinished.emit()
    else:
        retype(qtbot, field, typed)
    assert field.line.text() == "2008-05-18"  # shown the one way dates are shown
    assert not field.problem_label.isVisible()
    qtbot.keyClick(win, Qt.Key.Key_S, CTRL)
    assert ClientService(db).get(client_id).founded_on == date(2008, 5, 18)
    assert not editor.is_dirty()


def test_emptying_an_optional_date_removes_it(qtbot, win: MainWindow, db: Database,  # type: ignore[no-untyped-def]
                                              client_id: int) -> None:
    win.open_client(client_id)
    field = win.clients.editor.organisation.founded_on
    field.setFocus()
    qtbot.keyClick(field.line, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(field.line, Qt.Key.Key_Delete)
    assert win.clients.editor.save()
    assert ClientService(db).get(client_id).founded_on is None


@pytest.mark.parametrize("lang, message", [
    ("en", "Not a valid date: 2008-02-30 (use e.g. 2026-09-25)"),
    ("zh", "日期无效：2008-02-30（格式示例：2026-09-25）"),
])
def test_an_impossible_date_is_marked_at_the_field(qtbot, win: MainWindow, db: Database,  # type: ignore[no-untyped-def]
                                                   client_id: int, lang: str,
                                                   message: str) -> None:
    win.switch_language(lang)
    win.open_client(client_id)
    editor = win.clients.editor
    editor.pages.setCurrentIndex(1)  # Organisation
    field = editor.organisation.founded_on
    retype(qtbot, field, "2008-02-30")
    # marked as soon as the typing is done, not changed into another date
    assert field.line.text() == "2008-02-30"
    assert field.problem_label.isVisible() and field.problem_label.text() == message
    assert field.line.property("invalid") is True
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert message in editor.errors.text()
    assert editor.pages.currentWidget() is editor.pages.widget(1)  # the Organisation page
    assert field.problem_label.isVisible() and field.line.property("invalid") is True
    assert ClientService(db).get(client_id).founded_on == date(2026, 5, 18)
    retype(qtbot, field, "2008-02-29")  # a leap year's day exists
    assert not field.problem_label.isVisible()
    assert editor.save()
    assert ClientService(db).get(client_id).founded_on == date(2008, 2, 29)


@pytest.mark.parametrize("lang, message", [("en", "2/30 is not a date"),
                                           ("zh", "2月30日不是有效日期")])
def test_an_impossible_birthday_is_marked_at_the_field(qtbot, win: MainWindow, db: Database,  # type: ignore[no-untyped-def]
                                                       client_id: int, lang: str,
                                                       message: str) -> None:
    win.switch_language(lang)
    win.open_client(client_id)
    editor = win.clients.editor
    birthday = editor.dates.birthday
    birthday.enabled_box.setChecked(True)
    birthday.month.setValue(2)
    birthday.day.setValue(30)
    assert not editor.save()
    assert editor.pages.currentIndex() == 3
    assert birthday.problem_label.isVisible()
    assert birthday.problem_label.text() == message
    assert message in editor.errors.text()
    assert birthday.month.property("invalid") and birthday.day.property("invalid")
    assert ClientService(db).get(client_id).birthday is None
    birthday.day.setValue(28)
    assert editor.save()
    assert not birthday.problem_label.isVisible()
    assert not birthday.day.property("invalid")


def test_the_follow_up_date_of_an_interaction_is_typed_whole(
        qtbot, win: MainWindow, db: Database, client_id: int) -> None:  # type: ignore[no-untyped-def]
    win.open_client(client_id)
    timeline = win.clients.editor.timeline
    win.clients.editor.pages.setCurrentWidget(timeline)
    retype(qtbot, timeline.when, "2026/12/1 9:05")
    type_text(timeline.summary, "电话沟通报价")
    retype(qtbot, timeline.follow_up, "20261215")
    timeline.log()
    [item] = ClientService(db).interactions(client_id)
    assert item.occurred_at == datetime(2026, 12, 1, 9, 5)
    assert item.follow_up_on == date(2026, 12, 15)


def test_a_follow_up_date_that_cannot_exist_is_refused_at_the_field(
        qtbot, win: MainWindow, db: Database, client_id: int) -> None:  # type: ignore[no-untyped-def]
    win.open_client(client_id)
    timeline = win.clients.editor.timeline
    type_text(timeline.summary, "电话沟通报价")
    retype(qtbot, timeline.follow_up, "2026-06-31")
    timeline.log()
    assert timeline.follow_up.problem_label.text() == (
        "Not a valid date: 2026-06-31 (use e.g. 2026-09-25)")
    assert ClientService(db).interactions(client_id) == []


def test_the_received_time_of_a_complaint_is_typed_whole(
        qtbot, win: MainWindow, db: Database, client_id: int, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    tab = win.complaints
    win.tabs.setCurrentWidget(tab)
    tab.new_complaint()
    form = tab.form
    type_text(form.client.search, "云帆贸易")
    form.client.find_now()
    type_text(form.words, "发票抬头开错了")
    retype(qtbot, form.received, "2026.12.5 16:40")
    assert form.received.line.text() == "2026-12-05 16:40"
    assert form.save() is not None
    [stored] = ComplaintService(db, clock).find()
    assert stored.received_at == datetime(2026, 12, 5, 16, 40)


def test_the_date_of_an_order_is_typed_whole(qtbot, db: Database, client_id: int,  # type: ignore[no-untyped-def]
                                             clock: Clock) -> None:
    sales = SalesService(db, clock, "test")
    dialog = OrderDialog(Order(client_id, date(2026, 12, 6), "", Decimal(0)), date(2026, 12, 6),
                         sales.save)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.product, "年度维护")
    type_text(dialog.amount, "1200")
    retype(qtbot, dialog.ordered_on, "2025/3/4")
    retype(qtbot, dialog.paid_on, "2025-02-30")
    dialog._accept()
    assert "Not a valid date: 2025-02-30" in dialog.errors.text()
    assert dialog.paid_on.problem_label.isVisible()
    assert sales.orders_of(client_id) == []
    retype(qtbot, dialog.paid_on, "2025.3.20")
    dialog._accept()
    [order] = sales.orders_of(client_id)
    assert (order.ordered_on, order.paid_on) == (date(2025, 3, 4), date(2025, 3, 20))


def test_an_impossible_date_in_an_empty_field_is_an_unsaved_edit(
        qtbot, win: MainWindow, db: Database, client_id: int) -> None:  # type: ignore[no-untyped-def]
    win.open_client(client_id)
    editor = win.clients.editor
    editor.pages.setCurrentIndex(1)
    field = editor.organisation.relationship_since
    assert field.line.text() == ""
    retype(qtbot, field, "2026-06-31")
    assert editor.is_dirty() and editor.save_button.isEnabled()  # not lost on leaving
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Not a valid date: 2026-06-31" in editor.errors.text()
    assert field.problem_label.isVisible()
    assert ClientService(db).get(client_id).relationship_since is None
