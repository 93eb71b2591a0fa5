"""An injectable clock, so tests can fix "now"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now().replace(microsecond=0)


def today(clock: Clock) -> date:
    return clock().date()
