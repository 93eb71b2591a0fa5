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
    ("checkout") and statements by what they read. On SQLite the statements
    are the driver's (its trace of each statement run on the connection
    taken): the agenda's reads run their text on the driver's cursor there,
    not through SQLAlchemy's execute (``dialect.text_rows``)."""
    seen: Counter[str] = Counter()
    sqlite = db.engine.dialect.name == "sqlite"

    def statement_run(sql: str) -> None:
        if sql.split(None, 1)[0].upper() in ("BEGIN", "COMMIT", "ROLLBACK"):
            return  # (the pool's rollback of the connection given back)
        seen["statements"] += 1
        for what in ("app_settings", "count(*) FROM clients"):
            seen[what] += what in sql

    def checkout(dbapi_conn: Any, *_args: Any) -> None:
        seen["checkout"] += 1
        if sqlite:
            dbapi_conn.set_trace_callback(statement_run)

    def checkin(dbapi_conn: Any, *_args: Any) -> None:
        if sqlite and dbapi_conn is not None:
            dbapi_conn.set_trace_callback(None)

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        statement_run(sql)

    event.listen(db.engine.pool, "checkout", checkout)
    event.listen(db.engine.pool, "checkin", checkin)
    if not sqlite:
        event.listen(db.engine, "before_cursor_execute", statement)
    yield seen
    if not sqlite:
        event.remove(db.engine, "before_cursor_execute", statement)
    event.remove(db.engine.pool, "checkin", checkin)
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
    assert 10 <= reads["statements"] <= 16
