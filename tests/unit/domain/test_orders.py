"""Orders, amounts and quarters (desktop_crm.domain.sales)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop_crm.domain.sales import (
    Order,
    OrderStatus,
    from_cents,
    parse_amount,
    quarter_of,
    to_cents,
    validate_order,
)


@pytest.mark.parametrize(("text", "value"), [
    ("1,234.50", "1234.50"), ("¥1234.5", "1234.50"), ("１２３４", "1234.00"),
    ("1 234", "1234.00"), ("12.345", "12.35"), ("0", "0.00"), ("3000元", "3000.00"),
])
def test_amounts_read_as_people_write_them(text: str, value: str) -> None:
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "NaN", "inf"])
def test_what_is_not_an_amount_says_so(text: str) -> None:
    with pytest.raises(ValueError, match="Not an amount"):
        parse_amount(text)


def test_cents_are_exact() -> None:
    assert to_cents(Decimal("0.29")) == 29 and from_cents(29) == Decimal("0.29")
    assert to_cents(Decimal("9999999999.99")) == 999_999_999_999


def test_quarters() -> None:
    assert quarter_of(date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_of(date(2026, 5, 20)) == (date(2026, 4, 1), date(2026, 6, 30))
    assert quarter_of(date(2026, 12, 31)) == (date(2026, 10, 1), date(2026, 12, 31))


def test_late_and_won() -> None:
    order = Order(1, date(2026, 4, 1), "x", Decimal(1), payment_due=date(2026, 4, 30))
    assert order.is_won and not order.is_late(date(2026, 4, 30))
    assert order.is_late(date(2026, 5, 1))
    order.paid_on = date(2026, 4, 29)
    assert not order.is_late(date(2027, 1, 1))
    order.status = OrderStatus.QUOTED
    order.paid_on = None
    assert not order.is_won and not order.is_late(date(2027, 1, 1))


def test_validation_names_each_field() -> None:
    order = Order(1, date(2026, 4, 1), " ", Decimal("-1"), quantity=0, currency="人民币",
                  payment_due=date(2026, 3, 1), paid_on=date(2026, 3, 2))
    fields = {e.field for e in validate_order(order, date(2026, 5, 1))}
    assert fields == {"product", "amount", "quantity", "currency", "payment_due", "paid_on"}
