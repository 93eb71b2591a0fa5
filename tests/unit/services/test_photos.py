"""The client's photo (desktop_crm.services.photos) on both engines: stored
upright, scaled down and as JPEG; non-pictures and absurd pictures refused
with one message and nothing written; each change one history entry and one
more card version; undo puts back the very bytes; the photo goes with its
client when purged; loading cards and the list never reads it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event, select

from desktop_crm.domain.changes import field_label, value_label
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.i18n import set_language
from desktop_crm.services.clients import ClientService
from desktop_crm.services.photos import MAX_SIDE, PhotoError, PhotoService
from desktop_crm.services.registry import Services
from desktop_crm.services.stats import stats
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import ClientPhotoRow
from tests.conftest import Clock
from tests.photo_images import (
    BLUE,
    RED,
    WHITE,
    halves,
    near,
    phone_photo,
    pixel,
    png_declaring,
    size_of,
    transparent_png,
)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 9, 10, 0))


@pytest.fixture
def clients(db: Database, clock: Clock) -> ClientService:
    return ClientService(db, clock, user="王磊")


@pytest.fixture
def photos(db: Database, clock: Clock) -> PhotoService:
    return PhotoService(db, clock, user="王磊")


@pytest.fixture
def client_id(clients: ClientService) -> int:
    return clients.save(ClientCard(name="曾国方", company="华为"))


def _photo_rows(db: Database) -> list[tuple[int, str, int, int]]:
    with db.read() as s:
        return [tuple(r) for r in s.execute(select(  # type: ignore[misc]
            ClientPhotoRow.client_id, ClientPhotoRow.mime, ClientPhotoRow.width,
            ClientPhotoRow.height))]


def test_a_large_picture_is_stored_as_a_jpeg_scaled_down(
        photos: PhotoService, clients: ClientService, client_id: int, db: Database) -> None:
    before = clients.get(client_id).version
    change = photos.set_photo(client_id, halves(2400, 1200))
    stored = photos.photo(client_id)
    assert stored is not None and size_of(stored) == (MAX_SIDE, MAX_SIDE // 2)
    assert near(pixel(stored, 0.1, 0.5), RED) and near(pixel(stored, 0.9, 0.5), BLUE)
    assert len(stored) < 300_000
    assert _photo_rows(db) == [(client_id, "image/jpeg", 1024, 512)]
    assert change.previous is None
    card = clients.get(client_id)
    assert card.version == before + 1 == change.version
    history = clients.history(client_id)
    assert [(h.field, h.old, h.new, h.user) for h in history[:1]] == [
        ("photo", "", "added", "王磊")]


def test_a_phone_photo_is_turned_upright_by_its_exif_orientation(
        photos: PhotoService, client_id: int) -> None:
    # taken sideways: the stored pixels' left half (red) is the top once upright
    photos.set_photo(client_id, phone_photo(400, 200, orientation=6))
    stored = photos.photo(client_id)
    assert stored is not None and size_of(stored) == (200, 400)
    assert near(pixel(stored, 0.5, 0.1), RED) and near(pixel(stored, 0.5, 0.9), BLUE)


def test_a_small_jpeg_without_metadata_is_kept_byte_for_byte(
        photos: PhotoService, client_id: int) -> None:
    original = halves(300, 200, "JPEG", quality=80)
    photos.set_photo(client_id, original)
    assert photos.photo(client_id) == original


def test_transparent_parts_become_white(photos: PhotoService, client_id: int) -> None:
    photos.set_photo(client_id, transparent_png(200, 100))
    stored = photos.photo(client_id)
    assert stored is not None
    assert near(pixel(stored, 0.1, 0.5), BLUE) and near(pixel(stored, 0.9, 0.5), WHITE)


@pytest.mark.parametrize("data", [b"", b"not a picture at all", b"%PDF-1.4\n1 0 obj",
                                  halves(200, 100)[:120]],
                         ids=["empty", "text", "pdf", "truncated png"])
def test_what_is_not_a_picture_is_refused_and_nothing_is_written(
        photos: PhotoService, clients: ClientService, client_id: int, db: Database,
        data: bytes) -> None:
    before = clients.get(client_id)
    with pytest.raises(PhotoError) as caught:
        photos.set_photo(client_id, data)
    assert str(caught.value) == ("The file is not a picture that can be read (JPEG, PNG, GIF, "
                                 "BMP, TIFF or WebP)")
    assert _photo_rows(db) == [] and photos.photo(client_id) is None
    assert clients.get(client_id).version == before.version
    assert [h.field for h in clients.history(client_id)] == ["created"]


def test_a_picture_declaring_absurd_dimensions_is_refused_before_it_is_decoded(
        photos: PhotoService, client_id: int, db: Database) -> None:
    """A few hundred bytes claiming 30,000 x 30,000 pixels (2.7 GB decoded);
    a PNG is decoded whole, so it may have fewer pixels than a JPEG."""
    with pytest.raises(PhotoError, match="too large: at most 80 million pixels"):
        photos.set_photo(client_id, png_declaring(30_000, 30_000))
    with pytest.raises(PhotoError, match="too large"):
        photos.set_photo(client_id, png_declaring(10_000, 8_500))  # between the two limits
    with pytest.raises(PhotoError, match="too large: at most 40 million pixels"):
        photos.set_photo(client_id, png_declaring(8_000, 6_000))  # decoded whole: 400 MB
    assert _photo_rows(db) == []


def test_the_refusal_is_translated(photos: PhotoService, client_id: int) -> None:
    set_language("zh")
    with pytest.raises(PhotoError) as caught:
        photos.set_photo(client_id, b"nope")
    assert "图片" in str(caught.value)


def test_replace_remove_and_undo_are_history_entries_and_versions(
        photos: PhotoService, clients: ClientService, client_id: int, db: Database) -> None:
    first = halves(300, 200, "JPEG")
    photos.set_photo(client_id, first)
    stored_first = photos.stored(client_id)
    assert stored_first is not None and stored_first.uuid
    replaced = photos.set_photo(client_id, halves(200, 300, "JPEG"))
    assert replaced.previous == stored_first
    undone = photos.put_back(client_id, replaced.previous)  # undo of the replacement
    again = photos.stored(client_id)
    assert again is not None and (again.data, again.uuid) == (first, stored_first.uuid)
    removed = photos.remove_photo(client_id)
    assert removed.previous is not None and removed.previous.data == first
    assert photos.photo(client_id) is None and _photo_rows(db) == []
    photos.put_back(client_id, removed.previous)  # undo of the removal: same bytes and UUID
    back = photos.stored(client_id)
    assert back is not None and (back.data, back.uuid) == (first, stored_first.uuid)
    history = [(h.field, h.new) for h in reversed(clients.history(client_id))]
    assert history == [("created", "曾国方"), ("photo", "added"), ("photo", "replaced"),
                       ("photo", "replaced"), ("photo", "removed"), ("photo", "added")]
    assert clients.get(client_id).version == undone.version + 2
    # nothing to remove: nothing written
    photos.remove_photo(client_id)
    version = clients.get(client_id).version
    assert photos.remove_photo(client_id).previous is None
    assert clients.get(client_id).version == version


def test_the_history_shows_the_change_in_the_users_language() -> None:
    set_language("zh")
    assert (field_label("photo"), value_label("photo", "removed")) == ("照片", "已移除")


def test_an_open_card_saved_after_a_photo_change_is_merged_not_lost(
        photos: PhotoService, clients: ClientService, client_id: int) -> None:
    """The photo counts a version: an editor holding the card from before
    is refused, and the photo is no field to choose between."""
    card = clients.get(client_id)
    photos.set_photo(client_id, halves(100, 100))
    card.title = "总经理"
    from desktop_crm.domain.conflicts import EditConflictError

    with pytest.raises(EditConflictError) as caught:
        clients.save(card)
    assert [c.field for c in caught.value.changes] == ["photo"]


def test_the_photo_stays_in_the_trash_and_goes_when_purged(
        photos: PhotoService, clients: ClientService, client_id: int, db: Database) -> None:
    photos.set_photo(client_id, halves(100, 100))
    clients.delete(client_id)
    assert photos.photo(client_id) is not None
    with pytest.raises(PhotoError, match="Restore this client from the trash"):
        photos.set_photo(client_id, halves(50, 50))
    with pytest.raises(PhotoError):
        photos.remove_photo(client_id)
    assert stats(db)["photos"] == 0  # counted for live clients only
    clients.restore(client_id)
    assert stats(db)["photos"] == 1
    clients.delete(client_id)
    clients.purge(client_id)
    assert _photo_rows(db) == []
    with pytest.raises(NotFoundError):
        photos.set_photo(client_id, halves(50, 50))


@pytest.fixture
def statements(db: Database) -> Iterator[list[str]]:
    found: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        found.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield found
    event.remove(db.engine, "before_cursor_execute", record)


def test_cards_and_the_list_do_not_read_photos(
        photos: PhotoService, clients: ClientService, client_id: int,
        statements: list[str]) -> None:
    photos.set_photo(client_id, halves(800, 600))
    statements.clear()
    clients.get(client_id)
    clients.rows(clients.list_ids(ClientFilter()))
    clients.search("曾")
    assert statements and not [s for s in statements if "client_photos" in s]


def test_the_services_of_a_database_have_the_photo_service(db: Database, clock: Clock) -> None:
    services = Services.build(db, clock, "王磊")
    assert isinstance(services.photos, PhotoService) and services.photos.user == "王磊"
    services.set_user("李娜")
    assert services.photos.user == "李娜"
