"""The queries of an export: many cards, evaluations and interactions at once.

For each page of ids, the cards come from one Core query per table (mapped by
``card_rows.card_from_rows``, as ``client_repo.load_card`` maps one card), and
the evaluations, interactions and orders from one query each. Functions take a
Session and never commit.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.enums import Channel, Milestone
from desktop_crm.storage import card_rows, order_repo
from desktop_crm.storage.models import (
    Client,
    ClientPhone,
    ClientTag,
    EvaluationRow,
    FamilyMemberRow,
    ImportantDateRow,
    InteractionRow,
    OrderRow,
    ProfileAnswer,
    ScoringSchemeRow,
    Tag,
)


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


def clients(s: Session, ids: list[int]) -> list[ExportedClient]:
    """The cards of ``ids`` not in the trash, in the order of ``ids``, from six
    Core queries (ORM loading through ``client_repo.load_card`` took three
    times as long)."""
    conn = s.connection()
    phones: dict[int, list[Any]] = defaultdict(list)
    for p in conn.execute(select(ClientPhone.client_id, ClientPhone.kind, ClientPhone.number)
                          .where(ClientPhone.client_id.in_(ids))
                          .order_by(ClientPhone.client_id, ClientPhone.position)):
        phones[p.client_id].append(p)
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
    family: dict[int, list[Any]] = defaultdict(list)
    for f in conn.execute(select(FamilyMemberRow.__table__)
                          .where(FamilyMemberRow.client_id.in_(ids))
                          .order_by(FamilyMemberRow.id)):
        family[f.client_id].append(f)
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
        card = card_rows.card_from_rows(r, phones.get(client_id, ()), tags.get(client_id, ()),
                                        dates.get(client_id, ()), family.get(client_id, ()),
                                        answers.get(client_id, ()))
        found.append(ExportedClient(card, r.last_contact_at, r.last_evaluated_on,
                                    r.previous_grade))
    return found


def _order(ids: list[int]) -> dict[int, int]:
    return {client_id: i for i, client_id in enumerate(ids)}


def evaluations(s: Session, ids: list[int]) -> list[EvaluationLine]:
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


def interactions(s: Session, ids: list[int]) -> list[InteractionLine]:
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


@dataclass(frozen=True, slots=True)
class OrderLine:
    """An order as the workbook writes it: its columns as stored (the amount
    in cents, the status's value), without building a domain Order each (the
    Sales sheet has a row for every order of the book)."""

    id: int
    uuid: str
    client_id: int
    ordered_on: date
    product: str
    quantity: float
    amount_cents: int
    currency: str
    status: str
    payment_due: date | None
    paid_on: date | None
    lost_reason: str
    notes: str

    @property
    def is_won(self) -> bool:
        return self.status in order_repo.WON_VALUES

    def is_late(self, today: date) -> bool:
        """As ``domain.sales.Order.is_late``: a won order paid after it was
        due, or due before ``today`` and not paid."""
        due = self.payment_due
        if due is None or not self.is_won:
            return False
        return self.paid_on > due if self.paid_on is not None else today > due


def orders(s: Session, ids: list[int]) -> list[OrderLine]:
    """The orders of ``ids`` not in the trash: by client in the order of ``ids``,
    oldest first."""
    o = OrderRow
    stmt = (select(o.id, o.uuid, o.client_id, o.ordered_on, o.product, o.quantity,
                   o.amount_cents, o.currency, o.status, o.payment_due, o.paid_on,
                   o.lost_reason, o.notes)
            .join(Client, Client.id == o.client_id)
            .where(o.client_id.in_(ids), Client.deleted_at.is_(None)))
    order = _order(ids)
    found = [OrderLine(*cast(tuple[Any, ...], row)) for row in s.execute(stmt)]
    found.sort(key=lambda line: (order[line.client_id], line.ordered_on, line.id))
    return found
