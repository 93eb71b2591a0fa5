"""The database ranks a search's hits from the stored rank keys
(``client_rank_keys``) and reads them a page at a time: on both engines the
order is the one ``domain.search_rank.Ranker`` gives the hits (best match,
then most recently contacted, then name), for the demo clients, the hard
hand-made cards and organisations found through their contact people; the
keys follow every write that changes a name, a company or a contact person;
and a database of revision 18 gets its keys when it is upgraded."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import func, select

from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.contact import ContactPerson
from desktop_crm.domain.enums import Channel, ClientKind
from desktop_crm.domain.search import sort_key
from desktop_crm.domain.search_rank import Ranker
from desktop_crm.services.bulk import BulkService
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.contacts import ContactService
from desktop_crm.services.demo import generate
from desktop_crm.storage import search_index
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client, ContactPersonRow, client_rank_keys
from tests.conftest import FIXED_NOW, Clock, downgrade
from tests.unit.services.test_search_both_engines import (
    CARDS,
    FIXED_QUERIES,
    _demo_queries,
)

DEMO_CLIENTS = 120
PEOPLE_QUERIES = ["zhou", "zhouyuan", "zy", "周远", "周", "yuan", "li", "lina", "李娜", "ln",
                  "yuanhang", "远航", "zeng", "ceng", "单", "dan", "shan"]


def reference(db: Database, typed: str) -> list[int]:
    """The hits in the order the app ranked them in Python before the keys
    were stored: by last contact and name from the database, then a stable
    sort by the tier of each hit (an organisation's at best its people's)."""
    ranker = Ranker(typed)
    found = search_index.matching(typed)
    if found is None:
        return []
    with db.read() as s:
        hits = s.execute(select(Client.id, Client.name, Client.kind, Client.company,
                                Client.sort_key)
                         .where(found, Client.deleted_at.is_(None))
                         .order_by(Client.last_contact_at.desc().nulls_last(), Client.sort_key,
                                   Client.id)).all()
        people: dict[int, list[str]] = {}
        for client_id, name in s.execute(select(ContactPersonRow.client_id,
                                                ContactPersonRow.name)):
            people.setdefault(client_id, []).append(name)
    ranked = []
    for client_id, name, kind, company, key in hits:
        organisation = kind == ClientKind.ORGANISATION.value
        tier = ranker.tier(name, organisation, company, key)
        if organisation:
            tier = min([tier, *(ranker.tier(p, False, "", sort_key(p))
                                for p in people.get(client_id, ()))])
        ranked.append((tier, client_id))
    ranked.sort(key=lambda item: item[0])
    return [client_id for _tier, client_id in ranked]


def pages(service: ClientService, typed: str, size: int = 7) -> list[int]:
    """Every hit, read ``size`` at a time as the list reads them."""
    flt = ClientFilter(text=typed)
    found: list[int] = []
    while True:
        page = service.ranked_page(flt, len(found), size)
        found += page
        if len(page) < size:
            return found


def _organisation_with_people(db: Database) -> int:
    service = ClientService(db, clock=Clock(FIXED_NOW), user="test")
    org = service.save(ClientCard(name="远航物流", kind=ClientKind.ORGANISATION))
    contacts = ContactService(db, Clock(FIXED_NOW), "test")
    contacts.save(ContactPerson(org, "周远", "经理"))
    contacts.save(ContactPerson(org, "李娜", "采购"))
    # people found by the same keys, so the organisation ranks among them
    for name in ("周远", "周媛", "李娜", "袁周"):
        service.save(ClientCard(name=name))
    return org


@pytest.fixture
def book(db: Database) -> ClientService:
    service = ClientService(db, clock=Clock(FIXED_NOW), user="test")
    for card in CARDS:
        service.save(card)
    generate(db, DEMO_CLIENTS, seed=7, now=FIXED_NOW)
    _organisation_with_people(db)
    return service


def test_the_database_ranks_and_pages_the_hits_as_the_ranker_orders_them(
        db: Database, book: ClientService) -> None:
    queries = FIXED_QUERIES + PEOPLE_QUERIES + _demo_queries(book, count=40)
    many = 0
    for typed in queries:
        expected = reference(db, typed)
        assert book.list_ids(ClientFilter(text=typed)) == expected, typed
        assert pages(book, typed) == expected, typed
        many += len(expected) > 7
    assert many >= 10  # pages were really joined


def test_the_rank_keys_follow_names_companies_and_contact_people(
        db: Database, book: ClientService) -> None:
    def check() -> None:
        for typed in ["zhou", "zy", "周", "li", "wang", "wx", "z", "chang", "长", "yh", "tian"]:
            assert pages(book, typed) == reference(db, typed), typed

    check()
    zhou = book.search("袁周")[0]
    card = book.get(zhou.id)
    book.save(replace(card, name="王小周", company="天行健"))  # renamed, a company
    book.log_interaction(Interaction(zhou.id, datetime(2026, 11, 20, 10), Channel.CALL, "聊"))
    check()
    org = book.search("远航物流")[0].id
    contacts = ContactService(db, Clock(FIXED_NOW), "test")
    first = contacts.people_of(org)[0]
    contacts.remove(first.id or 0)  # 周远 leaves: the organisation no longer ranks as him
    contacts.save(ContactPerson(org, "张远", "司机"))
    check()
    BulkService(db, Clock(FIXED_NOW), "test").set_tag([org, zhou.id], "重要", add=True)
    check()
    book.delete(zhou.id)
    check()


def test_a_database_of_revision_18_gets_its_rank_keys(db_target: str) -> None:
    db = Database.open(db_target)
    try:
        service = ClientService(db, clock=Clock(FIXED_NOW), user="test")
        for card in CARDS:
            service.save(card)
        _organisation_with_people(db)
        expected = {typed: reference(db, typed) for typed in FIXED_QUERIES + PEOPLE_QUERIES}
    finally:
        db.close()
    engine = Database.open(db_target)
    try:
        downgrade(engine.engine, "20261210_18")
    finally:
        engine.close()
    db = Database.open(db_target)  # upgrades it again, writing the keys
    try:
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(client_rank_keys))
        service = ClientService(db, clock=Clock(FIXED_NOW), user="test")
        for typed, ids in expected.items():
            assert service.list_ids(ClientFilter(text=typed)) == ids, typed
            assert pages(service, typed) == ids, typed
    finally:
        db.close()
