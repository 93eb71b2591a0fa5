"""The client list shows search hits best first (as ``search --json`` does)
until the user clicks a column header."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.gui.conftest import type_text
from tests.unit import search_book

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]


def _names(tab) -> list[str]:  # type: ignore[no-untyped-def]
    model = tab.model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def _click_header(qtbot, tab, column: int) -> None:  # type: ignore[no-untyped-def]
    header = tab.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


def test_typed_search_is_ranked_until_a_header_is_clicked(qtbot, db, window):  # type: ignore[no-untyped-def]
    search_book.fill(db)
    tab = window.clients
    tab.apply_filter()
    header = tab.view.horizontalHeader()
    qtbot.keyClicks(tab.search, "zhang")
    assert _names(tab) == search_book.RANKED["zhang"]
    assert not header.isSortIndicatorShown()  # no column claims the order
    tab.search.clear()
    type_text(tab.search, "张")
    assert _names(tab) == search_book.RANKED["张"]
    tab.search.clear()
    assert header.isSortIndicatorShown()  # the whole list: by name
    qtbot.keyClicks(tab.search, "zw")
    assert _names(tab) == search_book.RANKED["zw"]

    _click_header(qtbot, tab, 0)  # Name: ascending on the first click
    assert _names(tab) == ["润泽物流", "张伟", "张伟明", "赵文"]
    assert header.isSortIndicatorShown()
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    _click_header(qtbot, tab, 0)
    assert _names(tab) == ["赵文", "张伟明", "张伟", "润泽物流"]
    # the chosen column stays while the search changes
    tab.search.clear()
    qtbot.keyClicks(tab.search, "wang")
    assert _names(tab) == ["网络科技", "王芳", "刘强"]  # by name, descending
