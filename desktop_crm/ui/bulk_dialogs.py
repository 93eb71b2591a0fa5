"""The dialogs of the lists' bulk actions (Today, the care calendar's list,
the client list), which ask once for all selected rows: a date and a note,
a new date for follow-ups, a confirmation, a value to set. Loaded when one
is first shown; ``ui/bulk_actions.py`` has the actions and the selection
line the lists are built with."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.i18n import _
from desktop_crm.ui.widgets import error_label, from_qdate, ok_cancel_buttons, to_qdate


class _Dialog(QDialog):
    """A heading, a form, a red problem line and OK / Cancel."""

    def __init__(self, title: str, heading: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.heading = QLabel(heading, self)
        self.heading.setWordWrap(True)
        self.form = QFormLayout()
        self.error = error_label(self)
        self.buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))


def _date_edit(parent: QWidget, value: date) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(to_qdate(value))
    return edit


class DoneDialog(_Dialog):
    """Mark many items done: when, and one note for all (empty: each
    item's usual text)."""

    def __init__(self, heading: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(_("Mark as done"), heading, parent)
        self.day = _date_edit(self, today)
        self.day.setMaximumDate(to_qdate(today))
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(_("Empty: each item's usual text"))
        self.form.addRow(_("Done on"), self.day)
        self.form.addRow(_("Note"), self.note)
        self.note.setFocus()

    def chosen_day(self) -> date:
        return from_qdate(self.day.date())


class PostponeDialog(_Dialog):
    """Postpone many follow-ups to one date (next working day by default,
    a week later in one click)."""

    def __init__(self, heading: str, today: date, first: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Postpone"), heading, parent)
        self.day = _date_edit(self, first)
        self.day.setMinimumDate(to_qdate(today + timedelta(days=1)))
        self.next_day = QPushButton(_("Next working day"), self)
        self.week = QPushButton(_("In a week"), self)
        self.next_day.clicked.connect(lambda: self.day.setDate(to_qdate(first)))
        self.week.clicked.connect(lambda: self.day.setDate(to_qdate(today + timedelta(days=7))))
        row = QHBoxLayout()
        row.addWidget(self.day, 1)
        row.addWidget(self.next_day)
        row.addWidget(self.week)
        self.form.addRow(_("New date"), row)

    def chosen_day(self) -> date:
        return from_qdate(self.day.date())


class ConfirmDialog(_Dialog):
    """A question with OK / Cancel (dismissing items)."""


class ValueDialog(_Dialog):
    """Choose (or type) one value to set on all selected rows.

    Attributes:
        value: the combo of choices, editable for free text (a tag, an owner).
        field: a second combo above it choosing which field (the
            classification), or None.
    """

    def __init__(self, title: str, heading: str, label: str,
                 choices: Sequence[tuple[str, object]], editable: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, heading, parent)
        self.field: QComboBox | None = None
        self.value = QComboBox(self)
        self.value.setEditable(editable)
        self.fill(choices)
        if editable:
            self.value.setCurrentIndex(-1)
            self.value.setEditText("")
        self.label = label
        self.form.addRow(label, self.value)
        self.value.setFocus()
        if editable:  # a tag or an owner is typed: OK once there is one
            ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok.setEnabled(False)
            self.value.editTextChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))

    def fill(self, choices: Sequence[tuple[str, object]]) -> None:
        self.value.clear()
        for text, data in choices:
            self.value.addItem(text, data)

    def add_field(self, label: str, fields: Sequence[tuple[str, object]],
                  choices: Callable[[object], Sequence[tuple[str, object]]]) -> None:
        """A first combo choosing the field; the value combo follows it."""
        self.field = QComboBox(self)
        for text, data in fields:
            self.field.addItem(text, data)
        self.form.insertRow(0, label, self.field)
        self.field.currentIndexChanged.connect(
            lambda _i: self.fill(choices(self.field.currentData() if self.field else None)))
        self.fill(choices(self.field.currentData()))

    def text(self) -> str:
        return self.value.currentText().strip()

    def data(self) -> object:
        index = self.value.currentIndex()
        if index >= 0 and self.value.itemText(index) == self.value.currentText():
            return self.value.itemData(index)
        return self.text()
