"""Client evaluation (客户评估): weighted criteria, 0-100 points, A/B/C grades.

Public API (stable: tests and outside checks import it)::

    from desktop_crm.domain.scoring import default_scheme, evaluate
    r = evaluate(default_scheme(), {"sales_attainment": 80, "cooperation": "good",
                                    "late_payments": 3, "information": "valuable"})
    r.total, r.grade     # 75.0, "B"

A scheme is a list of criteria, each with a weight (weights sum to 100) and a
rule turning a raw input into 0-100 points: a percentage (capped), a rating
from a fixed scale, or a count that costs points each time (late payments).
The total is the weighted mean with one decimal; grades follow the source:
A 80-100 key client, B 60-79 promising, C below 60 ordinary.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_crm.domain.errors import CrmError

# the grades' names and strategies, in a module of their own for Today
from desktop_crm.domain.grades import GRADES as GRADES
from desktop_crm.domain.grades import grade_strategy as grade_strategy
from desktop_crm.domain.grades import grade_title as grade_title
from desktop_crm.i18n import N_, _

PERCENT = "percent"
RATING = "rating"
COUNT = "count"
_CRITERION_LABELS = {
    "sales_attainment": N_("Sales target attainment"),
    "cooperation": N_("Cooperation attitude"),
    "late_payments": N_("Credit: late payments in the period"),
    "information": N_("Information sharing"),
}
_RATING_LABELS = {
    "excellent": N_("Excellent"), "good": N_("Good"), "fair": N_("Fair"), "poor": N_("Poor"),
    "valuable": N_("Valuable information"), "some": N_("Some information"),
    "none": N_("No information"),
}


class ScoringError(ValueError, CrmError):
    """An invalid scheme or input; the message is for the user."""


@dataclass(frozen=True)
class Criterion:
    """One weighted criterion.

    kind PERCENT: points = input percent, capped at ``cap`` (e.g. 120% of target
    still scores 100). kind RATING: points from ``ratings`` (name -> points).
    kind COUNT: points = max(0, 100 - ``penalty`` x count).
    """

    key: str
    weight: float
    kind: str
    cap: float = 100.0
    ratings: tuple[tuple[str, float], ...] = ()
    penalty: float = 0.0

    @property
    def label(self) -> str:
        return _(_CRITERION_LABELS.get(self.key, self.key))

    def points(self, raw: Any) -> float:
        """0-100 points for a raw input; ScoringError when the input cannot be used."""
        if self.kind == RATING:
            table = dict(self.ratings)
            if raw not in table:
                raise ScoringError(_("{criterion}: unknown rating {value!r}; choose one of "
                                     "{choices}", criterion=self.label, value=raw,
                                     choices=", ".join(table)))
            return float(table[raw])
        number = _number(raw, self.label)
        if number < 0:
            raise ScoringError(_("{criterion}: must not be negative", criterion=self.label))
        if self.kind == PERCENT:
            return min(number, self.cap) * 100.0 / self.cap
        if self.kind == COUNT:
            if number != int(number):
                raise ScoringError(_("{criterion}: must be a whole number",
                                     criterion=self.label))
            return max(0.0, 100.0 - self.penalty * number)
        raise ScoringError(_("Unknown criterion kind {kind}", kind=self.kind))


def _number(raw: Any, label: str) -> float:
    if isinstance(raw, bool):
        raise ScoringError(_("{criterion}: expected a number", criterion=label))
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise ScoringError(_("{criterion}: expected a number", criterion=label)) from None
    if not math.isfinite(number):
        raise ScoringError(_("{criterion}: expected a number", criterion=label))
    return number


@dataclass(frozen=True)
class Scheme:
    """Weighted criteria and grade thresholds; ``check()`` refuses invalid ones."""

    criteria: tuple[Criterion, ...]
    threshold_a: float = 80.0
    threshold_b: float = 60.0
    version: int = 1

    def check(self) -> None:
        if not self.criteria:
            raise ScoringError(_("A scheme needs at least one criterion"))
        keys = [c.key for c in self.criteria]
        if len(set(keys)) != len(keys):
            raise ScoringError(_("Each criterion may appear only once"))
        for c in self.criteria:
            if c.weight < 0:
                raise ScoringError(_("{criterion}: the weight must not be negative",
                                     criterion=c.label))
            if c.kind == RATING and not c.ratings:
                raise ScoringError(_("{criterion}: a rating needs its scale",
                                     criterion=c.label))
            if c.kind == PERCENT and c.cap <= 0:
                raise ScoringError(_("{criterion}: the cap must be above zero",
                                     criterion=c.label))
            if any(not 0 <= p <= 100 for _name, p in c.ratings):
                raise ScoringError(_("{criterion}: rating points must be 0-100",
                                     criterion=c.label))
        total = sum(c.weight for c in self.criteria)
        if abs(total - 100) > 1e-6:
            raise ScoringError(_("The weights add up to {total:g}, not 100", total=total))
        if not 0 < self.threshold_b < self.threshold_a <= 100:
            raise ScoringError(_("Thresholds must satisfy 0 < B < A <= 100"))

    def grade(self, total: float) -> str:
        if total >= self.threshold_a:
            return "A"
        return "B" if total >= self.threshold_b else "C"

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version, "threshold_a": self.threshold_a,
            "threshold_b": self.threshold_b,
            "criteria": [
                {"key": c.key, "weight": c.weight, "kind": c.kind, "cap": c.cap,
                 "ratings": [list(r) for r in c.ratings], "penalty": c.penalty}
                for c in self.criteria
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scheme:
        criteria = tuple(
            Criterion(key=c["key"], weight=float(c["weight"]), kind=c["kind"],
                      cap=float(c.get("cap", 100)),
                      ratings=tuple((str(n), float(p)) for n, p in c.get("ratings", [])),
                      penalty=float(c.get("penalty", 0)))
            for c in data["criteria"]
        )
        scheme = cls(criteria, float(data["threshold_a"]), float(data["threshold_b"]),
                     int(data.get("version", 1)))
        scheme.check()
        return scheme


@dataclass(frozen=True)
class Result:
    total: float
    grade: str
    points: dict[str, float] = field(default_factory=dict)
    contributions: dict[str, float] = field(default_factory=dict)


def default_scheme() -> Scheme:
    """The source's four criteria: sales 40, cooperation 20, credit 20, information 20.

    Under it the source's worked example (80% of target, good attitude, 3 late
    payments, valuable information) scores 32 + 15 + 8 + 20 = 75: grade B.
    """
    scheme = Scheme(criteria=(
        Criterion("sales_attainment", 40, PERCENT, cap=100),
        Criterion("cooperation", 20, RATING,
                  ratings=(("excellent", 100), ("good", 75), ("fair", 50), ("poor", 20))),
        Criterion("late_payments", 20, COUNT, penalty=20),
        Criterion("information", 20, RATING,
                  ratings=(("valuable", 100), ("some", 60), ("none", 20))),
    ))
    scheme.check()
    return scheme


def evaluate(scheme: Scheme, inputs: Mapping[str, Any]) -> Result:
    """Score ``inputs`` (criterion key -> raw input) under ``scheme``."""
    scheme.check()
    unknown = set(inputs) - {c.key for c in scheme.criteria}
    if unknown:
        raise ScoringError(_("Unknown criteria: {keys}", keys=", ".join(sorted(unknown))))
    points: dict[str, float] = {}
    contributions: dict[str, float] = {}
    for c in scheme.criteria:
        if c.key not in inputs:
            raise ScoringError(_("{criterion}: no value given", criterion=c.label))
        points[c.key] = round(c.points(inputs[c.key]), 1)
        contributions[c.key] = c.points(inputs[c.key]) * c.weight / 100.0
    total = round(sum(contributions.values()) + 1e-9, 1)
    return Result(total, scheme.grade(total), points,
                  {k: round(v, 1) for k, v in contributions.items()})


def rating_label(name: str) -> str:
    return _(_RATING_LABELS.get(name, name))
