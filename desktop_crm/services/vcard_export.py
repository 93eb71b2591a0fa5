"""Client cards as a vCard 3.0 file (``.vcf``, UTF-8) for phones and mail programs.

One vCard per client not in the trash (or per given id), built with vobject:

- FN and N: the name (N holds it whole as the family name: Chinese names
  have no reliable given/family split); an organisation's card has ORG set to
  its name and ``X-ABShowAs:COMPANY``, a person's ORG is the company.
- TEL with TYPE (CELL, WORK, HOME, FAX, VOICE), the first one PREF; EMAIL;
  ADR (work address, home address) with the text in the street field; TITLE;
  CATEGORIES from the tags; NOTE; ``X-WECHAT``; UID ``urn:uuid:`` and the
  client's UUID (the same client in every export and every database it
  reaches; an import matches cards by it).
- BDAY: ``1985-03-22``, or ``--03-22`` without a year (ISO 8601 truncated, as
  Android and vCard 4 write it). A lunar birthday has no Gregorian date: it is
  written as ``X-DESKTOP-CRM-LUNAR-BIRTHDAY:[YYYY]-MM-DD`` (``;LEAP=TRUE`` for
  a leap month) and not as BDAY.

Profile answers are never exported here. The file is written atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import vobject

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import ClientKind, PhoneKind
from desktop_crm.services.exporting import pages
from desktop_crm.services.files import write_atomically
from desktop_crm.storage.database import Database

UID_PREFIX = "urn:uuid:"
LUNAR_BIRTHDAY = "X-DESKTOP-CRM-LUNAR-BIRTHDAY"
PHONE_TYPES = {
    PhoneKind.MOBILE: ["CELL", "VOICE"], PhoneKind.OFFICE: ["WORK", "VOICE"],
    PhoneKind.HOME: ["HOME", "VOICE"], PhoneKind.FAX: ["WORK", "FAX"],
    PhoneKind.OTHER: ["VOICE"],
}


def export_vcf(db: Database, path: Path | str, client_ids: Sequence[int] | None = None) -> int:
    """Write the cards of ``client_ids`` (None: every client not in the trash,
    by name) to ``path``; returns the number of cards. Raises ExportError when
    the file cannot be written."""
    ids = pages.client_ids(db, client_ids)
    chunks: list[str] = []
    for page in pages.client_pages(db, ids):
        chunks.extend(build_vcard(item.card).serialize() for item in page)
    write_atomically(Path(path), "".join(chunks).encode("utf-8"))
    return len(chunks)


def build_vcard(card: ClientCard) -> Any:
    """One vobject vCard 3.0 component for ``card``."""
    vcard = vobject.vCard()
    _add(vcard, "version", "3.0")
    _add(vcard, "fn", card.name)
    is_org = card.kind == ClientKind.ORGANISATION
    vcard.add("n").value = vobject.vcard.Name(family="" if is_org else card.name)
    if is_org:
        _add(vcard, "org", [card.name])
        _add(vcard, "x-abshowas", "COMPANY")
    elif card.company:
        _add(vcard, "org", [card.company])
    if card.title:
        _add(vcard, "title", card.title)
    for i, phone in enumerate(p for p in card.phones if p.number.strip()):
        tel = _add(vcard, "tel", phone.number.strip())
        tel.type_paramlist = PHONE_TYPES[phone.kind] + (["PREF"] if i == 0 else [])
    if card.email:
        _add(vcard, "email", card.email).type_paramlist = ["INTERNET", "PREF"]
    for text, kind in ((card.address, "WORK"), (card.home_address, "HOME")):
        if text:
            _add(vcard, "adr", vobject.vcard.Address(street=text)).type_paramlist = [kind]
    if card.birthday is not None:
        _birthday(vcard, card.birthday)
    if card.tags:
        _add(vcard, "categories", list(card.tags))
    if card.notes:
        _add(vcard, "note", card.notes)
    if card.wechat:
        _add(vcard, "x-wechat", card.wechat)
    if card.website:
        _add(vcard, "url", card.website)
    if card.uuid:
        _add(vcard, "uid", f"{UID_PREFIX}{card.uuid}")
    if card.updated_at is not None:
        _add(vcard, "rev", card.updated_at.strftime("%Y-%m-%dT%H:%M:%S"))
    return vcard


def _add(vcard: Any, name: str, value: Any) -> Any:
    line = vcard.add(name)
    line.value = value
    return line


def _birthday(vcard: Any, spec: DateSpec) -> None:
    text = f"{spec.year:04d}-" if spec.year else "--"
    text += f"{spec.month:02d}-{spec.day:02d}"
    if not spec.is_lunar:
        _add(vcard, "bday", text)
        return
    line = _add(vcard, LUNAR_BIRTHDAY, text)
    if spec.leap:
        line.params["LEAP"] = ["TRUE"]
