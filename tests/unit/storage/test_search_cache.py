"""A SQLite connection that served a search keystroke keeps a larger page
cache for the rest of its life (``dialect.search_cache``), so the next
keystroke finds the index pages still in memory; a connection of other reads
keeps SQLite's default; PostgreSQL is left alone; what a search finds is the
same either way."""

from __future__ import annotations

from sqlalchemy import Connection

from desktop_crm.domain.client import ClientCard
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.storage import dialect
from desktop_crm.storage.database import Database

_DEFAULT = -2000  # SQLite's own page cache: 2,000 KiB


def _cache_size(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or 0)


def test_the_connection_of_a_keystroke_keeps_a_larger_cache(db: Database) -> None:
    service = ClientService(db, user="me")
    ids = [service.save(ClientCard(name=name)) for name in ("王芳", "王刚", "李娜")]
    sqlite = db.engine.dialect.name == "sqlite"
    with db.engine.connect() as before:
        if sqlite:  # a connection that has served no search
            assert _cache_size(before) == _DEFAULT
    untouched = False
    served: set[int] = set()  # the connections that served a keystroke
    for _ in range(3):  # a later keystroke finds it set
        with service.reading():
            first, count = service.first_page(ClientFilter(text="王"), 64, 1001)
            assert sorted(first) == sorted(ids[:2]) and count == 2
            with db.read() as s:  # the keystroke's connection
                searched = s.connection()
                served.add(id(searched.connection.dbapi_connection))
                if sqlite:
                    assert _cache_size(searched) == -dialect.SEARCH_CACHE_KIB
                else:  # the server's own buffers: nothing set
                    assert searched.exec_driver_sql("SELECT 1").scalar() == 1
            # another connection, opened while that one is in use, is not
            # touched unless it served a keystroke before
            with db.engine.connect() as other:
                if id(other.connection.dbapi_connection) not in served:
                    assert not other.connection.info.get("search_cache")
                    if sqlite:
                        assert _cache_size(other) == _DEFAULT
                    untouched = True
    assert untouched
    # a scroll's next page and the list read whole set it too, and find the same
    with db.read() as s:
        assert service.ranked_page(ClientFilter(text="王"), 1, 5) == first[1:]
        assert service.list_ids(ClientFilter(text="王")) == first
