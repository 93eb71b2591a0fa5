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
    for client_id, name, grade, last_won in churn_repo.no_order_since(s, limits, first, end,
                                                                        owner):
        limit = limits[grade or ""]
        day = date.fromordinal(last_won.toordinal() + limit)
        days = (max(day, today) - last_won).days
        items.append(AgendaItem(day, KIND, Source.CHURN_NO_ORDER, client_id, client_id, name,
                                grade or "", days, remind, limit))
    if first <= today:
        for client_id, name, before_grade, grade, evaluated in churn_repo.grades_fallen(
                s, first, min(end, today), owner):
            items.append(AgendaItem(evaluated, KIND, Source.CHURN_GRADE, client_id, client_id,
                                    name, f"{before_grade}{grade}", None, remind))
    return items
