"""Client queries and the mapping between rows and domain cards.

Functions take a Session and never commit: the calling service owns the unit
of work. Filtering and sorting happen here, in SQL, so the list model only
ever holds ids.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import BigInteger, Boolean

from desktop_crm.domain import search_rank
from desktop_crm.domain.client import (
    ChangeEntry,
    ClientCard,
    Interaction,
)
from desktop_crm.domain.conflicts import EditConflictError
from desktop_crm.domain.enums import (
    CLASSIFICATIONS,
    Channel,
    Milestone,
)
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.search_rank import ELSEWHERE
from desktop_crm.i18n import _
from desktop_crm.storage import card_rows, search_index
from desktop_crm.storage.client_rows import (  # their old home
    ClientFilter as ClientFilter,
)
from desktop_crm.storage.client_rows import (
    personal_contact as personal_contact,
)
from desktop_crm.storage.client_rows import (
    rows as rows,
)
from desktop_crm.storage.dialect import read_rows, search_cache
from desktop_crm.storage.models import (
    ChangeLogRow,
    Client,
    ClientPhone,
    ClientTag,
    FamilyMemberRow,
    ImportantDateRow,
    InteractionRow,
    ProfileAnswer,
    Tag,
    client_rank_keys,
)

SORT_COLUMNS: dict[str, ColumnElement[object] | object] = {
    "name": Client.sort_key,
    "company": Client.company,
    "phone": Client.primary_phone,
    "owner": Client.owner,
    "loyalty": Client.loyalty,
    "last_contact": Client.last_contact_at,
    "grade": Client.grade,
    "last_evaluated": Client.last_evaluated_on,
    "id": Client.id,
}

# Ids per IN list: PostgreSQL takes at most 65,535 bound parameters a statement.
_CHUNK = 10_000


class _LiveHit(ColumnElement[bool]):
    """``clients.deleted_at IS NULL`` for the hits of a search. SQLite would
    look each hit up in the ``deleted_at`` index and then in the table; as
    ``+deleted_at`` (the same value, no index) it reads each hit's row by its
    id alone, a quarter less work for thousands of hits."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition: no ``= 1`` after it on SQLite
    _traverse_internals = []  # noqa: RUF012  (no state: cached as it is)


@compiles(_LiveHit)
def _live_hit(element: _LiveHit, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(Client.__table__.c.deleted_at, **kw)} IS NULL"


@compiles(_LiveHit, "sqlite")
def _sqlite_live_hit(element: _LiveHit, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(Client.__table__.c.deleted_at, **kw)} IS NULL"


_RANK_HINT = "INDEXED BY ix_clients_rank"


def _filtered(flt: ClientFilter, *columns: Any, among: bool = False) -> Select[Any]:
    """The clients ``flt`` lists (``among``: its text's hits are those of the
    JSON array ``hit_ids``, ``search_index.live_hits``, not the index's)."""
    stmt = select(*(columns or (Client.id,)))
    found = search_index.matching(flt.text)
    if among and search_index.has_terms(flt.text):
        found = Client.id.in_(search_index.json_ids("hit_ids"))
    stmt = stmt.where(Client.deleted_at.is_not(None) if flt.trash
                      else Client.deleted_at.is_(None) if found is None else _LiveHit())
    if found is not None:
        stmt = stmt.where(found)
    if flt.kind:
        stmt = stmt.where(Client.kind == flt.kind)
    if flt.classification:
        field, value = flt.classification
        if field not in CLASSIFICATIONS:
            raise ValueError(f"unknown classification {field!r}")
        stmt = stmt.where(getattr(Client, field) == value)
    if flt.tag:
        stmt = stmt.where(
            Client.id.in_(
                select(ClientTag.client_id).join(Tag, Tag.id == ClientTag.tag_id)
                .where(Tag.name == flt.tag)
            )
        )
    if flt.owner is not None:
        stmt = stmt.where(Client.owner == flt.owner)
    if flt.grade:
        stmt = stmt.where(Client.grade.is_(None) if flt.grade == "unrated"
                          else Client.grade == flt.grade)
    if flt.grade_changed_since:
        stmt = stmt.where(Client.previous_grade.is_not(None),
                          Client.previous_grade != Client.grade,
                          Client.last_evaluated_on >= flt.grade_changed_since)
    if flt.contact_due_before and flt.contact_limits:
        since = func.coalesce(Client.last_contact_at, Client.created_at)
        stmt = stmt.where(or_(*(
            and_(Client.grade.is_(None) if grade == "" else Client.grade == grade,
                 since < datetime.combine(flt.contact_due_before - timedelta(days=days),
                                          time()))
            for grade, days in flt.contact_limits)))
    if flt.evaluated_before:
        stmt = stmt.where(or_(Client.last_evaluated_on.is_(None),
                              Client.last_evaluated_on < flt.evaluated_before))
    return stmt


