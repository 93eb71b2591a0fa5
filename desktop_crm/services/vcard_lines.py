"""Folding the lines of a vCard at 75 octets (RFC 6350 3.2, RFC 2426 2.6).

vobject 0.9.9 folds a line only when it has 75 characters or more, counting
characters, not octets: a line of 30 Chinese characters is some 90 octets of
UTF-8 and is written whole (an export of the demo book had 66 such lines,
ADR, NOTE, ORG). Phones and mail programs that read lines into 75-octet
buffers cut them. So the text vobject writes is unfolded and folded again
here, by octets: at most 75 on the first line, then a space and at most 74,
never inside a UTF-8 character.
"""

from __future__ import annotations

LIMIT = 75  # octets a line, the line break not counted
CRLF = "\r\n"


def fold(line: str) -> str:
    """One logical line (without its line break), folded, with CRLF."""
    data = line.encode("utf-8")
    if len(data) <= LIMIT:
        return line + CRLF
    parts: list[bytes] = []
    start, room = 0, LIMIT
    while len(data) - start > room:
        end = start + room
        while data[end] & 0xC0 == 0x80:  # a continuation byte: not a character's start
            end -= 1
        parts.append(data[start:end])
        start, room = end, LIMIT - 1  # the space that starts a continuation line
    parts.append(data[start:])
    return (CRLF + " ").join(p.decode("utf-8") for p in parts) + CRLF


def refold(text: str) -> str:
    """vobject's serialized text with every line folded by :func:`fold`."""
    unfolded = text.replace(CRLF + " ", "").replace(CRLF + "\t", "")
    lines = unfolded.split(CRLF)
    if lines and lines[-1] == "":
        lines.pop()
    return "".join(fold(line) for line in lines)
