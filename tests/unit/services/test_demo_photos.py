"""The demo book's photos (services.demo_photos): one client in EVERY, at
most MAX_PHOTOS a run, drawn business cards stored as the photo service
stores them, the same for the same seed, on both engines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from desktop_crm.services import demo
from desktop_crm.services.demo_photos import EVERY, MAX_PHOTOS
from desktop_crm.services.photos import PhotoService
from desktop_crm.services.stats import stats
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import ClientPhotoRow
from tests.conftest import NewDatabases
from tests.photo_images import size_of

NOW = datetime(2026, 3, 15, 10, 30, 0)


def _photos(db: Database) -> list[tuple[int, bytes]]:
    with db.read() as s:
        return [(r.client_id, bytes(r.data)) for r in
                s.scalars(select(ClientPhotoRow).order_by(ClientPhotoRow.client_id))]


def test_a_few_demo_clients_have_a_photo(db: Database, new_db: NewDatabases) -> None:
    demo.generate(db, 100, seed=4, now=NOW)
    found = _photos(db)
    assert [cid for cid, _data in found] == list(range(1, 101, EVERY))
    assert all(size_of(data) == (900, 540) for _cid, data in found)
    assert len({data for _cid, data in found}) == len(found)  # not one picture repeated
    assert stats(db)["photos"] == len(found)
    assert PhotoService(db).photo(1) == found[0][1]
    again = new_db.open("again.db")
    demo.generate(again, 100, seed=4, now=NOW)
    assert _photos(again) == found
    demo.generate(again, 1000, seed=5, now=NOW)  # a larger run: no more than MAX_PHOTOS
    assert len(_photos(again)) == len(found) + MAX_PHOTOS
