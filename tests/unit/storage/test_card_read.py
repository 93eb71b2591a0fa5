"""``storage.card_read``: a card with every record its editor shows, read at
once (one statement on PostgreSQL), gives what the separate reads give,
field for field and type for type, on both engines."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event

from desktop_crm.domain.client import (
    ClientCard,
    FamilyMember,
    ImportantDate,
    Interaction,
    Phone,
)
from desktop_crm.domain.complaint import Complaint, ComplaintCategory, Temperament
from desktop_crm.domain.contact import ContactPerson, PurchaseRole
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import (
    Channel,
    ClientKind,
    DateKind,
    Loyalty,
    Milestone,
    PhoneKind,
)
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.services.contacts import ContactService
from desktop_crm.services.photos import PhotoService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import Database
from tests.conftest import Clock
from tests.photo_images import halves


def values(item: Any) -> Any:
    """Every field of a record (those ``==`` leaves out too), with its type."""
    if isinstance(item, list):
        return [values(i) for i in item]
    if is_dataclass(item):
        return {f.name: values(getattr(item, f.name)) for f in fields(item)}
    if isinstance(item, (set, dict)):
        return item
    return (type(item).__name__, item)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 2, 9, 30))


def rich_card(db: Database, clock: Clock) -> int:
    """An organisation with something in every part of its card."""
    service = ClientService(db, clock, user="王经理")
    card = ClientCard(
        name="青岛广源茶庄", kind=ClientKind.ORGANISATION, owner="王经理", company="广源",
        phones=[Phone("0532 8888 6666", PhoneKind.OFFICE), Phone("138 0013 8000")],
        tags=["茶叶", "VIP", "批发"], email="a@example.com", notes="春节前送礼",
        founded_on=date(2001, 5, 1), relationship_since=date(2015, 3, 1),
        annual_spend=162000, loyalty=Loyalty.CORE,
        birthday=DateSpec("lunar", 8, 15, None, False), birthday_remind_days=5,
        dates=[ImportantDate(DateKind.WEDDING_ANNIVERSARY, DateSpec("solar", 3, 8, 2010, False),
                             "开业", 3),
               ImportantDate(DateKind.CUSTOM, DateSpec("lunar", 4, 2, None, True), "闰月")],
        family=[FamilyMember("女儿", "小芳", DateSpec("solar", 6, 1, 2012, False), "钢琴", 7),
                FamilyMember("爱人", "李娜", None, "")],
        profile={1: "王芳", 12: "喜欢普洱", 40: "高尔夫"}, profile_private={12},
    )
    client_id = service.save(card)
    card = service.get(client_id)
    card.title, card.notes = "总经理", "改过"  # a second save: more history
    service.save(card)
    for when, channel, summary, extra in (
            (datetime(2026, 10, 30, 9, 15), Channel.VISIT, "拜访", {
                "next_step": "送样品", "follow_up_on": date(2026, 11, 5),
                "milestone": Milestone.DEAL}),
            (datetime(2026, 10, 30, 9, 15), Channel.CALL, "同一时刻的电话", {}),
            (datetime(2025, 1, 29, 8, 30, 26), Channel.WECHAT, "发资料", {})):
        service.log_interaction(Interaction(client_id, when, channel, summary, **extra))
    sales = SalesService(db, clock, "王经理")
    sales.save(Order(client_id, date(2026, 10, 30), "普洱", Decimal("23259.00"), quantity=2.0,
                     status=OrderStatus.DELIVERED, payment_due=date(2026, 11, 29)))
    sales.save(Order(client_id, date(2026, 10, 30), "茶具", Decimal("99.50"), quantity=1.5,
                     status=OrderStatus.PAID, payment_due=date(2026, 11, 1),
                     paid_on=date(2026, 10, 31), notes="送货上门"))
    sales.save(Order(client_id, date(2024, 4, 12), "白茶", Decimal("6900"),
                     status=OrderStatus.LOST, lost_reason="价格"))
    people = ContactService(db, clock, "王经理")
    people.save(ContactPerson(client_id, "周远", "采购", PurchaseRole.DECISION_MAKER,
                              ["139 1234 5678", "0532 8123 4567"], "z@example.com",
                              birthday=DateSpec("lunar", 1, 9, 1980, False), notes="爱喝茶"))
    people.save(ContactPerson(client_id, "陈静"))
    complaints = ComplaintService(db, clock, "王经理")
    complaints.register(Complaint(client_id, datetime(2026, 10, 1, 14), "茶叶受潮",
                                  ComplaintCategory.PRODUCT_QUALITY, compensation=200.0,
                                  temperament=Temperament.HESITANT))
    complaints.register(Complaint(client_id, datetime(2026, 10, 20, 9), "送货晚了",
                                  compensation=12.5))
    PhotoService(db, clock, "王经理").set_photo(client_id, halves(40, 30))
    return client_id


def separately(db: Database, clock: Clock, client_id: int) -> dict[str, Any]:
    """What each section's own read gives."""
    service = ClientService(db, clock, user="t")
    return {
        "card": service.get(client_id), "interactions": service.interactions(client_id),
        "history": service.history(client_id),
        "orders": SalesService(db, clock, "t").orders_of(client_id),
        "people": ContactService(db, clock, "t").people_of(client_id),
        "complaints": ComplaintService(db, clock, "t").for_client(client_id),
        "photo": PhotoService(db, clock, "t").photo(client_id),
    }


