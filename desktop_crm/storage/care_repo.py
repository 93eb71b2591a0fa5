"""Queries of the care calendar: the rows behind agenda items, done marks,
and settings.

Recurring dates are found by key lookup: the caller passes the
(calendar, month, day, leap) keys that fall in the window (computed once per
window by ``domain.dates.occurrences_between``), and the indexes on those
columns do the rest. No stored date is converted per query.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from desktop_crm.domain.dates import SpecKey
from desktop_crm.storage.models import (
    CareDoneRow,
    Client,
    FamilyMemberRow,
    ImportantDateRow,
    InteractionRow,
    SettingRow,
)

_LIVE = Client.deleted_at.is_(None)


@dataclass(frozen=True)
class DateRowHit:
    """A stored recurring date whose key falls in the window."""

    ref: int
    client_id: int
    client: str
    kind: str  # important_dates.kind, or "family" for a family member's birthday
    label: str  # the date's label, or the family member's relation and name
    key: SpecKey
    year: int | None
    remind_days: int | None


def _key_filter(columns: Sequence[Any], keys: Iterable[SpecKey]) -> ColumnElement[bool]:
    keys = list(keys)
    if not keys:
        return false()
    return tuple_(*columns).in_(keys)


def dates_with_keys(session: Session, keys: Iterable[SpecKey]) -> list[DateRowHit]:
    d = ImportantDateRow
    stmt = (
        select(d.id, d.client_id, Client.name, d.kind, d.label, d.calendar, d.month, d.day,
               d.leap, d.year, d.remind_days)
        .join(Client, Client.id == d.client_id)
        .where(_key_filter((d.calendar, d.month, d.day, d.leap), keys), _LIVE)
    )
    return [
        DateRowHit(r.id, r.client_id, r.name, r.kind, r.label,
                   (r.calendar, r.month, r.day, bool(r.leap)), r.year, r.remind_days)
        for r in session.execute(stmt)
    ]


def family_birthdays_with_keys(session: Session, keys: Iterable[SpecKey]) -> list[DateRowHit]:
    f = FamilyMemberRow
    stmt = (
        select(f.id, f.client_id, Client.name, f.relation, f.name.label("member"),
               f.birth_calendar, f.birth_month, f.birth_day, f.birth_leap, f.birth_year,
               f.birth_remind_days)
        .join(Client, Client.id == f.client_id)
        .where(_key_filter((f.birth_calendar, f.birth_month, f.birth_day, f.birth_leap), keys),
               _LIVE)
    )
    return [
        DateRowHit(r.id, r.client_id, r.name, "family", f"{r.relation} {r.member}".strip(),
                   (r.birth_calendar, r.birth_month, r.birth_day, bool(r.birth_leap)),
                   r.birth_year, r.birth_remind_days)
        for r in session.execute(stmt)
    ]


def client_anniversaries(session: Session, month_days: Iterable[str]
                         ) -> list[tuple[int, str, date | None, date | None]]:
    """Live clients founded or won on one of ``month_days`` ("MM-DD"):
    (id, name, founded_on, relationship_since)."""
    wanted = sorted(set(month_days))
    if not wanted:
        return []
    # Dates are stored as ISO text, so the month-day is characters 6-10.
    founded = func.substr(Client.founded_on, 6, 5)
    since = func.substr(Client.relationship_since, 6, 5)
    stmt = select(Client.id, Client.name, Client.founded_on, Client.relationship_since).where(
        _LIVE, or_(founded.in_(wanted), since.in_(wanted)))
    return [(r.id, r.name, r.founded_on, r.relationship_since) for r in session.execute(stmt)]


def open_follow_ups(session: Session, until: date
                    ) -> list[tuple[int, int, str, date, str, str]]:
    """Follow-ups not done and due on or before ``until``:
    (interaction id, client id, client, due, next step, summary)."""
    i = InteractionRow
    stmt = (
        select(i.id, i.client_id, Client.name, i.follow_up_on, i.next_step, i.summary)
        .join(Client, Client.id == i.client_id)
        .where(i.follow_up_on.is_not(None), i.follow_up_on <= until,
               i.follow_up_done == false(), _LIVE)
    )
    return [(r.id, r.client_id, r.name, r.follow_up_on, r.next_step, r.summary)
            for r in session.execute(stmt)]


def milestones_between(session: Session, start: datetime, end: datetime
                       ) -> list[tuple[int, int, str, datetime, str]]:
    """Deliveries and deals logged in ``start`` <= time < ``end``:
    (interaction id, client id, client, occurred at, milestone)."""
    i = InteractionRow
    stmt = (
        select(i.id, i.client_id, Client.name, i.occurred_at, i.milestone)
        .join(Client, Client.id == i.client_id)
        .where(i.milestone.is_not(None), i.occurred_at >= start, i.occurred_at < end, _LIVE)
    )
    return [(r.id, r.client_id, r.name, r.occurred_at, r.milestone)
            for r in session.execute(stmt)]


def not_contacted(session: Session, cutoffs: dict[str, datetime]
                  ) -> list[tuple[int, str, str | None, datetime]]:
    """Live clients whose last contact (or creation) is before their grade's
    cutoff: (id, name, grade, last contact or creation time)."""
    since = func.coalesce(Client.last_contact_at, Client.created_at)
    conditions = [
        and_(Client.grade.is_(None) if grade == "" else Client.grade == grade, since < cutoff)
        for grade, cutoff in cutoffs.items()
    ]
    stmt = select(Client.id, Client.name, Client.grade, since.label("since")).where(
        _LIVE, or_(*conditions))
    return [(r.id, r.name, r.grade, r.since) for r in session.execute(stmt)]


def _grade_filter(grades: Sequence[str]) -> ColumnElement[bool]:
    if not grades:
        return _LIVE
    named = [g for g in grades if g]
    parts: list[ColumnElement[bool]] = [Client.grade.in_(named)] if named else []
    if "" in grades:
        parts.append(Client.grade.is_(None))
    return and_(_LIVE, or_(*parts))


def count_graded(session: Session, grades: Sequence[str]) -> int:
    """Live clients with one of ``grades`` ("" = unrated; none given = all)."""
    return int(session.scalar(select(func.count(Client.id)).where(_grade_filter(grades))) or 0)


def graded_ids(session: Session, grades: Sequence[str]) -> list[int]:
    stmt = select(Client.id).where(_grade_filter(grades)).order_by(Client.sort_key)
    return list(session.scalars(stmt))


def done_keys(session: Session, start: date, end: date) -> set[tuple[str, int, date]]:
    stmt = select(CareDoneRow.source, CareDoneRow.ref_id, CareDoneRow.occurs_on).where(
        CareDoneRow.occurs_on >= start, CareDoneRow.occurs_on <= end)
    return {(r.source, r.ref_id, r.occurs_on) for r in session.execute(stmt)}


def add_done(session: Session, source: str, ref: int, occurs_on: date, client_id: int | None,
             now: datetime, interaction_id: int | None) -> int:
    row = CareDoneRow(source=source, ref_id=ref, occurs_on=occurs_on, client_id=client_id,
                      done_at=now, interaction_id=interaction_id)
    session.add(row)
    session.flush()
    return row.id


def is_done(session: Session, source: str, ref: int, occurs_on: date) -> bool:
    stmt = select(CareDoneRow.id).where(CareDoneRow.source == source, CareDoneRow.ref_id == ref,
                                        CareDoneRow.occurs_on == occurs_on)
    return session.scalar(stmt) is not None


def remove_done(session: Session, done_id: int) -> None:
    row = session.get(CareDoneRow, done_id)
    if row is not None:
        session.delete(row)


def set_follow_up_done(session: Session, interaction_id: int, done: bool) -> bool:
    result = session.execute(update(InteractionRow).where(InteractionRow.id == interaction_id)
                             .values(follow_up_done=done))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def follow_up_done(session: Session, interaction_id: int) -> bool | None:
    """Whether the interaction's follow-up is done; None when it does not exist."""
    row = session.get(InteractionRow, interaction_id)
    return None if row is None else row.follow_up_done


