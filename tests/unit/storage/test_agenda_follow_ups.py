"""The agenda's stored open follow-ups (migration 20261216_26:
``agenda_follow_ups``, one row per interaction with a follow-up day not done,
with its next step or else its summary and its client's name, owner and
state), on both engines: after every way interactions and cards are written
(logging, editing and deleting an interaction, marking a follow-up done and
its undo, bulk done, postpone and their undo, a rename, a new owner, trash,
restore and purge, the demo, a copy to another database, plain SQL) the
table equals what the interactions and cards say, computed here in Python,
and the agenda shows their new state; the migration fills it from the rows
of a database of revision 25 and its downgrade removes it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from desktop_crm.domain.care import Source
from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.enums import AgendaKind, Channel
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.agenda_bulk import AgendaBulkService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.demo import generate
from desktop_crm.storage.database import HEAD_REVISION, Database
from tests.conftest import Clock, NewDatabases, database_at, downgrade

NOW = datetime(2026, 9, 20, 9)
Rows = list[tuple[Any, ...]]


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def expected(db: Database) -> Rows:
    """The open follow-ups as the interactions and cards say, computed in
    Python: (day, interaction, client, step, client's name, owner, live), sorted."""
    with db.engine.connect() as conn:
        cards = {cid: (name, owner, deleted is None) for cid, name, owner, deleted in
                 conn.execute(text("SELECT id, name, owner, deleted_at FROM clients"))}
        return sorted(
            (_day(due), ref, cid, step or summary, *cards[cid])
            for ref, cid, due, done, step, summary in conn.execute(text(
                "SELECT id, client_id, follow_up_on, follow_up_done, next_step, summary "
                "FROM interactions"))
            if due is not None and not done)


def stored(db: Database) -> Rows:
    with db.engine.connect() as conn:
        return sorted((_day(due), ref, cid, step, name, owner, bool(live))
                      for due, ref, cid, step, name, owner, live in conn.execute(text(
                          "SELECT follow_up_on, ref_id, client_id, step, client_name, owner, "
                          "live FROM agenda_follow_ups")))


def assert_kept(db: Database) -> Rows:
    now = stored(db)
    assert now == expected(db)
    return now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


def _follow_ups(agenda: AgendaService, mine: bool = False) -> list[tuple[date, int, str]]:
    return [(i.day, i.ref, i.title) for i in agenda.agenda(7, mine=mine)
            if i.source == Source.INTERACTION]


def test_interaction_and_card_writes_keep_the_stored_follow_ups(
        db: Database, clock: Clock) -> None:
    clients = ClientService(db, clock, user="王磊")
    agenda = AgendaService(db, clock, user="王磊")
    wang = clients.save(ClientCard(name="王芳", owner="王磊"))
    li = clients.save(ClientCard(name="李娜", owner="李娜"))
    call = clients.log_interaction(Interaction(wang, datetime(2026, 9, 10, 10), Channel.CALL,
                                               "报价", next_step="回电", follow_up_on=date(
                                                   2026, 9, 22)))
    visit = clients.log_interaction(Interaction(li, datetime(2026, 9, 11, 10), Channel.VISIT,
                                                "拜访", follow_up_on=date(2026, 9, 18)))
    clients.log_interaction(Interaction(li, datetime(2026, 9, 12, 10), Channel.CALL, "闲聊"))
    assert len(assert_kept(db)) == 2
    assert _follow_ups(agenda) == [(date(2026, 9, 18), visit, "李娜: follow up - 拜访"),
                                   (date(2026, 9, 22), call, "王芳: follow up - 回电")]

    # the interaction edited: its day, next step and summary; a step cleared
    item = clients.interaction(call)
    clients.edit_interaction(replace(item, follow_up_on=date(2026, 9, 21), next_step="寄样品"))
    assert_kept(db)
    clients.edit_interaction(replace(clients.interaction(call), next_step="",
                                     summary="报价单"))
    assert_kept(db)
    assert _follow_ups(agenda)[1] == (date(2026, 9, 21), call, "王芳: follow up - 报价单")
    clients.edit_interaction(replace(clients.interaction(visit), summary="上门拜访"))
    assert_kept(db)
    assert _follow_ups(agenda)[0] == (date(2026, 9, 18), visit, "李娜: follow up - 上门拜访")
    clients.edit_interaction(replace(clients.interaction(visit), follow_up_on=None))
    assert [r[1] for r in assert_kept(db)] == [call]
    clients.edit_interaction(replace(clients.interaction(visit),
                                     follow_up_on=date(2026, 9, 19)))
    assert [r[1] for r in assert_kept(db)] == [visit, call]

    # done and its undo, one by one and in bulk, and postponed
    [first] = [i for i in agenda.agenda(7) if i.ref == visit]
    receipt = agenda.mark_done(first, "已回访")
    assert [r[1] for r in assert_kept(db)] == [call]
    assert [ref for _d, ref, _t in _follow_ups(agenda)] == [call]
    agenda.undo_done(receipt)
    assert [r[1] for r in assert_kept(db)] == [visit, call]
    bulk = AgendaBulkService(agenda)
    items = [i for i in agenda.agenda(7) if i.source == Source.INTERACTION]
    moved = bulk.postpone(items, date(2026, 9, 25))
    assert {r[0] for r in assert_kept(db)} == {date(2026, 9, 25)}
    bulk.undo(moved)
    assert_kept(db)
    done = bulk.mark_done([i for i in agenda.agenda(7) if i.source == Source.INTERACTION])
    assert assert_kept(db) == []
    bulk.undo(done)
    assert len(assert_kept(db)) == 2

    # the card renamed and given to another owner: its rows, and "Mine"
    clients.save(replace(clients.get(wang), name="王芳芳", owner="李娜"))
    assert_kept(db)
    assert _follow_ups(agenda)[1][2] == "王芳芳: follow up - 报价单"
    assert _follow_ups(agenda, mine=True) == []
    # trash, restore, purge
    clients.delete(li)
    assert_kept(db)
    assert [ref for _d, ref, _t in _follow_ups(agenda)] == [call]
    clients.restore(li)
    assert_kept(db)
    assert [ref for _d, ref, _t in _follow_ups(agenda)] == [visit, call]
    clients.delete(li)
    clients.purge(li)
    assert [r[1] for r in assert_kept(db)] == [call]
    # deleted, and written by plain SQL: moved to another client, done, undone
    other = clients.save(ClientCard(name="周远"))
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE interactions SET client_id = :c WHERE id = :i"),
                     {"c": other, "i": call})
    assert [r[4] for r in assert_kept(db)] == ["周远"]
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE interactions SET follow_up_done = true"))
    assert assert_kept(db) == []
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE interactions SET follow_up_done = false, "
                          "channel = 'email'"))
    assert len(assert_kept(db)) == 1
    clients.delete_interaction(call)
    assert assert_kept(db) == []