def is_ranked(flt: ClientFilter) -> bool:
    """Whether ``flt`` lists the hits of a search in rank order (the list
    reads them a page at a time: ``ranked_page``)."""
    return flt.sort == "relevance" and search_index.matching(flt.text) is not None


def list_ids(session: Session, flt: ClientFilter) -> list[int]:
    """Ids of the clients matching ``flt``, in display order."""
    if is_ranked(flt):
        return _ranked_ids(session, flt)
    column = SORT_COLUMNS.get(flt.sort, Client.sort_key)
    # Empty values (no grade, never contacted) sort as the smallest on both engines,
    # as SQLite does by itself: PostgreSQL would put them last in ascending order.
    order = (column.desc().nulls_last() if flt.descending  # type: ignore[attr-defined]
             else column.asc().nulls_first())  # type: ignore[attr-defined]
    stmt = _filtered(flt).order_by(order, Client.id)
    # Core execution: plain ints, no ORM row processing (100,000 ids in ~40 ms).
    return list(session.connection().execute(stmt).scalars())


def _ranked_ids(session: Session, flt: ClientFilter) -> list[int]:
    """The hits of a search, best match first (``domain.search_rank``), then
    the most recently contacted (personal contact: ``last_contact_at``),
    then by name and id. The database ranks them from the stored rank keys
    (``search_index.rank_tiers``), so only the ids come back."""
    return ranked_page(session, flt, 0, _ALL)


# The statements of a search with nothing but text (what each keystroke in
# the search box runs), by whether it ranks by keys and in latin letters:
# built once, run with the typed text's parameters (building one costs more
# than running it for a search with few hits).
_PLAIN: dict[tuple[bool, bool, bool, bool], Select[Any]] = {}
_PAGE = {"page_limit": bindparam("page_limit", type_=BigInteger()),
         "page_offset": bindparam("page_offset", type_=BigInteger())}
_ALL = 2 ** 62  # a page with every hit


def _ranked(flt: ClientFilter, rank: tuple[dict[str, str], bool] | None,
            among: bool = False) -> Select[Any]:
    stmt = _filtered(flt, among=among)
    if not flt.trash:  # the hits' rank columns from the covering index
        stmt = stmt.with_hint(Client.__table__, _RANK_HINT, "sqlite")
    tier: ColumnElement[Any] = literal(ELSEWHERE)
    if rank is not None:
        tiers = search_index.rank_tiers(rank[1])
        stmt = stmt.outerjoin(tiers, tiers.c.client_id == Client.id)
        tier = func.coalesce(tiers.c.tier, ELSEWHERE)
    return (stmt.order_by(tier, Client.last_contact_at.desc().nulls_last(), Client.sort_key,
                          Client.id)
            .limit(_PAGE["page_limit"]).offset(_PAGE["page_offset"]))


def ranked(flt: ClientFilter, among: bool = False) -> tuple[Select[Any], dict[str, Any]]:
    """The ids of a search's hits in rank order (see ``_ranked_ids``), with
    its parameters but the page's (``page_limit``, ``page_offset``).
    ``among``: the hits are those of the parameter ``hit_ids`` (a JSON
    array, SQLite; ``search_index.live_hits``) instead of the index's: the
    same hits in the same order when it lists them, without matching the
    typed text in the index again."""
    rank = search_index.rank_params(flt.text)
    params: dict[str, Any] = {**search_index.matching_params(flt.text),
                              **(rank[0] if rank else {})}
    if flt == ClientFilter(text=flt.text):  # only text: the statement is reused
        shape = (bool(params), rank is not None, bool(rank and rank[1]), among)
        stmt = _PLAIN.get(shape)
        if stmt is None:
            stmt = _PLAIN[shape] = _ranked(flt, rank, among)
        return stmt, params
    return _ranked(flt, rank, among), params


