"""The contact people of organisation cards (``contact_people``).

Every write rebuilds the organisation's search entry, which holds its
people's keys (storage.search_index). Functions take a Session and never
commit: the calling service owns the unit of work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.domain.contact import ContactPerson, PurchaseRole
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import ClientKind
from desktop_crm.storage import search_index
from desktop_crm.storage.card_rows import clean, spec_columns
from desktop_crm.storage.models import Client, ContactPersonRow


def phones_of(text: str) -> list[str]:
    """The numbers of the ``phones`` column (one a line)."""
    return [line for line in text.split("\n") if line.strip()]


def contact_values(person: ContactPerson) -> dict[str, Any]:
    """The ``contact_people`` columns a person sets (not id, UUID or timestamps)."""
    return {
        "client_id": person.client_id, "name": clean(person.name), "title": clean(person.title),
        "role": person.role.value,
        "phones": "\n".join(clean(p) for p in person.phones if clean(p)),
        "email": clean(person.email), "wechat": clean(person.wechat),
        "notes": person.notes.replace("\x00", ""),
        **{f"birth_{k}": v for k, v in spec_columns(person.birthday).items()},
    }


def to_person(row: Any) -> ContactPerson:
    """The person of a row (ORM object or Core row)."""
    birthday = None
    if row.birth_calendar and row.birth_month and row.birth_day:
        birthday = DateSpec(row.birth_calendar, row.birth_month, row.birth_day,
                            row.birth_year, bool(row.birth_leap))
    return ContactPerson(
        client_id=row.client_id, name=row.name, title=row.title, role=PurchaseRole(row.role),
        phones=phones_of(row.phones), email=row.email, wechat=row.wechat, birthday=birthday,
        notes=row.notes, id=row.id, uuid=row.uuid)


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
