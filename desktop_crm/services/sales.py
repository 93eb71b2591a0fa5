"""Sales use cases: a client's orders and sales targets, and what the
evaluation reads from them (target attainment, late payments).

Saving an order that becomes lost or delivered also writes its care entries
on the client's timeline (domain.order_care): the review and revisit of a
lost deal, the delivery whose thank-you call the care calendar shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.order_care import care_entries
from desktop_crm.domain.sales import (
    DEFAULT_CURRENCY,
    Order,
    SalesTarget,
    from_cents,
    quarter_of,
    validate_order,
    validate_target,
)
from desktop_crm.domain.validation import ValidationError
from desktop_crm.i18n import _
from desktop_crm.services.clock import Clock, current_user, system_clock
from desktop_crm.storage import client_repo, order_repo
from desktop_crm.storage.database import Database


@dataclass(frozen=True)
class Attainment:
    """Won sales of a client in a target's period against the target.

    Attributes:
        target: the target (None: the client has none for the period).
        won: the sum of won orders in the target's currency in the period.
        orders: how many orders that is.
    """

    target: SalesTarget | None
    won: Decimal
    orders: int

    @property
    def ratio(self) -> float | None:
        """Won / target (1.0 = 100 %); None without a target."""
        if self.target is None or not self.target.amount:
            return None
        return float(self.won / self.target.amount)


class SalesService:
    """Everything the card's Orders page, the evaluation and the CLI do with
    orders and targets.

    Attributes:
        db: the open database.
        clock: returns "now"; injected so tests can fix it.
        user: the salesperson using the app.
    """

    def __init__(self, db: Database, clock: Clock = system_clock, user: str | None = None):
        self.db = db
        self.clock = clock
        self.user = current_user() if user is None else user

    # -- orders ---------------------------------------------------------------
    def get(self, order_id: int) -> Order:
        with self.db.read() as s:
            found = order_repo.get(s, order_id)
        if found is None:
            raise NotFoundError(_("Order {id} does not exist", id=order_id))
        return found

    def orders_of(self, client_id: int) -> list[Order]:
        """The client's orders, newest first."""
        with self.db.read() as s:
            return order_repo.for_client(s, client_id)

    def save(self, order: Order) -> int:
        """Add ``order`` (no id) or store it over the order of its id; returns
        the id. An order that becomes lost or delivered logs its care entries
        on the client's timeline in the same transaction. Raises
        ValidationError or NotFoundError, writing nothing."""
        now = self.clock()
        errors = validate_order(order, now.date())
        if errors:
            raise ValidationError(errors)
        with self.db.session() as s:
            if not client_repo.client_exists(s, order.client_id, include_deleted=False):
                raise NotFoundError(_("Client {id} does not exist", id=order.client_id))
            old = None
            if order.id is None:
                order_id = order_repo.add(s, order, now)
            else:
                old = order_repo.get(s, order.id)
                if old is None or not order_repo.update(s, order, now):
                    raise NotFoundError(_("Order {id} does not exist", id=order.id))
                order_id = order.id
            for entry in care_entries(old, order, now):
                client_repo.add_interaction(s, entry, now)
            return order_id

    def delete(self, order_id: int) -> Order:
        """Delete one order; returns it as it was, for undo (``restore``)."""
        with self.db.session() as s:
            gone = order_repo.remove(s, order_id)
        if gone is None:
            raise NotFoundError(_("Order {id} does not exist", id=order_id))
        return gone

    def restore(self, order: Order) -> int:
        """Put back an order ``delete`` returned, with its UUID."""
        with self.db.session() as s:
            return order_repo.add(s, order, order.created_at or self.clock())

    # -- targets --------------------------------------------------------------
    def targets_of(self, client_id: int) -> list[SalesTarget]:
        with self.db.read() as s:
            return order_repo.targets_for_client(s, client_id)

    def set_target(self, target: SalesTarget) -> int:
        """Set the client's target for a period (replacing one starting the same day)."""
        errors = validate_target(target)
        if errors:
            raise ValidationError(errors)
        with self.db.session() as s:
            if not client_repo.client_exists(s, target.client_id, include_deleted=False):
                raise NotFoundError(_("Client {id} does not exist", id=target.client_id))
            return order_repo.put_target(s, target, self.clock())

    def delete_target(self, target_id: int) -> None:
        with self.db.session() as s:
            if not order_repo.remove_target(s, target_id):
                raise NotFoundError(_("The target no longer exists"))

    def attainment(self, client_id: int, day: date) -> Attainment:
        """The client's won sales in the target period holding ``day`` against
        that target (no target: the won sales of ``day``'s quarter, in CNY)."""
        with self.db.read() as s:
            target = order_repo.target_covering(s, client_id, day)
            start, end = (target.period_start, target.period_end) if target else quarter_of(day)
            currency = target.currency if target else DEFAULT_CURRENCY
            count, cents = order_repo.won_total(s, client_id, start, end, currency)
        return Attainment(target, from_cents(cents), count)

    def late_payments(self, client_id: int, start: date, end: date) -> int:
        """Won orders dated in the period paid late, or overdue and unpaid today."""
        with self.db.read() as s:
            return order_repo.late_payments(s, client_id, start, end, self.clock().date())
