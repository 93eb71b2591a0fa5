"""Every database has its own UUID, and every insert of a record gets one."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from desktop_crm.domain.identity import parse_uuid
from desktop_crm.storage import identity_repo
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client

NOW = datetime(2026, 12, 5, 9, 0)


def test_every_new_database_gets_its_own_uuid_and_keeps_it(tmp_path: Path) -> None:
    found = []
    for name in ("a.db", "b.db"):
        db = Database.open(tmp_path / name, create=True)
        with db.read() as s:
            first = identity_repo.database_uuid(s)
        db.close()
        db = Database.open(tmp_path / name)
        with db.read() as s:
            assert identity_repo.database_uuid(s) == first
        db.close()
        found.append(first)
    assert all(parse_uuid(u) == u for u in found) and found[0] != found[1]


def test_orm_and_core_inserts_get_distinct_uuids_and_duplicates_are_refused(
        tmp_path: Path) -> None:
    db = Database.open(tmp_path / "a.db", create=True)
    try:
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
    finally:
        db.close()
