"""Two people saving one card (services.clients, domain.conflicts) on both
engines: every write counts a version, a save from an older version is
refused with who changed what since, never written over; the refusal is one
conditional UPDATE, so a write that lands between the read and the save is
caught too."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from desktop_crm.domain.client import CARD_FIELDS, ClientCard, Interaction, Phone
from desktop_crm.domain.conflicts import EditConflictError
from desktop_crm.domain.enums import Channel
from desktop_crm.services.clients import ClientService
from desktop_crm.storage import client_repo
from desktop_crm.storage.database import MIGRATIONS_DIR, Database
from desktop_crm.storage.import_repo import card_to_json
from tests.conftest import Clock

NOW = datetime(2026, 12, 6, 9, 0)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def mine(db: Database, clock: Clock) -> ClientService:
    return ClientService(db, clock, user="张伟")


@pytest.fixture
def theirs(db: Database, clock: Clock) -> ClientService:
    return ClientService(db, clock, user="李娜")


def _new(service: ClientService) -> int:
    return service.save(ClientCard(name="曾国方", company="华为", email="z@example.com",
                                   phones=[Phone("13800138000")], tags=["VIP"]))


def test_every_write_to_a_card_counts_a_version(mine: ClientService) -> None:
    client_id = _new(mine)
    assert mine.get(client_id).version == 1
    card = mine.get(client_id)
    card.tags = ["VIP", "展会"]
    mine.save(card)
    assert mine.get(client_id).version == 2
    interaction = mine.log_interaction(Interaction(client_id, NOW, Channel.CALL, "回访"))
    assert mine.get(client_id).version == 3
    mine.delete_interaction(interaction)
    assert mine.get(client_id).version == 4
    mine.delete(client_id)
    assert mine.get(client_id).version == 5
    mine.restore(client_id)
    assert mine.get(client_id).version == 6
    unchanged = mine.get(client_id)
    mine.save(unchanged)  # nothing changed: nothing written, no version
    assert mine.get(client_id).version == 6


def test_a_stale_save_is_refused_with_who_changed_what(
        db: Database, mine: ClientService, theirs: ClientService, clock: Clock) -> None:
    client_id = _new(mine)
    opened = mine.get(client_id)  # I open the card ...
    other = theirs.get(client_id)  # ... so does 李娜, who saves first
    other.company = "华为技术有限公司"
    other.email = "zeng@huawei.com"
    clock.advance(minutes=5)
    theirs.save(other)
    edited = copy.deepcopy(opened)
    edited.notes = "喜欢清蒸鱼"
    clock.advance(minutes=5)
    with pytest.raises(EditConflictError) as caught:
        mine.save(edited)
    conflict = caught.value
    assert [(c.field, c.new, c.user, c.changed_at) for c in conflict.changes] == [
        ("company", "华为技术有限公司", "李娜", datetime(2026, 12, 6, 9, 5)),
        ("email", "zeng@huawei.com", "李娜", datetime(2026, 12, 6, 9, 5))]
    assert conflict.theirs.company == "华为技术有限公司"
    assert conflict.theirs.version == 2
    assert str(conflict) == (
        "Not saved: 曾国方 was changed since you opened it: "
        "李娜 changed Company to “华为技术有限公司” at 2026-12-06 09:05; "
        "李娜 changed E-mail to “zeng@huawei.com” at 2026-12-06 09:05")
    stored = mine.get(client_id)  # nothing of mine was written
    assert stored.notes == "" and stored.company == "华为技术有限公司"
    assert stored.version == 2
    assert [e.user for e in mine.history(client_id)] == ["李娜", "李娜", "张伟"]
    # saving again over the version just read goes through
    edited.version = conflict.theirs.version
    edited.company, edited.email = conflict.theirs.company, conflict.theirs.email
    mine.save(edited)
    assert mine.get(client_id).notes == "喜欢清蒸鱼"
    assert mine.get(client_id).version == 3


def test_a_version_moved_by_the_timeline_is_reported_without_fields(
        mine: ClientService, theirs: ClientService) -> None:
    client_id = _new(mine)
    opened = mine.get(client_id)
    theirs.log_interaction(Interaction(client_id, NOW, Channel.VISIT, "拜访"))
    opened.notes = "新备注"
    with pytest.raises(EditConflictError) as caught:
        mine.save(opened)
    assert caught.value.changes == []
    assert "was changed elsewhere" in str(caught.value)


def test_a_save_landing_between_the_read_and_the_write_is_caught(
        db: Database, mine: ClientService, theirs: ClientService,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The service reads the stored card, finds the version it expects, and
    only then writes: another saver that commits in between (here: on its own
    connection, right after the read) must still make the write fail."""
    client_id = _new(mine)
    opened = mine.get(client_id)
    opened.notes = "我的备注"
    real_load = client_repo.load_card
    raced: list[int] = []

    def load_then_race(session: object, cid: int) -> ClientCard | None:
        card = real_load(session, cid)  # type: ignore[arg-type]
        if not raced:
            raced.append(cid)
            other = theirs.get(cid)
            other.title = "总经理"
            theirs.save(other)
        return card

    monkeypatch.setattr(client_repo, "load_card", load_then_race)
    with pytest.raises(EditConflictError) as caught:
        mine.save(opened)
    monkeypatch.undo()
    assert raced == [client_id]
    assert [c.field for c in caught.value.changes] == ["title"]
    stored = mine.get(client_id)
    assert (stored.title, stored.notes, stored.version) == ("总经理", "", 2)


def test_a_card_not_read_from_storage_is_saved_without_the_check(
        mine: ClientService) -> None:
    client_id = _new(mine)
    card = mine.get(client_id)
    card.version = 0
    card.notes = "导入"
    mine.save(card)
    assert mine.get(client_id).version == 2


def test_the_version_is_bookkeeping_not_card_data(mine: ClientService) -> None:
    client_id = _new(mine)
    card = mine.get(client_id)
    assert "version" not in CARD_FIELDS
    moved = copy.deepcopy(card)
    moved.version = 7
    assert moved == card  # not an edit
    assert "version" not in card_to_json(card)
    assert all(e.field != "version" for e in mine.history(client_id))


@pytest.mark.sqlite_only("migrates a file down and up with Alembic")
def test_existing_clients_start_at_version_one(db: Database, db_path: Path,
                                              mine: ClientService) -> None:
    from alembic import command
    from alembic.config import Config

    client_id = _new(mine)
    card = mine.get(client_id)
    card.notes = "改过"
    mine.save(card)
    assert mine.get(client_id).version == 2
    db.close()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "20261205_07")
        assert "version" not in {c["name"] for c in inspect(conn).get_columns("clients")}
    engine.dispose()
    reopened = Database.open(db_path)
    try:
        card = ClientService(reopened).get(client_id)
        assert (card.notes, card.version) == ("改过", 1)
    finally:
        reopened.close()
