"""``desktop-crm search``: the search box's order, and the grade filter."""

from __future__ import annotations

import json

import pytest

from desktop_crm.cli import main
from desktop_crm.storage.database import Database
from tests.unit import search_book


@pytest.fixture
def ranked_book(db_target: str) -> str:
    db = Database.open(db_target)
    try:
        search_book.fill(db)
    finally:
        db.close()
    return db_target


@pytest.mark.parametrize("typed", ["zhang", "zw", "wang"])
def test_search_json_lists_the_best_match_first(ranked_book: str, typed: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", typed, "--db", ranked_book, "--json"]) == 0
    names = [row["name"] for row in json.loads(capsys.readouterr().out)]
    assert names == search_book.RANKED[typed]


def test_search_limit_keeps_the_best(ranked_book: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "zhang", "--db", ranked_book, "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[1] for line in lines] == ["张伟", "张伟明"]
