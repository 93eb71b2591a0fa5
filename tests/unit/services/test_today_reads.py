"""How Today reads, on both engines: one transaction (on a server each
transaction costs round trips of its own: taking the connection, BEGIN,
ROLLBACK), its two settings in one statement and the not-contacted backlog
counted in one; the list is the same as read piece by piece."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event

from desktop_crm.domain.care import CareSettings
from desktop_crm.domain.churn import ChurnSettings
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.demo import generate
from desktop_crm.storage import care_repo
from desktop_crm.storage.database import Database
from tests.conftest import Clock

NOW = datetime(2026, 11, 24, 9, 0)


@pytest.fixture
def reads(db: Database) -> Iterator[Counter[str]]:
    """Counts, while the test runs: connections taken from the pool
    ("checkout") and statements by what they read."""
    seen: Counter[str] = Counter()

    def checkout(*_args: Any) -> None:
        seen["checkout"] += 1

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen["statements"] += 1
        for what in ("app_settings", "count(*) FROM clients"):
            seen[what] += what in sql

    event.listen(db.engine.pool, "checkout", checkout)
    event.listen(db.engine, "before_cursor_execute", statement)
    yield seen
    event.remove(db.engine, "before_cursor_execute", statement)
    event.remove(db.engine.pool, "checkout", checkout)


def test_today_is_one_read(db: Database, reads: Counter[str]) -> None:
    clock = Clock(NOW)
    generate(db, 60, seed=5, now=NOW)
    agenda = AgendaService(db, clock, user="test")
    agenda.save_settings(CareSettings(overdue_days=10), ChurnSettings(drop_percent=30))
    # the list read piece by piece (settings, then the agenda's filter): the same
    with db.read() as s:
        own = care_repo.longest_own_reminder(s)
    lead = max(own, *agenda.settings().remind_days.values())
    expected = [i for i in agenda.agenda(lead + 1) if i.is_due(NOW.date())]
    reads.clear()
    assert agenda.due_today() == expected and expected
    assert reads["checkout"] == 1
    # both settings in one statement; the four grades' backlog counts in one
    assert reads["app_settings"] == 1 and reads["count(*) FROM clients"] == 1
    assert reads["statements"] <= 16
