"""``index_tokens`` gives exactly the tokens SQLite FTS5 (``unicode61
remove_diacritics 2``, the tokenizer of the SQLite search index) makes, so
the PostgreSQL index holds what the SQLite one does; and ``tsquery`` /
``tsvector`` quote what they are given.

FTS5 itself is the reference: an in-memory FTS5 table with that tokenizer
and an ``fts5vocab`` 'instance' table listing each token with its position.
"""

from __future__ import annotations

import functools
import sqlite3
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_crm.domain.search import index_tokens, query_terms, tsquery, tsvector

# code points up to the end of CJK extension B's plane (planes 0-2)
PROBED = range(1, 0x30000)
# where a query's letters, digits and Chinese come from, and the latin letters
# with diacritics names use: FTS5 and index_tokens must agree on every one
EXACT_RANGES = [
    (0x0000, 0x0250, "ASCII, Latin-1, Latin Extended-A and -B"),
    (0x0300, 0x0370, "combining diacritical marks"),
    (0x1E00, 0x1F00, "Latin Extended Additional"),
    (0x3000, 0x3040, "CJK symbols and punctuation"),
    (0x3400, 0x4DC0, "CJK extension A"),
    (0x4E00, 0xA000, "CJK unified ideographs"),
    (0xF900, 0xFB00, "CJK compatibility ideographs"),
    (0xFF00, 0xFFF0, "fullwidth and halfwidth forms"),
    (0x20000, 0x2A6E0, "CJK extension B"),
]


