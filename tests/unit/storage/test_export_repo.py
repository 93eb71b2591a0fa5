"""The export's set-based reads (one query per table for a page of ids) give
exactly what reading each client alone gives: the card of
``client_repo.load_card`` and each client's evaluations, interactions and
orders read one client at a time through the ORM, in the order of the ids,
without the clients in the trash, on both engines."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Interaction, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import (
    Channel,
    DateKind,
    Gender,
    Loyalty,
    Milestone,
    Nature,
    PhoneKind,
    Stage,
    Tenure,
    VolumeTier,
)
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.services.demo import generate
from desktop_crm.services.exporting import pages
from desktop_crm.storage import client_repo, export_repo, order_repo
from desktop_crm.storage.database import Database
from desktop_crm.storage.export_repo import EvaluationLine, InteractionLine, OrderLine
from desktop_crm.storage.models import (
    Client,
    EvaluationRow,
    InteractionRow,
    OrderRow,
    ScoringSchemeRow,
)

NOW = datetime(2026, 11, 24, 9)


def _full_card() -> ClientCard:
    """A card with every field and every child table filled."""
    return ClientCard(
        name="曾国方", gender=Gender.MALE, title="经理", company="重庆长安汽车",
        email="zeng@example.com", wechat="wx_zeng", website="www.example.com",
        address="解放路 7 号", home_address="南岸区 9 号", industry="汽车", source="展会",
        owner="王磊", notes="=1+1 喜欢喝茶", legal_representative="曾一",
        founded_on=date(2001, 3, 4),
        scale="200 人", assets="3 亿", org_form="有限公司", relationship_since=date(2020, 1, 2),
        annual_spend=120_000, nature=Nature.ENTERPRISE, stage=Stage.ACTIVE, tenure=Tenure.OLD,
        volume_tier=VolumeTier.KEY, loyalty=Loyalty.CORE,
        phones=[Phone("138 0013 8000"), Phone("027-8765 4321", PhoneKind.OFFICE),
                Phone("139 0000 0000", PhoneKind.HOME)],
        tags=["老客户", "VIP", "b-tag"],
        birthday=DateSpec.lunar(8, 15, year=1980), birthday_remind_days=5,
        dates=[ImportantDate(DateKind.WEDDING_ANNIVERSARY, DateSpec.solar(5, 20, 2010), "婚礼", 3),
               ImportantDate(DateKind.CUSTOM, DateSpec.lunar(1, 2), "开业", None)],
        family=[FamilyMember("女儿", "曾小雨", DateSpec.solar(6, 1, 2012), "学钢琴", 7),
                FamilyMember("妻子", "李梅")],
        profile={3: "北京大学", 12: "不喝酒", 40: "高尔夫"}, profile_private={12, 40},
        profile_filled_by="王磊",
    )


def _book(db: Database) -> tuple[list[int], int, int]:
    """A demo book of 40 clients plus one full card (with two interactions and
    three orders of its own); one demo client with orders is put in the trash.
    Returns every id by name, the full card's id and the trashed id."""
    generate(db, 40, seed=5, now=NOW)
    with db.session() as s:
        full = client_repo.save_card(s, _full_card(), NOW)
        client_repo.add_interaction(s, Interaction(
            full, datetime(2026, 3, 1, 10), Channel.VISIT, "送货", "回访",
            follow_up_on=date(2026, 3, 4), follow_up_done=True, milestone=Milestone.DELIVERY),
            NOW)
        client_repo.add_interaction(s, Interaction(full, datetime(2026, 3, 1, 10), Channel.CALL,
                                                   "=SUM(A1)"), NOW)
        for day, amount, currency, status in (
                (date(2026, 2, 1), "100.50", "CNY", OrderStatus.WON),
                (date(2026, 2, 1), "20.00", "USD", OrderStatus.WON),
                (date(2025, 12, 31), "5.00", "CNY", OrderStatus.LOST)):
            order_repo.add(s, Order(full, day, "茶叶", Decimal(amount), 2.5, currency, status,
                                    payment_due=date(2026, 3, 1),
                                    lost_reason="价格" if status is OrderStatus.LOST else ""),
                           NOW)
        trashed = s.scalars(select(OrderRow.client_id).order_by(OrderRow.client_id)).first()
        assert trashed is not None and trashed != full
        client_repo.set_deleted(s, trashed, NOW)
    with db.read() as s:
        ids = list(s.scalars(select(Client.id).order_by(Client.sort_key, Client.id)))
    return ids, full, trashed


