"""The loyalty page's figures: the ten loyalty KPIs of a period, their trend
by month, the clients behind each figure, and the satisfaction recorded with
interactions by month (definitions in domain.loyalty).

``owner`` limits every figure to that owner's clients ("Mine"); None counts
everyone's. Clients in the trash never count.
"""

from __future__ import annotations

from datetime import date

from desktop_crm.domain import loyalty
from desktop_crm.domain.errors import CrmError
from desktop_crm.domain.loyalty import KPI_KEYS, KpiReport, check_period
from desktop_crm.i18n import _
from desktop_crm.services.clock import Clock, current_user, system_clock
from desktop_crm.storage import kpi_repo
from desktop_crm.storage.database import Database


class UnknownKpiError(KeyError, CrmError):
    """A KPI key that is not one of the ten."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class LoyaltyService:
    """Read-only figures over the whole book (or one owner's clients).

    Attributes:
        db: the open database.
        clock: returns "now"; injected so tests can fix it.
        user: the salesperson using the app ("Mine" is this name).
    """

    def __init__(self, db: Database, clock: Clock = system_clock, user: str | None = None):
        self.db = db
        self.clock = clock
        self.user = current_user() if user is None else user

    def kpis(self, start: date, end: date, owner: str | None = None) -> KpiReport:
        """The ten KPIs of [start, end] (both days included)."""
        check_period(start, end)
        prev_start, _prev_end = loyalty.previous_period(start, end)
        with self.db.read() as s:
            clients = kpi_repo.client_sales(s, start, end, prev_start, owner)
            rated = kpi_repo.ratings(s, start, end, owner)
        return loyalty.compute(start, end, clients, [r for _day, r in rated])

    def trend(self, start: date, end: date, owner: str | None = None) -> list[KpiReport]:
        """One report per calendar month overlapping [start, end], each for
        the whole month (P' the month before), oldest first."""
        check_period(start, end)
        months = loyalty.calendar_months(start, end)
        first_day = loyalty.previous_period(*months[0])[0]
        with self.db.read() as s:
            first_won, by_month, spend = kpi_repo.monthly_sales(s, first_day, months[-1][1],
                                                                owner)
            rated = kpi_repo.ratings(s, months[0][0], months[-1][1], owner)
        reports = []
        for month_start, month_end in months:
            clients = loyalty.month_client_sales(month_start, first_won, by_month, spend)
            month_ratings = [r for day, r in rated if month_start <= day <= month_end]
            reports.append(loyalty.compute(month_start, month_end, clients, month_ratings))
        return reports

    def members(self, key: str, start: date, end: date, owner: str | None = None) -> list[int]:
        """The ids of the clients behind the figure ``key`` of [start, end]
        (who bought, was kept, churned, came back ...), in id order."""
        if key not in KPI_KEYS:
            raise UnknownKpiError(_("Unknown KPI {key}; the KPIs are: {keys}", key=key,
                                    keys=", ".join(KPI_KEYS)))
        check_period(start, end)
        prev_start, _prev_end = loyalty.previous_period(start, end)
        with self.db.read() as s:
            clients = kpi_repo.client_sales(s, start, end, prev_start, owner)
            rated = kpi_repo.ratings(s, start, end, owner) \
                if key == "complaint_satisfaction" else []
        return loyalty.members(key, start, end, clients, [r for _day, r in rated])

    def satisfaction_by_month(self, start: date, end: date, owner: str | None = None
                              ) -> list[tuple[date, float | None, int]]:
        """(month's 1st, mean satisfaction 1-5 or None, how many) of the
        interactions that recorded one, for each calendar month overlapping
        [start, end]."""
        check_period(start, end)
        with self.db.read() as s:
            scores = kpi_repo.satisfaction_scores(s, start, end, owner)
        return loyalty.satisfaction_by_month(start, end, scores)
