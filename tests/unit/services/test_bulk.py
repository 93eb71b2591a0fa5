"""Bulk actions on many client cards (services.bulk), on both engines: one
transaction, a history entry per changed client by the user, and one undo
that puts every card back or refuses when one changed since."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.enums import Loyalty, Nature
from desktop_crm.domain.validation import ValidationError
from desktop_crm.services.bulk import BulkService, BulkUndoError
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.storage.database import Database
from tests.conftest import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 24, 9, 30))


@pytest.fixture
def clients(db: Database, clock: Clock) -> ClientService:
    return ClientService(db, clock, user="王经理")


@pytest.fixture
def bulk(db: Database, clock: Clock) -> BulkService:
    return BulkService(db, clock, user="李销售")


def _book(clients: ClientService) -> list[int]:
    return [clients.save(ClientCard(name=n, owner="张三", tags=t, nature=Nature.INDIVIDUAL))
            for n, t in (("甲", ["vip"]), ("乙", []), ("丙", ["老客户"]))]


def test_trash_many_in_one_step_and_undo(clients: ClientService, bulk: BulkService) -> None:
    ids = _book(clients)
    receipt = bulk.trash(ids[:2])
    assert receipt.count == 2
    assert clients.list_ids(ClientFilter()) == [ids[2]]
    assert sorted(clients.list_ids(ClientFilter(trash=True))) == sorted(ids[:2])
    entry = clients.history(ids[0])[0]
    assert (entry.field, entry.user) == ("deleted", "李销售")
    assert bulk.undo(receipt) == 2
    assert sorted(clients.list_ids(ClientFilter())) == sorted(ids)
    assert clients.history(ids[0])[0].field == "restored"


def test_set_owner_skips_those_who_have_it_and_undo_restores_each(
        clients: ClientService, bulk: BulkService, clock: Clock) -> None:
    ids = _book(clients)
    card = clients.get(ids[1])
    card.owner = "李四"
    clients.save(card)
    before = {i: clients.get(i).updated_at for i in ids}
    clock.advance(minutes=5)
    receipt = bulk.set_owner(ids, " 李四 ")
    assert sorted(receipt.client_ids) == sorted([ids[0], ids[2]])
    assert {clients.get(i).owner for i in ids} == {"李四"}
    entry = clients.history(ids[0])[0]
    assert (entry.field, entry.old, entry.new, entry.user) == (
        "owner", "张三", "李四", "李销售")
    assert len(clients.history(ids[1])) == 2  # created, then its own owner change
    bulk.undo(receipt)
    assert [clients.get(i).owner for i in ids] == ["张三", "李四", "张三"]
    assert {i: clients.get(i).updated_at for i in ids} == before


def test_classification_set_and_cleared(clients: ClientService, bulk: BulkService) -> None:
    ids = _book(clients)
    receipt = bulk.set_classification(ids, "loyalty", Loyalty.CORE)
    assert {clients.get(i).loyalty for i in ids} == {Loyalty.CORE}
    assert sorted(clients.list_ids(ClientFilter(classification=("loyalty", "core")))) == ids
    bulk.undo(receipt)
    assert {clients.get(i).loyalty for i in ids} == {None}
    cleared = bulk.set_classification(ids, "nature", None)
    assert cleared.count == 3 and {clients.get(i).nature for i in ids} == {None}
    with pytest.raises(ValidationError):
        bulk.set_classification(ids, "nature", Loyalty.CORE)
    with pytest.raises(ValidationError):
        bulk.set_classification(ids, "grade", None)


def test_add_and_remove_tag_searchable_and_undone(clients: ClientService,
                                                  bulk: BulkService) -> None:
    ids = _book(clients)
    receipt = bulk.set_tag(ids, "展会2026")
    assert receipt.count == 3 and receipt.tag_created
    assert sorted(clients.list_ids(ClientFilter(tag="展会2026"))) == sorted(ids)
    assert sorted(r.id for r in clients.search("展会2026")) == sorted(ids)
    assert clients.get(ids[0]).tags == ["vip", "展会2026"]
    assert [r.id for r in clients.search("vip")] == [ids[0]]  # the entry's other parts stay
    assert [r.id for r in clients.search("bing")] == [ids[2]]  # 丙's pinyin
    entry = clients.history(ids[0])[0]
    assert (entry.field, entry.old, entry.new) == ("tags", "vip", "vip; 展会2026")
    bulk.undo(receipt)
    assert "展会2026" not in clients.tags()  # made by the action, unused again
    assert clients.search("展会2026") == []
    assert clients.get(ids[0]).tags == ["vip"]
    assert [r.id for r in clients.search("vip")] == [ids[0]]
    assert [r.id for r in clients.search("bing")] == [ids[2]]
    removed = bulk.set_tag(ids, "vip", add=False)
    assert removed.client_ids == (ids[0],)
    assert clients.get(ids[0]).tags == []
    bulk.undo(removed)
    assert clients.get(ids[0]).tags == ["vip"]
    with pytest.raises(ValidationError):
        bulk.set_tag(ids, "   ")


def test_undo_refuses_when_a_card_changed_since(clients: ClientService,
                                               bulk: BulkService) -> None:
    ids = _book(clients)
    receipt = bulk.set_owner(ids, "李四")
    card = clients.get(ids[1])
    card.notes = "changed after the bulk action"
    clients.save(card)
    with pytest.raises(BulkUndoError, match="乙 changed since, by 王经理"):
        bulk.undo(receipt)
    assert {clients.get(i).owner for i in ids} == {"李四"}  # nothing written


def test_trashed_clients_are_not_edited(clients: ClientService, bulk: BulkService) -> None:
    ids = _book(clients)
    clients.delete(ids[0])
    assert bulk.set_owner(ids, "李四").client_ids == tuple(ids[1:])
    assert bulk.trash(ids).client_ids == tuple(ids[1:])


def test_a_thousand_clients_in_one_statement_per_chunk(clients: ClientService,
                                                      bulk: BulkService) -> None:
    with clients.db.session() as s:
        from desktop_crm.storage.models import Client
        now = datetime(2026, 1, 1)
        s.add_all(Client(name=f"客户{n}", created_at=now, updated_at=now) for n in range(1000))
    ids = clients.list_ids(ClientFilter())
    receipt = bulk.set_tag(ids, "批量")
    assert receipt.count == 1000
    assert len(clients.list_ids(ClientFilter(tag="批量"))) == 1000
    bulk.undo(receipt)
    assert clients.list_ids(ClientFilter(tag="批量")) == []
