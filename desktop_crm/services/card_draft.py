"""From a business card's fields to a client card: a new draft, the existing
clients it may be, and an existing card with the card's news added.

Nothing here saves: the new-card form (or ``card-scan --save``) saves what the
user accepts through ``ClientService.save``. The duplicate rules are the
import's (domain.import_mapping: same phone, same e-mail ignoring case, same
name and company), so a card finds the clients an import of it would find.
"""

from __future__ import annotations

import copy
import unicodedata
from dataclasses import dataclass

from desktop_crm.domain.business_card import CardFields
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.domain.enums import ClientKind, PhoneKind
from desktop_crm.domain.import_mapping import email_key, name_company_key, phone_key
from desktop_crm.domain.validation import check_email, check_phone
from desktop_crm.i18n import _
from desktop_crm.services.clock import Clock, current_user, system_clock
from desktop_crm.storage import card_match_repo
from desktop_crm.storage.database import Database

__all__ = ["CardDifference", "CardDraftService", "CardMatch", "CardMerge"]

# the text fields a card fills, in the order the form shows them
_TEXT_FIELDS = ("title", "company", "wechat", "address", "website")


@dataclass(frozen=True)
class CardMatch:
    """An existing client the business card may be.

    Attributes:
        client_id, name, company: the client.
        reason: why, translated and short ("same mobile 138 0013 8000"); the
            strongest reason when there are several.
        reasons: every reason, strongest first.
    """

    client_id: int
    name: str
    company: str
    reason: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class CardDifference:
    """A field the client card and the business card both fill, differently:
    kept as the client card has it, for the form to point out."""

    field: str  # a ClientCard attribute: "name", "title", "email" ...
    current: str
    from_card: str


@dataclass(frozen=True)
class CardMerge:
    """What ``merge`` made: the card, the fields it filled or added to, and the
    fields it left alone because the client card says something else."""

    card: ClientCard
    added: tuple[str, ...]
    differing: tuple[CardDifference, ...]


def _phones(fields: CardFields) -> list[Phone]:
    return ([Phone(n, PhoneKind.MOBILE) for n in fields.mobiles]
            + [Phone(n, PhoneKind.OFFICE) for n in fields.office_phones]
            + [Phone(n, PhoneKind.FAX) for n in fields.faxes])


def _note_phone(phone: Phone) -> str:
    return _("Phone on the business card: {number}", number=phone.number)


def _note_email(email: str) -> str:
    return _("E-mail on the business card: {email}", email=email)


def _add_note(card: ClientCard, line: str) -> bool:
    if line in card.notes:
        return False
    card.notes = f"{card.notes}\n{line}".strip()
    return True


def _same(a: str, b: str) -> bool:
    """Equal but for width, case and spaces (ＡＣＭＥ Inc. is ACME INC.)."""
    def fold(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).casefold().split())
    return fold(a) == fold(b)


