"""Queries of the care calendar: the rows behind agenda items, done marks,
and settings.

Recurring dates are found by key lookup: the caller passes the
(calendar, month, day, leap) keys that fall in the window (computed once per
window by ``domain.dates.occurrences_between``), and the indexes on those
columns do the rest. No stored date is converted per query.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    DateTime,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)

from desktop_crm.domain.care import Source
from desktop_crm.domain.complaint_status import ComplaintStatus
from desktop_crm.domain.dates import LUNAR, SOLAR, SpecKey
from desktop_crm.domain.enums import Milestone
from desktop_crm.storage import dialect, read_ahead
from desktop_crm.storage.client_rows import personal_contact
from desktop_crm.storage.tables import (
    app_settings,
    clients,
    complaints,
    family_members,
    important_dates,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop_crm.storage.dialect import Reader

# The agenda's path reads through the tables (Core), not the mapped classes,
# with a session or a connection of the tables alone (``Database.connect``):
# before Today is filled neither sqlalchemy.orm nor the mapped classes are
# loaded (about 0.1 s of CPU), and the first ORM statement of a process
# configures every mapper (about 25 ms more).
_CLIENTS = clients
_SETTINGS = app_settings
_LIVE = _CLIENTS.c.deleted_at.is_(None)
MILESTONES = tuple(m.value for m in Milestone)  # "IN (...)": equality uses the index


# The agenda's queries are text() with named binds, executed on the Core
# connection: at 100,000 clients a 30-day agenda reads tens of thousands of
# rows, and ORM rows would cost more than the queries. Dates and times are
# bound and returned as date and datetime (SQLAlchemy's types convert the ISO
# text SQLite stores), so both engines give the same values.

Row = Sequence[Any]

def _driver_rows(session: Reader, sql: str, params: dict[str, Any],
                 binds: Sequence[BindParameter[Any]] = (),
                 then: read_ahead.Then | None = None) -> Sequence[Row]:
    """The rows of ``sql`` as the driver returns them, without SQLAlchemy's
    result processing (a Row and a type conversion per value): for the
    agenda's reads, tens of thousands of rows. Values are bound by
    SQLAlchemy's types (``binds``, as ``text(sql).bindparams(*binds)``;
    on SQLite ``dialect.text_rows``). Dates come back as the driver
    gives them (ISO text on SQLite, date on PostgreSQL): the functions that
    use this return them as keys of ``Days``. Run ahead of their use
    (storage/read_ahead.py), the rows are taken from the driver where they
    are used. ``then``: a function of the list of rows that returns the
    rows to give (applied where they are taken)."""
    conn = dialect.connection(session)
    if conn.dialect.name == "sqlite":  # without SQLAlchemy's text() and compiling
        rows = dialect.text_rows(conn, sql, params, binds)
        return rows if then is None else then(rows)
    return read_ahead.driver_rows(conn.execute(text(sql).bindparams(*binds), params), then)


class Days(dict[Any, date]):
    """A day as a driver returns it (ISO text on SQLite, a date on
    PostgreSQL) -> the date, each distinct value converted once: the
    agenda's reads return thousands of rows on a few hundred days."""

    def __missing__(self, value: Any) -> date:
        day = self[value] = value if isinstance(value, date) else date.fromisoformat(value)
        return day


def _day_of(session: Reader, column: str) -> str:
    """The calendar day of a date-time column, as a day ``Days`` reads:
    the ISO text's first ten characters on SQLite, a date on PostgreSQL."""
    return f"substr({column}, 1, 10)" if dialect.is_sqlite(session) else f"CAST({column} AS date)"


# PostgreSQL's default cost of a random page read (4, a spinning disk)
# makes it read all 100,000 cards to hash-join a few thousand agenda rows
# with their clients; the agenda's rows and cards are in memory, where one
# index lookup per row is several times cheaper (server CPU of a 30-day
# agenda at 100,000 clients: 570 -> about 300 ms).
CACHED_PAGE_COST = 1.1


def plan_for_cached_rows(session: Reader) -> None:
    """On PostgreSQL, for the rest of this read's transaction only: cost
    random page reads as memory reads (``random_page_cost``), so that the
    agenda's joins look their clients up by id, and start no parallel
    workers: each of the agenda's statements reads a few thousand rows, and
    starting workers for one cost more than the work (Today's sales drops:
    0.3 ms of work, 12-15 ms with two workers on a busy 2-core machine).
    SQLite plans no hash joins and has no workers."""
    if not dialect.is_sqlite(session):
        session.execute(text(
            f"SELECT set_config('random_page_cost', '{CACHED_PAGE_COST}', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"))


def _live(session: Reader, alias: str) -> str:
    # keeps SQLite from driving the joins through the (unselective) deleted_at index
    return f"{dialect.unindexed(session, alias + '.deleted_at')} IS NULL"


