"""``Database.reading``: the reads of one thread inside the block are one
read (one session, one transaction), on both engines; a statement that fails
in it does not spoil the reads after it, and other threads read on their own."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database


def test_reads_in_the_block_share_one_session(db: Database) -> None:
    service = ClientService(db, user="me")
    client_id = service.save(ClientCard(name="王芳"))
    with db.read() as alone, db.read() as other:
        assert alone is not other  # outside a block: a session each
    sessions = []
    with service.reading():
        for _n in range(3):
            with db.read() as s:
                sessions.append(s)
        # a block within a block goes on with the outer read
        with service.reading(), db.read() as s:
            sessions.append(s)
        assert service.get(client_id).name == "王芳"
        others = []

        def elsewhere() -> None:
            with db.read() as s:
                others.append(s is sessions[0])

        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
        assert others == [False]  # another thread's read is its own
    assert len({id(s) for s in sessions}) == 1
    with db.read() as after:
        assert after is not sessions[0]


def test_a_failed_statement_does_not_spoil_the_reads_after_it(db: Database) -> None:
    service = ClientService(db, user="me")
    client_id = service.save(ClientCard(name="李娜"))
    with service.reading():
        with pytest.raises(DBAPIError), db.read() as s:
            s.execute(text("SELECT no_such_column FROM clients"))
        # on a server the failed statement aborted the transaction; the next
        # read begins a new one
        assert service.get(client_id).name == "李娜"


def test_a_block_without_a_snapshot_reads_each_statement_on_its_own(db: Database) -> None:
    """``reading(snapshot=False)``: one session still, but on a server each
    statement is its own transaction (no BEGIN and ROLLBACK round trips);
    the connection goes back to the pool as it was. SQLite reads as ever."""
    service = ClientService(db, user="me")
    client_id = service.save(ClientCard(name="王芳"))

    def autocommit(session: Any) -> bool:
        """psycopg's autocommit (SQLite's driver has its own meaning for it)."""
        return db.shared and bool(session.connection().connection.dbapi_connection.autocommit)

    sessions = []
    modes = []
    with service.reading(snapshot=False):
        for _n in range(2):
            with db.read() as s:
                sessions.append(s)
                modes.append(autocommit(s))
        assert service.get(client_id).name == "王芳"
    assert len({id(s) for s in sessions}) == 1
    assert modes == [db.shared, db.shared]
    with db.read() as after:
        assert not autocommit(after)  # back in a transaction of its own
        assert after.execute(text("SELECT count(*) FROM clients")).scalar() == 1
    with service.reading(), db.read() as s:
        assert not autocommit(s)