def test_a_card_read_at_once_is_what_each_part_reads(db: Database, clock: Clock) -> None:
    client_id = rich_card(db, clock)
    other = ClientService(db, clock, user="t").save(ClientCard(name="别人", tags=["VIP"]))
    SalesService(db, clock, "t").save(Order(other, date(2026, 1, 1), "别的", Decimal(1)))
    read = ClientService(db, clock, user="t").open_card(client_id)
    alone = separately(db, clock, client_id)
    for part, expected in alone.items():
        assert values(getattr(read, part)) == values(expected), part
    # each part is there, in its order
    assert read.card.tags == ["VIP", "批发", "茶叶"]
    assert [p.number for p in read.card.phones] == ["0532 8888 6666", "138 0013 8000"]
    assert read.card.profile_private == {12} and read.card.birthday_remind_days == 5
    logged = ["同一时刻的电话", "拜访", "发资料"]  # besides the orders' care entries
    assert [i.summary for i in read.interactions if i.summary in logged] == logged
    assert len(read.interactions) > 3
    assert [o.product for o in read.orders] == ["茶具", "普洱", "白茶"]
    assert [type(o.quantity) for o in read.orders] == [float] * 3
    assert [p.name for p in read.people] == ["周远", "陈静"]
    assert [c.words for c in read.complaints] == ["送货晚了", "茶叶受潮"]
    assert [c.compensation for c in read.complaints] == [12.5, 200.0]
    assert all(type(c.compensation) is float for c in read.complaints)
    assert read.photo is not None and read.photo == alone["photo"]
    assert len(read.history) >= 3
    # a card with nothing beside it
    bare = ClientService(db, clock, user="t").save(ClientCard(name="空"))
    read = ClientService(db, clock, user="t").open_card(bare)
    assert values(read.card) == values(ClientService(db, clock, user="t").get(bare))
    assert (read.interactions, read.orders, read.people, read.complaints, read.photo) == (
        [], [], [], [], None)
    assert values(read.history) == values(ClientService(db, clock, user="t").history(bare))


def test_a_card_in_the_trash_is_read_without_its_complaints(db: Database,
                                                             clock: Clock) -> None:
    """As the complaint lists leave out the clients in the trash."""
    client_id = rich_card(db, clock)
    service = ClientService(db, clock, user="t")
    service.delete(client_id)
    read = service.open_card(client_id)
    assert read.card.deleted_at is not None
    assert read.complaints == [] == ComplaintService(db, clock, "t").for_client(client_id)
    alone = separately(db, clock, client_id)
    for part in ("card", "interactions", "history", "orders", "people", "photo"):
        assert values(getattr(read, part)) == values(alone[part]), part


def test_a_missing_card_is_not_found(db: Database, clock: Clock) -> None:
    with pytest.raises(NotFoundError):
        ClientService(db, clock, user="t").open_card(12345)


def test_one_statement_on_a_server(db: Database, clock: Clock) -> None:
    """On PostgreSQL every part comes in one statement (a round trip each
    took most of an opening's time); SQLite, with no round trips, reads each
    part with a statement of its own."""
    client_id = rich_card(db, clock)
    service = ClientService(db, clock, user="t")
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        service.open_card(client_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == (1 if db.shared else 12)


HOSTILE = 'say "hi" \\ back\\slash \\u00e9 {"json": [1]} \t tab 🍵 emoji 𠮷 \u2028 ×'


def test_hostile_and_huge_texts_come_back_as_each_part_reads_them(
        db: Database, clock: Clock) -> None:
    """What JSON must escape (quotes, backslashes, an escape's own text),
    characters outside the BMP, line and paragraph separators, and texts
    near the 20,000 characters a text may have: the card read at once (JSON on
    PostgreSQL) gives the same values as the separate reads."""
    service = ClientService(db, clock, user=HOSTILE[:20])
    client_id = service.save(ClientCard(
        name=HOSTILE[:60], company=HOSTILE, notes=HOSTILE * 300, tags=[HOSTILE[:40], "x"],
        phones=[Phone("138 0013 8000")],
        family=[FamilyMember(HOSTILE[:10], HOSTILE[:40], None, HOSTILE)],
        dates=[ImportantDate(DateKind.CUSTOM, DateSpec("solar", 2, 29, 1904, False),
                             HOSTILE[:50])],
        profile={3: HOSTILE * 300}))
    service.log_interaction(Interaction(client_id, datetime(2026, 10, 30, 9, 15, 0, 123456),
                                        Channel.CALL, HOSTILE * 300, next_step=HOSTILE))
    SalesService(db, clock, "t").save(Order(client_id, date(2026, 10, 30), HOSTILE[:100],
                                            Decimal("0.01"), quantity=3.0, notes=HOSTILE))
    ComplaintService(db, clock, "t").register(Complaint(client_id, datetime(2026, 10, 1, 14),
                                                        HOSTILE * 300))
    read = service.open_card(client_id)
    for part, expected in separately(db, clock, client_id).items():
        assert values(getattr(read, part)) == values(expected), part
    assert read.card.notes == HOSTILE * 300
    assert read.interactions[0].summary == HOSTILE * 300
    assert read.interactions[0].occurred_at.microsecond == 123456
