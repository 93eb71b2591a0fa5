"""What the Orders page shows of an order (its cells) and the won totals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from PySide6.QtGui import QColor

from desktop_crm.domain.sales import DEFAULT_CURRENCY, Order
from desktop_crm.i18n import _

LATE_COLOUR = "#c0392b"


def late_colour() -> QColor:
    return QColor(LATE_COLOUR)


def quantity_text(quantity: float) -> str:
    """1 -> "1", 2.5 -> "2.5", 1200 -> "1,200": no trailing zeros."""
    return f"{quantity:,.3f}".rstrip("0").rstrip(".")


def cells(order: Order, today: date) -> tuple[str, ...]:
    """Date, product, quantity, amount with currency, status, payment due (with
    the late marker), paid on."""
    due = order.payment_due.isoformat() if order.payment_due else ""
    if order.is_late(today):
        due = f"{due} ⚠ " + _("late")
    return (order.ordered_on.isoformat(), order.product, quantity_text(order.quantity),
            f"{order.amount:,.2f} {order.currency}", order.status.label, due,
            order.paid_on.isoformat() if order.paid_on else "")


def won_totals(orders: Sequence[Order], year: int) -> tuple[Decimal, Decimal, bool]:
    """The CNY sum of won orders dated in ``year``, of all won orders, and
    whether won orders in other currencies were left out."""
    in_year = total = Decimal(0)
    other = False
    for order in orders:
        if not order.is_won:
            continue
        if order.currency != DEFAULT_CURRENCY:
            other = True
            continue
        total += order.amount
        if order.ordered_on.year == year:
            in_year += order.amount
    return in_year, total, other
