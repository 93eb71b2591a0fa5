"""Bulk actions on agenda items (services.agenda_bulk), on both engines: done,
postpone and dismiss as one transaction each, and one undo."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop_crm.domain.care import AgendaItem, Source
from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import AgendaKind, Channel
from desktop_crm.domain.validation import ValidationError
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.agenda_bulk import (
    DISMISS,
    DONE,
    POSTPONE,
    AgendaBulkService,
    next_working_day,
    why_not,
)
from desktop_crm.services.bulk import BulkUndoError
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from tests.conftest import Clock

TODAY = date(2026, 9, 20)  # a Sunday


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 20, 9, 0))


@pytest.fixture
def clients(db: Database, clock: Clock) -> ClientService:
    return ClientService(db, clock, user="test")


@pytest.fixture
def agenda(db: Database, clock: Clock) -> AgendaService:
    return AgendaService(db, clock, user="test")


@pytest.fixture
def bulk(agenda: AgendaService) -> AgendaBulkService:
    return AgendaBulkService(agenda)


def _follow_ups(clients: ClientService, n: int) -> list[int]:
    ids = []
    for k in range(n):
        cid = clients.save(ClientCard(name=f"客户{k}"))
        clients.log_interaction(Interaction(cid, datetime(2026, 9, 1, 10), Channel.CALL,
                                            "quote", next_step=f"call back {k}",
                                            follow_up_on=date(2026, 9, 10 + k % 5)))
        ids.append(cid)
    return ids


def _of(items: list[AgendaItem], source: str) -> list[AgendaItem]:
    return [i for i in items if i.source == source]


def test_done_logs_each_once_and_undo_puts_them_back(
        clients: ClientService, agenda: AgendaService, bulk: AgendaBulkService) -> None:
    ids = _follow_ups(clients, 4)
    birthday = clients.save(ClientCard(name="寿星", birthday=DateSpec.solar(9, 19, year=1980)))
    before = agenda.due_today()
    chosen = [*_of(before, Source.INTERACTION), *_of(before, Source.IMPORTANT_DATE)]
    assert len(chosen) == 5
    receipt = bulk.mark_done(chosen, date(2026, 9, 19), "called everyone")
    assert receipt.count == 5 and receipt.skipped == 0
    after = agenda.due_today()
    assert not _of(after, Source.INTERACTION) and not _of(after, Source.IMPORTANT_DATE)
    logged = clients.interactions(ids[0])[0]
    assert (logged.summary, logged.channel, logged.occurred_at.date()) == (
        "called everyone", Channel.CALL, date(2026, 9, 19))
    greeting = clients.interactions(birthday)[0]
    assert greeting.channel == Channel.GREETING
    assert clients.get(birthday).id == birthday
    # done again (another window): skipped, nothing logged twice
    again = bulk.mark_done(chosen)
    assert (again.count, again.skipped) == (0, 5)
    assert bulk.undo(receipt) == 5
    assert {i.key for i in agenda.due_today()} == {i.key for i in before}
    assert len(clients.interactions(ids[0])) == 1
    assert clients.interactions(birthday) == []


def test_done_uses_each_items_own_text_without_a_note(
        clients: ClientService, agenda: AgendaService, bulk: AgendaBulkService) -> None:
    ids = _follow_ups(clients, 2)
    bulk.mark_done(_of(agenda.due_today(), Source.INTERACTION))
    assert clients.interactions(ids[1])[0].summary == "Followed up: call back 1"


def test_postpone_moves_follow_ups_and_undo_restores_each_date(
        clients: ClientService, agenda: AgendaService, bulk: AgendaBulkService) -> None:
    _follow_ups(clients, 5)
    items = _of(agenda.due_today(), Source.INTERACTION)
    later = next_working_day(TODAY)
    assert later == date(2026, 9, 21)
    receipt = bulk.postpone(items, date(2026, 9, 28))
    assert receipt.count == 5
    assert _of(agenda.due_today(), Source.INTERACTION) == []
    moved = _of(agenda.agenda(10), Source.INTERACTION)
    assert {i.day for i in moved} == {date(2026, 9, 28)}
    bulk.undo(receipt)
    assert sorted(i.day for i in _of(agenda.due_today(), Source.INTERACTION)) == sorted(
        i.day for i in items)
    with pytest.raises(ValidationError):
        bulk.postpone(items, date(2026, 9, 1))


def test_dismiss_closes_follow_ups_without_contact(
        clients: ClientService, agenda: AgendaService, bulk: AgendaBulkService) -> None:
    ids = _follow_ups(clients, 3)
    contact = clients.get(ids[0])
    items = agenda.due_today()
    chosen = [i for i in items if not why_not(i, DISMISS)]
    receipt = bulk.dismiss(chosen)
    assert receipt.interaction_ids == ()
    assert _of(agenda.due_today(), Source.INTERACTION) == []
    assert len(clients.interactions(ids[0])) == 1  # nothing logged
    assert clients.get(ids[0]).updated_at == contact.updated_at
    bulk.undo(receipt)
    assert len(_of(agenda.due_today(), Source.INTERACTION)) == 3


def test_undo_refuses_when_an_item_changed_since(
        clients: ClientService, agenda: AgendaService, bulk: AgendaBulkService) -> None:
    ids = _follow_ups(clients, 2)
    items = _of(agenda.due_today(), Source.INTERACTION)
    receipt = bulk.postpone(items, date(2026, 9, 28))
    moved = _of(agenda.agenda(10), Source.INTERACTION)
    bulk.mark_done([i for i in moved if i.client_id == ids[1]])
    with pytest.raises(BulkUndoError, match="客户1 changed since"):
        bulk.undo(receipt)
    assert {i.day for i in _of(agenda.agenda(10), Source.INTERACTION)} == {date(2026, 9, 28)}


def test_what_each_kind_supports() -> None:
    def item(source: str, kind: AgendaKind, client: int | None = 1) -> AgendaItem:
        return AgendaItem(TODAY, kind, source, 1, client, "甲")

    follow = item(Source.INTERACTION, AgendaKind.FOLLOW_UP)
    assert [why_not(follow, a) for a in (DONE, POSTPONE, DISMISS)] == ["", "", ""]
    birthday = item(Source.IMPORTANT_DATE, AgendaKind.BIRTHDAY)
    assert why_not(birthday, DONE) == why_not(birthday, DISMISS) == ""
    assert "own date" in why_not(birthday, POSTPONE)
    complaint = item(Source.COMPLAINT, AgendaKind.COMPLAINT_FOLLOW_UP)
    assert all("satisfied" in why_not(complaint, a) for a in (DONE, POSTPONE, DISMISS))
    quiet = item(Source.NO_CONTACT, AgendaKind.NO_CONTACT)
    assert why_not(quiet, DONE) == "" and "contacts them" in why_not(quiet, DISMISS)
    festival = item(Source.FESTIVAL, AgendaKind.FESTIVAL, None)
    assert why_not(festival, DONE) == why_not(festival, DISMISS) == ""


def test_festival_done_in_bulk_greets_the_list_without_counting_as_contact(
        clients: ClientService, agenda: AgendaService, bulk: AgendaBulkService,
        clock: Clock) -> None:
    ids = [clients.save(ClientCard(name=n)) for n in ("甲", "乙")]
    clock.set_day(date(2026, 9, 30))  # 中秋 2026-09-25 is overdue, 国庆 10-01 ahead
    festivals = _of(agenda.due_today(), Source.FESTIVAL)
    assert festivals
    receipt = bulk.mark_done(festivals)
    assert len(receipt.interaction_ids) == 2 * len(festivals)
    assert all(i.mass for i in clients.interactions(ids[0]))
    assert clients.get(ids[0]).created_at is not None
    assert _of(agenda.due_today(), Source.FESTIVAL) == []
    bulk.undo(receipt)
    assert clients.interactions(ids[0]) == []
    assert len(_of(agenda.due_today(), Source.FESTIVAL)) == len(festivals)
