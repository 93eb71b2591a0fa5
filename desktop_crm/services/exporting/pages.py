"""Reading the exported clients in pages, so memory stays bounded at any size.

A page is a list of ids (``PAGE_SIZE`` at most); for each page the cards come
from one Core query per table (mapped as ``client_repo.load_card`` maps one
card), and the evaluations and interactions of the page from one query each.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import (
    CLASSIFICATIONS,
    Channel,
    ClientKind,
    DateKind,
    Gender,
    Milestone,
    PhoneKind,
)
from desktop_crm.storage import client_repo
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import (
    Client,
    ClientPhone,
    ClientTag,
    EvaluationRow,
    FamilyMemberRow,
    ImportantDateRow,
    InteractionRow,
    ProfileAnswer,
    ScoringSchemeRow,
    Tag,
)

PAGE_SIZE = 1000


@dataclass(frozen=True)
class ExportedClient:
    """A card plus the list's bookkeeping the card does not hold."""

    card: ClientCard
    last_contact: datetime | None
    last_evaluated_on: date | None
    previous_grade: str | None


@dataclass(frozen=True)
class EvaluationLine:
    uuid: str
    client_id: int
    evaluated_on: date
    period_start: date
    period_end: date
    total: float
    grade: str
    scheme_version: int
    evaluator: str
    notes: str
    points: dict[str, float]


@dataclass(frozen=True)
class InteractionLine:
    uuid: str
    client_id: int
    occurred_at: datetime
    channel: Channel
    summary: str
    next_step: str
    follow_up_on: date | None
    follow_up_done: bool
    milestone: Milestone | None


@dataclass(frozen=True)
class Page:
    clients: list[ExportedClient]
    evaluations: list[EvaluationLine]
    interactions: list[InteractionLine]


def client_ids(db: Database, ids: Sequence[int] | None) -> list[int]:
    """The ids to export in order: ``ids`` as given (without duplicates), or every
    client not in the trash, by name."""
    if ids is not None:
        return list(dict.fromkeys(ids))
    with db.read() as s:
        return client_repo.list_ids(s, ClientFilter())


def pages(db: Database, ids: Sequence[int], size: int = PAGE_SIZE) -> Iterator[Page]:
    """The clients of ``ids`` (those that exist and are not in the trash), page
    by page, in the order of ``ids``."""
    for start in range(0, len(ids), size):
        chunk = list(ids[start:start + size])
        with db.read() as s:
            yield Page(_clients(s, chunk), _evaluations(s, chunk), _interactions(s, chunk))


def client_pages(db: Database, ids: Sequence[int],
                 size: int = PAGE_SIZE) -> Iterator[list[ExportedClient]]:
    """Like :func:`pages`, the clients only."""
    for start in range(0, len(ids), size):
        with db.read() as s:
            yield _clients(s, list(ids[start:start + size]))


