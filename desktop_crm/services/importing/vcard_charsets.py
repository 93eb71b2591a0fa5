"""vCard 2.1 text decoded property by property, each in its own CHARSET.

Phones in Japan write ``N;CHARSET=SHIFT_JIS:`` with the name's raw bytes,
phones in Taiwan and Hong Kong ``CHARSET=BIG5``, Chinese ones GB2312 or GBK,
and one file may mix them with UTF-8 properties: no single encoding decodes
such a file. So the file is split into lines as bytes (CR and LF never occur
inside a character of these encodings, and neither does ":" or ";": their
second bytes are 0x40 and above) and each property's value is decoded in
its CHARSET; a folded line belongs to the property before it. This happens
before vobject parses the text: Shift_JIS and Big5 characters whose second
byte is 0x5C (表, 能, 許) would otherwise read as a backslash escape.

A charset name stands for the codec its writers really use: Shift_JIS for
Windows' code page 932 (NEC and IBM extensions: ①, ㈱), Big5 for code page
950 and then Big5-HKSCS (Hong Kong's extra characters), GB2312 and GBK for
GB18030 (a superset of both). A value labelled with a one-byte charset
(Latin-1, Windows-1252) that is valid UTF-8 is UTF-8: those charsets read
any bytes, so a wrong label would never show. A property without a CHARSET
is UTF-8, else in the charset the file declares most, else GB18030 (Chinese
phones leave it out). A value that decodes in none of these keeps
replacement characters where its bytes are wrong, rather than losing the
contact.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections import Counter
from collections.abc import Sequence

UTF8 = "utf-8"
# charset names (lower case, without "-", "_", " ") -> codecs to try, in order
_SHIFT_JIS = ("cp932", "shift_jis_2004")
_BIG5 = ("cp950", "big5hkscs")
_GB = ("gb18030",)
_FAMILIES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("shiftjis", "sjis", "xsjis", "mskanji", "windows31j", "cp932", "ms932",
                     "shiftjis2004"), _SHIFT_JIS),
    **dict.fromkeys(("big5", "cp950", "xbig5", "big5tw", "csbig5"), _BIG5),
    **dict.fromkeys(("big5hkscs", "hkscs", "big5hk"), ("big5hkscs", "cp950")),
    **dict.fromkeys(("gb2312", "gbk", "gb18030", "cp936", "euccn", "xgbk"), _GB),
    **dict.fromkeys(("utf8", "unicode11utf8"), (UTF8,)),
}
_CUT_OFF = ("unexpected end of data", "incomplete multibyte sequence")
# codecs Python finds by name that read no character set of a file
_NOT_CHARSETS = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape",
                           "undefined", "mbcs", "oem", "utf-16", "utf-16-le", "utf-16-be",
                           "utf-32", "utf-32-le", "utf-32-be"})

_CHARSET_PARAM = re.compile(rb';[ \t]*CHARSET[ \t]*=[ \t]*"?([^;:,"\r\n]+)', re.IGNORECASE)
# a line that starts a property: [group.]NAME[;params]: (folded lines start
# with white space, QUOTED-PRINTABLE continuations with "=", base64 has no ":")
_PROPERTY = re.compile(rb'(?:[A-Za-z0-9-]+\.)?[A-Za-z0-9-]+(?:;[^:\r\n]*)?:')
_LINE_BREAK = re.compile(rb"(\r\n|\r|\n)")


def codecs_for(charset: str) -> tuple[str, ...]:
    """The Python codecs a CHARSET parameter means, in the order to try;
    () for a name no codec has."""
    key = re.sub(r"[^0-9a-z]", "", charset.lower())
    if key in _FAMILIES:
        return _FAMILIES[key]
    try:
        info = codecs.lookup(charset.strip())
    except LookupError:
        return ()
    # a file names what it likes: bytes-to-bytes codecs (zip, base64, hex,
    # rot13) and Python's own text transforms are no character sets
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return ()
    return (info.name,)


def decode_value(raw: bytes, charset: str | None, fallback: Sequence[str]) -> str:
    """``raw`` in ``charset`` (see codecs_for), else in each of ``fallback``;
    a multi-byte character cut off at the end is dropped; with replacement
    characters when nothing decodes it."""
    return _decode(raw, charset, fallback)[0]


def _decode(raw: bytes, charset: str | None, fallback: Sequence[str]) -> tuple[str, str]:
    """(text, the codec that read it: "replace" when none did)."""
    declared = codecs_for(charset) if charset else ()
    if declared and _single_byte(declared[0]) and not raw.isascii():
        # Latin-1, Windows-1252 and the like read any bytes, so a value
        # they mislabel is never retried: UTF-8 first when it is valid
        # UTF-8, which such text almost never is by chance
        declared = (UTF8, *declared)
    tried = [*declared, *fallback] or [UTF8]
    for encoding in dict.fromkeys(tried):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            if exc.reason in _CUT_OFF and exc.end == len(raw):
                return raw[:exc.start].decode(encoding), encoding
    try:
        return raw.decode(tried[0], "replace"), "replace"
    except UnicodeError:  # a codec without the "replace" handler
        return raw.decode(UTF8, "replace"), "replace"


@functools.cache
def _single_byte(encoding: str) -> bool:
    """Whether ``encoding`` reads every byte as one character."""
    return len(bytes(range(256)).decode(encoding, "replace")) == 256


def declares_charsets(data: bytes) -> bool:
    """Whether a property of the 8-bit vCard text ``data`` names a CHARSET
    other than UTF-8 (a file that names none is decoded as a whole)."""
    return any(codecs_for(name.decode("latin-1")) != (UTF8,)
               for name in set(_CHARSET_PARAM.findall(data)))


def fallback_of(data: bytes) -> tuple[str, ...]:
    """What a property without a CHARSET is tried in: UTF-8, then the
    charset the file declares most, then GB18030."""
    counts = Counter(codecs_for(name.decode("latin-1"))
                     for name in _CHARSET_PARAM.findall(data))
    counts.pop((UTF8,), None)
    counts.pop((), None)
    most = counts.most_common(1)[0][0] if counts else ()
    return tuple(dict.fromkeys((UTF8, *most, *_GB)))


def decode_by_property(data: bytes) -> tuple[str, str]:
    """(text, the codecs used, joined by "+") of the 8-bit vCard file
    ``data``, each property's value decoded in its CHARSET."""
    fallback = fallback_of(data)
    pieces = _LINE_BREAK.split(data)
    out: list[str] = []
    used: set[str] = set()
    charset: str | None = None  # of the property the current line belongs to
    for index, piece in enumerate(pieces):
        if index % 2 or piece.isascii():
            out.append(piece.decode("ascii"))
            if not index % 2:
                charset = _charset_of(piece, charset)
            continue
        match = _PROPERTY.match(piece)
        if match is not None:
            head = piece[:match.end()]
            charset = _charset_of(head, None)
            out.append(decode_value(head, None, fallback))
            piece = piece[match.end():]
        text, encoding = _decode(piece, charset, fallback)
        out.append(text)
        used.add(encoding)
    return "".join(out), "+".join(sorted(used)) or "ascii"


def _charset_of(line: bytes, current: str | None) -> str | None:
    """The CHARSET of the property ``line`` starts (None without one), or
    ``current`` when the line continues the property before."""
    match = _PROPERTY.match(line)
    if match is None:
        return current
    found = _CHARSET_PARAM.search(line, 0, match.end())
    return found.group(1).decode("latin-1").strip() if found else None
