"""Copying every row of one Desktop CRM database into another (SQLite to
PostgreSQL and back): the tables of the models, in their foreign-key order,
with their ids and UUIDs as they are.

The target must have the current schema (``Database.open`` made it). Its own
rows are removed first (a new database already holds its own settings, such
as its database UUID, which the source's replace), the search index is
rebuilt from the copied clients, and on PostgreSQL each id sequence is set
past the copied ids, so the next new card gets a new id. Functions take
Sessions and never commit: the calling service owns the unit of work, one
transaction on the target.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Integer, Table, delete, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from desktop_crm.i18n import _
from desktop_crm.storage import search_index
from desktop_crm.storage.database import (
    Database,
    DatabaseError,
    disk_full_message,
    sqlite_path,
    unusable_url_error,
)
from desktop_crm.storage.integrity import is_full
from desktop_crm.storage.models import (
    DERIVED_TABLES,
    Base,
    Client,
    ClientPhotoRow,
    client_rank_keys,
)

BATCH = 2000  # rows read and written at a time: a few MB at most
# photos are up to a few hundred KB each: fewer at a time keep that true
BATCHES = {ClientPhotoRow.__table__.name: 20}
Progress = Callable[[int], None]  # rows copied so far
CLIENTS = Client.__table__.name


def tables() -> list[Table]:
    """Every table of the models, parents before children; not those the
    database derives itself (``DERIVED_TABLES``: the target's triggers fill
    them from the copied rows), nor the search's rank keys (``rebuild_index``
    writes them with the search index)."""
    return [t for t in Base.metadata.sorted_tables
            if t.name not in DERIVED_TABLES and t is not client_rank_keys]


def snapshot(session: Session) -> None:
    """Let every read of ``session`` see the database as of its first one (a
    server where others keep writing); call before it reads anything. A
    SQLite file is one person's: nobody writes to it during a copy."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def row_counts(session: Session) -> dict[str, int]:
    """The number of rows of each table, by name."""
    return {t.name: int(session.execute(select(func.count()).select_from(t)).scalar_one())
            for t in tables()}


def client_count(session: Session) -> int:
    """Clients of every state (in the trash too)."""
    return int(session.execute(select(func.count()).select_from(Client)).scalar_one())


def copy_rows(source: Session, target: Session, progress: Progress | None = None) -> int:
    """Replace every row of ``target``'s tables with ``source``'s; returns the
    number of rows copied. The search index and the sequences are left to
    ``rebuild_index`` and ``advance_sequences``."""
    dst = target.connection()
    for table in reversed(tables()):
        dst.execute(delete(table))
    search_index.clear(target)
    done = 0
    for table in tables():
        batch = BATCHES.get(table.name, BATCH)
        src = source.connection().execution_options(yield_per=batch)
        order = list(table.primary_key.columns)
        result = src.execute(select(table).order_by(*order))
        for part in result.partitions(batch):
            rows: list[dict[str, Any]] = [dict(row._mapping) for row in part]
            dst.execute(insert(table), rows)
            done += len(rows)
            if progress is not None:
                progress(done)
    return done


def rebuild_index(target: Session) -> int:
    """The search index entry of every client; returns how many."""
    return search_index.rebuild(target, BATCH)


def advance_sequences(target: Session) -> None:
    """On PostgreSQL: each integer id's sequence continues after the largest
    copied id (rows inserted with their own ids do not move it). SQLite's
    AUTOINCREMENT follows explicit ids by itself."""
    if target.get_bind().dialect.name != "postgresql":
        return
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        column = keys[0]
        sequence = target.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                  {"t": table.name, "c": column.name}).scalar_one()
        if sequence is None:  # an id the app gives itself (a year)
            continue
        largest = target.execute(select(func.max(column))).scalar_one()
        # is_called false: the next nextval returns exactly this value
        target.execute(text("SELECT setval(CAST(:s AS regclass), :v, false)"),
                       {"s": sequence, "v": int(largest or 0) + 1})


@contextmanager
def failures_undone(target: str) -> Iterator[None]:
    """A database error of the copy (a lost connection, a full disk) as one
    message for the user; the target's transaction has rolled back."""
    try:
        yield
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None)
        if isinstance(reason, sqlite3.Error) and is_full(reason):  # words of the user's language
            raise DatabaseError(disk_full_message(target)) from exc
        raise DatabaseError(_("The copy into {target} failed and was undone: {reason}",
                              target=target, reason=_first_line(exc))) from exc


def _first_line(exc: SQLAlchemyError) -> str:
    return (str(getattr(exc, "orig", exc)).strip().splitlines() or [""])[0]


def server_revision(url: str, name: str) -> str | None:
    """The schema revision of a server database, without creating or
    migrating anything in it: None for an empty database."""
    try:
        probe = Database(url)
    except (ImportError, ArgumentError) as exc:
        raise unusable_url_error(url, exc) from exc
    try:
        return probe.current_revision()
    except SQLAlchemyError as exc:
        raise DatabaseError(_("Cannot use the database {url}: {reason}", url=name,
                              reason=_first_line(exc))) from exc
    finally:
        probe.close()


def _place(url: str) -> tuple[object, ...] | None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    path = sqlite_path(url)
    if path is not None:
        return ("sqlite", os.path.realpath(path))
    query = tuple(sorted((k, str(v)) for k, v in parsed.query.items()))
    # not the user name: another account reaches the same database
    return (parsed.get_backend_name(), parsed.host, parsed.port or 5432, parsed.database,
            query)


def same_database(first: str, second: str) -> bool:
    """The same file or the same server database, however the two are written
    (a relative path, a symbolic link, another driver or user name)."""
    a, b = _place(first), _place(second)
    if a is None or b is None:
        return first == second
    if a[0] == "sqlite" and b[0] == "sqlite":
        try:
            return os.path.samefile(str(a[1]), str(b[1]))
        except OSError:
            return a == b
    return a == b
