"""Search keys: what a client is found by, and how a typed query is matched.

The index text holds each CJK character as its own token (so one- and
two-character Chinese queries match as phrases), full pinyin for every reading
of a polyphonic surname (曾: zeng and ceng), pinyin suffixes from each syllable
(so the given name alone matches), initials, and phone digits with their
suffixes (so the last four digits match). Queries become SQLite FTS5
expressions over a ``unicode61`` index: phrases for Chinese, prefixes for
latin letters and digits.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_MAX_READINGS = 8
_MIN_PHONE_SUFFIX = 4
# How these characters are read when they are a surname (pypinyin reads words,
# not names: it gives 曾 as "ceng"). Every other reading stays searchable.
SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao",
    "查": "zha", "盖": "ge", "乐": "yue", "缪": "miao", "覃": "qin", "翟": "zhai",
    "尉": "yu", "员": "yun", "瞿": "qu", "种": "chong", "召": "shao", "重": "chong",
    "长": "chang", "柏": "bai", "秘": "bi", "句": "gou", "宓": "mi", "沈": "shen",
    "任": "ren", "华": "hua", "黑": "he", "纪": "ji", "薄": "bo", "卜": "bu",
    "折": "she", "訾": "zi", "阚": "kan", "燕": "yan", "过": "guo", "万": "wan",
}
_TOKEN = re.compile(r"[0-9A-Za-z]+|[\u3400-\u9fff\uf900-\ufaff]")


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def spaced_cjk(text: str) -> str:
    """``张伟 Ltd`` -> ``张 伟 Ltd``: every CJK character becomes its own token."""
    if text.isascii():  # an e-mail, a WeChat ID: NFKC leaves it as it is
        return " ".join(text.split())
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", text):
        if is_cjk(ch):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


@functools.cache
def _char_readings(ch: str) -> tuple[str, ...]:
    """Every reading of one character without tones (the character itself when
    pypinyin has none); context-free, so cached for the process."""
    from pypinyin import Style, pinyin

    return tuple(dict.fromkeys(pinyin(ch, style=Style.NORMAL, heteronym=True)[0]))


@functools.cache
def _reader() -> Any:
    """pypinyin reading words through a converter that keeps each word's
    reading: three quarters of ``lazy_pinyin``'s time is converting a word
    to the plain style, and names and companies are made of few words
    (有限公司, 科技, given names), so an import of 100,000 rows converts each
    once. The readings are pypinyin's own: the cache only remembers them."""
    # Imported here: pypinyin loads its dictionaries in ~0.2 s, which the
    # window should not pay at start-up; only saving a card needs them.
    from pypinyin.converter import DefaultConverter
    from pypinyin.core import Pinyin

    class _Remembering(DefaultConverter):
        def __init__(self) -> None:
            super().__init__()
            self._known: dict[tuple[Any, ...], list[list[str]]] = {}

        def convert(self, words: str, style: Any, heteronym: bool, errors: Any,
                    strict: bool = True, **kwargs: Any) -> list[list[str]]:
            key = (words, style, heteronym, errors, strict)
            try:
                found = self._known[key]
            except (KeyError, TypeError):  # TypeError: a callable ``errors``
                found = super().convert(words, style, heteronym, errors, strict, **kwargs)
                if len(self._known) < _WORDS_KEPT and not callable(errors):
                    self._known[key] = found
            return [list(readings) for readings in found]  # callers may change theirs

    return Pinyin(_Remembering())


_WORDS_KEPT = 100_000  # distinct words: about 20 MB at most


@functools.lru_cache(maxsize=1024)
def _word_readings(text: str) -> tuple[str, ...]:
    """``text`` read as words by pypinyin, characters without a reading kept;
    cached because saving a card reads its name twice (sort key and index)."""
    from pypinyin import Style

    return tuple(_reader().lazy_pinyin(text, style=Style.NORMAL))


@functools.cache
def _phrases() -> tuple[dict[str, list[list[str]]], int]:
    """pypinyin's word list and its longest word's length."""
    from pypinyin.constants import PHRASES_DICT

    return PHRASES_DICT, max(map(len, PHRASES_DICT))


def _plain_readings(text: str) -> list[str] | None:
    """The reading of each character of ``text`` when it is all CJK with a
    reading and holds no word pypinyin knows (so reading it as words changes
    nothing: each character gets its first reading, as ``lazy_pinyin`` gives
    it); else None. Checked against ``lazy_pinyin`` on 600,000 random
    strings. pypinyin's word segmentation costs ~100 us a name; an import
    reads 100,000 names and companies, and most hold no word."""
    found = _plain_tuple(text)
    return None if found is None else list(found)


