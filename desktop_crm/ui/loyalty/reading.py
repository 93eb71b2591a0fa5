"""What the loyalty tab reads for one period, on a worker thread (no widgets
here): the KPIs of P and of P', the thank-you calls' satisfaction by month
and the monthly trend, handed over one by one as each is ready, so the
figures show before the (slower) trend is done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from desktop_crm.domain.loyalty import KpiReport, previous_period
from desktop_crm.services.loyalty import LoyaltyService


@dataclass(frozen=True)
class Query:
    """A period and whose clients (owner None: everyone's)."""

    start: date
    end: date
    owner: str | None

    @property
    def previous(self) -> tuple[date, date]:
        return previous_period(self.start, self.end)


@dataclass(frozen=True)
class Figures:
    """What the page shows for ``query``; None: not read yet."""

    query: Query
    report: KpiReport | None = None
    previous: KpiReport | None = None
    satisfaction: list[tuple[date, float | None, int]] | None = None
    trend: list[KpiReport] | None = None

    @property
    def complete(self) -> bool:
        return self.trend is not None


def read_figures(service: LoyaltyService, query: Query,
                 partial: Callable[[Figures], object] = lambda _figures: None) -> Figures:
    """Everything for ``query``; ``partial`` gets the figures read so far after
    each step but the last."""
    start, end, owner = query.start, query.end, query.owner
    figures = Figures(query, report=service.kpis(start, end, owner=owner))
    partial(figures)
    before_start, before_end = query.previous
    figures = replace(figures, previous=service.kpis(before_start, before_end, owner=owner),
                      satisfaction=service.satisfaction_by_month(start, end, owner=owner))
    partial(figures)
    return replace(figures, trend=service.trend(start, end, owner=owner))
