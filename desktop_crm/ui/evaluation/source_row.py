"""The line under an evaluation input the orders can feed (sales-target
attainment, late payments): where the figure comes from ("from orders: ¥X won
of ¥Y target" or "entered by hand"), a "From orders" switch, and for the
attainment a button to set the client's target for the period."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.evaluation_sources import FROM_ORDERS, SALES_KEY, FromOrders
from desktop_crm.i18n import _


def money(amount: str | None, currency: str | None) -> str:
    """"¥85,000" or "¥85,000.50" for yuan, "USD 300" for other currencies."""
    value = Decimal(amount or 0)
    code = currency or "CNY"
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"¥{text}" if code == "CNY" else f"{code} {text}"


def source_text(found: FromOrders | None, from_orders: bool) -> str:
    """What the line says about the figure's source."""
    if found is None:
        return _("Entered by hand.")
    facts = found.facts
    if found.key == SALES_KEY:
        if found.value is None:
            return _("Entered by hand: no sales target for this period ({won} won); "
                     "set one to compute it from the orders.",
                     won=money(facts.get("won"), "CNY"))
        what = _("{won} won of {target} target, {n} orders",
                 won=money(facts.get("won"), facts.get("currency")),
                 target=money(facts.get("target"), facts.get("currency")),
                 n=facts.get("orders", 0))
        covered, days = facts.get("covered_days", 0), facts.get("period_days", 0)
        if covered < days:
            what += _("; the target covers {covered} of {days} days",
                      covered=covered, days=days)
    else:
        what = _("{late} late of {n} won orders", late=facts.get("late", 0),
                 n=facts.get("orders", 0))
    if from_orders:
        return _("From orders: {what}", what=what)
    return _("Entered by hand; the orders say {value} ({what})",
             value=(f"{found.value:g}%" if found.key == SALES_KEY else f"{found.value}"),
             what=what)


def record_text(key: str, record: Mapping[str, Any]) -> str:
    """What a stored evaluation says about one input's source."""
    if record.get("source") == FROM_ORDERS:
        facts = {k: v for k, v in record.items() if k != "source"}
        value = facts.get("late") if key != SALES_KEY else None
        return source_text(FromOrders(key, value if value is not None else 0, facts), True)
    if record.get("from_orders") is not None:
        value = record["from_orders"]
        return _("Entered by hand; the orders said {value}",
                 value=f"{value:g}%" if key == SALES_KEY else f"{value}")
    return _("Entered by hand.")


class SourceRow(QWidget):
    """Where one criterion's input comes from.

    Signals:
        toggled: the user switched between the orders and typing by hand.

    Attributes:
        key: the criterion.
        detail: the source text.
        from_orders: checked = the input is the orders' figure.
        target_button: "Set target…" (attainment only, else None).
        found: what the orders said last.
    """

    toggled = Signal()

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.found: FromOrders | None = None
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        palette = self.detail.palette()  # quieter than the inputs, follows the theme
        palette.setColor(QPalette.ColorRole.WindowText,
                         palette.color(QPalette.ColorRole.PlaceholderText))
        self.detail.setPalette(palette)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.from_orders = QCheckBox(self)
        self.from_orders.toggled.connect(self._on_toggled)
        self.target_button = QPushButton(self) if key == SALES_KEY else None
        controls = QVBoxLayout()  # stacked: the text keeps most of the width
        controls.setSpacing(2)
        controls.addWidget(self.from_orders)
        if self.target_button is not None:
            controls.addWidget(self.target_button)
        controls.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 4)
        layout.addWidget(self.detail, 1)
        layout.addLayout(controls)

    def retranslate(self) -> None:
        self.from_orders.setText(_("From orders"))
        self.from_orders.setToolTip(_("Compute this figure from the client's orders in the "
                                      "period; clear it to type the figure by hand."))
        if self.target_button is not None:
            self.target_button.setText(_("Set target…"))
            self.target_button.setToolTip(_("Set the client's sales target for the period"))
        self.show_source()

    def set_found(self, found: FromOrders | None) -> None:
        """Show what the orders say; the switch works only when they give a figure."""
        self.found = found
        usable = found is not None and found.value is not None
        if not usable and self.from_orders.isChecked():
            self.from_orders.blockSignals(True)
            self.from_orders.setChecked(False)
            self.from_orders.blockSignals(False)
        self.from_orders.setEnabled(usable)
        self.show_source()

    def set_checked(self, on: bool) -> None:
        self.from_orders.blockSignals(True)
        self.from_orders.setChecked(on and self.from_orders.isEnabled())
        self.from_orders.blockSignals(False)
        self.show_source()

    def _on_toggled(self) -> None:
        self.show_source()
        self.toggled.emit()

    def show_source(self) -> None:
        self.detail.setText(source_text(self.found, self.from_orders.isChecked()))
