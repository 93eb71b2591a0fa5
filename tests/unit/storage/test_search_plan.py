"""How SQLite reads a search's hits: by their ids, never by scanning the
clients. (The search condition once ended in ``= 1`` on SQLite, which kept
the planner from looking the hits up by id: every keystroke walked all the
live clients, 30 ms at 100,000.) Plans, not timings."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.dialects import sqlite

from desktop_crm.domain.client import ClientCard
from desktop_crm.storage import client_repo
from desktop_crm.storage.client_repo import ClientFilter, _filtered
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client

pytestmark = pytest.mark.sqlite_only("SQLite's query plans")


def _plan(db: Database, flt: ClientFilter) -> list[str]:
    stmt = _filtered(flt, Client.id, Client.name).order_by(
        Client.last_contact_at.desc().nulls_last(), Client.sort_key, Client.id)
    compiled = stmt.compile(dialect=sqlite.dialect())
    with db.read() as s:
        rows = s.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params.values())).all()
    return [str(row[-1]) for row in rows]


@pytest.mark.parametrize("typed", ["zhang", "张伟", "8000", "zw 8000"])
def test_the_hits_of_a_search_are_read_by_id(db: Database, typed: str) -> None:
    with db.session() as s:
        for name in ("张伟", "李娜", "赵文"):
            client_repo.save_card(s, ClientCard(name=name), datetime(2026, 1, 1))
    plan = _plan(db, ClientFilter(text=typed))
    assert "SEARCH clients USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    assert not [step for step in plan if step.startswith("SCAN clients")], plan
    assert not [step for step in plan if "ix_clients_deleted_at" in step], plan


def test_the_search_condition_is_no_comparison_with_one() -> None:
    sql = str(_filtered(ClientFilter(text="zhang")).compile(dialect=sqlite.dialect()))
    assert "= 1" not in sql, sql
