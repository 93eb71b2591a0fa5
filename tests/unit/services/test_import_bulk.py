"""The bulk path of a large import (storage/card_inserts.py): cards written
chunk by chunk with ids taken first, their search entries written with them;
on both engines. CHUNK is made small so a few rows span several chunks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.services.clients import ClientService
from desktop_crm.services.importing import ImportService
from desktop_crm.storage import card_inserts, search_index
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client, client_rank_keys
from tests.conftest import FIXED_NOW, fail_on_call, write_xlsx
from tests.unit.services.test_import import dump

HEADERS = ["姓名", "公司", "手机", "电子邮件", "标签", "生日"]
SURNAMES = "张王李赵刘陈杨黄周吴曾单"
GIVEN = ["伟", "国方", "晓明", "丽", "建华", "秀英", "子涵"]


def _rows(count: int) -> list[list[Any]]:
    """``count`` distinct people; names repeat their given names, companies
    repeat, as a real sheet's do (the pinyin is cached per distinct name)."""
    rows: list[list[Any]] = [HEADERS]
    for i in range(count):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + ("" if i < 30 else str(i))
        rows.append([name, ["华为技术有限公司", "Acme GmbH", ""][i % 3],
                     f"139{i:08d}", f"p{i}@example.com", "重点客户; 老客户" if i % 2 else "",
                     f"1980-{i % 12 + 1:02d}-{i % 28 + 1:02d}" if i % 4 else None])
    return rows


_xlsx = write_xlsx


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(card_inserts, "CHUNK", 7)
    return 7


def _import(db: Database, path: Path) -> dict[str, int]:
    svc = ImportService(db, clock=lambda: FIXED_NOW, user="tester")
    source = svc.open(path)
    return svc.commit(source, None, "skip").counts


def test_rows_over_several_chunks_are_all_written(db: Database, tmp_path: Path,
                                                  small_chunks: int) -> None:
    existing = ClientService(db).save(ClientCard(name="原有客户", phones=[Phone("13700000000")]))
    path = _xlsx(tmp_path / "many.xlsx", _rows(5 * small_chunks + 3))
    counts = _import(db, path)
    assert counts["created"] == 38 and counts["skipped"] == 0
    clients = ClientService(db)
    ids = clients.list_ids(ClientFilter(sort="id"))
    assert len(ids) == 39 and ids[0] == existing
    assert ids == list(range(existing, existing + 39))  # each row its own new id
    cards = {c.name: c for c in (clients.get(i) for i in ids)}
    first = cards["张伟"]
    assert [p.number for p in first.phones] == ["13900000000"]
    assert first.email == "p0@example.com" and first.tags == [] and first.birthday is None
    last = cards["王晓明37"]  # in the last, partial chunk
    assert last.company == "Acme GmbH" and last.tags == ["老客户", "重点客户"]
    assert last.birthday is not None and (last.birthday.month, last.birthday.day) == (2, 10)
    assert last.uuid and len({c.uuid for c in cards.values()}) == 39
    # a card saved after the import takes the next id (the sequence moved on)
    after = clients.save(ClientCard(name="导入之后"))
    assert after == existing + 39


def test_imported_clients_are_found_by_pinyin_initials_and_phone(
        db: Database, tmp_path: Path, small_chunks: int) -> None:
    _import(db, _xlsx(tmp_path / "many.xlsx", _rows(40)))
    clients = ClientService(db)

    def names(typed: str) -> set[str]:
        return {row.name for row in clients.search(typed)}

    assert names("zengguofang") == {"曾国方"}
    assert names("cengguofang") == {"曾国方"}  # every reading of a surname
    assert names("zgf") == {"曾国方", "张国方36", "赵国方", "周国方"}  # initials
    assert names("shanjianhua") == {"单建华"}
    assert names("00000039") == {"赵建华39"}  # the last digits of the phone
    assert names("华为") == names("huawei") and len(names("华为")) == 14
    # the same entries as saving each card one by one would write
    with db.read() as s:
        ids = list(s.scalars(select(Client.id).order_by(Client.id)))
    bulk, bulk_keys = _bodies(db), _rank_keys(db)
    assert {client_id for client_id, _key, _role in bulk_keys} == set(ids)
    with db.session() as s:
        for client_id in ids:
            search_index.reindex(s, client_id)
    assert _bodies(db) == bulk
    assert _rank_keys(db) == bulk_keys  # the database ranks imported clients as saved ones


