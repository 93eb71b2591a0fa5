"""Queries behind the churn warnings (domain.churn): one grouped statement per
signal over the orders and clients tables, never one query per client.

Won orders are those whose status is in ``domain.sales.WON_STATUSES``. The
two order signals read what the database keeps per client from the orders
(migration 20261212_20: triggers on ``orders`` keep ``client_sales``, the
day of each client's last won order, and ``client_month_sales``, each
month's won CNY sales; migration 20261214_24: each month's row also holds
the next month's sales and whether its drop was dismissed), a range of an
index each, instead of grouping every order in the months concerned. Each
signal is checked in its index before any card is read: only the cards of
the warnings shown are, and "no order" reads none (migration
20261217_28: ``client_sales`` holds the client's name, owner and state).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, bindparam

from desktop_crm.domain.churn import months_before
from desktop_crm.storage import dialect
from desktop_crm.storage.care_repo import Row, _driver_rows, _of, day_and_grade
from desktop_crm.storage.tables import GRADE_CHANGED

if TYPE_CHECKING:
    from desktop_crm.storage.dialect import Reader

# The drop compares amounts; other currencies are not summed in (the
# migration that fills client_month_sales names the same one).
DROP_CURRENCY = "CNY"


def _not_done(source: str, ref: str, day: str, seek_day: bool = True,
              session: Reader | None = None) -> str:
    """The condition "not dismissed": no care_done row of ``source`` for the
    client ``ref`` on ``day`` (SQL expressions), found through the unique
    index on (source, ref_id, occurs_on). Dismissed warnings are most of the
    signals of a busy book: dropping them here saves reading them.

    ``seek_day=False`` (with the ``session``): on SQLite the index is sought
    by source and client only and the day compared on the marks found, so a
    ``day`` computed per row (``date()`` on the ISO text) is computed only
    for the clients that have a mark of ``source`` (the "no order" warnings
    of the demo book: 6,300 rows, about 14 -> 12 ms of SQLite's CPU)."""
    occurs_on = "d.occurs_on" if seek_day or session is None else dialect.unindexed(
        session, "d.occurs_on")
    return (f"NOT EXISTS (SELECT 1 FROM care_done d WHERE d.source = '{source}' "
            f"AND d.ref_id = {ref} AND {occurs_on} = {day})")


def sales_drops(session: Reader, before: date, last: date, until: date, minimum_cents: int,
                percent: int, owner: str | None = None) -> Sequence[Row]:
    """Live clients whose won CNY sales in ``last`` <= day < ``until`` are at
    least ``percent`` below those in ``before`` <= day < ``last``, where the
    earlier month reached ``minimum_cents``, and whose warning for ``until``
    was not dismissed: (client id, client, cents before, cents last).

    ``before``, ``last`` and ``until`` are first days of three months in a
    row (``domain.churn.months_before``): the month before last's row holds the
    last month's sales (``next_cents``) and whether its drop for ``until``
    was dismissed (``drop_dismissed``), both kept by triggers (migration 24).
    The drops not dismissed are one range of ix_client_month_sales_drop,
    checked in the index alone; only their cards are read."""
    if months_before(until) != (before, last):
        raise ValueError(f"{before}, {last}, {until} are not three months in a row")
    params: dict[str, Any] = {"before": before, "minimum": minimum_cents,
                              "kept": 100 - percent}
    live = _of(session, "c", owner, params)
    hint = " INDEXED BY ix_client_month_sales_drop" if dialect.is_sqlite(session) else ""
    return _driver_rows(session, f"""
        SELECT b.client_id, c.name, b.cents, b.next_cents
        FROM client_month_sales b{hint} JOIN clients c ON c.id = b.client_id
        WHERE b.month = :before AND b.drop_dismissed = {dialect.false(session)}
              AND b.cents >= :minimum AND b.next_cents * 100 <= b.cents * :kept
              AND {live}""",
                        params, [bindparam("before", type_=Date)])


def _plus_days(session: Reader, column: str, days: int) -> str:
    """The SQL date ``days`` after the date ``column`` (ISO text on SQLite, as
    SQLAlchemy stores dates there; a date on PostgreSQL)."""
    if dialect.is_sqlite(session):
        return f"date({column}, '{int(days):+d} days')"
    return f"({column} + {int(days)})"


def no_order_since(session: Reader, limits: Mapping[str, int], first: date, last: date,
                   owner: str | None = None) -> Sequence[Row]:
    """Live clients whose last won order plus their grade's limit in days
    (``limits``: "" = unrated; 0 or missing = no warning) falls in ``first``
    .. ``last``, the warning for that day not dismissed: (client id, client,
    the day of the last won order and the grade as one value
    (``care_repo.split_day_and_grade``)), as the driver returns them:
    thousands of rows on a few hundred (day, grade) pairs, each grade's in
    the order of the index (last won day)."""
    ranges = {g: (n, first - timedelta(days=n), last - timedelta(days=n))
              for g, n in limits.items() if n > 0}
    if not ranges:
        return []
    params: dict[str, Any] = {}
    binds = []
    selects = []
    live = f"live = {dialect.true(session)}"
    if owner is not None:
        params["owner"] = owner
        live += " AND owner = :owner"
    sqlite = dialect.is_sqlite(session)
    for grade, (days, lo, hi) in ranges.items():
        g = grade or "none"
        which = "grade IS NULL" if grade == "" else f"grade = :grade_{g}"
        if grade:
            params[f"grade_{g}"] = grade
        params[f"lo_{g}"], params[f"hi_{g}"] = lo, hi
        binds += [bindparam(f"lo_{g}", type_=Date), bindparam(f"hi_{g}", type_=Date)]
        # the warning's day is the grade's limit after the last won order
        day = _plus_days(session, "last_won_on", days)
        # (the day and grade as one value: on SQLite made by the statement
        # below, as a UNION ALL with it in each SELECT is not flattened)
        # (PostgreSQL: without the grade column, or its UNION ALL is read
        # through a subquery scan each: 7-10 -> 9-13 ms)
        won = ("grade, last_won_on" if sqlite
               else day_and_grade(session, "last_won_on", "", grade))
        selects.append(f"SELECT client_id, client_name, {won} AS won, {day} AS day "
                       f"FROM client_sales WHERE {which} "
                       f"AND last_won_on >= :lo_{g} AND last_won_on <= :hi_{g} AND {live}")
    # client_sales keeps a copy of each client's grade, name, owner and
    # state (migrations 20 and 28): each grade's range is one range of
    # ix_client_sales_no_order, read in the index alone (one SELECT per
    # grade: PostgreSQL read their OR as a bitmap of table rows), and no card
    # is read (PostgreSQL hash-joined all 100,000 to name a few thousand)
    # (the day is computed only for a client with a dismissed warning of
    # this kind: ``_not_done``'s ``seek_day``)
    won_and_grade = day_and_grade(session, "s.won", "s.grade", "") if sqlite else "s.won"
    return _driver_rows(session, f"""
        SELECT s.client_id, s.client_name, {won_and_grade}
        FROM ({" UNION ALL ".join(selects)}) s
        WHERE {_not_done('churn_no_order', 's.client_id', 's.day', seek_day=False,
                         session=session)}""",
                        params, binds)


def grades_fallen(session: Reader, first: date, last: date, owner: str | None = None
                  ) -> Sequence[Row]:
    """Live clients whose latest evaluation, made in ``first`` .. ``last``, gave
    a lower grade than the one before ("A" is highest), the warning not
    dismissed: (client id, client, grade before, grade, evaluated on (a key
    of ``care_repo.Days``)), as the driver returns them.

    The partial index ix_clients_grade_changed (its condition stated as it
    is) holds the day and both grades: the fall and the dismissal are checked
    in it, and only the cards of the warnings shown are read."""
    params: dict[str, Any] = {"first": first, "last": last}
    mine = ""
    if owner is not None:
        params["owner"] = owner
        mine = f" AND {dialect.unindexed(session, 'c.owner')} = :owner"
    binds = [bindparam("first", type_=Date), bindparam("last", type_=Date)]
    changed = " AND ".join(f"c.{term}" for term in GRADE_CHANGED.split(" AND "))
    fallen = f"""c.last_evaluated_on >= :first AND c.last_evaluated_on <= :last
              AND {changed} AND c.grade > c.previous_grade
              AND {_not_done("churn_grade", "c.id", "c.last_evaluated_on")}"""
    if dialect.is_sqlite(session):  # its index entries hold the rowid
        return _driver_rows(session, f"""
            SELECT c.id, c.name, c.previous_grade, c.grade, c.last_evaluated_on
            FROM clients c INDEXED BY ix_clients_grade_changed
            WHERE {fallen}{mine}""", params, binds)
    # PostgreSQL's holds the id (migration 24): the warnings are found in the
    # index alone, then their cards read; as one query the planner read every
    # changed grade's card to check the fall (the demo book: 4,200 pages for 356)
    return _driver_rows(session, f"""
        WITH g AS MATERIALIZED (
            SELECT c.id, c.previous_grade, c.grade, c.last_evaluated_on FROM clients c
            WHERE {fallen})
        SELECT g.id, c.name, g.previous_grade, g.grade, g.last_evaluated_on
        FROM g JOIN clients c ON c.id = g.id{mine}""", params, binds)
