"""``Database.reading``: the reads of one thread inside the block are one
read (one session, one transaction), on both engines; a statement that fails
in it does not spoil the reads after it, and other threads read on their own."""

from __future__ import annotations

import threading

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
