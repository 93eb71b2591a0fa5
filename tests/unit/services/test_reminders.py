"""The reminder schedule (desktop_crm.services.reminders) with a fake clock:
once per item per day at the reminder time, not again after a restart, not
for items done, again the next day while still due."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path

import pytest

from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import Channel
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.reminders import (
    DueCount,
    FileStore,
    MemoryStore,
    ReminderSchedule,
    item_key,
)
from desktop_crm.storage.database import Database
from tests.conftest import Clock

TODAY = date(2026, 9, 20)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 20, 7, 30))


@pytest.fixture
def clients(db: Database, clock: Clock) -> ClientService:
    return ClientService(db, clock, user="test")


@pytest.fixture
def agenda(db: Database, clock: Clock) -> AgendaService:
    return AgendaService(db, clock, user="test")


def follow_up(clients: ClientService, name: str, on: date, owner: str = "test") -> int:
    """A new client (no "not contacted" item) met on ``on`` or this morning,
    with a follow-up on ``on``."""
    client_id = clients.save(ClientCard(name=name, owner=owner))
    met = datetime.combine(min(on, TODAY), time(7, 0))
    clients.log_interaction(Interaction(client_id, met, Channel.CALL,
                                        "met", next_step=f"call {name}", follow_up_on=on))
    return client_id


def names(items: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(i.client for i in items if i.client)


def test_fires_once_at_the_reminder_time(clients: ClientService, agenda: AgendaService,
                                         clock: Clock) -> None:
    follow_up(clients, "王芳", TODAY)
    schedule = ReminderSchedule(agenda, MemoryStore(), time(9, 0))
    assert schedule.due_now(clock()) == []  # 07:30: before the reminder time
    assert schedule.next_check(clock()) == datetime(2026, 9, 20, 9, 0)
    clock.now = datetime(2026, 9, 20, 9, 0)
    fired = schedule.due_now(clock())
    assert names(fired) == ["王芳"]
    assert fired[0].title == "王芳: follow up - call 王芳"
    clock.advance(minutes=30)
    assert schedule.due_now(clock()) == []  # once a day
    assert schedule.next_check(clock()) == datetime(2026, 9, 21, 9, 0)


def test_starting_announces_at_once_and_a_restart_says_nothing_new(
        clients: ClientService, agenda: AgendaService, clock: Clock) -> None:
    follow_up(clients, "王芳", TODAY)
    store = MemoryStore()
    assert names(ReminderSchedule(agenda, store).due_now(clock(), starting=True)) == ["王芳"]
    assert store.day == TODAY
    # the app restarts: a new schedule over the same store
    restarted = ReminderSchedule(agenda, store)
    assert restarted.due_now(clock(), starting=True) == []
    clock.now = datetime(2026, 9, 20, 9, 0)
    assert restarted.due_now(clock()) == []
    # a follow-up added later in the day is announced at the next check
    follow_up(clients, "李明", TODAY)
    clock.advance(minutes=30)
    assert names(restarted.due_now(clock())) == ["李明"]


def test_items_done_are_not_announced(clients: ClientService, agenda: AgendaService,
                                      clock: Clock) -> None:
    follow_up(clients, "王芳", TODAY)
    follow_up(clients, "李明", TODAY)
    done = next(i for i in agenda.due_today() if i.client == "王芳")
    agenda.mark_done(done)
    clock.now = datetime(2026, 9, 20, 9, 5)
    assert names(ReminderSchedule(agenda, MemoryStore()).due_now(clock())) == ["李明"]


def test_again_the_next_day_while_still_due(clients: ClientService, agenda: AgendaService,
                                           clock: Clock) -> None:
    follow_up(clients, "王芳", TODAY)
    follow_up(clients, "李明", TODAY)
    store = MemoryStore()
    schedule = ReminderSchedule(agenda, store)
    clock.now = datetime(2026, 9, 20, 9, 0)
    assert names(schedule.due_now(clock())) == ["李明", "王芳"]
    agenda.mark_done(next(i for i in agenda.due_today() if i.client == "李明"))
    clock.now = datetime(2026, 9, 21, 8, 59)
    assert schedule.due_now(clock()) == []
    clock.now = datetime(2026, 9, 21, 9, 0)
    fired = schedule.due_now(clock())
    assert names(fired) == ["王芳"]  # overdue now; 李明 was done
    assert fired[0].is_overdue(date(2026, 9, 21))
    assert store.day == date(2026, 9, 21)
    assert store.keys == {item_key(i) for i in fired}  # yesterday's forgotten


def test_reminders_of_coming_dates_are_announced_but_not_counted_as_due(
        clients: ClientService, agenda: AgendaService, clock: Clock) -> None:
    # a birthday in two days: its three-day reminder has begun
    clients.save(ClientCard(name="张伟", birthday=DateSpec.solar(9, 22, year=1980)))
    follow_up(clients, "王芳", date(2026, 9, 18))
    follow_up(clients, "李明", TODAY)
    schedule = ReminderSchedule(agenda, MemoryStore(), time(8, 0))
    assert schedule.count(TODAY) == DueCount(due=2, overdue=1)
    clock.now = datetime(2026, 9, 20, 8, 0)
    assert {i.client for i in schedule.due_now(clock())} >= {"张伟", "王芳", "李明"}


def test_the_count_follows_the_today_tabs_scope(clients: ClientService, agenda: AgendaService,
                                                clock: Clock) -> None:
    follow_up(clients, "王芳", TODAY)
    follow_up(clients, "李明", TODAY, owner="someone else")
    assert ReminderSchedule(agenda, MemoryStore()).count(TODAY).due == 2
    assert ReminderSchedule(agenda, MemoryStore(), mine=True).count(TODAY).due == 1


def test_the_file_store_keeps_the_day_and_its_keys_and_survives_bad_files(
        tmp_path: Path) -> None:
    path = tmp_path / "reminders" / "book.json"
    store = FileStore(path)
    assert store.load() == (None, set())  # no file yet
    keys = {f"interaction:{n}:2026-09-20" for n in range(30_000)} | {"important_date:7:2026-09-21"}
    store.save(TODAY, keys)
    assert FileStore(path).load() == (TODAY, keys)
    assert json.loads(path.read_text(encoding="utf-8"))["day"] == "2026-09-20"
    for damaged in (b"", b"{not json", b"[]", b'{"day": "2026-13-40", "announced": []}',
                    b'{"day": "2026-09-20", "announced": [1, 2]}',
                    b'{"day": "2026-09-20", "announced": "x"}', b"\xff\xfe"):
        path.write_bytes(damaged)
        assert FileStore(path).load() == (None, set())  # a day started afresh


def test_a_file_store_that_cannot_write_loses_nothing_else(tmp_path: Path) -> None:
    blocker = tmp_path / "reminders"
    blocker.write_bytes(b"a file where the folder would be")
    store = FileStore(blocker / "book.json")
    store.save(TODAY, {"interaction:1:2026-09-20"})  # no error for the tray
    assert store.load() == (None, set())
    assert blocker.read_bytes() == b"a file where the folder would be"
