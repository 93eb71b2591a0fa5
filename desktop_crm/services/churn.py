"""Churn warnings as agenda items (kind ``churn_warning``): the three signals
of domain.churn found by storage.churn_repo for a window of days.

Each item falls on the day its signal arose and is identified by (source,
client id, that day), so marking it done (a care_done row, as for a birthday)
dismisses it until the signal changes: a later order moves the "no order"
day, a new evaluation the "grade fell" day, and each month has its own drop.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from desktop_crm.domain.care import AgendaItem, Source
from desktop_crm.domain.churn import ChurnSettings, drop_percent, month_starts, months_before
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.storage import churn_repo

SETTINGS_KEY = "churn"
KIND = AgendaKind.CHURN_WARNING


def churn_items(s: Session, settings: ChurnSettings, today: date, first: date, end: date,
                owner: str | None, remind: int = 0) -> list[AgendaItem]:
    """The warnings whose day falls in ``first`` .. ``end`` (drops and fallen
    grades only up to ``today``: they are not foreseen), of ``owner``'s
    clients when given, without those marked done (the agenda leaves the done
    marks of ``CHURN_SOURCES`` to this function)."""
    items: list[AgendaItem] = []
    for start in month_starts(first, min(end, today)):
        before, last = months_before(start)
        for client_id, name, before_cents, last_cents in churn_repo.sales_drops(
                s, before, last, start, settings.drop_minimum * 100, settings.drop_percent,
                owner):
            percent = drop_percent(int(before_cents), int(last_cents))
            items.append(AgendaItem(start, KIND, Source.CHURN_DROP, client_id, client_id, name,
                                    "", percent, remind))
    limits = {g: settings.no_order_limit(g) for g in ("A", "B", "C", "")}
    # (last won day, grade) -> the warning's day, the days without an order
    # and the grade's limit: thousands of warnings share a few hundred
    found: dict[tuple[date, str | None], tuple[date, str, int, int]] = {}
    new, source = tuple.__new__, Source.CHURN_NO_ORDER
    for client_id, name, grade, last_won in churn_repo.no_order_since(s, limits, first, end,
                                                                        owner):
        known = found.get((last_won, grade))
        if known is None:
            limit = limits[grade or ""]
            day = date.fromordinal(last_won.toordinal() + limit)
            known = found[(last_won, grade)] = (day, grade or "",
                                                (max(day, today) - last_won).days, limit)
        day, detail, days, limit = known
        items.append(new(AgendaItem, (day, KIND, source, client_id, client_id, name, detail,
                                      days, remind, limit, None)))
    if first <= today:
        for client_id, name, before_grade, grade, evaluated in churn_repo.grades_fallen(
                s, first, min(end, today), owner):
            items.append(AgendaItem(evaluated, KIND, Source.CHURN_GRADE, client_id, client_id,
                                    name, f"{before_grade}{grade}", None, remind))
    return items
