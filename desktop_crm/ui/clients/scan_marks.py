"""The "read from the card" marks on the card editor's fields.

After a business card is read, the fields it filled are tinted and carry a
tooltip asking the user to check them; a field's mark goes as soon as the
user edits it (the OCR may have misread it: what the user typed is theirs),
and every mark goes when another card is loaded into the editor.

The marks are found by comparing the fields before and after the card's
values went in, so a field added to the form later (the website) is marked
without this file knowing it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget
from shiboken6 import isValid

from desktop_crm.i18n import _
from desktop_crm.ui.clients.editor import CardEditor
from desktop_crm.ui.clients.fields import PhoneRow

# the tint of a field read from the card; an invalid field keeps its red
MARK_STYLE = ("QLineEdit, QPlainTextEdit { background: #fff1b8; color: #1a1a1a; }"
              ' *[invalid="true"] { border: 1px solid #c0392b; background: #fdecea; }')
_NOT_DIGITS = re.compile(r"\D")

TextField = QLineEdit | QPlainTextEdit


def _text(widget: TextField) -> str:
    return widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()


class ScanMarks(QObject):
    """The marked fields of ``editor``, cleared whenever it loads a card."""

    def __init__(self, editor: CardEditor) -> None:
        super().__init__(editor)
        self._editor = editor
        # widget -> its own tooltip, and the connections that unmark it
        self._marked: dict[QWidget, tuple[str, list[tuple[SignalInstance, Callable[..., None]]]]]
        self._marked = {}
        editor.loaded.connect(self.clear)

    # -- which fields ---------------------------------------------------------------
    def _text_fields(self) -> dict[str, TextField]:
        """The free-text fields of the pages a card fills, by card field."""
        found: dict[str, TextField] = {}
        for page in (self._editor.basics, self._editor.organisation):
            for name, widget in page.fields.items():
                if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                    found[name] = widget
        return found

    def _phone_rows(self) -> list[PhoneRow]:
        return [row for row in self._editor.basics.phones.rows if isinstance(row, PhoneRow)]

    # -- marking ----------------------------------------------------------------------
    def fill(self, apply: Callable[[], None]) -> list[str]:
        """Run ``apply`` (which puts the card's values into the editor's
        fields) and mark every field it filled or changed; returns their names
        ("phones" once for any new number)."""
        before = {name: _text(widget) for name, widget in self._text_fields().items()}
        numbers = {_NOT_DIGITS.sub("", row.number.text()) for row in self._phone_rows()}
        apply()
        changed: list[str] = []
        for name, widget in self._text_fields().items():
            text = _text(widget)
            if text.strip() and text != before.get(name, ""):
                self._mark(widget, [(widget.textEdited, self._unmarker(widget))]
                           if isinstance(widget, QLineEdit)
                           else [(widget.textChanged, self._unmarker(widget))])
                changed.append(name)
        for row in self._phone_rows():
            digits = _NOT_DIGITS.sub("", row.number.text())
            if digits and digits not in numbers:
                unmark = self._unmarker(row.number)
                self._mark(row.number, [(row.number.textEdited, unmark),
                                        (row.kind.activated, unmark)])
                if "phones" not in changed:
                    changed.append("phones")
        return changed

    def _unmarker(self, widget: QWidget) -> Callable[..., None]:
        return lambda *_args: self.unmark(widget)

    def _mark(self, widget: QWidget,
              connections: list[tuple[SignalInstance, Callable[..., None]]]) -> None:
        if widget in self._marked:
            return
        self._marked[widget] = (widget.toolTip(), connections)
        for signal, slot in connections:
            signal.connect(slot)
        widget.setProperty("fromCard", True)
        # added to the field's own sheet: an invalid mark (ui.widgets) may be there
        widget.setStyleSheet(widget.styleSheet() + MARK_STYLE)
        widget.setToolTip(_("Read from the business card: check it"))

    def unmark(self, widget: QWidget) -> None:
        """The user edited ``widget``: its value is no longer the card's."""
        own_tooltip, connections = self._marked.pop(widget, ("", []))
        if not isValid(widget):
            return
        for signal, slot in connections:
            signal.disconnect(slot)
        widget.setProperty("fromCard", False)
        widget.setStyleSheet(widget.styleSheet().replace(MARK_STYLE, ""))
        widget.setToolTip(own_tooltip)

    def clear(self) -> None:
        for widget in list(self._marked):
            self.unmark(widget)

    # -- for the banner and the tests ---------------------------------------------------
    def marked(self) -> list[QWidget]:
        """The widgets marked now (a removed phone row's field is not)."""
        return [widget for widget in self._marked if isValid(widget)]

    def is_marked(self, widget: QWidget) -> bool:
        return widget in self._marked and isValid(widget)
