"""The Summary sheet: headline figures, the tables behind the charts, and
native Excel charts (grade distribution, clients by classification,
complaints by category and by month, top clients by sales).

The figures are counted while the other sheets are written (:class:`Tally`),
so they describe exactly the clients in the workbook; for a full export they
equal ``desktop-crm stats``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from xlsxwriter.worksheet import Worksheet

from desktop_crm.domain.complaint import ComplaintCategory
from desktop_crm.domain.enums import CLASSIFICATIONS
from desktop_crm.domain.sales import DEFAULT_CURRENCY, OrderStatus, from_cents
from desktop_crm.i18n import N_
from desktop_crm.services.complaint_analysis import ComplaintAnalysis
from desktop_crm.services.exporting.cells import MONEY_FORMAT, Column
from desktop_crm.services.exporting.charts import add_series, new_chart, reference, text_labels
from desktop_crm.services.exporting.pages import ExportedClient, OrderLine
from desktop_crm.services.exporting.print_layout import lay_out
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.exporting.texts import Texts

GRADES = ("A", "B", "C", "unrated")
CLASSIFICATION_TITLES = {
    "nature": N_("By nature"), "stage": N_("By stage"), "tenure": N_("By tenure"),
    "volume_tier": N_("By volume"), "loyalty": N_("Loyalty"),
}
# Headline figures, in the order shown (message ids double as keys in tests).
EXPORTED_ON = N_("Exported on")
SCOPE = N_("Clients in this workbook")
CONFIDENTIAL = N_("Confidential profile answers included")
CLIENTS = N_("Clients")
EVALUATIONS = N_("Evaluations")
INTERACTIONS = N_("Interactions")
INTERACTIONS_THIS_MONTH = N_("Interactions this month")
ORDERS = N_("Orders")
WON_THIS_YEAR = N_("Won sales this year (CNY)")
WON_LAST_YEAR = N_("Won sales last year (CNY)")
LATE_PAYMENTS = N_("Late payments")
LOST_DEALS = N_("Deals lost")
TOP_CLIENTS = 10
COMPLAINTS = N_("Complaints")
OPEN_COMPLAINTS = N_("Open complaints")
OVERDUE_COMPLAINTS = N_("Overdue complaints")
CARE_30_DAYS = N_("Care items in the next 30 days")
DATABASE_UUID = N_("Exported from database (UUID)")
COLUMNS = (Column(N_("Figure"), 34), Column(N_("Value"), 18))
CHART_WIDTH = 16  # cm: 9.5 default columns, so the charts at D and N do not overlap


@dataclass
class Tally:
    """Counts gathered while the client pages are written."""

    month: tuple[int, int]
    clients: int = 0
    grades: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADES, 0))
    classes: dict[str, dict[str, int]] = field(default_factory=lambda: {
        name: dict.fromkeys((m.value for m in enum), 0) for name, enum in CLASSIFICATIONS.items()
    })
    evaluations: int = 0
    interactions: int = 0
    interactions_this_month: int = 0
    today: date = date.min  # for the sales figures: this year, the last 12 months, late
    orders: int = 0
    won_cents: dict[int, int] = field(default_factory=dict)  # year -> won CNY
    late_payments: int = 0
    lost_deals: int = 0
    # client id -> (name, won CNY in the last 12 months)
    client_sales: dict[int, tuple[str, int]] = field(default_factory=dict)

    def client(self, item: ExportedClient) -> None:
        card = item.card
        self.clients += 1
        grade = card.grade if card.grade in self.grades else "unrated"
        self.grades[grade] += 1
        for name, counts in self.classes.items():
            value = getattr(card, name)
            if value is not None:
                counts[value.value] += 1

    def order(self, order: OrderLine, client: str) -> None:
        self.orders += 1
        if order.status == OrderStatus.LOST.value:
            self.lost_deals += 1
        if not order.is_won:
            return
        self.late_payments += order.is_late(self.today)
        if order.currency != DEFAULT_CURRENCY:
            return  # no exchange rates: the sums are in CNY only
        cents = order.amount_cents
        year = order.ordered_on.year
        self.won_cents[year] = self.won_cents.get(year, 0) + cents
        if self.today - timedelta(days=365) < order.ordered_on <= self.today:
            _name, before = self.client_sales.get(order.client_id, (client, 0))
            self.client_sales[order.client_id] = (client, before + cents)

    def add(self, other: Tally) -> None:
        """Count in what another process counted of other rows (a split
        export: each row is counted by one process only)."""
        self.clients += other.clients
        for grade, n in other.grades.items():
            self.grades[grade] += n
        for name, counts in other.classes.items():
            for value, n in counts.items():
                self.classes[name][value] += n
        self.evaluations += other.evaluations
        self.interactions += other.interactions
        self.interactions_this_month += other.interactions_this_month
        self.orders += other.orders
        for year, cents in other.won_cents.items():
            self.won_cents[year] = self.won_cents.get(year, 0) + cents
        self.late_payments += other.late_payments
        self.lost_deals += other.lost_deals
        for client_id, (name, cents) in other.client_sales.items():
            _name, before = self.client_sales.get(client_id, (name, 0))
            self.client_sales[client_id] = (name, before + cents)

    def top_clients(self) -> list[tuple[str, Decimal]]:
        """The clients who bought most in the last 12 months (CNY), most first."""
        return [(name, from_cents(cents)) for _cid, (name, cents) in self._ranked()]

    def keep_top_clients(self) -> None:
        """Forget the clients' sales but the top ones' (a process that read
        every order sends no more: about 100,000 names and sums otherwise)."""
        self.client_sales = dict(self._ranked())

    def _ranked(self) -> list[tuple[int, tuple[str, int]]]:
        ranked = sorted(self.client_sales.items(), key=lambda item: (-item[1][1], item[0]))
        return ranked[:TOP_CLIENTS]

    def interaction(self, when: datetime) -> None:
        self.interactions += 1
        if (when.year, when.month) == self.month:
            self.interactions_this_month += 1


@dataclass(frozen=True)
class Headline:
    """What the Summary sheet reports besides the tally."""

    exported_at: datetime
    filtered: bool
    include_confidential: bool
    complaints: ComplaintAnalysis
    complaints_by_month: dict[str, int]
    open_complaints: int
    overdue_complaints: int
    care_30_days: int
    database_uuid: str = ""


def write_summary(book: Book, ws: Worksheet, t: Texts, tally: Tally, head: Headline) -> None:
    """Fill the Summary sheet, created first and left empty until now."""
    out = _Summary(book, ws, t)
    out.rows([
        (EXPORTED_ON, head.exported_at),
        (SCOPE, t(N_("Filtered list")) if head.filtered else t(N_("All clients"))),
        (CONFIDENTIAL, t.yes_no(head.include_confidential)),
        (CLIENTS, tally.clients), (EVALUATIONS, tally.evaluations),
        (INTERACTIONS, tally.interactions),
        (INTERACTIONS_THIS_MONTH, tally.interactions_this_month),
        (ORDERS, tally.orders),
        (WON_THIS_YEAR, from_cents(tally.won_cents.get(tally.today.year, 0))),
        (WON_LAST_YEAR, from_cents(tally.won_cents.get(tally.today.year - 1, 0))),
        (LATE_PAYMENTS, tally.late_payments), (LOST_DEALS, tally.lost_deals),
        (COMPLAINTS, head.complaints.total), (OPEN_COMPLAINTS, head.open_complaints),
        (OVERDUE_COMPLAINTS, head.overdue_complaints), (CARE_30_DAYS, head.care_30_days),
        (DATABASE_UUID, head.database_uuid),
    ])
    out.writer.finish()
    grade_names = {"unrated": t(N_("Unrated"))}
    grades = out.table(N_("Grade"), N_("Clients"),
                       [(grade_names.get(g, g), n) for g, n in tally.grades.items()])
    classes = out.table(N_("Classification"), N_("Clients"), [
        (f"{t(CLASSIFICATION_TITLES[name])}: {t.label(CLASSIFICATIONS[name](value))}", n)
        for name, counts in tally.classes.items() for value, n in counts.items()
    ])
    categories = out.table(N_("Category"), N_("Complaints"), [
        (t.label(_category(key)), n) for key, n in head.complaints.by_category.items()])
    months = out.table(N_("Month"), N_("Complaints"), list(head.complaints_by_month.items()))
    top = out.table(N_("Top clients by sales, last 12 months"), N_("Won sales (CNY)"),
                    tally.top_clients())
    # Two columns of charts beside the tables, all of them above row 48: the
    # first printed page (landscape, one page wide: about 54 rows on A4 by the
    # column widths, 66 as LibreOffice prints it; more on Letter) holds every
    # chart whole, the second the rest of the tables.
    charts = [(grades, N_("Grade distribution"), "column", "D2", 6.5),
              (classes, N_("Clients by classification"), "bar", "N2", 13),
              (categories, N_("Complaints by category"), "bar", "D17", 8),
              (months, N_("Complaints by month"), "column", "D34", 6.5),
              (top, N_("Top clients by sales, last 12 months"), "bar", "N29", 8.5)]
    for (header, values, labels), title, kind, anchor, height in charts:
        chart = new_chart(book.wb, kind, t(title), CHART_WIDTH, height)
        add_series(chart, ws.name, 1, header, values,
                   reference(ws.name, header + 1, 0, header + len(labels)),
                   text_labels(labels))
        ws.insert_chart(anchor, chart)


def _category(key: str) -> ComplaintCategory:
    return ComplaintCategory(key)


class _Summary:
    """Rows of the Summary sheet: the headline block, then titled tables."""

    def __init__(self, book: Book, ws: Worksheet, t: Texts) -> None:
        self.t = t
        # a page of figures and charts, not a list: no header on page two
        self.writer = SheetWriter(book, ws, [t(c.header) for c in COLUMNS], COLUMNS,
                                  print_titles=False)
        lay_out(ws, [], repeat_header=False, landscape=True, pages_tall=2)

    def rows(self, figures: list[tuple[str, Any]]) -> None:
        for msgid, value in figures:
            self.append(self.t(msgid), value)

    def append(self, label: str, value: Any) -> None:
        """A row; an amount (Decimal) is a number cell with two decimals."""
        if isinstance(value, Decimal):
            self.writer.append([label, float(value)], {1: MONEY_FORMAT})
        else:
            self.writer.append([label, value])

    def table(self, label: str, value: str,
              rows: list[tuple[str, int]] | list[tuple[str, Decimal]]
              ) -> tuple[int, list[float], list[str]]:
        """A blank row, a bold header, the rows; returns the header's row
        (0-based), the values and the rows' labels."""
        self.writer.skip_row()
        header = self.writer.next_row
        self.writer.header_row([self.t(label), self.t(value)])
        for name, n in rows:
            self.append(name, n)
        return header, [float(n) for _name, n in rows], [name for name, _n in rows]


def month_start(today: date, back: int) -> date:
    """The first day of the month ``back`` months before ``today``'s."""
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)
