"""What an order's change of status puts on the client's timeline, and so on
the care calendar (follow-ups and thank-yous are read from the timeline).

- A deal that becomes lost: the source's care after a failed deal (review the
  client, plan revisits, change the approach): a timeline entry saying why it
  was lost with a review follow-up a few days later, and a revisit follow-up a
  month later.
- An order that becomes delivered: a delivery entry (milestone DELIVERY), so
  the thank-you call 2-3 days later appears as for any delivery; marking that
  call done records the client's satisfaction (the survey after service).

"Becomes" is a change of status: an order saved again in the same status
(its notes edited, say) logs nothing, and a delivered order that is then paid
is not delivered a second time. An order typed in already delivered long
after its date is a record of the past: it asks for no thank-you.

Pure functions; the sales service writes what they return in the same
transaction as the order.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from desktop_crm.domain.client import Interaction
from desktop_crm.domain.enums import Channel, Milestone
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.i18n import _

# After a lost deal: review the client this many days later, and revisit this many days later.
LOST_REVIEW_DAYS = 3
LOST_REVISIT_DAYS = 30
# A new order dated longer ago than this and already delivered logs no delivery.
RECENT_DELIVERY_DAYS = 14

# statuses that mean the goods or service were handed over already
_DELIVERED = frozenset({OrderStatus.DELIVERED, OrderStatus.PAID})


def became_lost(old: Order | None, new: Order) -> bool:
    """The order is lost now and was not before (or is new)."""
    return new.status == OrderStatus.LOST and (old is None or old.status != OrderStatus.LOST)


def became_delivered(old: Order | None, new: Order, today: date) -> bool:
    """The order is delivered now and was neither delivered nor paid before
    (a new order: and is dated in the last ``RECENT_DELIVERY_DAYS`` days)."""
    if new.status != OrderStatus.DELIVERED:
        return False
    if old is None:
        return new.ordered_on >= today - timedelta(days=RECENT_DELIVERY_DAYS)
    return old.status not in _DELIVERED


def care_entries(old: Order | None, new: Order, now: datetime) -> list[Interaction]:
    """The timeline entries saving ``new`` over ``old`` (None: a new order)
    calls for, in the current language; empty when the status did not change
    into lost or delivered."""
    when = now.replace(second=0, microsecond=0)
    product = new.product.strip()
    if became_lost(old, new):
        today = when.date()
        return [
            Interaction(new.client_id, when, Channel.MEETING,
                        _("Deal lost: {product}. Reason: {reason}", product=product,
                          reason=new.lost_reason.strip()),
                        next_step=_("Review the client after the lost deal and change the "
                                    "approach"),
                        follow_up_on=today + timedelta(days=LOST_REVIEW_DAYS)),
            Interaction(new.client_id, when, Channel.MEETING,
                        _("Revisit planned after the lost deal: {product}", product=product),
                        next_step=_("Revisit the client with a new approach"),
                        follow_up_on=today + timedelta(days=LOST_REVISIT_DAYS)),
        ]
    if became_delivered(old, new, when.date()):
        return [Interaction(new.client_id, when, Channel.VISIT,
                            _("Delivered: {product}", product=product),
                            milestone=Milestone.DELIVERY)]
    return []