def _of(session: Reader, alias: str, owner: str | None, params: dict[str, Any]) -> str:
    """The live-client condition, and with ``owner`` ("Mine") only that owner's
    clients (bound into ``params``). The owner condition filters the rows the
    keys and ranges found; it is kept from driving the plan, so a "Mine"
    agenda uses the same indexes as everyone's."""
    condition = _live(session, alias)
    if owner is None:
        return condition
    params["owner"] = owner
    return f"{condition} AND {dialect.unindexed(session, alias + '.owner')} = :owner"


Occurrences = Mapping[SpecKey, Sequence[tuple[date, int]]]


# Occurrence rows per statement: five bound values each, well under SQLite's
# limit of bound parameters however long the window (ten years and more).
_DAYS_PER_STATEMENT = 1_000


def window_days(occurrences: Occurrences) -> list[tuple[SpecKey, date, int]]:
    """The window's (key, day, year) rows in day order (then key): the
    yearly-date queries return each row's index in this list (``n``), so
    a row carries one number instead of the key's four values, the day and
    the year."""
    return sorted(((key, day, year) for key, days in occurrences.items() for day, year in days),
                  key=lambda row: (row[1], row[0]))


def _day_chunks(days: Sequence[tuple[SpecKey, date, int]]
                ) -> Iterable[tuple[int, Sequence[tuple[SpecKey, date, int]]]]:
    """The window's days (``window_days``), a statement's worth at a time,
    with the index of each chunk's first; a chunk ends at the end of a day,
    so that the rows of one day come from one statement."""
    start = 0
    while start < len(days):
        end = min(start + _DAYS_PER_STATEMENT, len(days))
        cut = end  # back to the start of the day the chunk would end in ...
        while start < cut < len(days) and days[cut][1] == days[cut - 1][1]:
            cut -= 1
        if cut == start:  # ... or, when that day is the whole chunk, on to its end
            cut = end
            while cut < len(days) and days[cut][1] == days[cut - 1][1]:
                cut += 1
        yield start, days[start:cut]
        start = cut


def _days_cte(session: Reader, days: Sequence[tuple[SpecKey, date, int]], first: int,
              due_on: date | None) -> str:
    """The CTE ``k``: one row per key and day it falls on in the window
    (cal, m, d, leap, day, and n: its index in ``window_days``, ``first`` for
    the first of ``days``; on SQLite also jd, the day's ordinal, for
    ``_done_key``), and with ``due_on`` the days from it to that day
    (``ahead``, negative when past). The values are written into the
    statement, not bound: they are the calendar's own (a calendar name,
    numbers, days), and hundreds of bound values cost SQLAlchemy more to
    compile and key for its cache than the query to run."""
    sqlite = dialect.is_sqlite(session)
    leap = ("0", "1") if sqlite else ("false", "true")
    day_sql = "'{}'" if sqlite else "DATE '{}'"  # SQLite keeps dates as ISO text
    rows = []
    for n, ((cal, month, mday, is_leap), day, _year) in enumerate(days):
        if cal not in (SOLAR, LUNAR):  # the calendars' names: nothing to quote
            raise ValueError(f"not a calendar: {cal!r}")
        ahead = "" if due_on is None else f", {(day - due_on).days:d}"
        jd = f", {day.toordinal():d}" if sqlite else ""
        rows.append(f"('{cal}', {int(month):d}, {int(mday):d}, {leap[bool(is_leap)]}, "
                    f"{day_sql.format(day.isoformat())}, {first + n:d}{jd}{ahead})")
    columns = ("cal, m, d, leap, day, n" + (", jd" if sqlite else "")
               + ("" if due_on is None else ", ahead"))
    return f"WITH k({columns}) AS (VALUES {', '.join(rows)})"


def _day_order(session: Reader, ref: str) -> str:
    """The ORDER BY of a yearly-date statement (``_each_chunk``): by the CTE's
    day, then ``ref``, on SQLite; none on PostgreSQL, whose rows
    ``_in_day_order`` puts in that order (``_each_chunk``)."""
    return f"ORDER BY k.day, {ref}" if dialect.is_sqlite(session) else ""


def _in_day_order(days: Sequence[tuple[SpecKey, date, int]], slot_column: int, slots: int,
                  ref_column: int) -> read_ahead.Then:
    """On PostgreSQL, the yearly dates' rows put in day order, then ref, by
    the app instead of the server: a statement's ORDER BY had the server
    sort every row it found (about a third of the 30-day agenda's yearly
    dates' server time, 21 -> 14 ms of CPU for their 14,000 rows), which
    the app does for a fraction of that. Without one the rows come as the
    join found them: mostly in the CTE's order (``n``: day order), each key's
    rows in the primary key's order, so a day's rows are a few runs (one per
    key falling on it) that one sort by ref merges. Rows in any other order
    (another plan) are sorted whole, by day and ref: the order is always
    right, only its price differs. ``slot_column`` and ``ref_column``: where
    a row holds its slot (``_slot``: ``n``, its index in ``days``, times
    ``slots`` plus its kind's code) and the ref."""
    ref_of = itemgetter(ref_column)

    def n_of(row: Row) -> int:
        return int(row[slot_column]) // slots

    def ordered(rows: list[Row]) -> list[Row]:
        found: list[Row] = []
        bucket: list[Row] = []
        day_was: date | None = None
        last = -1
        for n, group in groupby(rows, n_of):
            if n < last:  # not in the CTE's order: sort them all
                return sorted(rows, key=lambda row: (days[n_of(row)][1], ref_of(row)))
            last = n
            day = days[n][1]
            if day != day_was:
                bucket.sort(key=ref_of)
                found += bucket
                bucket, day_was = [], day
            bucket += group
        bucket.sort(key=ref_of)
        found += bucket
        return found

    return ordered


