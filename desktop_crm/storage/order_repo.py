"""Orders and sales targets. Functions take a Session and never commit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desktop_crm.domain.sales import (
    WON_STATUSES,
    Order,
    OrderStatus,
    SalesTarget,
    from_cents,
    to_cents,
)
from desktop_crm.storage.card_rows import clean
from desktop_crm.storage.models import Client, OrderRow, SalesTargetRow

WON_VALUES = tuple(sorted(s.value for s in WON_STATUSES))


def order_values(order: Order) -> dict[str, Any]:
    """The ``orders`` columns an order sets (not id, UUID, batch or timestamps)."""
    return {
        "client_id": order.client_id, "ordered_on": order.ordered_on,
        "product": clean(order.product), "quantity": float(order.quantity),
        "amount_cents": to_cents(order.amount), "currency": order.currency.strip().upper(),
        "status": order.status.value, "payment_due": order.payment_due,
        "paid_on": order.paid_on, "lost_reason": clean(order.lost_reason),
        "notes": order.notes.replace("\x00", ""),
    }


def to_order(row: Any) -> Order:
    return Order(
        client_id=row.client_id, ordered_on=row.ordered_on, product=row.product,
        amount=from_cents(row.amount_cents), quantity=row.quantity, currency=row.currency,
        status=OrderStatus(row.status), payment_due=row.payment_due, paid_on=row.paid_on,
        lost_reason=row.lost_reason, notes=row.notes, id=row.id, uuid=row.uuid,
        import_batch_id=row.import_batch_id, created_at=row.created_at,
        updated_at=row.updated_at)


def get(session: Session, order_id: int) -> Order | None:
    row = session.get(OrderRow, order_id)
    return to_order(row) if row else None


def add(session: Session, order: Order, now: datetime) -> int:
    row = OrderRow(**order_values(order), import_batch_id=order.import_batch_id,
                   created_at=now, updated_at=now,
                   **({"uuid": order.uuid} if order.uuid else {}))
    session.add(row)
    session.flush()
    return row.id


def update(session: Session, order: Order, now: datetime) -> bool:
    """Store ``order`` over the row of its id; False when it is gone."""
    row = session.get(OrderRow, order.id)
    if row is None:
        return False
    for name, value in order_values(order).items():
        setattr(row, name, value)
    row.updated_at = now
    session.flush()
    return True


def remove(session: Session, order_id: int) -> Order | None:
    """Delete one order; returns it as it was (for undo), None when gone."""
    row = session.get(OrderRow, order_id)
    if row is None:
        return None
    order = to_order(row)
    session.delete(row)
    session.flush()
    return order


def for_client(session: Session, client_id: int) -> list[Order]:
    """The client's orders, newest first."""
    stmt = (select(OrderRow).where(OrderRow.client_id == client_id)
            .order_by(OrderRow.ordered_on.desc(), OrderRow.id.desc()))
    return [to_order(r) for r in session.scalars(stmt)]


def won_total(session: Session, client_id: int, start: date, end: date,
              currency: str) -> tuple[int, int]:
    """(count, sum of cents) of the client's won orders in ``currency`` dated
    from ``start`` to ``end`` inclusive."""
    row = session.execute(
        select(func.count(OrderRow.id), func.coalesce(func.sum(OrderRow.amount_cents), 0))
        .where(OrderRow.client_id == client_id, OrderRow.ordered_on >= start,
               OrderRow.ordered_on <= end, OrderRow.status.in_(WON_VALUES),
               OrderRow.currency == currency)).one()
    return int(row[0]), int(row[1])


def late_payments(session: Session, client_id: int, start: date, end: date,
                  today: date) -> int:
    """Won orders dated in the period whose payment came after it was due, or
    is due before ``today`` and has not come."""
    late = ((OrderRow.paid_on.is_not(None) & (OrderRow.paid_on > OrderRow.payment_due))
            | (OrderRow.paid_on.is_(None) & (OrderRow.payment_due < today)))
    return int(session.scalar(
        select(func.count(OrderRow.id)).where(
            OrderRow.client_id == client_id, OrderRow.ordered_on >= start,
            OrderRow.ordered_on <= end, OrderRow.status.in_(WON_VALUES),
            OrderRow.payment_due.is_not(None), late)) or 0)


def won_count(session: Session, client_id: int, start: date, end: date) -> int:
    """The client's won orders (any currency) dated from ``start`` to ``end``."""
    return int(session.scalar(
        select(func.count(OrderRow.id)).where(
            OrderRow.client_id == client_id, OrderRow.ordered_on >= start,
            OrderRow.ordered_on <= end, OrderRow.status.in_(WON_VALUES))) or 0)


def totals(session: Session) -> dict[str, Any]:
    """Orders of live clients: how many, and the won amount per currency (cents)."""
    live = Client.deleted_at.is_(None)
    count = session.scalar(select(func.count(OrderRow.id)).join(Client).where(live)) or 0
    sums = session.execute(
        select(OrderRow.currency, func.count(OrderRow.id), func.sum(OrderRow.amount_cents))
        .join(Client).where(live, OrderRow.status.in_(WON_VALUES))
        .group_by(OrderRow.currency).order_by(OrderRow.currency)).all()
    return {"orders": int(count),
            "won": {cur: (int(n), int(cents or 0)) for cur, n, cents in sums}}


# -- targets -------------------------------------------------------------------------

def to_target(row: Any) -> SalesTarget:
    return SalesTarget(client_id=row.client_id, period_start=row.period_start,
                       period_end=row.period_end, amount=from_cents(row.amount_cents),
                       currency=row.currency, id=row.id, uuid=row.uuid)


def targets_for_client(session: Session, client_id: int) -> list[SalesTarget]:
    stmt = (select(SalesTargetRow).where(SalesTargetRow.client_id == client_id)
            .order_by(SalesTargetRow.period_start.desc()))
    return [to_target(r) for r in session.scalars(stmt)]


def target_covering(session: Session, client_id: int, day: date) -> SalesTarget | None:
    """The client's target whose period holds ``day`` (the latest-starting one)."""
    row = session.scalars(
        select(SalesTargetRow).where(SalesTargetRow.client_id == client_id,
                                     SalesTargetRow.period_start <= day,
                                     SalesTargetRow.period_end >= day)
        .order_by(SalesTargetRow.period_start.desc()).limit(1)).first()
    return to_target(row) if row else None


def put_target(session: Session, target: SalesTarget, now: datetime) -> int:
    """Insert, or replace the client's target starting the same day."""
    row = session.scalars(select(SalesTargetRow).where(
        SalesTargetRow.client_id == target.client_id,
        SalesTargetRow.period_start == target.period_start)).first()
    if row is None:
        row = SalesTargetRow(client_id=target.client_id, period_start=target.period_start,
                             created_at=now, **({"uuid": target.uuid} if target.uuid else {}))
        session.add(row)
    row.period_end = target.period_end
    row.amount_cents = to_cents(target.amount)
    row.currency = target.currency.strip().upper()
    session.flush()
    return row.id


def remove_target(session: Session, target_id: int) -> bool:
    result = session.execute(delete(SalesTargetRow).where(SalesTargetRow.id == target_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]
