"""The evaluation form fed by the orders, driven like a user: the late
payments come from the orders, the attainment waits for a target, the target
is set from the form, an input is overridden by hand, and the stored
evaluation says which figure came from where."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.services.sales import SalesService
from desktop_crm.ui.widgets import to_qdate

pytestmark = pytest.mark.usefixtures("everyone")


def _type(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def _choose(combo, data: str) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(data))


def test_the_form_takes_figures_from_orders_sets_a_target_and_allows_overrides(
        qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    client = seeded["李娜"]
    today = date.today()
    sales = SalesService(db, user="t")
    sales.save(Order(client, today - timedelta(days=10), "服务器", Decimal("4500"),
                     status=OrderStatus.PAID, payment_due=today - timedelta(days=5),
                     paid_on=today - timedelta(days=2)))
    sales.save(Order(client, today - timedelta(days=3), "维保", Decimal("1500")))
    sales.save(Order(client, today - timedelta(days=4), "培训", Decimal("9000"),
                     status=OrderStatus.LOST, lost_reason="价格"))
    window.tabs.setCurrentWidget(window.evaluation)
    window.evaluation.select_client(client)
    form = window.evaluation.form
    sales_row, credit_row = form.sources["sales_attainment"], form.sources["late_payments"]

    # no target yet: the attainment is typed by hand; the late payments come from orders
    assert not sales_row.from_orders.isChecked() and not sales_row.from_orders.isEnabled()
    assert "no sales target" in sales_row.detail.text() and "¥6,000" in sales_row.detail.text()
    assert form.inputs["sales_attainment"].isEnabled()
    assert credit_row.from_orders.isChecked() and credit_row.detail.isVisible()
    assert credit_row.detail.text() == "From orders: 1 late of 2 won orders"
    assert form.inputs["late_payments"].value() == 1
    assert not form.inputs["late_payments"].isEnabled()

    period = (today - timedelta(days=29), today)
    form.period_start.setDate(to_qdate(period[0]))
    dialog = form.edit_target()
    assert dialog is not None and dialog.isVisible()
    dialog.period_start.setDate(to_qdate(period[0]))
    dialog.period_end.setDate(to_qdate(period[1]))
    _type(qtbot, dialog.amount, "eight")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and "Not an amount" in dialog.error.text()
    assert sales.targets_of(client) == []
    _type(qtbot, dialog.amount, "8,000")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.isVisible()
    [target] = sales.targets_of(client)
    assert (target.period_start, target.period_end, target.amount) == (*period, Decimal("8000"))

    # the attainment now comes from the orders: 6,000 of 8,000
    assert sales_row.from_orders.isChecked()
    assert sales_row.detail.text() == ("From orders: ¥6,000 won of ¥8,000 target, "
                                       "2 orders")
    assert form.inputs["sales_attainment"].value() == 75.0
    assert not form.inputs["sales_attainment"].isEnabled()
    assert form.points["sales_attainment"].text() == "75"

    # the user overrides the late payments by hand
    credit_row.from_orders.click()
    assert form.inputs["late_payments"].isEnabled()
    _type(qtbot, form.inputs["late_payments"], "0")
    assert credit_row.detail.text().startswith("Entered by hand; the orders say 1")
    _choose(form.inputs["cooperation"], "good")
    _choose(form.inputs["information"], "valuable")
    qtbot.keyClick(form.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [saved] = EvaluationService(db).history(client)
    assert saved.inputs == {"sales_attainment": 75.0, "cooperation": "good",
                            "late_payments": 0, "information": "valuable"}
    assert saved.total == 85.0 and saved.grade == "A"  # 30 + 15 + 20 + 20
    assert saved.sources["sales_attainment"]["source"] == "orders"
    assert saved.sources["sales_attainment"]["target"] == "8000.00"
    assert saved.sources["late_payments"] == {"source": "hand", "from_orders": 1}
    tip = window.evaluation.history_table.item(0, 2).toolTip()
    assert ("Sales target attainment: From orders: ¥6,000 won of ¥8,000 target, 2 orders"
            in tip)
    assert "Credit: late payments in the period: Entered by hand; the orders said 1" in tip

    # opened again: the hand-typed credit stays typed by hand, the attainment from orders
    window.evaluation.show_client(None)
    window.evaluation.select_client(client)
    assert not form.sources["late_payments"].from_orders.isChecked()
    assert form.sources["late_payments"].from_orders.isEnabled()
