"""The narrower reads behind the agenda and Today (storage/care_repo.py,
storage/churn_repo.py), on both engines: Today's yearly dates read only the
rows whose reminder has begun, the anniversaries only each kind's own days,
dismissed "no order" warnings are left out in the database, and a drop reads
the two months' rows by key."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from decimal import Decimal

import pytest
from lunar_python import Solar
from sqlalchemy import event, update

from desktop_crm.domain.care import Source
from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate
from desktop_crm.domain.dates import SOLAR, DateSpec, occurrences_between
from desktop_crm.domain.enums import AgendaKind, DateKind
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage import care_repo, churn_repo
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client
from tests.conftest import Clock

NOW = datetime(2026, 9, 20, 9, 0)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def clients(db: Database, clock: Clock) -> ClientService:
    return ClientService(db, clock, user="me")


def _key(month: int, day: int) -> tuple[str, int, int, bool]:
    return (SOLAR, month, day, False)


def test_todays_yearly_dates_read_only_those_whose_reminder_has_begun(
        db: Database, clients: ClientService) -> None:
    """With ``due_on`` a row is read when its own reminder, or else its kind's
    default, reaches its day; past days always. Each row carries the day it
    falls on and the year that day counts from."""
    near = clients.save(ClientCard(name="近", birthday=DateSpec.solar(9, 22, year=1980)))
    far = clients.save(ClientCard(name="远", birthday=DateSpec.solar(9, 30, year=1980)))
    own = clients.save(ClientCard(name="自定", dates=[ImportantDate(
        DateKind.CUSTOM, DateSpec.solar(9, 30), "店庆", remind_days=15)]))
    past = clients.save(ClientCard(name="已过", birthday=DateSpec.solar(9, 18, year=1980)))
    family = clients.save(ClientCard(name="家人", family=[
        FamilyMember("女儿", "小雨", DateSpec.solar(9, 22, year=2012)),
        FamilyMember("儿子", "小明", DateSpec.solar(9, 30, year=2014), remind_days=10),
        FamilyMember("妻子", "李娜", DateSpec.solar(9, 30, year=1982))]))
    days = care_repo.window_days({
        _key(9, 18): [(date(2026, 9, 18), 2026)], _key(9, 22): [(date(2026, 9, 22), 2026)],
        _key(9, 30): [(date(2026, 9, 30), 2026)]})
    leads = {"birthday": 3, "wedding_anniversary": 3, "custom": 3}
    today = date(2026, 9, 20)
    with db.read() as s:
        every = care_repo.dates_with_keys(s, days, Source.IMPORTANT_DATE)
        due = care_repo.dates_with_keys(s, days, Source.IMPORTANT_DATE, None, today, leads)
        members = care_repo.family_birthdays_with_keys(s, days, Source.FAMILY_MEMBER, None,
                                                       today, 3)
    assert {r[1] for r in every} == {near, far, own, past}
    # each row names the window's (key, day, year) it falls on by its index:
    # (client, day, year), in day order, then id
    assert [(r[1], *days[care_repo.slot_of(r[6])[0]][1:]) for r in every] == [
        (past, date(2026, 9, 18), 2026), (near, date(2026, 9, 22), 2026),
        (far, date(2026, 9, 30), 2026), (own, date(2026, 9, 30), 2026)]
    # and the stored kind's code (care_repo.STORED_KINDS) in the same integer
    kinds = care_repo.STORED_KINDS
    assert {(r[1], kinds[care_repo.slot_of(r[6])[1]]) for r in every} == {
        (near, "birthday"), (far, "birthday"), (own, "custom"), (past, "birthday")}
    assert {kinds[care_repo.slot_of(r[6])[1]] for r in members} == {"family"}
    assert {r[1] for r in due} == {near, own, past}  # 9-30 is 10 days off: only its own 15
    # the wife's birthday is 10 days off with the kind's 3: not read yet
    assert sorted(r[3] for r in members) == sorted(["女儿 小雨", "儿子 小明"])
    assert {r[1] for r in members} == {family}


@pytest.mark.parametrize("per_statement", [1, 2, 1_000])
def test_a_days_yearly_dates_come_in_id_order_however_many_statements(
        db: Database, clients: ClientService, monkeypatch: pytest.MonkeyPatch,
        per_statement: int) -> None:
    """The rows are in day order, then id (the agenda merges them without a
    sort): a day's solar and lunar keys are read by one statement, never
    split between two, however few keys a statement takes."""
    lunar = Solar.fromYmd(2026, 9, 22).getLunar()
    solar_id = clients.save(ClientCard(name="阳历", birthday=DateSpec.solar(9, 22)))
    lunar_id = clients.save(ClientCard(name="农历", birthday=DateSpec.lunar(
        abs(lunar.getMonth()), lunar.getDay(), leap=lunar.getMonth() < 0)))
    before = clients.save(ClientCard(name="前一天", birthday=DateSpec.solar(9, 21)))
    days = care_repo.window_days(occurrences_between(date(2026, 9, 21), date(2026, 9, 23)))
    monkeypatch.setattr(care_repo, "_DAYS_PER_STATEMENT", per_statement)
    with db.read() as s:
        rows = care_repo.dates_with_keys(s, days, Source.IMPORTANT_DATE)
    assert [(r[1], days[care_repo.slot_of(r[6])[0]][1]) for r in rows] == [
        (before, date(2026, 9, 21)), (solar_id, date(2026, 9, 22)),
        (lunar_id, date(2026, 9, 22))]


def test_rows_found_in_any_order_are_put_in_day_order_then_ref() -> None:
    """PostgreSQL's yearly dates come without an ORDER BY (``_day_order``) and
    are put in day order, then ref, by the app (``_in_day_order``): as the
    join finds them (the CTE's order, each key's rows in the primary key's
    order, a day's keys one after the other) and in any other order."""
    import random

    days = care_repo.window_days({
        _key(9, 21): [(date(2026, 9, 21), 2026)], _key(9, 22): [(date(2026, 9, 22), 2026)],
        (SOLAR, 9, 22, True): [(date(2026, 9, 22), 2026)],
        ("lunar", 8, 1, False): [(date(2026, 9, 22), 2026)],
        _key(9, 23): [(date(2026, 9, 23), 2026)]})
    # (ref, ..., slot: n * KIND_SLOTS + a kind's code): each key's refs in
    # order, a day's keys' refs interleaved, the kinds' codes mixed
    refs = {0: [5, 9], 1: [3, 8, 20], 2: [1, 30], 3: [2, 4], 4: [7]}
    as_found = [(ref, "x", n * care_repo.KIND_SLOTS + ref % 5)
                for n in sorted(refs) for ref in refs[n]]
    wanted = sorted(as_found, key=lambda row: (
        days[care_repo.slot_of(row[2])[0]][1], row[0]))
    assert as_found != wanted
    ordered = care_repo._in_day_order(days, 2, care_repo.KIND_SLOTS, 0)
    assert ordered(list(as_found)) == wanted
    shuffled = list(as_found)
    random.Random(7).shuffle(shuffled)
    assert ordered(shuffled) == wanted
    assert ordered(list(reversed(as_found))) == wanted
    assert ordered([]) == []


def test_yearly_dates_marked_done_are_left_out_by_the_query(
        db: Database, clients: ClientService, clock: Clock) -> None:
    """A date done on one day is left out on that day only (the next year's
    occurrence is a new item)."""
    cid = clients.save(ClientCard(name="王芳", birthday=DateSpec.solar(9, 22, year=1980)))
    agenda = AgendaService(db, clock, user="me")
    item = next(i for i in agenda.agenda(7) if i.client_id == cid)
    days = care_repo.window_days(
        {_key(9, 22): [(date(2026, 9, 22), 2026), (date(2027, 9, 22), 2027)]})
    with db.read() as s:
        assert len(care_repo.dates_with_keys(s, days, Source.IMPORTANT_DATE)) == 2
    agenda.mark_done(item)
    with db.read() as s:
        rows = care_repo.dates_with_keys(s, days, Source.IMPORTANT_DATE)
        other = care_repo.dates_with_keys(s, days, Source.FAMILY_MEMBER)
    assert [(r[1], *days[care_repo.slot_of(r[6])[0]][1:]) for r in rows] == [
        (cid, date(2027, 9, 22), 2027)]
    assert len(other) == 2  # done marks of another source do not count


def test_dismissed_no_order_warnings_are_left_out_by_the_query(
        db: Database, clients: ClientService, clock: Clock) -> None:
    sales = SalesService(db, clock, user="me")
    agenda = AgendaService(db, clock, user="me")
    ids = []
    for name in ("甲", "乙"):
        client_id = clients.save(ClientCard(name=name))
        with db.session() as s:
            s.execute(update(Client).where(Client.id == client_id).values(grade="A"))
        sales.save(Order(client_id, date(2026, 7, 10), "服务器", Decimal("100")))
        ids.append(client_id)
    limits = {"A": 60, "B": 90, "C": 180, "": 120}
    first, last = date(2026, 8, 21), date(2026, 10, 19)
    with db.read() as s:
        assert {r[0] for r in churn_repo.no_order_since(s, limits, first, last)} == set(ids)
    item = next(i for i in agenda.agenda(30, kinds=[AgendaKind.CHURN_WARNING])
                if i.client_id == ids[0] and i.source == Source.CHURN_NO_ORDER)
    assert item.day == date(2026, 9, 8)  # 10 July + 60 days, across a month's end
    agenda.mark_done(item)
    with db.read() as s:
        assert {r[0] for r in churn_repo.no_order_since(s, limits, first, last)} == {ids[1]}


def test_a_drop_compares_the_two_months_by_key(db: Database, clients: ClientService,
                                               clock: Clock) -> None:
    """The month before last against the last month, one row each; a client
    without a last month counts as nothing sold then; dismissed ones are out."""
    sales = SalesService(db, clock, user="me")
    agenda = AgendaService(db, clock, user="me")
    fell, steady, gone = (clients.save(ClientCard(name=n)) for n in ("跌", "稳", "停"))
    for client_id, july, august in ((fell, "5000", "2000"), (steady, "5000", "4000"),
                                    (gone, "3000", None)):
        sales.save(Order(client_id, date(2026, 7, 3), "服务器", Decimal(july)))
        if august:
            sales.save(Order(client_id, date(2026, 8, 3), "服务器", Decimal(august)))
    sales.save(Order(steady, date(2026, 8, 9), "服务器", Decimal("9"),
                     status=OrderStatus.LOST, lost_reason="价格"))
    args = (date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1), 100_000, 40)
    with db.read() as s:
        rows = sorted(tuple(r) for r in churn_repo.sales_drops(s, *args))
    assert rows == sorted([(fell, "跌", 500_000, 200_000), (gone, "停", 300_000, 0)])
    drop = next(i for i in agenda.agenda(30, kinds=[AgendaKind.CHURN_WARNING])
                if i.client_id == gone and i.source == Source.CHURN_DROP)
    agenda.mark_done(drop)
    with db.read() as s:
        assert [r[0] for r in churn_repo.sales_drops(s, *args)] == [fell]


