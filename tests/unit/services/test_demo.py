"""Demo data: reproducible, realistic, valid, searchable and appendable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.identity import parse_uuid
from desktop_crm.domain.search import is_cjk, pinyin_keys
from desktop_crm.domain.validation import validate_card
from desktop_crm.services import demo
from desktop_crm.services.clients import ClientService
from desktop_crm.storage import client_repo as repo
from desktop_crm.storage import search_index
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import (
    Client,
    ClientPhone,
    ComplaintRow,
    EvaluationRow,
    FamilyMemberRow,
    ImportantDateRow,
    InteractionRow,
    OrderRow,
    ProfileAnswer,
    SalesTargetRow,
    Tag,
)
from tests.conftest import ModuleBooks, NewDatabases

NOW = datetime(2026, 3, 15, 10, 30, 0)
N = 200


@pytest.fixture(scope="module")
def _demo_books() -> Iterator[ModuleBooks]:
    books = ModuleBooks()
    yield books
    books.close()


@pytest.fixture
def demo_db(_demo_books: ModuleBooks, request: pytest.FixtureRequest) -> Database:
    """One demo book per engine, made once, for the module's read-only tests."""
    def fill(db: Database) -> None:
        assert demo.generate(db, N, seed=7, now=NOW) == N

    return _demo_books.get(request, fill)


def _fts(db: Database) -> str:
    """The search index's id column on the engine of ``db``."""
    return "rowid" if db.engine.dialect.name == "sqlite" else "id"


def _snapshot(db: Database) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]:
    with db.read() as s:
        # every column but the identity, which is each database's own
        columns = [c for c in Client.__table__.c if c.name != "uuid"]
        clients = [tuple(r) for r in s.execute(select(*columns).order_by(Client.id))]
        phones = [tuple(r) for r in s.execute(
            select(ClientPhone.client_id, ClientPhone.position, ClientPhone.number)
            .order_by(ClientPhone.client_id, ClientPhone.position))]
        interactions = s.scalar(select(func.count(InteractionRow.id))) or 0
    return clients, phones, interactions


def _names(db: Database) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(Client.name).order_by(Client.id)))


def _cards(db: Database) -> list[ClientCard]:
    with db.read() as s:
        ids = list(s.scalars(select(Client.id).order_by(Client.id)))
        cards = [repo.load_card(s, i) for i in ids]
    assert all(c is not None for c in cards)
    return [c for c in cards if c is not None]


def test_writes_the_requested_number_of_clients(demo_db: Database) -> None:
    with demo_db.read() as s:
        assert s.scalar(select(func.count(Client.id))) == N
        assert s.scalar(select(func.count()).select_from(text("client_fts"))) == N
        assert s.scalar(select(func.count()).select_from(text("change_log"))) == N
        assert s.scalar(select(func.count(Client.id)).where(Client.deleted_at.is_not(None))) == 0


def test_same_seed_and_now_give_the_same_data(demo_db: Database, new_db: NewDatabases) -> None:
    again = new_db.open("again.db")
    demo.generate(again, N, seed=7, now=NOW)
    assert _snapshot(again) == _snapshot(demo_db)
    # the same data, yet other identities: the two books' clients never match by UUID
    assert _uuids(again).isdisjoint(_uuids(demo_db))
    assert len(_uuids(again)) == len(_snapshot(again)[0])


def test_demo_identities_are_reproducible_in_one_database(new_db: NewDatabases) -> None:
    """Every demo record gets a UUID; the same seed in the same database (a
    copy of it) gives the same ones, and a second run adds new ones."""
    new_db.target("first.db")
    copy = new_db.open("copy.db", copy_of="first.db")
    first = new_db.open("first.db")
    demo.generate(first, 20, seed=3, now=NOW)
    demo.generate(copy, 20, seed=3, now=NOW)
    assert _uuids(first) == _uuids(copy) and len(_uuids(first)) == 20
    demo.generate(first, 20, seed=3, now=NOW)
    assert len(_uuids(first)) == 40
    with first.read() as s:
        for model in (ImportantDateRow, FamilyMemberRow, InteractionRow, EvaluationRow,
                      ComplaintRow, OrderRow, SalesTargetRow):
            found = list(s.scalars(select(model.uuid)))
            assert found and all(parse_uuid(u) == u for u in found), model
            assert len(set(found)) == len(found)


def _uuids(db: Database) -> set[str]:
    with db.read() as s:
        return set(s.scalars(select(Client.uuid)))


def test_another_seed_gives_other_names(demo_db: Database, new_db: NewDatabases) -> None:
    other = new_db.open("other.db")
    demo.generate(other, N, seed=8, now=NOW)
    assert _names(other) != _names(demo_db)
    assert len(set(_names(other)) ^ set(_names(demo_db))) > N // 2


