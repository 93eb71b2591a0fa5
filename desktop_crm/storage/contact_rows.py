"""The one mapping between a contact person and its ``contact_people`` row.

Reading accepts ORM objects and Core rows alike: both carry the columns as
attributes.
"""

from __future__ import annotations

from typing import Any

from desktop_crm.domain.contact import ContactPerson, PurchaseRole
from desktop_crm.domain.dates import DateSpec
from desktop_crm.storage.card_rows import clean, spec_columns


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
