"""Tests for search keys and FTS5 queries (desktop_crm.domain.search)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_crm.domain.search import (
    fts_query,
    index_text,
    phone_tokens,
    pinyin_keys,
    sort_key,
    spaced_cjk,
)

PEOPLE = [
    ("曾国方", "华为技术有限公司", ["13800138000"]),
    ("张伟", "腾讯", ["+8613912345678"]),
    ("张伟明", "", ["010-65529988"]),
    ("李伟", "阿里巴巴", []),
    ("单田芳", "", []),
    ("Zoe Smith", "Acme Ltd", ["+14155552671"]),
]


@pytest.fixture
def fts() -> Iterator[sqlite3.Connection]:
    """An in-memory FTS5 table like the real one, rowid = position in PEOPLE + 1."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, "
                 "tokenize = 'unicode61 remove_diacritics 2')")
    for i, (name, company, phones) in enumerate(PEOPLE, start=1):
        digits = ["".join(ch for ch in p if ch.isdigit()) for p in phones]
        conn.execute("INSERT INTO t(rowid, body) VALUES (?, ?)",
                     (i, index_text(name, company, digits, ["vip"] if i == 1 else [])))
    try:
        yield conn
    finally:
        conn.close()


def _names(conn: sqlite3.Connection, query: str) -> set[str]:
    expr = fts_query(query)
    if expr is None:
        return set()
    rows = conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expr,)).fetchall()
    return {PEOPLE[r[0] - 1][0] for r in rows}


# -- pinyin keys ------------------------------------------------------------------

def test_zeng_is_read_both_ways() -> None:
    full, initials = pinyin_keys("曾国方")
    assert {"zengguofang", "cengguofang"} <= set(full)
    assert {"zgf", "cgf"} <= set(initials)
    assert full[0] == "zengguofang"  # the surname reading first


@pytest.mark.parametrize(("name", "surname_reading", "other_reading"), [
    ("单田芳", "shan", "dan"),
    ("解放", "xie", "jie"),
])
def test_polyphonic_surnames(name: str, surname_reading: str, other_reading: str) -> None:
    full, initials = pinyin_keys(name)
    assert full[0].startswith(surname_reading)
    assert any(f.startswith(other_reading) for f in full)
    assert initials[0][0] == surname_reading[0]
    assert any(i[0] == other_reading[0] for i in initials)


def test_pinyin_keys_of_latin_text_is_empty() -> None:
    assert pinyin_keys("Zoe Smith") == ([], [])


def test_sort_key() -> None:
    assert sort_key("曾国方").startswith("zeng")
    assert sort_key("单田芳").startswith("shan")
    assert sort_key("Zoe") == "zoe"
    assert sorted(["Zoe", "张伟", "安娜", "anna"], key=sort_key) == ["安娜", "anna", "张伟",
                                                                      "Zoe"]


def test_spaced_cjk() -> None:
    assert spaced_cjk("张伟 Ltd") == "张 伟 Ltd"
    assert spaced_cjk("华为ABC公司") == "华 为 ABC 公 司"


def test_phone_tokens_include_suffixes() -> None:
    tokens = phone_tokens("+8613800138000")
    assert "8613800138000" in tokens
    assert "13800138000" in tokens
    assert "8000" in tokens
    assert "000" not in tokens
    assert phone_tokens("") == []


# -- fts_query ----------------------------------------------------------------------

def test_chinese_becomes_a_phrase() -> None:
    assert fts_query("张伟") == '"张 伟"'


def test_latin_becomes_a_prefix() -> None:
    assert fts_query("zgf") == '"zgf"*'
    assert fts_query("ZGF") == '"zgf"*'


def test_phone_separators_collapse() -> None:
    assert fts_query("138-0013 8000") == '"13800138000"*'
    assert fts_query("(010) 6552-9988") == '"01065529988"*'


def test_all_terms_must_match() -> None:
    assert fts_query("张伟 zgf") == '"张 伟" AND "zgf"*'