def test_content_is_realistic(demo_db: Database) -> None:
    names = _names(demo_db)
    chinese = [n for n in names if any(is_cjk(ch) for ch in n)]
    assert len(chinese) > 0.7 * len(names)
    assert len(chinese) < len(names)  # some English names too
    with demo_db.read() as s:
        kinds = dict(s.execute(select(Client.kind, func.count()).group_by(Client.kind)).all())
        assert kinds.get("organisation", 0) > N * 0.1
        assert kinds.get("person", 0) > N * 0.5
        lunar = s.scalar(select(func.count(ImportantDateRow.id)).where(
            ImportantDateRow.kind == "birthday", ImportantDateRow.calendar == "lunar"))
        assert lunar and lunar > 0
        assert (s.scalar(select(func.count(FamilyMemberRow.id))) or 0) > 0
        assert (s.scalar(select(func.count(ProfileAnswer.id))) or 0) > 0
        assert (s.scalar(select(func.count(Tag.id))) or 0) > 0
        filled = s.scalar(select(func.count(Client.id)).where(Client.profile_filled_by != ""))
        assert filled and N * 0.2 < filled < N * 0.8
        assert s.scalar(select(func.count(Client.id)).where(Client.primary_phone != "")) > N * 0.9
        # primary_phone is the first number on the card
        mismatched = s.scalar(
            select(func.count(Client.id)).join(
                ClientPhone, (ClientPhone.client_id == Client.id) & (ClientPhone.position == 0))
            .where(ClientPhone.number != Client.primary_phone))
        assert mismatched == 0


def test_dates_lie_in_the_past(demo_db: Database) -> None:
    with demo_db.read() as s:
        oldest, newest = s.execute(
            select(func.min(InteractionRow.occurred_at), func.max(InteractionRow.occurred_at))
        ).one()
        assert oldest >= NOW - timedelta(days=730)
        assert newest <= NOW
        created = s.execute(select(func.min(Client.created_at), func.max(Client.created_at))).one()
        assert created[0] >= NOW - timedelta(days=3 * 366) and created[1] <= NOW
        latest = dict(s.execute(select(InteractionRow.client_id,
                                       func.max(InteractionRow.occurred_at))
                                .group_by(InteractionRow.client_id)).all())
        contacts = dict(s.execute(select(Client.id, Client.last_contact_at)).all())
    assert contacts == {cid: latest.get(cid) for cid in contacts}


def test_every_card_validates(demo_db: Database) -> None:
    for card in _cards(demo_db):
        assert validate_card(card, NOW.date()) == [], card.name


def test_index_text_is_what_reindex_writes(demo_db: Database) -> None:
    with demo_db.read() as s:  # rolled back at the end
        entries = text(f"SELECT {_fts(demo_db)}, CAST(body AS TEXT) FROM client_fts")
        stored = dict(s.execute(entries).all())
        for cid in stored:
            search_index.reindex(s, cid)
        rebuilt = dict(s.execute(entries).all())
    assert rebuilt == stored


def test_search_finds_demo_clients_by_name_and_initials(demo_db: Database) -> None:
    service = ClientService(demo_db, clock=lambda: NOW, user="test")
    cards = [c for c in _cards(demo_db)
             if c.kind.value == "person" and all(is_cjk(ch) for ch in c.name)]
    assert cards
    for card in cards[:5]:
        assert card.id in [r.id for r in service.search(card.name)]
        _full, initials = pinyin_keys(card.name)
        assert card.id in [r.id for r in service.search(initials[0])]


def test_generate_appends_to_a_database_with_clients(db: Database) -> None:
    service = ClientService(db, clock=lambda: NOW, user="test")
    own = service.save(ClientCard(name="王小明", tags=["VIP"]))
    assert demo.generate(db, 40, seed=1, now=NOW) == 40
    assert demo.generate(db, 40, seed=2, now=NOW) == 40
    with db.read() as s:
        ids = list(s.scalars(select(Client.id).order_by(Client.id)))
        fts = list(s.scalars(text(f"SELECT {_fts(db)} FROM client_fts ORDER BY 1")))
        tags = list(s.scalars(select(Tag.name)))
    assert ids == list(range(own, own + 81))
    assert fts == ids
    assert len(tags) == len(set(tags))
    assert service.get(own).name == "王小明"
    assert [r.id for r in service.search("王小明")] == [own]
    # cards and tags added after the demo data get new ids
    assert service.save(ClientCard(name="李四", tags=["新标签"])) == own + 81
    assert service.get(own + 81).tags == ["新标签"]


def test_progress_is_reported_after_each_chunk(db: Database,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "CHUNK_SIZE", 64)
    calls: list[tuple[int, int]] = []
    demo.generate(db, 150, seed=3, now=NOW,
                  progress=lambda done, total: calls.append((done, total)))
    assert calls == [(64, 150), (128, 150), (150, 150)]


def test_nothing_to_write(db: Database) -> None:
    assert demo.generate(db, 0, now=NOW) == 0
    with pytest.raises(ValueError):
        demo.generate(db, -1)


def test_demo_complaints_cover_every_state_with_consistent_times(db: Database) -> None:
    from desktop_crm.domain.complaint import ComplaintStatus
    from desktop_crm.services.complaints import ComplaintService

    now = datetime(2026, 11, 24, 9, 0)
    demo.generate(db, 200, seed=4, now=now)
    complaints = ComplaintService(db, lambda: now).find()
    assert {c.status for c in complaints} == set(ComplaintStatus)
    numbers = sorted(c.number for c in complaints)
    assert len(set(numbers)) == len(numbers)
    for c in complaints:
        full = ComplaintService(db, lambda: now).get(c.id or 0)
        assert full.history[-1].new == c.status
        stamps = [t for t in (c.received_at, c.first_reply_at, c.resolved_at,
                              c.followed_up_at, c.closed_at) if t is not None]
        assert stamps == sorted(stamps) and stamps[-1] <= now
    # a second run continues the numbering of each year
    demo.generate(db, 50, seed=5, now=now)
    again = sorted(c.number for c in ComplaintService(db, lambda: now).find())
    assert len(set(again)) == len(again) > len(numbers)
