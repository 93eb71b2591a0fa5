"""The client list's Grade column and grade filter, driven like a user:
type in the search box, pick a grade, see the rows; click the header to sort;
in both languages."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from desktop_crm import i18n
from tests.gui.conftest import type_text
from tests.unit import grade_book

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

LABELS = {
    "en": ("Grade", ["All grades", "Grade A", "Grade B", "Grade C", "Unrated"],
           ["A Key client", "B Promising client", "C Ordinary client"]),
    "zh": ("等级", ["全部等级", "等级 A", "等级 B", "等级 C", "未评级"],
           ["A 重点客户", "B 有发展前途的客户", "C 一般客户"]),
}


def _column(tab, key: str) -> int:  # type: ignore[no-untyped-def]
    return [k for k, _title in tab.model.columns].index(key)


def _rows(tab) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    model, grade = tab.model, _column(tab, "grade")
    return [(model.data(model.index(r, 0)), model.data(model.index(r, grade)))
            for r in range(model.rowCount())]


def _pick(qtbot, combo, data: object) -> None:  # type: ignore[no-untyped-def]
    """Choose an entry as a user does with the keyboard (the offscreen
    platform cannot open the drop-down list): Home, then Down to it."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _step in range(combo.findData(data)):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == data


def _click_header(qtbot, tab, column: int) -> None:  # type: ignore[no-untyped-def]
    header = tab.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_grade_column_and_filter(qtbot, db, window, lang: str):  # type: ignore[no-untyped-def]
    grade_book.fill(db)
    i18n.set_language(lang)
    window.retranslate()
    tab = window.clients
    tab.apply_filter()
    title, entries, tips = LABELS[lang]
    grade = _column(tab, "grade")
    assert tab.model.headerData(grade, Qt.Orientation.Horizontal) == title
    assert [tab.grade_filter.itemText(i) for i in range(tab.grade_filter.count())] == entries
    assert [tab.grade_filter.itemData(i, Qt.ItemDataRole.ToolTipRole) for i in (1, 2, 3)] == tips
    # the latest evaluation's grade, empty for the unrated
    assert dict(_rows(tab)) == {name: g or "" for name, g in grade_book.GRADES.items()}

    _pick(qtbot, tab.grade_filter, "A")
    assert _rows(tab) == [("李娜", "A"), ("张伟", "A")]
    qtbot.keyClicks(tab.search, "zhang")
    assert _rows(tab) == [("张伟", "A")]
    _pick(qtbot, tab.grade_filter, "unrated")
    assert _rows(tab) == [("张无忌", "")]
    tab.search.clear()
    type_text(tab.search, "宋")
    assert _rows(tab) == []
    assert tab.empty_label.isVisible()
    _pick(qtbot, tab.grade_filter, "C")
    assert _rows(tab) == [("宋江", "C")]
    tab.search.clear()
    _pick(qtbot, tab.grade_filter, None)
    assert len(_rows(tab)) == len(grade_book.GRADES)

    _click_header(qtbot, tab, grade)  # sorts by grade, unrated first
    assert [g for _name, g in _rows(tab)] == ["", "", "A", "A", "B", "C"]
    _click_header(qtbot, tab, grade)
    assert [g for _name, g in _rows(tab)] == ["C", "B", "A", "A", "", ""]


def test_show_client_clears_the_grade_filter(qtbot, db, window):  # type: ignore[no-untyped-def]
    ids = grade_book.fill(db)
    tab = window.clients
    tab.apply_filter()
    _pick(qtbot, tab.grade_filter, "B")
    assert _rows(tab) == [("张三丰", "B")]
    assert tab.show_client(ids["赵敏"])
    assert tab.grade_filter.currentData() is None
    assert tab.editor.client_id == ids["赵敏"]
