"""The card's Orders page (销售记录): the client's orders newest first, what
was won this year and in all, and Add (Ins) / Edit (Enter, F2, double-click) /
Delete (Del) with Undo (Ctrl+Z) of the last delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
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

from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.sales import DEFAULT_CURRENCY, Order, OrderStatus
from desktop_crm.i18n import N_, _
from desktop_crm.services.sales import SalesService
from desktop_crm.ui.clients.orders.dialog import OrderDialog
from desktop_crm.ui.clients.orders.texts import cells, late_colour, won_totals

# Builds the order dialog; tests replace it to answer without a modal loop.
DialogFactory = Callable[[Order, date, Callable[[Order], int], QWidget], OrderDialog]


def _default_dialog(order: Order, today: date, save: Callable[[Order], int],
                    parent: QWidget) -> OrderDialog:
    return OrderDialog(order, today, save, parent)


class OrdersPage(QWidget):
    """One client's orders.

    Signals:
        changed: an order was saved, deleted or restored (argument: client id);
            saving one may log care entries on the timeline.

    Attributes:
        table: the orders; empty: shown instead when there are none.
        totals: won this year and in all, in CNY.
        last_deleted: the order the last delete removed, for Undo.
    """

    changed = Signal(int)

    HEADERS = (N_("Date"), N_("Product or service"), N_("Quantity"), N_("Amount"),
               N_("Status"), N_("Payment due"), N_("Paid on"))

    def __init__(self, service: SalesService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.dialog_factory: DialogFactory = _default_dialog
        self.client_id: int | None = None
        self.read_only = False
        self.last_deleted: Order | None = None
        self._orders: list[Order] = []
        self.table = QTableWidget(0, len(self.HEADERS), self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.totals = QLabel(self)
        self.totals.setWordWrap(True)
        self.undo_label = QLabel(self)
        self.undo_label.setWordWrap(True)
        self.undo_button = QPushButton(self)
        self.add_button = QPushButton(self)
        self.edit_button = QPushButton(self)
        self.delete_button = QPushButton(self)
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addLayout(undo_row)
        layout.addLayout(buttons)
        self.add_action = self._shortcut(Qt.Key.Key_Insert, self.add)
        self.edit_action = self._shortcut(Qt.Key.Key_F2, self.edit_selected)
        self.delete_action = self._shortcut(QKeySequence.StandardKey.Delete,
                                            self.delete_selected)
        self.undo_action = self._shortcut(QKeySequence.StandardKey.Undo, self.undo_delete)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button.clicked.connect(self.undo_delete)
        self.table.cellActivated.connect(lambda row, _column: self.edit_row(row))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.retranslate()

    def _shortcut(self, key: QKeySequence | QKeySequence.StandardKey | Qt.Key,
                  slot: Callable[[], object]) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_(h) for h in self.HEADERS])
        self.add_button.setText(_("Add order… (Ins)"))
        self.edit_button.setText(_("Edit… (Enter)"))
        self.delete_button.setText(_("Delete (Del)"))
        self.undo_button.setText(_("Undo (Ctrl+Z)"))
        self._fill()

    # -- showing ----------------------------------------------------------------------
    def set_client(self, client_id: int | None, read_only: bool = False) -> None:
        """List ``client_id``'s orders (None: a card not saved yet)."""
        if client_id != self.client_id:
            self._set_undo(None)
        self.client_id = client_id
        self.read_only = read_only
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        """Read the orders again; select the order ``select_id`` where given."""
        self._orders = (self.service.orders_of(self.client_id)
                        if self.client_id is not None else [])
        self._fill(select_id)

    def _today(self) -> date:
        return self.service.clock().date()

    def _fill(self, select_id: int | None = None) -> None:
        orders, today = self._orders, self._today()
        self.table.setRowCount(len(orders))
        for row, order in enumerate(orders):
            late = order.is_late(today)
            for column, text in enumerate(cells(order, today)):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, order.id)
                if order.notes or order.lost_reason:
                    cell.setToolTip("\n".join(t for t in (order.lost_reason, order.notes) if t))
                if column in (2, 3):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if late and column in (5, 6):
                    cell.setForeground(late_colour())
                    cell.setToolTip(_("Payment is late"))
                elif order.status == OrderStatus.LOST:
                    cell.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, column, cell)
            if order.id == select_id:
                self.table.selectRow(row)
        has = bool(orders)
        self.table.setVisible(has)
        self.totals.setVisible(has)
        self.empty.setVisible(not has)
        if self.client_id is None:
            self.empty.setText(_("Save the new card first, then record its orders here."))
        else:
            self.empty.setText(_("No orders yet. Add one with Insert or the button below."))
        year, total, other = won_totals(orders, today.year)
        text = _("Won in {year}: {amount} · All time: {total}", year=today.year,
                 amount=f"{year:,.2f} {DEFAULT_CURRENCY}", total=f"{total:,.2f} {DEFAULT_CURRENCY}")
        if other:
            text += " " + _("(orders in other currencies are not included)")
        self.totals.setText(text)
        if has and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        editable = self.client_id is not None and not self.read_only
        selected = self.selected() is not None
        self.add_button.setEnabled(editable)
        self.edit_button.setEnabled(editable and selected)
        self.delete_button.setEnabled(editable and selected)

    def selected(self) -> Order | None:
        rows = self.table.selectionModel().selectedRows()
        return self._orders[rows[0].row()] if rows else None

    # -- editing ----------------------------------------------------------------------
    def add(self) -> None:
        """A new order: today, won, one unit, in CNY."""
        if self.client_id is None or self.read_only:
            return
        self._open(Order(self.client_id, self._today(), "", Decimal(0)))

    def edit_selected(self) -> None:
        order = self.selected()
        if order is not None:
            self._open(order)

    def edit_row(self, row: int) -> None:
        if 0 <= row < len(self._orders):
            self._open(self._orders[row])

    def _open(self, order: Order) -> None:
        if self.client_id is None or self.read_only:
            return
        dialog = self.dialog_factory(order, self._today(), self.service.save, self)
        try:
            dialog.exec()
            saved = dialog.saved_id
        finally:
            dialog.deleteLater()
        if saved is not None:
            self.reload(saved)
            self.changed.emit(self.client_id)

    def delete_selected(self) -> None:
        order = self.selected()
        if order is None or order.id is None or self.read_only or self.client_id is None:
            return
        row = self.table.currentRow()
        try:
            self.last_deleted = self.service.delete(order.id)
        except NotFoundError:  # deleted in another window meanwhile: show what is left
            self.reload()
            return
        self.reload()
        if self._orders:
            self.table.selectRow(min(row, len(self._orders) - 1))
        self._set_undo(self.last_deleted)
        self.changed.emit(self.client_id)

    def undo_delete(self) -> None:
        order = self.last_deleted
        if order is None or self.client_id is None:
            return
        restored = self.service.restore(order)
        self._set_undo(None)
        self.reload(restored)
        self.changed.emit(self.client_id)

    def _set_undo(self, order: Order | None) -> None:
        self.last_deleted = order
        if order is not None:
            self.undo_label.setText(_("Deleted the order {product} of {date}.",
                                      product=order.product, date=order.ordered_on.isoformat()))
        self.undo_label.setVisible(order is not None)
        self.undo_button.setVisible(order is not None)
