"""An upgrade that stops midway leaves the book exactly as it was: the disk
filling up (SQLite) or the process killed (both engines) in the middle of a
migration, after some of its statements (a new table, a dropped index) ran.

Every statement of an upgrade is one transaction, DDL included
(``database._all_or_nothing``): before it was, on SQLite the migration's
CREATE TABLE was already committed, the user read "nothing was changed",
and the next start said the file "is not a Desktop CRM database or is
damaged (table agenda_follow_ups already exists)"."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, inspect, text

from desktop_crm.storage import database
from desktop_crm.storage.database import HEAD_REVISION, Database, DatabaseError
from tests.conftest import database_at

OLD = "20261215_25"
NOW = datetime(2026, 9, 20, 9)
ROOT = Path(__file__).resolve().parents[3]
# statements of migration 26 after which an earlier one of it had changed the
# schema: its new table and index exist when it fills them; the clients'
# contact index was dropped when it is made again
MIDWAY = ("INSERT INTO agenda_follow_ups", "CREATE INDEX ix_clients_contact")


@pytest.fixture
def old_book(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database of revision 25 with 300 clients and 3,000 open follow-ups
    (migration 26 copies them into a table of their own)."""
    for url in database_at(OLD, engine, tmp_path, request):
        sa_engine = create_engine(url)
        with sa_engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO clients (id, uuid, kind, name, sort_key, gender, title, company, "
                "primary_phone, email, wechat, website, address, home_address, industry, "
                "source, owner, notes, legal_representative, scale, assets, org_form, "
                "profile_filled_by, created_at, updated_at, version) VALUES (:id, :uuid, "
                "'person', :name, '', 'unknown', '', '', '', '', '', '', '', '', '', '', "
                "'王磊', '', '', '', '', '', '', :now, :now, 1)"),
                [{"id": n, "uuid": f"00000000-0000-4000-8000-{n:012d}", "name": f"客户{n}",
                  "now": NOW} for n in range(1, 301)])
            conn.execute(text(
                "INSERT INTO interactions (id, uuid, client_id, occurred_at, channel, summary, "
                "next_step, follow_up_on, follow_up_done, created_at, mass) VALUES (:id, :uuid, "
                ":cid, :now, 'call', :summary, '回电确认报价', :due, false, :now, false)"),
                [{"id": n, "uuid": f"10000000-0000-4000-8000-{n:012d}", "cid": n % 300 + 1,
                  "now": NOW, "summary": f"第{n}次电话" * 8, "due": date(2026, 10, 1)}
                 for n in range(1, 3001)])
        sa_engine.dispose()
        if engine == "sqlite":  # as the app leaves its files
            with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.close()
        yield url


def _state(url: str) -> Any:
    """All of the book: on SQLite its dump (schema and rows), on PostgreSQL
    its tables, indexes, triggers, functions, revision and row counts."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return list(conn.iterdump())
        finally:
            conn.close()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = inspect(conn).get_table_names()
            return (
                sorted(names),
                sorted(conn.execute(text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"))),
                sorted(conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))),
                sorted(conn.execute(text(
                    "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace"))),
                {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                 for name in names},
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
    finally:
        engine.dispose()


def _opens_at_head(url: str) -> None:
    db = Database.open(url.removeprefix("sqlite:///"))
    try:
        assert db.current_revision() == HEAD_REVISION
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM agenda_follow_ups")).scalar_one() == 3000
    finally:
        db.close()


@pytest.mark.sqlite_only("a file's disk filling up (a server's disk is the server's)")
@pytest.mark.parametrize("statement", MIDWAY)
def test_a_disk_that_fills_midway_through_an_upgrade_leaves_the_book_as_it_was(
        old_book: str, statement: str) -> None:
    path = Path(old_book.removeprefix("sqlite:///"))
    before = _state(old_book)

    def full_from_then_on(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        if sql.lstrip().startswith(statement):  # the disk has no page left from now on
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(Engine, "before_cursor_execute", full_from_then_on)
    try:
        with pytest.raises(DatabaseError) as info:
            Database.open(path)
    finally:
        event.remove(Engine, "before_cursor_execute", full_from_then_on)
    assert str(info.value) == database.disk_full_message(path)
    assert _state(old_book) == before
    _opens_at_head(old_book)  # once there is room again


@pytest.mark.parametrize("statement", MIDWAY)
def test_a_process_killed_midway_through_an_upgrade_leaves_the_book_as_it_was(
        old_book: str, statement: str, tmp_path: Path) -> None:
    if statement.startswith("CREATE INDEX") and not old_book.startswith("sqlite"):
        statement = "CREATE TRIGGER"  # PostgreSQL keeps that index as it is
    before = _state(old_book)
    script = textwrap.dedent(f"""
        import os
        from sqlalchemy import Engine, event
        from desktop_crm.storage.database import Database

        @event.listens_for(Engine, "before_cursor_execute")
        def killed(conn, cursor, sql, *args):
            if sql.lstrip().startswith({statement!r}):
                os._exit(9)  # as the power going off: no rollback, no cleanup

        Database.open({old_book.removeprefix("sqlite:///")!r})
        """)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], env=env, timeout=120,
                          capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    assert _state(old_book) == before
    _opens_at_head(old_book)


@pytest.mark.sqlite_only("another program holding a file's write lock")
def test_a_book_another_program_is_writing_is_not_upgraded_and_says_so(
        old_book: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another window upgrading the same file (or writing a long import)
    holds its write lock past the busy timeout: the user reads that the
    file is busy, not that it "is not a Desktop CRM database or is damaged
    (database is locked)", and the book is as it was; once the other
    program is done it upgrades."""
    path = Path(old_book.removeprefix("sqlite:///"))
    before = _state(old_book)
    connect = database._on_connect

    def impatient(dbapi_conn: Any, record: Any) -> None:
        connect(dbapi_conn, record)
        dbapi_conn.execute("PRAGMA busy_timeout = 200")  # not the app's 10 s

    monkeypatch.setattr(database, "_on_connect", impatient)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseError) as info:
            Database.open(path)
        assert str(info.value) == (
            f"{path} is busy in another window or program (which may be upgrading it); "
            "it was not opened and nothing was changed. Try again in a moment.")
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert _state(old_book) == before
    _opens_at_head(old_book)
