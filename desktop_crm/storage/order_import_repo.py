"""The lookups and writes an order import needs: which client a row names,
which orders exist already, the batch's orders and their undo.

Functions take a Session and never commit: the importing service owns the
unit of work. An imported order carries its batch (``orders.import_batch_id``);
it was created and last updated at the import's time, so an order whose
``updated_at`` differs from its ``created_at`` was edited since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from desktop_crm.domain.identity import new_uuid
from desktop_crm.domain.import_mapping import normalize_header, phone_key
from desktop_crm.domain.order_import import order_key
from desktop_crm.domain.sales import Order, from_cents
from desktop_crm.storage import import_repo
from desktop_crm.storage.models import Client, ClientPhone, OrderRow
from desktop_crm.storage.order_repo import order_values

CHUNK = 500


def name_key(name: str, company: str) -> tuple[str, str]:
    """A client's name and company as compared (case, spaces and punctuation
    ignored); a person without a company has company ""."""
    return normalize_header(name), normalize_header(company)


@dataclass
class ClientIndex:
    """Live clients by phone key and by (name, company) key; several clients
    may share a key, and a row that matches several is refused.

    Attributes:
        by_phone: import_mapping.phone_key -> client ids.
        by_name: name_key -> client ids.
        by_name_only: the name part of name_key -> client ids (a row that
            gives a name without a company).
        names: client id -> name, for messages.
        companies: client id -> company, for messages.
    """

    by_phone: dict[str, set[int]] = field(default_factory=dict)
    by_name: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    by_name_only: dict[str, set[int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    companies: dict[int, str] = field(default_factory=dict)


def client_index(session: Session) -> ClientIndex:
    index = ClientIndex()
    conn = session.connection()
    live = Client.deleted_at.is_(None)
    for client_id, name, company in conn.execute(
            select(Client.id, Client.name, Client.company).where(live)):
        index.names[client_id] = name
        index.companies[client_id] = company
        key = name_key(name, company)
        index.by_name.setdefault(key, set()).add(client_id)
        index.by_name_only.setdefault(key[0], set()).add(client_id)
    for number, client_id in conn.execute(
            select(ClientPhone.number, ClientPhone.client_id)
            .join(Client, Client.id == ClientPhone.client_id).where(live)):
        digits = phone_key(number)
        if len(digits) >= 5:
            index.by_phone.setdefault(digits, set()).add(client_id)
    return index


def order_keys(session: Session, client_ids: Iterable[int]) -> set[tuple[int, date, str, int]]:
    """domain.order_import.order_key of every order of these clients."""
    wanted = sorted(set(client_ids))
    keys: set[tuple[int, date, str, int]] = set()
    for start in range(0, len(wanted), CHUNK):
        stmt = (select(OrderRow.client_id, OrderRow.ordered_on, OrderRow.product,
                       OrderRow.amount_cents)
                .where(OrderRow.client_id.in_(wanted[start:start + CHUNK])))
        for client_id, ordered_on, product, cents in session.execute(stmt):
            keys.add(order_key(client_id, ordered_on, product, from_cents(cents)))
    return keys


def fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes whenever a client or an order is added, edited or removed: a
    plan made under one fingerprint is still right under the same one."""
    row = session.execute(select(func.count(OrderRow.id), func.max(OrderRow.id),
                                 func.max(OrderRow.updated_at))).one()
    return import_repo.fingerprint(session) + tuple(row)


def insert_orders(session: Session, orders: list[Order], batch_id: int,
                  now: datetime) -> list[int]:
    """Insert the orders of one import (Core bulk insert); their ids in order."""
    if not orders:
        return []
    table = OrderRow.__table__
    rows = [{**order_values(o), "uuid": o.uuid or new_uuid(), "import_batch_id": batch_id,
             "created_at": now, "updated_at": now} for o in orders]
    result = session.connection().execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [int(i) for i in result.scalars()]


@dataclass(frozen=True)
class BatchOrder:
    id: int
    client_id: int
    edited: bool


def batch_orders(session: Session, batch_id: int) -> list[BatchOrder]:
    """The orders an import created that still exist."""
    stmt = (select(OrderRow.id, OrderRow.client_id, OrderRow.created_at, OrderRow.updated_at)
            .where(OrderRow.import_batch_id == batch_id).order_by(OrderRow.id))
    return [BatchOrder(i, c, created != updated)
            for i, c, created, updated in session.execute(stmt)]


def delete_batch_orders(session: Session, batch_id: int) -> int:
    result = session.execute(delete(OrderRow).where(OrderRow.import_batch_id == batch_id))
    return int(getattr(result, "rowcount", 0) or 0)
