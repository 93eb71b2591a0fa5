"""The source's ten loyalty KPIs (衡量忠诚度的10个KPI), computed from each
client's won orders.

A *won* order is one whose status is won, delivered or paid
(``domain.sales.WON_STATUSES``): a quote is not a sale yet, a lost deal never
was. Every KPI is for a period P = [start, end] (both days included) and
compares it, where it needs to, with P', the period of equal length just
before it (``previous_period``). Ratios are numbers from 0 to 1, None when
their denominator is empty. Amounts count orders in CNY only (the default
currency): adding yuan to dollars would mean nothing.

Storage reduces the orders to one ``ClientSales`` per client (one grouped
scan); this module turns those into the figures, so the SQL stays a sum and
the definitions live, tested, in one place. ``client_sales`` does the same
reduction from ``Order`` objects: the tests' books and the benchmark's naive
loop use it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from desktop_crm.domain.errors import CrmError
from desktop_crm.domain.sales import DEFAULT_CURRENCY, Order, to_cents
from desktop_crm.i18n import N_, _

KPI_KEYS: tuple[str, ...] = (
    "client_base", "new_client_retention", "client_retention", "share_of_wallet",
    "complaint_satisfaction", "new_clients_per_month", "purchase_frequency",
    "average_purchase", "churn_rate", "win_back_rate",
)
# the KPIs that are shares (0..1, shown as percentages); the others are counts or amounts
RATIO_KEYS: frozenset[str] = frozenset({
    "new_client_retention", "client_retention", "share_of_wallet", "complaint_satisfaction",
    "churn_rate", "win_back_rate"})
SATISFIED = 4  # a complaint follow-up rated 4 or 5 (of 5) is a satisfied client
DAYS_PER_YEAR = 365  # prorating a yearly spend estimate to a period

_LABELS = {
    "client_base": N_("Client base"),
    "new_client_retention": N_("New-client retention"),
    "client_retention": N_("Client retention"),
    "share_of_wallet": N_("Share of wallet"),
    "complaint_satisfaction": N_("Satisfaction of complaining clients"),
    "new_clients_per_month": N_("New clients per month"),
    "purchase_frequency": N_("Purchase frequency"),
    "average_purchase": N_("Average purchase"),
    "churn_rate": N_("Churn rate"),
    "win_back_rate": N_("Win-back success rate"),
}

_DEFINITIONS = {
    "client_base": N_(
        "The clients who bought in the period: those with at least one won order (won, "
        "delivered or paid) dated in it. Clients in the trash are not counted."),
    "new_client_retention": N_(
        "Of the clients whose first won order ever fell in the previous period of the same "
        "length, the share who bought again in this period."),
    "client_retention": N_(
        "Of the clients with a won order in the previous period of the same length, the "
        "share who also have one in this period (1 minus the churn rate)."),
    "share_of_wallet": N_(
        "Our won sales in CNY in the period to the clients with an estimated yearly spend, "
        "over those estimates prorated to the period (estimate x days / 365). A client who "
        "bought more than the estimate counts as 100%. Clients without an estimate are left "
        "out."),
    "complaint_satisfaction": N_(
        "Of the complaints followed up in the period whose satisfaction (1-5) was recorded, "
        "the share rated 4 or 5: how satisfied clients are after their complaint was "
        "handled."),
    "new_clients_per_month": N_(
        "The clients whose first won order ever is dated in the period, divided by the "
        "months in the period (a part month counts by its days)."),
    "purchase_frequency": N_(
        "Won orders dated in the period divided by the clients with at least one of them: "
        "how many times a buying client bought."),
    "average_purchase": N_(
        "The sum of the won orders in CNY dated in the period divided by their number, in "
        "yuan. Orders in other currencies are left out."),
    "churn_rate": N_(
        "Of the clients with a won order in the previous period of the same length, the "
        "share with none in this period."),
    "win_back_rate": N_(
        "Of the lapsed clients (they bought before the previous period but not in it), the "
        "share who bought again in this period."),
}


def kpi_label(key: str) -> str:
    """The KPI's name in the current language; KeyError for an unknown key."""
    return _(_LABELS[key])


def kpi_definition(key: str) -> str:
    """One paragraph saying how the KPI is computed (the tooltip, the README)."""
    return _(_DEFINITIONS[key])


# -- periods -------------------------------------------------------------------------

class PeriodError(ValueError, CrmError):
    """A period that ends before it starts."""


