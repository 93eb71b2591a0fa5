"""The one mapping between a client card and its rows.

A ``ClientCard`` is stored as a ``clients`` row with its ``client_phones``,
``client_tags`` (by tag name), ``important_dates`` (the birthday is the date
of kind ``birthday``), ``family_members`` and ``profile_answers`` rows. Saving
one card (``client_repo.save_card``), the bulk insert of an import
(``import_repo.insert_cards``), loading one card (``client_repo.load_card``)
and the export's pages (``client_repo.card_pages``) all map through here, so a
new field is added in one place.

Reading accepts ORM objects and Core rows alike: both carry the columns as
attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Phone
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import CLASSIFICATIONS, ClientKind, DateKind, Gender, PhoneKind
from desktop_crm.domain.search import sort_key
from desktop_crm.domain.validation import phone_digits

# card attributes stored as the ``clients`` column of the same name
SIMPLE_FIELDS = (
    "name", "title", "company", "email", "wechat", "website", "address", "home_address", "industry",
    "source", "owner", "notes", "legal_representative", "founded_on", "scale", "assets",
    "org_form", "relationship_since", "profile_filled_by", "annual_spend",
)


def _no_nul(text: str) -> str:
    # A NUL is never text (a broken paste): PostgreSQL cannot store one and
    # imports drop them, so cards drop them too, on either engine.
    return text.replace("\x00", "") if "\x00" in text else text


def clean(text: str) -> str:
    """Card text as stored: without NUL characters and surrounding spaces."""
    return _no_nul(text).strip()


# -- card -> rows -------------------------------------------------------------------

# the ``clients`` columns ``client_row`` gives, in its order
CLIENT_COLUMNS: tuple[str, ...] = (*SIMPLE_FIELDS, *CLASSIFICATIONS, "kind", "gender",
                                   "sort_key", "primary_phone")


def client_values(card: ClientCard, key_of: Callable[[str], str] = sort_key) -> dict[str, Any]:
    """The ``clients`` columns a card sets (not its id, UUID or timestamps);
    text is stored ``clean``. ``key_of`` is ``domain.search.sort_key`` (a
    bulk insert passes a cached one: names repeat)."""
    return dict(zip(CLIENT_COLUMNS, client_row(card, key_of), strict=True))


def client_row(card: ClientCard, key_of: Callable[[str], str] = sort_key) -> tuple[Any, ...]:
    """``client_values`` as a tuple of CLIENT_COLUMNS' values: a bulk insert
    writes it as it is (no dictionary a row)."""
    values: list[Any] = []
    add = values.append
    for name in SIMPLE_FIELDS:
        value = getattr(card, name)
        if isinstance(value, str):  # clean(), inline: 2.3 million calls at 100,000 cards
            value = (value.replace("\x00", "") if "\x00" in value else value).strip()
        add(value)
    for name in CLASSIFICATIONS:
        value = getattr(card, name)
        add(value.value if value else None)
    add(card.kind.value)
    add(card.gender.value)
    add(key_of(card.name))
    add(clean(card.primary_phone))
    return tuple(values)


# the ``client_phones`` columns ``phone_rows`` gives (after the client's id)
PHONE_COLUMNS = ("position", "kind", "number", "digits")


def phone_values(card: ClientCard) -> list[dict[str, Any]]:
    """The ``client_phones`` rows of a card, in its order, blank numbers left out."""
    return [dict(zip(PHONE_COLUMNS, row, strict=True)) for row in phone_rows(card)]


def phone_rows(card: ClientCard) -> list[tuple[int, str, str, str]]:
    """``phone_values`` as tuples of PHONE_COLUMNS' values; the last is the
    number's digits (what the search index holds: ``phone_digits_of``)."""
    rows: list[tuple[int, str, str, str]] = []
    for p in card.phones:
        number = clean(p.number)
        if number:
            rows.append((len(rows), p.kind.value, number, phone_digits(p.number)))
    return rows


def phone_digits_of(card: ClientCard) -> list[str]:
    """The digits of the stored numbers (what the search index holds)."""
    return [phone_digits(p.number) for p in card.phones if clean(p.number)]


