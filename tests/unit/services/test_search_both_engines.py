"""The search box finds the same clients on PostgreSQL as on SQLite.

The same clients (the demo generator's, plus hand-made cards with the hard
cases: a polyphonic surname, latin letters with diacritics, fullwidth forms,
mixed Chinese and latin, Korean, phone separators) go into a SQLite file and
a PostgreSQL database; one list of queries, typed as a user would, must find
the same ids on both, through the search index and through
``ClientService.search`` as the search box and the ``search`` command use it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_crm.domain.client import ClientCard, ClientKind, Phone
from desktop_crm.domain.search import pinyin_keys
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.services.demo import generate
from desktop_crm.storage.database import Database
from tests.conftest import FIXED_NOW, Clock
from tests.pg_server import PgCluster

DEMO_CLIENTS = 300

CARDS = [
    ClientCard(name="曾国方", company="重庆长安汽车", phones=[Phone("138 0013 8000")],
               email="zeng@example.com", wechat="wx_zeng", tags=["VIP"]),
    ClientCard(name="单雪梅", phones=[Phone("+86 139-1234-5678")], tags=["老客户"]),
    ClientCard(name="José Ñandú", company="Café Olé GmbH", email="jose@cafe.test"),
    ClientCard(name="Zoë O'Brien-Smith", wechat="zoe_obrien", phones=[Phone("+1 (415) 555-0100")]),
    ClientCard(name="王小明", company="ＡＢＣ贸易有限公司", tags=["重要"]),
    ClientCard(name="欧阳 Kevin", company="Kevin's 咖啡"),
    ClientCard(name="김민준", company="서울상사"),
    ClientCard(name="阿卜杜·热西提", phones=[Phone("0991-1234567")]),
    ClientCard(name="MÜLLER Straße", email="MUELLER@Example.COM", wechat="lily🌸chen"),
    ClientCard(name="乐乐", company="解放路 7 号店", kind=ClientKind.ORGANISATION),
    # FTS5 keeps ǡ (its table has no entry) and a code point it does not know
    # inside a token: "alex" and "def" find nothing on either engine
    ClientCard(name="Ǡlex Kim", wechat="x\u0378def"),
]

FIXED_QUERIES = [
    # a name, its full pinyin and prefixes, initials, the given name alone
    "曾国方", "zengguofang", "zengguo", "zeng", "ze", "z", "zgf", "zg", "guofang", "gf",
    # a polyphonic surname's other reading
    "ceng", "cengguofang", "cgf", "shan", "dan", "shanxuemei", "sxm",
    # one or two Chinese characters
    "曾", "曾国", "国方", "单", "雪梅", "乐", "王", "张", "李", "欧阳",
    # phone digits: four or more, with separators, country code
    "8000", "0013 8000", "138-0013-8000", "13800138000", "5678", "139 1234", "+86 139",
    "1234567", "0991", "555-0100", "4155550100", "123",
    # company, tag, e-mail, WeChat
    "长安", "重庆", "chongqing", "changan", "VIP", "vip", "老客户", "重要",
    "zeng@example.com", "example", "wx_zeng", "wx", "jose@cafe.test", "zoe_obrien",
    "mueller", "lily", "chen",
    # mixed Chinese and latin, latin with diacritics, case, fullwidth
    "欧阳kevin", "欧阳 Kevin", "oyk", "ouyang", "kevin", "Kevin's", "咖啡",
    "José", "jose", "JOSE", "Ñandú", "nandu", "café", "cafe ole", "GMBH", "Zoë", "zoe",
    "O'Brien", "obrien", "smith", "müller", "muller", "strasse", "straße",
    "ＡＢＣ", "abc", "ABC贸易", "ＺＧＦ", "１３８０",
    "김민준", "서울", "热西提", "阿卜杜", "解放路 7", "jfl", "alex", "kim", "def",
    # punctuation only, and nothing to find
    "!!!", "·", "---", "'", "zzzzzzzz", "99999999", "鑫鑫鑫",
]


def _demo_queries(service: ClientService, count: int = 60, seed: int = 11) -> list[str]:
    """Queries the way benchmarks/search.py makes them, from the demo clients:
    names, surnames, two characters, pinyin prefixes, initials, phone digits,
    companies and tags."""
    rng = random.Random(seed)
    rows = service.search("")
    queries: list[str] = []
    for i in range(count):
        row = rng.choice(rows)
        full, initials = pinyin_keys(row.name)
        digits = "".join(ch for ch in row.phone if ch.isdigit())
        kind = i % 8
        if kind == 0:
            queries.append(row.name)
        elif kind == 1:
            queries.append(row.name[:1])
        elif kind == 2:
            queries.append(row.name[:2])
        elif kind == 3 and full:
            queries.append(full[-1][: rng.randint(1, len(full[-1]))])
        elif kind == 4 and initials:
            queries.append(initials[0])
        elif kind == 5 and len(digits) >= 4:
            queries.append(digits[-rng.randint(4, min(8, len(digits))):])
        elif kind == 6 and row.company:
            queries.append(row.company[: rng.randint(2, max(2, len(row.company)))])
        elif kind == 7 and row.tags:
            queries.append(row.tags.split(", ")[0])
    return queries


def _fill(db: Database) -> ClientService:
    service = ClientService(db, clock=Clock(FIXED_NOW), user="test")
    for card in CARDS:
        service.save(card)
    generate(db, DEMO_CLIENTS, seed=7, now=FIXED_NOW)
    return service


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, empty_database: Path,
         pg_cluster: PgCluster) -> Iterator[tuple[ClientService, ClientService]]:
    """The same clients on SQLite and on PostgreSQL (made once: the tests only read)."""
    import shutil

    path = tmp_path_factory.mktemp("both") / "clients.db"
    shutil.copyfile(empty_database, path)
    url = pg_cluster.new_database()
    lite, pg = Database.open(path), Database.open(url)
    try:
        yield _fill(lite), _fill(pg)
    finally:
        lite.close()
        pg.close()
        pg_cluster.drop(url)


def test_the_same_clients_are_found_on_both_engines(
        both: tuple[ClientService, ClientService]) -> None:
    lite, pg = both
    assert lite.counts()["clients"] == pg.counts()["clients"] == DEMO_CLIENTS + len(CARDS)
    queries = FIXED_QUERIES + _demo_queries(lite)
    found = {}
    for typed in queries:
        on_sqlite = lite.list_ids(ClientFilter(text=typed))
        on_pg = pg.list_ids(ClientFilter(text=typed))
        assert on_pg == on_sqlite, typed  # the same clients, in the same order
        found[typed] = len(on_sqlite)
    # the list is a real test: most queries find someone, some find no one
    hits = [q for q in queries if found[q]]
    assert len(hits) >= 0.8 * len(queries), [q for q in queries if not found[q]]
    assert {"!!!", "zzzzzzzz", "99999999", "鑫鑫鑫"} <= {q for q in queries if not found[q]}
    assert any(found[q] > 5 for q in queries)  # and some find many


@pytest.mark.parametrize("typed", ["曾国方", "ceng", "8000", "欧阳 Kevin", "José", "ＡＢＣ",
                                   "vip", "z", "北京", "!!!", ""])
def test_the_search_box_shows_the_same_rows(both: tuple[ClientService, ClientService],
                                            typed: str) -> None:
    """What the search box and the ``search`` command show: the same rows,
    tags and all, in the same order."""
    lite, pg = both
    assert pg.search(typed, limit=60) == lite.search(typed, limit=60)


def test_the_hand_made_cards_are_found_by_what_a_user_types(
        both: tuple[ClientService, ClientService]) -> None:
    lite, _pg = both
    name_of = {row.id: row.name for row in lite.search("")}
    made = {card.name for card in CARDS}
    for service in both:
        def names(typed: str, service: ClientService = service) -> set[str]:
            return {name_of[i] for i in service.list_ids(ClientFilter(text=typed))} & made

        assert names("ceng") == names("zeng") >= {"曾国方"}
        assert names("8000") == {"曾国方"}
        assert names("138-0013-8000") == {"曾国方"}
        assert names("José") == names("nandu") == {"José Ñandú"}
        assert names("ＡＢＣ") == {"王小明"}
        assert names("欧阳 Kevin") == {"欧阳 Kevin"}
        assert names("obrien") == {"Zoë O'Brien-Smith"}
        assert names("chen") == {"MÜLLER Straße"}  # lily🌸chen: 🌸 separates
        assert names("strasse") == set()  # ß is no query letter and FTS5 keeps it
        assert names("!!!") == set()
        assert names("kim") == {"Ǡlex Kim"}
        assert names("alex") == names("def") == set()