def check_period(start: date, end: date) -> None:
    if end < start:
        raise PeriodError(_("The period ends ({end}) before it starts ({start})",
                            start=start.isoformat(), end=end.isoformat()))


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def whole_months(start: date, end: date) -> int | None:
    """How many calendar months [start, end] is when it is exactly whole
    months (from a 1st to a month's last day), else None."""
    if start.day != 1 or end.day != _last_day(end.year, end.month) or end < start:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def previous_period(start: date, end: date) -> tuple[date, date]:
    """P': the period of the same length ending the day before ``start``.
    Whole calendar months give the same number of months before (March ->
    February, a year -> the year before); any other period the same number
    of days."""
    months = whole_months(start, end)
    if months is not None:
        year, month = _add_months(start.year, start.month, -months)
        return date(year, month, 1), start - timedelta(days=1)
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def months_in(start: date, end: date) -> float:
    """The months in [start, end]: each calendar month it touches counts by
    the share of its days inside (a whole year is 12, 15-28 Feb 2026 is 0.5)."""
    if end < start:
        return 0.0
    total = 0.0
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        length = _last_day(year, month)
        first = max(start, date(year, month, 1))
        last = min(end, date(year, month, length))
        total += ((last - first).days + 1) / length
        year, month = _add_months(year, month, 1)
    return total


def calendar_months(start: date, end: date) -> list[tuple[date, date]]:
    """The calendar months overlapping [start, end], each as (1st, last day)."""
    found: list[tuple[date, date]] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append((date(year, month, 1), date(year, month, _last_day(year, month))))
        year, month = _add_months(year, month, 1)
    return found


# -- per-client aggregates ----------------------------------------------------------

@dataclass(frozen=True)
class ClientSales:
    """One client's won orders as the KPIs of one period see them.

    Attributes:
        client_id: the client.
        first_won: the date of the client's first won order ever (any currency).
        orders: won orders dated in P (any currency).
        previous_orders: won orders dated in P'.
        cny_orders, cny_cents: the won orders in CNY dated in P, and their sum in cents.
        annual_spend: the client's estimated yearly spend in whole yuan (None: no estimate).
    """

    client_id: int
    first_won: date | None = None
    orders: int = 0
    previous_orders: int = 0
    cny_orders: int = 0
    cny_cents: int = 0
    annual_spend: int | None = None


@dataclass(frozen=True)
class Rating:
    """A complaint's satisfaction (1-5) recorded at its follow-up in P."""

    client_id: int
    satisfaction: int


def client_sales(client_id: int, orders: Iterable[Order], start: date, end: date,
                 annual_spend: int | None = None) -> ClientSales:
    """``ClientSales`` of one client from its orders (all of them, any status)."""
    prev_start, prev_end = previous_period(start, end)
    first: date | None = None
    n = prev_n = cny_n = cny_cents = 0
    for order in orders:
        if not order.is_won:
            continue
        first = order.ordered_on if first is None else min(first, order.ordered_on)
        if start <= order.ordered_on <= end:
            n += 1
            if order.currency.strip().upper() == DEFAULT_CURRENCY:
                cny_n += 1
                cny_cents += to_cents(order.amount)
        elif prev_start <= order.ordered_on <= prev_end:
            prev_n += 1
    return ClientSales(client_id, first, n, prev_n, cny_n, cny_cents, annual_spend)


def month_client_sales(month: date, first_won: dict[int, date],
                       by_month: dict[tuple[int, date], tuple[int, int, int]],
                       spend: dict[int, int | None]) -> list[ClientSales]:
    """``ClientSales`` of every client for the calendar month starting on
    ``month`` (P' the month before), from each client's first won order and
    its (won orders, CNY orders, CNY cents) by month (``month`` and the month
    before must be among them when the client bought then)."""
    year, mon = _add_months(month.year, month.month, -1)
    before = date(year, mon, 1)
    found: list[ClientSales] = []
    for cid in set(first_won) | {c for c, s in spend.items() if s is not None}:
        n, cny_n, cents = by_month.get((cid, month), (0, 0, 0))
        found.append(ClientSales(cid, first_won.get(cid), n,
                                 by_month.get((cid, before), (0, 0, 0))[0], cny_n, cents,
                                 spend.get(cid)))
    return found


# -- the report ----------------------------------------------------------------------

