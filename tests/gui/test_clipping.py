"""No clipped text: a festival's name in the month view's day cell, and the
complaint list's deadline column beside the form, in both languages."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.complaint import Complaint, ComplaintCategory
from desktop_crm.i18n import ngettext, set_language
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.ui.care.month_view import MonthView, fitted_lines
from desktop_crm.ui.main_window import MainWindow
from tests.conftest import Clock

pytestmark = pytest.mark.usefixtures("everyone")


def test_a_long_word_pair_wraps_instead_of_being_elided(qtbot) -> None:  # type: ignore[no-untyped-def]
    metrics = QFontMetrics(QFont())
    width = metrics.horizontalAdvance("New Year's")
    assert fitted_lines(metrics, "New Year's Day", width, 2) == ["New Year's", "Day"]
    assert fitted_lines(metrics, "Mid-Autumn Festival", width * 2, 2) == ["Mid-Autumn Festival"]
    one = fitted_lines(metrics, "New Year's Day", width, 1)
    assert len(one) == 1 and one[0].endswith("…")  # no room: elided, the tooltip has it all


def test_a_day_cell_has_a_tooltip_with_the_festival_and_its_items(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = MonthView()
    qtbot.addWidget(view)
    view.resize(440, 400)
    view.setCurrentPage(2027, 1)
    new_year = date(2027, 1, 1)
    view.set_marks({new_year: 9}, {new_year: "New Year's Day"}, date(2026, 12, 28),
                   date(2027, 2, 7))
    view.show()
    qtbot.waitExposed(view)
    view.grab()  # paints every day cell
    cell = next(rect for rect, day in view._cells if day == new_year)
    assert view.day_at(cell.center().x(), cell.center().y()) == new_year
    tip = view.day_tip(new_year)
    assert tip == "2027-01-01 · Lunar 11/24 · New Year's Day · 9 items"
    set_language("zh")
    assert view.day_tip(new_year) == "2027-01-01 · 农历冬月廿四 · New Year's Day · 9 项"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)])
def test_the_complaint_deadline_column_is_in_view_beside_the_form(  # type: ignore[no-untyped-def]
        qtbot, db, settings, lang, size):
    clock = Clock(datetime(2026, 12, 20, 9, 0))
    client = ClientService(db, clock, user="t").save(ClientCard(
        name="深圳新锐物流集团有限公司客户服务中心", company="深圳新锐物流集团有限公司"))
    complaints = ComplaintService(db, clock, user="t")
    for category in (ComplaintCategory.PACKAGING, ComplaintCategory.SERVICE_ATTITUDE):
        complaints.register(Complaint(client_id=client, received_at=clock(), words="破损",
                                      category=category))
    set_language(lang)
    window = MainWindow(db, settings, clock)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.complaints)
    # the list narrower than its default half, as a user may drag it
    window.complaints.splitter.setSizes([560, size[0] - 560])
    view = window.complaints.view
    qtbot.waitUntil(lambda: window.complaints.model.rowCount() == 2)
    window.complaints.refresh()
    last = window.complaints.model.columnCount() - 1
    right = view.columnViewportPosition(last) + view.columnWidth(last)
    assert right <= view.viewport().width()
    header = view.horizontalHeader()
    title = str(window.complaints.model.headerData(last, header.orientation()))
    assert view.columnWidth(last) >= header.fontMetrics().horizontalAdvance(title)
    assert not view.horizontalScrollBar().isVisible()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_care_calendars_filters_read_whole_beside_a_long_count(  # type: ignore[no-untyped-def]
        qtbot, db, settings, lang):
    """At 1280 × 800, with the count of a big book beside them ("79163 items,
    34979 overdue"), "Next 30 days" read "Next 30 d" in English: the count
    now wraps and the filters keep their room."""
    set_language(lang)
    try:
        window = MainWindow(db, settings, Clock(datetime(2026, 12, 7, 9, 0)))
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        care = window.page("calendar")
        window.tabs.setCurrentWidget(care)
        qtbot.waitUntil(care.count_label.isVisible)
        # the count a 100,000-client book gives, in the tab's own words
        care.count_label.setText(ngettext("{n} item, {m} overdue", "{n} items, {m} overdue",
                                          79163, m=34979))
        qtbot.wait(50)  # the bar lays itself out again
        for combo in (care.range, care.kind):
            option = QStyleOptionComboBox()
            combo.initStyleOption(option)
            room = combo.style().subControlRect(
                QStyle.ComplexControl.CC_ComboBox, option,
                QStyle.SubControl.SC_ComboBoxEditField, combo).width()
            assert combo.fontMetrics().horizontalAdvance(combo.currentText()) <= room, (
                combo.currentText(), room)
        assert care.count_label.width() > 0
    finally:
        set_language("en")
