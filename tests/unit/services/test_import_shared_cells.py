"""services/importing/readers.py: a sheet's repeated text and dates are kept
once (100,000 rows repeat owners, cities and days), and every cell still
reads as its own value: numbers and booleans are never merged with one
another (1, 1.0 and True are equal in Python)."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

from desktop_crm.services.importing.readers import read_file
from tests.conftest import write_xlsx


def test_repeated_text_and_dates_are_one_value_each(tmp_path: Path) -> None:
    day = datetime(2024, 3, 5, 10, 30)
    path = write_xlsx(tmp_path / "c.xlsx", [
        ["姓名", "负责人", "城市", "生日"],
        ["张伟", "王" + "芳", "北京", day],
        ["李娜", "王" + "芳", "北京", datetime(2024, 3, 5, 10, 30)],
        ["赵六", "陈明", "上海", date(2024, 3, 5)],
    ])
    rows = read_file(path).rows
    assert rows[1][:3] == ["张伟", "王芳", "北京"] and rows[2][:3] == ["李娜", "王芳", "北京"]
    assert rows[1][1] is rows[2][1] and rows[1][2] is rows[2][2]
    assert rows[1][3] == rows[2][3] == day and rows[1][3] is rows[2][3]
    assert rows[3][2] == "上海" and rows[3][3] != day  # another day: its own value


def test_rows_have_no_spare_room(tmp_path: Path) -> None:
    """A list built by appending 41 cells has room for 52: 9 MB at 100,000 rows."""
    path = write_xlsx(tmp_path / "w.xlsx", [[f"列{i}" for i in range(41)],
                                            [f"值{i}" for i in range(41)]])
    rows = read_file(path).rows
    assert all(sys.getsizeof(row) == sys.getsizeof(list(row)) for row in rows)


def test_numbers_and_booleans_keep_their_own_type(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "n.xlsx", [
        ["姓名", "a", "b", "c"],
        ["张伟", 1, 1.5, True],
        ["李娜", 1.5, True, 1],
    ])
    rows = read_file(path).rows
    assert [type(v) for v in rows[1][1:]] == [type(v) for v in (rows[1][1], 1.5, True)]
    assert rows[1][3] is True and rows[2][2] is True
    assert rows[2][1] == 1.5 and type(rows[2][1]) is float
    assert rows[2][3] == 1 and type(rows[2][3]) is not bool


def test_a_csv_repeats_its_text_once(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("姓名,城市\n张伟,北京\n李娜,北京\n", encoding="utf-8")
    rows = read_file(path).rows
    assert rows[1][1] == rows[2][1] == "北京" and rows[1][1] is rows[2][1]
