"""``desktop-crm search``: the search box's order, and the grade filter."""

from __future__ import annotations

import json

import pytest

from desktop_crm.cli import main
from desktop_crm.storage.database import Database
from tests.conftest import one_line
from tests.unit import grade_book, search_book


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


@pytest.fixture
def graded_book(db_target: str) -> str:
    db = Database.open(db_target)
    try:
        grade_book.fill(db)
    finally:
        db.close()
    return db_target


@pytest.mark.parametrize(("args", "names"), [
    (["--grade", "A"], ["李娜", "张伟"]),
    (["--grade", "b"], ["张三丰"]),
    (["--grade", "C"], ["宋江"]),
    (["--grade", "unrated"], ["张无忌", "赵敏"]),
    (["zhang", "--grade", "A"], ["张伟"]),
    (["张", "--grade", "unrated"], ["张无忌"]),
    (["zhang", "--grade", "C"], []),
])
def test_search_by_grade(graded_book: str, args: list[str], names: list[str],
                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", *args, "--db", graded_book, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [row["name"] for row in data] == names
    assert all(row["grade"] == grade_book.GRADES[row["name"]] for row in data)


@pytest.mark.parametrize(("args", "message"), [
    (["--grade", "D"], '--grade must be A, B, C or unrated, not "D"'),
    (["zhang", "--grade", "AB"], '--grade must be A, B, C or unrated, not "AB"'),
    (["--grade", ""], '--grade must be A, B, C or unrated, not ""'),
    ([], "search needs a text to find, --grade, or both"),
])
def test_a_bad_grade_is_one_line_and_exit_2(graded_book: str, args: list[str], message: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", *args, "--db", graded_book]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in one_line(captured.err)


def test_a_bad_grade_in_chinese(graded_book: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--grade", "D", "--db", graded_book, "--lang", "zh"]) == 2
    assert "--grade 只能是 A、B、C 或 unrated，不能是“D”" in one_line(capsys.readouterr().err)
