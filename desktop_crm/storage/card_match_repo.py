"""The existing clients a business card may be: the lookups behind
services.card_draft.matches.

The keys are the import's duplicate keys (domain.import_mapping: phone_key,
email_key, name_company_key), so a card and an imported row find the same
clients. Phones and e-mails are narrowed in SQL (the indexed phone digits, the
lower-cased e-mail) and compared by their keys here; name + company needs the
keys' normalisation (punctuation and width folded), which SQL cannot do on both
engines alike, so it is compared here over the live clients that have a company.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.domain.import_mapping import email_key, name_company_key, phone_key
from desktop_crm.storage.models import Client, ClientPhone


@dataclass(frozen=True)
class ClientHit:
    """A live client with one key it shares with the card."""

    client_id: int
    name: str
    company: str
    key: str  # "phone:<phone_key>", "email:<email_key>" or "name"


def _digit_forms(key: str) -> list[str]:
    """The stored digits (validation.phone_digits) a phone key can come from."""
    return [key, f"+{key}", f"+86{key}", f"0086{key}", f"86{key}"]


def clients_sharing(session: Session, phone_keys: Collection[str],
                    email_keys: Collection[str], name_key: str) -> list[ClientHit]:
    """Every (live client, shared key) pair, by client id then key."""
    hits: list[ClientHit] = []
    live = Client.deleted_at.is_(None)
    if phone_keys:
        forms = sorted({form for key in phone_keys for form in _digit_forms(key)})
        rows = session.execute(
            select(Client.id, Client.name, Client.company, ClientPhone.number)
            .join(ClientPhone, ClientPhone.client_id == Client.id)
            .where(live, ClientPhone.digits.in_(forms)))
        for client_id, name, company, number in rows:
            key = phone_key(number)
            if key in phone_keys:
                hits.append(ClientHit(client_id, name, company, f"phone:{key}"))
    if email_keys:
        lowered = sorted({k.lower() for k in email_keys})
        rows = session.execute(select(Client.id, Client.name, Client.company, Client.email)
                               .where(live, func.lower(func.trim(Client.email)).in_(lowered)))
        for client_id, name, company, email in rows:
            key = email_key(email)
            if key in email_keys:
                hits.append(ClientHit(client_id, name, company, f"email:{key}"))
    if name_key:
        people = session.execute(select(Client.id, Client.name, Client.company)
                                 .where(live, Client.company != ""))
        hits += [ClientHit(client_id, name, company, "name")
                 for client_id, name, company in people
                 if name_company_key(name, company) == name_key]
    return sorted(set(hits), key=lambda h: (h.client_id, h.key))
