"""An injectable clock, so tests can fix "now"."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import date, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now().replace(microsecond=0)


def current_user() -> str:
    """The login name, recorded as the author of changes ("" when unknown)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a container
        return ""


def today(clock: Clock) -> date:
    return clock().date()
