"""Pure helpers behind the evaluation screens: how a grade is captioned and
what would lift a client to the next grade. No Qt here, so they are easy to test."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop_crm.domain.scoring import PERCENT, Criterion, Result, Scheme, grade_title


def grade_caption(grade: str | None) -> str:
    """``B 有发展前途的客户`` / ``B Promising client``; "—" for an unrated client."""
    if not grade:
        return "—"
    title = grade_title(grade)
    suffix = f"({grade})"
    if title.endswith(suffix):  # the English titles repeat the letter
        title = title[: -len(suffix)].rstrip()
    return f"{grade} {title}"


@dataclass(frozen=True)
class Lift:
    """What separates a result from the next grade up.

    Attributes:
        grade: the next grade ("A" or "B").
        points: points missing on the total (one decimal, above zero).
        criterion: the first percent criterion, which alone could close the gap
            when ``percent`` is set; None when the scheme has no percent criterion.
        percent: the input that criterion would need (rounded up to 0.1), or None
            when it alone cannot reach the next grade.
    """

    grade: str
    points: float
    criterion: Criterion | None
    percent: float | None


def _round_up(value: float) -> float:
    return math.ceil(value * 10 - 1e-6) / 10


def lift_to_next_grade(scheme: Scheme, inputs: Mapping[str, Any], result: Result) -> Lift | None:
    """The gap to the next grade for ``result`` (scored from ``inputs`` under
    ``scheme``); None when the client is already in the top grade."""
    if result.grade == "A":
        return None
    grade, threshold = ("A", scheme.threshold_a) if result.grade == "B" else ("B",
                                                                             scheme.threshold_b)
    missing = max(_round_up(threshold - result.total), 0.1)
    criterion = next((c for c in scheme.criteria if c.kind == PERCENT and c.weight > 0), None)
    if criterion is None:
        return Lift(grade, missing, None, None)
    others = sum(c.points(inputs[c.key]) * c.weight / 100.0
                 for c in scheme.criteria if c.key != criterion.key)
    needed_points = (threshold - others) * 100.0 / criterion.weight
    if needed_points > 100.0 + 1e-9:  # beyond the cap, more percent scores nothing
        return Lift(grade, missing, criterion, None)
    percent = _round_up(max(needed_points, 0.0) * criterion.cap / 100.0)
    return Lift(grade, missing, criterion, percent)
