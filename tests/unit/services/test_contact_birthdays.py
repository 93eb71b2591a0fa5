"""Contact people's birthdays on the care agenda (services.agenda) on both
engines: labelled with the person and the organisation, Gregorian and
lunar, marked done on the organisation's timeline, gone with the
organisation in the trash, "Mine" by the organisation's owner."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.contact import ContactPerson
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import AgendaKind, ClientKind
from desktop_crm.i18n import set_language
from desktop_crm.services.agenda import AgendaService, AlreadyDoneError
from desktop_crm.services.agenda_bulk import DONE, AgendaBulkService, why_not
from desktop_crm.services.clients import ClientService
from desktop_crm.services.contacts import ContactService
from desktop_crm.services.ics_export import build_calendar
from desktop_crm.storage.database import Database
from tests.conftest import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 20, 9, 0))  # 中秋 (lunar 8/15) is 2026-09-25


@pytest.fixture
def book(db: Database, clock: Clock) -> dict[str, int]:
    clients = ClientService(db, clock, user="王磊")
    contacts = ContactService(db, clock, user="王磊")
    org = clients.save(ClientCard(name="远航贸易", kind=ClientKind.ORGANISATION, owner="王磊"))
    other = clients.save(ClientCard(name="华为", kind=ClientKind.ORGANISATION, owner="李娜"))
    return {
        "org": org, "other": other,
        "zhou": contacts.save(ContactPerson(org, "周远", "采购经理",
                                            birthday=DateSpec.solar(9, 22, 1986))),
        "li": contacts.save(ContactPerson(org, "李丽", birthday=DateSpec.lunar(8, 15))),
        "wu": contacts.save(ContactPerson(other, "吴强", birthday=DateSpec.solar(9, 21))),
        "far": contacts.save(ContactPerson(org, "钱多", birthday=DateSpec.solar(12, 1))),
    }


def titles(items: list) -> list[str]:  # type: ignore[type-arg]
    return [i.title for i in items if i.kind == AgendaKind.CONTACT_BIRTHDAY]


def test_birthdays_are_on_the_agenda_with_person_and_organisation(
        db: Database, clock: Clock, book: dict[str, int]) -> None:
    agenda = AgendaService(db, clock, user="王磊")
    items = [i for i in agenda.agenda(7) if i.kind == AgendaKind.CONTACT_BIRTHDAY]
    assert [(i.day, i.title, i.client_id) for i in items] == [
        (date(2026, 9, 21), "华为: birthday of contact person 吴强", book["other"]),
        (date(2026, 9, 22), "远航贸易: birthday of contact person 周远, turns 40", book["org"]),
        (date(2026, 9, 25), "远航贸易: birthday of contact person 李丽", book["org"]),
    ]
    assert items[2].spec == DateSpec.lunar(8, 15)
    assert titles(agenda.agenda(7, mine=True)) == [
        "远航贸易: birthday of contact person 周远, turns 40",
        "远航贸易: birthday of contact person 李丽"]
    # reminded three days before, as other birthdays
    assert titles(agenda.due_today()) == ["华为: birthday of contact person 吴强",
                                          "远航贸易: birthday of contact person 周远, turns 40"]
    assert agenda.agenda(7, kinds=[AgendaKind.FAMILY_BIRTHDAY]) == []
    set_language("zh")
    try:
        assert titles(agenda.agenda(2))[0] == "华为：联系人吴强生日"
        assert AgendaKind.CONTACT_BIRTHDAY.label == "联系人生日"
    finally:
        set_language("en")


def test_done_on_the_organisations_timeline_and_undone(
        db: Database, clock: Clock, book: dict[str, int]) -> None:
    agenda = AgendaService(db, clock, user="王磊")
    item = next(i for i in agenda.agenda(7) if i.ref == book["zhou"]
                and i.kind == AgendaKind.CONTACT_BIRTHDAY)
    receipt = agenda.mark_done(item)
    latest = ClientService(db).interactions(book["org"])[0]
    assert latest.summary == "Birthday greetings sent to 周远"
    assert item.key not in {i.key for i in agenda.agenda(7)}
    with pytest.raises(AlreadyDoneError):
        agenda.mark_done(item)
    agenda.undo_done(receipt)
    assert item.key in {i.key for i in agenda.agenda(7)}
    assert ClientService(db).interactions(book["org"]) == []


def test_gone_with_the_organisation_or_the_person(
        db: Database, clock: Clock, book: dict[str, int]) -> None:
    agenda = AgendaService(db, clock)
    ClientService(db, clock).delete(book["other"])
    ContactService(db, clock).remove(book["li"])
    assert titles(agenda.agenda(7)) == ["远航贸易: birthday of contact person 周远, turns 40"]


def test_the_calendar_file_holds_them(db: Database, clock: Clock,
                                      book: dict[str, int]) -> None:
    agenda = AgendaService(db, clock)
    items = [i for i in agenda.agenda(7) if i.kind == AgendaKind.CONTACT_BIRTHDAY]
    calendar = build_calendar(items, clock(), *agenda.identities(items))
    summaries = [str(e.get("SUMMARY")) for e in calendar.walk("VEVENT")]
    assert "远航贸易: birthday of contact person 周远" in summaries  # yearly: no age
    assert len(summaries) == 3


def test_bulk_done_and_dismiss_take_them_off(db: Database, clock: Clock,
                                             book: dict[str, int]) -> None:
    """Bulk actions on Today treat a contact person's birthday as the other
    dates: done logs the greeting and takes it off, as does dismiss."""
    agenda = AgendaService(db, clock, user="王磊")
    bulk = AgendaBulkService(agenda)
    due = [i for i in agenda.due_today() if i.kind == AgendaKind.CONTACT_BIRTHDAY]
    assert len(due) == 2 and all(not why_not(i, DONE) for i in due)
    receipt = bulk.mark_done(due[:1])
    assert len(receipt.interaction_ids) == 1 and len(receipt.done_ids) == 1
    bulk.dismiss(due[1:])
    assert titles(agenda.due_today()) == []
    assert titles(agenda.agenda(7)) == ["远航贸易: birthday of contact person 李丽"]
