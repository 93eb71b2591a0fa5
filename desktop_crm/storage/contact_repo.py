"""The contact people of organisation cards (``contact_people``).

Every write rebuilds the organisation's search entry, which holds its
people's keys (storage.search_index). Functions take a Session and never
commit: the calling service owns the unit of work.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from desktop_crm.domain.contact import ContactPerson
from desktop_crm.domain.enums import ClientKind
from desktop_crm.storage import search_index
from desktop_crm.storage.contact_rows import contact_values, to_person
from desktop_crm.storage.models import Client, ContactPersonRow


def live_client_kind(session: Session, client_id: int) -> ClientKind | None:
    """The kind of the client, None when it does not exist or is in the trash."""
    kind = session.scalar(select(Client.kind).where(Client.id == client_id,
                                                    Client.deleted_at.is_(None)))
    return ClientKind(kind) if kind else None


def for_client(session: Session, client_id: int) -> list[ContactPerson]:
    """The organisation's people, in the order they were added."""
    stmt = (select(ContactPersonRow).where(ContactPersonRow.client_id == client_id)
            .order_by(ContactPersonRow.id))
    return [to_person(r) for r in session.scalars(stmt)]


# which of some clients have people, built once (a page of the list asks on
# every keystroke; most organisations have none)
_WITH_PEOPLE = (select(ContactPersonRow.client_id).distinct()
                .where(ContactPersonRow.client_id.in_(bindparam("ids", expanding=True))))


def for_clients(session: Session, client_ids: list[int]) -> dict[int, list[ContactPerson]]:
    """The people of each of the clients that have any (a page of the list)."""
    found: dict[int, list[ContactPerson]] = {}
    client_ids = list(session.connection().execute(_WITH_PEOPLE, {"ids": client_ids}).scalars())
    if not client_ids:
        return found
    stmt = (select(ContactPersonRow).where(ContactPersonRow.client_id.in_(client_ids))
            .order_by(ContactPersonRow.id))
    for row in session.scalars(stmt):
        found.setdefault(row.client_id, []).append(to_person(row))
    return found


def get(session: Session, person_id: int) -> ContactPerson | None:
    row = session.get(ContactPersonRow, person_id)
    return to_person(row) if row else None


def add(session: Session, person: ContactPerson, now: datetime) -> int:
    """Insert ``person`` (with its UUID when it has one: undo of a removal)."""
    row = ContactPersonRow(**contact_values(person), created_at=now, updated_at=now,
                           **({"uuid": person.uuid} if person.uuid else {}))
    session.add(row)
    session.flush()
    search_index.reindex(session, person.client_id)
    return row.id


def update(session: Session, person: ContactPerson, now: datetime) -> bool:
    """Store ``person`` over the row of its id; False when it is gone. The
    person stays with its organisation (``client_id`` is not moved)."""
    row = session.get(ContactPersonRow, person.id)
    if row is None or row.client_id != person.client_id:
        return False
    for name, value in contact_values(person).items():
        setattr(row, name, value)
    row.updated_at = now
    session.flush()
    search_index.reindex(session, row.client_id)
    return True


def remove(session: Session, person_id: int) -> ContactPerson | None:
    """Delete one person; returns it as it was (for undo), None when gone."""
    row = session.get(ContactPersonRow, person_id)
    if row is None:
        return None
    person = to_person(row)
    session.delete(row)
    session.flush()
    search_index.reindex(session, person.client_id)
    return person


# -- for the contacts import ----------------------------------------------------------

def clients_by_uuid(session: Session, uuids: set[str]) -> dict[str, tuple[int, str, bool, str]]:
    """UUID -> (client id, kind, in the trash, name) for the UUIDs that name a client."""
    wanted = sorted(uuids)
    found: dict[str, tuple[int, str, bool, str]] = {}
    for start in range(0, len(wanted), 500):
        stmt = select(Client.uuid, Client.id, Client.kind, Client.deleted_at, Client.name)
        for uid, cid, kind, deleted, name in session.execute(
                stmt.where(Client.uuid.in_(wanted[start:start + 500]))):
            found[uid] = (cid, kind, deleted is not None, name)
    return found


def live_organisations(session: Session) -> list[tuple[int, str, str]]:
    """(id, name, company) of every organisation not in the trash."""
    stmt = select(Client.id, Client.name, Client.company).where(
        Client.kind == ClientKind.ORGANISATION.value, Client.deleted_at.is_(None))
    return [(cid, name, company) for cid, name, company in session.execute(stmt)]


def known_uuids(session: Session, uuids: set[str]) -> set[str]:
    """Those of ``uuids`` that a contact person here has."""
    wanted = sorted(uuids)
    return {u for start in range(0, len(wanted), 500)
            for u in session.scalars(select(ContactPersonRow.uuid).where(
                ContactPersonRow.uuid.in_(wanted[start:start + 500])))}
