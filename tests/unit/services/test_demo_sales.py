"""Demo orders: a realistic, valid, reproducible sales history on both engines,
with the seasons, churned and won-back clients, late payments, lost deals,
targets, estimated yearly spend and satisfaction for every KPI to show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.sales import Order, OrderStatus, SalesTarget, validate_order
from desktop_crm.domain.search import is_cjk
from desktop_crm.services import demo
from desktop_crm.services.sales import SalesService
from desktop_crm.storage import order_repo
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client, InteractionRow, OrderRow, SalesTargetRow
from tests.conftest import ModuleBooks, NewDatabases

NOW = datetime(2026, 3, 15, 10, 30, 0)
TODAY = NOW.date()
N = 300


@pytest.fixture(scope="module")
def _books() -> Iterator[ModuleBooks]:
    books = ModuleBooks()
    yield books
    books.close()


@pytest.fixture
def book(_books: ModuleBooks, request: pytest.FixtureRequest) -> Database:
    """One demo book per engine, made once, for the module's read-only tests."""
    return _books.get(request, lambda db: demo.generate(db, N, seed=11, now=NOW))


def _orders(db: Database) -> list[Order]:
    with db.read() as s:
        return [order_repo.to_order(r) for r in s.scalars(select(OrderRow).order_by(OrderRow.id))]


def _loyalty(db: Database) -> dict[int, str | None]:
    with db.read() as s:
        return {r[0]: r[1] for r in s.execute(select(Client.id, Client.loyalty))}


def _won_days(orders: list[Order]) -> dict[int, list[date]]:
    days: dict[int, list[date]] = defaultdict(list)
    for o in sorted(orders, key=lambda o: o.ordered_on):
        if o.is_won:
            days[o.client_id].append(o.ordered_on)
    return days


