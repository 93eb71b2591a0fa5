"""A keystroke's first page of a broad search comes from the rank keys tier
by tier, each tier read whole or walked in list order until the page is full
(``client_repo._tiered_page``), without ranking every hit: on both engines,
walked or read whole, the pages are the ones ``domain.search_rank.Ranker``
orders; a client with keys in two tiers comes once, at its best; a client
whose keys the typed text starts but which the full-text index does not find
is left out; the hit count stops at what it is asked for."""

from __future__ import annotations

import pytest

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.enums import ClientKind
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.storage import client_repo
from desktop_crm.storage.database import Database
from tests.unit.services.test_search_ranked_pages import (  # noqa: F401  (the fixture)
    book,
    pages,
    reference,
)

BROAD = ["z", "w", "l", "s", "zh", "wang", "王", "张", "李", "c", "chen", "深", "a", "y", "h"]


@pytest.fixture(params=["walk", "read whole", "listed, then walked"])
def strategy(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every tier walked, every tier read whole, or every tier's clients
    listed, then walked in list order (the cost figures decide otherwise;
    all must give the same pages)."""
    way = request.param
    monkeypatch.setattr(client_repo, "_WALK_COST", 0.0 if way == "walk" else 1e9)
    listed = way == "listed, then walked"
    monkeypatch.setattr(client_repo, "_LIST_KEY_COST", 0.0 if listed else 1e9)
    monkeypatch.setattr(client_repo, "_LIST_WALK_COST", 0.0 if listed else 1e9)
    return str(request.param)


def _tiered(db: Database, typed: str, offset: int, limit: int) -> list[int] | None:
    with db.read() as s:
        return client_repo._tiered_page(s, typed, offset, limit)


def test_a_broad_search_reads_its_pages_from_the_tiers_in_rank_order(
        db: Database, book: ClientService, strategy: str) -> None:  # noqa: F811
    early = 0
    for typed in BROAD:
        expected = reference(db, typed)
        assert pages(book, typed, size=5) == expected, typed
        first = _tiered(db, typed, 0, 5)
        if first is not None:  # the first page from the tiers alone
            early += 1
            assert first == expected[:5], typed
            assert _tiered(db, typed, 5, 5) in (None, expected[5:10]), typed  # page 2
    assert early >= 8


def test_a_client_in_two_tiers_comes_once_at_its_best(db: Database, strategy: str) -> None:
    service = ClientService(db, user="test")
    # 张伟 at 张江科技: its name starts with "zhang" (a name tier) and so does its company
    both = service.save(ClientCard(name="张伟", company="张江科技"))
    staff = [service.save(ClientCard(name=f"李{n}", company="张江科技")) for n in "一二三"]
    others = [service.save(ClientCard(name=name)) for name in ("张三", "张丽")]
    org = service.save(ClientCard(name="张家港物流", kind=ClientKind.ORGANISATION))
    for typed in ("zhang", "张", "zh", "z"):
        found = service.ranked_page(ClientFilter(text=typed), 0, 10)
        assert found == reference(db, typed), typed
        assert found.count(both) == 1
        assert set(found[:3]) == {both, *others}  # the name tier first
        assert found.index(org) < min(found.index(s) for s in staff)  # then organisations


def test_a_client_whose_key_matches_but_the_index_does_not_is_left_out(
        db: Database, strategy: str) -> None:
    service = ClientService(db, user="test")
    # the company's key is "abltd" (punctuation left out); the index has "a", "b", "ltd"
    dotted = service.save(ClientCard(name="王五", company="A.B Ltd"))
    plain = service.save(ClientCard(name="王六", company="Abacus Ltd"))
    found = service.ranked_page(ClientFilter(text="ab"), 0, 10)
    assert found == [plain] == reference(db, "ab")
    assert dotted not in found
    assert _tiered(db, "ab", 0, 1) == [plain]  # not by the tiers only by chance


def test_a_trashed_client_is_not_in_a_tier(db: Database, strategy: str) -> None:
    service = ClientService(db, user="test")
    kept = service.save(ClientCard(name="赵一"))
    gone = service.save(ClientCard(name="赵二"))
    service.delete(gone)
    assert service.ranked_page(ClientFilter(text="zhao"), 0, 10) == [kept]
    assert _tiered(db, "zhao", 0, 1) == [kept]


def test_the_hit_count_stops_where_it_is_asked_to(db: Database, book: ClientService  # noqa: F811
                                                  ) -> None:
    for typed in ("z", "王", "zh", "13"):
        hits = len(book.list_ids(ClientFilter(text=typed)))
        assert hits > 3, typed
        assert book.count_hits(ClientFilter(text=typed), 3) == 3
        assert book.count_hits(ClientFilter(text=typed), hits + 10) == hits
    gone = book.list_ids(ClientFilter(text="zh"))[0]
    before = book.count_hits(ClientFilter(text="zh"), 10_000)
    book.delete(gone)  # the trash is not counted
    assert book.count_hits(ClientFilter(text="zh"), 10_000) == before - 1


@pytest.mark.parametrize("trash_most", [1000, 2])
def test_the_count_leaves_out_the_trash_however_full(
        db: Database, book: ClientService, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
        trash_most: int) -> None:
    """The index's hits are counted alone, less the trash's (read
    by id); with more clients in the trash than ``_TRASH_MOST``, joined with
    the live clients: the same count either way, wherever it stops."""
    from desktop_crm.storage import search_index

    monkeypatch.setattr(search_index, "_TRASH_MOST", trash_most)
    hits = book.list_ids(ClientFilter(text="zh"))
    gone = [hits[0], hits[len(hits) // 2], hits[-1]]
    other = book.list_ids(ClientFilter(text="王"))
    gone.append(next(i for i in other if i not in hits))  # in the trash, not a hit
    for client_id in gone:
        book.delete(client_id)
    live = len(hits) - 3
    assert live == len(book.list_ids(ClientFilter(text="zh")))
    for most in (1, 2, live - 1, live, live + 1, live + 10):
        assert book.count_hits(ClientFilter(text="zh"), most) == min(live, most), most
    assert book.count_hits(ClientFilter(text="王"), 10_000) == len(other) - 1


def test_a_keystroke_reads_the_first_page_and_the_count(db: Database,
                                                        book: ClientService) -> None:  # noqa: F811
    for typed in ("z", "王", "zh", "13", "wang", "zgf", "nothing"):
        expected = reference(db, typed)
        ids, counted = book.first_page(ClientFilter(text=typed), 5, 12)
        assert counted == min(len(expected), 12), typed
        # the first page at least (the tiers'), or every hit up to the count
        assert len(ids) in (min(5, len(expected)), counted), typed
        assert ids == expected[:len(ids)], typed


def test_a_rebuilt_index_has_the_keys_saving_gave(db: Database,
                                                 book: ClientService) -> None:  # noqa: F811
    """What a copy of a book does (``search_index.rebuild``): an
    organisation's name keys keep their own roles."""
    from sqlalchemy import select

    from desktop_crm.domain.search_rank import ORG_NAME
    from desktop_crm.storage import search_index
    from desktop_crm.storage.models import client_rank_keys

    def keys() -> list[tuple[int, int, str]]:
        with db.read() as s:
            return sorted(s.execute(select(client_rank_keys.c.client_id,
                                           client_rank_keys.c.role, client_rank_keys.c.key)))

    saved = keys()
    assert any(role == ORG_NAME for _cid, role, _key in saved)
    with db.session() as s:
        search_index.clear(s)
        search_index.rebuild(s)
    assert keys() == saved


def test_a_tiers_keys_are_counted_and_its_clients_estimated(
        db: Database, book: ClientService  # noqa: F811
        ) -> None:
    """The keys of a tier are counted up to what is asked; its clients are
    estimated from them: half for one latin letter (a name's full pinyin
    and initials both start with it), as many for a longer key or Chinese
    (which way to read it follows from them); the pages stay the ranker's
    either way."""
    from sqlalchemy import func, select

    from desktop_crm.domain.search_rank import NAME_PREFIX
    from desktop_crm.storage import search_index
    from desktop_crm.storage.models import Client

    with db.read() as s:
        book_size = int(s.execute(select(func.max(Client.id))).scalar() or 0)
        for typed, latin_letter in (("z", True), ("zh", False), ("王", False)):
            rank = search_index.rank_params(typed)
            assert rank is not None
            params, latin = rank
            keys_of = search_index.tier_keys(NAME_PREFIX, latin)
            every = [int(i) for i in s.execute(keys_of, params).scalars()]
            assert len(every) > 5, typed
            clients = (len(every) + 1) // 2 if latin_letter else len(every)
            assert search_index.count_tier_keys(s, params, NAME_PREFIX, latin, 10_000) == (
                len(every), clients, book_size), typed
            assert search_index.count_tier_keys(s, params, NAME_PREFIX, latin, 5)[:2] == (
                5, 3 if latin_letter else 5), typed
    for typed in ("z", "zh", "w", "王"):
        assert pages(book, typed, size=5) == reference(db, typed), typed


def test_a_long_phrase_is_ranked_among_the_hits_its_count_listed(
        db: Database, book: ClientService, monkeypatch: pytest.MonkeyPatch  # noqa: F811
        ) -> None:
    """A keystroke of four or more characters (a company's name) whose keys
    may fill the page and whose hits are few enough to rank whole: on SQLite
    its count lists the hits' ids and they are ranked among those, without
    matching the index again (the trash's hits left out); the page and count
    are the ranker's on both engines."""
    from sqlalchemy import func, select

    from desktop_crm.storage.models import Client

    with db.read() as s:
        companies = [name for name, n in s.execute(
            select(Client.company, func.count()).where(func.length(Client.company) >= 4)
            .group_by(Client.company).order_by(func.count().desc(), Client.company))
            if n >= 3][:4]
    assert companies
    trashed = reference(db, companies[0])[1]
    book.delete(trashed)
    asked: list[bool] = []
    real = client_repo.ranked

    def spied(flt: ClientFilter, among: bool = False) -> object:
        asked.append(among)
        return real(flt, among)

    monkeypatch.setattr(client_repo, "ranked", spied)
    for typed in companies:
        expected = reference(db, typed)
        assert trashed not in expected
        ids, counted = book.first_page(ClientFilter(text=typed), 2, 1001)
        assert (ids, counted) == (expected, len(expected)), typed
    assert any(asked) == (db.engine.dialect.name == "sqlite")


def test_a_search_whose_keys_cannot_fill_the_page_reads_its_other_hits_in_list_order(
        db: Database, book: ClientService, monkeypatch: pytest.MonkeyPatch  # noqa: F811
        ) -> None:
    """A keystroke whose rank keys are fewer than its page but whose hits
    are more than it counts (``gyl`` in the bench book: 21 keys, 1,914
    hits): on SQLite the page is the tiers' hits, then the other hits in
    list order, not every hit ranked; a trashed hit is left out. The page
    and count are the ranker's on both engines, and so is the next page."""
    from desktop_crm.storage import search_index

    trashed = reference(db, "13")[2]
    book.delete(trashed)
    elsewhere: list[bool] = []
    real = client_repo._tiered_page

    def spied(*args: object, **kwargs: object) -> list[int] | None:
        elsewhere.append(bool(kwargs.get("elsewhere")))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(client_repo, "_tiered_page", spied)
    tried = 0
    for typed in ("13", "1", "zh", "w", "王", "l", "z"):
        rank = search_index.rank_params(typed)
        assert rank is not None
        with db.read() as s:
            keys = search_index.count_keys(s, rank[0], rank[1], 1000)
        expected = reference(db, typed)
        assert trashed not in expected
        size = keys + 3
        most = size + 2
        if len(expected) < most:
            continue
        tried += 1
        ids, counted = book.first_page(ClientFilter(text=typed), size, most)
        assert counted == most, typed
        assert ids == expected[:len(ids)] and len(ids) in (size, most), typed
        assert book.ranked_page(ClientFilter(text=typed), size, 4, counted) \
            == expected[size:size + 4], typed
    assert tried >= 3
    assert any(elsewhere) == (db.engine.dialect.name == "sqlite")
