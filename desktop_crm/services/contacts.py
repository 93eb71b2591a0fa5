"""Contact people of organisation cards: list, add, change, remove (and put
back, for undo). Every change is recorded in the organisation's history,
by the user, as the card's own changes are."""

from __future__ import annotations

import functools

from sqlalchemy.orm import Session

from desktop_crm.domain.client import ClientRow
from desktop_crm.domain.contact import (
    ContactPerson,
    index_text_of,
    summary,
    text_matches,
    validate_contact,
)
from desktop_crm.domain.enums import ClientKind
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.search import index_text
from desktop_crm.domain.validation import FieldError, ValidationError, phone_digits
from desktop_crm.i18n import _
from desktop_crm.services.clock import Clock, current_user, system_clock
from desktop_crm.storage import client_repo, contact_repo
from desktop_crm.storage.database import Database

HISTORY_FIELD = "contacts"


@functools.lru_cache(maxsize=4096)
def _own_index_text(name: str, company: str, digits: str, tags: str) -> str:
    """An organisation's index text without its people; cached because the
    list asks for it on every keystroke's first page, and its pinyin is slow."""
    return index_text(name, company, [digits], [tags])


class ContactService:
    """What the card's Contacts page and the CLI do with contact people.

    Attributes:
        db: the open database.
        clock: returns "now"; injected so tests can fix it.
        user: recorded in the organisation's history as the author.
    """

    def __init__(self, db: Database, clock: Clock = system_clock, user: str | None = None):
        self.db = db
        self.clock = clock
        self.user = current_user() if user is None else user

    def people_of(self, client_id: int) -> list[ContactPerson]:
        """The organisation's people, in the order they were added."""
        with self.db.read() as s:
            return contact_repo.for_client(s, client_id)

    def found_via(self, rows: list[ClientRow], typed: str) -> dict[int, str]:
        """For the search box's list: the organisations among ``rows`` found
        by ``typed`` through their people, not their own name, company,
        phone or tags -> the names of the people it found ("周远、李娜")."""
        if not typed.strip():
            return {}
        # the people first: most organisations have none, and an organisation's
        # own index text costs the pinyin of its name and company
        organisations = {r.id: r for r in rows
                         if r.kind == ClientKind.ORGANISATION and r.has_people}
        if not organisations:
            return {}
        with self.db.read() as s:
            people = contact_repo.for_clients(s, list(organisations))
        via: dict[int, str] = {}
        for client_id, persons in people.items():
            names = [p.name for p in persons if text_matches(index_text_of(p), typed)]
            r = organisations[client_id]
            if names and not text_matches(
                    _own_index_text(r.name, r.company, phone_digits(r.phone), r.tags), typed):
                via[client_id] = "、".join(names)
        return via

    def get(self, person_id: int) -> ContactPerson:
        with self.db.read() as s:
            found = contact_repo.get(s, person_id)
        if found is None:
            raise NotFoundError(_("Contact person {id} does not exist", id=person_id))
        return found

    @staticmethod
    def _check_client(s: Session, client_id: int) -> None:
        kind = contact_repo.live_client_kind(s, client_id)
        if kind is None:
            raise NotFoundError(_("Client {id} does not exist", id=client_id))
        if kind != ClientKind.ORGANISATION:
            raise ValidationError([FieldError("client", _(
                "Only organisation cards have contact people"))])

    def save(self, person: ContactPerson) -> int:
        """Add ``person`` (no id) or store it over the person of its id;
        returns the id. Raises ValidationError or NotFoundError, writing nothing."""
        now = self.clock()
        errors = validate_contact(person, now.date())
        if errors:
            raise ValidationError(errors)
        with self.db.session() as s:
            self._check_client(s, person.client_id)
            if person.id is None:
                person_id = contact_repo.add(s, person, now)
                change = ("", summary(person))
            else:
                old = contact_repo.get(s, person.id)
                if old is None or not contact_repo.update(s, person, now):
                    raise NotFoundError(_("Contact person {id} does not exist", id=person.id))
                person_id = person.id
                change = (summary(old), summary(person))
                if change[0] == change[1] and old.notes == person.notes:
                    return person_id
            client_repo.add_changes(s, person.client_id, [(HISTORY_FIELD, *change)], now,
                                    self.user)
            return person_id

    def remove(self, person_id: int) -> ContactPerson:
        """Remove one person; returns it as it was, for undo (``restore``)."""
        now = self.clock()
        with self.db.session() as s:
            gone = contact_repo.remove(s, person_id)
            if gone is None:
                raise NotFoundError(_("Contact person {id} does not exist", id=person_id))
            client_repo.add_changes(s, gone.client_id, [(HISTORY_FIELD, summary(gone), "")],
                                    now, self.user)
        return gone

    def restore(self, person: ContactPerson) -> int:
        """Put back a person ``remove`` returned, with its UUID."""
        now = self.clock()
        with self.db.session() as s:
            self._check_client(s, person.client_id)
            restored = ContactPerson(**{**person.__dict__, "id": None})
            person_id = contact_repo.add(s, restored, now)
            client_repo.add_changes(s, person.client_id, [(HISTORY_FIELD, "", summary(person))],
                                    now, self.user)
            return person_id