@pytest.mark.parametrize("query", ["", "   ", "!!!", '"', "*", "-", "^", ":", "()", "“”"])
def test_empty_or_punctuation_only_is_none(query: str) -> None:
    assert fts_query(query) is None


HOSTILE = ['a"b', '"', '""', "*", "AND", "OR", "NOT", "NEAR(", "NEAR(a b)", "a AND",
           "body:张", "{body}: x", "^zgf", "zgf*", "'", "a'b", "(", ")", "张\"伟", "张 OR 伟",
           "+86", "-138", "a - b", "\\", "\x00", "NEAR/3"]


@pytest.mark.parametrize("query", HOSTILE)
def test_user_text_cannot_break_the_fts_syntax(fts: sqlite3.Connection, query: str) -> None:
    expr = fts_query(query)
    if expr is not None:
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (expr,)).fetchall()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_a_valid_fts_query(query: str) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'unicode61')")
        conn.execute("INSERT INTO t(body) VALUES (?)", (index_text("曾国方", "华为"),))
        expr = fts_query(query)
        if expr is not None:
            conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expr,)).fetchall()
    finally:
        conn.close()


# -- index_text + fts_query together --------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("zeng", {"曾国方"}),
    ("ceng", {"曾国方"}),
    ("zgf", {"曾国方"}),
    ("cgf", {"曾国方"}),
    ("guofang", {"曾国方"}),
    ("曾", {"曾国方"}),
    ("国方", {"曾国方"}),
    ("华为", {"曾国方"}),
    ("vip", {"曾国方"}),
    ("8000", {"曾国方"}),
    ("138 0013", {"曾国方"}),
    ("5678", {"张伟"}),
    ("13912345678", {"张伟"}),
    ("010-6552", {"张伟明"}),
    ("张伟", {"张伟", "张伟明"}),
    ("伟", {"张伟", "张伟明", "李伟"}),
    ("zw", {"张伟", "张伟明"}),
    ("shan", {"单田芳"}),
    ("dan", {"单田芳"}),
    ("zoe", {"Zoe Smith"}),
    ("zs", {"Zoe Smith"}),
    ("acme", {"Zoe Smith"}),
    ("伟明", {"张伟明"}),
    ("明伟", set()),
    ("zhang 明", {"张伟明"}),
])
def test_what_finds_whom(fts: sqlite3.Connection, query: str, expected: set[str]) -> None:
    assert _names(fts, query) == expected


# Text holding no word pypinyin knows is read character by character, without
# its word segmentation; text with a word, or other characters, goes through it.
_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


@settings(max_examples=300, deadline=None)
@given(st.text(_CJK, min_size=1, max_size=8))
def test_reading_characters_one_by_one_equals_reading_the_words(text: str) -> None:
    from pypinyin import Style, lazy_pinyin

    from desktop_crm.domain import search

    words = lazy_pinyin(text, style=Style.NORMAL)
    plain = search._plain_readings(text)
    if plain is not None:
        assert plain == words
    expected = list(words)
    if text[0] in search.SURNAME_READINGS:
        expected[0] = search.SURNAME_READINGS[text[0]]
    assert sort_key(text) == " ".join(expected)[:200]


@pytest.mark.parametrize(("text", "polyphonic"), [("张伟", False), ("银行", True),
                                                  ("长城", True), ("王 Ltd", True),
                                                  ("华为有限公司", True), ("曾国方", False)])
def test_only_plain_text_skips_word_segmentation(text: str, polyphonic: bool) -> None:
    from desktop_crm.domain import search

    assert (search._plain_readings(text) is None) == polyphonic
    # the words decide: 长城 is chang cheng, 银行 yin hang
    assert search.pinyin_keys("长城", as_name=False)[0] == ["changcheng"]
    assert search.pinyin_keys("银行", as_name=False)[0] == ["yinhang"]
