"""vCard text made safe and uniform before vobject reads it.

Phones still write vCard 2.1: QUOTED-PRINTABLE values with soft line breaks,
a CHARSET per property, unfolded photos of several megabytes. ``normalise``
turns such text into the folded, decoded form vobject expects, keeps a photo
within MAX_VCARD_PHOTO aside (vobject never sees a binary value) and refuses
an absurdly long property with one clear line.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Iterator
from pathlib import Path

from desktop_crm.i18n import _
from desktop_crm.services.importing import guards, vcard_charsets
from desktop_crm.services.importing.errors import ImportFileError

# what vobject never sees; a PHOTO within MAX_VCARD_PHOTO is kept aside and
# stands in the text as PHOTO_REF (which a file's own lines cannot forge)
PHOTO_REF = "X-DESKTOP-CRM-PHOTO-REF"
_BINARY_PROPS = ("PHOTO", "LOGO", "SOUND", "KEY", PHOTO_REF)
MAX_VCARD_PHOTO = 2 * 1024 * 1024  # bytes, decoded: a phone's contact photo is far smaller
_MAX_PHOTO_BASE64 = (MAX_VCARD_PHOTO + 2) // 3 * 4


# A line that starts a property: a QUOTED-PRINTABLE value's soft line break
# ("=" at the end of a line) never joins one, so a truncated value cannot
# swallow the next property or END:VCARD. Upper case: how every program writes them.
_PROPERTY_START = re.compile(
    r"(?:[A-Za-z0-9-]+\.)?(?:BEGIN|END|VERSION|N|FN|TEL|EMAIL|ADR|LABEL|ORG|TITLE|ROLE|"
    r"NOTE|BDAY|ANNIVERSARY|URL|UID|REV|PHOTO|LOGO|SOUND|KEY|CATEGORIES|NICKNAME|GEO|TZ|"
    r"AGENT|MAILER|PRODID|SORT-STRING|CLASS|IMPP|GENDER|LANG|RELATED|MEMBER|KIND|SOURCE|"
    r"X-[A-Za-z0-9-]+)[;:]")


def _lines_of(text: str) -> Iterator[str]:
    """The lines of ``text`` one by one (CR LF, CR CR LF from iOS, CR or LF)."""
    for match in re.finditer(r"[^\r\n]*(?:\r\r\n|\r\n|\r|\n|$)", text):
        line = match.group().rstrip("\r\n")
        if line or match.group():
            yield line


def _decode_qp(value: str, params: str) -> str:
    """A QUOTED-PRINTABLE value in its CHARSET (``vcard_charsets``: UTF-8
    when none is given, GBK when that fails: Chinese phones leave CHARSET
    out). A multi-byte character cut off at the end is dropped; broken
    escapes (``=ZZ``) stay as written."""
    charset = re.search(r"CHARSET=\"?([^;:,\"]+)", params)
    raw = quopri.decodestring(value.encode("ascii", "replace"))
    return vcard_charsets.decode_value(raw, charset.group(1) if charset else None,
                                       (vcard_charsets.UTF8, "gb18030"))


def _too_long(path: Path, number: int) -> ImportFileError:
    return ImportFileError(_(
        "{path}: line {row} is longer than {limit} characters, far longer than any "
        "contact field; the file is not read", path=path.name, row=number,
        limit=f"{guards.MAX_VCARD_LINE:,}"))


def _photo_data(params: str, pieces: list[str]) -> bytes | None:
    """The image of an inline PHOTO (base64, or a vCard 4 ``data:`` URI
    in base64); None for a link or what does not decode."""
    value = "".join(pieces)
    if value[:5].lower() == "data:":
        head, comma, value = value.partition(",")
        if not comma or ";base64" not in head.lower():
            return None
    elif "BASE64" not in params and "ENCODING=B" not in params:
        return None  # a URL: nothing is fetched
    try:
        return base64.b64decode(value) or None
    except (binascii.Error, ValueError):
        return None


def normalise(path: Path, text: str,
                        photos: list[bytes] | None = None) -> str:
    """Rewrite what vobject cannot parse in vCard 2.1 files from phones and
    Outlook: QUOTED-PRINTABLE values with soft line breaks (decoded with their
    CHARSET). Blank lines are dropped too.

    vobject holds about 150 times the longest (unfolded) line while it parses
    it, so what it would only throw away is dropped here: logos, sounds and
    keys (not imported) with their folded or 2.1-style base64 lines and
    vCard 4 ``data:`` URIs, whatever their size. A photo goes the same way;
    with ``photos``, one of at most MAX_VCARD_PHOTO bytes is decoded into it
    and replaced by a ``PHOTO_REF`` line holding its index (a larger one is
    dropped as it is read, never held). Any other line longer than
    guards.MAX_VCARD_LINE once unfolded refuses the file (naming the line):
    no contact field is near that long."""
    limit = guards.MAX_VCARD_LINE
    out: list[str] = []
    lines = enumerate(_lines_of(text), 1)
    item = next(lines, None)
    start, length = 0, 0  # the unfolded line being written out: its first line and size
    while item is not None:
        (number, current), item = item, next(lines, None)
        name_part, sep, value = current.partition(":")
        prop = name_part.split(";", 1)[0].split(".")[-1].upper()
        params = name_part.upper()
        if sep and prop in _BINARY_PROPS:
            # skip the folded (indented) or 2.1-style (until a blank line) data
            encoded = "BASE64" in params or "ENCODING=B" in params
            keep = photos is not None and prop == "PHOTO"
            size = len(value)
            pieces = [value.strip()] if keep and size <= _MAX_PHOTO_BASE64 else []
            while item is not None and (item[1][:1] in (" ", "\t") or (
                    encoded and item[1].strip() and ":" not in item[1])):
                if keep and size <= _MAX_PHOTO_BASE64:
                    piece = item[1].strip()
                    pieces.append(piece)
                    size += len(piece)
                item = next(lines, None)
            data = _photo_data(params, pieces) if keep and size <= _MAX_PHOTO_BASE64 else None
            if data is not None and photos is not None:
                out.append(f"{PHOTO_REF}:{len(photos)}")
                photos.append(data)
            start = length = 0
            continue
        if sep and ("QUOTED-PRINTABLE" in params):
            pieces, size = [value], len(value)
            while pieces[-1].endswith("=") and item is not None \
                    and not _PROPERTY_START.match(item[1]):
                pieces[-1] = pieces[-1][:-1]
                pieces.append(item[1])
                size += len(item[1])
                if size > 3 * limit:  # "=E5" per byte: three characters for one
                    raise _too_long(path, number)
                item = next(lines, None)
            decoded = _decode_qp("".join(pieces), params)
            decoded = decoded.replace("\r\n", "\n").replace("\\", "\\\\").replace("\n", "\\n")
            name_part = ";".join(p for p in name_part.split(";")
                                 if not p.upper().startswith(("ENCODING", "CHARSET"))
                                 and p.upper() not in ("QUOTED-PRINTABLE",))
            current = f"{name_part}:{decoded}"
            start, length = number, 0
        elif current[:1] in (" ", "\t") and start:
            pass  # a folded line: part of the line before
        else:
            start, length = number, 0
        length += len(current)
        if length > limit:
            raise _too_long(path, start)
        if current.strip():
            out.append(current)
    return "\r\n".join(out)