def _each_chunk(session: Reader, days: Sequence[tuple[SpecKey, date, int]],
                due_on: date | None, sql: Callable[[dict[str, Any]], str],
                slot_column: int, slots: int, ref_column: int) -> Sequence[Row]:
    """The rows of ``sql`` (given the parameters to add its own to, it
    returns the statement after the CTE, with ``_day_order``) over every
    chunk of the window's days: in day order, then ref (a row's slot of
    ``slots`` in column ``slot_column`` and its ref in ``ref_column``:
    ``_in_day_order``), as the chunks follow each other day by day."""
    found: list[Row] = []
    chunks = list(_day_chunks(days))
    sqlite = dialect.is_sqlite(session)
    for first, chunk in chunks:
        params: dict[str, Any] = {}
        rows = _driver_rows(session, f"{_days_cte(session, chunk, first, due_on)}\n"
                                     f"{sql(params)}", params,
                            then=None if sqlite else _in_day_order(days, slot_column, slots,
                                                                    ref_column))
        if len(chunks) == 1:
            return rows  # (as the driver keeps them, when read ahead)
        found += rows
    return found


def _reminded(due_on: date | None, own: str, leads: Mapping[str, int], kind: str,
              params: dict[str, Any]) -> str:
    """With ``due_on`` (Today's list), the condition "the row's reminder has
    begun by then": its own lead time ``own`` (SQL) or else its kind's from
    ``leads`` (stored kind -> days; the SQL ``kind`` picks it), at least the
    occurrence's days ahead. Cards of items not due yet are never read."""
    if due_on is None:
        return ""
    cases = []
    for n, (stored, days) in enumerate(sorted(leads.items())):
        params[f"kind{n}"], params[f"lead{n}"] = stored, days
        cases.append(f"WHEN :kind{n} THEN :lead{n}")
    default = f"CASE {kind} {' '.join(cases)} ELSE 0 END" if len(cases) > 1 else (
        ":lead0" if cases else "0")
    return f" AND k.ahead <= coalesce({own}, {default})"


# On SQLite a done mark's item (its ref and day) as one integer: the ref
# times 2**20 plus the day's ordinal (``date.toordinal``; below 2**20 until
# the year 2870), for the CTE's rows (``k.jd``) and for the marks.
_DONE_SHIFT = 1_048_576
_MARK_ORDINAL = "CAST(julianday(d.occurs_on) - 1721424.5 AS INTEGER)"


def _done_key(ref: str) -> str:
    return f"{ref} * {_DONE_SHIFT} + k.jd"


def _marks_in_window(source: str) -> str:
    """SQLite: the done marks of ``source`` (SQL) on the CTE's days, each as
    ``_done_key``: a list the statement makes once (an index range of
    ``ix_care_done_source_day``), which the rows are looked up in."""
    return (f"(SELECT d.ref_id * {_DONE_SHIFT} + {_MARK_ORDINAL} "
            f"FROM care_done d INDEXED BY ix_care_done_source_day WHERE d.source = {source} "
            "AND d.occurs_on >= (SELECT min(day) FROM k) "
            "AND d.occurs_on <= (SELECT max(day) FROM k))")


def _undone_in_window(session: Reader, source: str, ref: str, params: dict[str, Any]) -> str:
    """No care_done row marks the occurrence (``source``, the row ``ref``, the
    CTE's day) done: done dates are left out before their items are made,
    against the done marks of ``source`` on the CTE's days, read once, not
    an index probe per row. On PostgreSQL hashed (the probes were most of
    the yearly dates' read there: 8,000 rows, 28 of 35 ms); on SQLite as
    one integer per mark (``_done_key``) in a list the statement builds,
    whose lookups cost SQLite about half a probe of care_done's unique
    index (the bench book's 30-day agenda: 16,500 probes)."""
    params["done_source"] = source
    if dialect.is_sqlite(session):
        return f" AND {_done_key(ref)} NOT IN {_marks_in_window(':done_source')}"
    return (f" AND ({ref}, k.day) NOT IN (SELECT d.ref_id, d.occurs_on FROM care_done d "
            "WHERE d.source = :done_source AND d.occurs_on >= (SELECT min(day) FROM k) "
            "AND d.occurs_on <= (SELECT max(day) FROM k))")


