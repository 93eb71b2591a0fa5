"""storage/row_writer.py: rows written as plain tuples (SQLite's executemany,
PostgreSQL's COPY) are stored exactly as a Core insert stores them, take the
columns' defaults, and go with the transaction when it rolls back; on both
engines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

import pytest
from sqlalchemy import Table, delete, insert, select, text

from desktop_crm.storage import row_writer
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client, ImportantDateRow

CLIENTS = cast(Table, Client.__table__)
DATES = cast(Table, ImportantDateRow.__table__)
WHEN = datetime(2026, 11, 24, 9, 0, 0)


def _client(cid: int, name: str) -> dict[str, Any]:
    return {"id": cid, "name": name, "sort_key": name, "created_at": WHEN,
            "updated_at": datetime(2026, 11, 24, 9, 30, 15, 250), "uuid": f"u-{cid}",
            "founded_on": date(1999, 2, 3), "notes": "a 'quoted'\ttab\nline, 引号\\",
            "company": ""}


def _stored(db: Database, ids: list[int]) -> list[tuple[Any, ...]]:
    with db.read() as s:
        # the raw stored text on SQLite: what other readers and indexes see
        cols = "id, name, created_at, updated_at, founded_on, notes, version, kind, gender"
        return [tuple(r) for r in s.execute(text(
            f"SELECT {cols} FROM clients WHERE id IN ({', '.join(map(str, ids))}) ORDER BY id"))]


def test_rows_are_stored_as_a_core_insert_stores_them(db: Database) -> None:
    with db.session() as s:
        s.execute(insert(CLIENTS), [_client(1, "张伟")])
    with db.session() as s:
        row_writer.insert_dicts(s, CLIENTS, [_client(2, "张伟")])
    core, plain = _stored(db, [1, 2])
    assert plain[1:] == core[1:]
    assert plain[-3:] == (1, "person", "unknown")  # the columns' defaults


def test_booleans_and_nulls(db: Database) -> None:
    with db.session() as s:
        s.execute(insert(CLIENTS), [_client(1, "李娜")])
        row = {"client_id": 1, "kind": "birthday", "label": "", "calendar": "lunar",
               "month": 2, "day": 30, "year": None, "leap": True, "remind_days": None}
        s.execute(insert(DATES), [{**row, "uuid": "d-1"}])
        row_writer.insert_dicts(s, DATES, [{**row, "uuid": "d-2"}])
    with db.read() as s:
        got = [tuple(r) for r in s.execute(text(
            "SELECT leap, year, remind_days, calendar FROM important_dates ORDER BY uuid"))]
    assert got[0] == got[1]


def test_a_column_with_a_computed_default_must_be_given(db: Database) -> None:
    row = _client(3, "王芳")
    del row["uuid"]
    with db.session() as s, pytest.raises(ValueError, match="uuid"):
        row_writer.insert_dicts(s, CLIENTS, [row])


def test_rows_go_when_the_transaction_rolls_back(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        row_writer.insert_dicts(s, CLIENTS, [_client(i, f"客户{i}") for i in range(1, 50)])
        assert s.scalar(select(Client.id).where(Client.id == 49)) == 49  # seen inside
        raise RuntimeError("disk full")
    with db.read() as s:
        assert s.scalar(select(Client.id)) is None
    with db.session() as s:  # and the ids are free again
        row_writer.insert_dicts(s, CLIENTS, [_client(1, "客户1")])
        s.execute(delete(CLIENTS).where(CLIENTS.c.id == 1))


def _date(client_id: int, uuid: str, month: int) -> dict[str, Any]:
    return {"client_id": client_id, "kind": "custom", "label": uuid, "calendar": "solar",
            "month": month, "day": 1, "year": None, "leap": False, "remind_days": None,
            "uuid": uuid}


def test_a_table_with_triggers_gets_its_rows_in_order_and_its_triggers_run(db: Database) -> None:
    # SQLite writes ``important_dates`` (it has triggers) through a staging table
    with db.session() as s:
        row_writer.insert_dicts(s, CLIENTS, [_client(1, "李娜"), _client(2, "王芳")])
        row_writer.insert_dicts(s, DATES, [_date(2, "d-b", 5), _date(1, "d-a", 3),
                                           _date(2, "d-c", 4)])
    with db.read() as s:
        ids = [tuple(r) for r in s.execute(text(
            "SELECT uuid, client_id FROM important_dates ORDER BY id"))]
        agenda = [tuple(r) for r in s.execute(text(
            "SELECT month, client_name, label FROM agenda_dates "
            "WHERE source = 'important_date' ORDER BY month"))]
    assert ids == [("d-b", 2), ("d-a", 1), ("d-c", 2)]  # ids in the rows' order
    assert agenda == [(3, "李娜", "d-a"), (4, "王芳", "d-c"), (5, "王芳", "d-b")]


def test_a_failed_write_leaves_the_next_one_working(db: Database) -> None:
    with db.session() as s:
        row_writer.insert_dicts(s, CLIENTS, [_client(1, "李娜")])
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), db.session() as s:
        row_writer.insert_dicts(s, CLIENTS, [_client(2, "王芳"), _client(1, "李娜")])
    with db.session() as s:  # the same pooled connection: no staging table left in the way
        row_writer.insert_dicts(s, CLIENTS, [_client(2, "王芳"), _client(3, "张伟")])
        row_writer.insert_dicts(s, CLIENTS, [_client(4, "赵磊")])
    assert [r[1] for r in _stored(db, [1, 2, 3, 4])] == ["李娜", "王芳", "张伟", "赵磊"]


def test_equal_timestamps_of_many_rows_are_stored_alike(db: Database) -> None:
    # each distinct value is converted once: the stored text is still each row's own
    later = datetime(2026, 11, 24, 9, 0, 0, 1)
    rows = [{**_client(i, f"客户{i}"), "updated_at": WHEN if i % 2 else later}
            for i in range(1, 7)]
    with db.session() as s:
        row_writer.insert_dicts(s, CLIENTS, rows)
        s.execute(insert(CLIENTS), [{**_client(7, "客户7"), "updated_at": later}])
    stored = _stored(db, list(range(1, 8)))
    assert [r[3] for r in stored[:6]] == [stored[0][3], stored[6][3]] * 3
    assert stored[0][3] != stored[6][3]
