"""The one revision chain also upgrades a PostgreSQL database: built at each
earlier revision, filled with rows in every table, then opened with
``Database.open``; every row stays, and the schema ends equal to the models
(the same check test_migrations.py makes on SQLite files)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Boolean, MetaData, create_engine, insert, select, text

from desktop_crm.domain import search
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import HEAD_REVISION, Database
from desktop_crm.storage.models import (
    FTS_TABLE,
)
from tests.conftest import build_at
from tests.pg_server import PgCluster
from tests.unit.storage.test_migrations import (
    ROWS,
    UUID_TABLES,
    _earlier_revisions,
    schema_differences,
)

SKIP = {"alembic_version"}


def _fill(url: str, revision: str) -> dict[str, list[tuple[Any, ...]]]:
    """Insert ROWS into every table the database has at ``revision``; returns
    every row of every table (ordered), as PostgreSQL gives them back."""
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    tables = set(meta.tables) - SKIP
    missing = sorted(tables - set(ROWS))
    assert not missing, f"revision {revision} has tables {missing} without rows in ROWS"
    with engine.begin() as conn:
        for name in ROWS:
            if name not in tables:
                continue
            table = meta.tables[name]
            rows = []
            for row in ROWS[name]:
                if name == FTS_TABLE:  # the PostgreSQL index: id and tsvector
                    rows.append({"id": row["rowid"], "body": search.tsvector(row["body"])})
                    continue
                rows.append({c.name: (bool(row[c.name]) if isinstance(c.type, Boolean)
                                      and row[c.name] is not None else row[c.name])
                             for c in table.columns})
            if not rows:  # filled by triggers (client_sales): an empty list would insert defaults
                continue
            if name == FTS_TABLE:
                conn.execute(text(f"INSERT INTO {FTS_TABLE} (id, body) "
                                  "VALUES (:id, CAST(:body AS tsvector))"), rows)
            elif rows:  # (tables the triggers fill have none here)
                conn.execute(insert(table), rows)
                if "id" in table.c and table.c.id.autoincrement:
                    # rows written with their ids, as an old release would have:
                    # the id sequence moves past them, as it would have there
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                      f"(SELECT max(id) FROM {name}))"))
    dump = _dump(url, {n: [c.name for c in meta.tables[n].columns] for n in tables})
    engine.dispose()
    return dump


def _dump(url: str, layout: dict[str, list[str]]) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name, columns in layout.items():
            table = meta.tables[name]
            lost = [c for c in columns if c not in table.c]
            assert not lost, f"the upgrade dropped column(s) {lost} of {name}"
            cols = [table.c[c] for c in columns]
            out[name] = [tuple(r) for r in conn.execute(select(*cols).order_by(*cols))]
    engine.dispose()
    return out


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:Did not recognize type 'tsvector'")
@pytest.mark.parametrize("revision", _earlier_revisions())
def test_a_server_database_of_an_earlier_revision_upgrades_with_every_row_intact(
        pg_cluster: PgCluster, revision: str) -> None:
    url = pg_cluster.empty_database()
    try:
        build_at(url, revision)
        before = _fill(url, revision)
        db = Database.open(url)
        try:
            assert db.current_revision() == HEAD_REVISION
            assert schema_differences(db) == []
            service = ClientService(db, user="tester")
            assert service.get(1).name == "曾国方"
            for query in ("zgf", "曾", "曾国", "13800138000"):
                assert [r.id for r in service.search(query)] == [1], query
            new_id = service.save(service.get(1).__class__(name="欧阳娜娜"))
            assert [r.id for r in service.search("oynn")] == [new_id]
        finally:
            db.close()
        after = _dump(url, {n: _columns_of(before, n, url) for n in before})
        engine = create_engine(url)
        with engine.connect() as conn:
            organisations = set(conn.execute(text(
                "SELECT id FROM clients WHERE kind = 'organisation'")).scalars())
        engine.dispose()
        for name, rows in before.items():
            if name == "app_settings":  # the migration to identities adds the database's UUID
                after[name] = [r for r in after[name] if r[0] != "database_uuid"]
                rows = [r for r in rows if r[0] != "database_uuid"]
            if name in ("clients", "client_rank_keys"):  # the new client saved above
                after[name] = [r for r in after[name] if r[0] != new_id]
            # revision 22: an organisation's name's own roles
            if name == "client_rank_keys" and revision < "20261213_22":
                rows = sorted((cid, role + 8 if cid in organisations and role in (0, 1, 2)
                               else role, *rest) for cid, role, *rest in rows
                              if cid in organisations or role not in (5, 6, 7))
            if name in ("change_log", FTS_TABLE):
                continue  # the save above added to them
            assert after[name] == rows, f"{name} changed in the upgrade from {revision}"
        engine = create_engine(url)
        with engine.connect() as conn:
            for name in UUID_TABLES:
                uuids = conn.execute(text(f"SELECT uuid FROM {name}")).scalars().all()
                assert all(len(u) == 36 for u in uuids) and len(set(uuids)) == len(uuids)
        engine.dispose()
    finally:
        pg_cluster.drop(url)


def _columns_of(before: dict[str, list[tuple[Any, ...]]], name: str, url: str) -> list[str]:
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine, only=[name])
    engine.dispose()
    width = len(before[name][0]) if before[name] else None
    columns = [c.name for c in meta.tables[name].columns]
    return columns[:width] if width else columns


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:Did not recognize type 'tsvector'")
def test_the_upgrade_gives_the_planner_statistics_of_open_follow_ups(pg_cluster: PgCluster
                                                                      ) -> None:
    """Revision 23: a server database of revision 22 gets extended statistics
    on interactions' (follow_up_done, follow_up_on), filled at once, so the
    planner counts open follow-ups due by a day right (Today reads them
    through their partial index instead of joining every card), and
    ix_clients_contact holds the columns its expression reads."""
    url = pg_cluster.empty_database()
    build_at(url, "20261213_22")
    _fill(url, "20261213_22")
    db = Database.open(url)
    db.close()
    engine = create_engine(url)
    with engine.connect() as conn:
        kinds = conn.execute(text(
            "SELECT stxkind FROM pg_statistic_ext WHERE stxname = 'st_interactions_follow_up' "
            "AND stxrelid = 'interactions'::regclass")).scalar_one()
        filled = conn.execute(text(
            "SELECT count(*) FROM pg_stats_ext WHERE statistics_name = "
            "'st_interactions_follow_up' AND most_common_vals IS NOT NULL")).scalar_one()
        definition = conn.execute(text(
            "SELECT pg_get_indexdef('ix_clients_contact'::regclass)")).scalar_one()
    engine.dispose()
    assert list(kinds) == ["m"]
    assert filled == 1
    # the not-contacted counts read ix_clients_contact alone: it holds both
    # columns its key's expression reads (revision 26 adds more after them)
    assert "INCLUDE (last_contact_at, created_at" in definition
