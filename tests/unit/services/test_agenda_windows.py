"""The agenda's content on a book with every kind of item, on both engines:
its yearly dates agree with a naive loop (``next_occurrence`` on every stored
date, the lunar ones converted row by row) over windows crossing the year
end, the Spring Festival and a 29 February; Today's list is exactly the
agenda filtered by reminders, however few rows each source reads for it; and
items on a window's edges are in, those a day past them are out."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from lunar_python import Lunar
from sqlalchemy import select, update

from desktop_crm.domain.care import AgendaItem, sort_items
from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Interaction
from desktop_crm.domain.dates import DateSpec, next_occurrence, years_at
from desktop_crm.domain.enums import AgendaKind, Channel, DateKind
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.demo import generate
from desktop_crm.storage import care_repo
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client
from tests.conftest import Clock
from tests.helpers.stored_dates import DATED, stored_dates

NOW = datetime(2026, 11, 24, 9, 0)
# (kind, source, ref, client id, day, years): one dated item
Found = tuple[AgendaKind, str, int, int, date, int | None]


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def book(db: Database, clock: Clock) -> dict[str, int]:
    """80 demo clients (every kind of item: follow-ups, thank-yous, complaints,
    orders behind churn warnings, not contacted, the backlog) and a few cards
    whose dates sit on the calendar's edges; their ids by name."""
    generate(db, 80, seed=3, now=NOW)
    clients = ClientService(db, clock, user="test")
    cards = {
        # lunar 12/30: the lunar year's last day (the 12th month of 2025-2027 has 29 days)
        "除夕": ClientCard(name="除夕", birthday=DateSpec.lunar(12, 30)),
        "腊八": ClientCard(name="腊八", birthday=DateSpec.lunar(12, 8, year=1985)),
        "正月初一": ClientCard(name="正月初一", dates=[ImportantDate(
            DateKind.CUSTOM, DateSpec.lunar(1, 1), "拜年")]),
        "闰六月": ClientCard(name="闰六月", birthday=DateSpec.lunar(6, 10, leap=True, year=2017)),
        "二月二十九": ClientCard(name="二月二十九", family=[
            FamilyMember("女儿", "小雨", DateSpec.solar(2, 29, year=2012))],
            founded_on=date(2016, 2, 29)),
        "年末": ClientCard(name="年末", dates=[ImportantDate(DateKind.WEDDING_ANNIVERSARY,
                                               DateSpec.solar(12, 31, year=2000)),
                                 ImportantDate(DateKind.CUSTOM, DateSpec.solar(1, 1, year=2026),
                                               "元旦", remind_days=20)],
                          relationship_since=date(2025, 1, 1)),
        # won on 20 November 2026: that day itself (in the overdue days) is no anniversary
        "今年才认识": ClientCard(name="今年才认识", relationship_since=date(2026, 11, 20)),
    }
    ids = {name: clients.save(card) for name, card in cards.items()}
    with db.session() as s:
        s.execute(update(Client).where(Client.id.in_(ids.values()))
                  .values(created_at=datetime(2020, 1, 1, 9, 0), grade="A"))
    for cid in ids.values():
        clients.log_interaction(Interaction(cid, NOW - timedelta(days=1), Channel.CALL, "hi"))
    return ids


def naive_dated(db: Database, first: date, end: date) -> set[Found]:
    """Every live client's dated rows, each converted by ``next_occurrence``
    again and again across ``first`` .. ``end``."""
    found: set[Found] = set()
    for kind, source, ref, client_id, spec in stored_dates(db):
        day = next_occurrence(spec, first)
        while day <= end:
            years = years_at(spec, day)
            if years is None or years > 0:
                found.add((kind, source, ref, client_id, day, years))
            day = next_occurrence(spec, day + timedelta(days=1))
    return found


def dated(items: list[AgendaItem]) -> set[Found]:
    return {(i.kind, i.source, i.ref, i.client_id or 0, i.day, i.years)
            for i in items if i.kind in DATED}


@pytest.mark.parametrize("start, days", [
    (date(2026, 11, 24), 30),   # the fixed today
    (date(2026, 12, 20), 60),   # across the year end and the Spring Festival (6 Feb 2027)
    (date(2027, 1, 20), 45),    # lunar 12/30 of 2026 falls on 5 February 2027
    (date(2028, 2, 20), 14),    # a leap year: 29 February itself
    (date(2027, 2, 20), 14),    # not a leap year: 29 February falls on the 28th
    (date(2027, 7, 1), 120),    # over a lunar leap month's year (2028 has none, 2025 had 6)
])
def test_dated_items_agree_with_the_naive_loop(db: Database, book: dict[str, int], clock: Clock,
                                               start: date, days: int) -> None:
    agenda = AgendaService(db, clock)
    end = start + timedelta(days=days - 1)
    first = start - timedelta(days=agenda.settings().overdue_days)
    with db.read() as s:
        done = care_repo.done_keys(s, first, end)  # the demo greeted some already
    ours = dated(agenda.agenda(days, start))
    assert ours == {f for f in naive_dated(db, first, end) if (f[1], f[2], f[4]) not in done}
    assert book["今年才认识"] not in {found[3] for found in ours}
    assert ours  # the windows are not empty


