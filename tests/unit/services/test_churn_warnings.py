"""Churn warnings (流失预警) on the care agenda, on both engines: the sales
drop, no order for longer than the grade allows, a grade that fell; their
thresholds in settings, dismissing them, and the "Mine" filter; and the
queries behind them give what the orders, cards and done marks say."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text, update

from desktop_crm.domain.care import AgendaItem, CareSettings, Source
from desktop_crm.domain.churn import ChurnSettings, months_before
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.domain.sales import WON_STATUSES, Order, OrderStatus
from desktop_crm.domain.validation import ValidationError
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.demo import generate
from desktop_crm.services.sales import SalesService
from desktop_crm.storage import churn_repo
from desktop_crm.storage.care_repo import Days, split_day_and_grade
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client
from tests.conftest import Clock

CHURN = [AgendaKind.CHURN_WARNING]


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 20, 9, 0))


@pytest.fixture
def agenda(db: Database, clock: Clock) -> AgendaService:
    return AgendaService(db, clock, user="me")


@pytest.fixture
def clients(db: Database, clock: Clock) -> ClientService:
    return ClientService(db, clock, user="me")


@pytest.fixture
def sales(db: Database, clock: Clock) -> SalesService:
    return SalesService(db, clock, user="me")


def add(clients: ClientService, name: str, grade: str | None = None, **values: object) -> int:
    client_id = clients.save(ClientCard(name=name))
    with clients.db.session() as s:
        s.execute(update(Client).where(Client.id == client_id).values(grade=grade, **values))
    return client_id


def sell(sales: SalesService, client_id: int, day: date, amount: str,
         status: OrderStatus = OrderStatus.WON, currency: str = "CNY") -> int:
    return sales.save(Order(client_id, day, "服务器", Decimal(amount), currency=currency,
                            status=status,
                            lost_reason="价格" if status == OrderStatus.LOST else ""))


def warnings(agenda: AgendaService, source: str | None = None, **kw: object
             ) -> dict[int, list[AgendaItem]]:
    """The 30-day agenda's churn warnings (of ``source`` only when given) by client."""
    found: dict[int, list[AgendaItem]] = {}
    for item in agenda.agenda(30, kinds=CHURN, **kw):  # type: ignore[arg-type]
        assert item.kind == AgendaKind.CHURN_WARNING and item.client_id is not None
        if source is None or item.source == source:
            found.setdefault(item.client_id, []).append(item)
    return found


def test_a_drop_of_forty_percent_after_a_meaningful_month_warns(
        clients: ClientService, sales: SalesService, agenda: AgendaService) -> None:
    dropped = add(clients, "王芳")
    sell(sales, dropped, date(2026, 7, 3), "3000")
    sell(sales, dropped, date(2026, 7, 31), "2000", OrderStatus.PAID)
    sell(sales, dropped, date(2026, 8, 1), "2000", OrderStatus.DELIVERED)
    sell(sales, dropped, date(2026, 8, 20), "9000", OrderStatus.QUOTED)  # not a sale
    sell(sales, dropped, date(2026, 9, 2), "9000")  # this month: not compared yet
    small = add(clients, "小单")  # the month before is below the minimum
    sell(sales, small, date(2026, 7, 10), "999.99")
    mild = add(clients, "小降")  # 30% is not enough
    sell(sales, mild, date(2026, 7, 10), "5000")
    sell(sales, mild, date(2026, 8, 10), "3500")
    exact = add(clients, "正好")  # exactly 40% is
    sell(sales, exact, date(2026, 7, 10), "1000")
    sell(sales, exact, date(2026, 8, 10), "600")
    dollars = add(clients, "外币")  # other currencies are not summed in
    sell(sales, dollars, date(2026, 7, 10), "5000", currency="USD")
    older = add(clients, "六月")  # June -> July was the month before: not in the window
    sell(sales, older, date(2026, 6, 10), "5000")

    found = warnings(agenda, Source.CHURN_DROP)
    assert set(found) == {dropped, exact}
    item = found[dropped][0]
    assert (item.day, item.source, item.years) == (date(2026, 9, 1), Source.CHURN_DROP, 60)
    assert item.title == "王芳: sales down 60% month on month"
    assert found[exact][0].years == 40
    # the threshold is a setting: 50% keeps the 60% drop and not the 40% one
    agenda.save_settings(agenda.settings(), ChurnSettings(drop_percent=50))
    assert set(warnings(agenda, Source.CHURN_DROP)) == {dropped}
    # and the minimum: 6,000 yuan in July is more than 王芳 bought
    agenda.save_settings(agenda.settings(), ChurnSettings(drop_minimum=6000))
    assert set(warnings(agenda, Source.CHURN_DROP)) == set()


