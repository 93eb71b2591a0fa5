"""What the loyalty tab reads for one period, in one call that runs on a
worker thread (no widgets here): the KPIs of P and of P', the monthly trend
and the thank-you calls' satisfaction by month."""

from __future__ import annotations

from dataclasses import dataclass
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
    """Everything the page shows for ``query``."""

    query: Query
    report: KpiReport
    previous: KpiReport
    trend: list[KpiReport]
    satisfaction: list[tuple[date, float | None, int]]


def read_figures(service: LoyaltyService, query: Query) -> Figures:
    start, end, owner = query.start, query.end, query.owner
    before_start, before_end = query.previous
    return Figures(query, service.kpis(start, end, owner=owner),
                   service.kpis(before_start, before_end, owner=owner),
                   service.trend(start, end, owner=owner),
                   service.satisfaction_by_month(start, end, owner=owner))
