"""The ten loyalty KPIs (desktop_crm.domain.loyalty) on small hand-made books."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from desktop_crm import i18n
from desktop_crm.domain.loyalty import (
    KPI_KEYS,
    ClientSales,
    Rating,
    calendar_months,
    client_sales,
    compute,
    kpi_definition,
    kpi_label,
    members,
    months_in,
    previous_period,
    satisfaction_by_month,
)
from desktop_crm.domain.sales import Order, OrderStatus

# P = the first half of 2026, P' = the second half of 2025
START, END = date(2026, 1, 1), date(2026, 6, 30)
W, D, PAID, Q, LOST = (OrderStatus.WON, OrderStatus.DELIVERED, OrderStatus.PAID,
                       OrderStatus.QUOTED, OrderStatus.LOST)


def _o(client: int, day: date, amount: str, status: OrderStatus = W,
       currency: str = "CNY") -> Order:
    return Order(client, day, "服务", Decimal(amount), status=status, currency=currency)


def _book(orders: list[Order], spend: dict[int, int] | None = None,
          start: date = START, end: date = END) -> list[ClientSales]:
    spend = spend or {}
    ids = sorted({o.client_id for o in orders} | set(spend))
    return [client_sales(cid, [o for o in orders if o.client_id == cid], start, end,
                         spend.get(cid)) for cid in ids]


# 1 loyal: bought in P' and P          2 churned: P' only
# 3 new in P (first order ever in P)   4 new in P' and kept
# 5 new in P', not kept                6 won back: 2024, nothing in P', back in P
# 7 lapsed, not back                   8 only quotes and a lost deal in P
# 9 a USD order in P (counts as a purchase, not in amounts)
BOOK = [
    _o(1, date(2025, 3, 1), "100"), _o(1, date(2025, 9, 1), "200"),
    _o(1, date(2026, 2, 1), "300", D), _o(1, date(2026, 3, 1), "500", PAID),
    _o(2, date(2025, 2, 1), "50"), _o(2, date(2025, 8, 1), "100"),
    _o(3, date(2026, 4, 30), "1000"), _o(3, date(2026, 6, 30), "200"),
    _o(4, date(2025, 7, 1), "80"), _o(4, date(2026, 1, 1), "20"),
    _o(5, date(2025, 12, 31), "70"),
    _o(6, date(2024, 5, 5), "10"), _o(6, date(2026, 5, 5), "400"),
    _o(7, date(2024, 6, 6), "10"),
    _o(8, date(2026, 2, 2), "999", Q), _o(8, date(2026, 2, 3), "999", LOST),
    _o(9, date(2026, 3, 3), "5000", currency="usd"),
]


def test_the_five_definitions_the_issue_fixes() -> None:
    report = compute(START, END, _book(BOOK))
    v = report.values
    # won orders in P: 1 x2, 3 x2, 4, 6, 9 (USD) = 7 orders by 5 clients
    assert report.numerators["purchase_frequency"] == 7
    assert report.denominators["purchase_frequency"] == 5
    assert v["purchase_frequency"] == pytest.approx(7 / 5)
    # CNY amounts: 300 + 500 + 1000 + 200 + 20 + 400 over 6 orders (USD left out)
    assert v["average_purchase"] == pytest.approx(2420 / 6)
    assert report.numerators["average_purchase"] == pytest.approx(2420)
    # P' buyers: 1, 2, 4, 5; of those 2 and 5 bought nothing in P
    assert report.denominators["churn_rate"] == 4
    assert v["churn_rate"] == pytest.approx(0.5)
    assert v["client_retention"] == pytest.approx(0.5)
    # first won order ever in P: client 3, and 9 (its USD order counts as a sale)
    assert report.numerators["new_clients_per_month"] == 2
    assert v["new_clients_per_month"] == pytest.approx(2 / 6)


def test_the_other_five() -> None:
    spend = {1: 2000, 3: 730, 10: 365}  # 10: an estimate, never bought
    report = compute(START, END, _book(BOOK, spend),
                     [Rating(1, 5), Rating(2, 2), Rating(2, 4), Rating(3, 3)])
    v = report.values
    assert v["client_base"] == 5 and isinstance(v["client_base"], int)
    # new in P': 4 and 5; 4 bought again in P
    assert (report.numerators["new_client_retention"],
            report.denominators["new_client_retention"]) == (1, 2)
    assert v["new_client_retention"] == pytest.approx(0.5)
    # lapsed before P: 6 and 7 (bought before P', not in it); 6 came back
    assert (report.numerators["win_back_rate"], report.denominators["win_back_rate"]) == (1, 2)
    # complaints rated 4-5: two of four
    assert v["complaint_satisfaction"] == pytest.approx(0.5)
    # P is 181 days: estimates 2000*181/365, 730*181/365, 365*181/365;
    # client 1 bought 800 (within its estimate), 3 bought 1200 (more: counts as 362)
    est = [2000 * 181 / 365, 730 * 181 / 365, 181.0]
    assert report.denominators["share_of_wallet"] == pytest.approx(sum(est))
    assert v["share_of_wallet"] == pytest.approx((800 + est[1]) / sum(est))


def test_members_are_the_clients_behind_each_numerator() -> None:
    clients = _book(BOOK, {1: 2000, 2: 100})
    ratings = [Rating(2, 5), Rating(3, 1)]
    got = {key: members(key, START, END, clients, ratings) for key in KPI_KEYS}
    assert got == {
        "client_base": [1, 3, 4, 6, 9], "purchase_frequency": [1, 3, 4, 6, 9],
        "average_purchase": [1, 3, 4, 6], "new_clients_per_month": [3, 9],
        "new_client_retention": [4], "client_retention": [1, 4], "churn_rate": [2, 5],
        "win_back_rate": [6], "share_of_wallet": [1], "complaint_satisfaction": [2],
    }
    with pytest.raises(KeyError):
        members("nps", START, END, clients)


def test_an_empty_period_gives_none_for_every_ratio_and_zero_counts() -> None:
    report = compute(date(2030, 1, 1), date(2030, 12, 31), _book(BOOK, start=date(2030, 1, 1),
                                                                 end=date(2030, 12, 31)))
    assert set(report.values) == set(KPI_KEYS)
    assert report.values["client_base"] == 0
    assert report.values["new_clients_per_month"] == 0
    for key in ("purchase_frequency", "average_purchase", "churn_rate", "client_retention",
                "new_client_retention", "share_of_wallet", "complaint_satisfaction"):
        assert report.values[key] is None, key
    # everyone who ever bought had lapsed by 2029 and nobody came back
    assert report.values["win_back_rate"] == 0
    empty = compute(START, END, [])
    assert all(empty.values[k] is None for k in KPI_KEYS
               if k not in ("client_base", "new_clients_per_month"))


def test_quotes_and_lost_deals_are_not_sales() -> None:
    only = [_o(1, date(2026, 2, 1), "10", Q), _o(1, date(2026, 3, 1), "10", LOST),
            _o(2, date(2025, 8, 1), "10", LOST)]
    report = compute(START, END, _book(only))
    assert report.values["client_base"] == 0
    assert report.numerators["new_clients_per_month"] == 0
    assert report.values["churn_rate"] is None
    # a quote before P does not make a later sale a repeat one
    later = [_o(1, date(2025, 8, 1), "10", Q), _o(1, date(2026, 2, 1), "10")]
    assert members("new_clients_per_month", START, END, _book(later)) == [1]


def test_the_period_bounds_are_both_included() -> None:
    edges = [_o(1, START, "1"), _o(2, END, "1"), _o(3, date(2025, 12, 31), "1"),
             _o(4, date(2026, 7, 1), "1")]
    assert members("client_base", START, END, _book(edges)) == [1, 2]
    assert members("churn_rate", START, END, _book(edges)) == [3]


def test_previous_period() -> None:
    assert previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 2, 1),
                                                                    date(2026, 2, 28))
    assert previous_period(date(2024, 1, 1), date(2024, 12, 31)) == (date(2023, 1, 1),
                                                                     date(2023, 12, 31))
    assert previous_period(date(2026, 1, 1), date(2026, 3, 31)) == (date(2025, 10, 1),
                                                                    date(2025, 12, 31))
    # not whole months: the same number of days
    assert previous_period(date(2026, 3, 10), date(2026, 3, 19)) == (date(2026, 2, 28),
                                                                     date(2026, 3, 9))


def test_months_in_a_period() -> None:
    assert months_in(date(2026, 1, 1), date(2026, 12, 31)) == 12
    assert months_in(date(2026, 2, 1), date(2026, 2, 28)) == 1
    assert months_in(date(2026, 2, 15), date(2026, 2, 28)) == pytest.approx(0.5)
    assert months_in(date(2026, 1, 17), date(2026, 2, 14)) == pytest.approx(15 / 31 + 0.5)
    assert months_in(date(2026, 2, 2), date(2026, 2, 1)) == 0
    assert calendar_months(date(2025, 12, 5), date(2026, 2, 1)) == [
        (date(2025, 12, 1), date(2025, 12, 31)), (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28))]


def test_satisfaction_by_month() -> None:
    scores = [(datetime(2026, 1, 5, 10), 5), (datetime(2026, 1, 20, 16), 2), (date(2026, 3, 1), 4),
              (datetime(2025, 12, 31, 23), 1)]
    assert satisfaction_by_month(date(2026, 1, 1), date(2026, 3, 31), scores) == [
        (date(2026, 1, 1), 3.5, 2), (date(2026, 2, 1), None, 0), (date(2026, 3, 1), 4.0, 1)]


def test_labels_and_definitions_are_translated() -> None:
    assert kpi_label("churn_rate") == "Churn rate"
    assert "CNY" in kpi_definition("average_purchase")
    i18n.set_language("zh")
    assert kpi_label("churn_rate") == "流失率"
    assert kpi_label("win_back_rate") == "挽留客户成功率"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in kpi_definition(k)) for k in KPI_KEYS)