class CardDraftService:
    """Business card to client card.

    Attributes:
        db: the open database (``matches`` reads it; nothing writes).
        clock: the services' clock (kept for symmetry; drafts carry no dates).
        user: the owner of a new card, as ``ClientService.user`` gives new clients.
    """

    def __init__(self, db: Database, clock: Clock = system_clock, user: str | None = None):
        self.db = db
        self.clock = clock
        self.user = current_user() if user is None else user

    # -- a new card -----------------------------------------------------------------
    def draft(self, fields: CardFields) -> ClientCard:
        """A new, unsaved person card filled from ``fields``: phones with their
        kinds (mobile, office, fax), the first e-mail (the others, and numbers
        the phone check refuses, such as one printed without its area code,
        go to the notes so that nothing read is lost), owned by the user."""
        card = ClientCard(name=fields.name.strip(), kind=ClientKind.PERSON, owner=self.user)
        for name in _TEXT_FIELDS:
            setattr(card, name, getattr(fields, name).strip())
        for phone in _phones(fields):
            if check_phone(phone.number) is None:
                card.phones.append(phone)
            else:
                _add_note(card, _note_phone(phone))
        for email in fields.emails:
            if not card.email and check_email(email) is None:
                card.email = email
            else:
                _add_note(card, _note_email(email))
        return card

    # -- existing clients -------------------------------------------------------------
    def matches(self, fields: CardFields) -> list[CardMatch]:
        """The live clients (not in the trash) that share a phone, an e-mail
        or the name and company with the business card; clients sharing a
        phone or e-mail first, then by how many keys they share, then by id."""
        reasons_by_key: dict[str, str] = {}
        for phone in _phones(fields):
            key = phone_key(phone.number)
            if len(key) >= 5:  # as the import: a short fragment matches anything
                reasons_by_key.setdefault(f"phone:{key}", _phone_reason(phone))
        for email in fields.emails:
            if email.strip():
                reasons_by_key.setdefault(f"email:{email_key(email)}",
                                          _("same e-mail {email}", email=email.strip()))
        name_key = name_company_key(fields.name, fields.company)
        if name_key:
            reasons_by_key["name"] = _("same name and company")
        phone_keys = {k.split(":", 1)[1] for k in reasons_by_key if k.startswith("phone:")}
        email_keys = {k.split(":", 1)[1] for k in reasons_by_key if k.startswith("email:")}
        with self.db.read() as session:
            hits = card_match_repo.clients_sharing(session, phone_keys, email_keys, name_key)
        order = list(reasons_by_key)
        by_client: dict[int, list[card_match_repo.ClientHit]] = {}
        for hit in hits:
            by_client.setdefault(hit.client_id, []).append(hit)
        found = []
        for client_id, client_hits in by_client.items():
            keys = sorted({h.key for h in client_hits}, key=order.index)
            reasons = tuple(reasons_by_key[k] for k in keys)
            strong = any(k != "name" for k in keys)
            found.append(((not strong, -len(keys), client_id),
                          CardMatch(client_id, client_hits[0].name, client_hits[0].company,
                                    reasons[0], reasons)))
        return [match for _key, match in sorted(found, key=lambda f: f[0])]

    # -- updating one -----------------------------------------------------------------
    def merge(self, card: ClientCard, fields: CardFields) -> CardMerge:
        """``card`` (not changed) copied with what the business card adds: its
        title, company, WeChat, address and website where the card has none,
        phones it does not have yet (same number: same phone key), its e-mail
        where the card has none and the other e-mails in the notes. A field
        the client card fills differently keeps the client card's value and is
        listed in ``differing``; nothing the user entered is overwritten."""
        merged = copy.deepcopy(card)
        added: list[str] = []
        differing: list[CardDifference] = []
        name = fields.name.strip()
        if name and not merged.name.strip():
            merged.name = name
            added.append("name")
        elif name and not _same(name, merged.name):
            differing.append(CardDifference("name", merged.name, name))
        for attr in _TEXT_FIELDS:
            value = getattr(fields, attr).strip()
            current = getattr(merged, attr)
            if not value:
                continue
            if not current.strip():
                setattr(merged, attr, value)
                added.append(attr)
            elif not _same(current, value):
                differing.append(CardDifference(attr, current, value))
        known = {phone_key(p.number) for p in merged.phones}
        for phone in _phones(fields):
            key = phone_key(phone.number)
            if key in known:
                continue
            known.add(key)
            if check_phone(phone.number) is None:
                merged.phones.append(phone)
                _once(added, "phones")
            elif _add_note(merged, _note_phone(phone)):
                _once(added, "notes")
        had = merged.email.strip()
        if had and fields.emails and email_key(had) not in {email_key(e) for e in fields.emails}:
            differing.append(CardDifference("email", merged.email, fields.emails[0]))
        for email in fields.emails:
            if email_key(email) == email_key(merged.email):
                continue
            if not merged.email.strip() and check_email(email) is None:
                merged.email = email
                added.append("email")
            elif _add_note(merged, _note_email(email)):
                _once(added, "notes")
        return CardMerge(merged, tuple(added), tuple(differing))

    def merge_into(self, card: ClientCard, fields: CardFields) -> ClientCard:
        """The merged card alone (see ``merge`` for what it adds and reports)."""
        return self.merge(card, fields).card


def _once(names: list[str], name: str) -> None:
    if name not in names:
        names.append(name)


def _phone_reason(phone: Phone) -> str:
    if phone.kind == PhoneKind.MOBILE:
        return _("same mobile {number}", number=phone.number)
    if phone.kind == PhoneKind.FAX:
        return _("same fax {number}", number=phone.number)
    return _("same phone {number}", number=phone.number)
