"""Evaluation inputs the orders can supply: the sales-target attainment and
the late payments of the credit criterion, and the record of where each input
of a stored evaluation came from (from the orders, or entered by hand).

Sales-target attainment for an evaluation period = won orders (won, delivered
or paid) dated in the days of the period that a sales target covers, divided
by the target for those days, in percent. A target whose period lies partly
outside the evaluation period counts pro rata of the days it shares with it
(a quarter's target of 91,000 over 30 shared days counts 30,000), so an
evaluation period equal to a target's period compares the period's won orders
with that target exactly. Days no target covers are left out on both sides.
Without any target in the period the orders cannot give the figure.

Credit (late payments): the won orders dated in the period whose payment came
after its due date, or is due before the evaluation date and has not come.
Each such order is one late payment, however late; the credit criterion then
costs its penalty per late payment (20 points each under the default scheme).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from desktop_crm.domain.sales import CENT, SalesTarget

SALES_KEY = "sales_attainment"
CREDIT_KEY = "late_payments"
FROM_ORDERS = "orders"
BY_HAND = "hand"
# the stored inputs JSON holds the sources under this key (old evaluations lack it)
SOURCES_KEY = "_sources"


@dataclass(frozen=True)
class PeriodTarget:
    """The sales target of an evaluation period.

    Attributes:
        amount: the targets' amounts, pro rata of the days they share with the period.
        currency: the currency of the target sharing the most days (only
            targets in it count).
        spans: the days of the period the targets cover, as (first, last) pairs.
    """

    amount: Decimal
    currency: str
    spans: tuple[tuple[date, date], ...]

    @property
    def covered_days(self) -> int:
        return sum((last - first).days + 1 for first, last in self.spans)


def _shared(target: SalesTarget, start: date, end: date) -> tuple[date, date] | None:
    first, last = max(start, target.period_start), min(end, target.period_end)
    return (first, last) if first <= last else None


def period_target(targets: Iterable[SalesTarget], start: date,
                  end: date) -> PeriodTarget | None:
    """The target for ``start``..``end`` from the client's targets (see the
    module docstring); None when no target shares a day with the period."""
    shared = [(t, span) for t in targets
              if t.period_end >= t.period_start and (span := _shared(t, start, end))]
    if not shared:
        return None
    widest = max(shared, key=lambda ts: ((ts[1][1] - ts[1][0]).days, ts[0].period_start))
    currency = widest[0].currency
    amount = Decimal(0)
    spans: list[tuple[date, date]] = []
    for target, (first, last) in shared:
        if target.currency != currency:
            continue
        days = (target.period_end - target.period_start).days + 1
        amount += target.amount * ((last - first).days + 1) / days
        spans.append((first, last))
    return PeriodTarget(amount.quantize(CENT), currency, _merged(spans))


def _merged(spans: list[tuple[date, date]]) -> tuple[tuple[date, date], ...]:
    out: list[tuple[date, date]] = []
    for first, last in sorted(spans):
        if out and first <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return tuple(out)


@dataclass(frozen=True)
class FromOrders:
    """What the orders of the period say for one criterion.

    Attributes:
        key: the criterion (SALES_KEY or CREDIT_KEY).
        value: the input they give; None when they cannot give one (no target).
        facts: what the value comes from, JSON-able: for sales ``won``,
            ``target`` (decimal strings; target None without one), ``currency``,
            ``orders`` (won orders counted), ``covered_days``, ``period_days``;
            for credit ``late`` and ``orders`` (won orders in the period).
    """

    key: str
    value: float | int | None
    facts: Mapping[str, Any] = field(default_factory=dict)

    def record(self, source: str) -> dict[str, Any]:
        """What a stored evaluation keeps about this input: where it came from
        and, for an input typed over the orders' figure, that figure."""
        if source == FROM_ORDERS:
            return {"source": FROM_ORDERS, **self.facts}
        return {"source": BY_HAND, "from_orders": self.value}


def sales_from_orders(won: Decimal, orders: int, target: PeriodTarget | None,
                      period_days: int) -> FromOrders:
    """The attainment in percent (one decimal), None without a target above zero."""
    value = (round(float(won / target.amount * 100), 1)
             if target is not None and target.amount > 0 else None)
    return FromOrders(SALES_KEY, value, {
        "won": str(won.quantize(CENT)),
        "target": str(target.amount) if target is not None else None,
        "currency": target.currency if target is not None else None,
        "orders": orders, "period_days": period_days,
        "covered_days": target.covered_days if target is not None else 0,
    })


def credit_from_orders(late: int, orders: int) -> FromOrders:
    return FromOrders(CREDIT_KEY, late, {"late": late, "orders": orders})
