"""The few SQL constructs that differ between SQLite and PostgreSQL, chosen
by the session's dialect in one place.

Everything else in storage is written once: SQLAlchemy Core or text() with
named binds, and dates bound as dates (SQLAlchemy stores them as ISO text on
SQLite, so comparisons stay text comparisons there and use the same indexes).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import Connection, text

if TYPE_CHECKING:  # (sqlalchemy.orm is not loaded before Today is filled)
    from sqlalchemy.orm import Session

    # What a read goes through: a session, or a connection of the tables
    # alone (``Database.connect``: no ORM loaded, as before Today is filled)
    Reader: TypeAlias = Session | Connection


def connection(session: Reader) -> Connection:
    """The connection ``session`` reads through (itself for a connection)."""
    return session if isinstance(session, Connection) else session.connection()


def name(session: Reader) -> str:
    """The session's engine: "sqlite" or "postgresql"."""
    if isinstance(session, Connection):
        return session.dialect.name
    return session.get_bind().dialect.name


def is_sqlite(session: Reader) -> bool:
    return name(session) == "sqlite"


def unindexed(session: Reader, column: str) -> str:
    """``column`` in a condition that should not drive the plan. SQLite's
    planner picks an index for any indexed column in WHERE, and a unary plus
    stops that (the deleted_at index is unselective: almost every client is
    live); PostgreSQL chooses by statistics and has no unary plus on times."""
    return f"+{column}" if is_sqlite(session) else column


def insert_or_ignore(table: str, columns: Iterable[str]) -> str:
    """An INSERT that does nothing when the row's key exists: ``ON CONFLICT
    DO NOTHING`` is the same on SQLite (3.24+) and PostgreSQL. Values are
    named binds of the columns' names."""
    names = list(columns)
    return (f"INSERT INTO {table} ({', '.join(names)}) "
            f"VALUES ({', '.join(':' + n for n in names)}) ON CONFLICT DO NOTHING")


def false(session: Reader) -> str:
    """The literal false, as the partial indexes' conditions spell it
    (models.py): SQLite stores booleans as 0 and 1."""
    return "0" if is_sqlite(session) else "false"


def true(session: Reader) -> str:
    """The literal true (1 on SQLite), as ``false``."""
    return "1" if is_sqlite(session) else "true"


def ids_written(session: Reader, tables: Iterable[str]) -> None:
    """After rows were inserted with explicit ids: on PostgreSQL, move each
    table's id sequence past its largest id, or the next row inserted
    without one would take an id in use. (SQLite gives max(id) + 1 anyway.)"""
    if is_sqlite(session):
        return
    for table in tables:
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"coalesce(max(id), 0) + 1, false) FROM {table}"))


def drop_nul_on_postgresql(dbapi_conn: Any, _record: Any) -> None:
    """PostgreSQL text cannot hold a NUL character (SQLite's can): on each new
    server connection, text parameters lose their NULs on the way in rather
    than failing the whole save. Only for psycopg, imported here so that
    SQLite users need not have it."""
    from psycopg.types.string import StrDumperUnknown

    class _Dumper(StrDumperUnknown):
        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", "") if "\x00" in obj else obj)

    dbapi_conn.adapters.register_dumper(str, _Dumper)
