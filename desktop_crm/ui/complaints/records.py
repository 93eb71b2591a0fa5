"""A complaint's records: the handling log (dated entries and quick entry) and
the status history."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.complaint import Complaint
from desktop_crm.i18n import _
from desktop_crm.ui.entry_list import entry_list
from desktop_crm.ui.widgets import mark_invalid


class HandlingLog(QWidget):
    """What was done, entry by entry, and a line to add the next entry.

    Signals:
        add_requested: the user wants to add an entry (argument: its text).

    Attributes:
        list: the entries, oldest first.
        entry, add_button: the quick entry.
    """

    add_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._complaint: Complaint | None = None
        self.list = entry_list(QListWidget(self))
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.entry = QLineEdit(self)
        self.add_button = QPushButton(self)
        row = QHBoxLayout()
        row.addWidget(self.entry, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        self.add_button.clicked.connect(self._add)
        self.entry.returnPressed.connect(self._add)
        self.entry.textChanged.connect(lambda _text: self.show_error(None))
        self.retranslate()

    def retranslate(self) -> None:
        self.entry.setPlaceholderText(_("e.g. Called the client, sent a replacement"))
        self.add_button.setText(_("Add entry"))
        self.show_complaint(self._complaint)

    def show_complaint(self, complaint: Complaint | None) -> None:
        self._complaint = complaint
        self.setEnabled(complaint is not None)
        self.list.clear()
        entries = complaint.log if complaint else []
        for entry in entries:
            head = f"{entry.at:%Y-%m-%d %H:%M}" + (f" · {entry.author}" if entry.author else "")
            self.list.addItem(f"{head}\n{entry.text}")
        self.empty.setText(_("Register the complaint first, then log each thing done here.")
                           if complaint is None else _("Nothing logged yet."))
        self.empty.setVisible(not entries)
        if entries:
            self.list.scrollToBottom()

    def _add(self) -> None:
        if self._complaint is not None:
            self.add_requested.emit(self.entry.text())

    def show_error(self, message: str | None) -> None:
        mark_invalid(self.entry, message)


class StatusHistory(QListWidget):
    """Every status change with its time and note, oldest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        entry_list(self)
        self._complaint: Complaint | None = None

    def retranslate(self) -> None:
        self.show_complaint(self._complaint)

    def show_complaint(self, complaint: Complaint | None) -> None:
        self._complaint = complaint
        self.clear()
        for change in complaint.history if complaint else []:
            text = (change.new.label if change.old is None
                    else f"{change.old.label} → {change.new.label}")
            line = f"{change.at:%Y-%m-%d %H:%M} · {text}" + (
                f" · {change.user}" if change.user else "")
            self.addItem(line + (f"\n{change.note}" if change.note else ""))