@functools.lru_cache(maxsize=32_768)
def _plain_tuple(text: str) -> tuple[str, ...] | None:
    """``_plain_readings``, cached: a name is read for its sort key and its
    index entry, and names repeat in an import."""
    phrases, longest = _phrases()
    out = []
    for i, ch in enumerate(text):
        if not is_cjk(ch):
            return None
        first = _char_readings(ch)[0]
        if first == ch:  # no reading: pypinyin keeps such runs as one item
            return None
        for end in range(i + 2, min(len(text), i + longest) + 1):
            if text[i:end] in phrases:
                return None
        out.append(first)
    return tuple(out)


def _syllables(text: str, as_name: bool = True) -> list[list[str]]:
    """Per CJK character, its candidate readings (a surname: every reading)."""
    chars = [ch for ch in text if is_cjk(ch)]
    if not chars:
        return []
    default = _plain_readings("".join(chars))
    if default is None:
        default = list(_word_readings("".join(chars)))
        if len(default) != len(chars):
            default = [_char_readings(ch)[0] for ch in chars]
    readings = [[r] for r in default]
    if as_name:
        first = SURNAME_READINGS.get(chars[0], default[0])
        readings[0] = list(dict.fromkeys([first, *_char_readings(chars[0])]))
    return readings


def pinyin_keys(text: str, as_name: bool = True) -> tuple[list[str], list[str]]:
    """(full pinyin keys, initials keys) for a Chinese name or company.

    >>> pinyin_keys("曾国方")
    (['zengguofang', 'cengguofang'], ['zgf', 'cgf'])
    """
    syllables = _syllables(text, as_name)
    if not syllables:
        return [], []
    return _keys(syllables)


def _keys(syllables: list[list[str]]) -> tuple[list[str], list[str]]:
    full: list[str] = []
    initials: list[str] = []
    for combo in itertools.islice(itertools.product(*syllables), _MAX_READINGS):
        full.append("".join(combo))
        initials.append("".join(s[0] for s in combo if s))
    return list(dict.fromkeys(full)), list(dict.fromkeys(initials))


@functools.lru_cache(maxsize=32_768)  # names repeat in an import of 100,000 rows
def sort_key(text: str) -> str:
    """Key that sorts Chinese names by pinyin (surname reading) and latin names
    alphabetically."""
    text = unicodedata.normalize("NFKC", text.strip())
    parts = _plain_readings(text)
    if parts is None:
        parts = list(_word_readings(text))
    if text and text[0] in SURNAME_READINGS:
        parts[0] = SURNAME_READINGS[text[0]]
    return " ".join(p.lower() for p in parts)[:200]


def _pinyin_tokens(text: str, as_name: bool) -> list[str]:
    syllables = _syllables(text, as_name)
    if not syllables:
        return []
    full, initials = _keys(syllables)  # the readings computed once, not again by pinyin_keys
    tokens = full + initials
    default = [options[0] for options in syllables]
    for start in range(1, len(default) - 1 if len(default) > 2 else len(default)):
        # the given name alone ("guofang", "gf"), or a company without its city
        tokens.append("".join(default[start:]))
        tokens.append("".join(s[0] for s in default[start:] if s))
    return tokens


def _latin_initials(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z]+", text)
    return ["".join(w[0] for w in words).lower()] if len(words) > 1 else []


def phone_tokens(digits: str) -> list[str]:
    """The digits and every suffix of at least four digits (so 8000 finds 13800138000)."""
    digits = digits.lstrip("+")
    if not digits:
        return []
    tokens = [digits]
    if digits.startswith("86") and len(digits) == 13:
        tokens.append(digits[2:])
    tokens += [digits[i:] for i in range(1, len(digits) - _MIN_PHONE_SUFFIX + 1)]
    return list(dict.fromkeys(tokens))


IndexParts = tuple[str, tuple[str, ...], tuple[str, ...]]


def index_parts(text: str, as_name: bool) -> IndexParts:
    """What the index takes from a name (``as_name``) or a company: its spaced
    text, its pinyin tokens and (names only) its latin initials. Pure, so a
    bulk writer may cache it: names and companies repeat, and their pinyin is
    the slow part of an index entry."""
    latin = tuple(_latin_initials(text)) if as_name else ()
    return spaced_cjk(text), tuple(_pinyin_tokens(text, as_name)), latin


def join_index_text(name: IndexParts, company: IndexParts, phones: Iterable[str],
                    spaced_extra: Iterable[str]) -> str:
    """The index text from the parts of the name and the company, the phone
    digits and the other searchable values already passed through ``spaced_cjk``."""
    parts: list[str] = [name[0], company[0], *name[1], *company[1], *name[2]]
    for digits in phones:
        parts += phone_tokens(digits)
    parts += spaced_extra
    return " ".join(p for p in parts if p)