def test_no_order_for_longer_than_the_grade_allows(
        clients: ClientService, sales: SalesService, agenda: AgendaService) -> None:
    a = add(clients, "甲", grade="A")
    sell(sales, a, date(2026, 5, 1), "100")
    sell(sales, a, date(2026, 7, 10), "100")  # the last won order: 72 days ago
    sell(sales, a, date(2026, 9, 1), "100", OrderStatus.QUOTED)
    sell(sales, a, date(2026, 9, 5), "100", OrderStatus.LOST)
    b = add(clients, "乙", grade="B")
    sell(sales, b, date(2026, 7, 10), "100")  # B allows 90: due on 10-08
    unrated = add(clients, "丙")
    sell(sales, unrated, date(2026, 5, 20), "100")  # unrated: 120 days, due 09-17
    never = add(clients, "从未", grade="A")
    sell(sales, never, date(2026, 1, 5), "100", OrderStatus.QUOTED)  # never bought
    bought_again = add(clients, "回头", grade="A")
    sell(sales, bought_again, date(2026, 7, 10), "100")
    sell(sales, bought_again, date(2026, 8, 30), "100")
    long_gone = add(clients, "早已流失", grade="A")  # passed the limit months ago
    sell(sales, long_gone, date(2026, 3, 1), "100")

    found = warnings(agenda)
    assert set(found) == {a, b, unrated}
    assert [(i.day, i.source) for i in found[a]] == [(date(2026, 9, 8), Source.CHURN_NO_ORDER)]
    assert found[a][0].title == "甲: no order for 72 days (grade A allows 60)"
    assert found[b][0].day == date(2026, 10, 8)  # foreseen, like a not-contacted client
    assert found[b][0].title == "乙: no order for 90 days (grade B allows 90)"
    assert found[unrated][0].title == "丙: no order for 123 days (unrated clients: 120 allowed)"
    # without overdue items, only what falls in the window itself
    assert set(warnings(agenda, include_overdue=False)) == {b}
    # 0 days turns the warning off for a grade
    agenda.save_settings(agenda.settings(),
                         ChurnSettings(no_order_days={"A": 0, "B": 90, "C": 180, "": 120}))
    assert set(warnings(agenda)) == {b, unrated}


def test_a_recent_fall_in_grade_warns(clients: ClientService, agenda: AgendaService) -> None:
    fell = add(clients, "降级", grade="C", previous_grade="B",
               last_evaluated_on=date(2026, 9, 10))
    add(clients, "升级", grade="B", previous_grade="C", last_evaluated_on=date(2026, 9, 10))
    add(clients, "旧事", grade="C", previous_grade="A", last_evaluated_on=date(2026, 6, 1))
    add(clients, "首次", grade="C", last_evaluated_on=date(2026, 9, 10))
    found = warnings(agenda)
    assert list(found) == [fell]
    assert (found[fell][0].day, found[fell][0].title) == (date(2026, 9, 10),
                                                          "降级: grade fell B → C")


