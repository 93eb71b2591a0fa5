"""The database's own identity and the lookups of records by UUID.

The database UUID is kept in ``app_settings`` under DATABASE_UUID_KEY (as
JSON text, like every setting); migration 20261205_07 writes it, so every
new database gets its own. A copied file keeps it: a copy is the same book.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import Table, select

from desktop_crm.domain.care import Source
from desktop_crm.domain.identity import new_uuid, parse_uuid
from desktop_crm.storage.tables import (
    app_settings,
    clients,
    complaints,
    contact_people,
    family_members,
    important_dates,
    interactions,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop_crm.storage.dialect import Reader

DATABASE_UUID_KEY = "database_uuid"


def stored_database_uuid(session: Reader) -> str | None:
    """This database's UUID as stored, or None when the setting is missing
    or damaged (edited by hand). Read through the table alone (the window's
    start reads it before Today is filled, without the ORM); a session
    flushes first, so what it stored is read too."""
    settings = app_settings.c
    stored = session.execute(select(settings.value)
                             .where(settings.key == DATABASE_UUID_KEY)).scalar()
    try:
        return parse_uuid(json.loads(stored)) if stored is not None else None
    except ValueError:
        return None


def database_uuid(session: Session) -> str:
    """This database's UUID. Should the setting be missing or damaged (edited
    by hand), a new one is stored in the session (kept when it commits)."""
    found = stored_database_uuid(session)
    if found is not None:
        return found
    from desktop_crm.storage.models import SettingRow

    value = new_uuid()
    row = session.get(SettingRow, DATABASE_UUID_KEY)
    if row is None:
        session.add(SettingRow(key=DATABASE_UUID_KEY, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)
    session.flush()
    return value


def clients_by_uuid(session: Reader, uuids: Iterable[str]) -> dict[str, tuple[int, bool]]:
    """UUID -> (client id, in the trash) for the given UUIDs that name a client here."""
    wanted = sorted(set(uuids))
    found: dict[str, tuple[int, bool]] = {}
    if wanted and session.execute(select(clients.c.id).limit(1)).first() is None:
        return found  # no client at all (an import into a new book: 200 reads of 500 for none)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        c = clients.c
        stmt = select(c.uuid, c.id, c.deleted_at).where(c.uuid.in_(chunk))
        for uid, cid, deleted in session.execute(stmt):
            found[uid] = (int(cid), deleted is not None)
    return found


def client_uuids(session: Reader, ids: Iterable[int]) -> dict[int, str]:
    """Client id -> UUID for the given ids that exist."""
    wanted = sorted(set(ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for cid, uid in session.execute(select(clients.c.id, clients.c.uuid)
                                        .where(clients.c.id.in_(chunk))):
            found[int(cid)] = str(uid)
    return found


# The table an agenda item's ``ref`` points into, by its source (domain.care.Source).
_SOURCE_TABLES: dict[str, Table] = {
    Source.IMPORTANT_DATE: important_dates, Source.FAMILY_MEMBER: family_members,
    Source.FOUNDING: clients, Source.RELATIONSHIP: clients, Source.NO_CONTACT: clients,
    Source.INTERACTION: interactions, Source.THANK_YOU: interactions,
    Source.COMPLAINT: complaints, Source.CONTACT_PERSON: contact_people,
}


def source_uuids(session: Reader, refs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """(source, ref) of agenda items -> the UUID of the record each comes from:
    one query per table and 500 ids, however many items (sources without a
    record, festivals and the backlog, are left out)."""
    pairs = set(refs)
    wanted: dict[Table, set[int]] = {}
    for source, ref in pairs:
        table = _SOURCE_TABLES.get(source)
        if table is not None:
            wanted.setdefault(table, set()).add(ref)
    by_row: dict[tuple[Table, int], str] = {}
    for table, ids in wanted.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start:start + 500]
            for rid, uid in session.execute(select(table.c.id, table.c.uuid)
                                            .where(table.c.id.in_(chunk))):
                by_row[(table, int(rid))] = str(uid)
    found: dict[tuple[str, int], str] = {}
    for source, ref in pairs:
        table = _SOURCE_TABLES.get(source)
        record = by_row.get((table, ref)) if table is not None else None
        if record is not None:
            found[(source, ref)] = record
    return found