@dataclass(frozen=True)
class KpiReport:
    """The ten KPIs of one period.

    Attributes:
        start, end: the period P, both days included.
        values: KPI key -> the figure (None when undefined: an empty denominator).
        numerators, denominators: KPI key -> what the figure divides (for a
            count, the denominator is 1); the loyalty page shows them beside it.
    """

    start: date
    end: date
    values: dict[str, float | None]
    numerators: dict[str, float]
    denominators: dict[str, float]

    @property
    def previous(self) -> tuple[date, date]:
        """P', the period the comparisons look back to."""
        return previous_period(self.start, self.end)


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _groups(start: date, end: date, clients: Iterable[ClientSales],
            ratings: Iterable[Rating]) -> dict[str, tuple[set[int], set[int]]]:
    """KPI key -> (client ids behind the numerator, client ids behind the
    denominator), for the KPIs that count clients."""
    prev_start, prev_end = previous_period(start, end)
    groups: dict[str, tuple[set[int], set[int]]] = {
        key: (set(), set()) for key in (
            "client_base", "new_client_retention", "client_retention",
            "new_clients_per_month", "churn_rate", "win_back_rate",
            "average_purchase", "share_of_wallet", "complaint_satisfaction")}
    for c in clients:
        cid = c.client_id
        if c.orders:
            groups["client_base"][0].add(cid)
        if c.cny_orders:
            groups["average_purchase"][0].add(cid)
        if c.first_won is None:
            continue
        if start <= c.first_won <= end:
            groups["new_clients_per_month"][0].add(cid)
        if prev_start <= c.first_won <= prev_end:
            groups["new_client_retention"][1].add(cid)
            if c.orders:
                groups["new_client_retention"][0].add(cid)
        if c.previous_orders:
            groups["client_retention"][1].add(cid)
            (groups["client_retention"] if c.orders else groups["churn_rate"])[0].add(cid)
        elif c.first_won < prev_start:  # lapsed: bought before P', not in P'
            groups["win_back_rate"][1].add(cid)
            if c.orders:
                groups["win_back_rate"][0].add(cid)
    groups["churn_rate"][1].update(groups["client_retention"][1])
    for c in clients:
        if c.annual_spend and c.cny_cents:
            groups["share_of_wallet"][0].add(c.client_id)
    for r in ratings:
        if r.satisfaction >= SATISFIED:
            groups["complaint_satisfaction"][0].add(r.client_id)
    return groups


def compute(start: date, end: date, clients: Iterable[ClientSales],
            ratings: Iterable[Rating] = ()) -> KpiReport:
    """The ten KPIs of [start, end] from every client's ``ClientSales``
    (``previous_orders`` counted in ``previous_period(start, end)``) and the
    complaint ratings of the period."""
    clients = list(clients)
    ratings = list(ratings)
    groups = _groups(start, end, clients, ratings)
    won_orders = sum(c.orders for c in clients)
    cny_orders = sum(c.cny_orders for c in clients)
    cny_yuan = sum(c.cny_cents for c in clients) / 100
    days = (end - start).days + 1
    wallet_won = wallet_estimate = 0.0
    for c in clients:
        if c.annual_spend:  # no estimate, or an estimate of 0: nothing to share
            estimate = c.annual_spend * days / DAYS_PER_YEAR
            wallet_estimate += estimate
            wallet_won += min(c.cny_cents / 100, estimate)
    satisfied = sum(1 for r in ratings if r.satisfaction >= SATISFIED)

    def count(key: str, part: int) -> int:
        return len(groups[key][part])

    numerators: dict[str, float] = {
        "client_base": count("client_base", 0),
        "new_client_retention": count("new_client_retention", 0),
        "client_retention": count("client_retention", 0),
        "share_of_wallet": wallet_won,
        "complaint_satisfaction": satisfied,
        "new_clients_per_month": count("new_clients_per_month", 0),
        "purchase_frequency": won_orders,
        "average_purchase": cny_yuan,
        "churn_rate": count("churn_rate", 0),
        "win_back_rate": count("win_back_rate", 0),
    }
    denominators: dict[str, float] = {
        "client_base": 1,
        "new_client_retention": count("new_client_retention", 1),
        "client_retention": count("client_retention", 1),
        "share_of_wallet": wallet_estimate,
        "complaint_satisfaction": len(ratings),
        "new_clients_per_month": months_in(start, end),
        "purchase_frequency": count("client_base", 0),
        "average_purchase": cny_orders,
        "churn_rate": count("churn_rate", 1),
        "win_back_rate": count("win_back_rate", 1),
    }
    values: dict[str, float | None] = {
        key: _ratio(numerators[key], denominators[key]) for key in KPI_KEYS}
    values["client_base"] = count("client_base", 0)  # a count: 3, not 3.0
    return KpiReport(start, end, values, numerators, denominators)


def members(key: str, start: date, end: date, clients: Iterable[ClientSales],
            ratings: Iterable[Rating] = ()) -> list[int]:
    """The ids of the clients behind the KPI's numerator, in id order: who
    bought, who was kept, who churned, who came back ... (purchase frequency:
    the clients who bought; average purchase: those who bought in CNY)."""
    if key not in KPI_KEYS:
        raise KeyError(key)
    groups = _groups(start, end, clients, ratings)
    return sorted(groups["client_base" if key == "purchase_frequency" else key][0])


def satisfaction_by_month(start: date, end: date,
                          scores: Iterable[tuple[datetime | date, int]]
                          ) -> list[tuple[date, float | None, int]]:
    """(month's 1st, mean score or None, how many) for every calendar month
    overlapping [start, end], from (when, score 1-5) pairs."""
    sums: dict[date, list[int]] = {first: [0, 0] for first, _last in calendar_months(start, end)}
    for when, score in scores:
        day = when.date() if isinstance(when, datetime) else when
        if start <= day <= end:
            slot = sums[date(day.year, day.month, 1)]
            slot[0] += score
            slot[1] += 1
    return [(month, (total / n if n else None), n) for month, (total, n) in sums.items()]
