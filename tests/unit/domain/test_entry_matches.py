"""``domain.search.entry_matches`` (whether the index finds an entry for a
query, decided from the entry's text) agrees with SQLite's FTS5 itself: the
search checks a page of candidates with it instead of asking FTS5, which
reads every hit of a one-letter prefix to check a few."""

from __future__ import annotations

import random
import sqlite3

from desktop_crm.domain.search import entry_matches, fts_query, index_text, query_terms

NAMES = ["张伟", "王芳", "欧阳娜娜", "单雪梅", "José Ñandú", "Mary Smith", "李 Kevin", "乐乐",
         "曾国方", "ＡＢＣ公司", "Zoë", "阿卜杜·热合曼"]
COMPANIES = ["", "重庆长安汽车", "A.B Ltd", "张江科技", "Acme-Tech", "北京益康文化传媒有限公司"]
EXTRAS = ["", "zeng@example.com", "wx_zeng", "VIP", "老客户", "Straße"]
TYPED = ["z", "zh", "zhang", "zw", "张", "张伟", "伟", "王 芳", "jose", "josé", "nandu", "ab",
         "a b", "abc", "ltd", "138", "0013", "8000", "mary sm", "ms", "ouyang", "oy", "曾国",
         "国方", "重庆", "vip", "老", "example", "wx", "zeng", "straße", "strasse", "strae",
         "阿卜", "kevin 李", "李 kevin", "xyz", "1", "com"]


def test_entry_matches_agrees_with_fts5() -> None:
    rng = random.Random(20)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(body, tokenize = "
                 "'unicode61 remove_diacritics 2')")
    bodies = {}
    for rowid in range(1, 301):
        body = index_text(rng.choice(NAMES), rng.choice(COMPANIES),
                          [rng.choice(["13800138000", "02164881234", ""])],
                          [rng.choice(EXTRAS), rng.choice(EXTRAS)])
        bodies[rowid] = body
        conn.execute("INSERT INTO f(rowid, body) VALUES (?, ?)", (rowid, body))
    checked = 0
    for typed in TYPED:
        query = fts_query(typed)
        assert query is not None
        expected = {r[0] for r in conn.execute("SELECT rowid FROM f WHERE f MATCH ?", (query,))}
        terms = query_terms(typed)
        found = {rowid for rowid, body in bodies.items() if entry_matches(terms, body)}
        assert found == expected, typed
        checked += bool(expected)
    assert checked >= 25
    # the tokens decide where the text alone cannot: a folded letter, a glued token
    assert entry_matches(query_terms("nandu"), "José Ñandú")
    assert not entry_matches(query_terms("ab"), "A.B Ltd")
    assert entry_matches(query_terms("张伟"), "x 张 伟")
    assert not entry_matches(query_terms("张伟"), "张 x 伟")
    assert entry_matches(query_terms("张 伟"), "张 x 伟")  # two terms, not a phrase
