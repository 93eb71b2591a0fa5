"""The queries of an export: many cards, evaluations, interactions and orders at once.

For each page of ids there is one Core query per table (the clients, then
their phones, tags, dates, family members and profile answers, then the
evaluations, interactions and orders), each ordered by client so that a
client's rows are one run, cut with ``itertools.groupby``. The objects are
built from plain row tuples, the enums looked up in dictionaries: at 100,000
clients and 600,000 orders the export reads over two million rows, and an
ORM result, an ``Enum(value)`` call or a frozen dataclass cost microseconds
each (measured in issue 20). The cards are those ``client_repo.load_card``
reads (``tests/unit/storage/test_export_repo.py`` compares them field by
field). Functions take a Session and never commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import BindParameter, Connection, bindparam, select
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
from desktop_crm.storage import order_repo
from desktop_crm.storage.card_rows import SIMPLE_FIELDS
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

E = TypeVar("E", bound=Enum)


@dataclass(frozen=True)
class ExportedClient:
    """A card plus the list's bookkeeping the card does not hold."""

    card: ClientCard
    last_contact: datetime | None
    last_evaluated_on: date | None
    previous_grade: str | None


class EvaluationLine(NamedTuple):
    """An evaluation as the workbook writes it (a tuple: made without a
    Python call per field)."""

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


class InteractionLine(NamedTuple):
    """An interaction as the workbook writes it."""

    uuid: str
    client_id: int
    occurred_at: datetime
    channel: Channel
    summary: str
    next_step: str
    follow_up_on: date | None
    follow_up_done: bool
    milestone: Milestone | None


def _members(enum: type[E]) -> dict[str, E]:
    """value -> member: a dictionary lookup instead of an ``Enum(value)`` call."""
    return {m.value: m for m in enum}


_KINDS = _members(ClientKind)
_GENDERS = _members(Gender)
_PHONE_KINDS = _members(PhoneKind)
_DATE_KINDS = _members(DateKind)
_CHANNELS = _members(Channel)
_MILESTONES = _members(Milestone)
_CLASSES = [(name, _members(enum)) for name, enum in CLASSIFICATIONS.items()]
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)


def _of(column: Any) -> Any:
    """``column IN :ids``: the statements are built once, so SQLAlchemy
    compiles each once (only the list of ids is rendered per page)."""
    return column.in_(_IDS)


_CLIENTS = select(Client.id, Client.uuid, Client.kind, Client.gender, Client.grade,
                  Client.created_at, Client.updated_at, Client.deleted_at, Client.version,
                  Client.last_contact_at, Client.last_evaluated_on, Client.previous_grade,
                  *(getattr(Client, name) for name, _values in _CLASSES),
                  *(getattr(Client, name) for name in SIMPLE_FIELDS)
                  ).where(_of(Client.id), Client.deleted_at.is_(None))
_FIXED = 12 + len(_CLASSES)  # the columns before SIMPLE_FIELDS'
_LIVE = select(Client.id).where(_of(Client.id), Client.deleted_at.is_(None))
_NAMES = select(Client.id, Client.name, Client.uuid).where(_of(Client.id),
                                                           Client.deleted_at.is_(None))
_PHONES = (select(ClientPhone.client_id, ClientPhone.kind, ClientPhone.number)
           .where(_of(ClientPhone.client_id))
           .order_by(ClientPhone.client_id, ClientPhone.position))
_TAGS = (select(ClientTag.client_id, Tag.name).join(Tag, Tag.id == ClientTag.tag_id)
         .where(_of(ClientTag.client_id)).order_by(ClientTag.client_id))
_d = ImportantDateRow
_DATES = (select(_d.client_id, _d.kind, _d.label, _d.remind_days, _d.uuid, _d.calendar,
                 _d.month, _d.day, _d.year, _d.leap)
          .where(_of(_d.client_id)).order_by(_d.client_id, _d.id))
_f = FamilyMemberRow
_FAMILY = (select(_f.client_id, _f.relation, _f.name, _f.notes, _f.birth_remind_days, _f.uuid,
                  _f.birth_calendar, _f.birth_month, _f.birth_day, _f.birth_year, _f.birth_leap)
           .where(_of(_f.client_id)).order_by(_f.client_id, _f.id))
