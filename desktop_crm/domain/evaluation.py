"""An evaluation of one client as stored: the period, the raw inputs, the
points per criterion, the total and grade, and the scheme version used."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

DEFAULT_PERIOD_DAYS = 91  # a quarter


@dataclass(frozen=True)
class Evaluation:
    client_id: int
    period_start: date
    period_end: date
    evaluated_on: date
    inputs: dict[str, Any]
    points: dict[str, float]
    total: float
    grade: str
    scheme_version: int = 0
    evaluator: str = ""
    notes: str = ""
    id: int | None = None
    uuid: str = field(default="", compare=False)  # given by storage
    # criterion key -> where its input came from (domain.evaluation_sources:
    # {"source": "orders", ...facts} or {"source": "hand", "from_orders": x});
    # empty for evaluations stored before the app recorded it (typed by hand)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class GradeChange:
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before is not None and self.after is not None and self.before != self.after

    @property
    def arrow(self) -> str:
        """``B→A`` for a change, else empty."""
        return f"{self.before}→{self.after}" if self.changed else ""

    @property
    def improved(self) -> bool:
        return self.changed and str(self.after) < str(self.before)  # "A" < "B"


def due_since(today: date, period_days: int = DEFAULT_PERIOD_DAYS) -> date:
    """Clients last evaluated before this date are due again."""
    return today - timedelta(days=period_days)


def default_period(today: date, period_days: int = DEFAULT_PERIOD_DAYS) -> tuple[date, date]:
    """The period an evaluation made today covers by default: the last quarter."""
    return today - timedelta(days=period_days - 1), today