def test_lunar_year_end_and_29_february_fall_where_the_calendar_says(
        db: Database, book: dict[str, int], clock: Clock) -> None:
    agenda = AgendaService(db, clock)
    items = agenda.agenda(60, date(2026, 12, 20), include_overdue=False)
    mine = {i.client: (i.day, i.kind, i.years) for i in items if i.kind in DATED
            and i.client_id in book.values() and i.kind == AgendaKind.BIRTHDAY}
    # lunar 2026 has no 30th of the 12th month: the birthday is kept on its last day
    eve = Lunar.fromYmd(2026, 12, 29).getSolar()
    laba = Lunar.fromYmd(2026, 12, 8).getSolar()
    assert mine == {
        "除夕": (date(eve.getYear(), eve.getMonth(), eve.getDay()), AgendaKind.BIRTHDAY, None),
        "腊八": (date(laba.getYear(), laba.getMonth(), laba.getDay()), AgendaKind.BIRTHDAY, 41),
    }
    edge = [(i.day, i.kind, i.years, i.detail) for i in items
            if i.client_id in (book["年末"], book["正月初一"], book["今年才认识"])
            and i.kind in DATED]
    assert sorted(edge, key=str) == sorted([
        (date(2026, 12, 31), AgendaKind.WEDDING_ANNIVERSARY, 26, ""),
        (date(2027, 1, 1), AgendaKind.CUSTOM_DATE, 1, "元旦"),
        (date(2027, 1, 1), AgendaKind.RELATIONSHIP_ANNIVERSARY, 2, ""),
        (date(2027, 2, 6), AgendaKind.CUSTOM_DATE, None, "拜年"),  # 正月初一 2027
    ], key=str)
    leap = [(i.day, i.kind, i.years, i.detail)
            for i in agenda.agenda(14, date(2028, 2, 20), include_overdue=False)
            if i.client_id == book["二月二十九"] and i.kind in DATED]
    assert sorted(leap, key=str) == [
        (date(2028, 2, 29), AgendaKind.FAMILY_BIRTHDAY, 16, "女儿 小雨"),
        (date(2028, 2, 29), AgendaKind.FOUNDING_ANNIVERSARY, 12, ""),
    ]


@pytest.mark.parametrize("per_statement", [1_000, 5])
def test_the_agenda_is_in_sort_items_order(db: Database, book: dict[str, int], clock: Clock,
                                           monkeypatch: pytest.MonkeyPatch,
                                           per_statement: int) -> None:
    """The agenda is merged from runs in the order each source reads its
    rows (the yearly dates by day, then id, a statement's days at a time):
    it is exactly ``sort_items``' order, also when the window's days take
    many statements (5 keys a statement: a day's solar and lunar keys would
    be split between two if a statement could end inside a day)."""
    monkeypatch.setattr(care_repo, "_DAYS_PER_STATEMENT", per_statement)
    agenda = AgendaService(db, clock)
    for days, start in ((30, None), (400, date(2026, 12, 20))):
        items = agenda.agenda(days, start)
        assert items == sort_items(list(items))
        assert len({i.kind for i in items}) >= 8
    today = agenda.due_today()
    assert today and today == sort_items(list(today))


@pytest.mark.parametrize("mine", [False, True])
def test_today_is_the_agenda_filtered_by_reminders(db: Database, book: dict[str, int],
                                                   clock: Clock, mine: bool) -> None:
    """Today reads each source only as far as its kind's reminder reaches:
    the list is still exactly the long agenda's items whose reminder has
    begun, on every day tried (a 20-day reminder of its own included)."""
    with db.read() as s:
        owner = s.scalar(select(Client.owner).where(Client.owner != "").limit(1))
    agenda = AgendaService(db, clock, user=owner)
    with db.read() as s:
        lead = max(care_repo.longest_own_reminder(s), *agenda.settings().remind_days.values())
    assert lead >= 20
    kinds = set()
    for day in (date(2026, 11, 24), date(2026, 12, 12), date(2026, 12, 31),
                date(2027, 2, 1), date(2028, 2, 28)):
        clock.set_day(day)
        expected = [i for i in agenda.agenda(lead + 1, day, mine=mine) if i.is_due(day)]
        assert agenda.due_today(mine=mine) == expected
        kinds |= {i.kind for i in expected}
    if not mine:
        assert {AgendaKind.FOLLOW_UP, AgendaKind.NO_CONTACT, AgendaKind.CHURN_WARNING,
                AgendaKind.BIRTHDAY, AgendaKind.CUSTOM_DATE} <= kinds


def test_items_on_the_window_edges(db: Database, clock: Clock) -> None:
    clients = ClientService(db, clock, user="test")
    agenda = AgendaService(db, clock)
    start, days = date(2026, 11, 24), 10
    end = start + timedelta(days=days - 1)
    first = start - timedelta(days=agenda.settings().overdue_days)
    cards = {
        "首日": DateSpec.solar(first.month, first.day), "首日前": DateSpec.solar(11, 16),
        "末日": DateSpec.solar(end.month, end.day), "末日后": DateSpec.solar(12, 4),
    }
    ids = {}
    for name, spec in cards.items():
        ids[name] = clients.save(ClientCard(name=name, birthday=spec))
        clients.log_interaction(Interaction(ids[name], NOW, Channel.CALL, "hi"))
    clients.log_interaction(Interaction(ids["首日"], NOW, Channel.CALL, "last day",
                                        next_step="call back", follow_up_on=end))
    clients.log_interaction(Interaction(ids["首日前"], NOW, Channel.CALL, "after",
                                        next_step="call back", follow_up_on=end + timedelta(1)))
    items = agenda.agenda(days, start)
    got = {(i.client, i.day, i.kind) for i in items}
    assert got == {
        ("首日", first, AgendaKind.BIRTHDAY), ("末日", end, AgendaKind.BIRTHDAY),
        ("首日", end, AgendaKind.FOLLOW_UP),
    }