def test_the_demo_and_a_copy_to_another_database_keep_the_stored_follow_ups(
        db: Database, db_target: str, new_db: NewDatabases) -> None:
    from desktop_crm.services.copying import copy_book

    generate(db, 40, seed=3, now=NOW)
    before = assert_kept(db)
    assert before
    copy_book(db_target, new_db.target("copy"))
    assert assert_kept(new_db.open("copy")) == before


@pytest.fixture
def revision_25(engine: str, tmp_path: Path, request: pytest.FixtureRequest
                ) -> Iterator[str]:
    """A database built at revision 20261215_25 (before the stored follow-ups)."""
    yield from database_at("20261215_25", engine, tmp_path, request)


def _contact_index(engine: Any) -> list[str]:
    """The columns ix_clients_contact holds after its key's expression (keys
    and, on PostgreSQL, INCLUDE)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            definition = conn.execute(text(
                "SELECT pg_get_indexdef('ix_clients_contact'::regclass)")).scalar_one()
            return [c.strip() for c in definition.split("INCLUDE (")[1].split(")")[0].split(",")]
        return [row[2] for row in conn.execute(text("PRAGMA index_xinfo(ix_clients_contact)"))
                if row[5]][2:]


def test_the_migration_fills_the_stored_follow_ups_and_its_downgrade_removes_them(
        revision_25: str, clock: Clock) -> None:
    engine = create_engine(revision_25)
    with engine.begin() as conn:
        for cid, name, deleted in ((1, "曾国方", None), (2, "李娜", NOW), (3, "王芳", None)):
            conn.execute(text(
                "INSERT INTO clients (id, uuid, kind, name, sort_key, gender, title, company, "
                "primary_phone, email, wechat, website, address, home_address, industry, "
                "source, owner, notes, legal_representative, scale, assets, org_form, "
                "profile_filled_by, created_at, updated_at, version, deleted_at) "
                "VALUES (:id, :uuid, 'person', :name, '', 'unknown', '', '', '', '', '', '', "
                "'', '', '', '', '王磊', '', '', '', '', '', '', :now, :now, 1, :deleted)"),
                {"id": cid, "uuid": f"00000000-0000-4000-8000-{cid:012d}", "name": name,
                 "now": NOW, "deleted": deleted})
        for n, (cid, due, done, step) in enumerate((
                (1, date(2026, 9, 21), False, "回电"), (2, date(2026, 9, 22), False, ""),
                (3, date(2026, 9, 23), True, "寄样品"), (3, None, False, "")), start=1):
            conn.execute(text(
                "INSERT INTO interactions (id, uuid, client_id, occurred_at, channel, summary, "
                "next_step, follow_up_on, follow_up_done, created_at, mass) VALUES (:id, :uuid, "
                ":cid, :now, 'call', :summary, :step, :due, :done, :now, false)"),
                {"id": n, "uuid": f"10000000-0000-4000-8000-{n:012d}", "cid": cid,
                 "now": NOW, "summary": f"第{n}次", "step": step, "due": due, "done": done})
    engine.dispose()
    db = Database.open(revision_25.removeprefix("sqlite:///"))
    try:
        assert db.current_revision() == HEAD_REVISION
        assert assert_kept(db) == [(date(2026, 9, 21), 1, 1, "回电", "曾国方", "王磊", True),
                                   (date(2026, 9, 22), 2, 2, "第2次", "李娜", "王磊", False)]
        # the triggers keep it from now on
        clients = ClientService(db, clock, user="t")
        clients.restore(2)
        clients.edit_interaction(replace(clients.interaction(4), follow_up_on=date(2026, 9, 24)))
        assert len(assert_kept(db)) == 3
        assert {i.ref for i in AgendaService(db, clock).agenda(7)
                if i.kind == AgendaKind.FOLLOW_UP} == {1, 2, 4}
    finally:
        db.close()

    engine = create_engine(revision_25)
    try:
        # the not-contacted clients' index holds their names and owners (on
        # PostgreSQL from migration 28 on, when the "no order" warnings stopped
        # reading cards: its planner had hash-joined every live client through
        # it to name them; test_client_sales.py checks 28's downgrade)
        assert {"name", "owner"} <= set(_contact_index(engine))
        downgrade(engine, "20261215_25")
        assert "agenda_follow_ups" not in inspect(engine).get_table_names()
        assert "name" not in _contact_index(engine)
        with engine.begin() as conn:  # no trigger names the table any more
            conn.execute(text("UPDATE interactions SET follow_up_done = true, next_step = 'x'"))
            conn.execute(text("UPDATE clients SET name = 'x', deleted_at = NULL"))
            conn.execute(text("DELETE FROM interactions"))
            conn.execute(text("DELETE FROM clients"))
    finally:
        engine.dispose()
