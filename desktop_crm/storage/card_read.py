"""One client card with every record its editor shows, read at once
(``read_card``): the card with its phones, tags, dates, family and profile
answers, its timeline, history, orders, contact people, complaints and
photo.

On PostgreSQL it is one statement: the ``clients`` row with one column a
part, each part's rows aggregated as a JSON array of arrays in its order
(the photo's bytes as they are). A card's opening took 12 statements there,
each a round trip to the server and SQLAlchemy's and psycopg's work for a
result; one statement takes a fifth of the time and of the CPU. On SQLite,
where a statement costs no round trip, each part is one Core statement (no
ORM objects). Both give the rows to the same mappers as the separate reads
(``card_rows``, ``client_repo``, ``order_repo``, ``contact_rows``,
``complaint_repo``), so what a card shows is the same whichever way it was
read (tests/unit/storage/test_card_read.py).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Date, DateTime, Float, Select, Table, bindparam, func, select
from sqlalchemy.orm import Session

from desktop_crm.domain.card_records import CardRecords
from desktop_crm.storage import card_rows, client_repo, complaint_repo, order_repo
from desktop_crm.storage.contact_rows import to_person
from desktop_crm.storage.models import (
    ChangeLogRow,
    Client,
    ClientPhone,
    ClientPhotoRow,
    ClientTag,
    ComplaintRow,
    ContactPersonRow,
    FamilyMemberRow,
    ImportantDateRow,
    InteractionRow,
    OrderRow,
    ProfileAnswer,
    Tag,
)


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


@dataclass(frozen=True)
class _Part:
    """The rows of one table that belong to the card: ``columns`` (all when
    empty) in ``order`` (column names, ``-`` before one for descending)."""

    name: str
    model: type[Any]
    order: tuple[str, ...]
    columns: tuple[str, ...] = ()

    @property
    def table(self) -> Table:
        return _table(self.model)

    def names(self) -> tuple[str, ...]:
        return self.columns or tuple(c.name for c in self.table.c)

    def order_by(self) -> list[Any]:
        c = self.table.c
        return [c[key[1:]].desc() if key.startswith("-") else c[key] for key in self.order]


# the orders are those of the separate reads (client_repo.load_card,
# interactions and history, order_repo.for_client, contact_repo.for_client,
# complaint_repo.list_complaints)
_PARTS = (
    _Part("phones", ClientPhone, ("position",), ("number", "kind")),
    _Part("dates", ImportantDateRow, ("id",), ("kind", "label", "calendar", "month", "day",
                                               "year", "leap", "remind_days", "uuid")),
    _Part("family", FamilyMemberRow, ("id",), (
        "relation", "name", "notes", "birth_calendar", "birth_month", "birth_day",
        "birth_year", "birth_leap", "birth_remind_days", "uuid")),
    _Part("answers", ProfileAnswer, ("question",), ("question", "answer", "private")),
    _Part("interactions", InteractionRow, ("-occurred_at", "-id")),
    _Part("history", ChangeLogRow, ("-changed_at", "-id"), (
        "changed_at", "field", "old_value", "new_value", "user")),
    _Part("orders", OrderRow, ("-ordered_on", "-id")),
    _Part("people", ContactPersonRow, ("id",)),
    _Part("complaints", ComplaintRow, ("-received_at", "-id")),
)


@cache
def _row_type(part: _Part) -> Any:
    """A named tuple of the part's columns: what the mappers read by attribute."""
    return namedtuple(f"{part.name}_row", part.names())


def _converter(column: Any) -> Callable[[Any], Any] | None:
    """How a column's JSON value becomes what the column gives in a row:
    PostgreSQL writes times and dates as ISO text, and a float with no
    fraction as an integer."""
    kind = column.type
    if isinstance(kind, DateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Float):
        return float
    return None


@cache
def _json_rows(part: _Part) -> Callable[[list[list[Any]] | None], list[Any]]:
    """The part's rows from its JSON array of arrays (None: no rows)."""
    make = _row_type(part)._make
    columns = part.table.c
    converters = [(i, f) for i, name in enumerate(part.names())
                  if (f := _converter(columns[name])) is not None]

    def rows(values: list[list[Any]] | None) -> list[Any]:
        if not values:
            return []
        if converters:
            for value in values:
                for i, f in converters:
                    if value[i] is not None:
                        value[i] = f(value[i])
        return [make(value) for value in values]

    return rows