_ANSWERS = (select(ProfileAnswer.client_id, ProfileAnswer.question, ProfileAnswer.answer,
                   ProfileAnswer.private)
            .where(_of(ProfileAnswer.client_id))
            .order_by(ProfileAnswer.client_id, ProfileAnswer.question))
_e = EvaluationRow
_EVALUATIONS = (select(_e.client_id, _e.uuid, _e.evaluated_on, _e.period_start, _e.period_end,
                       _e.total, _e.grade, ScoringSchemeRow.version, _e.evaluator, _e.notes,
                       _e.points)
                .join(ScoringSchemeRow, ScoringSchemeRow.id == _e.scheme_id)
                .where(_of(_e.client_id)).order_by(_e.client_id, _e.evaluated_on, _e.id))
_i = InteractionRow
_INTERACTIONS = (select(_i.client_id, _i.uuid, _i.occurred_at, _i.channel, _i.summary,
                        _i.next_step, _i.follow_up_on, _i.follow_up_done, _i.milestone)
                 .where(_of(_i.client_id)).order_by(_i.client_id, _i.occurred_at, _i.id))
_o = OrderRow
_ORDERS = (select(_o.id, _o.uuid, _o.client_id, _o.ordered_on, _o.product, _o.quantity,
                  _o.amount_cents, _o.currency, _o.status, _o.payment_due, _o.paid_on,
                  _o.lost_reason, _o.notes)
           .where(_of(_o.client_id)).order_by(_o.client_id, _o.ordered_on, _o.id))
_first, _third = itemgetter(0), itemgetter(2)


def _rows(conn: Connection, stmt: Any, ids: list[int]) -> Sequence[Any]:
    """All rows at once: a CursorResult iterated row by row fetches one at a
    time, several times slower."""
    return conn.execute(stmt, {"ids": ids}).all()


def _by_client(rows: Iterable[Sequence[Any]], key: Callable[[Any], Any] = _first
               ) -> Iterator[tuple[int, list[Any]]]:
    """(client id, its rows) of rows ordered by client: by ``key``, the
    client id's column (the first one by default)."""
    for client_id, run in groupby(rows, key):
        yield client_id, list(run)


def _in_order(ids: Sequence[int], runs: dict[int, list[Any]]) -> list[Any]:
    """The runs of ``ids``'s clients, one after the other in the order of ``ids``."""
    found: list[Any] = []
    for client_id in ids:
        run = runs.get(client_id)
        if run is not None:
            found += run
    return found


def clients(s: Session, ids: list[int]) -> list[ExportedClient]:
    """The cards of ``ids`` not in the trash, in the order of ``ids``, from six
    Core queries: the clients, then the rows of the live ones in each child
    table."""
    conn = s.connection()
    rows = {r[0]: r for r in _rows(conn, _CLIENTS, ids)}
    live = list(rows)
    if not live:
        return []
    phones = {cid: [Phone(number, _PHONE_KINDS[kind]) for _c, kind, number in run]
              for cid, run in _by_client(_rows(conn, _PHONES, live))}
    # by code point, as SQLite orders them (a server's collation may not)
    tags = {cid: sorted(name for _c, name in run)
            for cid, run in _by_client(_rows(conn, _TAGS, live))}
    dates = dict(_by_client(_rows(conn, _DATES, live)))
    family = {cid: [FamilyMember(relation, name, _spec(calendar, month, day, year, leap), notes,
                                 remind, uuid)
                    for _c, relation, name, notes, remind, uuid, calendar, month, day, year, leap
                    in run]
              for cid, run in _by_client(_rows(conn, _FAMILY, live))}
    answers = dict(_by_client(_rows(conn, _ANSWERS, live)))
    found = []
    for client_id in ids:
        r = rows.get(client_id)
        if r is None:
            continue
        card = _card(r, phones.get(client_id, []), tags.get(client_id, []),
                     dates.get(client_id, ()), family.get(client_id, []),
                     answers.get(client_id, ()))
        found.append(ExportedClient(card, r[9], r[10], r[11]))
    return found


def names(s: Session, ids: list[int]) -> list[tuple[int, str, str]]:
    """(id, name, UUID) of the clients of ``ids`` not in the trash, in the
    order of ``ids``: what the sheets of orders and evaluations say of their
    client, without reading whole cards."""
    rows = {cid: (cid, name, uuid) for cid, name, uuid in _rows(s.connection(), _NAMES, ids)}
    return [rows[cid] for cid in ids if cid in rows]


