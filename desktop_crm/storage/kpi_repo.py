"""What the loyalty KPIs read: each client's won orders reduced to a few
numbers in one grouped scan of ``orders``, the complaint ratings and the
interactions' satisfaction of a period. The figures themselves are computed
in domain.loyalty. Functions take a Session and never commit.

Speed: a year's ten KPIs at 100,000 clients and 1,000,000 orders must take
under a second (benchmarks/kpi.py), so there is no query per client: one
aggregate over the won orders (every won order counts, for the first
purchase ever), grouped by client, plus the live clients' estimates.
The scan reads the covering index ix_orders_client_sales (migration
20261207_12) in client order, so it touches no table row and needs no sort;
clients in the trash, and with ``owner`` other owners' clients, are dropped
by joining the grouped rows (one per client) to ``clients``, not each order.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import BigInteger, Float, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from desktop_crm.domain.loyalty import DAYS_PER_YEAR, ClientSales, Rating, Tallies
from desktop_crm.domain.sales import DEFAULT_CURRENCY
from desktop_crm.storage import dialect
from desktop_crm.storage.models import Client, ComplaintRow, InteractionRow, OrderRow
from desktop_crm.storage.order_repo import WON_VALUES

# Rows fetched this many at a time, not all at once: on PostgreSQL a
# server-side cursor (psycopg otherwise holds the whole result in libpq's
# memory next to the Python objects made of it: about 200 MB more for the
# trend of 100,000 clients).
STREAMED = {"yield_per": 10_000}


def _live(owner: str | None) -> Any:
    cond = Client.deleted_at.is_(None)
    return cond if owner is None else and_(cond, Client.owner == owner)


def live_clients(session: Session, owner: str | None = None) -> dict[int, int | None]:
    """Live client id -> estimated yearly spend (whole yuan, None: no estimate)."""
    rows = session.execute(select(Client.id, Client.annual_spend).where(_live(owner)))
    return {cid: spend for cid, spend in rows}


def _won_by_client(start: date, end: date, prev_start: date) -> Any:
    """The subquery of one row per client with won orders up to ``end``: the
    first one's date, and the won orders in P, in P', in CNY in P and their
    cents. Only orders up to the end count: a first order after P is no first
    in P or P', nor a purchase before P'. FILTER evaluates less than CASE per
    row."""
    in_p = OrderRow.ordered_on >= start
    in_prev = and_(OrderRow.ordered_on >= prev_start, OrderRow.ordered_on < start)
    cny_in_p = and_(in_p, OrderRow.currency == DEFAULT_CURRENCY)
    return (select(OrderRow.client_id.label("client_id"),
                   func.min(OrderRow.ordered_on).label("first_won"),
                   func.count().filter(in_p).label("n"),
                   func.count().filter(in_prev).label("prev_n"),
                   func.count().filter(cny_in_p).label("cny_n"),
                   func.sum(OrderRow.amount_cents).filter(cny_in_p).label("cents"))
            .where(OrderRow.status.in_(WON_VALUES), OrderRow.ordered_on <= end)
            .group_by(OrderRow.client_id)).subquery()


def _book(won: Any, owner: str | None) -> Any:
    """The live clients (of ``owner``) joined to their won orders: those who
    bought, and those with an estimate who never did (their wallet is ours
    to win)."""
    return (Client.__table__.outerjoin(won, won.c.client_id == Client.id), and_(
        _live(owner), won.c.client_id.is_not(None) | Client.annual_spend.is_not(None)))


def client_sales(session: Session, start: date, end: date, prev_start: date,
                 owner: str | None = None) -> list[ClientSales]:
    """``ClientSales`` of every live client (of ``owner``) who has a won order
    or an estimated yearly spend, for P = [start, end] and P' = [prev_start,
    start - 1 day]."""
    won = _won_by_client(start, end, prev_start)
    joined, where = _book(won, owner)
    zero = literal(0)
    stmt = (select(Client.id, won.c.first_won, func.coalesce(won.c.n, zero),
                   func.coalesce(won.c.prev_n, zero), func.coalesce(won.c.cny_n, zero),
                   # PostgreSQL sums integers as numeric: back to a whole number
                   cast(func.coalesce(won.c.cents, zero), BigInteger), Client.annual_spend)
            .select_from(joined).where(where))
    # the rows are ClientSales' fields in order: made without a Python call
    # per row, through the connection (no ORM result processing)
    return list(map(ClientSales._make, session.connection().execute(stmt).all()))


def tallies(session: Session, start: date, end: date, prev_start: date,
            owner: str | None = None) -> Tallies:
    """``domain.loyalty.tally`` of the book in SQL: the per-client rows of
    ``client_sales`` counted by the database, which returns one row."""
    won = _won_by_client(start, end, prev_start)
    joined, where = _book(won, owner)
    n, prev_n, first = won.c.n, won.c.prev_n, won.c.first_won
    cents = func.coalesce(won.c.cents, 0)
    spend = Client.annual_spend
    days = (end - start).days + 1
    # min(CNY won, the estimate prorated to P), compared in whole numbers
    capped = case((cents * DAYS_PER_YEAR < spend * 100 * days, cents / literal(100.0)),
                  else_=spend * days / literal(float(DAYS_PER_YEAR)))
    lapsed = and_(first < prev_start, prev_n == 0)
    new_before = and_(first >= prev_start, first < start)

    def whole(value: Any) -> Any:
        return cast(func.coalesce(value, 0), BigInteger)

    stmt = select(
        func.count().filter(n > 0), whole(func.sum(n)), whole(func.sum(won.c.cny_n)),
        whole(func.sum(won.c.cents)), func.count().filter(prev_n > 0),
        func.count().filter(and_(prev_n > 0, n > 0)), func.count().filter(first >= start),
        func.count().filter(new_before), func.count().filter(and_(new_before, n > 0)),
        func.count().filter(lapsed), func.count().filter(and_(lapsed, n > 0)),
        whole(func.sum(spend).filter(spend > 0)),
        cast(func.coalesce(func.sum(capped).filter(spend > 0), 0), Float),
    ).select_from(joined).where(where)
    row = session.connection().execute(stmt).one()
    return Tallies._make([*(int(v) for v in row[:-1]), float(row[-1])])


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
        .where(OrderRow.status.in_(WON_VALUES)).group_by(OrderRow.client_id),
        execution_options=STREAMED) if cid in live}
    key = _month_key(session)
    cny = OrderRow.currency == DEFAULT_CURRENCY
    months: dict[tuple[int, date], tuple[int, int, int]] = defaultdict(lambda: (0, 0, 0))
    for cid, month, n, cny_n, cents in session.execute(
            select(OrderRow.client_id, key, func.count(OrderRow.id),
                   func.sum(case((cny, 1), else_=0)),
                   func.sum(case((cny, OrderRow.amount_cents), else_=0)))
            .where(OrderRow.status.in_(WON_VALUES), OrderRow.ordered_on >= start,
                   OrderRow.ordered_on <= end)
            .group_by(OrderRow.client_id, key), execution_options=STREAMED):
        if cid in live:
            year, mon = str(month).split("-")
            months[(cid, date(int(year), int(mon), 1))] = (int(n), int(cny_n), int(cents))
    return first, dict(months), live