def index_text(
    name: str,
    company: str = "",
    phones: Iterable[str] = (),
    extra: Iterable[str] = (),
) -> str:
    """The text stored in the full-text index for one client."""
    return join_index_text(index_parts(name, True), index_parts(company, False), phones,
                           [spaced_cjk(x) for x in extra if x])


def query_terms(query: str) -> list[tuple[str, ...]]:
    """What the user typed as search terms, all of which must match.

    A Chinese run is a phrase of its characters (``("张", "伟")``: the tokens
    must follow each other); a latin word or digit run is a one-item term
    matched as a token prefix (``("zgf",)``). Phone separators are ignored:
    ``138-0013`` is the digit run ``1380013``. Each engine renders these
    terms in its own query language (``fts_query``, ``tsquery``).
    """
    text = unicodedata.normalize("NFKC", query).strip().lower()
    text = re.sub(r"(?<=\d)[\s\-()./]+(?=\d)", "", text)
    terms: list[tuple[str, ...]] = []
    cjk_run: list[str] = []

    def flush() -> None:
        if cjk_run:
            terms.append(tuple(cjk_run))
            cjk_run.clear()

    for m in _TOKEN.finditer(text):
        token = m.group(0)
        if is_cjk(token):
            if cjk_run and m.start() > 0 and not is_cjk(text[m.start() - 1]):
                flush()
            cjk_run.append(token)
        else:
            flush()
            terms.append((token,))
    flush()
    return terms


def _is_phrase(term: tuple[str, ...]) -> bool:
    return is_cjk(term[0])


def entry_matches(terms: list[tuple[str, ...]], entry: str) -> bool:
    """Whether the full-text index finds the entry ``entry`` (its stored
    text) for ``terms`` (``query_terms``): every Chinese phrase as
    consecutive tokens, every latin word or digit run as a token's start,
    on the tokens FTS5 makes of the entry (``index_tokens``). A query's
    terms are tokens as they are (lower-case latin letters and digits, one
    CJK character each), so a term found in the text between spaces is a
    match without tokenizing it (the common case); else the tokens decide."""
    padded = f" {entry} "
    tokens: list[str] | None = None
    for term in terms:
        if _is_phrase(term):
            if f" {' '.join(term)} " in padded:
                continue
        elif f" {term[0]}" in padded:
            continue
        if tokens is None:
            tokens = index_tokens(entry)
        if _is_phrase(term):
            size, wanted = len(term), list(term)
            if not any(tokens[i:i + size] == wanted for i in range(len(tokens) - size + 1)):
                return False
        elif not any(token.startswith(term[0]) for token in tokens):
            return False
    return True


def fts_query(query: str) -> str | None:
    """Turn what the user typed into a SQLite FTS5 MATCH expression, or None if empty.

    Chinese runs become phrases (``"张 伟"``); latin words and digit runs become
    prefix queries (``"zgf"*``); all terms must match.
    """
    terms = [('"' + " ".join(t) + '"') if _is_phrase(t) else f'"{t[0]}"*'
             for t in query_terms(query)]
    return " AND ".join(terms) if terms else None


def tsquery(query: str) -> str | None:
    """The same query as ``fts_query`` as PostgreSQL ``tsquery`` text, for an
    index of ``index_tokens`` (``'张' <-> '伟' & 'zgf':*``), or None if empty.
    The text is cast to tsquery as it is: no parser or dictionary changes
    the terms."""
    terms = [("(" + " <-> ".join(_lexeme(c) for c in t) + ")") if _is_phrase(t)
             else f"{_lexeme(t[0])}:*" for t in query_terms(query)]
    return " & ".join(terms) if terms else None


# --- The tokens of SQLite FTS5's ``unicode61`` tokenizer with
# ``remove_diacritics 2``, so another engine can index exactly what FTS5
# indexes. FTS5 looks at one code point at a time, with its own Unicode 6.1
# tables: letters (L*), numbers (N*), private-use characters (Co) and code
# points its tables do not know make tokens; everything else separates them,
# except that a combining diacritic inside a token is dropped and the token
# goes on; token characters are case-folded and latin letters lose their
# diacritics. Here the same rules run on Python's Unicode data. They agree
# for every code point except ones assigned or re-categorised after Unicode
# 6.1 that are not letters or numbers now (newer emoji, symbols and marks
# of other scripts: FTS5 sees unknown code points and keeps them in a token,
# this code separates at them) and case pairs added since; no query can type
# any of them (``query_terms`` keeps latin letters, digits and CJK). A
# property test compares this with FTS5 itself.
_MAX_LEXEME_BYTES = 2046  # PostgreSQL's limit for one tsvector lexeme
_SEPARATOR, _TOKEN_CHAR, _MARK = 0, 1, 2
# FTS5's diacritic table leaves these two alone (it strips the marks of
# every other latin letter built of an ASCII letter and such marks)
_KEPT_BY_FTS5 = frozenset("\u01e0\u01e1")


