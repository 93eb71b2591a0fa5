"""The search index: bulk entries are the text of one save, and searches go
through the one module that knows the index table."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, text

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.search import index_text
from desktop_crm.storage import client_repo, import_repo, search_index
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client

NOW = datetime(2026, 12, 5, 9, 0)

# polyphonic surnames, a word pypinyin knows (重庆), latin names, mixed text,
# a repeated company (cached) and empty fields
ENTRIES = [
    ("曾国方", "重庆长安汽车", ["13800138000"], ["zeng@example.com", "wx_zeng", "VIP"]),
    ("单雪梅", "重庆长安汽车", ["+8613912345678", "02787654321"], ["", "", "老客户"]),
    ("Mary Smith", "Acme Ltd", ["4155550100"], ["mary@acme.test", "", "Gold"]),
    ("欧阳 Kevin", "", [], ["", "", ""]),
    ("乐乐", "解放路 7 号店", ["123"], ["", "", "重要", "VIP"]),
    ("", "", [], []),
]


def test_bulk_entries_are_what_index_text_gives() -> None:
    index = search_index.BulkIndex()
    for cid, (name, company, phones, extra) in enumerate(ENTRIES * 2, start=1):
        index.add(cid, name, company, phones, extra, organisation=False)
    bodies = [row["body"] for row in index._rows]
    assert bodies == [index_text(*entry) for entry in ENTRIES * 2]


def test_the_cached_parts_of_a_name_hold_one_text_a_part() -> None:
    """100,000 names: a dozen pinyin strings each took 45 MB of cache; the
    tokens of a part are one text, joined as the entry joins them."""
    index = search_index.BulkIndex()
    index.add(1, "曾国方", "重庆长安汽车", [], [], organisation=False)
    spaced, tokens, initials = index._parts("曾国方", True)
    assert spaced == "曾 国 方" and len(tokens) == 1 and initials == ()
    assert tokens[0].split() == [t for t in search_index.search.index_parts("曾国方", True)[1]
                                 if t]
    assert index._rows[0]["body"] == index_text("曾国方", "重庆长安汽车")


def _search(db: Database, typed: str) -> list[int]:
    with db.read() as s:
        found = search_index.matching(typed)
        stmt = select(Client.id).order_by(Client.id)
        return list(s.scalars(stmt if found is None else stmt.where(found)))


@pytest.mark.parametrize("bulk", [False, True])
def test_saved_and_imported_clients_are_found_and_purged_ones_are_not(
        db: Database, bulk: bool) -> None:
    cards = [ClientCard(name="曾国方", company="重庆长安汽车",
                        phones=[Phone("138 0013 8000")], tags=["VIP"]),
             ClientCard(name="Mary Smith", email="mary@acme.test")]
    with db.session() as s:
        if bulk:
            ids = import_repo.insert_cards(s, cards, NOW)
        else:
            ids = [client_repo.save_card(s, card, NOW) for card in cards]
    assert _search(db, "zgf") == [ids[0]]
    assert _search(db, "8000") == [ids[0]]
    assert _search(db, "长安") == [ids[0]]
    assert _search(db, "vip") == [ids[0]]
    assert _search(db, "ms") == [ids[1]]
    assert _search(db, "") == ids  # no search: every client
    assert _search(db, "!!") == []  # only punctuation: nothing can match
    with db.session() as s:
        client_repo.purge(s, ids[0])
    assert _search(db, "zgf") == []


def test_the_postgresql_index_holds_positions_for_chinese_only(pg_url: str) -> None:
    """Phrases are of Chinese characters alone, so only they keep positions;
    the hits join the clients through the covering index."""
    db = Database.open(pg_url)
    try:
        with db.session() as s:
            cid = client_repo.save_card(s, ClientCard(name="张伟", company="Acme"), NOW)
        with db.read() as s:
            body = s.execute(text("SELECT body::text FROM client_fts WHERE id = :id"),
                             {"id": cid}).scalar_one()
            indexes = set(s.scalars(text(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'clients'")))
        assert "'张':1" in body and "'伟':2" in body
        assert "'zhangwei'" in body and "'zhangwei':" not in body
        assert "ix_clients_search_join" in indexes
    finally:
        db.close()


def test_the_entries_checked_for_a_page_are_the_indexs(db: Database) -> None:
    """``found_among`` reads a page's entries (on SQLite from FTS5's own
    table of them, ``client_fts_content``): the text the full-text table
    gives for the same ids, and the same clients as the index finds among
    them (a purged client's entry gone from both)."""
    cards = [ClientCard(name="曾国方", company="重庆长安汽车", phones=[Phone("138 0013 8000")]),
             ClientCard(name="Mary Smith", email="mary@acme.test"),
             ClientCard(name="张长安", company="远航贸易")]
    with db.session() as s:
        ids = [client_repo.save_card(s, card, NOW) for card in cards]
        client_repo.purge(s, ids[2])
    with db.read() as s:
        if db.engine.dialect.name == "sqlite":
            listed = s.execute(text("SELECT id, c0 FROM client_fts_content ORDER BY id")).all()
            assert listed == s.execute(
                text("SELECT rowid, body FROM client_fts ORDER BY rowid")).all()
            assert [i for i, _body in listed] == ids[:2]
        for typed in ("zgf", "长安", "8000", "ms", "mary", "cq", "远航"):
            assert search_index.found_among(s, typed, ids) == set(_search(db, typed)), typed
    assert _search(db, "长安") == [ids[0]]
