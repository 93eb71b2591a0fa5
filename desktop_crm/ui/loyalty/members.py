"""The drill-down list: the clients behind a KPI figure
(``LoyaltyService.members``), shown with the client list's lazy model, so a
figure over 100,000 clients costs one id list. Enter or a double-click opens
the client's card."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from desktop_crm.domain.enums import Loyalty
from desktop_crm.domain.loyalty import kpi_label
from desktop_crm.i18n import N_, _
from desktop_crm.services.clients import ClientService
from desktop_crm.ui.clients.list_model import ClientListModel
from desktop_crm.ui.table_model import texts_changed
from desktop_crm.ui.widgets import configure_list_view

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", N_("Name")),
    ("company", N_("Company")),
    ("owner", N_("Owner")),
    ("loyalty", N_("Loyalty")),
    ("grade", N_("Grade")),
)


class MembersModel(ClientListModel):
    """A given list of client ids, in the order given (no sorting)."""

    columns = COLUMNS
    sortable: frozenset[str] = frozenset()

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._forget_rows()
        self._loaded = True
        self.endResetModel()

    def refresh(self) -> None:
        """The ids come from the KPI, not from a filter: forget the rows only."""
        self.invalidate_all()

    def cell(self, item: Any, key: str) -> str:
        if key == "grade":
            return item.grade or ""
        return super().cell(item, key)


class MembersPanel(QWidget):
    """The clients behind the figure last activated.

    Signals:
        open_client: open a client's card (argument: id).

    Attributes:
        key: the KPI listed (None before the first drill-down).
        title: what the list is; hint: what to do when nothing is listed yet.
        model, view: the list; open_button opens the selected client.
    """

    open_client = Signal(int)

    def __init__(self, clients: ClientService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key: str | None = None
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.model = MembersModel(clients, self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        configure_list_view(self.view, sortable=False)
        self.open_button = QPushButton(self)
        self.open_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.view.activated.connect(self._activated)  # Enter, or a double-click
        self.view.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.open_button.setEnabled(current.isValid()))
        self.open_button.clicked.connect(self.open_selected)
        self.set_members(None, [])
        self.retranslate()

    def set_members(self, key: str | None, ids: list[int]) -> None:
        """List ``ids``, the clients behind KPI ``key``."""
        self.key = key
        self.model.set_ids(ids)
        self.open_button.setEnabled(False)
        has_key = key is not None
        self.view.setVisible(bool(ids))
        self.title.setVisible(has_key)
        self.hint.setVisible(not ids)
        self._texts()

    def set_busy(self, key: str) -> None:
        """Say that the clients behind ``key`` are being listed."""
        self.title.setText("<b>" + _("Listing the clients behind “{kpi}”…",
                                     kpi=kpi_label(key)) + "</b>")
        self.title.show()

    def ids(self) -> list[int]:
        return self.model.ids()

    def _texts(self) -> None:
        if self.key is None:
            self.hint.setText(_("Press Enter on a figure, or double-click it, to list the "
                                "clients behind it."))
            return
        self.title.setText("<b>" + _("Clients behind “{kpi}”: {n}", kpi=kpi_label(self.key),
                                     n=f"{self.model.rowCount():,}") + "</b>")
        self.hint.setText(_("No client is behind this figure in this period."))

    def retranslate(self) -> None:
        self.open_button.setText(_("Open card"))
        texts_changed(self.model)
        self._size_columns()
        self._texts()

    def _size_columns(self) -> None:
        """Owner, loyalty and grade as wide as their header or usual values;
        name and company share the rest (the user can widen any)."""
        fm = self.view.horizontalHeader().fontMetrics()
        header = self.view.horizontalHeader()
        for column, (_key, msgid) in enumerate(COLUMNS):
            width = fm.horizontalAdvance(_(msgid)) + 16
            if column < 2:
                width = max(width, fm.horizontalAdvance("M") * 9)
            elif column == 3:
                width = max(width, *(fm.horizontalAdvance(state.label) + 12
                                     for state in Loyalty))
            elif column == 2:
                width = max(width, fm.horizontalAdvance("欧阳中华") + 12)
            self.view.setColumnWidth(column, width)
        header.setStretchLastSection(True)

    def _activated(self, index: QModelIndex) -> None:
        client_id = self.model.id_at(index.row())
        if client_id is not None:
            self.open_client.emit(client_id)

    def open_selected(self) -> None:
        self._activated(self.view.currentIndex())
