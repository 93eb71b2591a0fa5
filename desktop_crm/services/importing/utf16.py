"""Telling UTF-16 text from other bytes, with or without a byte-order mark.

Google Contacts exports its CSV in UTF-16LE with a BOM, Outlook's "Unicode
text" is UTF-16LE, and macOS Contacts can export vCards in UTF-16BE without
one. Without a BOM, UTF-16 is recognised by its zero bytes: ASCII characters
(the commas, line breaks and digits every CSV and every vCard property name
has) put a zero in every high byte, on the odd positions for little-endian
and the even ones for big-endian, while the other positions hold almost none.
Either way the start of the file must then decode as text: a binary file
that happens to start with FF FE, or has the zeros of a table of small
numbers, decodes into control characters, lone surrogates and unassigned
code points, and is not text.
"""

from __future__ import annotations

import codecs
import unicodedata

SAMPLE = 8192  # bytes looked at, as for 8-bit text
UTF16, UTF16_LE, UTF16_BE = "utf-16", "utf-16-le", "utf-16-be"
_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# a share of the code units with a zero high byte: ASCII in the text
_MIN_ASCII_SHARE = 0.1
# not in text: controls other than tab and line breaks, unassigned code
# points, private use and surrogates (U+FFFD: what a lone surrogate decodes to)
_ASCII_TEXT = frozenset(b"\t\r\n" + bytes(range(0x20, 0x7F)))
_NOT_TEXT = frozenset(("Cc", "Cn", "Co", "Cs"))


def encoding_of(data: bytes) -> str | None:
    """``utf-16`` (a BOM says which byte order; Python's codec reads and
    drops it), ``utf-16-le`` or ``utf-16-be`` when ``data`` starts as UTF-16
    text, else None."""
    if data.startswith(_BOMS):
        encoding: str | None = UTF16
    else:
        encoding = _byte_order(data[:SAMPLE])
    if encoding is None:
        return None
    return encoding if _is_text(trim(data[:SAMPLE], encoding), encoding) else None


def is_utf16(encoding: str) -> bool:
    return encoding.startswith(UTF16)


def trim(data: bytes, encoding: str, order: str | None = None) -> bytes:
    """``data`` without a character cut off at its end: an odd last byte, or
    the first half of a surrogate pair (a file truncated while it was
    written, or the end of a sample). Other encodings' bytes are returned
    as they are."""
    if not is_utf16(encoding):
        return data
    end = len(data) - len(data) % 2
    order = order or (_bom_order(data) if encoding == UTF16 else encoding)
    if end >= 2:
        high = data[end - 1] if order == UTF16_LE else data[end - 2]
        if 0xD8 <= high <= 0xDB:
            end -= 2
    return data if end == len(data) else data[:end]


def _bom_order(data: bytes) -> str:
    return UTF16_BE if data.startswith(codecs.BOM_UTF16_BE) else UTF16_LE


def _byte_order(sample: bytes) -> str | None:
    units = len(sample) // 2
    if units < 2:
        return None
    evens, odds = sample[0:units * 2:2], sample[1:units * 2:2]
    # a NUL character has both bytes zero: real text has almost none
    stray = max(units // 100, 2)
    for order, low, high in ((UTF16_LE, evens, odds), (UTF16_BE, odds, evens)):
        if low.count(0) > stray:
            continue
        ascii_units = sum(1 for lo, hi in zip(low, high, strict=True)
                          if hi == 0 and lo in _ASCII_TEXT)
        # the zeros of 8-bit text with a stray NUL or two sit after bytes
        # that are not ASCII text (the middle of a UTF-8 or GBK character)
        if ascii_units >= max(units * _MIN_ASCII_SHARE, 2) and \
                ascii_units >= 0.9 * high.count(0):
            return order
    return None


def _is_text(sample: bytes, encoding: str) -> bool:
    text = sample.decode(encoding, "replace")
    bad = sum(1 for c in text if c == "\ufffd" or (
        c not in "\t\r\n" and unicodedata.category(c) in _NOT_TEXT))
    return bad <= max(len(text) // 100, 2)
