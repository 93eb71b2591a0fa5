"""Reminders while working: what is due, and when to say so.

The agenda's items carry a day, not a time of day (a follow-up is due on a
date, a birthday's reminder begins ``remind_days`` before it). So an item's
reminder time is the daily reminder time (a per-computer setting, 09:00 by
default) on each day the item is on the Today list: overdue, due today, or
inside its reminder lead time. Starting the app is a reminder time too:
what is due and was not announced yet today is announced at once.

Each item is announced once per day: what was announced is remembered per
day in a ``NotifiedStore`` (the window keeps it in a ``FileStore``, a file of
this computer's per database),
so a restart on the same day says nothing new, and an item still due the
next day (an overdue follow-up) is announced again then. Items marked done
are off the agenda, so they are never announced.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol

from desktop_crm.domain.care import AgendaItem
from desktop_crm.domain.errors import CrmError
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.files import write_atomically

DEFAULT_REMINDER_TIME = time(9, 0)


def item_key(item: AgendaItem) -> str:
    """A stable text key of an item (its source, record and day)."""
    source, ref, day = item.key
    return f"{source}:{ref}:{day.isoformat()}"


@dataclass(frozen=True)
class DueCount:
    """The numbers the tray shows: items due today and overdue (of which overdue)."""

    due: int
    overdue: int

    @classmethod
    def of(cls, items: Sequence[AgendaItem], today: date) -> DueCount:
        """Count the items falling on ``today`` or before it (reminders of
        coming dates are on the Today tab but not counted as due)."""
        due = [i for i in items if i.day <= today]
        return cls(len(due), sum(1 for i in due if i.is_overdue(today)))


class NotifiedStore(Protocol):
    """Where the schedule remembers what it announced on which day."""

    def load(self) -> tuple[date | None, set[str]]:
        """The day last announced on and the keys announced that day."""
        ...

    def save(self, day: date, keys: set[str]) -> None:
        """Remember ``keys`` as announced on ``day`` (replacing older days)."""
        ...


class MemoryStore:
    """A NotifiedStore in memory (tests; a window without settings)."""

    def __init__(self) -> None:
        self.day: date | None = None
        self.keys: set[str] = set()

    def load(self) -> tuple[date | None, set[str]]:
        return self.day, set(self.keys)

    def save(self, day: date, keys: set[str]) -> None:
        self.day, self.keys = day, set(keys)


class FileStore:
    """A NotifiedStore in a small JSON file (``{"day": ..., "announced":
    [...]}``), one per database, on this computer.

    Not a setting: at 100,000 clients a day's Today list holds tens of
    thousands of keys (about 1.3 MB), and the app's settings are rewritten
    whole at every change of any setting (0.4 s each in a .ini file; the
    registry on Windows). A missing or unreadable file counts as nothing
    announced yet; one that cannot be written is left as it is (the
    reminders are said again at the next start, nothing else is lost)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> tuple[date | None, set[str]]:
        try:
            data = json.loads(self.path.read_bytes())
            day, keys = date.fromisoformat(data["day"]), data["announced"]
            if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
                raise TypeError("announced: not a list of keys")
        except (OSError, ValueError, KeyError, TypeError):
            return None, set()
        return day, set(keys)

    def save(self, day: date, keys: set[str]) -> None:
        data = {"day": day.isoformat(), "announced": sorted(keys)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except (OSError, CrmError):
            pass  # said again at the next start


class ReminderSchedule:
    """Says which of the Today list's items to announce now.

    Attributes:
        agenda: the agenda service (the Today tab's source).
        store: what was announced on which day.
        reminder_time: the daily reminder time.
        mine: only the user's clients' items (the Today tab's scope).
    """

    def __init__(self, agenda: AgendaService, store: NotifiedStore,
                 reminder_time: time = DEFAULT_REMINDER_TIME, mine: bool = False) -> None:
        self.agenda = agenda
        self.store = store
        self.reminder_time = reminder_time
        self.mine = mine

    def due_items(self, day: date) -> list[AgendaItem]:
        """The Today list of ``day``: overdue, due and reminders begun."""
        return self.agenda.due_today(self.mine, day)

    def count(self, day: date) -> DueCount:
        """How many items are due on ``day`` or overdue."""
        return DueCount.of(self.due_items(day), day)

    def reminder_at(self, day: date) -> datetime:
        """When ``day``'s reminders are announced."""
        return datetime.combine(day, self.reminder_time)

    def due_now(self, now: datetime, *, starting: bool = False,
                listed: Sequence[AgendaItem] | None = None) -> list[AgendaItem]:
        """The items to announce at ``now``: on the Today list (``listed``:
        that list as read already for ``now``'s day), their reminder time
        passed (or the app is ``starting``), not announced yet today. They
        are remembered as announced."""
        today = now.date()
        if not starting and now < self.reminder_at(today):
            return []  # nothing can be new before the day's reminder time
        day, announced = self.store.load()
        if day != today:
            announced = set()
        items = self.due_items(today) if listed is None else listed
        # each item's key made once (tens of thousands at 100,000 clients)
        keyed = [(i, key) for i in items if i.can_be_done
                 for key in (item_key(i),) if key not in announced]
        if keyed or day != today:
            self.store.save(today, announced | {key for _i, key in keyed})
        return [i for i, _key in keyed]

    def next_check(self, now: datetime) -> datetime:
        """The next time ``due_now`` may find something by the clock alone:
        today's reminder time, else tomorrow's."""
        today = self.reminder_at(now.date())
        return today if now < today else self.reminder_at(now.date() + timedelta(days=1))
