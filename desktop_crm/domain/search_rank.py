"""How well a client found by the search box matches what was typed.

The index (``domain.search``) says which clients match; this says in which
order to list them. Tiers, best first:

0. the exact name: its characters, or its whole pinyin or initials in any
   reading (``张伟``, ``zhangwei``, ``zw``);
1. a person's name starts with it, read as the surname is read
   (``zhang`` -> 张伟; ``shan`` -> 单雪梅; characters and initials too);
2. a person's name starts with it in another reading of the surname's
   character (``dan`` -> 单雪梅, ``ceng`` -> 曾国方);
3. an organisation's name starts with it (in any reading: an organisation
   has no surname, and people are looked up by name far more often);
4. the company a person works for starts with it;
5. it matches elsewhere: inside a name or company (the given name alone,
   ``guofang``, ``gf``; initials from the middle of a name such as ``zw`` in
   润泽物流), phone digits, e-mail, WeChat, tags.

Within a tier the most recently contacted client comes first (see
``client_repo``). Pure and engine-free, so SQLite and PostgreSQL list the
same hits in the same order.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from desktop_crm.domain.search import (
    _char_readings,
    index_tokens,
    is_cjk,
    pinyin_keys,
    query_terms,
)

EXACT, NAME_PREFIX, NAME_OTHER_READING, ORGANISATION_PREFIX, COMPANY_PREFIX, ELSEWHERE = range(6)
_LETTERS = re.compile(r"[a-z0-9]+")


def compact(text: str) -> str:
    """``text`` as the index folds it (case, width, latin diacritics), without
    spaces or punctuation: ``José Ñandú`` -> ``josenandu``, ``张 伟`` -> ``张伟``."""
    return "".join(index_tokens(unicodedata.normalize("NFKC", text)))


# A search ranks every hit (thousands for one typed letter), and names and
# companies recur from one keystroke to the next: their forms are cached.
_CACHE = 1 << 17


@functools.lru_cache(maxsize=_CACHE)
def _name_forms(name: str, key: str) -> tuple[str, tuple[str, str], tuple[str, ...]]:
    """The compact name, (full pinyin, initials) in its own reading (from its
    sort key, ``zeng guo fang``: the surname's reading), and the full pinyin
    and initials in each other reading of its first character."""
    syllables = ["".join(_LETTERS.findall(part)) for part in key.split()]
    syllables = [s for s in syllables if s]
    if not syllables:
        return compact(name), ("", ""), ()
    own = ("".join(syllables), "".join(s[0] for s in syllables))
    first = unicodedata.normalize("NFKC", name.strip())[:1]
    others: list[str] = []
    if first and is_cjk(first):
        rest_full, rest_initials = own[0][len(syllables[0]):], own[1][1:]
        for reading in _char_readings(first):
            if reading != syllables[0] and reading.isascii() and reading.isalpha():
                others += [reading + rest_full, reading[0] + rest_initials]
    return compact(name), own, tuple(others)


@functools.lru_cache(maxsize=_CACHE)
def _compact_company(company: str) -> str:
    return compact(company)


@functools.lru_cache(maxsize=_CACHE)
def _company_keys(company: str) -> tuple[str, ...]:
    """The full pinyin and initials the index holds for a company (read as
    words: a company has no surname)."""
    full, initials = pinyin_keys(company, as_name=False)
    return (*full, *initials)


def prepare() -> None:
    """Load the pinyin readings a latin query ranks by (pypinyin's tables
    take about half a second to load), e.g. in the background at start."""
    _char_readings("张")


class Ranker:
    """The tier of each hit for one typed query (see the module's docstring)."""

    def __init__(self, typed: str) -> None:
        self.typed = "".join("".join(term) for term in query_terms(typed))
        # pinyin and initials are compared only with a query of latin letters
        self.latin = bool(self.typed) and self.typed.isascii() and self.typed.isalpha()
        self._companies: dict[str, bool] = {}  # staff share their company

    def tier(self, name: str, organisation: bool, company: str, name_key: str) -> int:
        """The tier of a client with this name (``name_key``: its stored sort
        key), kind and company."""
        typed, latin = self.typed, self.latin
        if not typed:
            return ELSEWHERE
        if latin:
            name_text, own, others = _name_forms(name, name_key)
        else:
            name_text, own, others = _compact_company(name), ("", ""), ()
        if name_text == typed or (latin and (typed in own or typed in others)):
            return EXACT
        if name_text.startswith(typed) or (
                latin and (own[0].startswith(typed) or own[1].startswith(typed))):
            return ORGANISATION_PREFIX if organisation else NAME_PREFIX
        if latin and any(other.startswith(typed) for other in others):
            return ORGANISATION_PREFIX if organisation else NAME_OTHER_READING
        if company:
            starts = self._companies.get(company)
            if starts is None:
                starts = self._companies[company] = self._company_starts(company)
            if starts:
                return COMPANY_PREFIX
        return ELSEWHERE

    def _company_starts(self, company: str) -> bool:
        typed = self.typed
        if _compact_company(company).startswith(typed):
            return True
        if not self.latin:
            return False
        first = company.lstrip()[:1]
        # most companies cannot start with the typed letter in any reading:
        # skip reading them
        if first and is_cjk(first) and not any(r.startswith(typed[0])
                                               for r in _char_readings(first)):
            return False
        return any(key.startswith(typed) for key in _company_keys(company))


# -- the stored rank keys ------------------------------------------------------
# What ``Ranker.tier`` compares the typed text with, stored per client
# (``storage.search_index``) so the database ranks and pages the hits itself:
# each key is a text the typed text may equal or start, and its role says
# which tier that gives (see ``tier_sql`` in storage.search_index).
NAME, NAME_PINYIN, NAME_OTHER, COMPANY, COMPANY_PINYIN, PERSON, PERSON_PINYIN, PERSON_OTHER = \
    range(8)
# an organisation's own name (a person's name is NAME...): which tier a key
# gives depends on its role alone, so the database finds a tier's clients
# through the key index without reading each client's kind
ORG_NAME, ORG_NAME_PINYIN, ORG_NAME_OTHER = range(8, 11)
ALL_ROLES = tuple(range(11))
# the roles a typed text that is not all latin letters is compared with
ANY_TEXT_ROLES = (NAME, COMPANY, PERSON, ORG_NAME)
# the roles whose key, equal to the typed text, makes the exact tier
EXACT_ROLES = (NAME, NAME_PINYIN, NAME_OTHER, ORG_NAME, ORG_NAME_PINYIN, ORG_NAME_OTHER,
               PERSON, PERSON_PINYIN, PERSON_OTHER)
# the tier each role's key gives when the typed text starts it (not equal)
PREFIX_TIERS: dict[int, int] = {
    NAME: NAME_PREFIX, NAME_PINYIN: NAME_PREFIX, PERSON: NAME_PREFIX, PERSON_PINYIN: NAME_PREFIX,
    NAME_OTHER: NAME_OTHER_READING, PERSON_OTHER: NAME_OTHER_READING,
    ORG_NAME: ORGANISATION_PREFIX, ORG_NAME_PINYIN: ORGANISATION_PREFIX,
    ORG_NAME_OTHER: ORGANISATION_PREFIX,
    COMPANY: COMPANY_PREFIX, COMPANY_PINYIN: COMPANY_PREFIX,
}
# a stored key's length at most (a typed text is never that long)
KEY_LIMIT = 500


def _name_keys(name: str, name_key: str, roles: tuple[int, int, int]
               ) -> list[tuple[str, int]]:
    text, own, others = _name_forms(name, name_key)
    keys = [(text, roles[0]), *((k, roles[1]) for k in own), *((k, roles[2]) for k in others)]
    return keys


def rank_keys(name: str, name_key: str, company: str, *, organisation: bool
              ) -> list[tuple[str, int]]:
    """The (key, role) pairs of a client with this name, stored sort key
    (``name_key``) and company: its compact name, the full pinyin and
    initials of its own reading and of each other reading of its first
    character (``ORG_NAME``... roles for an ``organisation``), its compact
    company and the company's pinyin keys. Empty and repeated pairs are
    left out."""
    keys = _name_keys(name, name_key, (ORG_NAME, ORG_NAME_PINYIN, ORG_NAME_OTHER)
                      if organisation else (NAME, NAME_PINYIN, NAME_OTHER))
    if company:
        keys.append((_compact_company(company), COMPANY))
        keys += [(k, COMPANY_PINYIN) for k in _company_keys(company)]
    return sorted({(k[:KEY_LIMIT], role) for k, role in keys if k})


def person_rank_keys(name: str, name_key: str) -> list[tuple[str, int]]:
    """The (key, role) pairs a contact person of an organisation adds to it:
    the organisation ranks as that person's name would (``client_repo``)."""
    return sorted({(k[:KEY_LIMIT], role) for k, role in
                   _name_keys(name, name_key, (PERSON, PERSON_PINYIN, PERSON_OTHER)) if k})


def typed_key(typed: str) -> tuple[str, bool]:
    """What the stored keys are compared with for ``typed``, and whether it is
    latin letters only (then pinyin and initials count too)."""
    ranker = Ranker(typed)
    return ranker.typed, ranker.latin