@functools.cache
def _diacritic_marks() -> frozenset[str]:
    """The combining marks FTS5 drops inside a token: those found in the
    decomposition of a letter with an ASCII base (U+0300 grave ... U+0331
    macron below, 25 marks; a test checks them against FTS5)."""
    marks: set[str] = set()
    for cp in range(0x80, 0x10000):
        decomposed = unicodedata.normalize("NFD", chr(cp))
        if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha():
            marks.update(decomposed[1:])
    return frozenset(marks)


def _token_char(ch: str) -> bool:
    """FTS5 starts or continues a token at ``ch`` (a diacritic mark only continues one)."""
    category = unicodedata.category(ch)
    # U+FFFE and U+FFFF: FTS5 reads them as U+FFFD, a symbol
    return (category[0] in "LN" or category == "Co"
            or (category == "Cn" and ch not in "\ufffe\uffff"))


@functools.lru_cache(maxsize=65_536)
def _char(ch: str) -> tuple[int, str]:
    """What FTS5 does with one non-ASCII character: separate, make a token
    character (folded as returned), or a mark that a token drops."""
    if not _token_char(ch):
        return (_MARK, "") if ch in _diacritic_marks() else (_SEPARATOR, "")
    # FTS5 folds case one code point to one (µ -> μ, ſ -> s; ß and İ stay) ...
    folded = next((f for f in (ch.casefold(), ch.lower()) if len(f) == 1), ch)
    # ... then a latin letter of an ASCII letter and diacritics loses them
    decomposed = unicodedata.normalize("NFD", folded)
    if (len(decomposed) > 1 and decomposed[0].isascii() and folded not in _KEPT_BY_FTS5
            and all(m in _diacritic_marks() for m in decomposed[1:])):
        return _TOKEN_CHAR, decomposed[0].lower()
    return _TOKEN_CHAR, folded


_ASCII_TOKEN = re.compile(r"[0-9A-Za-z]+")
# Index text is mostly ASCII (pinyin, digits) and CJK Unified Ideographs, all
# token characters without case or diacritics (the block's code points that
# Unicode 6.1 left unassigned are token characters to FTS5 too): such text
# needs no per-character lookup.
_PLAIN = re.compile(r"[\x00-\x7f\u4e00-\u9fff]*")
_PLAIN_TOKEN = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]+")


def index_tokens(text: str) -> list[str]:
    """The tokens FTS5 (``unicode61 remove_diacritics 2``) makes of ``text``, in order."""
    if text.isascii():
        return [t.lower() for t in _ASCII_TOKEN.findall(text)]
    if _PLAIN.fullmatch(text):
        return [t.lower() for t in _PLAIN_TOKEN.findall(text)]
    tokens: list[str] = []
    current: list[str] | None = None
    for ch in text:
        if ch.isascii():
            if ch.isalnum():
                kind, folded = _TOKEN_CHAR, ch.lower()
            else:
                kind, folded = _SEPARATOR, ""
        else:
            kind, folded = _char(ch)
        if kind == _TOKEN_CHAR:
            if current is None:
                current = []
            current.append(folded)
        elif kind == _MARK and current is not None:
            continue
        elif current is not None:
            tokens.append("".join(current))
            current = None
    if current is not None:
        tokens.append("".join(current))
    return tokens


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(text: str) -> str:
    """``index_tokens(text)`` as PostgreSQL ``tsvector`` text, to be cast as it
    is: Chinese characters with their positions (``'张':1 '伟':2``), as a
    phrase needs them, every other token as a bare lexeme (``'zhangwei'``):
    a search only ever asks latin and digit tokens for a prefix, and bare
    lexemes make the index a sixth smaller. A token too long for PostgreSQL
    (over 2,046 bytes, which no search can type) is left out."""
    positions: dict[str, list[int]] = {}
    for position, token in enumerate(index_tokens(text), start=1):
        if len(token.encode()) > _MAX_LEXEME_BYTES:
            continue
        found = positions.setdefault(token, [])
        if len(token) == 1 and is_cjk(token):
            found.append(min(position, 16_383))  # PostgreSQL's last position
    return " ".join(f"{_lexeme(t)}:{','.join(map(str, p))}" if p else _lexeme(t)
                    for t, p in positions.items())
