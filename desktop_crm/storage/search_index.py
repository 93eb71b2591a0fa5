"""The full-text index of clients: the only module that writes or queries it.

On SQLite the index is the FTS5 table ``client_fts`` (created by the baseline
migration), one entry per client whose ``rowid`` is the client's id and whose
body is ``domain.search.index_text`` of the client's name, company, phone
digits, email, WeChat and tags. Saving, deleting, importing and the demo data
all go through here; another database engine brings its own index by
replacing this module's functions (its query side is ``matching``).

Functions take a Session and never commit: the calling service owns the unit
of work.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, false, select, text
from sqlalchemy.orm import Session

from desktop_crm.domain import search
from desktop_crm.storage.models import FTS_TABLE, Client

_INSERT = text(f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (:id, :body)")
_DELETE = text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id")
_MATCH = select(text("rowid")).select_from(text(FTS_TABLE)).where(text(f"{FTS_TABLE} MATCH :q"))


def matching(typed: str) -> ColumnElement[bool] | None:
    """The condition on clients for what the user typed in the search box:
    None when there is nothing to search for, always false when only
    punctuation was typed (nothing can match)."""
    query = search.fts_query(typed) if typed else None
    if typed.strip() and query is None:
        return false()
    if not query:
        return None
    return Client.id.in_(_MATCH.params(q=query))


def _entry(client: Client) -> str:
    return search.index_text(
        client.name, client.company, [p.digits for p in client.phones],
        [client.email, client.wechat, *(t.name for t in client.tags)],
    )


def reindex(session: Session, client_id: int) -> None:
    """Rebuild the entry of one client from its stored fields (removed when the
    client no longer exists)."""
    client = session.get(Client, client_id)
    session.execute(_DELETE, {"id": client_id})
    if client is not None:
        session.execute(_INSERT, {"id": client_id, "body": _entry(client)})


def remove(session: Session, client_id: int) -> None:
    session.execute(_DELETE, {"id": client_id})


class BulkIndex:
    """Entries for many new clients, written with one executemany.

    The pinyin of names and companies is the slow part of an entry (about
    100 us a name) and they repeat (companies in a sheet, names in the demo),
    so their parts are cached for the life of this object; the text is the
    same ``domain.search.index_text`` builds.
    """

    def __init__(self) -> None:
        self._parts = lru_cache(maxsize=262_144)(search.index_parts)
        self._spaced = lru_cache(maxsize=65_536)(search.spaced_cjk)
        self._rows: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, client_id: int, name: str, company: str, phones: Iterable[str],
            extra: Iterable[str]) -> None:
        """Queue the entry of a new client: ``phones`` are digit strings,
        ``extra`` the email, WeChat and tag names, in ``index_text``'s order."""
        body = search.join_index_text(self._parts(name, True), self._parts(company, False),
                                       phones, [self._spaced(x) for x in extra if x])
        self._rows.append({"id": client_id, "body": body})

    def write(self, session: Session) -> None:
        """Insert the queued entries and start a new queue."""
        if self._rows:
            session.connection().execute(_INSERT, self._rows)
            self._rows = []
