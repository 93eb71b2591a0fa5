"""A server connection lost in the middle of a unit of work: the transaction
rolls back (no half-written card), the error is one message for the user,
and the next operation connects again."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.stats import stats
from desktop_crm.storage import care_repo, client_repo
from desktop_crm.storage.database import ConnectionLostError, Database
from tests.pg_server import PgCluster


def end_connection_during(monkeypatch: pytest.MonkeyPatch, module: ModuleType,
                          name: str) -> list[int]:
    """The first call of ``module.name(session, ...)`` ends its own server
    connection (as a network failure or an administrator would) before doing
    its work; returns the ended backends' process ids."""
    real = getattr(module, name)
    ended: list[int] = []

    def ending(session: Any, *args: Any, **kwargs: Any) -> Any:
        if not ended:
            ended.append(session.execute(text("SELECT pg_backend_pid()")).scalar_one())
            session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return real(session, *args, **kwargs)

    monkeypatch.setattr(module, name, ending)
    return ended


def ids_of_clients(db: Database) -> list[int]:
    with db.read() as s:
        return [int(r[0]) for r in s.execute(text("SELECT id FROM clients ORDER BY id"))]


def test_a_save_cut_off_writes_nothing_and_the_next_save_reconnects(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database.open(pg_url)
    try:
        service = ClientService(db, user="tester")
        card = ClientCard(name="王芳", phones=[Phone("13800138000")], notes="新的")
        ended = end_connection_during(monkeypatch, client_repo, "add_changes")
        with pytest.raises(ConnectionLostError) as caught:
            service.save(card)
        assert ended and "was lost" in str(caught.value) and "\n" not in str(caught.value)
        assert ids_of_clients(db) == []  # the card row written before the cut was rolled back
        monkeypatch.undo()
        client_id = service.save(card)  # a new connection, the same Database
        assert ids_of_clients(db) == [client_id] and service.get(client_id).notes == "新的"
        assert [e.field for e in service.history(client_id)] == ["created"]
    finally:
        db.close()


def test_connections_ended_between_operations_are_replaced_unseen(
        pg_url: str, pg_cluster: PgCluster) -> None:
    db = Database.open(pg_url)
    try:
        ClientService(db, user="tester").save(ClientCard(name="李娜"))
        name = pg_url.rsplit("/", 1)[1].split("?", 1)[0]
        pg_cluster.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
        assert stats(db)["clients"] == 1  # the pool tests its connection first
    finally:
        db.close()


def test_a_read_through_the_tables_cut_off_says_so_and_the_next_reconnects(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Today's read goes through a connection of the tables alone
    (``Database.connect``, no session): a lost connection is the same one
    message, and the next read takes a new connection."""
    db = Database.open(pg_url)
    try:
        ClientService(db, user="tester").save(ClientCard(name="李娜"))
        agenda = AgendaService(db, user="tester")
        ended = end_connection_during(monkeypatch, care_repo, "longest_own_reminder")
        with pytest.raises(ConnectionLostError) as caught:
            agenda.due_today()
        assert ended and "was lost" in str(caught.value)
        monkeypatch.undo()
        assert isinstance(agenda.due_today(), list)
    finally:
        db.close()



def test_the_agendas_reads_cut_off_midway_say_so_and_the_next_reconnects(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL the agenda's reads run ahead in a thread of the read
    (storage/read_ahead.py): a connection lost in the middle of them is the
    same one message, raised by the agenda, and the next agenda reads anew."""
    db = Database.open(pg_url)
    try:
        ClientService(db, user="tester").save(ClientCard(name="李娜"))
        agenda = AgendaService(db, user="tester")
        expected = agenda.agenda(30)
        ended = end_connection_during(monkeypatch, care_repo, "open_follow_ups")
        with pytest.raises(ConnectionLostError) as caught:
            agenda.agenda(30)
        assert ended and "was lost" in str(caught.value)
        monkeypatch.undo()
        assert agenda.agenda(30) == expected
    finally:
        db.close()


def test_a_statement_refused_midway_through_the_agendas_reads_raises_it(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A statement the server refuses among the agenda's reads run ahead is
    raised as it is (no hang, not a lost connection), and the connection goes
    on serving the next agenda."""
    db = Database.open(pg_url)
    try:
        ClientService(db, user="tester").save(ClientCard(name="李娜"))
        agenda = AgendaService(db, user="tester")
        expected = agenda.agenda(30)

        def refused(session: Any, *args: Any, **kwargs: Any) -> Any:
            return session.execute(text("SELECT no_such_column FROM clients")).all()

        monkeypatch.setattr(care_repo, "open_follow_ups", refused)
        with pytest.raises(ProgrammingError) as caught:
            agenda.agenda(30)
        assert "no_such_column" in str(caught.value)
        assert not isinstance(caught.value, ConnectionLostError)
        monkeypatch.undo()
        assert agenda.agenda(30) == expected
    finally:
        db.close()