# A search with at most this many hits is ranked whole (about 1-1.5 us a hit
# on SQLite): fewer statements than reading it tier by tier.
_RANK_WHOLE = 1000
# A keystroke's search with more hits than this (counted first) reads its
# first page from the tiers when they fill it, the later pages ranked whole
# as the view scrolls: ranking 300-1,000 hits whole for a page of 64 cost
# more than the tiers' page (on SQLite 梁's 778 hits 3.0 against 2.2 ms of
# CPU, Jo's 844 3.1 against 1.5 ms; at 200 hits about the same).
_FIRST_WHOLE = 300


def ranked_page(session: Session, flt: ClientFilter, offset: int, limit: int,
                hits: int | None = None) -> list[int]:
    """``limit`` ids of a search's hits from ``offset`` on, in rank order
    (``list_ids``' order): the database ranks and stops after the page. A
    search with only text and more than ``_RANK_WHOLE`` ``hits`` (when
    counted, else maybe) whose page the first tiers fill reads those tiers
    only as far as the page (``_tiered_page``)."""
    search_cache(session.connection())
    if limit < _ALL and flt == ClientFilter(text=flt.text) and (
            hits is None or hits > _RANK_WHOLE):
        page = _tiered_page(session, flt.text, offset, limit)
        if page is not None:
            return page
    stmt, params = ranked(flt)
    params.update(page_limit=limit, page_offset=offset)
    return _ranked_ids_of(session, flt, stmt, params)


def first_page(session: Session, flt: ClientFilter, size: int, most: int
               ) -> tuple[list[int], int]:
    """A ranked search's first ids (``size`` of them, or every hit up to
    ``most``) and its hits counted up to ``most``, reading the index as
    little as it can: a search with only text whose keys may fill the page
    counts its hits in the index alone (stopping at ``most``) and, with
    more than ``_FIRST_WHOLE``, reads its page from the first tiers
    (``_tiered_page``). On SQLite one whose keys cannot fill the page is
    counted too, its hits' ids listed when they are at most ``_RANK_WHOLE``
    (then ranked among them: the index is matched once, as when ranked
    whole), its page read from the tiers and then the other hits in list
    order when they are more (``gyl``: 21 keys, 1,914 hits, all ranked for
    a page of 64 in 4.1 ms of CPU). Any other is ranked in one statement
    that stops at ``most`` ids, which also counts them."""
    search_cache(session.connection())
    rank = search_index.rank_params(flt.text)
    if flt == ClientFilter(text=flt.text) and rank is not None \
            and search_index.has_terms(flt.text):
        fills = search_index.count_keys(session, rank[0], rank[1], size) >= size
        if fills or session.connection().dialect.name == "sqlite":
            # counted first: a search with fewer hits than ``most`` (and few
            # enough to rank whole) is ranked in one statement, whatever its keys
            listed = (_RANK_WHOLE if not fills
                      else _FIRST_WHOLE if _few_hits_likely(flt.text) else 0)
            counted, hit_ids = search_index.live_hits(session, flt.text, most, listed)
            if counted >= most or (fills and counted > _FIRST_WHOLE):
                page = _tiered_page(session, flt.text, 0, size, keys_counted=True,
                                    elsewhere=not fills)
                if page is not None:
                    return page, counted
            elif hit_ids is not None:  # ranked among the hits counted: not matched again
                stmt, params = ranked(flt, among=True)
                params.update(page_limit=most, page_offset=0, hit_ids=hit_ids)
                ids = [r[0] for r in read_rows(session.connection(), stmt, params)]
                return ids, len(ids)
    stmt, params = ranked(flt)
    params.update(page_limit=most, page_offset=0)
    ids = _ranked_ids_of(session, flt, stmt, params)
    return ids, len(ids)


def _few_hits_likely(typed: str) -> bool:
    """Whether a keystroke's hits are likely few enough to be ranked whole
    (``_FIRST_WHOLE``) though its keys may fill a page: a phrase of four or
    more characters but latin letters (a company's name: 杭州交通投资集团有限公司
    68 hits, 深圳鑫源电子有限公司 29), whose count lists its hits' ids
    (``search_index.live_hits``; about 0.05 ms more where the count reaches
    1,001)."""
    key, latin = search_rank.typed_key(typed)
    return not latin and len(key) >= 4