# -- festival greetings: one interaction for each of many clients ---------------

_CHUNK = 10_000  # well under SQLite's limit of bound parameters


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def log_for_many(session: Session, client_ids: Sequence[int], when: datetime, channel: str,
                 summary: str) -> list[int]:
    """Log the same interaction for every client in one statement per chunk and
    move their last contact forward; returns the new interaction ids."""
    new_ids: list[int] = []
    for chunk in _chunks(client_ids):
        rows = [{"client_id": cid, "occurred_at": when, "channel": channel, "summary": summary,
                 "next_step": "", "follow_up_on": None, "follow_up_done": False,
                 "milestone": None, "created_at": when} for cid in chunk]
        new_ids += session.scalars(insert(InteractionRow).returning(InteractionRow.id), rows)
        latest = func.coalesce(Client.last_contact_at, when)
        session.execute(update(Client).where(Client.id.in_(chunk))
                        .values(last_contact_at=case((latest > when, latest), else_=when)))
    return new_ids


def delete_many(session: Session, interaction_ids: Sequence[int]) -> None:
    """Delete interactions and recompute the last contact of their clients."""
    for chunk in _chunks(interaction_ids):
        clients = select(InteractionRow.client_id).where(InteractionRow.id.in_(chunk))
        client_ids = list(session.scalars(clients.distinct()))
        session.execute(delete(InteractionRow).where(InteractionRow.id.in_(chunk)))
        latest = (select(func.max(InteractionRow.occurred_at))
                  .where(InteractionRow.client_id == Client.id).scalar_subquery())
        session.execute(update(Client).where(Client.id.in_(client_ids))
                        .values(last_contact_at=latest))


# -- settings -----------------------------------------------------------------

def get_setting(session: Session, key: str) -> Any:
    row = session.get(SettingRow, key)
    if row is None:
        return None
    try:
        return json.loads(row.value)
    except ValueError:
        return None


def set_setting(session: Session, key: str, value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    row = session.get(SettingRow, key)
    if row is None:
        session.add(SettingRow(key=key, value=text))
    else:
        row.value = text
