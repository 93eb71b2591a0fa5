"""An invalid field is drawn with a red frame on a pale red ground, from a
style sheet set on that field only while it is invalid (a sheet on the whole
window made Qt style every widget through it and slowed the start)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLineEdit

from desktop_crm.ui.widgets import mark_invalid

PALE_RED = QColor("#fdecea")


def ground(edit: QLineEdit) -> QColor:
    """The colour inside the field, away from its frame and text."""
    image = edit.grab().toImage()
    return image.pixelColor(image.width() - 6, image.height() // 2)


def test_a_field_is_red_while_it_is_invalid_and_keeps_its_own_sheet(qtbot) -> None:  # type: ignore[no-untyped-def]
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.resize(200, 30)
    edit.show()
    qtbot.waitExposed(edit)
    assert ground(edit) != PALE_RED
    mark_invalid(edit, "Name is required")
    assert ground(edit) == PALE_RED and edit.toolTip() == "Name is required"
    mark_invalid(edit, "Name is required")  # marked twice: still one sheet
    mark_invalid(edit, None)
    assert ground(edit) != PALE_RED and edit.styleSheet() == "" and edit.toolTip() == ""
    edit.setStyleSheet("QLineEdit { color: #123456; }")  # a sheet of its own
    mark_invalid(edit, "bad")
    assert ground(edit) == PALE_RED
    mark_invalid(edit, None)
    assert edit.styleSheet() == "QLineEdit { color: #123456; }"
    edit.setStyleSheet("color: #123456;")  # declarations only, as the app's red texts
    mark_invalid(edit, "bad")
    assert ground(edit) == PALE_RED
    mark_invalid(edit, None)
    assert edit.styleSheet() == "color: #123456;"


def test_the_window_has_no_sheet_and_an_invalid_card_field_is_red(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    assert window.styleSheet() == ""
    editor = window.clients.editor
    window.clients.new_client()
    qtbot.keyClicks(editor.basics.email, "not-an-email")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.basics.email.property("invalid") is True
    assert ground(editor.basics.email) == PALE_RED
    assert ground(editor.basics.company) != PALE_RED
