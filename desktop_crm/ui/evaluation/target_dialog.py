"""Setting a client's sales target for a period from the evaluation form: the
period (a quarter by default), the amount and its currency. OK stores it
(replacing the client's target starting the same day); a bad amount or period
is shown in the dialog and nothing is stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.sales import DEFAULT_CURRENCY, SalesTarget, parse_amount
from desktop_crm.domain.validation import ValidationError
from desktop_crm.i18n import _
from desktop_crm.services.sales import SalesService
from desktop_crm.ui.date_edit import DateEdit
from desktop_crm.ui.widgets import error_label, from_qdate, mark_invalid, ok_cancel_buttons


def _date_edit(parent: QWidget, value: date) -> DateEdit:
    return DateEdit(parent, value)


class TargetDialog(QDialog):
    """Sets one client's sales target.

    Attributes:
        period_start, period_end, amount, currency: the inputs.
        error: why OK was refused.
        saved: the stored target after OK, else None.
    """

    def __init__(self, sales: SalesService, client_id: int, period: tuple[date, date],
                 current: SalesTarget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sales = sales
        self._client_id = client_id
        self.saved: SalesTarget | None = None
        self.setWindowTitle(_("Sales target"))
        self.period_start = _date_edit(self, period[0])
        self.period_end = _date_edit(self, period[1])
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(_("e.g. 120,000"))
        self.currency = QLineEdit(DEFAULT_CURRENCY, self)
        self.currency.setMaxLength(3)
        self.currency.setMaximumWidth(self.currency.fontMetrics().horizontalAdvance("MMMM") + 16)
        if current is not None:
            self.amount.setText(f"{current.amount:,.2f}")
            self.currency.setText(current.currency)
        period_row = QHBoxLayout()
        period_row.addWidget(self.period_start)
        period_row.addWidget(QLabel("–", self))
        period_row.addWidget(self.period_end)
        period_row.addStretch(1)
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount, 1)
        amount_row.addWidget(self.currency)
        form = QFormLayout()
        form.addRow(_("Period"), period_row)
        form.addRow(_("Target"), amount_row)
        self.hint = QLabel(_("Won orders (won, delivered or paid) dated in the period count "
                             "towards it. A quarter by default."), self)
        self.hint.setWordWrap(True)
        self.error = error_label(self)
        self.buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 28)
        self.amount.setFocus()

    def _refuse(self, message: str, widget: QWidget | None) -> None:
        if widget is not None:
            mark_invalid(widget, message)
            widget.setFocus()
        self.error.setText(message)
        self.error.show()

    def accept(self) -> None:
        """Override QDialog::accept: store the target, or say why not and stay open."""
        for widget in (self.amount, self.currency, self.period_start, self.period_end):
            mark_invalid(widget, None)
        try:
            amount: Decimal = parse_amount(self.amount.text())
        except ValueError as exc:
            self._refuse(str(exc), self.amount)
            return
        target = SalesTarget(self._client_id, from_qdate(self.period_start.date()),
                             from_qdate(self.period_end.date()), amount,
                             currency=self.currency.text().strip().upper() or DEFAULT_CURRENCY)
        try:
            self._sales.set_target(target)
        except ValidationError as exc:
            widgets = {"amount": self.amount, "currency": self.currency,
                       "period_start": self.period_start, "period_end": self.period_end}
            first = exc.errors[0]
            self._refuse("; ".join(e.message for e in exc.errors), widgets.get(first.field))
            return
        except NotFoundError as exc:
            self._refuse(str(exc), None)
            return
        self.saved = target
        super().accept()
