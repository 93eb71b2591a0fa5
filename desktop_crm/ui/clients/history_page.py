"""Change history of a card: who changed which field when, old and new value."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop_crm.domain.changes import field_label, value_label
from desktop_crm.domain.client import ChangeEntry
from desktop_crm.i18n import N_, _

__all__ = ["HistoryPage", "field_label"]

class HistoryPage(QTableWidget):
    """Read-only table of a card's change log, newest first."""

    HEADERS = (N_("When"), N_("Who"), N_("Field"), N_("Old value"), N_("New value"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self._entries: list[ChangeEntry] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([_(h) for h in self.HEADERS])
        self.show_entries(self._entries)

    def show_entries(self, entries: list[ChangeEntry]) -> None:
        self._entries = entries
        self.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            values = (
                f"{entry.changed_at:%Y-%m-%d %H:%M}",
                entry.user,
                field_label(entry.field),
                value_label(entry.field, entry.old),  # stored raw, shown as labels
                value_label(entry.field, entry.new),
            )
            for col, value in enumerate(values):
                self.setItem(row, col, QTableWidgetItem(value))