def test_the_greeting_list_is_counted_only_when_a_festival_falls_in_the_window(
        db: Database, clients: ClientService, clock: Clock) -> None:
    clients.save(ClientCard(name="客户"))
    agenda = AgendaService(db, clock, user="me")
    counted: list[str] = []

    def record(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        if "count(clients.id)" in sql:
            counted.append(sql)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        # 20 September - 1 October: National Day (10-01) falls in it
        festivals = [i for i in agenda.agenda(12) if i.kind == AgendaKind.FESTIVAL]
        assert festivals and {i.group_size for i in festivals} == {1}
        assert len(counted) == 1
        counted.clear()
        assert not [i for i in agenda.agenda(5) if i.kind == AgendaKind.FESTIVAL]
        assert counted == []
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_a_ten_year_window_reads_every_year_in_statements_of_bounded_size(
        db: Database, clients: ClientService, clock: Clock) -> None:
    """Ten years of days (the calendar export's longest window plus a year)
    are more days than one statement may bind on SQLite: they are read a
    chunk at a time, and every year's birthday is found once."""
    cid = clients.save(ClientCard(name="十年", birthday=DateSpec.lunar(8, 15, year=1980),
                                  family=[FamilyMember("女儿", "小雨",
                                                       DateSpec.solar(3, 1, year=2010))]))
    if db.engine.dialect.name == "sqlite":
        # SQLite's own default limit of bound parameters (this system's build allows more)
        db.engine.dispose()
        event.listen(db.engine, "connect", lambda conn, _record: conn.setlimit(
            sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32_766))
    agenda = AgendaService(db, clock, user="me")
    items = [i for i in agenda.agenda(3660 + 366, include_overdue=False) if i.client_id == cid]
    birthdays = [i for i in items if i.kind == AgendaKind.BIRTHDAY]
    family = [i for i in items if i.kind == AgendaKind.FAMILY_BIRTHDAY]
    assert [i.years for i in birthdays] == list(range(46, 58))  # 2026 .. 2037-09-28
    assert [i.day.year for i in family] == list(range(2027, 2038))