def _ranked_ids_of(session: Session, flt: ClientFilter, stmt: Select[Any],
                   params: dict[str, Any]) -> list[int]:
    """The ids ``ranked(flt)``'s statement reads: a search with only text
    runs its statement built once as the driver's (``dialect.read_rows``),
    any other the statement built for it."""
    conn = session.connection()
    if flt == ClientFilter(text=flt.text):
        return [r[0] for r in read_rows(conn, stmt, params)]
    return list(conn.execute(stmt, params).scalars())


# A tier is read whole and ordered (about 1.1 us a key on SQLite), or walked
# in list order (``ix_clients_recent``, about 1.4 us a client) until the page
# is full, whichever costs less: the walk reads about the page size times
# the book's size over the tier's clients. A third way: the tier's clients
# listed once from the keys (about 0.3 us a key on SQLite), then the live
# clients walked in list order, each looked up in that list (about 0.3 us a
# client; on PostgreSQL a tenth of looking each up by id). Its keys are
# counted up to ``_SAMPLE_KEYS``; a tier with more is taken to have twice as
# many.
_SAMPLE_KEYS = 5000
_GATHER_COST, _WALK_COST = 1.1, 1.4
_LIST_KEY_COST, _LIST_WALK_COST = 0.3, 0.3
_TIERS = range(ELSEWHERE)  # the tiers the rank keys give (then: elsewhere)
_TIER_PAGES: dict[tuple[int, bool, str, bool], Select[Any]] = {}


def _tier_way(keys: int, clients: int, want: int, book: int) -> str:
    """How to read a tier's page of ``want`` clients (see ``_tier_page``),
    from its keys and clients counted (up to ``_SAMPLE_KEYS`` keys) and the
    clients a walk may pass (``book``): whichever is estimated to cost less."""
    if keys >= _SAMPLE_KEYS:
        keys *= 2
    walked = want * book / clients
    costs = {"walk": _WALK_COST * walked, "gather": _GATHER_COST * keys,
             "list": _LIST_KEY_COST * keys + _LIST_WALK_COST * walked}
    return min(costs, key=costs.__getitem__)


def _tier_page(tier: int, latin: bool, way: str, postgres: bool = False) -> Select[Any]:
    """The live clients with a key that gives ``tier`` for the typed key, in
    list order (most recently contacted, then by name and id), a page at a
    time; some of them are in an earlier tier (by another key). ``way``
    (``_tier_way``): "walk", through the clients in that order, each joined
    with its keys of the tier; "gather", found through the keys and ordered
    (from the narrow index of what the order reads); "list", the
    tier's clients listed from the keys, then the clients walked in list
    order, each looked up in the list. On PostgreSQL the walk asks for each
    client whether it has such a key (a subquery the planner cannot turn
    into a join: it would start from the keys, and rank them all), and
    "gather" looks each key's client up by id (a lateral subquery with a
    limit, which the planner cannot turn into a join either: for a tier of
    441 keys it guessed 4,390 and walked 13,836 clients in list order
    instead, 84 ms against 3 ms)."""
    key = (tier, latin, way, postgres)
    cached = _TIER_PAGES.get(key)
    if cached is not None:
        return cached
    stmt: Select[Any]  # (id, order columns) or (id)
    order: tuple[Any, ...] = (Client.last_contact_at, Client.sort_key, Client.id)
    if way == "gather" and postgres:
        k = client_rank_keys
        found = (select(Client.id, Client.last_contact_at, Client.sort_key)
                 .where(Client.id == k.c.client_id, Client.deleted_at.is_(None))
                 .limit(literal_column("1")).lateral("found"))
        stmt = (select(found.c.id, found.c.last_contact_at, found.c.sort_key).distinct()
                .select_from(k).join(found, true())
                .where(*search_index.tier_keys_of(tier, latin)))
        order = (found.c.last_contact_at, found.c.sort_key, found.c.id)
    elif way == "walk" and postgres:
        k = client_rank_keys
        has_key = (select(k.c.client_id).where(k.c.client_id == Client.id,
                                               *search_index.tier_keys_of(tier, latin))
                   .limit(1).correlate(Client).scalar_subquery())
        stmt = select(Client.id).where(Client.deleted_at.is_(None), has_key.is_not(None))
    elif way == "walk":
        k = client_rank_keys
        # once each: a client's keys of a tier follow each other in the walk
        stmt = (select(Client.id, Client.last_contact_at, Client.sort_key)  # type: ignore[assignment]
                .distinct().select_from(Client.__table__)
                .join(k, and_(k.c.client_id == Client.id, *search_index.tier_keys_of(tier, latin)))
                .where(Client.deleted_at.is_(None))
                .with_hint(Client.__table__, "INDEXED BY ix_clients_recent", "sqlite"))
    else:
        # listed first, then the live clients walked in list order ("list"),
        # or each looked up by id and ordered ("gather"); on PostgreSQL the
        # list is a filter ("IS true": a hashed subplan), not a join the
        # planner would start from the keys
        listed: ColumnElement[bool] = Client.id.in_(search_index.tier_keys(tier, latin))
        if way == "list" and postgres:
            listed = listed.is_(true())
        stmt = (select(Client.id)
                .where(Client.deleted_at.is_(None), listed)
                .with_hint(Client.__table__, "INDEXED BY ix_clients_recent" if way == "list"
                           else _RANK_HINT, "sqlite"))
    stmt = _TIER_PAGES[key] = (
        stmt.order_by(order[0].desc().nulls_last(), *order[1:])
        .limit(_PAGE["page_limit"]).offset(_PAGE["page_offset"]))
    return stmt


