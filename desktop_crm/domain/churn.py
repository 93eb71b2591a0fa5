"""Churn warnings (流失预警): the source's signs that a client is leaving
(离网特征), and the thresholds the user sets for them.

Three signals, each an agenda item of kind ``churn_warning`` on the day it
arose (so that dismissing it lasts until the signal changes):

- **sales drop**: the client's won sales (won, delivered or paid orders in
  CNY) in the last full month are at least ``drop_percent`` below the month
  before, when the month before reached ``drop_minimum`` yuan. The item falls on
  the first day of the month after the two compared (when the drop became known).
- **no order**: a client who has bought before has had no won order for longer
  than their grade allows (``no_order_days``; 0 = no warning for that grade).
  The item falls on the day the limit is passed: last won order + the limit.
- **grade fell**: the latest evaluation gave a lower grade than the one before.
  The item falls on the evaluation's day.

A warning not dismissed stays on the agenda (and on Today) for ``keep_days``
after its day; the current month's drop therefore stays all month with the
default of 30 days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from desktop_crm.domain.validation import FieldError
from desktop_crm.i18n import _

GRADES = ("A", "B", "C", "")  # "" = not evaluated yet
DEFAULT_DROP_PERCENT = 40  # the source's mobile-operator example
DEFAULT_DROP_MINIMUM = 1000  # yuan: a smaller month before is noise, not a habit
DEFAULT_NO_ORDER_DAYS: dict[str, int] = {"A": 60, "B": 90, "C": 180, "": 120}
DEFAULT_KEEP_DAYS = 30
MAX_DAYS = 3650
MAX_MINIMUM = 10 ** 9


@dataclass(frozen=True)
class ChurnSettings:
    """The thresholds of the churn warnings, stored as JSON in app_settings.

    Attributes:
        drop_percent: how far (1-100 %) last month's won sales must fall below
            the month before's to warn.
        drop_minimum: the month before must have reached this many yuan.
        no_order_days: per grade ("" = unrated), the longest time without a won
            order; 0 = no such warning for that grade.
        keep_days: how long a warning stays on the agenda after its day.
    """

    drop_percent: int = DEFAULT_DROP_PERCENT
    drop_minimum: int = DEFAULT_DROP_MINIMUM
    no_order_days: Mapping[str, int] = field(
        default_factory=lambda: dict(DEFAULT_NO_ORDER_DAYS))
    keep_days: int = DEFAULT_KEEP_DAYS

    def no_order_limit(self, grade: str | None) -> int:
        key = grade or ""
        return self.no_order_days.get(key, DEFAULT_NO_ORDER_DAYS.get(key, 0))

    def errors(self) -> list[FieldError]:
        problems = []
        if not 1 <= self.drop_percent <= 100:
            problems.append(FieldError("drop_percent", _(
                "The sales drop must be between 1 and 100 percent")))
        if not 0 <= self.drop_minimum <= MAX_MINIMUM:
            problems.append(FieldError("drop_minimum", _(
                "The month before must be between 0 and {max} yuan", max=f"{MAX_MINIMUM:,}")))
        for grade, days in self.no_order_days.items():
            if not 0 <= days <= MAX_DAYS:
                problems.append(FieldError(f"no_order_days.{grade or 'unrated'}", _(
                    "Allow between 0 (no warning) and {max} days without an order",
                    max=MAX_DAYS)))
        if not 1 <= self.keep_days <= MAX_DAYS:
            problems.append(FieldError("keep_days", _(
                "Keep warnings between 1 and {max} days", max=MAX_DAYS)))
        return problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "drop_percent": self.drop_percent,
            "drop_minimum": self.drop_minimum,
            "no_order_days": {g or "unrated": v for g, v in self.no_order_days.items()},
            "keep_days": self.keep_days,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChurnSettings:
        """Settings from stored JSON; unknown or malformed entries fall back to defaults."""
        def number(key: str, default: int) -> int:
            value = data.get(key, default)
            return value if isinstance(value, int) and not isinstance(value, bool) else default

        limits = dict(DEFAULT_NO_ORDER_DAYS)
        for key, value in dict(data.get("no_order_days") or {}).items():
            grade = "" if key == "unrated" else key
            if grade in GRADES and isinstance(value, int):
                limits[grade] = value
        settings = cls(number("drop_percent", DEFAULT_DROP_PERCENT),
                       number("drop_minimum", DEFAULT_DROP_MINIMUM), limits,
                       number("keep_days", DEFAULT_KEEP_DAYS))
        return settings if not settings.errors() else cls()


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_before(start: date) -> tuple[date, date]:
    """For the first day of a month, the first days of the two months before it
    (the month before last, the last month): the months a drop compares."""
    last = month_start(start - timedelta(days=1))
    return month_start(last - timedelta(days=1)), last


def month_starts(first: date, last: date) -> list[date]:
    """The first days of months falling in ``first`` .. ``last``."""
    day = month_start(first)
    if day < first:
        day = month_start(day + timedelta(days=31))
    found = []
    while day <= last:
        found.append(day)
        day = month_start(day + timedelta(days=31))
    return found


def drop_percent(before_cents: int, last_cents: int) -> int:
    """How far (whole percent, rounded down) last month's sales fell below the month before's."""
    if before_cents <= 0:
        return 0
    return max(0, (before_cents - last_cents) * 100 // before_cents)


def grade_fell(previous: str | None, grade: str | None) -> bool:
    """True when both grades are known and the new one is lower ("A" is highest)."""
    return bool(previous) and bool(grade) and str(grade) > str(previous)
