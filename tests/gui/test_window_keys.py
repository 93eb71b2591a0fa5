"""Window-wide keys: Ctrl+E and the main-tab switches work whatever field has
the focus (ui/window_keys.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QWidget

CTRL = Qt.KeyboardModifier.ControlModifier


class ClaimsCtrlE(QObject):
    """What a text field does on X11, where Ctrl+E is "end of line": it claims
    the key before any shortcut (the offscreen test platform has no such binding)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_E and event.modifiers() == CTRL):
            event.accept()
            return True
        return False


def test_ctrl_e_exports_while_a_text_field_claims_it(qtbot, window, seeded):  # type: ignore[no-untyped-def]
    exported: list[bool] = []
    window.act_export_xlsx.triggered.disconnect()
    window.act_export_xlsx.triggered.connect(lambda: exported.append(True))
    claim = ClaimsCtrlE()
    window.clients.apply_filter()
    window.clients._select(seeded["李娜"])
    fields = [window.clients.search, window.clients.editor.basics.name]
    for field in fields:
        field.installEventFilter(claim)
        window.activateWindow()
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_E, CTRL)
    assert exported == [True, True]
    # the field keeps its other keys: Ctrl+A still selects its text
    name = window.clients.editor.basics.name
    qtbot.keyClick(name, Qt.Key.Key_A, CTRL)
    assert name.selectedText() == "李娜"
    assert window.clients.editor.pages.currentIndex() == 0


@pytest.mark.parametrize("focus", ["search", "list", "section tabs", "name field", "notes"])
def test_ctrl_page_down_switches_the_main_tabs_from_the_client_cards(  # type: ignore[no-untyped-def]
        qtbot, window, seeded, focus):
    tab = window.clients
    tab.apply_filter()
    tab._select(seeded["李娜"])
    widget: QWidget = {"search": tab.search, "list": tab.view, "section tabs": tab.editor.pages,
                       "name field": tab.editor.basics.name,
                       "notes": tab.editor.basics.notes}[focus]
    window.tabs.setCurrentWidget(tab)
    index = window.tabs.currentIndex()
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_PageDown, CTRL)
    assert window.tabs.currentWidget() is window.evaluation
    window.tabs.setCurrentWidget(tab)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_PageUp, CTRL)
    assert window.tabs.currentIndex() == index - 1
    assert tab.editor.pages.currentIndex() == 0  # the card's own sections stayed put


def test_ctrl_tab_cycles_through_every_main_tab(qtbot, window):  # type: ignore[no-untyped-def]
    count = window.tabs.count()
    window.tabs.setCurrentIndex(0)
    seen = []
    for _ in range(count):
        focused = window.tabs.currentWidget().focusWidget() or window.tabs.currentWidget()
        qtbot.keyClick(focused, Qt.Key.Key_Tab, CTRL)
        seen.append(window.tabs.currentIndex())
    assert seen == [*range(1, count), 0]
    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_Backtab,
                   CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.tabs.currentIndex() == count - 1


def test_the_filter_follows_the_focus_in_the_window_only(  # type: ignore[no-untyped-def]
        qtbot, window, seeded):
    """The filter sits on the widget with the focus (where Qt sends the
    ShortcutOverride), not on the application, where it saw every event of
    every object; a dialog's field, not the window's, keeps its claim, and a
    watched field that is deleted leaves the filter nowhere."""
    exported: list[bool] = []
    window.act_export_xlsx.triggered.disconnect()
    window.act_export_xlsx.triggered.connect(lambda: exported.append(True))
    keys = window.window_keys
    tab = window.clients
    window.tabs.setCurrentWidget(tab)
    tab.apply_filter()
    tab._select(seeded["李娜"])
    window.activateWindow()
    for field in (tab.search, tab.editor.basics.name):
        field.setFocus()
        qtbot.waitUntil(lambda field=field: keys.watched is field)
    dialog = QDialog(window)
    field = QLineEdit(dialog)
    claim = ClaimsCtrlE()
    field.installEventFilter(claim)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    assert keys.watched is None
    qtbot.keyClick(field, Qt.Key.Key_E, CTRL)
    assert exported == []  # the dialog's field kept it
    dialog.close()
    window.activateWindow()
    extra = QLineEdit(tab)
    extra.show()
    extra.setFocus()
    qtbot.waitUntil(lambda: keys.watched is extra)
    extra.deleteLater()
    qtbot.waitUntil(lambda: keys.watched is not extra)
    tab.search.setFocus()
    qtbot.waitUntil(lambda: keys.watched is tab.search)
