"""The care calendar tab (关怀日历): a month view marking the days with items,
the chosen day's items under it, and the agenda of the next 7/30/90 days,
filterable by kind, where items are marked done."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.care import AgendaItem
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.domain.festivals import festival
from desktop_crm.i18n import _, ngettext
from desktop_crm.services.agenda import AgendaService, month_grid
from desktop_crm.ui.care.agenda_panel import AgendaPanel
from desktop_crm.ui.care.kind_style import kind_colour, kind_icon
from desktop_crm.ui.care.month_view import MonthView
from desktop_crm.ui.care.settings_dialog import CareSettingsDialog
from desktop_crm.ui.changes import Changes
from desktop_crm.ui.entry_list import entry_list
from desktop_crm.ui.owner_scope import OwnerScopeCombo, ScopeMemory
from desktop_crm.ui.widgets import from_qdate, refill_combo, to_qdate

RANGES = (7, 30, 90)


class CareTab(QWidget):
    """Month view and agenda over one AgendaService.

    Signals:
        open_client: show a client's card (argument: id).
        open_backlog: show the clients not contacted for long in the client list.
        changed: an item was marked done or undone (argument: client id or 0).
        status: a short message for the status bar.
        export_requested: the user wants the agenda as an .ics file.

    Attributes:
        service: the agenda use cases.
        month: the month view; day_list: the chosen day's items.
        panel: the agenda list and its actions.
        splitter: month | agenda (remembered by the main window).
    """

    open_client = Signal(int)
    open_backlog = Signal()
    changed = Signal(int)
    status = Signal(str)
    export_requested = Signal()

    def __init__(self, service: AgendaService, parent: QWidget | None = None,
                 scope: ScopeMemory | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.scope = OwnerScopeCombo("calendar", scope, self)
        self._loaded = False
        self._day_items: list[AgendaItem] = []
        self._month_items: list[AgendaItem] = []
        # left: month and day
        self.month = MonthView(self)
        self.month.setSelectedDate(to_qdate(service.today()))
        self.day_heading = QLabel(self)
        # an item wraps to the list's width (the pane is narrow), whole
        self.day_list = entry_list(QListWidget(self))
        line = self.day_list.fontMetrics().height()  # a warning's icon no taller than a line
        self.day_list.setIconSize(QSize(line, line))
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.month, 3)
        left_layout.addWidget(self.day_heading)
        left_layout.addWidget(self.day_list, 2)
        # right: filters and agenda
        self.range = QComboBox(self)
        self.kind = QComboBox(self)
        for combo in (self.range, self.kind):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.overdue = QCheckBox(self)
        self.overdue.setChecked(True)
        self.count_label = QLabel(self)
        # a big book's count wraps onto two lines: the filters keep their room
        # ("Next 30 days" read "Next 30 d" beside "79163 items, 34979 overdue")
        self.count_label.setWordWrap(True)
        self.settings_button = QPushButton(self)
        self.export_button = QPushButton(self)
        self.panel = AgendaPanel(service, self)
        self.panel.mine = self.scope.is_mine()
        bar = QHBoxLayout()
        bar.addWidget(self.scope)
        bar.addWidget(self.range)
        bar.addWidget(self.kind)
        bar.addWidget(self.overdue)
        bar.addWidget(self.count_label, 1)
        bar.addWidget(self.settings_button)
        bar.addWidget(self.export_button)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(bar)
        right_layout.addWidget(self.panel, 1)
        self.splitter = QSplitter(self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(self.splitter)

        self.range.currentIndexChanged.connect(self.refresh_agenda)
        self.kind.currentIndexChanged.connect(self.refresh_agenda)
        self.overdue.toggled.connect(self.refresh_agenda)
        self.scope.scope_changed.connect(self._on_scope_chosen)
        self.month.currentPageChanged.connect(lambda _y, _m: self.refresh_month())
        self.month.selectionChanged.connect(self.refresh_day)
        self.day_list.itemActivated.connect(self._open_day_item)
        self.settings_button.clicked.connect(self.edit_settings)
        self.export_button.clicked.connect(self.export_requested)
        self.panel.open_client.connect(self.open_client)
        self.panel.open_backlog.connect(self.open_backlog)
        self.panel.status.connect(self.status)
        self.panel.changed.connect(self._on_panel_changed)
        self.retranslate()

    def retranslate(self) -> None:
        refill_combo(self.range, [(_("Next {n} days", n=n), n) for n in RANGES], 30)
        refill_combo(self.kind, [(_("All kinds"), None)]
                     + [(k.label, k.value) for k in AgendaKind], None)
        self.overdue.setText(_("Show overdue"))
        self.scope.retranslate()
        self.settings_button.setText(_("Settings…"))
        self.export_button.setText(_("Export .ics…"))
        self.export_button.setToolTip(_("Save the agenda as a calendar file for Outlook, "
                                        "a phone or Google Calendar"))
        self.panel.retranslate()
        self.month.retranslate()
        if self._loaded:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Override QWidget::showEvent: read the agenda when first shown and after
        changes made elsewhere."""
        super().showEvent(event)
        self.refresh()

    def _on_scope_chosen(self, mine: bool) -> None:
        self.panel.mine = mine
        self.refresh()

    def apply_changes(self, changes: Changes) -> None:
        """TabPage: read the agenda again now if it shows, else when it is shown."""
        if (changes.agenda or changes.user) and self.isVisible():
            self.refresh()

    def confirm_discard(self) -> bool:
        """TabPage: nothing here is edited."""
        return True

    def refresh(self) -> None:
        self._loaded = True
        self.refresh_agenda()
        self.refresh_month()

    def days(self) -> int:
        return int(self.range.currentData() or 30)

    def kinds(self) -> list[AgendaKind] | None:
        value = self.kind.currentData()
        return [AgendaKind(value)] if value else None

    def refresh_agenda(self) -> None:
        if not self._loaded:
            return
        items = self.service.agenda(self.days(), include_overdue=self.overdue.isChecked(),
                                    kinds=self.kinds(), mine=self.scope.is_mine())
        today = self.service.today()
        overdue = sum(1 for i in items if i.is_overdue(today))
        self.count_label.setText(ngettext("{n} item, {m} overdue",
                                          "{n} items, {m} overdue",
                                          len(items), m=overdue)
                                 if overdue else ngettext("{n} item", "{n} items", len(items)))
        self.panel.set_items(items, _("Nothing to do in the next {n} days.", n=self.days()))

    def refresh_month(self) -> None:
        if not self._loaded:
            return
        start, end = month_grid(self.month.yearShown(), self.month.monthShown())
        items = self.service.agenda((end - start).days + 1, start, include_overdue=False,
                                    mine=self.scope.is_mine())
        counts: dict[date, int] = {}
        festivals: dict[date, str] = {}
        for item in items:
            counts[item.day] = counts.get(item.day, 0) + 1
            if item.kind == AgendaKind.FESTIVAL:
                festivals[item.day] = festival(item.detail).name
        self._month_items = items
        self.month.set_marks(counts, festivals, start, end)
        self.refresh_day()

    def refresh_day(self) -> None:
        day = from_qdate(self.month.selectedDate())
        start, end = month_grid(self.month.yearShown(), self.month.monthShown())
        if start <= day <= end:
            items = [i for i in self._month_items if i.day == day]
        else:
            items = self.service.agenda(1, day, include_overdue=False,
                                        mine=self.scope.is_mine())
        self._day_items = items
        self.day_heading.setText(ngettext("{date}: {n} item", "{date}: {n} items", len(items),
                                          date=day.isoformat())
                                 if items else _("{date}: nothing planned",
                                                 date=day.isoformat()))
        self.day_list.clear()
        for item in items:
            entry = QListWidgetItem(f"{item.kind.label} · {item.title}")
            entry.setData(Qt.ItemDataRole.UserRole, item.client_id or 0)
            icon, colour = kind_icon(item.kind), kind_colour(item.kind)
            if icon is not None:
                entry.setIcon(icon)
            if colour is not None:
                entry.setForeground(colour)
            self.day_list.addItem(entry)

    def _open_day_item(self, entry: QListWidgetItem) -> None:
        client_id = int(entry.data(Qt.ItemDataRole.UserRole))
        if client_id:
            self.open_client.emit(client_id)

    def _on_panel_changed(self, client_id: int) -> None:
        self.refresh()
        self.changed.emit(client_id)

    def edit_settings(self) -> None:
        dialog = CareSettingsDialog(self.service, self)
        if dialog.exec():
            self.status.emit(_("Care settings saved"))
            self.refresh()
            self.changed.emit(0)

    def go_to(self, day: date) -> None:
        """Show ``day`` in the month view."""
        self.month.setSelectedDate(to_qdate(day))
        self.month.setCurrentPage(day.year, day.month)
        self.refresh_day()