def _may_tier(session: Session, typed: str, want: int) -> bool:
    """Whether the tiers may fill ``want`` hits of a search with only text:
    it has terms, and its key range has that many keys."""
    rank = search_index.rank_params(typed)
    if rank is None or not search_index.has_terms(typed):
        return False
    return search_index.count_keys(session, rank[0], rank[1], want) >= want


_ELSEWHERE: list[Select[Any]] = []


def _elsewhere_page() -> Select[Any]:
    """The live clients the full-text index finds for the typed text (its
    parameters: ``search_index.matching_params``), in list order, a page at
    a time: their ids listed from the index, then the live clients walked in
    list order (``ix_clients_recent``), each looked up in the list (``gyl``'s
    1,914 hits: a page of 64 in 1.0 ms, against 1.5 ms ordered whole)."""
    if not _ELSEWHERE:
        found = search_index.matching("x")
        assert found is not None
        _ELSEWHERE.append(
            select(Client.id).where(Client.deleted_at.is_(None), found)
            .with_hint(Client.__table__, "INDEXED BY ix_clients_recent", "sqlite")
            .order_by(Client.last_contact_at.desc().nulls_last(), Client.sort_key, Client.id)
            .limit(_PAGE["page_limit"]).offset(_PAGE["page_offset"]))
    return _ELSEWHERE[0]