def test_warnings_show_on_today_open_the_client_and_follow_mine(
        clients: ClientService, sales: SalesService, agenda: AgendaService) -> None:
    mine = add(clients, "我的", grade="A", owner="me")
    sell(sales, mine, date(2026, 7, 10), "100")
    theirs = add(clients, "别人的", grade="A", owner="someone else")
    sell(sales, theirs, date(2026, 7, 10), "100")
    deleted = add(clients, "已删除", grade="A")
    sell(sales, deleted, date(2026, 7, 10), "100")
    clients.delete(deleted)
    today = {i.client_id for i in agenda.due_today() if i.kind == AgendaKind.CHURN_WARNING}
    assert today == {mine, theirs}
    assert set(warnings(agenda, mine=True)) == {mine}
    everything = agenda.agenda(30)  # with every kind, churn warnings are among them
    assert {i.client_id for i in everything if i.kind == AgendaKind.CHURN_WARNING} == today


def test_dismissing_lasts_until_the_signal_changes(
        clients: ClientService, sales: SalesService, agenda: AgendaService,
        clock: Clock) -> None:
    a = add(clients, "甲", grade="A")
    sell(sales, a, date(2026, 7, 10), "5000")
    items = warnings(agenda)[a]
    item = next(i for i in items if i.source == Source.CHURN_NO_ORDER)
    assert item.done_summary.startswith("Looked into the churn warning: no order for 72 days")
    receipt = agenda.mark_done(item)
    assert Source.CHURN_NO_ORDER not in {i.source for i in warnings(agenda).get(a, [])}
    agenda.undo_done(receipt)
    assert item in warnings(agenda)[a]
    agenda.mark_done(item)
    # a later order moves the day the limit passes: a new warning
    sell(sales, a, date(2026, 7, 15), "100")
    again = [i for i in warnings(agenda)[a] if i.source == Source.CHURN_NO_ORDER]
    assert [i.day for i in again] == [date(2026, 9, 13)]
    # the drop of August (July 5,100 -> August 0) was dismissed for September only
    drop = next(i for i in warnings(agenda)[a] if i.source == Source.CHURN_DROP)
    agenda.mark_done(drop)
    assert Source.CHURN_DROP not in {i.source for i in warnings(agenda)[a]}


