"""The loyalty KPIs read from a real database (desktop_crm.services.loyalty
and storage.kpi_repo) on both engines."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from desktop_crm.domain import loyalty
from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.enums import Channel
from desktop_crm.domain.errors import CrmError
from desktop_crm.domain.loyalty import KPI_KEYS
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.services.clients import ClientService
from desktop_crm.services.loyalty import LoyaltyService
from desktop_crm.services.registry import Services
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from tests.unit.loyalty_book import END, EXPECTED, NOW, OTHER, OWNER, START, write_book


@pytest.fixture
def service(db: Database) -> LoyaltyService:
    return LoyaltyService(db, lambda: NOW, user=OWNER)


def test_the_ten_kpis_of_a_hand_made_book(db: Database, service: LoyaltyService) -> None:
    write_book(db)
    report = service.kpis(START, END, owner=OWNER)
    assert set(report.values) == set(KPI_KEYS)
    for key, expected in EXPECTED.items():
        assert report.values[key] == pytest.approx(expected), key
    assert report.numerators["purchase_frequency"] == 7
    assert report.denominators["churn_rate"] == 4
    assert report.previous == (date(2025, 7, 1), date(2025, 12, 31))


def test_the_trash_and_other_owners(db: Database, service: LoyaltyService) -> None:
    ids = write_book(db)
    everyone = service.kpis(START, END)
    # client 12 (the other owner's) bought in P; 11 is in the trash
    assert everyone.values["client_base"] == 6
    assert service.members("client_base", START, END) == sorted(
        ids[n] for n in (1, 3, 4, 6, 9, 12))
    theirs = service.kpis(START, END, owner=OTHER)
    assert theirs.values["client_base"] == 1
    assert theirs.values["average_purchase"] == pytest.approx(8888)
    assert service.kpis(START, END, owner="nobody").values["client_base"] == 0
    ClientService(db, lambda: NOW, user=OWNER).restore(ids[11])
    assert service.kpis(START, END, owner=OWNER).values["client_base"] == 6


def test_members_behind_each_figure(db: Database, service: LoyaltyService) -> None:
    ids = write_book(db)

    def of(*numbers: int) -> list[int]:
        return sorted(ids[n] for n in numbers)

    got = {key: service.members(key, START, END, owner=OWNER) for key in KPI_KEYS}
    assert got == {
        "client_base": of(1, 3, 4, 6, 9), "purchase_frequency": of(1, 3, 4, 6, 9),
        "average_purchase": of(1, 3, 4, 6), "new_clients_per_month": of(3, 9),
        "new_client_retention": of(4), "client_retention": of(1, 4), "churn_rate": of(2, 5),
        "win_back_rate": of(6), "share_of_wallet": of(1, 3),
        "complaint_satisfaction": of(1, 2),
    }
    with pytest.raises(CrmError, match="Unknown KPI nps"):
        service.members("nps", START, END)


def test_an_empty_book_and_an_empty_period(db: Database, service: LoyaltyService) -> None:
    empty = service.kpis(START, END)
    assert empty.values["client_base"] == 0
    assert all(empty.values[k] is None for k in KPI_KEYS
               if k not in ("client_base", "new_clients_per_month"))
    write_book(db)
    later = service.kpis(date(2030, 1, 1), date(2030, 3, 31), owner=OWNER)
    assert later.values["client_base"] == 0 and later.values["average_purchase"] is None
    assert later.values["win_back_rate"] == 0  # eight lapsed clients, none back


def test_a_period_that_ends_before_it_starts_is_refused(service: LoyaltyService) -> None:
    for call in (service.kpis, service.trend, service.satisfaction_by_month):
        with pytest.raises(CrmError, match="ends"):
            call(END, START)


def test_the_database_aggregates_agree_with_a_loop_over_each_client(
        db: Database, service: LoyaltyService) -> None:
    """A random book: the grouped scan gives what the domain computes client
    by client from each client's orders, for several periods."""
    rng = random.Random(7)
    clock = lambda: NOW  # noqa: E731
    clients = ClientService(db, clock, user=OWNER)
    sales = SalesService(db, clock, user=OWNER)
    ids = [clients.save(ClientCard(name=f"客户{i}", owner=OWNER,
                                   annual_spend=rng.choice([None, 0, 5000, 100000])))
           for i in range(25)]
    statuses = list(OrderStatus)
    for _ in range(200):
        status = rng.choice(statuses)
        sales.save(Order(rng.choice(ids), date(2024, 1, 1) + timedelta(days=rng.randrange(900)),
                         "货", Decimal(rng.randrange(1, 10**6)) / 100, status=status,
                         currency=rng.choice(["CNY", "CNY", "CNY", "USD"]),
                         lost_reason="价格" if status == OrderStatus.LOST else ""))
    spend = {cid: clients.get(cid).annual_spend for cid in ids}
    for start, end in [(START, END), (date(2025, 1, 1), date(2025, 12, 31)),
                       (date(2025, 3, 10), date(2025, 4, 20)),
                       (date(2026, 3, 1), date(2026, 3, 31))]:
        naive = [loyalty.client_sales(cid, sales.orders_of(cid), start, end, spend[cid])
                 for cid in ids]
        expected = loyalty.compute(start, end, naive)
        got = service.kpis(start, end)
        for key in KPI_KEYS:
            assert got.values[key] == pytest.approx(expected.values[key]), (start, key)
            assert service.members(key, start, end) == loyalty.members(key, start, end, naive)


