"""Writing cells safely into write-only sheets.

- Text that a spreadsheet could run as a formula (it starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) is written as a text cell with the
  "quote prefix" style, which Excel, WPS and LibreOffice show as text and never
  evaluate, even when the user edits the cell later.
- Characters XML cannot hold (control characters other than tab and line
  breaks) are dropped instead of failing the export; a carriage return becomes
  a line feed, as XML readers would turn it into one anyway.
- Dates and times are real date cells with a number format.
- Header cells are bold "Microsoft YaHei" (微软雅黑), marked sans-serif
  (``family`` 2) and Chinese (``charset`` 134, GB2312). No font ships with
  Windows, macOS and Linux alike and covers Chinese: Windows has Microsoft
  YaHei and SimSun in every edition since Vista (DengXian, SimHei and KaiTi
  only in Chinese editions or as an optional feature), macOS has PingFang SC
  and Hiragino Sans GB, Linux distributions Noto Sans CJK or WenQuanYi. The
  workbook goes to a manager who opens it in Excel or WPS on Windows, where
  Microsoft YaHei is always present, draws Latin and Chinese alike and has
  a real bold face (SimSun, the theme's Chinese font, has none: bold is
  smeared). Elsewhere a program that lacks it substitutes a font of the same
  kind: the family and charset say "sans-serif with Chinese", which is what
  Excel for Mac (per MS-OI29500, the charset steers its substitution) and
  LibreOffice then pick (measured here: DejaVu Sans Bold and WenQuanYi Micro
  Hei; with no name at all LibreOffice printed the headers in a serif face).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from desktop_crm.services.exporting.print_layout import lay_out

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
NUMBER_FORMAT = "0.0"
MONEY_FORMAT = "#,##0.00"
MAX_TEXT = 32767  # Excel's limit for one cell
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
HEADER_FONT = Font(name="Microsoft YaHei", family=2, charset=134, sz=11, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_ALIGNMENT = Alignment(vertical="top", wrap_text=True)


def is_risky(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula."""
    return text.startswith(RISKY_STARTS)


def clean_text(text: str) -> str:
    """``text`` fit for a cell: no control characters, CR as LF, within Excel's limit."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:MAX_TEXT]


@dataclass(frozen=True)
class Column:
    """One column: the header's message id, its width in characters, and the
    number format of its values (None for text and whole numbers)."""

    header: str
    width: float = 14
    number_format: str | None = None


class SheetWriter:
    """Appends rows to a write-only sheet with a bold, frozen, filtered header,
    printed one page wide with the header on every page (``print_titles``).

    Attributes:
        ws: the sheet.
        rows: the number of data rows written so far.
    """

    def __init__(self, ws: WriteOnlyWorksheet, headers: Sequence[str],
                 columns: Sequence[Column], *, print_titles: bool = True) -> None:
        self.ws = ws
        self.columns = list(columns)
        self.rows = 0
        self._caches: list[dict[Any, WriteOnlyCell]] = [{} for _ in columns]
        widths = []
        for index, (column, header) in enumerate(zip(columns, headers, strict=True), start=1):
            width = max(column.width, min(display_width(header) + 2, 40))
            ws.column_dimensions[get_column_letter(index)].width = width
            widths.append(width)
        ws.freeze_panes = "A2"
        lay_out(ws, widths, repeat_header=print_titles)
        ws.append(self.header_cells(headers))

    @classmethod
    def create(cls, wb: Workbook, title: str, headers: Sequence[str],
               columns: Sequence[Column]) -> Self:
        """A writer on a new sheet at the end of ``wb``."""
        ws = wb.create_sheet(title=title)
        assert isinstance(ws, WriteOnlyWorksheet)
        return cls(ws, headers, columns)

    def header_cells(self, headers: Sequence[str]) -> list[WriteOnlyCell]:
        """Bold, shaded, wrapped header cells."""
        cells = []
        for text in headers:
            cell = text_cell(self.ws, text)
            cell.font = HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.alignment = _HEADER_ALIGNMENT
            cells.append(cell)
        return cells

    def append(self, values: Iterable[Any]) -> None:
        """One data row; values are converted with :func:`cell_value`, reusing
        one styled cell per column and kind (the sheet writes a row before
        ``append`` returns, so the cells are free again)."""
        ws, caches = self.ws, self._caches
        ws.append([cell_value(ws, v, c.number_format, caches[i])
                   for i, (v, c) in enumerate(zip(values, self.columns, strict=True))])
        self.rows += 1

    def finish(self) -> None:
        """Put the filter over the header and every row written."""
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"


def display_width(text: str) -> int:
    """Characters as a spreadsheet shows them: CJK characters take two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def text_cell(ws: WriteOnlyWorksheet, text: str,
              cache: dict[Any, WriteOnlyCell] | None = None) -> WriteOnlyCell:
    """A text cell that is never taken for a formula."""
    risky = is_risky(text)
    cell = _cell(ws, ("text", risky), cache)
    cell.value = clean_text(text)  # sets data_type "f" for "=..."
    cell.data_type = "s"
    if risky:
        cell.quotePrefix = True
    return cell


def cell_value(ws: WriteOnlyWorksheet, value: Any, number_format: str | None = None,
               cache: dict[Any, WriteOnlyCell] | None = None) -> Any:
    """What to append for ``value``: plain values where that is safe, a styled
    cell for dates, formatted numbers and risky text. With a ``cache``, styled
    cells are reused from it (one per kind)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if value.startswith(RISKY_STARTS) or len(value) > MAX_TEXT or _ILLEGAL.search(value) \
                or "\r" in value:
            return text_cell(ws, value, cache)
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        return _formatted(ws, value.replace(tzinfo=None), number_format or DATETIME_FORMAT,
                          cache)
    if isinstance(value, date):
        return _formatted(ws, value, number_format or DATE_FORMAT, cache)
    if number_format and isinstance(value, int | float):
        return _formatted(ws, value, number_format, cache)
    return value


def _cell(ws: WriteOnlyWorksheet, key: Any,
          cache: dict[Any, WriteOnlyCell] | None) -> WriteOnlyCell:
    if cache is None:
        return WriteOnlyCell(ws)
    cell = cache.get(key)
    if cell is None:
        cell = cache[key] = WriteOnlyCell(ws)
    return cell


def _formatted(ws: WriteOnlyWorksheet, value: Any, number_format: str,
               cache: dict[Any, WriteOnlyCell] | None) -> WriteOnlyCell:
    cell = _cell(ws, ("format", number_format), cache)
    if cell.number_format != number_format:
        cell.number_format = number_format
    cell.value = value
    return cell