def test_churn_settings_are_validated_and_kept(agenda: AgendaService) -> None:
    assert agenda.churn_settings() == ChurnSettings()
    with pytest.raises(ValidationError) as caught:
        agenda.save_settings(CareSettings(), ChurnSettings(
            drop_percent=0, drop_minimum=-1, no_order_days={"A": -1}, keep_days=0))
    assert {e.field for e in caught.value.errors} == {
        "drop_percent", "drop_minimum", "no_order_days.A", "keep_days"}
    assert agenda.churn_settings() == ChurnSettings()  # nothing was written
    wanted = ChurnSettings(35, 500, {"A": 45, "B": 90, "C": 0, "": 100}, 14)
    agenda.save_settings(CareSettings(overdue_days=3), wanted)
    assert agenda.churn_settings() == wanted
    assert agenda.settings().overdue_days == 3


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _month_after(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def test_the_warnings_are_what_the_orders_grades_and_done_marks_say(
        db: Database, clock: Clock) -> None:
    """Whatever the database keeps for them (migrations 20 and 24), the three
    signals' rows are those computed here from the orders, the cards and the
    done marks themselves: a demo book (its upkeep dismissed the warnings it
    missed) with more drops dismissed by hand, for every month of a year,
    several thresholds, everyone's and one owner's clients."""
    now = datetime(2026, 11, 24, 9)
    generate(db, 150, seed=11, now=now)
    with db.read() as s:
        orders = s.execute(text(
            "SELECT client_id, ordered_on, amount_cents, currency, status FROM orders")).all()
        cards = {cid: (name, owner, grade, before, evaluated, deleted is None)
                 for cid, name, owner, grade, before, evaluated, deleted in s.execute(text(
                     "SELECT id, name, owner, grade, previous_grade, last_evaluated_on, "
                     "deleted_at FROM clients")).all()}
    months: dict[tuple[int, date], int] = {}
    last_won: dict[int, date] = {}
    for client_id, day, cents, currency, status in orders:
        day = _day(day)
        if status in {s.value for s in WON_STATUSES}:
            last_won[client_id] = max(last_won.get(client_id, day), day)
            if currency == "CNY":
                key = (client_id, day.replace(day=1))
                months[key] = months.get(key, 0) + int(cents)
    # more dismissed drops, by hand: every third client's drop of each month
    with db.session() as s:
        for n, (client_id, month) in enumerate(sorted(months)):
            if client_id % 3 == 0:
                s.execute(text(
                    "INSERT INTO care_done (uuid, source, ref_id, occurs_on, client_id, "
                    "done_at) SELECT :uuid, 'churn_drop', :c, :day, :c, :now WHERE NOT EXISTS ("
                    "SELECT 1 FROM care_done WHERE source = 'churn_drop' AND ref_id = :c "
                    "AND occurs_on = :day)"),
                    {"uuid": f"30000000-0000-4000-8000-{n:012d}", "c": client_id,
                     "day": _month_after(_month_after(month)), "now": now})
    with db.read() as s:
        done = {(source, ref, _day(day)) for source, ref, day in s.execute(text(
            "SELECT source, ref_id, occurs_on FROM care_done"))}
    owner = next(o for _n, o, *_rest in cards.values() if o)

    def shown(client_id: int, mine: str | None) -> bool:
        _name, owned, *_rest, live = cards[client_id]
        return live and (mine is None or owned == mine)

    until = date(2025, 12, 1)
    drops_seen = dismissed_seen = 0
    with db.read() as s:
        while until <= now.date():
            before, last = months_before(until)
            for minimum, percent in ((100_000, 40), (0, 100), (1, 1), (500_000, 70)):
                for mine in (None, owner):
                    expected = sorted(
                        (cid, cards[cid][0], cents, months.get((cid, last), 0))
                        for (cid, month), cents in months.items()
                        if month == before and cents >= minimum and shown(cid, mine)
                        and months.get((cid, last), 0) * 100 <= cents * (100 - percent)
                        and ("churn_drop", cid, until) not in done)
                    found = sorted(tuple(r) for r in churn_repo.sales_drops(
                        s, before, last, until, minimum, percent, mine))
                    assert found == expected, (until, minimum, percent, mine)
                    drops_seen += len(found)
            dismissed_seen += sum(1 for source, _c, day in done
                                  if source == "churn_drop" and day == until)
            until = _month_after(until)
        limits = {"A": 60, "B": 90, "C": 180, "": 120}
        days = Days()
        for first, end in ((date(2026, 10, 25), date(2026, 11, 24)),
                           (date(2026, 1, 1), date(2026, 12, 31))):
            for mine in (None, owner):
                expected_no = sorted(
                    (cid, cards[cid][0], cards[cid][2], won) for cid, won in last_won.items()
                    if shown(cid, mine)
                    and first <= won + timedelta(days=limits[cards[cid][2] or ""]) <= end
                    and ("churn_no_order", cid,
                         won + timedelta(days=limits[cards[cid][2] or ""])) not in done)
                # (the day and the grade as one value: split_day_and_grade)
                assert sorted((*r[:2], *_grade_then_day(r[2])) for r in churn_repo.no_order_since(
                    s, limits, first, end, mine)) == expected_no
                expected_fell = sorted(
                    (cid, name, before, grade, _day(evaluated))
                    for cid, (name, _o, grade, before, evaluated, _live) in cards.items()
                    if shown(cid, mine) and evaluated is not None and before is not None
                    and grade is not None and grade > before
                    and first <= _day(evaluated) <= end
                    and ("churn_grade", cid, _day(evaluated)) not in done)
                # (the day as the driver gives it: a key of Days)
                assert sorted((*r[:4], days[r[4]]) for r in churn_repo.grades_fallen(
                    s, first, end, mine)) == expected_fell
    assert drops_seen and dismissed_seen  # both kinds of row were there to tell apart


def _grade_then_day(value: str | int) -> tuple[str | None, date]:
    """A "no order" row's day and grade (one value) as the expected rows hold
    them: the grade (None for none), then the day."""
    day, grade = split_day_and_grade(value)
    return grade or None, day
