"""The data rows of the big sheets as SpreadsheetML, without a cell object each.

openpyxl builds an object per cell and serialises it element by element:
about 11 us a cell (14 us without lxml), 98 s for the 7.5 million cells of a
100,000-client workbook. The rows here are the same XML openpyxl's write-only
sheets write (inline strings, numbers, dates as serial numbers through
openpyxl's own ``to_excel``, the style ids openpyxl registered in the
workbook's stylesheet), made with string formatting: about 0.6 us a cell.
openpyxl still writes everything else: the workbook, the styles, each sheet's
frame (column widths, frozen header, filter) and the Summary with its charts;
:mod:`desktop_crm.services.exporting.package` puts the rows into those sheets.

The cell rules are those of :mod:`desktop_crm.services.exporting.cells`:
risky text gets the quote-prefix style, characters XML cannot hold are
dropped, a carriage return becomes a line feed, text is cut at Excel's limit.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from desktop_crm.services.exporting.cells import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    MAX_TEXT,
    RISKY_STARTS,
    Column,
    SheetWriter,
)

# One pass: escape what XML needs escaped, drop what XML cannot hold.
_TEXT = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "\n", "\ufffe": None, "\uffff": None}
    | {chr(c): None for c in range(0x20) if chr(c) not in "\t\n\r"}
)
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_FIRST_CORRECT = 60  # serials up to 1900-02-28 step over Excel's 29 February 1900


def style_id(ws: WriteOnlyWorksheet, number_format: str | None = None,
             quote_prefix: bool = False) -> int:
    """The stylesheet index of a cell style, registered in ``ws``'s workbook."""
    cell = WriteOnlyCell(ws)
    if number_format:
        cell.number_format = number_format
    if quote_prefix:
        cell.quotePrefix = True
    return int(cell.style_id)


def text_xml(text: str) -> str:
    """``text`` as the content of a ``<t>`` element."""
    return _fit(text).translate(_TEXT)


def _fit(text: str) -> str:
    """``text`` within Excel's limit, with CR LF as one line break."""
    return text[:MAX_TEXT].replace("\r\n", "\n")


class RowEncoder:
    """Turns rows of Python values into ``<row>`` elements for one sheet."""

    def __init__(self, ws: WriteOnlyWorksheet, columns: Sequence[Column]) -> None:
        self._letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        # the style attribute of risky text, of numbers, of dates and of
        # date-times in each column (numbers and dates take the column's format)
        self._quoted_attr = f' s="{style_id(ws, quote_prefix=True)}"'
        self._number_attrs = [f' s="{style_id(ws, c.number_format)}"' if c.number_format
                              else "" for c in columns]
        self._dates = [style_id(ws, c.number_format or DATE_FORMAT) for c in columns]
        self._datetimes = [style_id(ws, c.number_format or DATETIME_FORMAT) for c in columns]

    def row(self, number: int, values: Sequence[Any]) -> str:
        """Row ``number`` (1-based) holding ``values``, one per column."""
        cells: list[str] = []
        append = cells.append
        for i, value in enumerate(values):
            if value is None or value == "":
                continue
            ref = f"{self._letters[i]}{number}"
            kind = type(value)
            if kind is str:
                style = self._quoted_attr if value.startswith(RISKY_STARTS) else ""
                if len(value) > MAX_TEXT or "\r" in value:
                    value = _fit(value)
                append(f'<c r="{ref}"{style} t="inlineStr"><is>'
                       f'<t xml:space="preserve">{value.translate(_TEXT)}</t></is></c>')
            elif kind is bool:
                append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif kind is int or (kind is float and math.isfinite(value)):
                append(f'<c r="{ref}"{self._number_attrs[i]}><v>{value!r}</v></c>')
            elif kind is datetime:
                append(f'<c r="{ref}" s="{self._datetimes[i]}"><v>{serial(value)!r}</v></c>')
            elif kind is date:
                append(f'<c r="{ref}" s="{self._dates[i]}"><v>{serial(value)!r}</v></c>')
            else:
                append(f'<c r="{ref}" t="inlineStr"><is>'
                       f'<t xml:space="preserve">{text_xml(str(value))}</t></is></c>')
        return f'<row r="{number}">{"".join(cells)}</row>'


def serial(value: date) -> float | int:
    """Excel's serial number of a date or a naive or aware date and time (its
    wall-clock time), as openpyxl's ``to_excel`` gives it; that function is
    called only for the dates before 1 March 1900 it corrects."""
    days = value.toordinal() - _EXCEL_EPOCH
    if days <= _FIRST_CORRECT:
        return float(to_excel(value.replace(tzinfo=None) if isinstance(value, datetime)
                              else value))
    if isinstance(value, datetime):
        return days + (value.hour * 3600 + value.minute * 60 + value.second
                       + value.microsecond / 1e6) / 86400
    return days


class StreamedSheet(SheetWriter):
    """A :class:`SheetWriter` whose data rows go, as XML, to a temporary file
    instead of through openpyxl; :func:`package.save` puts them into the sheet.

    Attributes:
        rows_file: the rows written so far, UTF-8 ``<row>`` elements.
    """

    FLUSH_ROWS = 2000

    def __init__(self, ws: WriteOnlyWorksheet, headers: Sequence[str],
                 columns: Sequence[Column]) -> None:
        super().__init__(ws, headers, columns)
        self._encoder = RowEncoder(ws, self.columns)
        self._pending: list[str] = []
        self.rows_file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())

    def append(self, values: Iterable[Any]) -> None:
        row = list(values)
        if len(row) != len(self.columns):
            raise ValueError(f"{len(row)} values for {len(self.columns)} columns")
        self.rows += 1
        self._pending.append(self._encoder.row(self.rows + 1, row))
        if len(self._pending) >= self.FLUSH_ROWS:
            self._flush()

    def finish(self) -> None:
        self._flush()
        super().finish()

    def close(self) -> None:
        self.rows_file.close()

    def _flush(self) -> None:
        self.rows_file.write("".join(self._pending).encode("utf-8"))
        self._pending.clear()
