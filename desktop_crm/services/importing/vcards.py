"""Reading a vCard file (3.0, 4.0 and phones' 2.1) into the rows of a
SourceTable: one contact a row, under fixed column names, with vobject.
The text is first made uniform by ``vcard_21.normalise``."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from desktop_crm.domain import import_mapping as im
from desktop_crm.domain.identity import parse_uuid
from desktop_crm.domain.person_name import NameParts, join_name
from desktop_crm.domain.vcard_detail import CardDetail
from desktop_crm.i18n import _
from desktop_crm.services import vcard_lunar
from desktop_crm.services.importing import guards, vcard_21
from desktop_crm.services.importing.errors import ImportFileError
from desktop_crm.services.importing.table import VCF, SourceTable
from desktop_crm.services.importing.vcard_kinds import (
    by_preference,
    card_detail,
    is_organisation,
    organisation_name,
    types,
)

_VCARD_FIELDS = (im.NAME, "company", "title", im.MOBILE, im.PHONE, "email", "wechat",
                 "website", "address", "home_address", "birthday", "notes", "tags", im.UUID)
# written by services/vcard_export.py: a lunar birthday as [YYYY]-MM-DD, LEAP=TRUE
_LUNAR_BIRTHDAY = vcard_lunar.LUNAR_BIRTHDAY.lower()

_CARD_START = re.compile(r"^[ \t]*BEGIN[ \t]*:[ \t]*VCARD", re.IGNORECASE | re.MULTILINE)


def read_vcards(path: Path, text: str, encoding: str = "utf-8") -> SourceTable:
    """One row per contact, columns as in _VCARD_FIELDS (mapped in advance)."""
    import vobject

    for count, _match in enumerate(_CARD_START.finditer(text), 1):
        if count > guards.MAX_ROWS:
            raise guards.too_many_rows(path)
    if guards.CONTROL.search(text):
        text = guards.CONTROL.sub("", text)
    log = logging.getLogger("vobject")
    was_disabled, log.disabled = log.disabled, True  # it logs each line it skips
    found: list[bytes] = []
    try:
        cards = list(vobject.readComponents(vcard_21.normalise(path, text, found),
                                            ignoreUnreadable=True))
    except ImportFileError:
        raise
    except Exception as exc:  # vobject raises ParseError and others
        # its "At line N" counts the text rewritten above, not the file's lines
        reason = re.sub(r"^At line \d+: ", "", str(exc).splitlines()[0] if str(exc) else "")
        raise ImportFileError(_("{path} is not a valid vCard file ({reason})", path=path.name,
                                reason=reason or type(exc).__name__)) from exc
    finally:
        log.disabled = was_disabled
    headers: list[Any] = [im.field_label(k) for k in _VCARD_FIELDS]
    rows: list[list[Any]] = [headers]
    photos: dict[int, bytes] = {}
    details: dict[int, CardDetail] = {}
    for card in cards:
        if getattr(card, "name", "").upper() != "VCARD":
            continue
        for ref in card.contents.get(vcard_21.PHOTO_REF.lower(), [])[:1]:  # the first photo
            photos[len(rows)] = found[int(ref.value)]
        organisation = is_organisation(card)
        details[len(rows)] = card_detail(card, organisation)
        rows.append(_vcard_row(card, organisation))
    return SourceTable(path, VCF, rows, first_row=0, encoding=encoding,
                       fixed_mapping=dict(enumerate(_VCARD_FIELDS)), photos=photos,
                       details=details)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_text(v) for v in value if _text(v))
    return str(value).strip() if value is not None else ""


def _vcard_row(card: Any, organisation: bool) -> list[Any]:
    """The row of one contact. An organisation's ORG is its name (and not a
    company it works for) when the card has no FN or the same one."""
    values: dict[str, list[str]] = {k: [] for k in _VCARD_FIELDS}
    contents: dict[str, list[Any]] = card.contents
    for prop in contents.get("fn", [])[:1]:
        values[im.NAME].append(_text(prop.value))
    org = organisation_name(card)
    if organisation and org and not any(values[im.NAME]):
        values[im.NAME] = [org]
    if not any(values[im.NAME]) and "n" in contents:
        n = contents["n"][0].value
        values[im.NAME] = [join_name(NameParts(**{part: _text(getattr(n, part, "")) for part in (
            "family", "given", "additional", "prefix", "suffix")}))]
    name = " ".join(" ".join(values[im.NAME]).split())
    if org and not (organisation and name == org):
        values["company"].append(org)
    for prop in contents.get("title", [])[:1]:
        values["title"].append(_text(prop.value))
    for prop in by_preference(contents.get("tel", [])):
        number = _text(prop.value).removeprefix("tel:")
        values[im.MOBILE if "CELL" in types(prop) else im.PHONE].append(number)
    for prop in by_preference(contents.get("email", []))[:1]:
        values["email"].append(_text(prop.value))
    for prop in contents.get("adr", []):
        adr = prop.value
        text = " ".join(p for p in (_text(getattr(adr, attr, "")) for attr in
                                    ("street", "extended", "box", "city", "region", "code",
                                     "country")) if p)
        values["home_address" if "HOME" in types(prop) else "address"].append(
            " ".join(text.split()))
    lunar = None  # the app's own lunar birthday wins over the BDAY written with it
    for prop in contents.get(_LUNAR_BIRTHDAY, [])[:1]:
        lunar = vcard_lunar.read(prop)
        m = re.fullmatch(r"(?:(\d{4})-|--)(\d{2})-(\d{2})", _text(prop.value))
        if m:
            leap = "leap " if [str(v).upper() for v in prop.params.get("LEAP", [])] == [
                "TRUE"] else ""
            year = f" ({m.group(1)})" if m.group(1) else ""
            values["birthday"].append(f"Lunar {leap}{int(m.group(2))}/{int(m.group(3))}{year}")
    for prop in contents.get("bday", [])[:1] if not values["birthday"] else []:
        bday = _text(prop.value)
        m = re.fullmatch(r"--(\d{2})-?(\d{2})", bday)
        values["birthday"].append(f"{m.group(1)}-{m.group(2)}" if m else bday[:10])
    for prop in contents.get("x-wechat", [])[:1]:
        values["wechat"].append(_text(prop.value))
    for prop in contents.get("url", [])[:1]:
        values["website"].append(_text(prop.value))
    for prop in contents.get("note", []):
        note = _text(prop.value)
        values["notes"].append(vcard_lunar.without_note_line(note, lunar) if lunar else note)
    for prop in contents.get("categories", []):
        value = prop.value
        values["tags"].extend(_text(v) for v in (value if isinstance(value, list) else [value]))
    for prop in contents.get("uid", [])[:1]:
        # another program's UID need not be a UUID: only a UUID is an identity
        values[im.UUID].append(parse_uuid(_text(prop.value)) or "")
    row: list[Any] = []
    for key in _VCARD_FIELDS:
        sep = "; " if key in (im.MOBILE, im.PHONE, "tags") else "\n" if key == "notes" else " "
        joined = sep.join(v for v in values[key] if v)
        row.append(joined or None)
    return row
