"""The client list's grade: the latest evaluation's, filtered (A, B, C,
unrated; alone or with search text), sorted, and read for a page of rows
with a fixed number of queries (not one a row), on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.storage.database import Database
from tests.unit import grade_book


@pytest.fixture
def book(db: Database) -> dict[str, int]:
    return grade_book.fill(db)


def _names(service: ClientService, flt: ClientFilter) -> list[str]:
    return [row.name for row in service.rows(service.list_ids(flt))]


@pytest.mark.parametrize(("grade", "names"), [
    ("A", ["李娜", "张伟"]),  # 李娜 was C and is now A
    ("B", ["张三丰"]),
    ("C", ["宋江"]),  # was A, is now C
    ("unrated", ["张无忌", "赵敏"]),
    (None, ["李娜", "宋江", "张三丰", "张伟", "张无忌", "赵敏"]),
])
def test_the_grade_filter_lists_the_latest_grade(db: Database, book: dict[str, int],
                                                  grade: str | None, names: list[str]) -> None:
    assert _names(ClientService(db), ClientFilter(grade=grade)) == names


def test_grade_and_search_text_together(db: Database, book: dict[str, int]) -> None:
    service = ClientService(db)
    assert _names(service, ClientFilter(text="zhang", grade="A")) == ["张伟"]
    assert _names(service, ClientFilter(text="张", grade="unrated")) == ["张无忌"]
    assert _names(service, ClientFilter(text="zhang", grade="C")) == []
    assert [r.name for r in service.search("zh", grade="B")] == ["张三丰"]


def test_the_list_sorts_by_grade(db: Database, book: dict[str, int]) -> None:
    service = ClientService(db)
    # unrated first ascending (empty values are the smallest), then by id
    up = _names(service, ClientFilter(sort="grade"))
    assert [grade_book.GRADES[n] for n in up] == [None, None, "A", "A", "B", "C"]
    down = _names(service, ClientFilter(sort="grade", descending=True))
    assert [grade_book.GRADES[n] for n in down] == ["C", "B", "A", "A", None, None]


def test_rows_carry_the_grade_read_set_based(db: Database, book: dict[str, int]) -> None:
    service = ClientService(db)
    ids = service.list_ids(ClientFilter())
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        rows = service.rows(ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert {r.name: r.grade for r in rows} == grade_book.GRADES
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 2  # tags and rows, whatever the number of clients
