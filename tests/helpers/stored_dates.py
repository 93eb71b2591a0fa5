"""Every yearly date the live clients have stored, read with plain SELECTs:
what a naive agenda loop walks to check the agenda (the agenda's tests and
``benchmarks/agenda.py``)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from desktop_crm.domain.care import Source
from desktop_crm.domain.dates import SOLAR, DateSpec
from desktop_crm.domain.enums import AgendaKind, DateKind
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client, FamilyMemberRow, ImportantDateRow

# The kinds of item a stored date makes (every other kind has no date of its own).
DATED = (AgendaKind.BIRTHDAY, AgendaKind.FAMILY_BIRTHDAY, AgendaKind.WEDDING_ANNIVERSARY,
         AgendaKind.FOUNDING_ANNIVERSARY, AgendaKind.RELATIONSHIP_ANNIVERSARY,
         AgendaKind.CUSTOM_DATE)
_IMPORTANT = {DateKind.BIRTHDAY.value: AgendaKind.BIRTHDAY,
              DateKind.WEDDING_ANNIVERSARY.value: AgendaKind.WEDDING_ANNIVERSARY,
              DateKind.CUSTOM.value: AgendaKind.CUSTOM_DATE}

# (kind, source, ref, client id, the date): one stored date, as the agenda names its item
StoredDate = tuple[AgendaKind, str, int, int, DateSpec]


def stored_dates(db: Database) -> Iterator[StoredDate]:
    """The important dates, family birthdays and founding and relationship
    anniversaries of every client not in the trash."""
    d, f = ImportantDateRow, FamilyMemberRow
    live = Client.deleted_at.is_(None)
    with db.read() as s:
        for r in s.execute(select(d.id, d.client_id, d.kind, d.calendar, d.month, d.day,
                                  d.year, d.leap).join(Client, Client.id == d.client_id)
                           .where(live)):
            yield (_IMPORTANT[r.kind], Source.IMPORTANT_DATE, r.id, r.client_id,
                   DateSpec(r.calendar, r.month, r.day, r.year, bool(r.leap)))
        for m in s.execute(select(f.id, f.client_id, f.birth_calendar, f.birth_month,
                                  f.birth_day, f.birth_year, f.birth_leap)
                           .join(Client, Client.id == f.client_id)
                           .where(live, f.birth_calendar.is_not(None))):
            yield (AgendaKind.FAMILY_BIRTHDAY, Source.FAMILY_MEMBER, m.id, m.client_id,
                   DateSpec(m.birth_calendar, m.birth_month, m.birth_day, m.birth_year,
                            bool(m.birth_leap)))
        for c in s.execute(select(Client.id, Client.founded_on, Client.relationship_since)
                           .where(live, Client.founded_on.is_not(None)
                                  | Client.relationship_since.is_not(None))):
            for kind, source, value in (
                    (AgendaKind.FOUNDING_ANNIVERSARY, Source.FOUNDING, c.founded_on),
                    (AgendaKind.RELATIONSHIP_ANNIVERSARY, Source.RELATIONSHIP,
                     c.relationship_since)):
                if value is not None:
                    yield kind, source, c.id, c.id, DateSpec(SOLAR, value.month, value.day,
                                                             value.year)