def _undone_sources(session: Reader, sources: Sequence[str]) -> str:
    """As ``_undone_in_window`` for rows of ``agenda_dates`` of several
    sources (``sources``: their bound names, as SQL), each done as its own:
    done marks left out in the query instead of read and matched per item."""
    if dialect.is_sqlite(session):  # a list per source
        return "".join(f" AND NOT (a.source = {source} AND {_done_key('a.ref_id')} IN "
                       f"{_marks_in_window(source)})" for source in sources)
    return (" AND (a.source, a.ref_id, k.day) NOT IN (SELECT d.source, d.ref_id, d.occurs_on "
            f"FROM care_done d WHERE d.source IN ({', '.join(sources)}) "
            "AND d.occurs_on >= (SELECT min(day) FROM k) "
            "AND d.occurs_on <= (SELECT max(day) FROM k))")


WindowDays = Sequence[tuple[SpecKey, date, int]]


def _listed(session: Reader, owner: str | None, params: dict[str, Any]) -> str:
    """``agenda_dates``' own copy of the live-client condition (``_of``): the
    row's client is live, and with ``owner`` that owner's."""
    condition = f"a.live = {dialect.true(session)}"
    if owner is None:
        return condition
    params["owner"] = owner
    return f"{condition} AND a.owner = :owner"


# The kinds ``agenda_dates`` stores (its ``kind`` column), in the order of
# their codes in a yearly date's row (``dates_with_keys``' slot): the
# important dates' kinds (domain.enums.DateKind's values), then the family
# members' and contact people's birthdays; any other kind has the code
# ``KIND_SLOTS - 1``.
STORED_KINDS = ("birthday", "wedding_anniversary", "custom", "family", "contact")
KIND_SLOTS = 8


def _slot(n: str, column: str, values: Sequence[str], slots: int) -> str:
    """The SQL of a row's slot: its day's index ``n`` (SQL) times ``slots``
    plus the index of ``column``'s value in ``values`` (SQL literals or
    binds; ``slots - 1`` for any other). One integer a row instead of the
    index and a text: the agenda reads thousands of yearly dates, and on
    SQLite each value a row holds costs the driver about as much as making
    it (``day_and_grade``); the agenda finds a row's day, year, kind and
    run by the slot, as a list's index."""
    cases = " ".join(f"WHEN {value} THEN {code:d}" for code, value in enumerate(values))
    return f"{n} * {slots:d} + CASE {column} {cases} ELSE {slots - 1:d} END"


def slot_of(slot: int, slots: int = KIND_SLOTS) -> tuple[int, int]:
    """A yearly date's (``dates_with_keys``) or anniversary's
    (``anniversaries_with_keys``, ``slots`` 2) slot as (n, code)."""
    return divmod(slot, slots)


def _stored_dates(session: Reader, days: WindowDays, stored: str, source: str,
                  owner: str | None, due_on: date | None, leads: Mapping[str, int]
                  ) -> Sequence[Row]:
    """The rows of ``agenda_dates`` of ``stored`` (the table's source) on the
    window's days, not marked done as ``source``: (ref, client id, client,
    label, year, remind days, slot: n * KIND_SLOTS + the code of the kind in
    STORED_KINDS, where n is the row's index in ``days``), in day order,
    then ref. Each key's rows are one range of the table's primary key
    (calendar, month, day, leap, source, ref), which holds the client's
    name, owner and state: no date row or client card is read. ``due_on``
    and ``leads`` as in ``_reminded``."""
    kinds = tuple(f"'{kind}'" for kind in STORED_KINDS)  # constants: nothing to quote

    def sql(params: dict[str, Any]) -> str:
        params["stored"] = stored
        listed = _listed(session, owner, params)
        due = _reminded(due_on, "a.remind_days", leads, "a.kind", params)
        return f"""
        SELECT a.ref_id, a.client_id, a.client_name, a.label, a.year, a.remind_days,
               {_slot("k.n", "a.kind", kinds, KIND_SLOTS)}
        FROM k JOIN agenda_dates a
               ON a.calendar = k.cal AND a.month = k.m AND a.day = k.d AND a.leap = k.leap
                  AND a.source = :stored
        WHERE {listed}{due}{_undone_in_window(session, source, "a.ref_id", params)}
        {_day_order(session, "a.ref_id")}"""

    return _each_chunk(session, days, due_on, sql, 6, KIND_SLOTS, 0)


