"""The database's own identity and the lookups of records by UUID.

The database UUID is kept in ``app_settings`` under DATABASE_UUID_KEY (as
JSON text, like every setting); migration 20261205_07 writes it, so every
new database gets its own. A copied file keeps it: a copy is the same book.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.domain.care import Source
from desktop_crm.domain.identity import new_uuid, parse_uuid
from desktop_crm.storage.models import (
    Client,
    ComplaintRow,
    ContactPersonRow,
    FamilyMemberRow,
    ImportantDateRow,
    InteractionRow,
    SettingRow,
)

DATABASE_UUID_KEY = "database_uuid"


def database_uuid(session: Session) -> str:
    """This database's UUID. Should the setting be missing or damaged (edited
    by hand), a new one is stored in the session (kept when it commits)."""
    # read through the table's own columns: a statement of the mapped
    # classes configures every mapper on its first use (25 ms), and the
    # window's start reads this before Today (see models.py); Session.execute
    # flushes first, so what the session stored is read too
    settings = SettingRow.__table__.c
    stored = session.execute(select(settings.value)
                             .where(settings.key == DATABASE_UUID_KEY)).scalar()
    try:
        found = parse_uuid(json.loads(stored)) if stored is not None else None
    except ValueError:
        found = None
    if found is not None:
        return found
    value = new_uuid()
    row = session.get(SettingRow, DATABASE_UUID_KEY)
    if row is None:
        session.add(SettingRow(key=DATABASE_UUID_KEY, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)
    session.flush()
    return value


def clients_by_uuid(session: Session, uuids: Iterable[str]) -> dict[str, tuple[int, bool]]:
    """UUID -> (client id, in the trash) for the given UUIDs that name a client here."""
    wanted = sorted(set(uuids))
    found: dict[str, tuple[int, bool]] = {}
    if wanted and session.execute(select(Client.id).limit(1)).first() is None:
        return found  # no client at all (an import into a new book: 200 reads of 500 for none)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        stmt = select(Client.uuid, Client.id, Client.deleted_at).where(Client.uuid.in_(chunk))
        for uid, cid, deleted in session.execute(stmt):
            found[uid] = (int(cid), deleted is not None)
    return found


def client_uuids(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Client id -> UUID for the given ids that exist."""
    wanted = sorted(set(ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for cid, uid in session.execute(select(Client.id, Client.uuid)
                                        .where(Client.id.in_(chunk))):
            found[int(cid)] = str(uid)
    return found


# The table an agenda item's ``ref`` points into, by its source (domain.care.Source).
_SOURCE_MODELS: dict[str, type[Client | ImportantDateRow | FamilyMemberRow | InteractionRow
                             | ComplaintRow | ContactPersonRow]] = {
    Source.IMPORTANT_DATE: ImportantDateRow, Source.FAMILY_MEMBER: FamilyMemberRow,
    Source.FOUNDING: Client, Source.RELATIONSHIP: Client, Source.NO_CONTACT: Client,
    Source.INTERACTION: InteractionRow, Source.THANK_YOU: InteractionRow,
    Source.COMPLAINT: ComplaintRow, Source.CONTACT_PERSON: ContactPersonRow,
}


def source_uuids(session: Session, refs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """(source, ref) of agenda items -> the UUID of the record each comes from:
    one query per table and 500 ids, however many items (sources without a
    record, festivals and the backlog, are left out)."""
    pairs = set(refs)
    wanted: dict[type, set[int]] = {}
    for source, ref in pairs:
        model = _SOURCE_MODELS.get(source)
        if model is not None:
            wanted.setdefault(model, set()).add(ref)
    by_row: dict[tuple[type, int], str] = {}
    for model, ids in wanted.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start:start + 500]
            for rid, uid in session.execute(select(model.id, model.uuid)
                                            .where(model.id.in_(chunk))):
                by_row[(model, int(rid))] = str(uid)
    found: dict[tuple[str, int], str] = {}
    for source, ref in pairs:
        model = _SOURCE_MODELS.get(source)
        record = by_row.get((model, ref)) if model is not None else None
        if record is not None:
            found[(source, ref)] = record
    return found
