"""A large import into an empty database builds the secondary indexes of
``clients`` and ``client_rank_keys`` after their rows
(storage/card_inserts.py), in the import's one transaction, on both
engines: afterwards the very same indexes exist and find the rows; a
failure leaves them as they were; a database with clients keeps its
indexes throughout; the unique index of the clients' UUIDs is kept (it
checks the rows). On SQLite the triggers of ``clients`` and
``important_dates`` are dropped while their rows go in and made again
after, ``agenda_dates`` filled for all the rows at once: the same rows as
the triggers make, the same triggers afterwards, and all of it put back by
a failure."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.dates import DateSpec
from desktop_crm.services.clients import ClientService
from desktop_crm.storage import card_inserts, row_writer, search_index
from desktop_crm.storage.database import Database
from tests.conftest import FIXED_NOW, fail_on_call
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


# -- the triggers that keep agenda_dates (SQLite: dropped while the rows go in) ---------

def _triggers(db: Database, engine: str) -> list[tuple[str, str]]:
    """(name, definition) of every trigger; on SQLite table by table, in the
    order they were made (which orders the triggers of one event)."""
    with db.read() as s:
        if engine == "sqlite":
            return [(str(n), str(d)) for n, d in s.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "ORDER BY tbl_name, rowid"))]
        return sorted((str(n), str(d)) for n, d in s.execute(text(
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal")))


def _agenda_dates(db: Database) -> list[tuple[Any, ...]]:
    with db.read() as s:
        return sorted(tuple(r) for r in s.execute(text(
            "SELECT calendar, month, day, leap, source, ref_id, client_id, kind, label, year, "
            "remind_days, client_name, owner, live FROM agenda_dates")))


def _dated_cards(count: int) -> list[ClientCard]:
    """Cards with every yearly date a bulk insert writes: a solar or lunar
    (leap) birthday with or without a year and reminder, a founding and a
    relationship day, or none of them."""
    cards = []
    for i in range(count):
        card = ClientCard(name=f"客户{i}", owner=["王经理", "", "李"][i % 3])
        if i % 4 == 0:
            card.birthday = DateSpec.solar(i % 12 + 1, i % 28 + 1, 1970 + i)
            card.birthday_remind_days = 3
        elif i % 4 == 1:
            card.birthday = DateSpec("lunar", 4, 15, None, i % 8 == 1)
        if i % 3 == 0:
            card.founded_on = date(2000 + i % 20, i % 12 + 1, 9)
        if i % 5 == 0:
            card.relationship_since = date(2015, 12, 31)
        cards.append(card)
    return cards


def _agenda_by_triggers(db: Database) -> list[tuple[Any, ...]]:
    """``agenda_dates`` made again row by row by the triggers themselves:
    emptied, then every important date and client date written again."""
    with db.session() as s:
        s.execute(text("DELETE FROM agenda_dates"))
        s.execute(text("UPDATE important_dates SET label = label"))
        for column in ("founded_on", "relationship_since"):
            kept = s.execute(text(f"SELECT id, {column} FROM clients "
                                  f"WHERE {column} IS NOT NULL")).all()
            s.execute(text(f"UPDATE clients SET {column} = NULL"))
            for client_id, value in kept:
                s.execute(text(f"UPDATE clients SET {column} = :v WHERE id = :id"),
                          {"v": value, "id": client_id})
    return _agenda_dates(db)


def test_into_an_empty_database_agenda_dates_are_what_the_triggers_make(
        db: Database, engine: str, small: None, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _triggers(db, engine)
    seen: list[int] = []
    write = row_writer.insert_rows

    def counting(session: Any, table: Any, columns: Any, rows: Any) -> None:
        if table.name in card_inserts.TRIGGERED_TABLES and engine == "sqlite":
            seen.append(int(session.execute(text(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = :t"), {"t": table.name}).scalar_one()))
        write(session, table, columns, rows)

    monkeypatch.setattr(row_writer, "insert_rows", counting)
    with db.session(lock=True) as s:
        ids = card_inserts.insert_cards(s, _dated_cards(40), FIXED_NOW)
    assert len(ids) == 40
    if engine == "sqlite":  # 40 cards, 7 a round: clients and birthdays without triggers
        assert seen == [0] * 12
    assert _triggers(db, engine) == before  # the same triggers, made in the same order
    made = _agenda_dates(db)
    sources = {row[4] for row in made}
    assert sources == {"important_date", "founding", "relationship"} and len(made) == 20 + 14 + 8
    assert _agenda_by_triggers(db) == made


def test_a_database_with_a_client_keeps_its_triggers(
        db: Database, engine: str, small: None, monkeypatch: pytest.MonkeyPatch) -> None:
    ClientService(db).save(ClientCard(name="原有客户", founded_on=date(2001, 2, 3)))
    fill = fail_on_call(monkeypatch, card_inserts, "_fill_agenda_dates", 1,
                        AssertionError("filled"))
    with db.session(lock=True) as s:
        card_inserts.insert_cards(s, _dated_cards(40), FIXED_NOW)
    assert fill == []
    made = _agenda_dates(db)
    assert len(made) == 1 + 20 + 14 + 8 and _agenda_by_triggers(db) == made


def test_a_failure_after_the_triggers_were_dropped_puts_them_back(
        db: Database, engine: str, small: None, monkeypatch: pytest.MonkeyPatch) -> None:
    before, rows = _triggers(db, engine), dump(db)
    calls = fail_on_call(monkeypatch, search_index, "insert_entries", 3, RuntimeError("disk full"))
    with pytest.raises(RuntimeError), db.session(lock=True) as s:
        card_inserts.insert_cards(s, _dated_cards(30), FIXED_NOW)
    assert len(calls) == 3
    assert _triggers(db, engine) == before and dump(db) == rows


def test_another_insert_trigger_keeps_the_triggers_firing_row_by_row(
        db: Database, engine: str, small: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """An insert trigger the fill does not stand in for (one a later version
    adds): every trigger stays and fires for each row."""
    with db.session() as s:
        if engine == "sqlite":
            s.execute(text("CREATE TRIGGER tr_test_seen AFTER INSERT ON clients "
                           "BEGIN INSERT INTO tags (name) VALUES ('seen ' || NEW.id); END"))
        else:
            s.execute(text("CREATE FUNCTION test_seen() RETURNS trigger LANGUAGE plpgsql AS $$ "
                           "BEGIN INSERT INTO tags (name) VALUES ('seen ' || NEW.id); "
                           "RETURN NULL; END $$"))
            s.execute(text("CREATE TRIGGER tr_test_seen AFTER INSERT ON clients "
                           "FOR EACH ROW EXECUTE FUNCTION test_seen()"))
    before = _triggers(db, engine)
    fill = fail_on_call(monkeypatch, card_inserts, "_fill_agenda_dates", 1,
                        AssertionError("filled"))
    with db.session(lock=True) as s:
        ids = card_inserts.insert_cards(s, _dated_cards(40), FIXED_NOW)
    assert fill == [] and _triggers(db, engine) == before
    with db.read() as s:
        seen = {str(n) for n in s.scalars(text("SELECT name FROM tags WHERE name LIKE 'seen %'"))}
    assert seen == {f"seen {i}" for i in ids}
    made = _agenda_dates(db)
    assert len(made) == 20 + 14 + 8 and _agenda_by_triggers(db) == made
