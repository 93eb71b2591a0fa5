"""Every database has its own UUID, and every insert of a record gets one."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from desktop_crm.domain.identity import parse_uuid
from desktop_crm.storage import identity_repo
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client, SettingRow

NOW = datetime(2026, 12, 5, 9, 0)


def _new_target(engine: str, tmp_path: Path, request: pytest.FixtureRequest,
                name: str) -> str:
    """A new, empty database: a file, or a server database without tables
    (the schema and identity come from the migrations ``Database.open`` runs)."""
    if engine == "sqlite":
        Database.open(tmp_path / name, create=True).close()
        return str(tmp_path / name)
    cluster = request.getfixturevalue("pg_cluster")
    url = str(cluster.empty_database())
    request.addfinalizer(lambda: cluster.drop(url))
    Database.open(url).close()
    return url


def test_every_new_database_gets_its_own_uuid_and_keeps_it(
        engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    found = []
    for name in ("a.db", "b.db"):
        target = _new_target(engine, tmp_path, request, name)
        db = Database.open(target)
        with db.read() as s:
            first = identity_repo.database_uuid(s)
        db.close()
        db = Database.open(target)
        with db.read() as s:
            assert identity_repo.database_uuid(s) == first
        db.close()
        found.append(first)
    assert all(parse_uuid(u) == u for u in found) and found[0] != found[1]


def test_orm_and_core_inserts_get_distinct_uuids_and_duplicates_are_refused(
        db: Database) -> None:
    with db.session() as s:
        s.add(Client(name="甲", created_at=NOW, updated_at=NOW))
        s.execute(insert(Client), [{"name": n, "created_at": NOW, "updated_at": NOW}
                                   for n in ("乙", "丙")])
    with db.read() as s:
        uuids = list(s.scalars(select(Client.uuid).order_by(Client.id)))
        assert identity_repo.clients_by_uuid(s, uuids[:1]) == {uuids[0]: (1, False)}
    assert len(set(uuids)) == 3 and all(parse_uuid(u) == u for u in uuids)
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Client(name="丁", uuid=uuids[0], created_at=NOW, updated_at=NOW))


def test_clients_by_uuid_in_an_empty_book_and_in_the_trash(db: Database) -> None:
    wanted = ["0f8fad5b-d9cb-469f-a165-70867728950e", "7c9e6679-7425-40de-944b-e07fc1f90ae7"]
    with db.read() as s:
        assert identity_repo.clients_by_uuid(s, wanted) == {}
    with db.session() as s:  # the only client is in the trash: still found, as trashed
        s.add(Client(name="甲", uuid=wanted[1], created_at=NOW, updated_at=NOW,
                     deleted_at=NOW))
    with db.read() as s:
        found = identity_repo.clients_by_uuid(s, wanted)
    assert list(found) == [wanted[1]] and found[wanted[1]][1] is True


@pytest.mark.parametrize("stored", [None, '"not a uuid"', "{"])
def test_a_missing_or_damaged_database_uuid_is_replaced_and_kept(
        db: Database, stored: str | None) -> None:
    """Read through the table's own columns, written through the session when
    it must be replaced: the same new UUID is read back, in the session and
    after it commits."""
    settings = SettingRow.__table__
    with db.session() as s:
        s.execute(delete(settings).where(settings.c.key == identity_repo.DATABASE_UUID_KEY))
        if stored is not None:
            s.execute(insert(settings).values(key=identity_repo.DATABASE_UUID_KEY, value=stored))
    with db.session() as s:
        new = identity_repo.database_uuid(s)
        assert parse_uuid(new) == new and identity_repo.database_uuid(s) == new
    with db.read() as s:
        assert identity_repo.database_uuid(s) == new
