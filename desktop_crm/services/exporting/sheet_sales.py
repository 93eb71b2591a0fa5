"""The Sales sheet: every order (sale, quote or lost deal) of the exported
clients, by client, oldest first. Amounts are numbers in the order's
currency (its own column), so a filter and a sum work on them."""

from __future__ import annotations

from datetime import date

from desktop_crm.domain.sales import OrderStatus
from desktop_crm.i18n import N_
from desktop_crm.services.exporting import texts
from desktop_crm.services.exporting.cells import MONEY_FORMAT, Column
from desktop_crm.services.exporting.pages import OrderLine
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.exporting.texts import Texts

COLUMNS = (
    Column(N_("Client ID"), 8), Column(N_("Client"), 16), Column(N_("Order date"), 12),
    Column(N_("Product"), 20), Column(N_("Quantity"), 8), Column(N_("Amount"), 12, MONEY_FORMAT),
    Column(N_("Currency"), 6), Column(N_("Status"), 10), Column(N_("Payment due"), 12),
    Column(N_("Paid on"), 12), Column(N_("Late payment"), 8), Column(N_("Lost reason"), 24),
    Column(N_("Notes"), 30), Column(N_("UUID"), 38), Column(N_("Client UUID"), 38),
)


class SalesSheet:
    """Writes the Sales sheet."""

    def __init__(self, book: Book, t: Texts, today: date) -> None:
        self.t, self.today = t, today
        # labels looked up once, not once a row
        self.status = {s.value: t.label(s) for s in OrderStatus}
        self.yes, self.no = t.yes_no(True), t.yes_no(False)
        self.out = SheetWriter.create(book, t(texts.SALES), [t(c.header) for c in COLUMNS],
                                        COLUMNS)

    def add(self, order: OrderLine, client: str, client_uuid: str) -> None:
        quantity = order.quantity
        late = ((self.yes if order.is_late(self.today) else self.no)
                if order.payment_due is not None and order.is_won else None)
        self.out.append([
            order.client_id, client, order.ordered_on, order.product,
            int(quantity) if float(quantity).is_integer() else quantity,
            order.amount_cents / 100, order.currency, self.status.get(order.status, order.status),
            order.payment_due, order.paid_on, late, order.lost_reason, order.notes, order.uuid,
            client_uuid,
        ])

    def finish(self) -> None:
        self.out.finish()
