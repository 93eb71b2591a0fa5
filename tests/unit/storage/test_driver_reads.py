"""``dialect.read_rows``: a keystroke's reads built once run on SQLite as the
driver's statements (its text compiled once) and give what SQLAlchemy's
execute gives, on both engines: with the binds given, those the statement
holds, a bind used twice; in the read's transaction; a driver's error as
SQLAlchemy's; a statement rendered anew for its values still SQLAlchemy's."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, event, func, literal, select, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.types import DateTime, String

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.storage import dialect
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client

_BY_NAME = (select(Client.id, Client.name, literal(7).label("seven"))
            .where(Client.name >= bindparam("low", type_=String()),
                   Client.name < bindparam("high", type_=String()),
                   Client.deleted_at.is_(None))
            .order_by(Client.name).limit(bindparam("most")))
_COUNT = text("SELECT count(*) FROM clients WHERE substr(name, 1, length(:low)) = :low")


def test_its_rows_are_sqlalchemys(db: Database) -> None:
    service = ClientService(db, user="me")
    ids = [service.save(ClientCard(name=n)) for n in ("王芳", "王刚", "李娜")]
    params = {"low": "王", "high": "王\U0010ffff", "most": 10}
    with db.read() as s:
        conn = s.connection()
        rows = dialect.read_rows(conn, _BY_NAME, params)
        assert [tuple(r) for r in rows] == [tuple(r) for r in conn.execute(_BY_NAME, params)]
        assert [tuple(r) for r in rows] == [(ids[1], "王刚", 7), (ids[0], "王芳", 7)]
        assert dialect.read_rows(conn, _BY_NAME, {**params, "most": 1}) == [(ids[1], "王刚", 7)]
        assert dialect.read_rows(conn, _COUNT, {"low": "李"}) == [(1,)]  # a bind used twice
        with pytest.raises(SQLAlchemyError, match="value is required"):  # not given
            dialect.read_rows(conn, _BY_NAME, {"low": "王", "high": "王\U0010ffff"})


class _UndoError(Exception):
    """Ends a unit of work, rolling it back."""


def test_on_sqlite_it_is_the_drivers_statement_in_the_reads_transaction(
        db: Database) -> None:
    service = ClientService(db, user="me")
    service.save(ClientCard(name="王芳"))
    other = service.save(ClientCard(name="李娜"))
    executed: list[object] = []

    def count(*args: object) -> None:
        executed.append(args)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with pytest.raises(_UndoError), db.session() as s:
            s.execute(text("UPDATE clients SET name = '王刚' WHERE id = :id"), {"id": other})
            executed.clear()
            # the row written in this transaction, not committed, is read
            assert dialect.read_rows(s.connection(), _COUNT, {"low": "王"}) == [(2,)]
            raise _UndoError
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(executed) == (0 if db.engine.dialect.name == "sqlite" else 1)
    with db.read() as s:  # rolled back with it
        assert dialect.read_rows(s.connection(), _COUNT, {"low": "王"}) == [(1,)]


def test_a_drivers_error_is_sqlalchemys(db: Database) -> None:
    with db.read() as s, pytest.raises(DBAPIError):
        dialect.read_rows(s.connection(), text("SELECT no_such_column FROM clients"), {})


def test_a_statement_rendered_for_its_values_is_run_by_sqlalchemy(db: Database) -> None:
    service = ClientService(db, user="me")
    ids = [service.save(ClientCard(name=n)) for n in ("王芳", "王刚")]
    expanding = select(func.count()).select_from(Client).where(
        Client.id.in_(bindparam("ids", expanding=True)))
    with db.read() as s:
        conn = s.connection()
        assert dialect.read_rows(conn, expanding, {"ids": ids}) == [(2,)]
        assert dialect.read_rows(conn, expanding, {"ids": ids[:1]}) == [(1,)]


# -- care_repo._driver_rows: the agenda's texts, on SQLite without text() --------

_LOGGED = """SELECT i.id, i.summary FROM interactions i
    WHERE i.occurred_at >= :since AND i.occurred_at <= :until AND i.channel IN :channels
          AND i.client_id = :client AND :day = :day ORDER BY i.id"""


def test_a_texts_rows_are_sqlalchemys_with_its_binds_types(db: Database) -> None:
    """A time bound as SQLAlchemy binds it (its stored text has microseconds:
    bound as the driver would, "2026-11-24 00:00:00", the row logged at that
    very time would be left out of "<= until"), an expanding bind, a date
    given without a type, a bind used twice; the same rows as SQLAlchemy's."""
    from datetime import date, datetime

    from desktop_crm.domain.client import Interaction
    from desktop_crm.domain.enums import Channel
    from desktop_crm.storage import care_repo

    service = ClientService(db, user="me")
    cid = service.save(ClientCard(name="王芳"))
    at = datetime(2026, 11, 24)
    for n, (when, channel) in enumerate([(at, Channel.CALL), (at, Channel.EMAIL),
                                         (datetime(2026, 11, 25), Channel.CALL),
                                         (datetime(2026, 11, 23, 23, 59), Channel.CALL)]):
        service.log_interaction(Interaction(cid, when, channel, f"s{n}"))
    params = {"since": datetime(2026, 11, 23), "until": at, "channels": ["call", "wechat"],
              "client": cid, "day": date(2026, 11, 24)}
    binds = [bindparam("since", type_=DateTime()), bindparam("until", type_=DateTime()),
             bindparam("channels", expanding=True)]
    with db.read() as s:
        rows = care_repo._driver_rows(s, _LOGGED, dict(params), binds)
        expected = s.execute(text(_LOGGED).bindparams(*binds), params).all()
    assert [tuple(r) for r in rows] == [tuple(r) for r in expected]
    assert [summary for _id, summary in rows] == ["s0", "s3"]


def test_a_texts_driver_error_is_sqlalchemys(db: Database) -> None:
    from desktop_crm.storage import care_repo

    with db.read() as s, pytest.raises(DBAPIError):
        care_repo._driver_rows(s, "SELECT no_such_column FROM clients WHERE id = :id",
                               {"id": 1})