def dates_with_keys(session: Reader, days: WindowDays, source: str,
                    owner: str | None = None, due_on: date | None = None,
                    leads: Mapping[str, int] | None = None) -> Sequence[Row]:
    """Live clients' important dates (birthdays, anniversaries, custom) falling
    on the window's days (``days``: ``window_days`` of the window's
    occurrences), one row per date and day, not marked done (as ``source``):
    (id, client id, client, label, year, remind days, slot: n * KIND_SLOTS
    plus the code of the date's kind, its index in STORED_KINDS, where n is
    the index in ``days`` of the (key, day, year) it falls on; ``slot_of``
    splits it), ordered by day, then id.
    The key is the date's calendar, month, day and leap. With ``owner``:
    only that owner's clients (so for every query below). With ``due_on``
    (Today) only the rows whose reminder (their own, or their kind's default
    from ``leads``) has begun by then. Read from ``agenda_dates``
    (``_stored_dates``)."""
    return _stored_dates(session, days, Source.IMPORTANT_DATE, source, owner, due_on,
                         leads or {})


def family_birthdays_with_keys(session: Reader, days: WindowDays, source: str,
                               owner: str | None = None, due_on: date | None = None,
                               lead: int = 0) -> Sequence[Row]:
    """Family members' birthdays on the window's days, same columns and order
    as ``dates_with_keys`` (kind "family", label = relation and name);
    ``due_on`` as there, ``lead`` the kind's default reminder."""
    return _stored_dates(session, days, Source.FAMILY_MEMBER, source, owner, due_on,
                         {"family": lead})


def contact_birthdays_with_keys(session: Reader, days: WindowDays, source: str,
                                owner: str | None = None, due_on: date | None = None,
                                lead: int = 0) -> Sequence[Row]:
    """Organisations' contact people's birthdays on the window's days, same
    columns and order as ``dates_with_keys`` (kind "contact", label = the
    person's name, remind days None: the kind's default); ``due_on`` as
    there, ``lead`` the kind's reminder."""
    return _stored_dates(session, days, Source.CONTACT_PERSON, source, owner, due_on,
                         {"contact": lead})


def anniversaries_with_keys(session: Reader, days: WindowDays,
                            leads: Mapping[str, int], owner: str | None = None,
                            due_on: date | None = None) -> Sequence[Row]:
    """Live clients' founding and relationship days (``leads``: the sources
    wanted, Source.FOUNDING and Source.RELATIONSHIP, each with its kind's
    reminder) on the window's days, not marked done (as their source):
    (client id, client, year, slot: n * 2 plus the index of the row's source
    in ``sorted(leads)``, where n is the index in ``days`` of the day it
    falls on; ``slot_of(slot, 2)`` splits it), in day order, then client;
    with ``due_on`` (Today) only those whose reminder has begun by then.
    Read from ``agenda_dates``."""
    if not leads:
        return []

    def sql(params: dict[str, Any]) -> str:
        wanted = []
        for n, (stored, lead) in enumerate(sorted(leads.items())):
            params[f"source{n}"], params[f"lead{n}"] = stored, lead
            due = "" if due_on is None else f" AND k.ahead <= :lead{n}"
            wanted.append(f"(a.source = :source{n}{due})")
        listed = _listed(session, owner, params)
        # the sources also as one IN: PostgreSQL seeks the key's rows of
        # those sources only (its OR was a filter over every source's rows
        # of the key: 156 rows a key for 43; server time 14 -> 8-11 ms);
        # SQLite made the OR an IN by itself
        names = [f":source{n}" for n in range(len(leads))]
        sources = ", ".join(names)
        return f"""
        SELECT a.ref_id, a.client_name, a.year, {_slot("k.n", "a.source", names, 2)}
        FROM k JOIN agenda_dates a
               ON a.calendar = k.cal AND a.month = k.m AND a.day = k.d AND a.leap = k.leap
        WHERE a.source IN ({sources}) AND ({" OR ".join(wanted)})
              AND {listed}{_undone_sources(session, names)}
        {_day_order(session, "a.ref_id")}"""

    return _each_chunk(session, days, due_on, sql, 3, 2, 0)


def open_follow_ups(session: Reader, until: date, owner: str | None = None) -> Sequence[Row]:
    """Follow-ups not done and due on or before ``until``, of live clients
    (of ``owner``'s when given), in day order, then interaction: (interaction
    id, client id, client, due (a key of ``Days``), next step or else the
    summary). They are one range of ``agenda_follow_ups`` (migration 26:
    the open follow-ups with their clients' names, kept by triggers), in
    the order of its key: no card is looked up and nothing is sorted."""
    params: dict[str, Any] = {"until": until}
    mine = ""
    if owner is not None:
        params["owner"] = owner
        mine = " AND owner = :owner"
    return _driver_rows(session, f"""
        SELECT ref_id, client_id, client_name, follow_up_on, step FROM agenda_follow_ups
        WHERE follow_up_on <= :until AND live = {dialect.true(session)}{mine}
        ORDER BY follow_up_on, ref_id""", params, [bindparam("until", type_=Date)])