def test_the_trend_has_one_report_per_calendar_month(db: Database,
                                                     service: LoyaltyService) -> None:
    write_book(db)
    trend = service.trend(date(2026, 1, 15), date(2026, 6, 2), owner=OWNER)
    assert [(r.start, r.end) for r in trend] == [
        (date(2026, m, 1), loyalty.calendar_months(date(2026, m, 1), date(2026, m, 1))[0][1])
        for m in range(1, 7)]
    for month in trend:
        alone = service.kpis(month.start, month.end, owner=OWNER)
        for key in KPI_KEYS:
            assert month.values[key] == pytest.approx(alone.values[key]), (month.start, key)
            assert month.numerators[key] == pytest.approx(alone.numerators[key])
    # March: client 1 bought (it bought in February too), 9 bought first, 2 was rated
    march = trend[2]
    assert march.values["client_base"] == 2
    assert march.values["client_retention"] == 1.0
    assert march.values["complaint_satisfaction"] == 0.0


def test_satisfaction_by_month_from_interactions(db: Database, service: LoyaltyService) -> None:
    clients = ClientService(db, lambda: NOW, user=OWNER)
    mine = clients.save(ClientCard(name="张伟", owner=OWNER))
    theirs = clients.save(ClientCard(name="李娜", owner=OTHER))
    gone = clients.save(ClientCard(name="王芳", owner=OWNER))
    for cid, at, score in [(mine, datetime(2026, 1, 5, 10), 5),
                           (mine, datetime(2026, 1, 31, 23), 2),
                           (mine, datetime(2026, 3, 1, 0), 4), (theirs, datetime(2026, 1, 9), 1),
                           (mine, datetime(2026, 2, 3), None), (gone, datetime(2026, 2, 3), 1),
                           (mine, datetime(2025, 12, 31, 23, 59), 1)]:
        clients.log_interaction(Interaction(client_id=cid, occurred_at=at, channel=Channel.CALL,
                                            summary="回访", satisfaction=score))
    clients.delete(gone)
    got = service.satisfaction_by_month(date(2026, 1, 1), date(2026, 3, 31), owner=OWNER)
    assert got == [(date(2026, 1, 1), 3.5, 2), (date(2026, 2, 1), None, 0),
                   (date(2026, 3, 1), 4.0, 1)]
    everyone = service.satisfaction_by_month(date(2026, 1, 1), date(2026, 1, 31))
    assert everyone == [(date(2026, 1, 1), pytest.approx(8 / 3), 3)]


def test_the_registry_builds_it_and_passes_the_user(db: Database) -> None:
    services = Services.build(db, lambda: NOW, user="甲")
    assert isinstance(services.loyalty, LoyaltyService) and services.loyalty.user == "甲"
    services.set_user("乙")
    assert services.loyalty.user == "乙"