def _month(day: date, back: int) -> tuple[date, date]:
    index = day.year * 12 + day.month - 1 - back
    first = date(index // 12, index % 12 + 1, 1)
    nxt = date((index + 1) // 12, (index + 1) % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def test_every_demo_order_is_valid_and_in_the_past(book: Database) -> None:
    orders = _orders(book)
    assert len(orders) > N * 3
    for o in orders:
        assert validate_order(o, TODAY) == [], o
        assert o.ordered_on <= TODAY and o.created_at is not None and o.created_at <= NOW
        assert (o.payment_due is not None) == (o.status not in (OrderStatus.QUOTED,
                                                                 OrderStatus.LOST))
        assert (o.paid_on is not None) == (o.status == OrderStatus.PAID)
        assert bool(o.lost_reason) == (o.status == OrderStatus.LOST)
    statuses = defaultdict(int)
    for o in orders:
        statuses[o.status] += 1
    assert set(statuses) == set(OrderStatus)
    # most orders are won and paid; some lost, some still quotes
    assert statuses[OrderStatus.PAID] > 0.6 * len(orders)
    assert 0.03 * len(orders) < statuses[OrderStatus.LOST] < 0.2 * len(orders)
    late = [o for o in orders if o.is_late(TODAY)]
    assert 0.02 * len(orders) < len(late) < 0.3 * len(orders)
    assert any(o.paid_on is not None for o in late)  # paid late
    assert any(o.paid_on is None for o in late)  # overdue, unpaid


def test_products_come_in_the_clients_language(book: Database) -> None:
    with book.read() as s:
        names = {r[0]: r[1] for r in s.execute(select(Client.id, Client.name))}
    products = defaultdict(set)
    for o in _orders(book):
        products[any(is_cjk(ch) for ch in names[o.client_id])].add(o.product)
    assert products[True] and all(any(is_cjk(ch) for ch in p) for p in products[True])
    assert 3 <= len(products[True]) <= 12
    # English-speaking clients buy from the English catalogue
    assert any(not any(is_cjk(ch) for ch in p) for p in products[False])


def test_sales_dip_at_the_spring_festival_and_peak_at_the_year_end(book: Database) -> None:
    festival = DateSpec.lunar(1, 1, year=2025).original_date()
    assert festival is not None
    days = [o.ordered_on for o in _orders(book)]
    around = sum(festival - timedelta(days=10) <= d <= festival + timedelta(days=12)
                 for d in days)
    december = sum(date(2025, 12, 1) <= d <= date(2025, 12, 23) for d in days)
    assert december > 0 and around < 0.5 * december


def test_lost_clients_stopped_and_some_regular_clients_came_back(book: Database) -> None:
    loyalty = _loyalty(book)
    won = _won_days(_orders(book))
    lost = [cid for cid, days in won.items() if loyalty.get(cid) == "lost"]
    assert lost
    assert all(won[cid][-1] < TODAY - timedelta(days=200) for cid in lost)
    won_back = [cid for cid, days in won.items()
                if days[-1] > TODAY - timedelta(days=160)
                and any((b - a).days > 180 for a, b in pairwise(days))]
    assert won_back


def test_at_risk_clients_spent_far_less_last_month(book: Database) -> None:
    loyalty = _loyalty(book)
    spent: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    before, last = _month(TODAY, 2), _month(TODAY, 1)
    for o in _orders(book):
        for i, (first, end) in enumerate((before, last)):
            if o.is_won and first <= o.ordered_on <= end:
                spent[o.client_id][i] += o.amount
    at_risk = [cid for cid, value in loyalty.items() if value == "at_risk" and cid in spent]
    assert at_risk
    for cid in at_risk:
        month_before, last_month = spent[cid]
        assert month_before > 0 and last_month <= Decimal("0.6") * month_before


def test_targets_spend_and_satisfaction(book: Database) -> None:
    with book.read() as s:
        targets = s.execute(select(SalesTargetRow.client_id, SalesTargetRow.period_start,
                                   SalesTargetRow.period_end, Client.volume_tier)
                            .join(Client)).all()
        spend = list(s.scalars(select(Client.annual_spend)))
        scores = s.execute(select(InteractionRow.satisfaction, InteractionRow.summary)
                           .where(InteractionRow.satisfaction.is_not(None))).all()
    assert targets and all(t.volume_tier == "key" for t in targets)
    assert {(t.period_start, t.period_end) for t in targets} >= {
        (date(2026, 1, 1), date(2026, 3, 31)), (date(2025, 10, 1), date(2025, 12, 31))}
    given = [v for v in spend if v is not None]
    assert 0.3 * N < len(given) < 0.9 * N and all(v >= 10_000 for v in given)
    assert {score for score, _summary in scores} == {1, 2, 3, 4, 5}
    assert all("致谢" in summary or "Thank-you" in summary for _score, summary in scores)


def test_the_same_seed_gives_the_same_orders(book: Database, new_db: NewDatabases) -> None:
    again = new_db.open("again.db")
    demo.generate(again, N, seed=11, now=NOW)

    def rows(db: Database) -> list[tuple[object, ...]]:
        with db.read() as s:
            columns = [c for c in OrderRow.__table__.c if c.name not in ("uuid", "id")]
            return [tuple(r) for r in s.execute(select(*columns).order_by(OrderRow.id))]
    assert rows(again) == rows(book)


def test_orders_and_targets_added_after_the_demo_get_new_ids(db: Database) -> None:
    demo.generate(db, 30, seed=3, now=NOW)
    with db.read() as s:
        last_order = s.scalar(select(func.max(OrderRow.id)))
        client = s.scalar(select(Client.id).order_by(Client.id))
        start = s.scalar(select(func.min(SalesTargetRow.period_start))) or TODAY
    assert last_order and client
    sales = SalesService(db, lambda: NOW, user="test")
    new = sales.save(Order(client, TODAY, "变频器", Decimal("4200.00")))
    assert new > last_order
    # a target in a quarter the demo gave none
    target = sales.set_target(SalesTarget(client, start - timedelta(days=366),
                                          start - timedelta(days=276), Decimal("1000")))
    assert target and sales.targets_of(client)[-1].id == target
