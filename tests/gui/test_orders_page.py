"""The card's Orders page and what orders put on the care calendar, driven
through the real widgets over a fixed clock, on both engines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget

from desktop_crm.domain.care import AgendaItem
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.services.clients import ClientService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from desktop_crm.ui.care.done_dialog import MarkDoneDialog
from desktop_crm.ui.clients.orders.dialog import OrderDialog
from desktop_crm.ui.clients.orders.page import OrdersPage
from desktop_crm.ui.main_window import MainWindow
from tests.gui.conftest import answer_with, shown, type_text

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

NOW = datetime(2026, 9, 20, 9, 0)


def clock() -> datetime:
    return NOW


Fill = Callable[[OrderDialog], None]


def answer(page: OrdersPage, fill: Fill) -> list[OrderDialog]:
    """Make ``page`` open real dialogs that run ``fill`` and press Save order."""
    return answer_with(page, OrderDialog, fill, lambda dialog: dialog._accept())


def typed(product: str = "", amount: str = "", status: OrderStatus | None = None,
          reason: str = "") -> Fill:
    def fill(dialog: OrderDialog) -> None:
        if product:
            type_text(dialog.product, product)
        if amount:
            dialog.amount.clear()
            type_text(dialog.amount, amount)
        if status is not None:
            dialog.status.set_value(status)
        if reason:
            type_text(dialog.lost_reason, reason)
    return fill


@pytest.fixture
def client_id(db: Database) -> int:
    return ClientService(db, clock, user="test").save(ClientCard(name="赵磊"))


@pytest.fixture
def win(qtbot, db: Database, settings: QSettings, client_id: int  # type: ignore[no-untyped-def]
        ) -> Iterator[MainWindow]:
    yield from shown(qtbot, MainWindow(db, settings, clock))


def open_orders(win: MainWindow, client_id: int) -> OrdersPage:
    win.open_client(client_id)
    editor = win.clients.editor
    editor.pages.setCurrentWidget(editor.orders)
    return editor.orders


def table(page: OrdersPage) -> list[list[str]]:
    t = page.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def agenda_titles(win: MainWindow) -> list[str]:
    model = win.calendar.panel.model
    return [model.data(model.index(r, 3)) for r in range(model.rowCount())]


def test_a_typed_order_shows_in_the_table_and_the_database(
        qtbot, win: MainWindow, db: Database, client_id: int) -> None:  # type: ignore[no-untyped-def]
    page = open_orders(win, client_id)
    assert page.empty.isVisible() and not page.table.isVisible()
    dialogs = answer(page, typed("服务器维护", "¥12,800.5"))
    page.add_button.setFocus()
    qtbot.keyClick(page.add_button, Qt.Key.Key_Insert)
    assert len(dialogs) == 1 and dialogs[0].saved_id is not None
    assert table(page) == [["2026-09-20", "服务器维护", "1", "12,800.50 CNY", "Won", "", ""]]
    assert page.totals.text() == ("Won in 2026: 12,800.50 CNY · All time: 12,800.50 CNY")
    [stored] = SalesService(db).orders_of(client_id)
    assert (stored.product, stored.amount, stored.currency, stored.status, stored.quantity,
            stored.ordered_on) == ("服务器维护", Decimal("12800.50"), "CNY", OrderStatus.WON,
                                   1.0, date(2026, 9, 20))


def test_problems_are_shown_at_the_field_and_nothing_is_saved(
        win: MainWindow, db: Database, client_id: int) -> None:
    page = open_orders(win, client_id)
    dialogs = answer(page, typed("", "十二块"))
    page.add_button.click()
    dialog = dialogs[0]
    assert dialog.result() != OrderDialog.DialogCode.Accepted
    assert dialog.amount.property("invalid") and dialog.product.property("invalid")
    assert "Not an amount: 十二块" in dialog.errors.text()
    assert "Name the product or service" in dialog.amount.toolTip() + dialog.product.toolTip()
    assert SalesService(db).orders_of(client_id) == []


def test_lost_asks_its_reason_and_puts_the_review_on_the_calendar(
        win: MainWindow, db: Database, client_id: int) -> None:
    page = open_orders(win, client_id)
    dialogs = answer(page, typed("服务器", "50000", OrderStatus.LOST))
    page.add_button.click()
    dialog = dialogs[0]
    assert not dialog.lost_reason.isHidden()
    assert dialog.lost_reason.property("invalid")
    assert "Say why the deal was lost" in dialog.errors.text()
    assert SalesService(db).orders_of(client_id) == []
    # the reason is hidden again for any other status
    dialog.status.set_value(OrderStatus.QUOTED)
    assert dialog.lost_reason.isHidden()
    answer(page, typed("服务器", "50000", OrderStatus.LOST, "价格比竞争对手高"))
    page.add_button.click()
    assert table(page)[0][4] == "Deal lost"
    timeline = win.clients.editor.timeline.list
    assert any("Deal lost: 服务器. Reason: 价格比竞争对手高" in timeline.item(i).text()
               for i in range(timeline.count()))
    win.tabs.setCurrentWidget(win.calendar)
    assert ("赵磊: follow up - Review the client after the lost deal and change the approach"
            in agenda_titles(win))


def test_delivered_then_the_thank_you_done_with_satisfaction(
        win: MainWindow, db: Database, client_id: int) -> None:
    page = open_orders(win, client_id)
    answer(page, typed("空调安装", "8800", OrderStatus.DELIVERED))
    page.add_button.click()
    win.tabs.setCurrentWidget(win.calendar)
    panel = win.calendar.panel
    row = agenda_titles(win).index("赵磊: thank them after the delivery")
    panel.view.selectRow(row)

    def feedback(item: AgendaItem, parent: QWidget) -> MarkDoneDialog:
        dialog = MarkDoneDialog(item, None, parent)
        assert dialog.satisfaction is not None  # a thank-you asks it
        dialog.set_satisfaction(4)
        dialog.summary.clear()
        type_text(dialog.summary, "安装及时，希望多给一份说明书")
        dialog.exec = lambda: (dialog._accept(), dialog.result())[1]  # type: ignore[method-assign]
        return dialog
    panel.dialog_factory = feedback
    panel.mark_done()
    latest = ClientService(db).interactions(client_id)[0]
    assert (latest.summary, latest.satisfaction) == ("安装及时，希望多给一份说明书", 4)
    assert "赵磊: thank them after the delivery" not in agenda_titles(win)


def test_delete_then_undo_brings_the_order_back(
        qtbot, win: MainWindow, db: Database, client_id: int) -> None:  # type: ignore[no-untyped-def]
    sales = SalesService(db, clock)
    sales.save(Order(client_id, date(2026, 3, 1), "打印机", Decimal("3000"),
                     status=OrderStatus.PAID, payment_due=date(2026, 3, 31),
                     paid_on=date(2026, 4, 20)))
    sales.save(Order(client_id, date(2025, 6, 1), "墨盒", Decimal("500"), quantity=20,
                     payment_due=date(2025, 7, 1)))
    page = open_orders(win, client_id)
    rows = table(page)
    # both payments are late: one came after it was due, one never came
    assert [r[5] for r in rows] == ["2026-03-31 ⚠ late", "2025-07-01 ⚠ late"]
    assert rows[1][2] == "20"
    assert page.totals.text() == "Won in 2026: 3,000.00 CNY · All time: 3,500.00 CNY"
    uuid = sales.orders_of(client_id)[0].uuid
    page.table.selectRow(0)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert [r[1] for r in table(page)] == ["墨盒"]
    assert [o.product for o in sales.orders_of(client_id)] == ["墨盒"]
    assert page.undo_button.isVisible()
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [r[1] for r in table(page)] == ["打印机", "墨盒"]
    assert sales.orders_of(client_id)[0].uuid == uuid
    assert not page.undo_button.isVisible()


def test_double_click_edits_and_an_edit_to_paid_logs_no_delivery(
        qtbot, win: MainWindow, db: Database, client_id: int) -> None:  # type: ignore[no-untyped-def]
    sales = SalesService(db, clock)
    sales.save(Order(client_id, date(2026, 9, 1), "服务器", Decimal("1000")))
    page = open_orders(win, client_id)
    answer(page, typed(status=OrderStatus.PAID))
    rect = page.table.visualItemRect(page.table.item(0, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table(page)[0][4] == "Paid"
    assert sales.orders_of(client_id)[0].status == OrderStatus.PAID
    assert ClientService(db).interactions(client_id) == []


def test_a_new_card_says_to_save_it_first(win: MainWindow) -> None:
    win.clients.editor.new_card()
    page = win.clients.editor.orders
    assert page.client_id is None
    assert page.empty.text() == "Save the new card first, then record its orders here."
    assert not page.add_button.isEnabled()


def test_estimated_yearly_spend_is_typed_and_validated(
        win: MainWindow, db: Database, client_id: int) -> None:
    win.open_client(client_id)
    editor = win.clients.editor
    field = editor.classification.annual_spend
    type_text(field, "一百万")
    assert not editor.save()
    assert field.property("invalid")
    assert ClientService(db).get(client_id).annual_spend is None
    field.clear()
    type_text(field, "¥1,200,000")
    assert editor.save()
    assert ClientService(db).get(client_id).annual_spend == 1_200_000
    assert field.text() == "1,200,000"


def test_chinese_texts(win: MainWindow, client_id: int) -> None:
    page = open_orders(win, client_id)
    win.switch_language("zh")
    editor = win.clients.editor
    assert editor.pages.tabText(editor.pages.indexOf(page)) == "销售记录"
    assert page.add_button.text() == "添加订单…（Ins）"
    assert page.table.horizontalHeaderItem(3).text() == "金额"


def test_every_section_of_the_card_shows_at_1280_pixels(qtbot, win: MainWindow) -> None:  # type: ignore[no-untyped-def]
    win.showNormal()
    win.resize(1280, 800)
    win.tabs.setCurrentWidget(win.clients)
    for lang in ("en", "zh"):
        win.switch_language(lang)
        qtbot.wait(10)
        bar = win.clients.editor.pages.tabBar()
        last = bar.tabRect(bar.count() - 1)
        assert last.right() < bar.width(), lang


def test_unsaved_card_edits_are_saved_after_an_order_logged_care_entries(
        win: MainWindow, db: Database, client_id: int) -> None:
    page = open_orders(win, client_id)
    editor = win.clients.editor
    editor.basics.company.setText("青岛联创")
    answer(page, typed("服务器", "50000", OrderStatus.LOST, "预算取消"))
    page.add_button.click()  # logs two timeline entries: the card's version moved on
    assert editor.is_dirty()
    assert editor.save()  # no conflict to resolve: nobody changed a field
    card = ClientService(db).get(client_id)
    assert card.company == "青岛联创"
    assert len(ClientService(db).interactions(client_id)) == 2


def test_a_card_in_the_trash_shows_its_orders_read_only(
        win: MainWindow, db: Database, client_id: int) -> None:
    SalesService(db, clock).save(Order(client_id, date(2026, 9, 1), "服务器", Decimal("1000")))
    ClientService(db, clock).delete(client_id)
    win.clients.editor.load_id(client_id)
    page = win.clients.editor.orders
    assert [r[1] for r in table(page)] == ["服务器"]
    assert not page.add_button.isEnabled() and not page.delete_button.isEnabled()
    page.delete_selected()
    assert len(SalesService(db).orders_of(client_id)) == 1
