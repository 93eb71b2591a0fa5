"""Add or edit one order: date, product, quantity, amount and currency,
status (lost asks its reason), payment due and paid dates, notes.

The amount is typed as people type it ("12,800", "¥1280.5"); problems are
marked at their field and the dialog stays open until the order is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.order_care import LOST_REVIEW_DAYS, LOST_REVISIT_DAYS
from desktop_crm.domain.sales import (
    DEFAULT_CURRENCY,
    MAX_QUANTITY,
    Order,
    OrderStatus,
    parse_amount,
    validate_order,
)
from desktop_crm.domain.validation import FieldError
from desktop_crm.i18n import N_, _
from desktop_crm.ui.clients.fields import EnumCombo
from desktop_crm.ui.date_edit import DateEdit, OptionalDateEdit, date_problems
from desktop_crm.ui.field_errors import save_or_show, show_field_errors
from desktop_crm.ui.widgets import from_qdate, ok_cancel_buttons, to_qdate

CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY", "GBP")

# field name (an Order attribute) -> caption
CAPTIONS = {
    "ordered_on": N_("Date"), "product": N_("Product or service *"),
    "quantity": N_("Quantity"), "amount": N_("Amount *"), "currency": N_("Currency"),
    "status": N_("Status"), "lost_reason": N_("Why it was lost *"),
    "payment_due": N_("Payment due"), "paid_on": N_("Paid on"), "notes": N_("Notes"),
}


class OrderDialog(QDialog):
    """Edits one order and saves it through ``save`` (the sales service's).

    Attributes:
        fields: the editor of each Order field, by name.
        saved_id: the order's id once saved (None before).
    """

    def __init__(self, order: Order, today: date, save: Callable[[Order], int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._order = order
        self._today = today
        self._save = save
        self.saved_id: int | None = None
        self.setWindowTitle(_("Edit order") if order.id else _("New order"))
        self.ordered_on = DateEdit(self)
        self.product = QLineEdit(self)
        self.product.setPlaceholderText(_("e.g. servers, annual maintenance"))
        self.quantity = QDoubleSpinBox(self)
        self.quantity.setDecimals(3)
        self.quantity.setRange(0, MAX_QUANTITY)
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(_("e.g. 12,800 or ¥1280.50"))
        self.currency = QComboBox(self)
        self.currency.setEditable(True)
        self.currency.addItems(CURRENCIES)
        self.status = EnumCombo(OrderStatus, False, self)
        self.lost_reason = QLineEdit(self)
        self.lost_reason.setPlaceholderText(_("e.g. price, chose a competitor, no budget"))
        self.payment_due = OptionalDateEdit(self)
        self.paid_on = OptionalDateEdit(self)
        self.notes = QPlainTextEdit(self)
        self.notes.setMaximumHeight(80)
        self.fields: dict[str, QWidget] = {
            "ordered_on": self.ordered_on, "product": self.product, "quantity": self.quantity,
            "amount": self.amount, "currency": self.currency, "status": self.status,
            "lost_reason": self.lost_reason, "payment_due": self.payment_due,
            "paid_on": self.paid_on, "notes": self.notes,
        }
        money = QHBoxLayout()
        money.addWidget(self.amount, 1)
        money.addWidget(self.currency)
        self.form = QFormLayout()
        self._captions: dict[str, QLabel] = {}
        for name, widget in self.fields.items():
            if name == "currency":
                continue
            caption = QLabel(_(CAPTIONS[name]), self)
            caption.setBuddy(widget)
            self._captions[name] = caption
            self.form.addRow(caption, money if name == "amount" else widget)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.errors = QLabel(self)
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet("color: #c0392b;")
        self.errors.hide()
        buttons = ok_cancel_buttons(self, self._accept, _("Save order"))
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.status.currentIndexChanged.connect(self._status_changed)
        self._load(order)
        self.resize(max(520, self.sizeHint().width()), self.sizeHint().height())
        self.product.setFocus()

    def _load(self, order: Order) -> None:
        self.ordered_on.setDate(to_qdate(order.ordered_on))
        self.product.setText(order.product)
        self.quantity.setValue(order.quantity)
        self.amount.setText(f"{order.amount:,.2f}" if order.id else "")
        self.currency.setCurrentText(order.currency)
        self.status.set_value(order.status)
        self.lost_reason.setText(order.lost_reason)
        self.payment_due.set_value(order.payment_due)
        self.paid_on.set_value(order.paid_on)
        self.notes.setPlainText(order.notes)
        self._status_changed()

    def _status_changed(self) -> None:
        """Lost reveals the reason it needs; lost and delivered say what they put on
        the care calendar."""
        status = self.status.value()
        lost = status == OrderStatus.LOST
        self.lost_reason.setVisible(lost)
        self._captions["lost_reason"].setVisible(lost)
        if lost:
            self.note.setText(_("A lost deal puts a review of the client (in {review} days) "
                                "and a revisit (in {revisit} days) on the care calendar.",
                                review=LOST_REVIEW_DAYS, revisit=LOST_REVISIT_DAYS))
        elif status == OrderStatus.DELIVERED:
            self.note.setText(_("A delivered order is logged on the timeline and puts a "
                                "thank-you call on the care calendar 2-3 days later."))
        else:
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))

    def order(self) -> tuple[Order, list[FieldError]]:
        """The order as entered, with the problems of what could not be read."""
        problems = [FieldError(name, problem) for name, problem in date_problems(self.fields)]
        try:
            amount = parse_amount(self.amount.text()) if self.amount.text().strip() else None
        except ValueError as exc:
            amount = None
            problems.append(FieldError("amount", str(exc)))
        if amount is None and not any(p.field == "amount" for p in problems):
            problems.append(FieldError("amount", _("Enter the amount")))
        status = OrderStatus(self.status.value() or OrderStatus.WON)
        order = Order(
            client_id=self._order.client_id, ordered_on=from_qdate(self.ordered_on.date()),
            product=self.product.text().strip(), amount=amount or Decimal(0),
            quantity=self.quantity.value(),
            currency=self.currency.currentText().strip().upper() or DEFAULT_CURRENCY,
            status=status, payment_due=self.payment_due.value(), paid_on=self.paid_on.value(),
            lost_reason=self.lost_reason.text().strip() if status == OrderStatus.LOST else "",
            notes=self.notes.toPlainText(), id=self._order.id, uuid=self._order.uuid)
        return order, problems

    def _accept(self) -> None:
        order, problems = self.order()
        errors = problems + [e for e in validate_order(order, self._today)
                             if e.field not in {p.field for p in problems}]
        save_or_show(self, self._save, order, errors)

    def show_errors(self, errors: list[FieldError]) -> None:
        show_field_errors(self.fields, CAPTIONS, self.errors, errors)