def _tiered_page(session: Session, typed: str, offset: int, limit: int,
                 keys_counted: bool = False, elsewhere: bool = False) -> list[int] | None:
    """``ranked_page`` of a search with only text, tier by tier: each tier's
    hits in list order, only as many as the page needs (a one-letter search
    has tens of thousands of hits; its first page is the most recently
    contacted of its first tier). Each tier's clients come from the rank
    keys, less those of earlier tiers (read whole before a later tier is
    read) and those the full-text index does not find
    (``search_index.found_among``). None when the page reaches the last
    tier (found elsewhere: only the index knows those; ``ranked`` reads
    them), unless ``elsewhere``: then the last tier's hits are read in list
    order (``_elsewhere_page``), less those of the tiers. ``keys_counted``:
    ``_may_tier`` said the tiers may fill the page, or ``elsewhere`` the
    hits will (counted)."""
    want = offset + limit
    if not keys_counted and not _may_tier(session, typed, want):
        return None  # too few keys to fill the page: a narrow search, ranked whole
    rank = search_index.rank_params(typed)
    assert rank is not None  # (``_may_tier``)
    params, latin = rank
    found: list[int] = []
    seen: set[int] = set()  # the clients of the tiers read so far, found or not
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    for tier in _TIERS:
        # ``book``: the clients a walk may pass (the trash too), at most
        keys, clients, book = search_index.count_tier_keys(session, params, tier, latin,
                                                           _SAMPLE_KEYS)
        if not keys:
            continue
        stmt = _tier_page(tier, latin, _tier_way(keys, clients, want, book),
                          postgres)
        read = 0
        while len(found) < want:
            size = want - len(found)
            ids = [r[0] for r in read_rows(conn, stmt, {**params, "page_limit": size,
                                                         "page_offset": read})]
            read += len(ids)
            new = [i for i in ids if i not in seen]
            seen.update(new)
            hits = search_index.found_among(session, typed, new)
            found += [i for i in new if i in hits][:want - len(found)]
            if len(ids) < size:
                break  # the tier is exhausted
        if len(found) >= want:
            return found[offset:want]
    if not elsewhere:
        return None
    stmt, read = _elsewhere_page(), 0
    matched = search_index.matching_params(typed)
    while len(found) < want:
        size = want - len(found)
        ids = [r[0] for r in read_rows(conn, stmt, {**matched, "page_limit": size,
                                                     "page_offset": read})]
        read += len(ids)
        # a hit with a key in a tier was found there (each of ``seen`` is, or is no hit)
        found += [i for i in ids if i not in seen][:size]
        if len(ids) < size:
            break  # every hit read
    return found[offset:want]


def is_listed(session: Session, flt: ClientFilter, client_id: int) -> bool:
    """Whether ``flt`` lists ``client_id``."""
    stmt = _filtered(flt).where(Client.id == client_id).limit(1)
    return session.connection().execute(stmt).first() is not None


def count(session: Session, flt: ClientFilter, most: int | None = None) -> int:
    """How many clients ``flt`` lists, counted up to ``most`` (when given:
    reading stops there)."""
    if most is not None and flt == ClientFilter(text=flt.text, sort=flt.sort,
                                                descending=flt.descending) \
            and search_index.has_terms(flt.text):
        return search_index.count_live_hits(session, flt.text, most)
    found = _filtered(flt)
    if most is not None:
        found = found.limit(most)
    return int(session.scalar(select(func.count()).select_from(found.subquery())) or 0)


def distinct_owners(session: Session) -> list[str]:
    stmt = select(Client.owner).where(Client.owner != "", Client.deleted_at.is_(None))
    return sorted(set(session.scalars(stmt.distinct())))


def tag_names(session: Session) -> list[str]:
    # sorted by code point, the same on both engines whatever the server's collation
    return sorted(session.scalars(select(Tag.name)))


# -- one card -----------------------------------------------------------------

def load_card(session: Session, client_id: int) -> ClientCard | None:
    client = session.get(
        Client, client_id,
        options=[selectinload(Client.phones), selectinload(Client.dates),
                 selectinload(Client.family), selectinload(Client.answers),
                 selectinload(Client.tags)],
    )
    if client is None:
        return None
    return card_rows.card_from_rows(client, client.phones, [t.name for t in client.tags],
                                    client.dates, client.family, client.answers)


def _tag(session: Session, name: str, cache: dict[str, Tag]) -> Tag:
    if name not in cache:
        tag = session.scalar(select(Tag).where(Tag.name == name))
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
        cache[name] = tag
    return cache[name]


# every write to a client row counts one more version (Core updates)
NEXT_VERSION = {"version": Client.version + 1}


