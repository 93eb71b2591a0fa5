"""A large import into an empty database builds the secondary indexes of
``clients`` and ``client_rank_keys`` after their rows
(storage/card_inserts.py), in the import's one transaction, on both
engines: afterwards the very same indexes exist and find the rows; a
failure leaves them as they were; a database with clients keeps its
indexes throughout; the unique index of the clients' UUIDs is kept (it
checks the rows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientService
from desktop_crm.storage import card_inserts, row_writer, search_index
from desktop_crm.storage.database import Database
from tests.conftest import fail_on_call
from tests.unit.services.test_import import dump
from tests.unit.services.test_import_bulk import _import, _rows, _xlsx


def _indexes(db: Database, engine: str) -> list[tuple[str, str]]:
    """(name, definition) of every index of the two tables."""
    with db.read() as s:
        if engine == "sqlite":
            return sorted((str(n), str(d)) for n, d in s.execute(text(
                "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name IN ('clients', 'client_rank_keys')")))
        return sorted((str(n), str(d)) for n, d in s.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename IN ('clients', 'client_rank_keys')")))


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(card_inserts, "CHUNK", 7)
    monkeypatch.setattr(card_inserts, "DEFER_INDEXES_FROM", 10)


def _spy(monkeypatch: pytest.MonkeyPatch, engine: str) -> list[int]:
    """How many indexes ``client_rank_keys`` has each time its rows are written."""
    seen: list[int] = []
    write = row_writer.insert_rows

    def counting(session: Any, table: Any, columns: Any, rows: Any) -> None:
        if table.name == "client_rank_keys":
            sql = ("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                   "AND tbl_name = 'client_rank_keys'" if engine == "sqlite" else
                   "SELECT count(*) FROM pg_indexes WHERE tablename = 'client_rank_keys'")
            seen.append(int(session.execute(text(sql)).scalar_one()))
        if table.name == "clients":  # the UUIDs' unique index stays: it checks the rows
            sql = ("SELECT count(*) FROM sqlite_master WHERE name = 'ix_clients_uuid'"
                   if engine == "sqlite" else
                   "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_clients_uuid'")
            assert session.execute(text(sql)).scalar_one() == 1
        write(session, table, columns, rows)

    monkeypatch.setattr(row_writer, "insert_rows", counting)
    return seen


def test_into_an_empty_database_the_indexes_are_built_after_the_rows(
        db: Database, engine: str, tmp_path: Path, small: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = _indexes(db, engine)
    seen = _spy(monkeypatch, engine)
    assert _import(db, _xlsx(tmp_path / "many.xlsx", _rows(40)))["created"] == 40
    assert seen == [0] * 6  # 40 cards, 7 a round; built once, after the last round
    assert _indexes(db, engine) == before  # the same indexes, defined the same way
    clients = ClientService(db)
    assert {row.name for row in clients.search("zgf")} == {"曾国方", "张国方36", "赵国方",
                                                         "周国方"}
    with db.read() as s:  # the rebuilt indexes hold every row
        s.execute(text("SET LOCAL enable_seqscan = off") if engine == "postgresql"
                  else text("SELECT 1"))
        assert s.execute(text("SELECT count(*) FROM client_rank_keys WHERE key >= ''")
                         ).scalar_one() == s.execute(text(
                             "SELECT count(*) FROM client_rank_keys")).scalar_one() > 40


def test_a_database_with_a_client_keeps_its_indexes(
        db: Database, engine: str, tmp_path: Path, small: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ClientService(db).save(ClientCard(name="原有客户"))
    seen = _spy(monkeypatch, engine)
    assert _import(db, _xlsx(tmp_path / "many.xlsx", _rows(40)))["created"] == 40
    assert seen and 0 not in seen


def test_a_failure_after_the_indexes_were_dropped_puts_them_back(
        db: Database, engine: str, tmp_path: Path, small: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    before, rows = _indexes(db, engine), dump(db)
    written = search_index.insert_entries
    calls = fail_on_call(monkeypatch, search_index, "insert_entries", 3, RuntimeError("disk full"))
    with pytest.raises(RuntimeError):
        _import(db, _xlsx(tmp_path / "many.xlsx", _rows(30)))
    assert len(calls) == 3
    assert _indexes(db, engine) == before and dump(db) == rows
    monkeypatch.setattr(search_index, "insert_entries", written)
    assert _import(db, tmp_path / "many.xlsx")["created"] == 30  # and it can be done again
    assert _indexes(db, engine) == before
