"""A table model over a list of agenda items: when, what kind, which client,
what to do. Overdue items are red, today's bold, reminders grey-blue; a kind
with its own look (churn warnings) shows its icon and colour in the Kind column."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QIcon

from desktop_crm.domain.care import AgendaItem
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.i18n import N_, _, ngettext
from desktop_crm.ui.care.kind_style import kind_colour, kind_icon
from desktop_crm.ui.table_model import ListTableModel, ModelIndex

# the roles as plain ints: ``data`` is asked thousands of times while Today is
# drawn, and an enum member's comparison costs a call each
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_SHOWN = frozenset({_DISPLAY, _TOOLTIP, _DECORATION, _FOREGROUND, _FONT})

OVERDUE_COLOUR = QColor("#b03a2e")
UPCOMING_COLOUR = QColor("#2c5d8a")
_WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def when_text(item: AgendaItem, today: date) -> str:
    """``2026-09-25 Fri`` plus "today", "in 3 days" or "5 days overdue"."""
    if not item.can_be_done:  # the backlog: overdue since before the day after
        return _("before {date}", date=(item.day + timedelta(days=1)).isoformat())
    base = f"{item.day.isoformat()} {_(_WEEKDAYS[item.day.weekday()])}"
    delta = (item.day - today).days
    if delta == 0:
        return f"{base} · " + _("today")
    if delta == -1:
        return f"{base} · " + _("1 day overdue")
    if delta < 0:
        return f"{base} · " + ngettext("{n} day overdue", "{n} days overdue", -delta)
    if delta == 1:
        return f"{base} · " + _("tomorrow")
    return f"{base} · " + ngettext("in {n} day", "in {n} days", delta)


class AgendaModel(ListTableModel[AgendaItem]):
    """Agenda items for a QTableView; the whole list is in memory (a month of a
    100,000-client book is a few thousand items)."""

    columns = (N_("When"), N_("Kind"), N_("Client"), N_("What to do"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.today = date.today()
        self._icons: dict[AgendaKind, QIcon | None] = {}
        self._bold: QFont | None = None

    def set_items(self, items: list[AgendaItem], today: date) -> None:
        self.beginResetModel()
        self.items = items
        self.today = today
        self.endResetModel()

    def row_of(self, key: tuple[str, int, date]) -> int | None:
        for row, item in enumerate(self.items):
            if item.key == key:
                return row
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Override QAbstractItemModel::data."""
        if role not in _SHOWN:  # alignment, background, check state...: Qt's own
            return None
        item = self.item_at(index.row()) if index.isValid() else None
        if item is None:
            return None
        if role in (_DISPLAY, _TOOLTIP):
            return self._text(item, index.column())
        if role == _DECORATION:
            if index.column() != 1:
                return None
            # one icon a kind, made when first shown (the style's, at each call,
            # was a new QIcon for each row drawn)
            if item.kind not in self._icons:
                self._icons[item.kind] = kind_icon(item.kind)
            return self._icons[item.kind]
        if role == _FOREGROUND:
            if index.column() == 1 and kind_colour(item.kind) is not None:
                return kind_colour(item.kind)
            if item.is_overdue(self.today):
                return OVERDUE_COLOUR
            # inside its reminder lead time
            return UPCOMING_COLOUR if item.day > self.today and item.is_due(self.today) else None
        if role == _FONT and item.day == self.today:
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold
        return None

    def _text(self, item: AgendaItem, column: int) -> str:
        if column == 0:
            return when_text(item, self.today)
        if column == 1:
            return item.kind.label
        if column == 2:
            return item.client or ngettext("{n} client",
                                           "{n} clients",
                                           item.group_size, n=f"{item.group_size:,}")
        return item.title
