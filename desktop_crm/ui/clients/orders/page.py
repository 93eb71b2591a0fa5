"""The card's Orders page (销售记录): the client's orders newest first, what
was won this year and in all, and Add (Ins) / Edit (Enter, F2, double-click) /
Delete (Del) with Undo (Ctrl+Z) of the last delete (the shared table
behaviour is in ui/clients/record_page.py)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidgetItem, QWidget

from desktop_crm.domain.sales import DEFAULT_CURRENCY, Order, OrderStatus
from desktop_crm.i18n import N_, _
from desktop_crm.services.sales import SalesService
from desktop_crm.ui.clients.orders.dialog import OrderDialog
from desktop_crm.ui.clients.orders.texts import cells, late_colour, won_totals
from desktop_crm.ui.clients.record_page import RecordPage


class OrdersPage(RecordPage[Order]):
    """One client's orders.

    Signals:
        changed: an order was saved, deleted or restored (argument: client id);
            saving one may log care entries on the timeline.

    Attributes:
        table: the orders; empty: shown instead when there are none.
        totals: won this year and in all, in CNY.
        last_deleted: the order the last delete removed, for Undo.
    """

    service: SalesService
    totals: QLabel

    HEADERS = (N_("Date"), N_("Product or service"), N_("Quantity"), N_("Amount"),
               N_("Status"), N_("Payment due"), N_("Paid on"))

    def __init__(self, service: SalesService, parent: QWidget | None = None) -> None:
        super().__init__(service, OrderDialog, parent)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def _below_table(self) -> list[QWidget]:
        self.totals = QLabel(self)
        self.totals.setWordWrap(True)
        return [self.totals]

    def _add_text(self) -> str:
        return _("Add order… (Ins)")

    def _fetch(self, client_id: int) -> list[Order]:
        return self.service.orders_of(client_id)

    def _texts(self, record: Order) -> tuple[str, ...]:
        return cells(record, self._today())

    def _decorate(self, cell: QTableWidgetItem, record: Order, column: int) -> None:
        if record.notes or record.lost_reason:
            cell.setToolTip("\n".join(t for t in (record.lost_reason, record.notes) if t))
        if column in (2, 3):
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column in (5, 6) and record.is_late(self._today()):
            cell.setForeground(late_colour())
            cell.setToolTip(_("Payment is late"))
        elif record.status == OrderStatus.LOST:
            cell.setForeground(Qt.GlobalColor.gray)

    def _empty_text(self, saved: bool) -> str:
        if not saved:
            return _("Save the new card first, then record its orders here.")
        return _("No orders yet. Add one with Insert or the button below.")

    def _filled(self, records: list[Order], has: bool) -> None:
        """The totals line: won this year and in all."""
        today = self._today()
        self.totals.setVisible(has)
        year, total, other = won_totals(records, today.year)
        text = _("Won in {year}: {amount} · All time: {total}", year=today.year,
                 amount=f"{year:,.2f} {DEFAULT_CURRENCY}", total=f"{total:,.2f} {DEFAULT_CURRENCY}")
        if other:
            text += " " + _("(orders in other currencies are not included)")
        self.totals.setText(text)

    def _new_record(self, client_id: int) -> Order:
        """A new order: today, won, one unit, in CNY."""
        return Order(client_id, self._today(), "", Decimal(0))

    def _remove(self, record_id: int) -> Order:
        return self.service.delete(record_id)

    def _undo_text(self, record: Order) -> str:
        return _("Deleted the order {product} of {date}.",
                 product=record.product, date=record.ordered_on.isoformat())