def milestones_between(session: Reader, start: datetime, end: datetime,
                       owner: str | None = None, due_days: int = 0) -> Sequence[Row]:
    """Deliveries and deals logged in ``start`` <= time < ``end`` whose
    thank-you, due ``due_days`` after the day logged, is not marked done
    (as Source.THANK_YOU): (interaction id, client id, client, day logged
    (a key of ``Days``), milestone), as the driver returns them. The done
    marks are checked in the milestone index's range before any card is
    read (most of a busy book's recent thank-yous are done)."""
    params: dict[str, Any] = {"milestones": list(MILESTONES), "start": start, "end": end,
                              "done_source": Source.THANK_YOU}
    live = _of(session, "c", owner, params)
    if dialect.is_sqlite(session):  # the day is computed only where a mark is found
        due = f"+d.occurs_on = date(i.occurred_at, '{int(due_days):+d} days')"
    else:
        due = f"d.occurs_on = CAST(i.occurred_at AS date) + {int(due_days):d}"
    return _driver_rows(session, f"""
        SELECT i.id, i.client_id, c.name, {_day_of(session, "i.occurred_at")}, i.milestone
        FROM interactions i JOIN clients c ON c.id = i.client_id
        WHERE i.milestone IN :milestones
              AND i.occurred_at >= :start AND i.occurred_at < :end
              AND NOT EXISTS (SELECT 1 FROM care_done d WHERE d.source = :done_source
                              AND d.ref_id = i.id AND {due})
              AND {live}""",
                        params,
                        [bindparam("milestones", expanding=True),
                         bindparam("start", type_=DateTime), bindparam("end", type_=DateTime)])


_SINCE = "coalesce(last_contact_at, created_at)"  # as in the index ix_clients_contact


_GRADES = ("A", "B", "C", "")  # the order of ``_by_grade``'s parts


def _by_grade(limits: dict[str, int], first: date, last: date | None
              ) -> list[tuple[str, dict[str, Any]]]:
    """Per grade ("" = unrated), the condition "becomes not contacted between
    ``first`` and ``last``" or, when ``last`` is None, "before ``first``", as a
    range of the index ix_clients_contact, with its parameters (named after
    the grade, so that the conditions can be joined in one statement)."""
    parts = []
    for grade in _GRADES:
        limit = timedelta(days=limits.get(grade, 90))
        g = grade or "none"
        which = "grade IS NULL" if grade == "" else f"grade = :grade_{g}"
        params: dict[str, Any] = {} if grade == "" else {f"grade_{g}": grade}
        params[f"from_{g}"] = datetime.combine(first - limit, time())
        if last is None:  # due before first
            parts.append((f"{which} AND {_SINCE} < :from_{g}", params))
        else:
            params[f"to_{g}"] = datetime.combine(last - limit + timedelta(days=1), time())
            parts.append((f"{which} AND {_SINCE} >= :from_{g} AND {_SINCE} < :to_{g}",
                          params))
    return parts


def _time_binds(params: dict[str, Any]) -> list[BindParameter[Any]]:
    return [bindparam(k, type_=DateTime) for k, v in params.items() if isinstance(v, datetime)]


def _owned(session: Reader, owner: str | None, params: dict[str, Any]) -> str:
    """" AND owner = :owner" for the not-contacted queries, which read the
    clients table alone through ix_clients_contact ("" without an owner)."""
    if owner is None:
        return ""
    params["owner"] = owner
    return f" AND {dialect.unindexed(session, 'owner')} = :owner"


# the grades a "no order" or not-contacted row can have ("" = unrated), in
# the order of their codes in ``day_and_grade``'s integer (PostgreSQL)
_GRADE_CODES = ("", "A", "B", "C")
_FIRST_DAY = date(1, 1, 1).toordinal()


def day_and_grade(session: Reader, day: str, grade_column: str, grade: str) -> str:
    """The SQL of one value holding a day (a date: ``day``, SQL) and a
    grade ("A", "B", "C" or "" for none), one value a row instead of two
    (``split_day_and_grade``): the agenda reads thousands of rows on a few
    hundred (day, grade) pairs, and on SQLite each value a row holds costs
    the driver about as much as making it (Python 3.11's sqlite3 takes
    SQLite's mutex and gives up Python's lock per value).

    On SQLite the day's ISO text and the grade column's value
    (``grade_column``, SQL): "2026-10-05A". On PostgreSQL the days since
    0001-01-01 times 8 plus the code of ``grade``, the grade of the SELECT
    it is in (each grade's rows are a SELECT of their own). Tried: the
    day's ``to_char`` (a date's text follows the DateStyle) cost the
    server more than the rows (2 -> 10 ms for the 10,700 not-contacted
    clients), a code from the column by CASE kept it from flattening the
    "no order" warnings' UNION ALL (10 -> 13-15 ms), and on SQLite a
    constant grade per SELECT did the same there (11.4 -> 14.7 ms)."""
    if dialect.is_sqlite(session):
        return f"{day} || coalesce({grade_column}, '')"
    return f"(({day}) - DATE '0001-01-01') * 8 + {_GRADE_CODES.index(grade):d}"


