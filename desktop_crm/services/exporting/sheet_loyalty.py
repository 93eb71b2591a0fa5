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

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from desktop_crm.domain.loyalty import KPI_KEYS, RATIO_KEYS, KpiReport, kpi_definition, kpi_label
from desktop_crm.i18n import N_
from desktop_crm.services.exporting.cells import (
    MONEY_FORMAT,
    Column,
    SheetWriter,
    display_width,
    text_cell,
)
from desktop_crm.services.exporting.charts import date_categories
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
_WRAPPED = Alignment(wrap_text=True, vertical="top")
WHOLE_BOOK = N_("The KPIs count the whole book, not only the clients in this workbook.")


def write_loyalty(ws: WriteOnlyWorksheet, t: Texts, reports: Sequence[KpiReport],
                  filtered: bool) -> None:
    """Fill the Loyalty sheet with ``reports`` (one a month, oldest first)."""
    labels = t.domain(lambda: [kpi_label(key) for key in KPI_KEYS])
    writer = SheetWriter(ws, [t(N_("Month")), *labels], COLUMNS)
    for report in reports:
        writer.append([report.start, *(report.values[key] for key in KPI_KEYS)])
    writer.finish()
    last = len(reports) + 1
    ws.append([])
    row = last + 2
    if filtered:
        ws.append([text_cell(ws, t(WHOLE_BOOK))])
        row += 1
    ws.append(writer.header_cells([t(N_("KPI")), t(N_("Definition"))]))
    definitions = t.domain(lambda: [kpi_definition(key) for key in KPI_KEYS])
    # each definition wrapped across the table's width (B to the last KPI),
    # not running far to the right: printed one page wide, that would shrink
    # the whole sheet to a third
    last_column = get_column_letter(len(COLUMNS))
    span = sum(ws.column_dimensions[get_column_letter(c)].width
               for c in range(2, len(COLUMNS) + 1))
    for label, definition in zip(labels, definitions, strict=True):
        row += 1
        lines = math.ceil(display_width(definition) * 1.1 / span)
        ws.row_dimensions[row].height = LINE_HEIGHT * max(lines, 1)
        cell = text_cell(ws, definition)
        cell.alignment = _WRAPPED
        ws.append([text_cell(ws, label), cell])
        ws.merged_cells.add(f"B{row}:{last_column}{row}")
    if not reports:
        return
    months = Reference(ws, min_col=1, min_row=2, max_row=last)
    shares = LineChart()
    shares.title = t(N_("Retention, churn and win-back by month"))
    shares.y_axis.number_format = "0%"
    shares.height, shares.width = 9, 18
    for key in CHARTED_SHARES:
        column = KPI_KEYS.index(key) + 2
        shares.add_data(Reference(ws, min_col=column, min_row=1, max_row=last),
                        titles_from_data=True)
    date_categories(shares, months, MONTH_FORMAT)
    ws.add_chart(shares, "M2")
    base = BarChart()
    base.type = "col"
    base.title = t(N_("Client base by month"))
    base.legend = None
    base.height, base.width = 7.5, 18
    base.add_data(Reference(ws, min_col=KPI_KEYS.index("client_base") + 2, min_row=1,
                            max_row=last), titles_from_data=True)
    date_categories(base, months, MONTH_FORMAT)
    ws.add_chart(base, "M21")
