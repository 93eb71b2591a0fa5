"""A person's name as the app stores it (one text) and as vCard's N holds it
(family; given; additional; prefixes; suffixes), both ways.

- Chinese (and Japanese, Korean) names are written family name first without
  a space: 陈彤 is 陈 + 彤, 欧阳娜娜 is 欧阳 + 娜娜 (``chinese_surnames``).
  A name that starts with no known surname (小王, 阿强) or is written with
  a middle dot (约翰·史密斯) stays whole in the family name, as phones
  sort and show it unchanged that way. A space after a surname (陈 彤) is
  where the split is.
- Western names are given name first: ``Anna Adams`` is Anna + Adams, the
  words between given and family name are additional (middle) names,
  particles belong to the family name (``Ludwig van Beethoven``: van
  Beethoven), titles before the name are prefixes (Dr., Mr.) and after it
  suffixes (Jr., III, PhD); ``Adams, Anna`` is family, given. One word
  alone is a given name.

:func:`join_name` puts the parts back the way the app stores a name:
family + given without a space where either is Chinese, else prefixes,
given, additional, family, suffixes separated by spaces. A name split and
joined again is the name itself (up to spaces between Chinese parts and
repeated spaces; ``Adams, Anna`` comes back as ``Anna Adams``), so a round
trip through N changes nothing the app would show differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_crm.domain.chinese_surnames import SINGLE_SURNAMES, surname_of

# Han, kana and hangul: names written family name first, without spaces
_EAST_ASIAN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la",
    "le", "ter", "ten", "bin", "binti", "al", "el", "st.", "st", "mac", "ap", "af", "zu"})
_PREFIXES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev",
                       "mr.", "mrs.", "ms.", "mx.", "dr.", "prof.", "rev."})
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "phd", "ph.d.",
                       "md", "m.d.", "esq", "esq.", "mba", "cpa"})


@dataclass(frozen=True)
class NameParts:
    """The five parts of vCard's N (RFC 6350 6.2.2), each one text."""

    family: str = ""
    given: str = ""
    additional: str = ""
    prefix: str = ""
    suffix: str = ""


def is_east_asian(text: str) -> bool:
    return bool(_EAST_ASIAN.search(text))


def split_name(name: str) -> NameParts:
    """The parts of a person's ``name`` (see the module docstring)."""
    words = name.split()
    if not words:
        return NameParts()
    if is_east_asian(name):
        return _split_east_asian(words)
    return _split_western(words)


def _split_east_asian(words: list[str]) -> NameParts:
    whole = "".join(words)
    if len(words) == 1:
        family = surname_of(whole) if "·" not in whole and "・" not in whole else ""
        if not family:
            return NameParts(family=whole)
        return NameParts(family=family, given=whole[len(family):])
    first = words[0]  # 陈 彤, 欧阳 娜娜, 王 Tony: the surname written apart
    if first in SINGLE_SURNAMES or surname_of(first + "x") == first:
        return NameParts(family=first, given=" ".join(words[1:]))
    if not is_east_asian(first):  # Tony 王
        return _split_western(words)
    return NameParts(family=" ".join(words))


def _split_western(words: list[str]) -> NameParts:
    text = " ".join(words)
    if "," in text:  # "Adams, Anna" or "King, Jr."
        head, _comma, tail = text.partition(",")
        tail_words = tail.split()
        if tail_words and all(w.lower().strip(",") in _SUFFIXES for w in tail_words):
            inner = _split_western(head.split())
            suffix = " ".join([inner.suffix, tail.strip()]).strip()
            return NameParts(inner.family, inner.given, inner.additional, inner.prefix, suffix)
        if head.strip() and tail_words:
            rest = _split_western(tail_words)
            return NameParts(family=head.strip(), given=" ".join(
                p for p in (rest.given, rest.additional, rest.family) if p),
                prefix=rest.prefix, suffix=rest.suffix)
    prefixes: list[str] = []
    while len(words) > 1 and words[0].lower() in _PREFIXES:
        prefixes.append(words.pop(0))
    suffixes: list[str] = []
    while len(words) > 1 and words[-1].lower().strip(",") in _SUFFIXES:
        suffixes.insert(0, words.pop())
    if len(words) == 1:
        return NameParts(given=words[0], prefix=" ".join(prefixes), suffix=" ".join(suffixes))
    start = len(words) - 1  # the family name and the particles before it
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return NameParts(family=" ".join(words[start:]), given=words[0],
                     additional=" ".join(words[1:start]), prefix=" ".join(prefixes),
                     suffix=" ".join(suffixes))


def join_name(parts: NameParts) -> str:
    """One name from N's parts, as the app stores names."""
    family, given = parts.family.strip(), parts.given.strip()
    if is_east_asian(family + given):
        if is_east_asian(family) and not is_east_asian(given):  # 王 + Tony
            return " ".join(p for p in (family, given) if p)
        return family + given
    return " ".join(" ".join(p for p in (parts.prefix, given, parts.additional, family,
                                         parts.suffix) if p.strip()).split())
