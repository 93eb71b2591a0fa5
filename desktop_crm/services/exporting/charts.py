"""The workbook's charts, made so that every spreadsheet program draws them
with their labels.

- Text categories (grades, labels, months written as text, client names) are
  string references, ``<c:cat><c:strRef>``, with the labels cached: readers
  that draw from the cache (or trust the reference's kind) show them as they
  are. xlsxwriter's ``constant_memory`` mode keeps no cells to fill the
  caches from, so the labels and values are handed to it here.
- Date categories (the Loyalty sheet's months are date cells) stay numeric,
  and the category axis carries its own number format (``sourceLinked="0"``):
  Gnumeric 1.12 ignores the cells' format and labelled the months
  ``46023 46054 ...`` (measured with ``ssconvert`` to PDF).
- References always quote the sheet's name (``'Summary'!$A$2:$A$5``), as
  Excel accepts for every name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from xlsxwriter.chart import Chart
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

from desktop_crm.services.exporting.cells import clean_text

CM_PIXELS = 96 / 2.54  # xlsxwriter sizes charts in pixels at 96 dpi
_EPOCH = date(1899, 12, 30).toordinal()  # serial 0, for the dates from March 1900


def reference(sheet: str, first_row: int, col: int, last_row: int | None = None) -> str:
    """``'sheet'!$A$2:$A$5`` for 0-based rows and column."""
    first = xl_rowcol_to_cell(first_row, col, row_abs=True, col_abs=True)
    last = xl_rowcol_to_cell(first_row if last_row is None else last_row, col,
                             row_abs=True, col_abs=True)
    name = sheet.replace("'", "''")
    return f"='{name}'!{first}" if first == last else f"='{name}'!{first}:{last}"


def new_chart(wb: Workbook, kind: str, title: str, width_cm: float, height_cm: float,
              *, legend: bool = False) -> Chart:
    """A chart of ``kind`` ("bar", "column", "line") with a title and a size."""
    chart = wb.add_chart({"type": kind})
    assert chart is not None
    chart.set_title({"name": clean_text(title)})
    if not legend:
        chart.set_legend({"none": True})
    chart.set_size({"width": round(width_cm * CM_PIXELS),
                    "height": round(height_cm * CM_PIXELS)})
    return chart


def add_series(chart: Chart, sheet: str, col: int, header_row: int,
               values: Sequence[float | int | None], categories: str,
               categories_data: Sequence[Any]) -> None:
    """A series named by its header cell, with the ``values`` of the rows
    below it, labelled by ``categories`` (a reference) holding
    ``categories_data``."""
    if not values:  # an empty table: an empty chart (one with no series is left out)
        chart.add_series({"name": reference(sheet, header_row, col),
                          "values": reference(sheet, header_row + 1, col)})
        return
    last = header_row + len(values)
    chart.add_series({
        "name": reference(sheet, header_row, col),
        "values": reference(sheet, header_row + 1, col, last),
        "values_data": list(values),
        "categories": categories,
        "categories_data": list(categories_data),
    })


def text_labels(labels: Sequence[str]) -> list[str]:
    """Labels as their cells hold them."""
    return [clean_text(label) for label in labels]


def date_axis_format(chart: Chart, number_format: str) -> None:
    """Show the category axis's dates in ``number_format``, whatever the
    program makes of the cells."""
    chart.set_x_axis({"num_format": number_format})


def excel_serial(day: date) -> int:
    """The serial number of a date from 1 March 1900 on (a chart's cache)."""
    return day.toordinal() - _EPOCH
