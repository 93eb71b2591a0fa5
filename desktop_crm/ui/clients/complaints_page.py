"""The client's complaints on the card: number, date, category, status.
Double-click opens one in the Complaints tab; a button registers a new one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.complaint import Complaint
from desktop_crm.i18n import N_, _
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.ui.complaints.list_model import OVERDUE_COLOUR


class ComplaintsPage(QWidget):
    """One client's complaints, newest first.

    Signals:
        open_complaint: show a complaint in the Complaints tab (argument: its id).
        new_requested: register a complaint for this client (argument: client id).

    Attributes:
        table: the complaints; empty: shown instead when there are none.
        new_button: registers a complaint for the client.
    """

    open_complaint = Signal(int)
    new_requested = Signal(int)

    HEADERS = (N_("Number"), N_("Received"), N_("Category"), N_("Status"))

    def __init__(self, service: ComplaintService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.client_id: int | None = None
        self._complaints: list[Complaint] = []
        self.table = QTableWidget(0, len(self.HEADERS), self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.new_button = QPushButton(self)
        below = QHBoxLayout()
        below.addWidget(self.hint, 1)
        below.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.table, 1)
        layout.addLayout(below)
        self.table.cellActivated.connect(self._activated)  # double-click or Enter
        self.new_button.clicked.connect(self._new)
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_(h) for h in self.HEADERS])
        self.new_button.setText(_("Register a complaint…"))
        self.hint.setText(_("Double-click a complaint to handle it in the Complaints tab."))
        self._fill()

    def set_client(self, client_id: int | None, read_only: bool = False,
                   complaints: list[Complaint] | None = None) -> None:
        """List ``client_id``'s complaints (None: a card not saved yet);
        ``complaints``: as already read (else they are read here)."""
        self.client_id = client_id
        self.new_button.setEnabled(client_id is not None and not read_only)
        if complaints is None:
            self.reload()
        else:
            self._complaints = complaints
            self._fill()

    def reload(self) -> None:
        """Read the complaints again (after a change in the Complaints tab)."""
        self._complaints = (self._service.for_client(self.client_id)
                            if self.client_id is not None else [])
        self._fill()

    def _fill(self) -> None:
        complaints = self._complaints
        self.table.setRowCount(len(complaints))
        reply_hours = self._service.reply_hours() if complaints else None
        for row, c in enumerate(complaints):
            overdue = self._service.is_overdue(c, reply_hours)
            values = (c.number, f"{c.received_at:%Y-%m-%d}", c.category.label, c.status.label)
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.ItemDataRole.UserRole, c.id)
                cell.setToolTip(c.words)
                if overdue:
                    cell.setForeground(OVERDUE_COLOUR)
                self.table.setItem(row, column, cell)
        self.table.setVisible(bool(complaints))
        self.hint.setVisible(bool(complaints))
        self.empty.setVisible(not complaints)
        self.empty.setText(_("Save the new card first.") if self.client_id is None
                           else _("No complaints from this client."))

    def _activated(self, row: int, _column: int) -> None:
        if 0 <= row < len(self._complaints) and self._complaints[row].id is not None:
            self.open_complaint.emit(self._complaints[row].id)

    def _new(self) -> None:
        if self.client_id is not None:
            self.new_requested.emit(self.client_id)
