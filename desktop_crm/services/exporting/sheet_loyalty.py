"""The Loyalty sheet: the source's ten loyalty KPIs month by month (one row a
month, one column a KPI, as ``desktop-crm kpi`` and the loyalty page compute
them: services.loyalty), two native charts (the retention, churn and
win-back shares by month; the client base by month) and each KPI's
definition below the table.

The figures are the whole book's: a filtered export says so under the table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from xlsxwriter.worksheet import Worksheet

from desktop_crm.domain.loyalty import KPI_KEYS, RATIO_KEYS, KpiReport, kpi_definition, kpi_label
from desktop_crm.i18n import N_
from desktop_crm.services.exporting.cells import MONEY_FORMAT, Column, clean_text, display_width
from desktop_crm.services.exporting.charts import (
    add_series,
    date_axis_format,
    excel_serial,
    new_chart,
    reference,
)
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.exporting.texts import Texts

MONTHS = 12  # the last twelve full months, as `desktop-crm kpi` by default
MONTH_FORMAT = "yyyy-mm"
PERCENT_FORMAT = "0.0%"
_FORMATS = {"client_base": "0", "new_clients_per_month": "0.0", "purchase_frequency": "0.00",
            "average_purchase": MONEY_FORMAT}
# the shares drawn on the line chart (share of wallet and complaint
# satisfaction are often empty or flat: they stay in the table)
CHARTED_SHARES = ("client_retention", "churn_rate", "new_client_retention", "win_back_rate")
COLUMNS = (Column(N_("Month"), 10, MONTH_FORMAT),
           *(Column("", 14, PERCENT_FORMAT if key in RATIO_KEYS else _FORMATS[key])
             for key in KPI_KEYS))
LINE_HEIGHT = 15  # points: a line of the body font
WHOLE_BOOK = N_("The KPIs count the whole book, not only the clients in this workbook.")


def write_loyalty(book: Book, ws: Worksheet, t: Texts, reports: Sequence[KpiReport],
                  filtered: bool) -> None:
    """Fill the Loyalty sheet with ``reports`` (one a month, oldest first)."""
    labels = t.domain(lambda: [kpi_label(key) for key in KPI_KEYS])
    writer = SheetWriter(book, ws, [t(N_("Month")), *labels], COLUMNS)
    for report in reports:
        writer.append([report.start, *(report.values[key] for key in KPI_KEYS)])
    writer.finish()
    last = len(reports)  # the last month's row, 0-based
    writer.skip_row()
    if filtered:
        writer.write(writer.next_row, 0, t(WHOLE_BOOK))
        writer.skip_row()
    writer.header_row([t(N_("KPI")), t(N_("Definition"))])
    definitions = t.domain(lambda: [kpi_definition(key) for key in KPI_KEYS])
    # each definition wrapped across the table's width (B to the last KPI),
    # not running far to the right: printed one page wide, that would shrink
    # the whole sheet to a third
    span = sum(writer.widths[1:])
    for label, definition in zip(labels, definitions, strict=True):
        row = writer.next_row
        lines = math.ceil(display_width(definition) * 1.1 / span)
        ws.set_row(row, LINE_HEIGHT * max(lines, 1))
        writer.write(row, 0, label)
        ws.merge_range(row, 1, row, len(COLUMNS) - 1, clean_text(definition),
                       book.styles.wrapped)
        writer.skip_row()
    if not reports:
        return
    months = reference(ws.name, 1, 0, last)
    serials = [excel_serial(r.start) for r in reports]
    shares = new_chart(book.wb, "line", t(N_("Retention, churn and win-back by month")),
                       18, 9, legend=True)
    shares.set_y_axis({"num_format": "0%"})
    for key in CHARTED_SHARES:
        add_series(shares, ws.name, KPI_KEYS.index(key) + 1, 0,
                   [r.values[key] for r in reports], months, serials)
    date_axis_format(shares, MONTH_FORMAT)
    ws.insert_chart("M2", shares)
    base = new_chart(book.wb, "column", t(N_("Client base by month")), 18, 7.5)
    add_series(base, ws.name, KPI_KEYS.index("client_base") + 1, 0,
               [r.values["client_base"] for r in reports], months, serials)
    date_axis_format(base, MONTH_FORMAT)
    ws.insert_chart("M21", base)
