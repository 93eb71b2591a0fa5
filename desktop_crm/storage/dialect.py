"""The few SQL constructs that differ between SQLite and PostgreSQL, chosen
by the session's dialect in one place.

Everything else in storage is written once: SQLAlchemy Core or text() with
named binds, and dates bound as dates (SQLAlchemy stores them as ISO text on
SQLite, so comparisons stay text comparisons there and use the same indexes).
A search keystroke's reads, built once, run on SQLite as the driver's
statements (``read_rows``), their text compiled by SQLAlchemy.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import BindParameter, Connection, Date, DateTime, text
from sqlalchemy.exc import DBAPIError, InvalidRequestError

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


# The page cache, in KiB, of a SQLite connection that has served a search
# keystroke (``search_cache``). SQLite's default, 2,000 KiB, holds a tenth of
# what the 200 typed queries of ``benchmarks/search.py`` read at 100,000
# clients (about 57 MB of index pages), so each keystroke read most of its
# pages from the file again (a system call and a copy a page: a tier of 778
# clients read whole 1.7 -> 0.7 ms of CPU with 64 MiB).
SEARCH_CACHE_KIB = 32 * 1024


def search_cache(conn: Connection) -> None:
    """Give the SQLite connection ``conn`` a page cache of
    ``SEARCH_CACHE_KIB`` for the rest of its life (once: marked in its pool
    record), so the index pages a keystroke reads are still there for the
    next one. Only the connections that served a search grow (their cache
    fills as pages are read, up to that size): a connection of other reads
    (the workbook, the agenda) keeps the default, whose larger size for
    every connection cost the workbook's peak memory its target (README,
    "Speed"). Nothing elsewhere (PostgreSQL: the server's buffers)."""
    if conn.dialect.name != "sqlite":
        return
    pooled = conn.connection
    if not pooled.info.get("search_cache"):
        pooled.driver_connection.execute(  # type: ignore[union-attr]
            f"PRAGMA cache_size = -{int(SEARCH_CACHE_KIB)}")
        pooled.info["search_cache"] = True


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


# A statement's SQLite text, the names of its binds in order and their
# processors, by the statement (kept with it: the hot reads' statements are
# built once, so this holds a few dozen)
_SQLITE_FORMS: dict[int, tuple[Any, str, tuple[str, ...], dict[str, Any],
                               tuple[Any, ...]]] = {}


def read_rows(conn: Connection, stmt: Any, params: Mapping[str, Any]) -> list[Any]:
    """The rows of the read ``stmt`` (a Core statement or ``text()``, built
    once and run again and again: a keystroke's counts and pages) with
    ``params``, as plain tuples of the driver's values: no result type is
    applied, so only for columns that need none (ids, counts, text).

    On SQLite the statement's text is compiled once and run on the driver's
    cursor of ``conn`` (the same connection and transaction): SQLAlchemy's
    execute costs about 50 us of CPU a statement, ten times what a small read
    costs SQLite itself, and a keystroke in the search box runs eight or
    nine. A driver error comes as SQLAlchemy's, as from ``conn.execute``.
    Elsewhere (PostgreSQL) it is ``conn.execute``."""
    if conn.dialect.name != "sqlite":
        return [tuple(row) for row in conn.execute(stmt, params)]
    form = _SQLITE_FORMS.get(id(stmt))
    if form is None or form[0] is not stmt:
        form = _SQLITE_FORMS[id(stmt)] = _sqlite_form(conn, stmt)
    _stmt, sql, names, fixed, processors = form
    if not sql:  # a statement rendered anew for its values: SQLAlchemy's way
        return [tuple(row) for row in conn.execute(stmt, params)]
    try:
        values = [params[n] if n in params else fixed[n] for n in names]
    except KeyError as missing:  # as SQLAlchemy says it
        raise InvalidRequestError(f"A value is required for bind parameter {missing}") \
            from None
    values = [p(v) if p else v for p, v in zip(processors, values, strict=True)]
    return _driver_fetch(conn, sql, values)


def _sqlite_form(conn: Connection, stmt: Any) -> tuple[Any, str, tuple[str, ...],
                                                       dict[str, Any], tuple[Any, ...]]:
    """``read_rows``' form of ``stmt`` on SQLite: its text ("" when it is
    rendered anew for each run's values: expanding or literal binds), its
    binds' names in order, their values when not given, their processors."""
    compiled = stmt.compile(dialect=conn.dialect)
    sql = str(compiled)
    names = tuple(compiled.positiontup or ())
    if "POSTCOMPILE" in sql or (names == () and compiled.binds):
        return stmt, "", (), {}, ()
    binds = compiled.binds
    fixed = {n: binds[n].effective_value for n in names if not binds[n].required}
    processors = tuple(binds[n].type.bind_processor(conn.dialect) for n in names)
    return stmt, sql, names, fixed, processors


def text_rows(conn: Connection, sql: str, params: Mapping[str, Any],
              binds: Sequence[BindParameter[Any]] = ()) -> list[Any]:
    """SQLite: the rows of ``sql`` (the text ``text(sql).bindparams(*binds)``
    would run, with its named binds) as the driver's tuples, run on the
    driver's cursor of ``conn`` (its connection and transaction) without
    SQLAlchemy: no ``text()`` parsed for its binds, no statement compiled
    and keyed for the cache, no result made. The values are bound as
    SQLAlchemy binds them (each bind's type, or the type of a date or a
    time given without one: ISO text; an expanding bind as a list of
    binds); the driver reads the named binds itself. For the agenda's reads,
    whose texts differ from window to window: a first call compiled its 14
    statements (about 4 ms of CPU), a warm one parsed their texts again.
    A driver error comes as SQLAlchemy's, as from ``conn.execute``."""
    typed = {bind.key: bind for bind in binds}
    values: dict[str, Any] = {}
    for key, value in params.items():
        bind = typed.get(key)
        if bind is not None and bind.expanding:
            names = [f"{key}_{n}" for n in range(len(value))]
            process = _processor(bind.type, conn.dialect)
            for n, item in zip(names, value, strict=True):
                values[n] = process(item) if process else item
            # ":key" not followed by a name's character (as text() finds it)
            sql = re.sub(rf"(?<![:\w]):{key}(?![\w:])",
                         f"({', '.join(':' + n for n in names)})", sql)
            continue
        type_ = bind.type if bind is not None else (
            _DATE_TIME if isinstance(value, datetime) else _DATE if isinstance(value, date)
            else None)
        process = _processor(type_, conn.dialect) if type_ is not None else None
        values[key] = process(value) if process else value
    return _driver_fetch(conn, sql, values)


def _driver_fetch(conn: Connection, sql: str, values: Any) -> list[Any]:
    """The rows of ``sql`` run with ``values`` on the SQLite driver's cursor
    of ``conn``; a driver error raised as SQLAlchemy's, as from
    ``conn.execute``."""
    driver = conn.connection.driver_connection
    try:
        return driver.execute(sql, values).fetchall()  # type: ignore[union-attr, no-any-return]
    except sqlite3.Error as exc:
        raise DBAPIError.instance(sql, values, exc, sqlite3.Error,
                                  dialect=conn.dialect) from exc


_DATE, _DATE_TIME = Date(), DateTime()


def _processor(type_: Any, sql_dialect: Any) -> Any:
    """The function SQLAlchemy binds a value of ``type_`` with on
    ``sql_dialect`` (its dialect's own type's: a generic DateTime has none,
    SQLite's writes the text SQLAlchemy stores), or None."""
    return type_.dialect_impl(sql_dialect).bind_processor(sql_dialect)
