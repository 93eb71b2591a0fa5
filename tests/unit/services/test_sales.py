"""Orders and sales targets (desktop_crm.services.sales) on both engines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.sales import Order, OrderStatus, SalesTarget
from desktop_crm.domain.validation import ValidationError
from desktop_crm.services.clients import ClientService, NotFoundError
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from tests.conftest import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 5, 20, 9, 0))


@pytest.fixture
def sales(db: Database, clock: Clock) -> SalesService:
    return SalesService(db, clock, user="t")


@pytest.fixture
def client_id(db: Database, clock: Clock) -> int:
    return ClientService(db, clock, user="t").save(ClientCard(name="王芳"))


def _order(client_id: int, day: date, amount: str, status: OrderStatus = OrderStatus.WON,
           **kw: object) -> Order:
    return Order(client_id, day, "服务器", Decimal(amount), status=status, **kw)  # type: ignore[arg-type]


def test_an_order_is_kept_exactly_and_listed_newest_first(sales: SalesService,
                                                          client_id: int) -> None:
    first = _order(client_id, date(2026, 4, 2), "12345.67", quantity=2.5, currency="usd",
                   payment_due=date(2026, 5, 1), notes="分两批\n交货")
    first_id = sales.save(first)
    second_id = sales.save(_order(client_id, date(2026, 5, 1), "0.10"))
    got = sales.orders_of(client_id)
    assert [o.id for o in got] == [second_id, first_id]
    assert got[1].amount == Decimal("12345.67") and got[1].currency == "USD"
    assert got[1].quantity == 2.5 and got[1].notes == "分两批\n交货"
    assert got[1].payment_due == date(2026, 5, 1) and got[1].uuid


def test_invalid_orders_are_refused_and_nothing_is_written(sales: SalesService,
                                                           client_id: int) -> None:
    with pytest.raises(ValidationError) as caught:
        sales.save(_order(client_id, date(2026, 4, 2), "-1", status=OrderStatus.LOST))
    fields = {e.field for e in caught.value.errors}
    assert fields == {"amount", "lost_reason"}
    with pytest.raises(NotFoundError):
        sales.save(_order(client_id + 99, date(2026, 4, 2), "1"))
    assert sales.orders_of(client_id) == []


def test_attainment_counts_won_orders_of_the_target_period(sales: SalesService,
                                                           client_id: int) -> None:
    sales.set_target(SalesTarget(client_id, date(2026, 4, 1), date(2026, 6, 30),
                                 Decimal("10000")))
    sales.save(_order(client_id, date(2026, 4, 1), "3000"))  # first day counts
    sales.save(_order(client_id, date(2026, 6, 30), "2000", OrderStatus.PAID))  # last day too
    sales.save(_order(client_id, date(2026, 5, 1), "9999", OrderStatus.QUOTED))  # not a sale
    sales.save(_order(client_id, date(2026, 5, 1), "9999", OrderStatus.LOST,
                      lost_reason="价格"))
    sales.save(_order(client_id, date(2026, 3, 31), "9999"))  # the quarter before
    sales.save(_order(client_id, date(2026, 5, 2), "9999", currency="USD"))  # other currency
    got = sales.attainment(client_id, date(2026, 5, 20))
    assert got.won == Decimal("5000.00") and got.orders == 2 and got.ratio == 0.5
    # a target set again for the same period replaces the first
    sales.set_target(SalesTarget(client_id, date(2026, 4, 1), date(2026, 6, 30),
                                 Decimal("5000")))
    assert len(sales.targets_of(client_id)) == 1
    assert sales.attainment(client_id, date(2026, 5, 20)).ratio == 1.0
    # no target: the won sales of the quarter, no ratio
    outside = sales.attainment(client_id, date(2026, 2, 1))
    assert outside.target is None and outside.ratio is None
    assert outside.won == Decimal("9999.00")


def test_late_payments_count_paid_late_and_overdue_unpaid(sales: SalesService,
                                                          client_id: int) -> None:
    due = date(2026, 4, 30)
    sales.save(_order(client_id, date(2026, 4, 1), "1", payment_due=due,
                      paid_on=date(2026, 5, 3)))  # paid late
    sales.save(_order(client_id, date(2026, 4, 1), "1", payment_due=due))  # overdue, unpaid
    sales.save(_order(client_id, date(2026, 4, 1), "1", payment_due=due,
                      paid_on=due))  # on time
    sales.save(_order(client_id, date(2026, 4, 1), "1",
                      payment_due=date(2026, 6, 1)))  # not due yet
    sales.save(_order(client_id, date(2026, 4, 1), "1", OrderStatus.QUOTED,
                      payment_due=due))  # a quote owes nothing
    assert sales.late_payments(client_id, date(2026, 4, 1), date(2026, 6, 30)) == 2


def test_a_deleted_order_comes_back_with_its_identity(sales: SalesService,
                                                      client_id: int) -> None:
    order_id = sales.save(_order(client_id, date(2026, 4, 2), "10"))
    uuid = sales.get(order_id).uuid
    gone = sales.delete(order_id)
    assert sales.orders_of(client_id) == []
    with pytest.raises(NotFoundError):
        sales.delete(order_id)
    sales.restore(gone)
    assert [o.uuid for o in sales.orders_of(client_id)] == [uuid]