def save_card(session: Session, card: ClientCard, now: datetime, *,
              expected_version: int | None = None) -> int:
    """Insert or update ``card`` with all its parts; returns its id. Updating
    counts one more version of the card; with ``expected_version`` only when
    the stored card is still at that version (one conditional UPDATE, so two
    savers cannot both pass: the second waits for the first's row lock, then
    finds the version moved), else EditConflictError (see ``conflict``) and
    nothing is written."""
    client = session.get(Client, card.id) if card.id else None
    if client is None:
        client = Client(created_at=now, **_uuid(card.uuid))
        session.add(client)
    elif expected_version is not None:
        claimed = session.execute(
            update(Client).where(Client.id == client.id, Client.version == expected_version)
            .values(version=expected_version + 1)
            .execution_options(synchronize_session="fetch"))
        if not claimed.rowcount:  # type: ignore[attr-defined]
            raise conflict(session, client.id, expected_version)
    else:
        client.version = Client.version + 1
    for name, value in card_rows.client_values(card).items():
        setattr(client, name, value)
    client.updated_at = now
    client.phones = [ClientPhone(**values) for values in card_rows.phone_values(card)]
    cache: dict[str, Tag] = {}
    client.tags = [_tag(session, t, cache) for t in card_rows.tag_names(card)]
    # the rows are replaced on every save; their UUIDs are carried over
    birthday = card_rows.birthday_values(card)
    dates = [ImportantDateRow(**birthday, **_uuid(card.birthday_uuid))] if birthday else []
    dates += [ImportantDateRow(**card_rows.date_values(d), **_uuid(d.uuid)) for d in card.dates]
    family = [FamilyMemberRow(**card_rows.family_values(m), **_uuid(m.uuid))
              for m in card.family]
    _clear_kept(session, client, [*dates, *family])
    client.dates, client.family = dates, family
    old_answers = {a.question: a for a in client.answers}
    answers = []
    for number in sorted(set(card.profile) | card.profile_private):
        answer = card.profile.get(number, "").replace("\x00", "")
        private = number in card.profile_private
        row = old_answers.get(number)
        if row is None:
            row = ProfileAnswer(question=number, updated_at=now)
        if row.answer != answer or row.private != private:
            row.answer, row.private, row.updated_at = answer, private, now
        answers.append(row)
    client.answers = answers
    session.flush()
    search_index.reindex(session, client.id)
    return client.id


def conflict(session: Session, client_id: int, version: int) -> EditConflictError:
    """The refusal of a save made from ``version`` of a card stored at
    another: the stored card and the history entries since ``version``."""
    session.expire_all()  # the stored card, not what this session read before
    theirs = load_card(session, client_id)
    if theirs is None:
        raise NotFoundError(_("Client {id} does not exist", id=client_id))
    return EditConflictError(theirs, changes_since(session, client_id, version))


def _uuid(value: str) -> dict[str, str]:
    """The ``uuid`` column's value when the record has one (else the model's
    default gives a new one)."""
    return {"uuid": value} if value else {}


def _clear_kept(session: Session, client: Client, new_rows: list[Any]) -> None:
    """Delete the client's dates and family rows first when a new row takes
    over an old row's UUID: the unit of work inserts new rows before it
    deletes orphans, which the unique index on ``uuid`` would refuse."""
    kept = {row.uuid for row in new_rows if row.uuid}
    old: list[Any] = [*client.dates, *client.family]
    if kept and any(row.uuid in kept for row in old):
        client.dates, client.family = [], []
        session.flush()