def _clients(s: Session, ids: list[int]) -> list[ExportedClient]:
    """The cards of a page from six Core queries (ORM loading through
    ``client_repo.load_card`` took three times as long); same mapping."""
    conn = s.connection()
    phones: dict[int, list[Phone]] = defaultdict(list)
    for p in conn.execute(select(ClientPhone.client_id, ClientPhone.kind, ClientPhone.number)
                          .where(ClientPhone.client_id.in_(ids))
                          .order_by(ClientPhone.client_id, ClientPhone.position)):
        phones[p.client_id].append(Phone(p.number, PhoneKind(p.kind)))
    tags: dict[int, list[str]] = defaultdict(list)
    for t in conn.execute(select(ClientTag.client_id, Tag.name)
                          .join(Tag, Tag.id == ClientTag.tag_id)
                          .where(ClientTag.client_id.in_(ids)).order_by(Tag.name)):
        tags[t.client_id].append(t.name)
    dates: dict[int, list[Any]] = defaultdict(list)
    for d in conn.execute(select(ImportantDateRow.__table__)
                          .where(ImportantDateRow.client_id.in_(ids))
                          .order_by(ImportantDateRow.id)):
        dates[d.client_id].append(d)
    family: dict[int, list[FamilyMember]] = defaultdict(list)
    for f in conn.execute(select(FamilyMemberRow.__table__)
                          .where(FamilyMemberRow.client_id.in_(ids))
                          .order_by(FamilyMemberRow.id)):
        spec = (DateSpec(f.birth_calendar, f.birth_month, f.birth_day, f.birth_year,
                         bool(f.birth_leap))
                if f.birth_calendar and f.birth_month and f.birth_day else None)
        family[f.client_id].append(FamilyMember(f.relation, f.name, spec, f.notes,
                                                f.birth_remind_days, f.uuid))
    answers: dict[int, list[Any]] = defaultdict(list)
    for a in conn.execute(select(ProfileAnswer.client_id, ProfileAnswer.question,
                                 ProfileAnswer.answer, ProfileAnswer.private)
                          .where(ProfileAnswer.client_id.in_(ids))
                          .order_by(ProfileAnswer.question)):
        answers[a.client_id].append(a)
    rows = {r.id: r for r in conn.execute(select(Client.__table__)
                                          .where(Client.id.in_(ids),
                                                 Client.deleted_at.is_(None)))}
    found = []
    for client_id in ids:
        r = rows.get(client_id)
        if r is None:
            continue
        card = ClientCard(id=r.id, uuid=r.uuid, kind=ClientKind(r.kind),
                          gender=Gender(r.gender))
        for name in client_repo._SIMPLE_FIELDS:
            setattr(card, name, getattr(r, name))
        for name, enum in CLASSIFICATIONS.items():
            value = getattr(r, name)
            setattr(card, name, enum(value) if value else None)
        card.phones = phones.get(client_id, [])
        card.tags = tags.get(client_id, [])
        for row in dates.get(client_id, ()):
            when = DateSpec(row.calendar, row.month, row.day, row.year, bool(row.leap))
            if row.kind == DateKind.BIRTHDAY:
                card.birthday, card.birthday_remind_days = when, row.remind_days
                card.birthday_uuid = row.uuid
            else:
                card.dates.append(ImportantDate(DateKind(row.kind), when, row.label,
                                                row.remind_days, row.uuid))
        card.family = family.get(client_id, [])
        mine = answers.get(client_id, ())
        card.profile = {x.question: x.answer for x in mine if x.answer}
        card.profile_private = {x.question for x in mine if x.private}
        card.grade = r.grade
        card.created_at, card.updated_at, card.deleted_at = (r.created_at, r.updated_at,
                                                             r.deleted_at)
        found.append(ExportedClient(card, r.last_contact_at, r.last_evaluated_on,
                                    r.previous_grade))
    return found


def _order(ids: list[int]) -> dict[int, int]:
    return {client_id: i for i, client_id in enumerate(ids)}


def _evaluations(s: Session, ids: list[int]) -> list[EvaluationLine]:
    stmt = (select(EvaluationRow.uuid, EvaluationRow.client_id, EvaluationRow.evaluated_on,
                   EvaluationRow.period_start, EvaluationRow.period_end, EvaluationRow.total,
                   EvaluationRow.grade, ScoringSchemeRow.version, EvaluationRow.evaluator,
                   EvaluationRow.notes, EvaluationRow.points)
            .join(ScoringSchemeRow, ScoringSchemeRow.id == EvaluationRow.scheme_id)
            .join(Client, Client.id == EvaluationRow.client_id)
            .where(EvaluationRow.client_id.in_(ids), Client.deleted_at.is_(None)))
    order = _order(ids)
    lines = [EvaluationLine(r.uuid, r.client_id, r.evaluated_on, r.period_start, r.period_end,
                            r.total, r.grade, r.version, r.evaluator, r.notes,
                            _points(r.points))
             for r in s.execute(stmt)]
    lines.sort(key=lambda e: (order[e.client_id], e.evaluated_on))
    return lines


def _points(raw: str) -> dict[str, float]:
    try:
        data: Any = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): float(v) for k, v in data.items()
            if isinstance(v, int | float)} if isinstance(data, dict) else {}


def _interactions(s: Session, ids: list[int]) -> list[InteractionLine]:
    stmt = (select(InteractionRow.uuid, InteractionRow.client_id, InteractionRow.occurred_at,
                   InteractionRow.channel,
                   InteractionRow.summary, InteractionRow.next_step,
                   InteractionRow.follow_up_on, InteractionRow.follow_up_done,
                   InteractionRow.milestone)
            .join(Client, Client.id == InteractionRow.client_id)
            .where(InteractionRow.client_id.in_(ids), Client.deleted_at.is_(None)))
    order = _order(ids)
    lines = [InteractionLine(r.uuid, r.client_id, r.occurred_at, Channel(r.channel), r.summary,
                             r.next_step, r.follow_up_on, bool(r.follow_up_done),
                             Milestone(r.milestone) if r.milestone else None)
             for r in s.execute(stmt)]
    lines.sort(key=lambda i: (order[i.client_id], i.occurred_at), reverse=False)
    return lines
