"""Client cards as a vCard 3.0 file (``.vcf``, UTF-8) for phones and mail programs.

One vCard per client not in the trash (or per given id), built with vobject:

- FN and N: the name, and in N a person's name split as
  ``domain.person_name`` does (a Chinese name by its surname, 欧阳 and 司马
  included: ``N:欧阳;娜娜;;;``; a Western one as given + family,
  ``N:Adams;Anna;;;``); an organisation's card has an empty N, ORG set to its
  name and ``X-ABShowAs:COMPANY``, a person's ORG is the company.
- TEL with TYPE (CELL, WORK, HOME, FAX, OTHER, VOICE), the first one PREF; EMAIL;
  ADR (work address, home address) with the text in the street field; TITLE;
  CATEGORIES from the tags; NOTE; ``X-WECHAT``; UID ``urn:uuid:`` and the
  client's UUID (the same client in every export and every database it
  reaches; an import matches cards by it).
- BDAY: ``1985-03-22``, or ``--03-22`` without a year (ISO 8601 truncated, as
  Android and vCard 4 write it). A lunar birthday (``vcard_lunar``) is
  ``X-DESKTOP-CRM-LUNAR-BIRTHDAY:[YYYY]-MM-DD`` (``;LEAP=TRUE`` for a leap
  month) for this app, a last NOTE line ``Birthday: Lunar 8/15 (1985)`` /
  ``生日：1985年农历八月十五`` that phones show, and a BDAY only when the year
  is known: the Gregorian date of birth.

Every line is folded at 75 octets without splitting a UTF-8 character
(``vcard_lines``: vobject counts characters, so lines of Chinese text came
out at up to three times that). With ``photos``, a client's photo is
``PHOTO;ENCODING=b;TYPE=JPEG:`` and its base64, folded the same way: some 100
to 400 KB of text a photo, so the file is written card by card and the
photos read a few at a time. Profile answers are never exported here. The file is
written atomically.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import vobject

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import ClientKind, PhoneKind
from desktop_crm.domain.person_name import NameParts, split_name
from desktop_crm.services import vcard_lunar
from desktop_crm.services.exporting import pages
from desktop_crm.services.files import atomic_file
from desktop_crm.services.vcard_lines import fold, refold
from desktop_crm.services.vcard_lunar import LUNAR_BIRTHDAY
from desktop_crm.storage import photo_repo
from desktop_crm.storage.database import Database

UID_PREFIX = "urn:uuid:"
PHONE_TYPES = {
    PhoneKind.MOBILE: ["CELL", "VOICE"], PhoneKind.OFFICE: ["WORK", "VOICE"],
    PhoneKind.HOME: ["HOME", "VOICE"], PhoneKind.FAX: ["WORK", "FAX"],
    PhoneKind.OTHER: ["OTHER", "VOICE"],  # as Apple and Android write it
}


PHOTOS_AT_ONCE = 20  # photos read at a time: a few MB


def export_vcf(db: Database, path: Path | str, client_ids: Sequence[int] | None = None,
               *, photos: bool = False) -> int:
    """Write the cards of ``client_ids`` (None: every client not in the trash,
    by name) to ``path``, with their photos when ``photos``; returns the
    number of cards. Raises ExportError when the file cannot be written."""
    ids = pages.client_ids(db, client_ids)
    written = 0
    with atomic_file(Path(path)) as fh:
        for page in pages.client_pages(db, ids):
            for start in range(0, len(page), PHOTOS_AT_ONCE):
                part = page[start:start + PHOTOS_AT_ONCE]
                found: dict[int, bytes] = {}
                if photos:
                    with db.read() as s:
                        found = {k: p.data for k, p in photo_repo.for_clients(
                            s, [item.card.id for item in part if item.card.id]).items()}
                for item in part:
                    text = refold(build_vcard(item.card).serialize())
                    data = found.get(item.card.id or 0)
                    if data is not None:
                        text = with_photo(text, data)
                    fh.write(text.encode("utf-8"))
                    written += 1
    return written


def photo_count(db: Database) -> int:
    """How many of the clients not in the trash have a photo."""
    with db.read() as s:
        return photo_repo.count(s)


def photo_lines(data: bytes) -> str:
    """The PHOTO property of a JPEG, folded, with its line break."""
    return fold("PHOTO;ENCODING=b;TYPE=JPEG:" + base64.b64encode(data).decode("ascii"))


def with_photo(vcard_text: str, data: bytes) -> str:
    """A serialized vCard with the PHOTO of ``data`` before its END line (the
    base64 is written here, not by vobject, which does not fold it)."""
    end = "END:VCARD\r\n"
    assert vcard_text.endswith(end)
    return vcard_text[:-len(end)] + photo_lines(data) + end


def build_vcard(card: ClientCard) -> Any:
    """One vobject vCard 3.0 component for ``card``."""
    vcard = vobject.vCard()
    _add(vcard, "version", "3.0")
    _add(vcard, "fn", card.name)
    is_org = card.kind == ClientKind.ORGANISATION
    parts = NameParts() if is_org else split_name(card.name)
    vcard.add("n").value = vobject.vcard.Name(
        family=parts.family, given=parts.given, additional=parts.additional,
        prefix=parts.prefix, suffix=parts.suffix)
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
    note = card.notes.strip("\n")
    if card.birthday is not None and card.birthday.is_lunar:
        note = "\n".join(p for p in (note, vcard_lunar.note_line(card.birthday)) if p)
    if note:
        _add(vcard, "note", note)
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
    if not spec.is_lunar:
        _add(vcard, "bday", vcard_lunar.value_of(spec))
        return
    gregorian = vcard_lunar.gregorian_birthday(spec)
    if gregorian is not None:
        _add(vcard, "bday", gregorian)
    line = _add(vcard, LUNAR_BIRTHDAY, vcard_lunar.value_of(spec))
    if spec.leap:
        line.params["LEAP"] = ["TRUE"]
