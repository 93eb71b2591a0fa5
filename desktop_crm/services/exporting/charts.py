"""What the workbook's charts need beyond openpyxl's defaults, so that every
spreadsheet program draws them with their labels.

- Text categories (grades, labels, months written as text, client names) are
  string references, ``<c:cat><c:strRef>``, with the labels cached:
  openpyxl's ``set_categories`` always writes a numeric reference
  (``<c:numRef>``), which the schema means for numbers only; readers that
  trust it, or draw from the cache, show numbers or nothing.
- Date categories (the Loyalty sheet's months are date cells) stay numeric,
  and the category axis carries its own number format (``sourceLinked="0"``):
  Gnumeric 1.12 ignores the cells' format and labelled the months
  ``46023 46054 ...`` (measured with ``ssconvert`` to PDF).
- Both axes are written as shown (``<c:delete val="0"/>``): openpyxl 3.1
  leaves the element out and Excel then hides the axes.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.chart import Reference
from openpyxl.chart._chart import ChartBase
from openpyxl.chart.data_source import AxDataSource, NumFmt, StrData, StrRef, StrVal
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from desktop_crm.services.exporting.cells import clean_text


def text_categories(chart: ChartBase, ws: WriteOnlyWorksheet, first_row: int,
                    labels: Sequence[str], column: int = 1) -> None:
    """Label every series of ``chart`` with the text cells of ``column`` from
    ``first_row`` down, which hold ``labels`` (their cache)."""
    show_axes(chart)
    if not labels:
        return
    ref = Reference(ws, min_col=column, min_row=first_row,
                    max_row=first_row + len(labels) - 1)
    for series in chart.series:
        cache = StrData(ptCount=len(labels),
                        pt=[StrVal(idx=i, v=clean_text(label)) for i, label in enumerate(labels)])
        series.cat = AxDataSource(strRef=StrRef(f=str(ref), strCache=cache))


def date_categories(chart: ChartBase, ref: Reference, number_format: str) -> None:
    """Label every series of ``chart`` with the date cells of ``ref``, shown
    in ``number_format`` whatever the program makes of the cells."""
    chart.set_categories(ref)
    chart.x_axis.numFmt = NumFmt(formatCode=number_format, sourceLinked=False)
    show_axes(chart)


def show_axes(chart: ChartBase) -> None:
    """Write both axes as visible."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
