"""What an order's status puts on the care calendar (services.sales with
domain.order_care) and the satisfaction the thank-you call records
(services.agenda.mark_done), on both engines."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from desktop_crm import i18n
from desktop_crm.domain.care import Source
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.enums import AgendaKind, Milestone
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.domain.validation import ValidationError
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.loyalty import LoyaltyService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from tests.conftest import Clock

NOW = datetime(2026, 5, 20, 9, 0)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def clients(db: Database, clock: Clock) -> ClientService:
    return ClientService(db, clock, user="t")


@pytest.fixture
def sales(db: Database, clock: Clock) -> SalesService:
    return SalesService(db, clock, user="t")


@pytest.fixture
def agenda(db: Database, clock: Clock) -> AgendaService:
    return AgendaService(db, clock)


@pytest.fixture
def client_id(clients: ClientService) -> int:
    return clients.save(ClientCard(name="王芳"))


def _order(client_id: int, status: OrderStatus, **kw: object) -> Order:
    return Order(client_id, date(2026, 5, 18), "服务器", Decimal("12000"), status=status,
                 **kw)  # type: ignore[arg-type]


def _follow_ups(agenda: AgendaService, client_id: int) -> list[tuple[date, str]]:
    return [(i.day, i.detail) for i in agenda.agenda(60)
            if i.client_id == client_id and i.source == Source.INTERACTION]


def test_a_lost_deal_puts_a_review_and_a_revisit_on_the_calendar(
        sales: SalesService, clients: ClientService, agenda: AgendaService,
        client_id: int) -> None:
    sales.save(_order(client_id, OrderStatus.LOST, lost_reason="价格太高"))
    assert _follow_ups(agenda, client_id) == [
        (date(2026, 5, 23), "Review the client after the lost deal and change the approach"),
        (date(2026, 6, 19), "Revisit the client with a new approach"),
    ]
    timeline = clients.interactions(client_id)
    assert "Deal lost: 服务器. Reason: 价格太高" in [e.summary for e in timeline]
    review = next(i for i in agenda.agenda(7) if i.client_id == client_id)
    assert review.kind == AgendaKind.FOLLOW_UP
    assert review.title == ("王芳: follow up - Review the client after the lost deal and "
                            "change the approach")


def test_a_deal_moved_to_lost_logs_once_and_in_chinese(
        sales: SalesService, clients: ClientService, agenda: AgendaService,
        client_id: int) -> None:
    order_id = sales.save(_order(client_id, OrderStatus.QUOTED))
    assert clients.interactions(client_id) == []
    i18n.set_language("zh")
    sales.save(replace(_order(client_id, OrderStatus.LOST, lost_reason="选了竞争对手"),
                       id=order_id))
    # saved again while lost (a note added): nothing more
    sales.save(replace(_order(client_id, OrderStatus.LOST, lost_reason="选了竞争对手",
                              notes="下季度再谈"), id=order_id))
    summaries = [e.summary for e in clients.interactions(client_id)]
    assert len(summaries) == 2
    assert "丢单：服务器。原因：选了竞争对手" in summaries
    assert len(_follow_ups(agenda, client_id)) == 2


def test_a_lost_deal_without_its_reason_writes_nothing(
        sales: SalesService, clients: ClientService, client_id: int) -> None:
    order_id = sales.save(_order(client_id, OrderStatus.QUOTED))
    with pytest.raises(ValidationError) as caught:
        sales.save(replace(_order(client_id, OrderStatus.LOST, lost_reason="  "), id=order_id))
    assert [e.field for e in caught.value.errors] == ["lost_reason"]
    assert sales.get(order_id).status == OrderStatus.QUOTED
    assert clients.interactions(client_id) == []


def test_a_delivered_order_logs_one_delivery_and_its_thank_you(
        sales: SalesService, clients: ClientService, agenda: AgendaService,
        client_id: int, clock: Clock) -> None:
    order_id = sales.save(_order(client_id, OrderStatus.WON))
    assert clients.interactions(client_id) == []
    sales.save(replace(_order(client_id, OrderStatus.DELIVERED), id=order_id))
    sales.save(replace(_order(client_id, OrderStatus.DELIVERED, notes="签收"), id=order_id))
    clock.advance(days=1)
    sales.save(replace(_order(client_id, OrderStatus.PAID, paid_on=date(2026, 5, 21)),
                       id=order_id))
    timeline = clients.interactions(client_id)
    assert [(e.summary, e.milestone) for e in timeline] == [
        ("Delivered: 服务器", Milestone.DELIVERY)]
    thanks = [i for i in agenda.agenda(7, date(2026, 5, 20)) if i.source == Source.THANK_YOU]
    assert [(i.day, i.client_id, i.title) for i in thanks] == [
        (date(2026, 5, 23), client_id, "王芳: thank them after the delivery")]


def test_an_old_order_typed_in_as_delivered_asks_no_thank_you(
        sales: SalesService, clients: ClientService, client_id: int) -> None:
    old = replace(_order(client_id, OrderStatus.DELIVERED), ordered_on=date(2026, 5, 5))
    sales.save(old)  # 15 days ago: a record of the past
    assert clients.interactions(client_id) == []
    sales.save(replace(old, ordered_on=date(2026, 5, 6)))  # 14 days ago: still recent
    assert [e.milestone for e in clients.interactions(client_id)] == [Milestone.DELIVERY]


def test_thank_you_done_records_satisfaction_and_feedback(
        sales: SalesService, clients: ClientService, agenda: AgendaService,
        client_id: int) -> None:
    sales.save(_order(client_id, OrderStatus.DELIVERED))
    item = next(i for i in agenda.agenda(7) if i.source == Source.THANK_YOU)
    receipt = agenda.mark_done(item, "安装很快，说明书要中文版", satisfaction=4)
    latest = clients.interactions(client_id)[0]
    assert (latest.summary, latest.satisfaction) == ("安装很快，说明书要中文版", 4)
    assert [i for i in agenda.agenda(7) if i.source == Source.THANK_YOU] == []
    # the loyalty page's satisfaction by month reads it
    loyalty = LoyaltyService(agenda.db, agenda.clock)
    assert loyalty.satisfaction_by_month(date(2026, 5, 1), date(2026, 5, 31)) == [
        (date(2026, 5, 1), 4.0, 1)]
    agenda.undo_done(receipt)
    assert [e.satisfaction for e in clients.interactions(client_id)] == [None]


def test_a_thank_you_done_stays_done_however_far_back_its_day_is(
        sales: SalesService, agenda: AgendaService, client_id: int, clock: Clock) -> None:
    """Thank-yous are shown up to 14 days late, longer than the 7 days
    (``overdue_days``) other missed items stay: one done 9 days ago stays
    off the agenda, also when churn warnings (which read further back) are
    not among the kinds asked for."""
    sales.save(_order(client_id, OrderStatus.DELIVERED))
    item = next(i for i in agenda.agenda(7) if i.source == Source.THANK_YOU)
    assert item.day == date(2026, 5, 23)
    agenda.mark_done(item)
    clock.advance(days=11)  # today 31 May: its day is 8 days back, before the overdue window
    assert agenda.settings().overdue_days == 7
    for kinds in (None, [AgendaKind.FOLLOW_UP], [AgendaKind.FOLLOW_UP, AgendaKind.BIRTHDAY]):
        assert [i for i in agenda.agenda(7, kinds=kinds)
                if i.source == Source.THANK_YOU] == [], kinds


def test_satisfaction_is_checked_and_nothing_is_written(
        sales: SalesService, clients: ClientService, agenda: AgendaService,
        client_id: int) -> None:
    sales.save(_order(client_id, OrderStatus.DELIVERED))
    sales.save(_order(client_id, OrderStatus.LOST, lost_reason="预算"))
    thank_you = next(i for i in agenda.agenda(7) if i.source == Source.THANK_YOU)
    review = next(i for i in agenda.agenda(7) if i.source == Source.INTERACTION)
    before = clients.interactions(client_id)
    for item, score in ((thank_you, 6), (thank_you, 0), (review, 4)):
        with pytest.raises(ValidationError) as caught:
            agenda.mark_done(item, "好", satisfaction=score)
        assert [e.field for e in caught.value.errors] == ["satisfaction"]
    assert clients.interactions(client_id) == before
    # without a score the thank-you is still done (the client would not say)
    agenda.mark_done(thank_you)
    assert clients.interactions(client_id)[0].satisfaction is None
