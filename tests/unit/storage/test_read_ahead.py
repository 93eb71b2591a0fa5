"""``read_ahead``: reads named ahead of taking their results give what they
give read one by one, in the read's transaction; on PostgreSQL they run in
the read's thread, on SQLite at once. A read that fails raises its own error
where its result is taken (and on every read named after it), never hangs,
and the connection is usable by the next read."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.storage import dialect
from desktop_crm.storage.database import Database
from desktop_crm.storage.read_ahead import driver_rows, read_ahead


def value(session: Any, sql: str) -> Any:
    return session.execute(text(sql)).scalar_one()


def where(session: Any, log: list[str], name: str) -> str:
    """Records which thread ran the read ``name``."""
    log.append(f"{name} in {threading.current_thread().name}")
    return name


def test_reads_named_ahead_give_their_rows_in_the_reads_transaction(db: Database) -> None:
    ClientService(db, user="me").save(ClientCard(name="王芳"))
    log: list[str] = []
    with db.connect() as c, read_ahead(c) as read:
        sqlite = dialect.is_sqlite(c)
        if not sqlite:  # a setting of this transaction only ...
            c.execute(text("SELECT set_config('random_page_cost', '1.1', true)"))
        named = read(where, log, "first")
        clients = read(value, "SELECT count(*) FROM clients")
        setting = None if sqlite else read(
            value, "SELECT current_setting('random_page_cost')")
        named_too = read(where, log, "second")
        assert read.ahead is not sqlite
        assert (named.get(), clients.get(), named_too.get()) == ("first", 1, "second")
        if setting is not None:  # ... is seen by the reads run in the read's thread
            assert setting.get() == "1.1"
    here = threading.current_thread().name
    if sqlite:
        assert log == [f"first in {here}", f"second in {here}"]
    else:
        assert log == ["first in read-ahead", "second in read-ahead"]


def rows_of(session: Any, sql: str) -> Any:
    return driver_rows(dialect.connection(session).execute(text(sql)))


def test_rows_read_ahead_are_taken_where_used_after_later_statements(db: Database) -> None:
    """On PostgreSQL the driver's rows of a read run ahead are taken from
    its cursor when used, after the thread ran the statements named after
    it; elsewhere they are a list at once."""
    series = "SELECT n, n * 10 FROM generate_series(1, 3) n" if db.path is None else (
        "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 3) "
        "SELECT n, n * 10 FROM s")
    with db.connect() as c, read_ahead(c) as read:
        first = read(rows_of, series)
        second = read(rows_of, "SELECT 4, 40")
        assert [tuple(r) for r in second.get()] == [(4, 40)]
        rows = first.get()
        assert isinstance(rows, list) is not read.ahead
        assert [tuple(r) for r in rows] == [(1, 10), (2, 20), (3, 30)]
        assert len(rows) == 3 and tuple(rows[-1]) == (3, 30)
    with db.connect() as c:  # outside a read ahead: a list
        assert isinstance(rows_of(c, "SELECT 1"), list)


def test_a_failed_read_raises_its_error_and_the_connection_reads_on(db: Database) -> None:
    ClientService(db, user="me").save(ClientCard(name="王芳"))
    with db.connect() as c:
        with pytest.raises(DBAPIError) as caught, read_ahead(c) as read:
            before = read(value, "SELECT count(*) FROM clients")
            failed = read(value, "SELECT no_such_column FROM clients")
            if read.ahead:
                after = read(value, "SELECT 1")
                assert before.get() == 1
                with pytest.raises(DBAPIError) as first:
                    failed.get()
                with pytest.raises(DBAPIError) as again:  # not run: the same error
                    after.get()
                assert again.value is first.value
                raise first.value
        assert "no_such_column" in str(caught.value)
    # the failure ended its read (Database.connect rolls back); the next reads go on
    with db.connect() as c, read_ahead(c) as read:
        assert read(value, "SELECT count(*) FROM clients").get() == 1


def test_a_caller_failing_midway_waits_for_the_read_under_way(db: Database) -> None:
    """The block's end waits for the thread's statement: the connection is
    the caller's again when the block is left, and usable."""
    started = threading.Event()

    def slow(session: Any) -> int:
        started.set()
        return int(session.execute(text(
            "SELECT 1" if dialect.is_sqlite(session) else "SELECT 1 FROM pg_sleep(0.2)"))
            .scalar_one())

    with db.connect() as c:
        with pytest.raises(KeyError), read_ahead(c) as read:
            read(slow)
            never = read(value, "SELECT 2")
            started.wait(5)
            raise KeyError("the caller's own failure")
        assert c.execute(text("SELECT 3")).scalar_one() == 3
        if not dialect.is_sqlite(c):  # dropped: its block ended first
            with pytest.raises(RuntimeError):
                never.get()


def test_rows_are_given_as_then_makes_them_where_they_are_taken(db: Database) -> None:
    """``driver_rows(result, then)``: the rows are ``then``'s list of them,
    made where they are taken (the caller's thread when read ahead), on both
    engines and outside a read ahead."""
    taken_in: list[str] = []

    def reversed_rows(rows: list[Any]) -> list[Any]:
        taken_in.append(threading.current_thread().name)
        return rows[::-1]

    def rows_then(session: Any, sql: str) -> Any:
        return driver_rows(dialect.connection(session).execute(text(sql)), reversed_rows)

    union = "SELECT 1, 10 UNION ALL SELECT 2, 20 UNION ALL SELECT 3, 30"
    with db.connect() as c, read_ahead(c) as read:
        rows = read(rows_then, union)
        other = read(rows_of, "SELECT 4")
        assert [tuple(r) for r in other.get()] == [(4,)]
        assert [tuple(r) for r in rows.get()] == [(3, 30), (2, 20), (1, 10)]
    with db.connect() as c:
        assert [tuple(r) for r in rows_then(c, union)] == [(3, 30), (2, 20), (1, 10)]
    assert taken_in == [threading.current_thread().name] * 2
