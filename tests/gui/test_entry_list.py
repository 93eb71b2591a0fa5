"""Entries of several lines (a card's timeline, a complaint's handling log
and status history) show every line, whatever the script of each: a
Chinese header over an English summary came out as the header elided
("2025-09-30 15:42 · 电话…"), centred in the entry, and no summary."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QListWidget

from desktop_crm.ui.clients.timeline_page import TimelinePage
from desktop_crm.ui.complaints.records import HandlingLog, StatusHistory
from desktop_crm.ui.entry_list import WholeLinesDelegate, entry_list


def _ink_rows(widget: QListWidget) -> tuple[range, list[int]]:
    """The first entry's rows of pixels, and those with text drawn on them."""
    widget.resize(700, 300)
    widget.show()
    image = widget.viewport().grab().toImage()
    rect = widget.visualItemRect(widget.item(0))
    rows = range(rect.top(), rect.bottom() + 1)
    return rows, [y for y in rows
                  if any(image.pixelColor(x, y).lightness() < 100
                         for x in range(rect.left(), rect.right()))]


@pytest.mark.parametrize("text", [
    "2025-09-30 15:42 · 电话\nThank-you call after delivery: very satisfied",
    "2025-09-30 15:42 · 电话\n交货后电话致谢",
    "2025-09-30 15:42 · Call\n交货后电话致谢",
    "2025-09-30 15:42 · 电话\nThank-you call after delivery\n下一步：寄样品"])
def test_every_line_of_an_entry_is_painted(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    widget = entry_list(QListWidget())
    qtbot.addWidget(widget)
    widget.addItem(text)
    rows, ink = _ink_rows(widget)
    # the first line at the top, not centred alone; the last one down to
    # the bottom (a line is 14-15 pixels, its ink 10-11 of them)
    assert min(ink) <= rows.start + 3, (text, len(rows), ink)
    assert max(ink) >= rows.stop - 6, (text, len(rows), ink)


def test_the_timeline_and_a_complaints_records_use_it(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from desktop_crm.services.clients import ClientService

    page = TimelinePage(ClientService(db))
    log, history = HandlingLog(), StatusHistory()
    for widget in (page, log, history):
        qtbot.addWidget(widget)
    for view in (page.list, log.list, history):
        assert isinstance(view.itemDelegate(), WholeLinesDelegate)


def test_a_calendar_days_items_use_it(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from desktop_crm.services.agenda import AgendaService
    from desktop_crm.ui.care.tab import CareTab

    tab = CareTab(AgendaService(db))
    qtbot.addWidget(tab)
    assert isinstance(tab.day_list.itemDelegate(), WholeLinesDelegate)
