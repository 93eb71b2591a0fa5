"""The full-text index of clients: the only module that writes or queries it.

One entry per client, keyed by the client's id, built from
``domain.search.index_text`` of the client's name, company, phone digits,
email, WeChat and tags. Saving, deleting, importing and the demo data all go
through here. The index differs by engine (the baseline migration creates it):

- SQLite: the FTS5 table ``client_fts`` (``rowid`` = client id, ``body`` the
  text, tokenizer ``unicode61 remove_diacritics 2``), queried with MATCH.
- PostgreSQL: the table ``client_fts`` (``id``, ``body tsvector``, GIN index)
  holding the very tokens FTS5 makes of the same text, the Chinese
  characters with their positions (``domain.search.tsvector``), queried with
  prefix and phrase tsqueries (``domain.search.tsquery``): the same hits as
  SQLite, which a test checks on both engines with one list of queries. The
  hits join the live clients through a covering index (``id`` with
  ``sort_key`` and ``owner``, baseline migration), so sorting thousands of
  hits by name reads no client rows.

Functions take a Session and never commit: the calling service owns the unit
of work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    String,
    Subquery,
    Table,
    Text,
    and_,
    bindparam,
    case,
    delete,
    false,
    func,
    insert,
    literal_column,
    select,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.expression import ColumnElement as _Column
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean

from desktop_crm.domain import search, search_rank
from desktop_crm.domain.contact import index_text_of
from desktop_crm.domain.enums import ClientKind
from desktop_crm.storage import row_writer
from desktop_crm.storage.client_rows import (  # their old home
    json_ids as json_ids,
)
from desktop_crm.storage.client_rows import (
    json_list as json_list,
)
from desktop_crm.storage.contact_rows import to_person
from desktop_crm.storage.dialect import read_rows
from desktop_crm.storage.models import (
    FTS_TABLE,
    Client,
    ClientTag,
    ContactPersonRow,
    Tag,
    client_rank_keys,
)

_SQLITE_INSERT = text(f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (:id, :body)")
_SQLITE_DELETE = text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id")
_PG_INSERT = text(f"INSERT INTO {FTS_TABLE}(id, body) VALUES (:id, CAST(:body AS tsvector))")
_PG_DELETE = text(f"DELETE FROM {FTS_TABLE} WHERE id = :id")


class _Matches(_Column[bool]):
    """``clients.id`` is in the index's hits for what was typed; compiled per
    engine (below), so a query built once runs on either. The query text of
    each engine is a bound parameter of the element (in its cache key by
    position, not value): SQLAlchemy compiles a search's statement once and
    reuses it for every typed text."""

    inherit_cache = True
    type = Boolean()
    # a condition, as ``x IN (...)`` is: SQLite gets no ``= 1`` after it, which
    # would keep it from reading the hits by id (it scanned every client)
    _is_implicitly_boolean = True
    _traverse_internals = [("fts", InternalTraversal.dp_clauseelement),  # noqa: RUF012
                           ("ts", InternalTraversal.dp_clauseelement)]

    def __init__(self, typed: str) -> None:
        self.typed = typed
        self.fts: BindParameter[str] = bindparam("fts_q", search.fts_query(typed))
        self.ts: BindParameter[str] = bindparam("ts_q", search.tsquery(typed))


@compiles(_Matches, "sqlite")
def _sqlite_matches(element: _Matches, compiler: SQLCompiler, **kw: Any) -> str:
    query = compiler.process(element.fts, **kw)
    client_id = compiler.process(Client.__table__.c.id, **kw)
    return f"{client_id} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {query})"


@compiles(_Matches, "postgresql")
def _pg_matches(element: _Matches, compiler: SQLCompiler, **kw: Any) -> str:
    query = compiler.process(element.ts, **kw)
    client_id = compiler.process(Client.__table__.c.id, **kw)
    return (f"{client_id} IN (SELECT id FROM {FTS_TABLE} "
            f"WHERE body @@ CAST({query} AS tsquery))")


# (kept for the last texts typed: a keystroke asks for its condition and
# parameters four or five times, about 20 us each; the elements are immutable)
@lru_cache(maxsize=64)
def matching(typed: str) -> ColumnElement[bool] | None:
    """The condition on clients for what the user typed in the search box:
    None when there is nothing to search for, always false when only
    punctuation was typed (nothing can match)."""
    terms = search.query_terms(typed) if typed else []
    if typed.strip() and not terms:
        return false()
    if not terms:
        return None
    return _Matches(typed)


def has_terms(typed: str) -> bool:
    """Whether ``typed`` has terms to look up in the index (``matching`` is
    neither None nor always false)."""
    return isinstance(matching(typed), _Matches)


def matching_params(typed: str) -> dict[str, Any]:
    """The parameters ``matching(typed)`` binds (``fts_q``, ``ts_q``), to run
    a statement built for another typed text with this one's (empty when
    there is nothing to match)."""
    found = matching(typed)
    return {"fts_q": found.fts.value, "ts_q": found.ts.value} if isinstance(found, _Matches) \
        else {}


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _write(session: Session, rows: list[dict[str, Any]]) -> None:
    conn = session.connection()
    if _postgres(session):
        conn.execute(_PG_INSERT, [{"id": r["id"], "body": search.tsvector(r["body"])}
                                  for r in rows])
    else:
        conn.execute(_SQLITE_INSERT, rows)


def _delete(session: Session, client_id: int) -> None:
    session.execute(_PG_DELETE if _postgres(session) else _SQLITE_DELETE, {"id": client_id})
    session.execute(delete(client_rank_keys).where(client_rank_keys.c.client_id == client_id))


def _write_keys(session: Session, keys: Mapping[int, Iterable[tuple[str, int]]]) -> None:
    """Replace the rank keys of each client of ``keys`` (client id -> (key, role) pairs)."""
    conn = session.connection()
    ids = list(keys)
    for start in range(0, len(ids), 10_000):
        conn.execute(delete(client_rank_keys).where(
            client_rank_keys.c.client_id.in_(ids[start:start + 10_000])))
    rows = [{"client_id": cid, "key": key, "role": role}
            for cid, pairs in keys.items() for key, role in pairs]
    if rows:
        conn.execute(insert(client_rank_keys), rows)


def _entry(client: Client) -> str:
    return search.index_text(
        client.name, client.company, [p.digits for p in client.phones],
        [client.email, client.wechat, *(t.name for t in client.tags)],
    )


def _people(session: Session, client_id: int) -> str:
    """The index text of an organisation's contact people (their name, phone
    digits, e-mail and WeChat), appended to its entry: a search for a person
    finds the organisation."""
    rows = session.scalars(select(ContactPersonRow).where(ContactPersonRow.client_id == client_id)
                           .order_by(ContactPersonRow.id))
    return " ".join(index_text_of(to_person(r)) for r in rows)


def reindex(session: Session, client_id: int) -> None:
    """Rebuild the entry of one client from its stored fields and its contact
    people (removed when the client no longer exists)."""
    client = session.get(Client, client_id)
    _delete(session, client_id)
    if client is not None:
        body = " ".join(t for t in (_entry(client), _people(session, client_id)) if t)
        _write(session, [{"id": client_id, "body": body}])
        organisation = client.kind == ClientKind.ORGANISATION.value
        keys = set(search_rank.rank_keys(client.name, client.sort_key, client.company,
                                         organisation=organisation))
        # an organisation ranks as its people's names would (a person's people do not count)
        for name in session.scalars(select(ContactPersonRow.name)
                                    .where(ContactPersonRow.client_id == client_id)
                                    ) if organisation else ():
            keys.update(search_rank.person_rank_keys(name, search.sort_key(name)))
        _write_keys(session, {client_id: sorted(keys)})


def remove(session: Session, client_id: int) -> None:
    _delete(session, client_id)


def _extras(email: str, wechat: str, tags: Iterable[str]) -> str:
    """The end of an entry: e-mail, WeChat and tags, as ``index_text`` joins them."""
    return " ".join(search.spaced_cjk(x) for x in (email, wechat, *tags) if x)


def reindex_many(session: Session, client_ids: Sequence[int],
                 old_tags: Mapping[int, Sequence[str]] | None = None,
                 batch: int = 2000) -> None:
    """Rebuild the entries of many clients whose tags changed (a bulk
    action): one delete and one insert per batch. With ``old_tags`` (each
    client's tags before, sorted) a SQLite entry that ends as they made it
    gets only its end rewritten, so the slow pinyin of names and companies
    is not computed again; other entries are built whole, pinyin cached as
    in ``rebuild``."""
    bulk = BulkIndex()
    fast = old_tags is not None and not _postgres(session)
    conn = session.connection()
    for start in range(0, len(client_ids), batch):
        chunk = list(client_ids[start:start + batch])
        stored: dict[int, str] = {}
        if fast:
            stored = {int(r[0]): str(r[1]) for r in conn.execute(
                text(f"SELECT rowid, body FROM {FTS_TABLE} WHERE rowid IN :ids")
                .bindparams(bindparam("ids", expanding=True)), {"ids": chunk})}
        conn.execute(_PG_DELETE if _postgres(session) else _SQLITE_DELETE,
                     [{"id": cid} for cid in chunk])
        rows, whole = [], []
        if fast:  # plain rows: loading 2,000 cards with their parts costs more
            tags: dict[int, list[str]] = {}
            for cid, name in conn.execute(
                    select(ClientTag.client_id, Tag.name).join(Tag, Tag.id == ClientTag.tag_id)
                    .where(ClientTag.client_id.in_(chunk))):
                tags.setdefault(cid, []).append(name)
            for cid, email, wechat in conn.execute(select(Client.id, Client.email, Client.wechat)
                                                   .where(Client.id.in_(chunk))):
                body = stored.get(cid)
                before = _extras(email, wechat, (old_tags or {}).get(cid, ()))
                if body is None or not body.endswith(before):
                    whole.append(cid)
                    continue
                head = body[:len(body) - len(before)].rstrip(" ")
                after = _extras(email, wechat, sorted(tags.get(cid, [])))
                rows.append({"id": cid, "body": " ".join(x for x in (head, after) if x)})
        else:
            whole = chunk
        for c in session.scalars(select(Client).where(Client.id.in_(whole)).options(
                selectinload(Client.phones), selectinload(Client.tags))
                .execution_options(populate_existing=True)) if whole else ():
            bulk.add(c.id, c.name, c.company, [p.digits for p in c.phones],
                     [c.email, c.wechat, *(t.name for t in c.tags)],
                     organisation=c.kind == ClientKind.ORGANISATION.value)
        if rows:
            _write(session, rows)
        bulk.write(session)
        # an organisation's entry ends with its contact people, which the
        # entries built above leave out: build those whole
        for client_id in session.scalars(select(ContactPersonRow.client_id).distinct()
                                         .where(ContactPersonRow.client_id.in_(chunk))):
            reindex(session, client_id)


def _joined_parts(text: str, as_name: bool) -> search.IndexParts:
    """``search.index_parts`` with the tokens of each part joined by spaces
    into one: ``join_index_text`` joins them the same way, leaving out the
    empty ones."""
    spaced, tokens, initials = search.index_parts(text, as_name)
    return (spaced, _joined(tokens), _joined(initials))


def _joined(tokens: tuple[str, ...]) -> tuple[str, ...]:
    text = " ".join(t for t in tokens if t)
    return (text,) if text else ()


class BulkIndex:
    """Entries for many new clients, written with one executemany.

    The pinyin of names and companies is the slow part of an entry (about
    100 us a name) and they repeat (companies in a sheet, names in the demo),
    so their parts are cached for the life of this object, each part's tokens
    joined into one text (a dozen small strings a name took 45 MB at 100,000
    clients); the text is the same ``domain.search.index_text`` builds.
    """

    def __init__(self) -> None:
        self._parts = lru_cache(maxsize=262_144)(_joined_parts)
        self._spaced = lru_cache(maxsize=65_536)(search.spaced_cjk)
        self._sort_key = search.sort_key  # cached by itself
        self._rows: list[dict[str, Any]] = []
        self._keys: dict[int, list[tuple[str, int]]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def sort_key(self, name: str) -> str:
        """``domain.search.sort_key`` of ``name``, cached with the entries' own."""
        return self._sort_key(name)

    def add(self, client_id: int, name: str, company: str, phones: Iterable[str],
            extra: Iterable[str], *, organisation: bool) -> None:
        """Queue the entry of a new client: ``phones`` are digit strings,
        ``extra`` the email, WeChat and tag names, in ``index_text``'s order;
        ``organisation``: the client's kind (its name's keys' roles)."""
        # an e-mail or WeChat ID (ASCII, seldom repeated) is cheap: not cached
        body = search.join_index_text(self._parts(name, True), self._parts(company, False),
                                       phones, [search.spaced_cjk(x) if x.isascii()
                                                else self._spaced(x) for x in extra if x])
        self._rows.append({"id": client_id, "body": body})
        self._keys[client_id] = search_rank.rank_keys(name, self._sort_key(name), company,
                                                      organisation=organisation)

    def write(self, session: Session) -> None:
        """Insert the queued entries (and their rank keys) and start a new queue."""
        if self._rows:
            _write(session, self._rows)
            _write_keys(session, self._keys)
            self._rows, self._keys = [], {}


def clear(session: Session) -> None:
    """Remove every entry (before a whole book is copied in)."""
    session.execute(text(f"DELETE FROM {FTS_TABLE}"))
    session.execute(delete(client_rank_keys))


def rebuild(session: Session, batch: int = 2000) -> int:
    """Write the entry of every client, in batches, into an index with no
    entries (a database whose rows were copied in); returns how many."""
    ids = list(session.scalars(select(Client.id).order_by(Client.id)))
    bulk = BulkIndex()  # names and companies repeat: their pinyin is cached
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        for c in session.scalars(select(Client).where(Client.id.in_(chunk)).options(
                selectinload(Client.phones), selectinload(Client.tags))):
            bulk.add(c.id, c.name, c.company, [p.digits for p in c.phones],
                     [c.email, c.wechat, *(t.name for t in c.tags)],
                     organisation=c.kind == ClientKind.ORGANISATION.value)
        bulk.write(session)
        session.expunge_all()  # only ids are kept across batches
    # organisations with contact people: their entries hold the people's keys too
    for client_id in session.scalars(select(ContactPersonRow.client_id).distinct()):
        reindex(session, client_id)
    return len(ids)


def insert_entries(session: Session, rows: Sequence[tuple[int, str]]) -> None:
    """Entries (client id, index text) of new clients, written in one go
    (``row_writer``: SQLite's executemany of tuples, PostgreSQL's COPY of
    the tsvector text), for an import of many clients."""
    if not rows:
        return
    if _postgres(session):
        table = _fts_table(session)
        row_writer.insert_rows(session, table, ["id", "body"],
                               [(cid, search.tsvector(body)) for cid, body in rows])
        return
    conn = session.connection()
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (?, ?)", rows)
    finally:
        cursor.close()


def _fts_table(session: Session) -> Table:
    """PostgreSQL's ``client_fts`` as a Core table (id, body): what COPY names."""
    return Table(FTS_TABLE, MetaData(), Column("id", Integer), Column("body", Text))


class BulkEntries(BulkIndex):
    """``BulkIndex`` whose entries are written by ``insert_entries``: for
    clients just inserted (an import), whose entries do not exist yet."""

    def write(self, session: Session) -> None:
        if self._rows:
            insert_entries(session, [(r["id"], r["body"]) for r in self._rows])
            self._rows = []
            _insert_keys(session, self._keys)
            self._keys = {}


def _insert_keys(session: Session, keys: Mapping[int, Iterable[tuple[str, int]]]) -> None:
    """The rank keys of clients just inserted (no keys to replace), written
    like their entries: one executemany of tuples, or COPY."""
    rows = [(cid, key, role) for cid, pairs in keys.items() for key, role in pairs]
    if rows:
        row_writer.insert_rows(session, client_rank_keys, ["client_id", "key", "role"], rows)


def rank_params(typed: str) -> tuple[dict[str, str], bool] | None:
    """The values of ``rank_tiers``' parameters for ``typed`` and whether it
    is latin letters only (which ``rank_tiers`` variant to use); None when
    nothing was typed that a key could start."""
    key, latin = search_rank.typed_key(typed)
    if not key:
        return None
    return {"rank_key": key, "rank_end": key + "\U0010ffff"}, latin


def _roles(roles: Iterable[int]) -> ColumnElement[bool]:
    """``role IN (...)`` with the roles written in the statement (constants:
    an expanding parameter would render the statement again each time)."""
    return client_rank_keys.c.role.in_([literal_column(str(int(r))) for r in roles])


def _tier_case() -> ColumnElement[Any]:
    """The tier one rank key gives its client (None: none) for the typed key
    ``rank_key``: by its role, and whether it equals the typed key
    (``domain.search_rank.EXACT_ROLES``, ``PREFIX_TIERS``)."""
    k = client_rank_keys.c
    r = search_rank
    exact = k.key == bindparam("rank_key", type_=String())
    by_tier: dict[int, list[int]] = {}
    for role, tier in r.PREFIX_TIERS.items():
        by_tier.setdefault(tier, []).append(role)
    return case((and_(_roles(r.EXACT_ROLES), exact), literal_column(str(r.EXACT))),
                *((_roles(roles), literal_column(str(tier)))
                  for tier, roles in sorted(by_tier.items())),
                else_=None)


def _in_range(latin: bool) -> list[ColumnElement[bool]]:
    """The keys ``typed`` starts: one range of an index, in code point order on
    both engines ("C" on PostgreSQL); only the keys of text roles unless
    ``latin``."""
    k = client_rank_keys.c
    found = [k.key >= bindparam("rank_key", type_=String()),
             k.key < bindparam("rank_end", type_=String())]
    # the index is by (role, key): every role's range, or the text roles'
    found.append(_roles(search_rank.ALL_ROLES if latin else search_rank.ANY_TEXT_ROLES))
    return found


def rank_tiers(latin: bool) -> Subquery:
    """The tier (``domain.search_rank``) of each client some rank key of
    which the typed key (parameter ``rank_key``, see ``rank_params``) equals
    or starts, from the stored keys: one range of the key index. Columns
    ``client_id`` and ``tier`` (an organisation's people count too); a
    client not listed is in the last tier. ``latin``: the typed key is latin letters
    (its pinyin and initials keys count too)."""
    k = client_rank_keys.c
    stmt = (select(k.client_id, func.min(_tier_case()).label("tier"))
            .where(*_in_range(latin)).group_by(k.client_id))
    return stmt.subquery("tiers")


# The roles of the keys that may put a client in each tier.
_TIER_ROLES: dict[int, tuple[int, ...]] = {
    search_rank.EXACT: search_rank.EXACT_ROLES,
    **{tier: tuple(role for role, t in search_rank.PREFIX_TIERS.items() if t == tier)
       for tier in set(search_rank.PREFIX_TIERS.values())},
}


def tier_keys(tier: int, latin: bool) -> Select[Any]:
    """The client ids of the keys that may put a client in ``tier`` for the
    typed key (each once per key: a client may come more than once)."""
    return select(client_rank_keys.c.client_id).where(*tier_keys_of(tier, latin))


def tier_keys_of(tier: int, latin: bool) -> list[ColumnElement[bool]]:
    """The condition on ``client_rank_keys`` of ``tier_keys``."""
    k = client_rank_keys.c
    roles = [r for r in _TIER_ROLES[tier] if latin or r in search_rank.ANY_TEXT_ROLES]
    if tier == search_rank.EXACT:
        return [k.key == bindparam("rank_key", type_=String()), _roles(roles)]
    return [k.key >= bindparam("rank_key", type_=String()),
            k.key < bindparam("rank_end", type_=String()), _roles(roles)]


_COUNT_KEYS: dict[tuple[int, bool], Any] = {}
_COUNT_RANGE: dict[bool, Any] = {}


def count_keys(session: Session, params: Mapping[str, Any], latin: bool, most: int) -> int:
    """How many keys the typed key starts (``rank_tiers``' keys), counted up
    to ``most``: fewer than a page's worth cannot fill it."""
    stmt = _COUNT_RANGE.get(latin)
    if stmt is None:
        k = client_rank_keys.c
        stmt = _COUNT_RANGE[latin] = select(func.count()).select_from(
            select(k.client_id).where(*_in_range(latin))
            .limit(bindparam("most", type_=Integer())).subquery())
    return int(read_rows(session.connection(), stmt, {**params, "most": most})[0][0] or 0)


def count_tier_keys(session: Session, params: Mapping[str, Any], tier: int, latin: bool,
                    most: int) -> tuple[int, int, int]:
    """How many keys may put a client in ``tier`` (``tier_keys``), counted
    up to ``most`` (reading them stops there), and of how many clients,
    estimated from them: half as many for one typed latin letter (a
    person's full pinyin and initials both start with it: in the bench
    book ``m`` has 6,576 keys of 2,837 clients, ``c`` 8,659 of 4,151, ``e``
    3,315 of 1,105), as many for a longer key or Chinese (``ch`` 3,511 of
    2,874, ``li`` 7,589 of 7,323, ``che`` 2,382 of 2,382); and the largest
    client id (how many clients a walk in list order may pass, at most:
    asked in the same statement, one round trip less on PostgreSQL). Only
    which way a tier is read follows from them, never which clients it
    lists. (The share of distinct clients among the first 1,000 keys, which
    this read before, cost about 0.3 ms of a broad keystroke on SQLite and
    said 95-100% for all of these: a client's keys are far apart in key
    order.)"""
    stmt = _COUNT_KEYS.get((tier, latin))
    if stmt is None:
        # (a constant a key, not its client id: SQLite counts 5,000 keys in
        # 0.32 instead of 0.41 ms)
        counted = (select(literal_column("1")).select_from(client_rank_keys)
                   .where(*tier_keys_of(tier, latin))
                   .limit(bindparam("most", type_=Integer())).subquery())
        stmt = _COUNT_KEYS[(tier, latin)] = select(
            select(func.count()).select_from(counted).scalar_subquery(),
            select(func.max(Client.id)).scalar_subquery())
    keys, book = read_rows(session.connection(), stmt, {**params, "most": most})[0]
    keys = int(keys or 0)
    letter = latin and len(params["rank_key"]) == 1
    return keys, (keys + 1) // 2 if letter else keys, int(book or 0)


_SQLITE_COUNT = text(
    f"SELECT count(*) FROM (SELECT c.id FROM {FTS_TABLE} f CROSS JOIN clients c "
    "INDEXED BY ix_clients_rank "
    f"ON c.id = f.rowid WHERE {FTS_TABLE} MATCH :q AND c.deleted_at IS NULL LIMIT :most)")
_PG_COUNT = text(
    f"SELECT count(*) FROM (SELECT c.id FROM {FTS_TABLE} f JOIN clients c ON c.id = f.id "
    "WHERE f.body @@ CAST(:q AS tsquery) AND c.deleted_at IS NULL LIMIT :most) AS hits")


# The hits are counted in the index alone, less the clients in the trash it
# finds (their entries read by id): on SQLite joining each hit with its
# client row costs about a microsecond a hit, most of a one-character count.
# With more clients in the trash than this, the hits are joined.
_TRASH_MOST = 1000
_SQLITE_TRASHED = text("SELECT id FROM clients WHERE deleted_at IS NOT NULL LIMIT :most")
_SQLITE_COUNT_ENTRIES = text(
    f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q "
    "LIMIT :most)")


# On PostgreSQL the same in one statement: the trash's first clients, the
# index's hits counted up to ``most`` more than those, and the trash's hits
# among them (checked by id). Joining each hit with its live client read
# about three index pages a hit: a 1,001-hit count of 李 9.4 -> 4.6 ms of
# the server's time.
_PG_COUNT_ENTRIES = text(
    "WITH trashed AS MATERIALIZED (SELECT id FROM clients WHERE deleted_at IS NOT NULL "
    "LIMIT :trash_most) "
    "SELECT (SELECT count(*) FROM trashed), "
    f"(SELECT count(*) FROM (SELECT id FROM {FTS_TABLE} WHERE body @@ CAST(:q AS tsquery) "
    "LIMIT :most + (SELECT count(*) FROM trashed)) AS hits), "
    f"(SELECT count(*) FROM {FTS_TABLE} WHERE id = ANY(ARRAY(SELECT id FROM trashed)) "
    "AND body @@ CAST(:q AS tsquery))")


# The same, with the hits' ids (as a JSON array, the trash's too) when
# there are at most ``listed``, for a search ranked whole next: ranked among
# these ids, the index is not matched a second time (a company's whole name,
# 杭州交通投资集团有限公司, costs FTS5 about 3 ms to match: counted 3.1 ms, then
# ranked 3.4 ms through the index against 0.2 ms among its 68 ids).
_SQLITE_COUNT_LISTED = text(
    "SELECT count(*), CASE WHEN count(*) <= :listed THEN json_group_array(rowid) END "
    f"FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q LIMIT :most)")


def count_live_hits(session: Session, typed: str, most: int) -> int:
    """How many live clients the index finds for ``typed`` (something to
    match: ``matching`` is a condition), counted up to ``most``: the
    index's hits are read in its order and reading stops there."""
    return live_hits(session, typed, most)[0]


def live_hits(session: Session, typed: str, most: int, listed: int = 0
              ) -> tuple[int, str | None]:
    """``count_live_hits``, and on SQLite, when the index has at most
    ``listed`` live hits (and the trash few clients), the ids of its hits
    as a JSON array (``json_ids``; the trash's hits among them: a statement
    that reads them checks ``deleted_at``); else None. Listing the ids
    costs SQLite about 0.05 ms for 1,000 hits counted: asked for only when
    few are expected."""
    conn = session.connection()
    if _postgres(session):
        tsq = search.tsquery(typed)
        trashed, hits, trashed_hits = conn.execute(_PG_COUNT_ENTRIES, {
            "q": tsq, "most": most, "trash_most": _TRASH_MOST + 1}).one()
        if trashed > _TRASH_MOST:
            return int(conn.execute(_PG_COUNT, {"q": tsq, "most": most}).scalar() or 0), None
        return min(int(hits) - int(trashed_hits), most), None
    query = search.fts_query(typed)
    trashed = [r[0] for r in read_rows(conn, _SQLITE_TRASHED, {"most": _TRASH_MOST + 1})]
    if len(trashed) > _TRASH_MOST:
        return int(read_rows(conn, _SQLITE_COUNT, {"q": query, "most": most})[0][0] or 0), None
    # every entry is a client's (the live ones, and those in the trash): counted
    # up to ``most`` more than the trash holds, less the trash's hits, the
    # live hits are exact up to ``most``
    ids: str | None = None
    limit = most + len(trashed)
    if listed > 0:
        # every hit's id when they are at most ``listed`` live ones (and so fewer than
        # ``limit`` in all: the list is whole)
        count, ids = read_rows(conn, _SQLITE_COUNT_LISTED, {
            "q": query, "most": limit, "listed": min(listed + len(trashed), limit - 1)})[0]
        hits = int(count or 0)
    else:
        hits = int(read_rows(conn, _SQLITE_COUNT_ENTRIES, {"q": query, "most": limit}
                             )[0][0] or 0)
    if hits and trashed:
        hits -= len(found_among(session, typed, trashed))
    return min(hits, most), ids


_PG_FOUND_AMONG = text(f"SELECT id FROM {FTS_TABLE} WHERE id = ANY(CAST(:ids AS bigint[])) "
                       "AND body @@ CAST(:q AS tsquery)")
# (the entries' text from FTS5's own table of them, ``<table>_content``, its
# first column ``c0``: read through the full-text table, each id cost FTS5 a
# cursor of its own, 64 entries 0.145 -> 0.087 ms of CPU)
_SQLITE_ENTRIES = text(f"SELECT id, c0 FROM {FTS_TABLE}_content "
                       "WHERE id IN (SELECT value FROM json_each(:ids))")


def found_among(session: Session, typed: str, ids: Sequence[int]) -> set[int]:
    """The clients of ``ids`` the index finds for ``typed``: on SQLite their
    entries are read by id and checked here (``domain.search.entry_matches``;
    FTS5 would read every hit of a one-letter prefix to check a few), on
    PostgreSQL the index's rows by id are matched by the server."""
    if not ids:
        return set()
    conn = session.connection()
    if _postgres(session):  # the ids as one array (a page's 64 parameters cost more)
        return {int(r[0]) for r in conn.execute(
            _PG_FOUND_AMONG, {"ids": list(ids), "q": search.tsquery(typed)})}
    terms = search.query_terms(typed)
    return {int(cid) for cid, body in read_rows(conn, _SQLITE_ENTRIES, {"ids": json_list(ids)})
            if search.entry_matches(terms, str(body))}