class Fts5:
    """An in-memory FTS5 table like the search index, to ask for tokens."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, "
                          "tokenize = 'unicode61 remove_diacritics 2')")
        self.conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")

    def tokens(self, texts: list[str]) -> list[list[str]]:
        """The tokens of each text, in order."""
        self.conn.execute("DELETE FROM t")
        self.conn.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)",
                              enumerate(texts, start=1))
        out: list[list[str]] = [[] for _ in texts]
        for term, doc in self.conn.execute("SELECT term, doc FROM v ORDER BY doc, offset"):
            out[doc - 1].append(term)
        return out


@pytest.fixture(scope="module")
def fts5() -> Iterator[Fts5]:
    reference = Fts5()
    yield reference
    reference.conn.close()


def _probe(ch: str) -> str:
    """One character between two letters: FTS5 shows whether it is a token
    character, dropped inside a token, or a separator, and how it folds."""
    return f"a{ch}b"


@functools.cache
def _differing() -> frozenset[str]:
    """The characters FTS5 treats otherwise than ``index_tokens``, each seen
    alone between two letters (planes 0-2: about 3 s, once per run)."""
    reference = Fts5()
    try:
        chars = [chr(cp) for cp in PROBED if not 0xD800 <= cp <= 0xDFFF]
        wanted = reference.tokens([_probe(ch) for ch in chars])
    finally:
        reference.conn.close()
    return frozenset(ch for ch, want in zip(chars, wanted, strict=True)
                     if index_tokens(_probe(ch)) != want)


@pytest.fixture(scope="module")
def differing() -> frozenset[str]:
    return _differing()


def test_latin_cjk_and_digits_agree_with_fts5_code_point_by_code_point(
        differing: frozenset[str]) -> None:
    for low, high, what in EXACT_RANGES:
        found = sorted(f"U+{ord(ch):04X}" for ch in differing if low <= ord(ch) < high
                       and unicodedata.category(ch) != "So")  # U+32FF: an era name of 2019
        assert not found, f"{what}: {found}"
    # every decimal digit of every script
    assert not [ch for ch in differing if unicodedata.category(ch) == "Nd"]


def test_the_other_differences_are_characters_no_query_can_type(
        differing: frozenset[str]) -> None:
    """They are characters FTS5's Unicode 6.1 tables do not know (newer
    emoji, symbols, marks, case pairs): FTS5 keeps an unknown code point in
    a token, ``index_tokens`` follows today's Unicode data. A query keeps
    only latin letters, digits and CJK, so none of them is searched; the few
    that NFKC turns into such characters (㋿ -> 令和) are normalised, like
    all index text (``spaced_cjk``), before either engine sees them."""
    for ch in differing:
        normal = unicodedata.normalize("NFKC", ch)
        if normal == ch:
            assert query_terms(f"x{ch}") == [("x",)], f"U+{ord(ch):04X}"
        else:
            assert not set(normal) & differing, f"U+{ord(ch):04X}"
    assert len(differing) < 4_000, "FTS5 or Python's Unicode data changed a lot: look again"


@pytest.mark.parametrize(("text", "expected"), [
    ("José Ñandú", ["jose", "nandu"]),
    ("Jose\u0301 e\u0301", ["jose", "e"]),  # combining acute: dropped inside a token
    ("\u0301abc", ["abc"]),  # ... and a separator before one
    ("Straße İstanbul ǡ", ["straße", "istanbul", "ǡ"]),
    ("ＡＢＣ１２３ 张 伟", ["ａｂｃ１２３", "张", "伟"]),
    ("张伟𠀀 Ltd.", ["张伟𠀀", "ltd"]),
    ("a😀b a\ue000b", ["a", "b", "a\ue000b"]),
    ("O'Brien-Smith_3", ["o", "brien", "smith", "3"]),
])
def test_known_texts(fts5: Fts5, text: str, expected: list[str]) -> None:
    assert index_tokens(text) == expected
    assert fts5.tokens([text]) == [expected]


def _range(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(chr)


_TEXT_PIECES = st.one_of(
    st.sampled_from(list(" \t\n,.;:-_'\"()@#+/\\*&|!?")),
    _range(0x30, 0x39), _range(0x41, 0x5A), _range(0x61, 0x7A),
    _range(0xC0, 0x24F),  # latin with diacritics, upper and lower case
    _range(0x1E00, 0x1EFF),
    _range(0x300, 0x36F),  # combining marks
    _range(0x4E00, 0x9FFF), _range(0x3400, 0x4DBF), _range(0x20000, 0x2A6DF),  # CJK
    _range(0x3000, 0x303F), _range(0xFF01, 0xFF5E),  # CJK punctuation, fullwidth forms
    _range(0x1F300, 0x1F64F), _range(0xE000, 0xF8FF), _range(0xF0000, 0xF00FF),  # emoji, private
    st.sampled_from(list("٠١٢३४५")),  # other scripts' digits
    st.characters(exclude_categories=["Cs"]),  # anything else
)


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(st.lists(_TEXT_PIECES, max_size=40).map("".join), min_size=1,
                      max_size=20))
def test_index_tokens_are_the_tokens_fts5_makes(texts: list[str]) -> None:
    reference = Fts5()
    # a character FTS5 does not know (above) stands apart from the rest
    known = [text for text in texts if not set(text) & _differing()]
    try:
        assert [index_tokens(t) for t in known] == reference.tokens(known)
    finally:
        reference.conn.close()


# -- PostgreSQL text ------------------------------------------------------------

@pytest.mark.parametrize(("typed", "expected"), [
    ("zgf", "'zgf':*"),
    ("张伟", "('张' <-> '伟')"),
    ("张伟 zgf", "('张' <-> '伟') & 'zgf':*"),
    ("张 伟", "('张') & ('伟')"),  # a space: two terms, as for FTS5
    ("张a伟", "('张') & 'a':* & ('伟')"),
    ("O'Brien", "'o':* & 'brien':*"),
    ("138-0013", "'1380013':*"),
    ("ＺＧＦ", "'zgf':*"),
    ("José", "'jos':*"),  # as for FTS5: é is not a query letter
    ("!!! ''' \\", None),
    ("", None),
])
def test_tsquery(typed: str, expected: str | None) -> None:
    assert tsquery(typed) == expected


def test_lexemes_are_quoted() -> None:
    """Tokens hold no quote or backslash today; were one to, it stays text."""
    from desktop_crm.domain.search import _lexeme

    assert _lexeme("o'neil\\x") == "'o''neil\\\\x'"


def test_tsvector_positions_and_limits() -> None:
    # only Chinese characters keep positions: phrases are made of them alone
    assert tsvector("It's a cat, it's") == "'it' 's' 'a' 'cat'"
    assert tsvector("张 伟 张 zw 张伟") == "'张':1,3 '伟':2 'zw' '张伟'"
    assert tsvector("x" * 3000 + " y") == "'y'"  # over PostgreSQL's lexeme limit
    assert tsvector("") == ""