def set_deleted(session: Session, client_id: int, when: datetime | None) -> bool:
    """Move to the trash (``when`` set) or restore; False when the client does not
    exist or is already in that state."""
    state = Client.deleted_at.is_(None) if when else Client.deleted_at.is_not(None)
    result = session.execute(
        update(Client).where(Client.id == client_id, state).values(deleted_at=when,
                                                                   **NEXT_VERSION)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def purge(session: Session, client_id: int) -> None:
    search_index.remove(session, client_id)
    session.execute(delete(Client).where(Client.id == client_id))


def add_changes(session: Session, client_id: int, changes: list[tuple[str, str, str]],
                now: datetime, user: str) -> None:
    """Record changes made to the client, stamped with its version now (the
    one they made)."""
    if not changes:
        return
    version = session.scalar(select(Client.version).where(Client.id == client_id))
    session.add_all(
        ChangeLogRow(client_id=client_id, changed_at=now, user=user, field=f,
                     old_value=old, new_value=new, version=version)
        for f, old, new in changes
    )


def history(session: Session, client_id: int) -> list[ChangeEntry]:
    stmt = (select(ChangeLogRow).where(ChangeLogRow.client_id == client_id)
            .order_by(ChangeLogRow.changed_at.desc(), ChangeLogRow.id.desc()))
    return [to_change(r) for r in session.scalars(stmt)]


def to_change(r: Any) -> ChangeEntry:
    """The history entry of a ``change_log`` row (ORM object or Core row)."""
    return ChangeEntry(r.changed_at, r.field, r.old_value, r.new_value, r.user)


def changes_since(session: Session, client_id: int, version: int) -> list[ChangeEntry]:
    """The history entries that took the client past ``version``, oldest first."""
    stmt = (select(ChangeLogRow).where(ChangeLogRow.client_id == client_id,
                                       ChangeLogRow.version > version)
            .order_by(ChangeLogRow.version, ChangeLogRow.id))
    return [to_change(r) for r in session.scalars(stmt)]


# -- interactions -------------------------------------------------------------

def add_interaction(session: Session, item: Interaction, now: datetime) -> int:
    row = InteractionRow(
        client_id=item.client_id, occurred_at=item.occurred_at, channel=item.channel.value,
        summary=card_rows.clean(item.summary), next_step=card_rows.clean(item.next_step),
        follow_up_on=item.follow_up_on, follow_up_done=item.follow_up_done,
        milestone=item.milestone.value if item.milestone else None,
        satisfaction=item.satisfaction, mass=item.mass, created_at=now, **_uuid(item.uuid),
    )
    session.add(row)
    session.flush()
    refresh_last_contact(session, item.client_id)
    return row.id


def refresh_last_contact(session: Session, client_id: int) -> None:
    latest = select(func.max(InteractionRow.occurred_at)).where(
        InteractionRow.client_id == client_id, personal_contact()).scalar_subquery()
    session.execute(update(Client).where(Client.id == client_id)
                    .values(last_contact_at=latest, **NEXT_VERSION))


def delete_interaction(session: Session, interaction_id: int) -> int | None:
    row = session.get(InteractionRow, interaction_id)
    if row is None:
        return None
    client_id = row.client_id
    session.delete(row)
    session.flush()
    refresh_last_contact(session, client_id)
    return client_id


def to_interaction(r: Any) -> Interaction:
    """The timeline entry of a row (ORM object or Core row)."""
    return Interaction(client_id=r.client_id, occurred_at=r.occurred_at,
                       channel=Channel(r.channel), summary=r.summary, next_step=r.next_step,
                       follow_up_on=r.follow_up_on, follow_up_done=r.follow_up_done,
                       milestone=Milestone(r.milestone) if r.milestone else None,
                       satisfaction=r.satisfaction, mass=r.mass, id=r.id, uuid=r.uuid)


def interactions(session: Session, client_id: int) -> list[Interaction]:
    stmt = (select(InteractionRow).where(InteractionRow.client_id == client_id)
            .order_by(InteractionRow.occurred_at.desc(), InteractionRow.id.desc()))
    return [to_interaction(r) for r in session.scalars(stmt)]


def interaction(session: Session, interaction_id: int) -> Interaction | None:
    row = session.get(InteractionRow, interaction_id)
    return to_interaction(row) if row is not None else None


def update_interaction(session: Session, item: Interaction) -> None:
    """Write what the user edits of a timeline entry (when, channel,
    milestone, summary, next step, follow-up date and whether it is done);
    the client's last contact follows the new time."""
    row = session.get(InteractionRow, item.id)
    if row is None:
        raise LookupError(item.id)
    row.occurred_at = item.occurred_at
    row.channel = item.channel.value
    row.milestone = item.milestone.value if item.milestone else None
    row.summary = card_rows.clean(item.summary)
    row.next_step = card_rows.clean(item.next_step)
    row.follow_up_on = item.follow_up_on
    row.follow_up_done = item.follow_up_done
    session.flush()
    refresh_last_contact(session, row.client_id)


def client_exists(session: Session, client_id: int, *, include_deleted: bool = True) -> bool:
    stmt = select(Client.id).where(Client.id == client_id)
    if not include_deleted:
        stmt = stmt.where(Client.deleted_at.is_(None))
    return session.scalar(stmt) is not None


def counts(session: Session) -> dict[str, int]:
    live = and_(Client.deleted_at.is_(None))
    return {
        "clients": int(session.scalar(select(func.count(Client.id)).where(live)) or 0),
        "trash": int(session.scalar(select(func.count(Client.id))
                                    .where(Client.deleted_at.is_not(None))) or 0),
        "interactions": int(session.scalar(
            select(func.count(InteractionRow.id)).join(Client, Client.id ==
                                                       InteractionRow.client_id).where(live)
        ) or 0),
    }