def _client_id(part: _Part) -> Any:
    return part.table.c.client_id


_TAGS = (_table(ClientTag).join(_table(Tag), _table(Tag).c.id == _table(ClientTag).c.tag_id))


@cache
def _postgresql_statement() -> Select[Any]:
    """The card's row with one column a part (see the module's note)."""
    from sqlalchemy.dialects.postgresql import aggregate_order_by

    clients = _table(Client)
    parts = []
    for part in _PARTS:
        t = part.table
        rows = func.json_agg(aggregate_order_by(
            func.json_build_array(*(t.c[name] for name in part.names())), *part.order_by()))
        parts.append(select(rows).where(_client_id(part) == clients.c.id)
                     .scalar_subquery().label(part.name))
    tag = _table(Tag).c.name
    tags = (select(func.array_agg(tag)).select_from(_TAGS)
            .where(_table(ClientTag).c.client_id == clients.c.id).scalar_subquery())
    photos = _table(ClientPhotoRow)
    photo = select(photos.c.data).where(photos.c.client_id == clients.c.id).scalar_subquery()
    return (select(*clients.c, *parts, tags.label("tags"), photo.label("photo"))
            .where(clients.c.id == bindparam("id")))


def _read_postgresql(session: Session, client_id: int) -> CardRecords | None:
    row = session.execute(_postgresql_statement(), {"id": client_id}).first()
    if row is None:
        return None
    parts = {part.name: _json_rows(part)(getattr(row, part.name)) for part in _PARTS}
    return _records(row, parts, row.tags or [], row.photo)


@cache
def _sqlite_statements() -> dict[str, Select[Any]]:
    clients = _table(Client)
    statements = {part.name: select(*(part.table.c[n] for n in part.names()))
                  .where(_client_id(part) == bindparam("id")).order_by(*part.order_by())
                  for part in _PARTS}
    photos = _table(ClientPhotoRow)
    statements.update(
        client=select(*clients.c).where(clients.c.id == bindparam("id")),
        tags=select(_table(Tag).c.name).select_from(_TAGS)
        .where(_table(ClientTag).c.client_id == bindparam("id")),
        photo=select(photos.c.data).where(photos.c.client_id == bindparam("id")))
    return statements


def _read_sqlite(session: Session, client_id: int) -> CardRecords | None:
    conn = session.connection()
    statements = _sqlite_statements()
    params = {"id": client_id}
    client = conn.execute(statements["client"], params).first()
    if client is None:
        return None
    parts = {part.name: conn.execute(statements[part.name], params).all() for part in _PARTS}
    tags = conn.execute(statements["tags"], params).scalars().all()
    photo = conn.execute(statements["photo"], params).scalar()
    return _records(client, parts, tags, photo)


def _records(client: Any, parts: Mapping[str, Sequence[Any]], tags: Iterable[str],
             photo: bytes | None) -> CardRecords:
    card = card_rows.card_from_rows(client, parts["phones"], tags, parts["dates"],
                                    parts["family"], parts["answers"])
    return CardRecords(
        card=card,
        interactions=[client_repo.to_interaction(r) for r in parts["interactions"]],
        history=[client_repo.to_change(r) for r in parts["history"]],
        orders=[order_repo.to_order(r) for r in parts["orders"]],
        people=[to_person(r) for r in parts["people"]],
        # the complaint lists leave out the clients in the trash
        complaints=([] if card.deleted_at is not None else
                    [complaint_repo.from_row(r, card.name) for r in parts["complaints"]]),
        photo=bytes(photo) if photo is not None else None,
    )


def read_card(session: Session, client_id: int) -> CardRecords | None:
    """The card ``client_id`` with its records; None when there is no such
    client (in the trash or not)."""
    if session.get_bind().dialect.name == "postgresql":
        return _read_postgresql(session, client_id)
    return _read_sqlite(session, client_id)
