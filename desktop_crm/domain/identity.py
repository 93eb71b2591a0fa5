"""Identities that never change: UUIDs of records and databases, calendar UIDs.

Every client and every record that can leave the app carries a random
(version 4) UUID, stored as canonical lower-case text (36 characters); each
database has one too. Integer row ids are local to one database file and
must never be used to match records across files.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

# The namespace of Desktop CRM's name-based (version 5) UUIDs. Fixed forever:
# changing it would change every calendar UID the app ever exported.
NAMESPACE = uuid.UUID("5b0f3a52-8d1e-4c3f-9a6e-2f7d1c0b9e41")

_URN = "urn:uuid:"
# the text ``str(uuid.UUID(...))`` gives: a UUID written so is its own
# canonical text (an import of 100,000 exported rows parsed each, 0.5 s)
_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_NIL = "00000000-0000-0000-0000-000000000000"

# The custom document property of an exported workbook that names the
# database it came from (see services/importing/origin.py).
DATABASE_UUID_PROPERTY = "DesktopCRM.DatabaseUUID"


def new_uuid() -> str:
    """A new random UUID as canonical text (``xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx``)."""
    return str(uuid.uuid4())


def uuid_from_bits(bits: int) -> str:
    """A version-4 UUID made from 128 given bits (a seeded generator's, for
    reproducible demo data): the version and variant bits are set."""
    return str(uuid.UUID(int=bits & ((1 << 128) - 1), version=4))


def parse_uuid(text: object) -> str | None:
    """The canonical text of the UUID in ``text``, or None when it is not one.

    Accepts upper or lower case, braces (``{...}``) and a ``urn:uuid:``
    prefix, with surrounding blanks; anything else (other lengths, missing
    hyphens, 32 bare hex digits, the nil UUID) is None.
    """
    if not isinstance(text, str):
        return None
    value = text.strip()
    if _CANONICAL.fullmatch(value):  # already canonical (an export's): itself, nil aside
        return None if value == _NIL else value
    if value[:len(_URN)].lower() == _URN:
        value = value[len(_URN):]
    elif value.startswith("{") and value.endswith("}"):
        value = value[1:-1]
    if len(value) != 36 or [i for i, c in enumerate(value) if c == "-"] != [8, 13, 18, 23]:
        return None
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    if parsed.int == 0:
        return None
    return str(parsed)


def occurrence_uid(record_uuid: str, kind: str, on: date | None) -> str:
    """The calendar UID of a record's event: one occurrence (a lunar birthday
    in one year) or, with ``on`` None, the whole series (a yearly rule, a
    follow-up whose day may move). Name-based, so the same record, kind and
    day give the same UID in every export, and records of different databases
    (different UUIDs) never share one."""
    when = on.isoformat() if on is not None else "series"
    return str(uuid.uuid5(NAMESPACE, f"{record_uuid}/{kind}/{when}"))