def _spec(calendar: str | None, month: int | None, day: int | None, year: int | None,
          leap: bool | None) -> DateSpec | None:
    """A family member's birthday, None when it has no date (as ``card_rows``)."""
    if not calendar or not month or not day:
        return None
    return DateSpec(calendar, month, day, year, bool(leap))


def _card(r: Sequence[Any], phones: list[Phone], tags: list[str], dates: Iterable[Any],
          family: list[FamilyMember], answers: Iterable[Any]) -> ClientCard:
    """The card of a row of ``_CLIENT_COLUMNS`` and its children's rows, as
    ``card_rows.card_from_rows`` maps them."""
    card = ClientCard(id=r[0], uuid=r[1], kind=_KINDS[r[2]], gender=_GENDERS[r[3]],
                      phones=phones, tags=tags, family=family, grade=r[4], created_at=r[5],
                      updated_at=r[6], deleted_at=r[7], version=r[8],
                      **dict(zip(SIMPLE_FIELDS, r[_FIXED:], strict=True)))
    for i, (name, values) in enumerate(_CLASSES, start=12):
        value = r[i]
        if value:
            setattr(card, name, values[value])
    birthday = DateKind.BIRTHDAY.value
    for _c, kind, label, remind, uuid, calendar, month, day, year, leap in dates:
        spec = DateSpec(calendar, month, day, year, bool(leap))
        if kind == birthday:
            card.birthday, card.birthday_remind_days, card.birthday_uuid = spec, remind, uuid
        else:
            card.dates.append(ImportantDate(_DATE_KINDS[kind], spec, label, remind, uuid))
    for _c, question, answer, private in answers:
        if answer:
            card.profile[question] = answer
        if private:
            card.profile_private.add(question)
    return card


def _live(conn: Connection, ids: list[int]) -> list[int]:
    """The ids of ``ids`` not in the trash (their child rows are read without
    joining every row to ``clients``). The functions below take them as
    ``live`` when the caller has them already (the page's cards)."""
    return [cid for (cid,) in _rows(conn, _LIVE, ids)]


def evaluations(s: Session, ids: list[int], live: list[int] | None = None) -> list[EvaluationLine]:
    """The evaluations of ``ids`` not in the trash: by client in the order of
    ``ids``, oldest first."""
    conn = s.connection()
    live = _live(conn, ids) if live is None else live
    if not live:
        return []
    rows = _rows(conn, _EVALUATIONS, live)
    runs = {cid: [EvaluationLine(uuid, cid, on, start, end, total, grade, version, evaluator,
                                 notes, _points(points))
                  for (_c, uuid, on, start, end, total, grade, version, evaluator, notes,
                       points) in run]
            for cid, run in _by_client(rows)}
    return _in_order(ids, runs)


def _points(raw: str) -> dict[str, float]:
    try:
        data: Any = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): float(v) for k, v in data.items()
            if isinstance(v, int | float)} if isinstance(data, dict) else {}


def interactions(s: Session, ids: list[int], live: list[int] | None = None
                 ) -> list[InteractionLine]:
    """The interactions of ``ids`` not in the trash: by client in the order
    of ``ids``, oldest first."""
    conn = s.connection()
    live = _live(conn, ids) if live is None else live
    if not live:
        return []
    rows = _rows(conn, _INTERACTIONS, live)
    channels, milestones = _CHANNELS, _MILESTONES
    runs = {cid: [InteractionLine(uuid, cid, at, channels[channel], summary, next_step,
                                  follow_up_on, bool(done),
                                  milestones[milestone] if milestone else None)
                  for (_c, uuid, at, channel, summary, next_step, follow_up_on, done,
                       milestone) in run]
            for cid, run in _by_client(rows)}
    return _in_order(ids, runs)


class OrderLine(NamedTuple):
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


def orders(s: Session, ids: list[int], live: list[int] | None = None) -> list[OrderLine]:
    """The orders of ``ids`` not in the trash: by client in the order of ``ids``,
    oldest first."""
    conn = s.connection()
    live = _live(conn, ids) if live is None else live
    if not live:
        return []
    rows = _rows(conn, _ORDERS, live)
    make = OrderLine._make
    runs = {cid: list(map(make, run)) for cid, run in _by_client(rows, _third)}
    return _in_order(ids, runs)