def split_day_and_grade(value: str | int) -> tuple[date, str]:
    """The day and the grade ("" for none) of a ``day_and_grade`` value."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10]), value[10:]
    days, code = divmod(value, 8)
    return date.fromordinal(_FIRST_DAY + days), _GRADE_CODES[code]


def not_contacted(session: Reader, limits: dict[str, int], first: date, last: date,
                  owner: str | None = None) -> Sequence[Row]:
    """Live clients who become "not contacted" (their grade's limit in days,
    "" = unrated, after the last contact or the card's creation) between
    ``first`` and ``last``: (id, name, the day of the last contact or
    creation and the grade as one value (``split_day_and_grade``)), each
    grade's in the order of the index (last contact)."""
    selects: list[str] = []
    params: dict[str, Any] = {}
    mine = _owned(session, owner, params)
    since = _day_of(session, _SINCE)
    for grade, (condition, values) in zip(_GRADES, _by_grade(limits, first, last),
                                          strict=True):
        won = day_and_grade(session, since, "grade", grade)
        selects.append(f"SELECT id, name, {won} FROM clients "
                       f"WHERE deleted_at IS NULL AND {condition}{mine}")
        params.update(values)
    return _driver_rows(session, " UNION ALL ".join(selects), params, _time_binds(params))


def count_not_contacted_before(session: Reader, limits: dict[str, int], first: date,
                               owner: str | None = None) -> int:
    """How many live clients became "not contacted" before ``first``."""
    counts: list[str] = []
    params: dict[str, Any] = {}
    mine = _owned(session, owner, params)
    for condition, values in _by_grade(limits, first, None):
        counts.append(f"SELECT count(*) FROM clients "
                      f"WHERE deleted_at IS NULL AND {condition}{mine}")
        params.update(values)
    # a count per grade (each a range of ix_clients_contact), in one statement
    rows = _driver_rows(session, " UNION ALL ".join(counts), params, _time_binds(params))
    return sum(int(row[0]) for row in rows)


def _grade_filter(grades: Sequence[str], owner: str | None = None) -> ColumnElement[bool]:
    c = _CLIENTS.c
    live = _LIVE if owner is None else and_(_LIVE, c.owner == owner)
    if not grades:
        return live
    named = [g for g in grades if g]
    parts: list[ColumnElement[bool]] = [c.grade.in_(named)] if named else []
    if "" in grades:
        parts.append(c.grade.is_(None))
    return and_(live, or_(*parts))


def count_graded(session: Reader, grades: Sequence[str], owner: str | None = None) -> int:
    """Live clients with one of ``grades`` ("" = unrated; none given = all),
    of ``owner`` when given."""
    return int(session.scalar(select(func.count(_CLIENTS.c.id))
                              .where(_grade_filter(grades, owner))) or 0)


def graded_ids(session: Reader, grades: Sequence[str], owner: str | None = None) -> list[int]:
    stmt = (select(_CLIENTS.c.id).where(_grade_filter(grades, owner))
            .order_by(_CLIENTS.c.sort_key))
    return list(session.scalars(stmt))


def longest_own_reminder(session: Reader) -> int:
    """The longest reminder lead time set on any single date (0 when none is)."""
    dates, family = important_dates.c, family_members.c
    own, theirs = session.execute(select(
        select(func.max(dates.remind_days)).scalar_subquery(),
        select(func.max(family.birth_remind_days)).scalar_subquery())).one()
    return max(own or 0, theirs or 0)


# every source a done mark can have (the constants of domain.care.Source)
_SOURCES = tuple(v for k, v in vars(Source).items() if k.isupper() and isinstance(v, str))


def done_keys(session: Reader, start: date, end: date, skip: Sequence[str] = ()
              ) -> set[tuple[str, int, date]]:
    """(source, ref, day) of the items marked done on ``start`` .. ``end``,
    except those of the sources in ``skip`` (which their own queries leave out)."""
    wanted = [source for source in _SOURCES if source not in skip]
    if not wanted:
        return set()
    # The sources kept are each a range of the unique index on (source,
    # ref_id, occurs_on), read without the table. By day instead, SQLite read
    # every mark of the window, most of them the skipped sources' (a busy
    # book's dismissed churn warnings), a table row each for its source.
    # (the driver's rows, each day converted once: thousands of marks fall
    # on a few hundred days)
    day = dialect.unindexed(session, "occurs_on")
    rows = _driver_rows(session, f"SELECT source, ref_id, occurs_on FROM care_done "
                                 f"WHERE source IN :wanted AND {day} >= :start AND {day} <= :end",
                        {"wanted": wanted, "start": start, "end": end},
                        [bindparam("wanted", expanding=True), bindparam("start", type_=Date),
                         bindparam("end", type_=Date)])
    days = Days()
    return {(source, ref, days[day]) for source, ref, day in rows}


def add_done(session: Session, source: str, ref: int, occurs_on: date, client_id: int | None,
             now: datetime, interaction_id: int | None) -> int:
    from desktop_crm.storage.models import CareDoneRow

    row = CareDoneRow(source=source, ref_id=ref, occurs_on=occurs_on, client_id=client_id,
                      done_at=now, interaction_id=interaction_id)
    session.add(row)
    session.flush()
    return row.id


def is_done(session: Session, source: str, ref: int, occurs_on: date) -> bool:
    from desktop_crm.storage.models import CareDoneRow

    stmt = select(CareDoneRow.id).where(CareDoneRow.source == source, CareDoneRow.ref_id == ref,
                                        CareDoneRow.occurs_on == occurs_on)
    return session.scalar(stmt) is not None


def remove_done(session: Session, done_id: int) -> None:
    from desktop_crm.storage.models import CareDoneRow

    row = session.get(CareDoneRow, done_id)
    if row is not None:
        session.delete(row)


def set_follow_up_done(session: Session, interaction_id: int, done: bool) -> bool:
    from desktop_crm.storage.models import InteractionRow

    result = session.execute(update(InteractionRow).where(InteractionRow.id == interaction_id)
                             .values(follow_up_done=done))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def follow_up_done(session: Session, interaction_id: int) -> bool | None:
    """Whether the interaction's follow-up is done; None when it does not exist."""
    from desktop_crm.storage.models import InteractionRow

    row = session.get(InteractionRow, interaction_id)
    return None if row is None else row.follow_up_done


# -- festival greetings: one interaction for each of many clients ---------------

_CHUNK = 10_000  # well under SQLite's limit of bound parameters


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def log_for_many(session: Session, client_ids: Sequence[int], when: datetime, channel: str,
                 summary: str) -> list[int]:
    """Log the same mass greeting for every client (a festival's greeting list)
    in one statement per chunk; returns the new interaction ids. It is on each
    timeline but is not contact: their last contact stays as it was."""
    from desktop_crm.storage.models import InteractionRow

    new_ids: list[int] = []
    for chunk in _chunks(client_ids):
        rows = [{"client_id": cid, "occurred_at": when, "channel": channel, "summary": summary,
                 "next_step": "", "follow_up_on": None, "follow_up_done": False,
                 "milestone": None, "mass": True, "created_at": when} for cid in chunk]
        new_ids += session.scalars(insert(InteractionRow).returning(InteractionRow.id), rows)
    return new_ids


def delete_many(session: Session, interaction_ids: Sequence[int]) -> None:
    """Delete interactions and recompute the last contact of their clients."""
    from desktop_crm.storage.models import Client, InteractionRow

    for chunk in _chunks(interaction_ids):
        clients = select(InteractionRow.client_id).where(InteractionRow.id.in_(chunk))
        client_ids = list(session.scalars(clients.distinct()))
        session.execute(delete(InteractionRow).where(InteractionRow.id.in_(chunk)))
        latest = (select(func.max(InteractionRow.occurred_at))
                  .where(InteractionRow.client_id == Client.id, personal_contact())
                  .scalar_subquery())
        session.execute(update(Client).where(Client.id.in_(client_ids))
                        .values(last_contact_at=latest, version=Client.version + 1))


# -- complaints to follow up ---------------------------------------------------

def resolved_waiting(session: Reader, resolved_before: datetime, owner: str | None = None
                     ) -> list[tuple[Any, ...]]:
    """Resolved complaints not followed up yet, of live clients (of ``owner``
    when given): (id, client id, client, number, resolved at)."""
    t, c = complaints.c, _CLIENTS.c
    stmt = (select(t.id, t.client_id, c.name, t.number, t.resolved_at)
            .join_from(complaints, _CLIENTS, c.id == t.client_id)
            .where(t.status == ComplaintStatus.RESOLVED.value,
                   t.resolved_at < resolved_before, c.deleted_at.is_(None)))
    if owner is not None:
        stmt = stmt.where(c.owner == owner)
    return [tuple(r) for r in session.execute(stmt)]


# -- settings -----------------------------------------------------------------

def get_setting(session: Reader, key: str) -> Any:
    return get_settings(session, (key,)).get(key)


def _decoded(value: str) -> Any:
    """A stored setting's value, or None where it does not read as JSON."""
    try:
        return json.loads(value)
    except ValueError:
        return None


def get_settings(session: Reader, keys: Sequence[str]) -> dict[str, Any]:
    """``get_setting`` of each of ``keys`` in one query: key -> value, for
    the keys stored with a value that reads."""
    t = _SETTINGS.c
    rows = session.execute(select(t.key, t.value).where(t.key.in_(keys)))
    return {key: decoded for key, value in rows
            if (decoded := _decoded(value)) is not None}


def set_setting(session: Session, key: str, value: Any) -> None:
    from desktop_crm.storage.models import SettingRow

    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    row = session.get(SettingRow, key)
    if row is None:
        session.add(SettingRow(key=key, value=text))
    else:
        row.value = text
