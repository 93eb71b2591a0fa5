"""Lunar dates in Chinese are shown the traditional way in the date fields:
八月 / 十五, 正月 / 初一, 腊月 / 廿三, 闰四月; Gregorian dates and English keep numbers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_crm.domain.dates import DateSpec
from desktop_crm.i18n import set_language
from desktop_crm.ui.widgets import DateSpecEdit


@pytest.fixture
def edit(qtbot):  # type: ignore[no-untyped-def]
    set_language("zh")
    widget = DateSpecEdit(optional=False)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def shown(edit: DateSpecEdit) -> tuple[str, str]:
    return edit.month.text(), edit.day.text()


@pytest.mark.parametrize(("spec", "texts"), [
    (DateSpec.lunar(8, 15), ("八月", "十五")),
    (DateSpec.lunar(1, 1), ("正月", "初一")),
    (DateSpec.lunar(12, 23), ("腊月", "廿三")),
    (DateSpec.lunar(11, 30), ("冬月", "三十")),
    (DateSpec.lunar(4, 8, leap=True), ("闰四月", "初八")),
])
def test_a_lunar_date_in_chinese_reads_the_traditional_way(edit, spec, texts):  # type: ignore[no-untyped-def]
    edit.set_value(spec)
    assert shown(edit) == texts
    assert edit.value() == spec


def test_gregorian_and_english_keep_their_numbers(edit):  # type: ignore[no-untyped-def]
    edit.set_value(DateSpec.solar(8, 15))
    assert shown(edit) == ("8 月", "15 日")
    edit.set_value(DateSpec.lunar(8, 15))
    set_language("en")
    edit.retranslate()
    assert shown(edit) == ("8 (month)", "15 (day)")
    set_language("zh")
    edit.retranslate()
    assert shown(edit) == ("八月", "十五")


def test_the_leap_box_and_the_arrows_update_the_names(qtbot, edit):  # type: ignore[no-untyped-def]
    edit.set_value(DateSpec.lunar(4, 8))
    edit.leap.setChecked(True)
    assert edit.month.text() == "闰四月"
    edit.leap.setChecked(False)
    edit.month.setFocus()
    qtbot.keyClick(edit.month, Qt.Key.Key_Up)
    edit.day.setFocus()
    qtbot.keyClick(edit.day, Qt.Key.Key_Up)
    assert shown(edit) == ("五月", "初九")
    assert edit.value() == DateSpec.lunar(5, 9)


def test_a_typed_traditional_name_is_read(qtbot, edit):  # type: ignore[no-untyped-def]
    edit.set_value(DateSpec.lunar(8, 15))
    edit.month.lineEdit().selectAll()
    edit.month.lineEdit().insert("腊月")
    edit.day.lineEdit().selectAll()
    edit.day.lineEdit().insert("廿三")
    edit.month.interpretText()
    edit.day.interpretText()
    assert edit.value() == DateSpec.lunar(12, 23)