def _rank_keys(db: Database) -> list[tuple[int, str, int]]:
    with db.read() as s:
        keys = client_rank_keys.c
        return sorted((int(i), str(k), int(r)) for i, k, r in
                      s.execute(select(keys.client_id, keys.key, keys.role)))


def _bodies(db: Database) -> list[Any]:
    """Each entry's tokens without positions (the order of the tags in an
    entry, which moves PostgreSQL's positions, does not matter to search)."""
    return [(client_id, sorted(t.rsplit("':", 1)[0] for t in str(body).split()))
            for client_id, body in dump(db)["client_fts"]]


def test_a_failure_midway_leaves_the_database_as_it_was(
        db: Database, tmp_path: Path, small_chunks: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ClientService(db).save(ClientCard(name="原有客户", tags=["老客户"]))
    before = dump(db)
    written = search_index.insert_entries
    calls = fail_on_call(monkeypatch, search_index, "insert_entries", 3, RuntimeError("disk full"))
    with pytest.raises(RuntimeError):
        _import(db, _xlsx(tmp_path / "many.xlsx", _rows(30)))
    assert len(calls) == 3  # two chunks were written before
    assert dump(db) == before
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 1
    monkeypatch.setattr(search_index, "insert_entries", written)
    assert _import(db, tmp_path / "many.xlsx")["created"] == 30  # and it can be done again


def test_the_batch_items_are_written_a_few_at_a_time_all_in_row_order(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_crm.services.importing import ImportService as Service
    from desktop_crm.storage import import_repo, row_writer

    monkeypatch.setattr(import_repo, "ITEMS_AT_ONCE", 3)
    rounds: list[int] = []
    write = row_writer.insert_rows

    def counting(session: Any, table: Any, columns: Any, rows: Any) -> None:
        if table.name == "import_items":
            rounds.append(len(rows))
        write(session, table, columns, rows)

    monkeypatch.setattr(row_writer, "insert_rows", counting)
    ClientService(db).save(ClientCard(name="张伟", phones=[Phone("13900000000")]))
    svc = Service(db, clock=lambda: FIXED_NOW, user="tester")
    result = svc.commit(svc.open(_xlsx(tmp_path / "eight.xlsx", _rows(8))), None, "skip")
    assert result.counts["created"] == 7 and result.counts["skipped"] == 1  # 张伟: a duplicate
    assert rounds == [3, 3, 1]
    items = import_repo_items(db, result.batch_id)
    assert [row for row, _cid, _action in items] == [3, 4, 5, 6, 7, 8, 9]
    assert [cid for _row, cid, _action in items] == sorted(cid for _r, cid, _a in items)
    assert {action for _row, _cid, action in items} == {"created"}


def import_repo_items(db: Database, batch_id: int) -> list[tuple[int, int, str]]:
    from desktop_crm.storage import import_repo

    with db.read() as s:
        return [(i.row, i.client_id or 0, i.action) for i in import_repo.items(s, batch_id)]


def test_tags_given_by_the_caller_are_the_tags_the_cards_link_to(db: Database) -> None:
    from desktop_crm.domain.client import ClientCard as Card
    from desktop_crm.storage.models import ClientTag, Tag

    cards = [Card(name="甲", tags=[" 老客户 ", "VIP"]), Card(name="乙", tags=["VIP"]),
             Card(name="丙")]
    with db.session() as s:
        ids = card_inserts.insert_cards(s, cards, FIXED_NOW,
                                        tags={" 老客户 ", "VIP", "  "})
    with db.read() as s:
        names = {str(n): int(i) for n, i in s.execute(select(Tag.name, Tag.id))}
        links = sorted((int(c), int(t)) for c, t in s.execute(
            select(ClientTag.client_id, ClientTag.tag_id)))
    # stored clean, a blank one left out, new tags given ids in name order
    assert sorted(names) == ["VIP", "老客户"] and names["VIP"] < names["老客户"]
    assert links == sorted([(ids[0], names["老客户"]), (ids[0], names["VIP"]),
                            (ids[1], names["VIP"])])
