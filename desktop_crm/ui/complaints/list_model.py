"""A table model over a list of complaints: number, received, client, category,
priority, status, age and when the next step is due. Overdue complaints are red."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from desktop_crm.domain.complaint import (
    Complaint,
    ComplaintStatus,
    Priority,
    age_text,
    follow_up_due,
    reply_due,
)
from desktop_crm.i18n import N_, _
from desktop_crm.ui.table_model import ListTableModel, ModelIndex

OVERDUE_COLOUR = QColor("#b03a2e")
URGENT_COLOUR = QColor("#a04000")


def deadline_text(c: Complaint, now: datetime, reply_hours: int | None,
                  overdue: bool) -> str:
    """The next deadline of ``c``: its first reply or its follow-up call; "" when
    it waits for nothing."""
    if c.status == ComplaintStatus.NEW and c.first_reply_at is None:
        if overdue:
            return "⚠ " + _("Reply overdue")
        due = reply_due(c.received_at, reply_hours)
        when = f"{due:%H:%M}" if due.date() == now.date() else f"{due:%Y-%m-%d %H:%M}"
        return _("Reply by {when}", when=when)
    if c.status == ComplaintStatus.RESOLVED and c.resolved_at is not None:
        if overdue:
            return "⚠ " + _("Follow-up overdue")
        return _("Follow up by {date}", date=follow_up_due(c.resolved_at).isoformat())
    return ""


def due_short(c: Complaint, now: datetime, reply_hours: int | None) -> str:
    """The next deadline in a few characters for the list: ``23:59`` (a reply due
    today), ``09-25`` or ``09-25 10:00`` (a reply due another day, by the end of
    it or within the team's hours), ``09-27`` (a follow-up call)."""
    if c.status == ComplaintStatus.NEW and c.first_reply_at is None:
        due = reply_due(c.received_at, reply_hours)
        if due.date() == now.date():
            return f"{due:%H:%M}"
        # the same-day rule always ends at 23:59: the day says it all
        return f"{due:%m-%d %H:%M}" if reply_hours else f"{due:%m-%d}"
    if c.status == ComplaintStatus.RESOLVED and c.resolved_at is not None:
        return f"{follow_up_due(c.resolved_at):%m-%d}"
    return ""


class ComplaintListModel(ListTableModel[Complaint]):
    """Complaints for a QTableView; the whole filtered list is in memory (a
    year of complaints is a few hundred rows, not a client book).

    Attributes:
        items: the complaints shown, newest first.
        overdue: ids of the complaints past a deadline.
        now, reply_hours: what ages and deadlines are measured against.
    """

    columns = (N_("Number"), N_("Received"), N_("Client"), N_("Category"), N_("Priority"),
               N_("Status"), N_("Age"), N_("Deadline"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.overdue: set[int] = set()
        self.now = datetime.now()
        self.reply_hours: int | None = None

    def set_items(self, items: list[Complaint], now: datetime, overdue: set[int],
                  reply_hours: int | None) -> None:
        self.beginResetModel()
        self.items = items
        self.now = now
        self.overdue = overdue
        self.reply_hours = reply_hours
        self.endResetModel()

    def id_at(self, row: int) -> int | None:
        item = self.item_at(row)
        return item.id if item is not None else None

    def row_of(self, complaint_id: int) -> int | None:
        for row, item in enumerate(self.items):
            if item.id == complaint_id:
                return row
        return None

    def is_overdue(self, c: Complaint) -> bool:
        return c.id in self.overdue

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Override QAbstractItemModel::data."""
        item = self.item_at(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 7:
                return deadline_text(item, self.now, self.reply_hours, self.is_overdue(item))
            return f"{item.client}: {item.words}" if column in (0, 2, 3) else None
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if self.is_overdue(item):
                return OVERDUE_COLOUR
            if column == 4 and item.priority == Priority.URGENT:
                return URGENT_COLOUR
            return None
        if role == Qt.ItemDataRole.FontRole and (
                (self.is_overdue(item) and column == 7)
                or (column == 4 and item.priority in (Priority.HIGH, Priority.URGENT))):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _text(self, item: Complaint, column: int) -> str:
        if column == 0:
            return item.number
        if column == 1:
            return f"{item.received_at:%Y-%m-%d}"
        if column == 2:
            return item.client
        if column == 3:
            return item.category.label
        if column == 4:
            return item.priority.label
        if column == 5:
            return item.status.label
        if column == 6:
            return age_text(item, self.now)
        due = due_short(item, self.now, self.reply_hours)
        return f"⚠ {due}" if due and self.is_overdue(item) else due