def tag_names(card: ClientCard) -> list[str]:
    """The tag names a card links to, once each, in its order."""
    return list(dict.fromkeys(clean(t) for t in card.tags if clean(t)))


def spec_columns(spec: DateSpec | None) -> dict[str, Any]:
    if spec is None:
        return {"calendar": None, "month": None, "day": None, "year": None, "leap": False}
    return {"calendar": spec.calendar, "month": spec.month, "day": spec.day,
            "year": spec.year, "leap": spec.leap}


# the ``important_dates`` columns ``birthday_row`` gives (after the client's id)
BIRTHDAY_COLUMNS = ("kind", "label", "remind_days", "calendar", "month", "day", "year", "leap")


def birthday_row(card: ClientCard) -> tuple[Any, ...] | None:
    """``birthday_values`` as a tuple of BIRTHDAY_COLUMNS' values, or None."""
    spec = card.birthday
    if spec is None:
        return None
    return (DateKind.BIRTHDAY.value, "", card.birthday_remind_days, spec.calendar, spec.month,
            spec.day, spec.year, spec.leap)


def birthday_values(card: ClientCard) -> dict[str, Any] | None:
    """The ``important_dates`` row of the birthday (without its UUID), or None."""
    if card.birthday is None:
        return None
    return {"kind": DateKind.BIRTHDAY.value, "label": "", "remind_days": card.birthday_remind_days,
            **spec_columns(card.birthday)}


def date_values(item: ImportantDate) -> dict[str, Any]:
    """The ``important_dates`` row of another date (without its UUID)."""
    return {"kind": item.kind.value, "label": _no_nul(item.label),
            "remind_days": item.remind_days,
            **spec_columns(item.spec)}


def family_values(member: FamilyMember) -> dict[str, Any]:
    """The ``family_members`` row of a family member (without its UUID)."""
    return {"relation": clean(member.relation), "name": clean(member.name),
            "notes": _no_nul(member.notes), "birth_remind_days": member.remind_days,
            **{f"birth_{k}": v for k, v in spec_columns(member.birthday).items()}}


# -- rows -> card -------------------------------------------------------------------

def _spec(calendar: str | None, month: int | None, day: int | None, year: int | None,
          leap: bool) -> DateSpec | None:
    if not calendar or not month or not day:
        return None
    return DateSpec(calendar, month, day, year, bool(leap))


def card_from_rows(client: Any, phones: Iterable[Any], tags: Iterable[str],
                   dates: Iterable[Any], family: Iterable[Any],
                   answers: Iterable[Any]) -> ClientCard:
    """The card of a ``clients`` row and its phone, date, family and answer
    rows (each in stored order) and tag names (sorted here)."""
    card = ClientCard(id=client.id, uuid=client.uuid, kind=ClientKind(client.kind),
                      gender=Gender(client.gender))
    for name in SIMPLE_FIELDS:
        setattr(card, name, getattr(client, name))
    for name, enum in CLASSIFICATIONS.items():
        value = getattr(client, name)
        setattr(card, name, enum(value) if value else None)
    card.phones = [Phone(p.number, PhoneKind(p.kind)) for p in phones]
    # by code point, as SQLite orders them: a server's collation may not
    card.tags = sorted(tags)
    for row in dates:
        spec = DateSpec(row.calendar, row.month, row.day, row.year, bool(row.leap))
        if row.kind == DateKind.BIRTHDAY:
            card.birthday, card.birthday_remind_days = spec, row.remind_days
            card.birthday_uuid = row.uuid
        else:
            card.dates.append(ImportantDate(DateKind(row.kind), spec, row.label,
                                            row.remind_days, row.uuid))
    card.family = [
        FamilyMember(m.relation, m.name,
                     _spec(m.birth_calendar, m.birth_month, m.birth_day, m.birth_year,
                           m.birth_leap), m.notes, m.birth_remind_days, m.uuid)
        for m in family
    ]
    answers = list(answers)
    card.profile = {a.question: a.answer for a in answers if a.answer}
    card.profile_private = {a.question for a in answers if a.private}
    card.grade = client.grade
    card.created_at, card.updated_at = client.created_at, client.updated_at
    card.deleted_at = client.deleted_at
    card.version = client.version
    return card
