"""What the loyalty KPIs read: each client's won orders reduced to a few
numbers in one grouped scan of ``orders``, the complaint ratings and the
interactions' satisfaction of a period. The figures themselves are computed
in domain.loyalty. Functions take a Session and never commit.

Speed: a year's ten KPIs at 100,000 clients and 1,000,000 orders must take
under a second (benchmarks/kpi.py), so there is no query per client: one
aggregate over the won orders (every won order counts, for the first
purchase ever), grouped by client, plus the live clients' estimates.
Clients in the trash, and with ``owner`` other owners' clients, are dropped
by comparing with the set of live client ids rather than by a join: the
join made SQLite look up the client of each of the million orders.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from desktop_crm.domain.loyalty import ClientSales, Rating
from desktop_crm.domain.sales import DEFAULT_CURRENCY
from desktop_crm.storage import dialect
from desktop_crm.storage.models import Client, ComplaintRow, InteractionRow, OrderRow
from desktop_crm.storage.order_repo import WON_VALUES


def _live(owner: str | None) -> Any:
    cond = Client.deleted_at.is_(None)
    return cond if owner is None else and_(cond, Client.owner == owner)


def live_clients(session: Session, owner: str | None = None) -> dict[int, int | None]:
    """Live client id -> estimated yearly spend (whole yuan, None: no estimate)."""
    rows = session.execute(select(Client.id, Client.annual_spend).where(_live(owner)))
    return {cid: spend for cid, spend in rows}


def client_sales(session: Session, start: date, end: date, prev_start: date,
                 owner: str | None = None) -> list[ClientSales]:
    """``ClientSales`` of every live client (of ``owner``) who has a won order
    or an estimated yearly spend, for P = [start, end] and P' = [prev_start,
    start - 1 day]."""
    in_p = and_(OrderRow.ordered_on >= start, OrderRow.ordered_on <= end)
    in_prev = and_(OrderRow.ordered_on >= prev_start, OrderRow.ordered_on < start)
    cny_in_p = and_(in_p, OrderRow.currency == DEFAULT_CURRENCY)
    stmt = (select(OrderRow.client_id, func.min(OrderRow.ordered_on),
                   func.sum(case((in_p, 1), else_=0)),
                   func.sum(case((in_prev, 1), else_=0)),
                   func.sum(case((cny_in_p, 1), else_=0)),
                   func.sum(case((cny_in_p, OrderRow.amount_cents), else_=0)))
            .where(OrderRow.status.in_(WON_VALUES))
            .group_by(OrderRow.client_id))
    live = live_clients(session, owner)
    found: list[ClientSales] = []
    for cid, first, n, prev_n, cny_n, cents in session.execute(stmt):
        if cid in live:
            found.append(ClientSales(cid, first, int(n), int(prev_n), int(cny_n), int(cents),
                                     live.pop(cid)))
    # clients with an estimate who never bought: their wallet is ours to win
    found += [ClientSales(cid, annual_spend=spend) for cid, spend in live.items()
              if spend is not None]
    return found


def _day_range(column: Any, start: date, end: date) -> Any:
    """``column`` (a date-time) on a day from ``start`` to ``end``."""
    return and_(column >= datetime.combine(start, time()),
                column < datetime.combine(end + timedelta(days=1), time()))


def ratings(session: Session, start: date, end: date,
            owner: str | None = None) -> list[tuple[date, Rating]]:
    """(follow-up day, rating) of the complaints of live clients followed up
    from ``start`` to ``end`` whose satisfaction was recorded."""
    rows = session.execute(
        select(ComplaintRow.followed_up_at, ComplaintRow.client_id, ComplaintRow.satisfaction)
        .join(Client, Client.id == ComplaintRow.client_id)
        .where(_live(owner), ComplaintRow.satisfaction.is_not(None),
               _day_range(ComplaintRow.followed_up_at, start, end)))
    return [(at.date(), Rating(cid, int(score))) for at, cid, score in rows
            if at is not None and score is not None]  # the WHERE made sure: for mypy


def satisfaction_scores(session: Session, start: date, end: date,
                        owner: str | None = None) -> list[tuple[datetime, int]]:
    """(when, 1-5) of the interactions of live clients from ``start`` to
    ``end`` that recorded the client's satisfaction."""
    rows = session.execute(
        select(InteractionRow.occurred_at, InteractionRow.satisfaction)
        .join(Client, Client.id == InteractionRow.client_id)
        .where(_live(owner), InteractionRow.satisfaction.is_not(None),
               _day_range(InteractionRow.occurred_at, start, end)))
    return [(at, int(score)) for at, score in rows if score is not None]


def _month_key(session: Session) -> Any:
    """The 'YYYY-MM' of an order's date on either engine (ISO text on SQLite)."""
    if dialect.is_sqlite(session):
        return func.substr(OrderRow.ordered_on, 1, 7)
    return func.to_char(OrderRow.ordered_on, "YYYY-MM")


def monthly_sales(session: Session, start: date, end: date, owner: str | None = None
                  ) -> tuple[dict[int, date], dict[tuple[int, date], tuple[int, int, int]],
                             dict[int, int | None]]:
    """For the month-by-month trend in two scans: every live client's first
    won order ever; (client, month's 1st) -> (won orders, CNY orders, CNY
    cents) of the won orders dated from ``start`` to ``end``; and the live
    clients' estimates."""
    live = live_clients(session, owner)
    first = {cid: day for cid, day in session.execute(
        select(OrderRow.client_id, func.min(OrderRow.ordered_on))
        .where(OrderRow.status.in_(WON_VALUES)).group_by(OrderRow.client_id)) if cid in live}
    key = _month_key(session)
    cny = OrderRow.currency == DEFAULT_CURRENCY
    months: dict[tuple[int, date], tuple[int, int, int]] = defaultdict(lambda: (0, 0, 0))
    for cid, month, n, cny_n, cents in session.execute(
            select(OrderRow.client_id, key, func.count(OrderRow.id),
                   func.sum(case((cny, 1), else_=0)),
                   func.sum(case((cny, OrderRow.amount_cents), else_=0)))
            .where(OrderRow.status.in_(WON_VALUES), OrderRow.ordered_on >= start,
                   OrderRow.ordered_on <= end)
            .group_by(OrderRow.client_id, key)):
        if cid in live:
            year, mon = str(month).split("-")
            months[(cid, date(int(year), int(mon), 1))] = (int(n), int(cny_n), int(cents))
    return first, dict(months), live
