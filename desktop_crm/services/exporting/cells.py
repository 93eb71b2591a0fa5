"""What goes into a cell of the manager's workbook, whatever writes it.

- Text that a spreadsheet could run as a formula (it starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) is written as a text cell with the
  "quote prefix" style, which Excel, WPS and LibreOffice show as text and never
  evaluate, even when the user edits the cell later.
- Characters XML cannot hold (control characters other than tab and line
  breaks) are dropped instead of failing the export; a carriage return becomes
  a line feed, as XML readers would turn it into one anyway.
- Text is cut at Excel's limit for one cell.
- Dates and times are real date cells with a number format.

The writer of the workbook (:mod:`desktop_crm.services.exporting.sheet`)
applies these rules; :func:`text_cell` applies them to an openpyxl cell for
the import's problem report, which openpyxl still writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
NUMBER_FORMAT = "0.0"
MONEY_FORMAT = "#,##0.00"
MAX_TEXT = 32767  # Excel's limit for one cell
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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


def display_width(text: str) -> int:
    """Characters as a spreadsheet shows them: CJK characters take two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def text_cell(ws: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """An openpyxl text cell that is never taken for a formula (the import's
    report: openpyxl is imported only when one is saved)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    cell.value = clean_text(text)  # sets data_type "f" for "=..."
    cell.data_type = "s"
    if is_risky(text):
        cell.quotePrefix = True
    return cell
