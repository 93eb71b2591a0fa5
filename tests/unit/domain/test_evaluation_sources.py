"""The evaluation inputs the orders supply (domain.evaluation_sources): the
target of an evaluation period, the attainment and the late-payment record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from desktop_crm.domain.evaluation_sources import (
    BY_HAND,
    FROM_ORDERS,
    credit_from_orders,
    period_target,
    sales_from_orders,
)
from desktop_crm.domain.sales import SalesTarget

Q3 = SalesTarget(1, date(2026, 7, 1), date(2026, 9, 30), Decimal("92000"))  # 92 days
Q4 = SalesTarget(1, date(2026, 10, 1), date(2026, 12, 31), Decimal("184000"))  # 92 days


def test_a_period_equal_to_a_target_period_takes_that_target_whole() -> None:
    found = period_target([Q3, Q4], date(2026, 10, 1), date(2026, 12, 31))
    assert found is not None
    assert (found.amount, found.currency, found.covered_days) == (Decimal("184000.00"), "CNY",
                                                                    92)
    assert found.spans == ((date(2026, 10, 1), date(2026, 12, 31)),)


def test_targets_straddling_the_period_count_pro_rata_of_the_shared_days() -> None:
    # 11 days of Q3 (1,000 a day) and 20 days of Q4 (2,000 a day)
    found = period_target([Q4, Q3], date(2026, 9, 20), date(2026, 10, 20))
    assert found is not None
    assert found.amount == Decimal("51000.00")
    assert found.spans == ((date(2026, 9, 20), date(2026, 10, 20)),)
    assert found.covered_days == 31


def test_days_without_a_target_are_left_out_and_no_overlap_means_no_target() -> None:
    found = period_target([Q4], date(2026, 9, 1), date(2026, 10, 10))
    assert found is not None
    assert found.spans == ((date(2026, 10, 1), date(2026, 10, 10)),)
    assert found.amount == Decimal("20000.00")
    assert period_target([Q4], date(2026, 1, 1), date(2026, 3, 31)) is None
    assert period_target([], date(2026, 1, 1), date(2026, 3, 31)) is None


def test_only_the_widest_target_s_currency_counts() -> None:
    usd = SalesTarget(1, date(2026, 10, 1), date(2026, 10, 5), Decimal("500"), currency="USD")
    found = period_target([Q4, usd], date(2026, 10, 1), date(2026, 10, 31))
    assert found is not None and found.currency == "CNY"
    assert found.amount == Decimal("62000.00")


def test_attainment_is_won_over_target_in_percent_and_none_without_a_target() -> None:
    target = period_target([Q4], date(2026, 10, 1), date(2026, 12, 31))
    sales = sales_from_orders(Decimal("147200"), 3, target, 92)
    assert sales.value == 80.0
    assert sales.record(FROM_ORDERS) == {
        "source": "orders", "won": "147200.00", "target": "184000.00", "currency": "CNY",
        "orders": 3, "period_days": 92, "covered_days": 92}
    assert sales.record(BY_HAND) == {"source": "hand", "from_orders": 80.0}
    none = sales_from_orders(Decimal("5"), 1, None, 91)
    assert none.value is None and none.facts["target"] is None
    zero = SalesTarget(1, date(2026, 10, 1), date(2026, 12, 31), Decimal("0"))
    assert sales_from_orders(Decimal("5"), 1, period_target([zero], date(2026, 10, 1),
                                                            date(2026, 12, 31)), 92).value is None


def test_each_late_order_is_one_late_payment() -> None:
    credit = credit_from_orders(3, 7)
    assert credit.value == 3
    assert credit.record(FROM_ORDERS) == {"source": "orders", "late": 3, "orders": 7}
