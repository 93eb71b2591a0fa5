"""Migration 20261218_29 gives SQLite's full-text index prefix indexes of
three and four characters (it had one and two), so that counting the hits of
a three- or four-letter search reads one list; its downgrade takes them out
again. The entries stay and find the same clients either way."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from desktop_crm.domain.search import fts_query, index_text
from desktop_crm.storage.database import HEAD_REVISION, Database
from tests.conftest import build_at, downgrade

BEFORE = "20261217_28"
ENTRIES = {
    1: index_text("陈晨", "成都车城", ["13800138000"], ["chen@example.com", "che_wx", "VIP"]),
    2: index_text("单珊", "山西煤业", ["02164881234"], ["shan@example.com"]),
    3: index_text("车建国", "", ["13912345678"], []),
    4: index_text("Sharon Chan", "Chevron", ["13012345678"], ["sc@chevron.com"]),
    5: index_text("黄河", "黄山旅游", ["13700000000"], ["huanghe"]),
}
QUERIES = ("c", "ch", "che", "chen", "chevr", "sha", "shan", "sh", "huan", "huang", "138",
           "1380", "hh", "陈", "黄山", "4881", "exa", "examp")


def _prefixes(path: Path) -> str | None:
    """The prefix lengths in the SQL ``client_fts`` was made with (None: none)."""
    with sqlite3.connect(path) as conn:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'client_fts'").fetchone()
    conn.close()
    found = re.search(r"prefix\s*=\s*'([^']*)'", sql[0])
    return found.group(1) if found else None


def _hits(path: Path) -> dict[str, list[int]]:
    """Each query's hits, and FTS5's own check that the index agrees with its text."""
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO client_fts(client_fts) VALUES ('integrity-check')")
        found = {q: [r[0] for r in conn.execute(
            "SELECT rowid FROM client_fts WHERE client_fts MATCH ? ORDER BY rowid",
            (fts_query(q),))] for q in QUERIES}
    conn.close()
    return found


@pytest.mark.sqlite_only("the prefix indexes are FTS5's")
def test_the_upgrade_adds_prefix_indexes_of_three_and_four_and_the_downgrade_takes_them_out(
        tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    build_at(path, BEFORE)
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO client_fts(rowid, body) VALUES (?, ?)", ENTRIES.items())
    conn.close()
    assert _prefixes(path) == "1 2"
    before = _hits(path)
    # the queries find something, and not everything: a lost entry would show
    assert before["che"] == [1, 3, 4] and before["shan"] == [2, 5] and before["huang"] == [5]

    Database.open(path).close()
    assert _prefixes(path) == "1 2 3 4"
    assert _hits(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT rowid, body FROM client_fts ORDER BY rowid").fetchall() \
            == sorted(ENTRIES.items())
    conn.close()

    engine = create_engine(f"sqlite:///{path}")
    try:
        downgrade(engine, BEFORE)
    finally:
        engine.dispose()
    assert _prefixes(path) == "1 2"
    assert _hits(path) == before


@pytest.mark.sqlite_only("the prefix indexes are FTS5's")
def test_a_new_database_has_the_prefix_indexes(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "new.db", create=True)
    try:
        assert db.current_revision() == HEAD_REVISION
    finally:
        db.close()
    assert _prefixes(tmp_path / "new.db") == "1 2 3 4"