def _expected_clients(db: Database, ids: list[int]) -> list[tuple[ClientCard, object, object,
                                                                   object]]:
    """The old read: one card at a time."""
    found = []
    with db.read() as s:
        for cid in ids:
            row = s.get(Client, cid)
            card = client_repo.load_card(s, cid)
            if row is None or card is None or row.deleted_at is not None:
                continue
            found.append((card, row.last_contact_at, row.last_evaluated_on, row.previous_grade))
    return found


def _identities(card: ClientCard) -> tuple[object, ...]:
    """What a card's equality leaves out: its UUIDs and version."""
    return (card.uuid, card.birthday_uuid, card.version, [d.uuid for d in card.dates],
            [m.uuid for m in card.family])


def _assert_clients(db: Database, ids: list[int]) -> list[export_repo.ExportedClient]:
    with db.read() as s:
        got = export_repo.clients(s, ids)
    expected = _expected_clients(db, ids)
    assert [c.card.id for c in got] == [card.id for card, *_rest in expected]
    for item, (card, last_contact, last_evaluated, previous) in zip(got, expected, strict=True):
        assert item.card == card
        assert _identities(item.card) == _identities(card)
        assert (item.last_contact, item.last_evaluated_on, item.previous_grade) == \
            (last_contact, last_evaluated, previous)
    return got


def _points(raw: str) -> dict[str, float]:
    return {k: float(v) for k, v in json.loads(raw).items()}


def _expected_children(db: Database, ids: list[int]
                       ) -> tuple[list[EvaluationLine], list[InteractionLine], list[OrderLine]]:
    """The old read of the timeline, the evaluations and the orders: client
    by client through the ORM, each oldest first."""
    evaluations, interactions, orders = [], [], []
    with db.read() as s:
        for cid in ids:
            client = s.get(Client, cid)
            if client is None or client.deleted_at is not None:
                continue
            for e in s.scalars(select(EvaluationRow).where(EvaluationRow.client_id == cid)
                               .order_by(EvaluationRow.evaluated_on, EvaluationRow.id)):
                scheme = s.get(ScoringSchemeRow, e.scheme_id)
                assert scheme is not None
                evaluations.append(EvaluationLine(
                    e.uuid, cid, e.evaluated_on, e.period_start, e.period_end, e.total, e.grade,
                    scheme.version, e.evaluator, e.notes, _points(e.points)))
            for i in s.scalars(select(InteractionRow).where(InteractionRow.client_id == cid)
                               .order_by(InteractionRow.occurred_at, InteractionRow.id)):
                interactions.append(InteractionLine(
                    i.uuid, cid, i.occurred_at, Channel(i.channel), i.summary, i.next_step,
                    i.follow_up_on, bool(i.follow_up_done),
                    Milestone(i.milestone) if i.milestone else None))
            for o in s.scalars(select(OrderRow).where(OrderRow.client_id == cid)
                               .order_by(OrderRow.ordered_on, OrderRow.id)):
                orders.append(OrderLine(o.id, o.uuid, cid, o.ordered_on, o.product, o.quantity,
                                        o.amount_cents, o.currency, o.status, o.payment_due,
                                        o.paid_on, o.lost_reason, o.notes))
    return evaluations, interactions, orders


def _assert_children(db: Database, ids: list[int]) -> None:
    with db.read() as s:
        got = (export_repo.evaluations(s, ids), export_repo.interactions(s, ids),
               export_repo.orders(s, ids))
    expected = _expected_children(db, ids)
    for lines, wanted in zip(got, expected, strict=True):
        assert lines == wanted
        for line in lines:  # the types, not only equal values (1 == True, "a" == StrEnum)
            assert [type(v) for v in line] == [type(v) for v in wanted[lines.index(line)]]


