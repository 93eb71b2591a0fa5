"""Rows of one sheet of the manager's workbook, written by xlsxwriter in its
``constant_memory`` mode (each row goes to the sheet's temporary file as soon
as the next one starts), with the rules of
:mod:`desktop_crm.services.exporting.cells`.

Every sheet has a bold, shaded header row, frozen and filtered, its columns'
widths, and prints one page wide with the header on every page
(:mod:`desktop_crm.services.exporting.print_layout`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, Self

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from desktop_crm.services.exporting.cells import (
    MAX_TEXT,
    RISKY_STARTS,
    Column,
    clean_text,
    display_width,
)
from desktop_crm.services.exporting.print_layout import lay_out
from desktop_crm.services.exporting.styles import Styles

# Text is never a formula, a number or a link because it looks like one: the
# cell rules decide, not xlsxwriter's guesses.
OPTIONS = {"constant_memory": True, "strings_to_formulas": False,
           "strings_to_numbers": False, "strings_to_urls": False}
MAX_HEADER_WIDTH = 40
FIRST_YEAR = 1900  # dates before it: see early_serial
_EPOCH = date(1899, 12, 30).toordinal()
# From here on a date's serial number is plain day arithmetic (excel_serial);
# xlsxwriter converts the earlier days of 1900 itself.
FIRST_SERIAL_DAY = date(1900, 3, 1)
FIRST_SERIAL_TIME = datetime(1900, 3, 1)
_XLSX_EPOCH = date(1899, 12, 31).toordinal()


@dataclass(frozen=True)
class Book:
    """The workbook being written and its formats."""

    wb: Workbook
    styles: Styles
    # serial numbers of the days written so far (few: the same days recur)
    date_serials: dict[date, float] = field(default_factory=dict)

    @classmethod
    def create(cls, target: IO[bytes], tmpdir: str) -> Self:
        """A workbook written to ``target`` when closed; the sheets' rows wait
        in temporary files in ``tmpdir`` until then."""
        wb = Workbook(target, {**OPTIONS, "tmpdir": tmpdir})
        return cls(wb, Styles(wb))

    def sheet(self, title: str) -> Worksheet:
        """A new, empty sheet at the end of the workbook."""
        return self.wb.add_worksheet(title)


class SheetWriter:
    """Appends rows to a sheet below its header.

    Attributes:
        ws: the sheet.
        rows: the number of data rows written so far (the header and
            :meth:`header_row` rows not counted).
        next_row: the 0-based index of the next row written.
    """

    def __init__(self, book: Book, ws: Worksheet, headers: Sequence[str],
                 columns: Sequence[Column], *, print_titles: bool = True) -> None:
        self.ws = ws
        self.styles = styles = book.styles
        self.columns = list(columns)
        self.rows = 0
        self.next_row = 0
        self.widths: list[float] = []
        for index, (column, header) in enumerate(zip(columns, headers, strict=True)):
            width = max(column.width, min(display_width(header) + 2, MAX_HEADER_WIDTH))
            ws.set_column(index, index, width)
            self.widths.append(width)
        ws.freeze_panes(1, 0)
        lay_out(ws, self.widths, repeat_header=print_titles)
        self._numbers = [styles.number(c.number_format) if c.number_format else None
                         for c in columns]
        self._dates = [styles.date(c.number_format) for c in columns]
        self._datetimes = [styles.datetime(c.number_format) for c in columns]
        self._date_serials = book.date_serials
        self.header_row(headers)

    @classmethod
    def create(cls, book: Book, title: str, headers: Sequence[str],
               columns: Sequence[Column]) -> Self:
        """A writer on a new sheet at the end of ``book``."""
        return cls(book, book.sheet(title), headers, columns)

    def header_row(self, headers: Sequence[str]) -> None:
        """A row of bold, shaded, wrapped header cells."""
        row, write = self.next_row, self.ws.write_string
        for col, text in enumerate(headers):
            write(row, col, clean_text(text), self.styles.header)
        self.next_row += 1

    def skip_row(self) -> None:
        """Leave the next row empty."""
        self.next_row += 1

    def append(self, values: Sequence[Any],
               number_formats: Mapping[int, str] | None = None) -> None:
        """One data row, a value per column: None and "" leave the cell empty.
        ``number_formats`` gives some columns another format for this row."""
        if len(values) != len(self.columns):
            raise ValueError(f"{len(values)} values for {len(self.columns)} columns")
        row = self.next_row
        self.next_row += 1
        self.rows += 1
        if number_formats:
            for col, value in enumerate(values):
                fmt = number_formats.get(col)
                self.write(row, col, value, self.styles.number(fmt) if fmt else None)
            return
        # the common kinds inline: this loop runs for every cell of the workbook
        # (xlsxwriter's cell methods without their A1-notation wrapper, and
        # dates as the serial numbers xlsxwriter itself would store: the same
        # XML, less Python per cell)
        ws = self.ws
        # (private in xlsxwriter 3: the public methods, which take the same
        # arguments, where a later version renames them)
        write_string = getattr(ws, "_write_string", ws.write_string)
        write_number = getattr(ws, "_write_number", ws.write_number)
        numbers, quoted = self._numbers, self.styles.quoted
        date_serials = self._date_serials
        for col, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                # isprintable() is false for every character clean_text changes
                text = (value if value.isprintable() and len(value) <= MAX_TEXT
                        else clean_text(value))
                if value.startswith(RISKY_STARTS):
                    write_string(row, col, text, quoted)
                else:
                    write_string(row, col, text)
            elif kind is int or (kind is float and math.isfinite(value)):
                write_number(row, col, value, numbers[col])
            elif kind is date and value >= FIRST_SERIAL_DAY:
                serial = date_serials.get(value)
                if serial is None:
                    serial = date_serials[value] = excel_serial(value)
                write_number(row, col, serial, self._dates[col])
            elif kind is datetime and value.tzinfo is None and value >= FIRST_SERIAL_TIME:
                write_number(row, col, excel_serial(value), self._datetimes[col])
            else:
                self.write(row, col, value)

    def write(self, row: int, col: int, value: Any, number_format: Any = None) -> None:
        """One cell of any kind; ``number_format`` (an xlsxwriter format)
        replaces the column's for numbers and dates."""
        ws = self.ws
        if value is None or value == "":
            return
        if isinstance(value, str):
            ws.write_string(row, col, clean_text(value),
                            self.styles.quoted if value.startswith(RISKY_STARTS) else None)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, int | float | Decimal) and math.isfinite(value):
            ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value,
                            number_format or self._numbers[col])
        elif isinstance(value, date):
            fmt = number_format or (self._datetimes[col] if isinstance(value, datetime)
                                    else self._dates[col])
            if value.year < FIRST_YEAR:
                ws.write_number(row, col, early_serial(value), fmt)
            else:
                ws.write_datetime(row, col, value.replace(tzinfo=None)
                                  if isinstance(value, datetime) else value, fmt)
        else:  # NaN, infinities and anything else: as text
            ws.write_string(row, col, clean_text(str(value)))

    def finish(self) -> None:
        """Put the filter over the header and the data rows written so far."""
        self.ws.autofilter(0, 0, self.rows, len(self.columns) - 1)


def early_serial(value: date) -> float:
    """The serial number of a date before 1900 as openpyxl and the earlier
    exports wrote it (days before 30 December 1899, negative; xlsxwriter counts
    one day less): Excel shows no date before 1900, openpyxl reads it back."""
    days = value.toordinal() - _EPOCH
    if days == 1:  # 31 December 1899: Excel's day 0 (its 1900 has a 29 February)
        days = 0
    if isinstance(value, datetime):
        return days + (value.hour * 3600 + value.minute * 60 + value.second
                       + value.microsecond / 1e6) / 86400
    return days


def excel_serial(value: date) -> float:
    """The serial number xlsxwriter's ``write_datetime`` stores for a date or
    a naive datetime from 1 March 1900 on (its ``_datetime_to_excel_datetime``,
    the same float operations in the same order: the same bytes in the sheet).
    Aware datetimes lose their zone first, as in :meth:`SheetWriter.write`."""
    days = value.toordinal() - _XLSX_EPOCH
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        serial = days + (float(seconds) + float(value.microsecond) / 1e6) / (60 * 60 * 24)
    else:
        serial = days + (0.0 + 0.0 / 1e6) / (60 * 60 * 24)
    return serial + 1  # Excel's 29 February 1900, before every day served here
