"""Churn warnings as agenda items (kind ``churn_warning``): the three signals
of domain.churn found by storage.churn_repo for a window of days.

Each item falls on the day its signal arose and is identified by (source,
client id, that day), so marking it done (a care_done row, as for a birthday)
dismisses it until the signal changes: a later order moves the "no order"
day, a new evaluation the "grade fell" day, and each month has its own drop.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import date
from typing import TYPE_CHECKING, Any

from desktop_crm.domain.care import AgendaItem, Source, order_run, run_of_days
from desktop_crm.domain.churn import ChurnSettings, drop_percent, month_starts, months_before
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.storage import churn_repo
from desktop_crm.storage.care_repo import Days, split_day_and_grade

if TYPE_CHECKING:
    from desktop_crm.storage.read_ahead import ReadAhead

SETTINGS_KEY = "churn"
KIND = AgendaKind.CHURN_WARNING


def churn_items(read: ReadAhead, settings: ChurnSettings, today: date, first: date, end: date,
                owner: str | None, remind: int = 0
                ) -> Generator[None, None, list[list[AgendaItem]]]:
    """The warnings whose day falls in ``first`` .. ``end`` (drops and fallen
    grades only up to ``today``: they are not foreseen), of ``owner``'s
    clients when given, without those marked done (the agenda leaves the done
    marks of ``CHURN_SOURCES`` to this function): a run per signal, each in
    day order, then client (``domain.care.order_run``'s order). A step of
    the agenda (``agenda._Builder.collect``): it names its reads, yields
    once, then builds, and returns the runs."""
    limits = {g: settings.no_order_limit(g) for g in ("A", "B", "C", "")}
    monthly = []
    for start in month_starts(first, min(end, today)):
        before, last = months_before(start)
        monthly.append((start, read(churn_repo.sales_drops, before, last, start,
                                    settings.drop_minimum * 100, settings.drop_percent, owner)))
    no_order = read(churn_repo.no_order_since, limits, first, end, owner)
    grades = read(churn_repo.grades_fallen, first, min(end, today), owner) if first <= today \
        else None
    yield
    drops: list[AgendaItem] = []
    for start, rows in monthly:
        for client_id, name, before_cents, last_cents in rows.get():
            percent = drop_percent(int(before_cents), int(last_cents))
            drops.append(AgendaItem(start, KIND, Source.CHURN_DROP, client_id, client_id, name,
                                    "", percent, remind))
    # (last won day and grade, one value) -> the warning's day, the days
    # without an order, the grade's limit and the warnings of that day:
    # thousands of warnings share a few hundred, gathered by day as read
    found: dict[Any, tuple[date, str, int, int, Any]] = {}
    by_day: dict[date, list[AgendaItem]] = {}
    new, source, days_of = tuple.__new__, Source.CHURN_NO_ORDER, Days()
    # each grade's rows come in the order of the index (last won day): a row
    # mostly has the day and grade of the one before it, compared as it is
    # instead of looked up
    won_was: Any = None
    known: tuple[date, str, int, int, Any] | None = None
    for client_id, name, won_grade in no_order.get():
        if known is None or won_grade != won_was:
            won_was = won_grade
            known = found.get(won_grade)
            if known is None:
                won, grade = split_day_and_grade(won_grade)
                limit = limits[grade]
                day = date.fromordinal(won.toordinal() + limit)
                known = found[won_grade] = (
                    day, grade, (max(day, today) - won).days, limit,
                    by_day.setdefault(day, []).append)
        day, detail, days, limit, append = known
        append(new(AgendaItem, (day, KIND, source, client_id, client_id, name, detail, days,
                                remind, limit, None)))
    fallen: list[AgendaItem] = []
    if grades is not None:
        for client_id, name, before_grade, grade, evaluated in grades.get():
            fallen.append(AgendaItem(days_of[evaluated], KIND, Source.CHURN_GRADE, client_id,
                                     client_id, name, f"{before_grade}{grade}", None, remind))
    return [order_run(drops), run_of_days(by_day), order_run(fallen)]