def test_a_page_reads_what_each_client_read_alone_gives(db: Database) -> None:
    ids, full, trashed = _book(db)
    got = _assert_clients(db, ids)
    _assert_children(db, ids)
    by_id = {c.card.id: c.card for c in got}
    assert trashed not in by_id and len(got) == len(ids) - 1
    # the full card: every child table came through (not only equal to an
    # equally wrong reference)
    card = by_id[full]
    assert card.phones == _full_card().phones
    assert card.tags == ["VIP", "b-tag", "老客户"]  # by code point
    assert card.birthday == DateSpec.lunar(8, 15, year=1980) and card.birthday_remind_days == 5
    assert card.birthday_uuid and all(d.uuid for d in card.dates)
    assert [d.label for d in card.dates] == ["婚礼", "开业"]
    assert card.family[0].birthday == DateSpec.solar(6, 1, 2012) and card.family[1].birthday is None
    assert card.profile == {3: "北京大学", 12: "不喝酒", 40: "高尔夫"}
    assert card.profile_private == {12, 40}  # confidential answers are read; the sheet hides them
    assert (card.nature, card.volume_tier, card.annual_spend) == (Nature.ENTERPRISE, VolumeTier.KEY,
                                                                  120_000)
    with db.read() as s:
        orders = export_repo.orders(s, [full])
        timeline = export_repo.interactions(s, [full])
    assert [(o.ordered_on, o.amount_cents, o.currency, o.status) for o in orders] == [
        (date(2025, 12, 31), 500, "CNY", "lost"), (date(2026, 2, 1), 10050, "CNY", "won"),
        (date(2026, 2, 1), 2000, "USD", "won")]
    assert [o.is_won for o in orders] == [False, True, True]
    assert orders[1].is_late(date(2026, 3, 2)) and not orders[1].is_late(date(2026, 3, 1))
    assert [(i.channel, i.milestone, i.follow_up_done) for i in timeline] == [
        (Channel.VISIT, Milestone.DELIVERY, True), (Channel.CALL, None, False)]
    # the demo book gives the other rows variety: the comparison covers them
    with db.read() as s:
        every = export_repo.interactions(s, ids)
        evaluations = export_repo.evaluations(s, ids)
    assert len(every) > 40 and len(evaluations) > 10
    assert any(e.points for e in evaluations)
    assert {line.client_id for line in every} <= set(ids) - {trashed}


def test_a_selection_keeps_its_order_and_leaves_out_the_trash(db: Database) -> None:
    ids, full, trashed = _book(db)
    chosen = [ids[7], trashed, full, ids[3], 999_999, ids[0]]
    got = _assert_clients(db, chosen)
    assert [c.card.id for c in got] == [ids[7], full, ids[3], ids[0]]
    _assert_children(db, chosen)
    with db.read() as s:
        assert export_repo.clients(s, [trashed]) == []
        assert export_repo.orders(s, [trashed]) == []
        assert export_repo.interactions(s, [trashed, 999_999]) == []
        assert export_repo.evaluations(s, []) == []


@pytest.mark.parametrize("size", [1, 7, 1000])
def test_pages_cover_every_client_once_in_order(db: Database, size: int) -> None:
    ids, _full, trashed = _book(db)
    seen = [c.card.id for page in pages.pages(db, ids, size) for c in page.clients]
    assert seen == [cid for cid in ids if cid != trashed]
    orders = [o.id for page in pages.pages(db, ids, size) for o in page.orders]
    assert orders == [o.id for o in _expected_children(db, ids)[2]]


def test_names_are_those_of_the_cards_in_order_without_the_trash(db: Database) -> None:
    ids, full, trashed = _book(db)
    chosen = [ids[7], trashed, full, ids[3], 999_999, ids[0]]
    with db.read() as s:
        cards = [c.card for c in export_repo.clients(s, chosen)]
        assert export_repo.names(s, chosen) == [(c.id, c.name, c.uuid) for c in cards]
        assert [cid for cid, _name, _uuid in export_repo.names(s, chosen)] == [
            ids[7], full, ids[3], ids[0]]
        assert export_repo.names(s, [trashed]) == []


def test_pages_read_only_what_is_asked(db: Database) -> None:
    ids, _full, trashed = _book(db)
    full = list(pages.pages(db, ids, 7))
    light = list(pages.pages(db, ids, 7, cards=False, evaluations=False, interactions=False))
    assert [p.named for p in light] == [p.named for p in full]
    assert [p.orders for p in light] == [p.orders for p in full]
    assert all(p.clients == p.evaluations == p.interactions == [] for p in light)
    assert sum(len(p.orders) for p in light) > 0
    assert trashed not in {cid for p in light for cid, _name, _uuid in p.named}
