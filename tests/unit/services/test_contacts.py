"""Contact people of organisation cards (desktop_crm.services.contacts) on
both engines: kept exactly, validated at the field, recorded in the
organisation's history, removed and put back, deleted with the organisation,
and found by the search box (their organisation is the hit)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.contact import ContactPerson, PurchaseRole
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import Channel, ClientKind
from desktop_crm.domain.validation import ValidationError
from desktop_crm.i18n import set_language
from desktop_crm.services.bulk import BulkService
from desktop_crm.services.clients import ClientService, NotFoundError
from desktop_crm.services.contacts import ContactService
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import ContactPersonRow
from tests.conftest import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 5, 20, 9, 0))


@pytest.fixture
def clients(db: Database, clock: Clock) -> ClientService:
    return ClientService(db, clock, user="王磊")


@pytest.fixture
def contacts(db: Database, clock: Clock) -> ContactService:
    return ContactService(db, clock, user="王磊")


@pytest.fixture
def org_id(clients: ClientService) -> int:
    return clients.save(ClientCard(name="远航贸易", kind=ClientKind.ORGANISATION,
                                   company="远航贸易有限公司"))


def _person(org_id: int, **kw: object) -> ContactPerson:
    values: dict[str, object] = {
        "name": "周远", "title": "采购经理", "role": PurchaseRole.BUYER,
        "phones": ["139 0013 9000", "021-64881235"], "email": "zy@example.cn",
        "wechat": "zhouyuan_wx", "birthday": DateSpec.lunar(8, 15), "notes": "每周三在\n办公室"}
    values.update(kw)
    return ContactPerson(org_id, **values)  # type: ignore[arg-type]


def test_a_person_is_kept_exactly_and_listed_in_order(contacts: ContactService,
                                                      org_id: int) -> None:
    first = contacts.save(_person(org_id))
    second = contacts.save(_person(org_id, name="李娜", title="", role=PurchaseRole.DECISION_MAKER,
                                   phones=[], email="", wechat="", birthday=None, notes=""))
    people = contacts.people_of(org_id)
    assert [p.id for p in people] == [first, second]
    got = people[0]
    assert got == _person(org_id, id=first)
    assert got.uuid and got.primary_phone == "139 0013 9000"
    assert people[1].role == PurchaseRole.DECISION_MAKER and people[1].birthday is None


def test_changes_are_recorded_in_the_organisations_history(
        contacts: ContactService, clients: ClientService, org_id: int) -> None:
    set_language("zh")
    try:
        person_id = contacts.save(_person(org_id))
        changed = contacts.get(person_id)
        changed.title = "采购总监"
        contacts.save(changed)
        contacts.save(contacts.get(person_id))  # nothing changed: nothing recorded
        contacts.remove(person_id)
    finally:
        set_language("en")
    entries = [e for e in clients.history(org_id) if e.field == "contacts"]
    assert [(e.old.split(" · ")[0], e.new.split(" · ")[0]) for e in reversed(entries)] == [
        ("", "周远 (采购经理)"), ("周远 (采购经理)", "周远 (采购总监)"), ("周远 (采购总监)", "")]
    assert all(e.user == "王磊" for e in entries)
    assert "采购者" in entries[-1].new and "139 0013 9000" in entries[-1].new
    assert "农历八月十五" in entries[-1].new


def test_remove_and_restore_keep_the_uuid(contacts: ContactService, org_id: int) -> None:
    person_id = contacts.save(_person(org_id))
    uuid = contacts.get(person_id).uuid
    gone = contacts.remove(person_id)
    assert contacts.people_of(org_id) == []
    with pytest.raises(NotFoundError):
        contacts.remove(person_id)
    back = contacts.restore(gone)
    restored = contacts.get(back)
    assert restored.uuid == uuid and restored == _person(org_id, id=back)


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": "  "}, "name"),
    ({"phones": ["13800138000", "12345"]}, "phones.1"),
    ({"email": "zy@"}, "email"),
    ({"birthday": DateSpec("solar", 2, 30)}, "birthday"),
    ({"birthday": DateSpec.solar(1, 1, 2030)}, "birthday"),
    ({"title": "长" * 201}, "title"),
])
def test_invalid_people_are_refused_at_the_field(contacts: ContactService, org_id: int,
                                                 changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        contacts.save(_person(org_id, **changes))
    assert [e.field for e in caught.value.errors] == [field]
    assert caught.value.errors[0].message
    assert contacts.people_of(org_id) == []


def test_only_live_organisations_have_people(contacts: ContactService,
                                             clients: ClientService, org_id: int) -> None:
    person_id = clients.save(ClientCard(name="张伟"))
    with pytest.raises(ValidationError) as caught:
        contacts.save(_person(person_id))
    assert caught.value.errors[0].message == "Only organisation cards have contact people"
    clients.delete(org_id)
    with pytest.raises(NotFoundError):
        contacts.save(_person(org_id))
    with pytest.raises(NotFoundError):
        contacts.save(_person(org_id + 99))


def test_people_go_with_their_organisation(contacts: ContactService, clients: ClientService,
                                           org_id: int, db: Database) -> None:
    contacts.save(_person(org_id))
    clients.delete(org_id)
    clients.purge(org_id)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ContactPersonRow)) == 0


@pytest.mark.parametrize("typed", ["周远", "zhouyuan", "zy", "9000", "13900139000",
                                   "021-6488 1235", "zy@example", "zhouyuan_wx"])
def test_the_search_box_finds_people_and_gives_their_organisation(
        contacts: ContactService, clients: ClientService, org_id: int, typed: str) -> None:
    clients.save(ClientCard(name="钱多多", phones=[]))
    assert [r.id for r in clients.search(typed)] == []
    person_id = contacts.save(_person(org_id))
    assert [r.id for r in clients.search(typed)] == [org_id]
    # saving the card keeps its people's keys
    card = clients.get(org_id)
    card.notes = "改了备注"
    clients.save(card)
    assert [r.id for r in clients.search(typed)] == [org_id]
    contacts.remove(person_id)
    assert [r.id for r in clients.search(typed)] == []


def test_a_bulk_tag_keeps_the_peoples_keys(contacts: ContactService, clients: ClientService,
                                          db: Database, clock: Clock, org_id: int) -> None:
    """A bulk action rewrites the entries of the clients it tags; an
    organisation's entry keeps its people's name, phone and WeChat."""
    contacts.save(_person(org_id))
    bulk = BulkService(db, clock, user="王磊")
    receipt = bulk.set_tag([org_id], "展会2026")
    for typed in ("zhouyuan", "周远", "9000", "zhouyuan_wx", "展会2026"):
        assert [r.id for r in clients.search(typed)] == [org_id], typed
    bulk.undo(receipt)
    assert [r.id for r in clients.search("zhouyuan")] == [org_id]
    assert clients.search("展会2026") == []


def test_an_organisation_found_through_a_person_ranks_as_the_persons_name(
        contacts: ContactService, clients: ClientService, clock: Clock, org_id: int) -> None:
    """``zhouyuan`` typed for 周远 lists 周远's organisation before clients
    that match only in the middle of their names (苏州博远, 杭州远航), even
    those contacted more recently."""
    mid = [clients.save(ClientCard(name=n, kind=ClientKind.ORGANISATION))
           for n in ("杭州远航电子", "苏州远大机械")]
    for client_id in mid:  # contacted since: first within their tier
        clients.log_interaction(Interaction(client_id=client_id, occurred_at=clock.now,
                                            channel=Channel.CALL, summary="电话"))
    contacts.save(_person(org_id))
    for typed in ("zhouyuan", "zhouy", "zy", "周远"):
        hits = [r.id for r in clients.search(typed)]
        assert hits[0] == org_id, typed
    assert sorted([r.id for r in clients.search("zhouyuan")][1:]) == sorted(mid)


def test_found_via_names_the_people_a_search_found(contacts: ContactService,
                                                   clients: ClientService, org_id: int) -> None:
    contacts.save(_person(org_id))
    contacts.save(_person(org_id, name="周丽", phones=["13700137000"], email="", wechat=""))
    contacts.save(_person(org_id, name="李娜", phones=[], email="", wechat=""))
    for typed, via in [("周", "周远、周丽"), ("zhou", "周远、周丽"), ("zy", "周远"),
                       ("137", "周丽"), ("李娜", "李娜"), ("远航", None), ("yuanhang", None)]:
        rows = clients.search(typed)
        assert [r.id for r in rows] == [org_id], typed
        assert contacts.found_via(rows, typed).get(org_id) == via, typed
    assert contacts.found_via(clients.search(""), "") == {}
