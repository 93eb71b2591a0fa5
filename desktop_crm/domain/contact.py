"""Contact people (联系人) of an organisation card: who at the client buys,
decides, uses and guards the door, with their phones, e-mail, WeChat and
birthday.

A person is not a client card of its own: it belongs to one organisation,
is found by the search box (the organisation's index entry holds its
people's keys) and its birthday is on the care calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from desktop_crm.domain import search
from desktop_crm.domain.dates import DateSpec, DateSpecError
from desktop_crm.domain.enums import LabelledEnum, register_labels
from desktop_crm.domain.validation import (
    MAX_NAME,
    MAX_PHONE,
    MAX_PHONES,
    MAX_TEXT,
    FieldError,
    check_email,
    check_phone,
    phone_digits,
)
from desktop_crm.i18n import N_, _

MAX_TITLE = 200
MAX_WECHAT = 100
MAX_EMAIL = 254


class PurchaseRole(LabelledEnum):
    """The person's part in the organisation's buying decision."""

    DECISION_MAKER = "decision_maker"
    INFLUENCER = "influencer"
    USER = "user"
    BUYER = "buyer"
    GATEKEEPER = "gatekeeper"
    OTHER = "other"


register_labels({
    "PurchaseRole": {
        "decision_maker": N_("Decision maker"), "influencer": N_("Influencer"),
        "user": N_("User"), "buyer": N_("Purchaser"), "gatekeeper": N_("Gatekeeper"),
        "other": N_("Other role"),
    },
})


@dataclass
class ContactPerson:
    """One person at an organisation client.

    Attributes:
        client_id: the organisation's card.
        phones: the numbers as typed, first the main one.
        birthday: Gregorian or lunar, with or without the year (None: unknown).
        uuid: given by storage when empty; undo puts a removed person back with it.
    """

    client_id: int
    name: str
    title: str = ""
    role: PurchaseRole = PurchaseRole.OTHER
    phones: list[str] = field(default_factory=list)
    email: str = ""
    wechat: str = ""
    birthday: DateSpec | None = None
    notes: str = ""
    id: int | None = None
    uuid: str = field(default="", compare=False)

    @property
    def primary_phone(self) -> str:
        return self.phones[0] if self.phones else ""


def _too_long(limit: int) -> str:
    return _("Too long: at most {n} characters", n=f"{limit:,}")


def validate_contact(person: ContactPerson, today: date) -> list[FieldError]:
    """Every problem with ``person``, named by field (``name``, ``phones.1``,
    ``email``, ``birthday``); an empty list means it can be saved."""
    errors: list[FieldError] = []
    name = person.name.strip()
    if not name:
        errors.append(FieldError("name", _("Name is required")))
    elif len(name) > MAX_NAME:
        errors.append(FieldError("name", _too_long(MAX_NAME)))
    for part, text, limit in (("title", person.title.strip(), MAX_TITLE),
                              ("wechat", person.wechat.strip(), MAX_WECHAT),
                              ("notes", person.notes, MAX_TEXT)):
        if len(text) > limit:
            errors.append(FieldError(part, _too_long(limit)))
    phones = [p for p in person.phones if p.strip()]
    for i, phone in enumerate(phones):
        problem = check_phone(phone)
        if problem is None and len(phone.strip()) > MAX_PHONE:
            problem = _too_long(MAX_PHONE)
        if problem:
            errors.append(FieldError(f"phones.{i}", problem))
    if len(phones) > MAX_PHONES:
        errors.append(FieldError("phones", _("At most {n} phone numbers per client",
                                             n=MAX_PHONES)))
    if person.email.strip():
        problem = check_email(person.email)
        if problem:
            errors.append(FieldError("email", problem))
    if person.birthday is not None:
        try:
            person.birthday.check()
        except DateSpecError as exc:
            errors.append(FieldError("birthday", str(exc)))
        else:
            first = person.birthday.original_date()
            if first is not None and first > today:
                errors.append(FieldError("birthday", _("A birthday cannot be in the future")))
    return errors


def describe(person: ContactPerson) -> str:
    """How the organisation's history names the person: ``张伟 (采购经理)``."""
    title = person.title.strip()
    return f"{person.name.strip()} ({title})" if title else person.name.strip()


def summary(person: ContactPerson) -> str:
    """What the organisation's history records of the person: name, title,
    role, phones, e-mail, WeChat and birthday, those given."""
    bits = [describe(person), person.role.label]
    bits += [p.strip() for p in person.phones if p.strip()]
    bits += [t.strip() for t in (person.email, person.wechat) if t.strip()]
    if person.birthday is not None:
        bits.append(person.birthday.describe())
    return " · ".join(bits)


def index_text_of(person: ContactPerson) -> str:
    """What the search index holds of the person (storage.search_index
    appends it to the organisation's entry)."""
    return search.index_text(person.name, "", [d for d in map(phone_digits, person.phones) if d],
                             [person.email, person.wechat])


def text_matches(text: str, typed: str) -> bool:
    """Whether the search box's ``typed`` finds index text ``text`` as the
    index does: every term matches, a Chinese run as consecutive characters,
    a latin word or digit run as the prefix of a token
    (``search.entry_matches``)."""
    terms = search.query_terms(typed)
    return bool(terms) and search.entry_matches(terms, text)
