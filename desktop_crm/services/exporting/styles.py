"""The cell formats of the manager's workbook, made once per workbook.

Header cells are bold "Microsoft YaHei" (微软雅黑), marked sans-serif
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
The data keep the workbook's body font (Calibri).
"""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from desktop_crm.services.exporting.cells import DATE_FORMAT, DATETIME_FORMAT

HEADER_FONT = {"font_name": "Microsoft YaHei", "font_family": 2, "font_charset": 134,
               "font_size": 11, "bold": True}
HEADER_FILL = "#DDEBF7"


class Styles:
    """The workbook's formats: xlsxwriter wants each made once and reused.

    Each format gets its number in the file (xlsxwriter's XF index) when it
    is made, not when a cell first uses it: the same formats made in the same
    order number the same in every process that writes sheets of one
    workbook (:mod:`desktop_crm.services.exporting.parallel`), whatever rows
    each writes first.

    Attributes:
        header: bold, shaded, wrapped, top-aligned header cells.
        quoted: text with the quote prefix (never a formula).
        wrapped: wrapped, top-aligned text (the KPI definitions).
    """

    def __init__(self, wb: Workbook) -> None:
        self._wb = wb
        self.header = self._add({**HEADER_FONT, "pattern": 1, "bg_color": HEADER_FILL,
                                 "valign": "top", "text_wrap": True})
        self.quoted = self._add({"quote_prefix": True})
        self.wrapped = self._add({"text_wrap": True, "valign": "top"})
        self._numbers: dict[str, Format] = {}

    def number(self, number_format: str) -> Format:
        """The format showing numbers (and dates) in ``number_format``."""
        found = self._numbers.get(number_format)
        if found is None:
            found = self._numbers[number_format] = self._add({"num_format": number_format})
        return found

    def _add(self, properties: dict[str, object]) -> Format:
        """A new format, numbered now (xlsxwriter 3's private numbering, which
        a cell's first use calls otherwise)."""
        made = self._wb.add_format(properties)
        made._get_xf_index()
        return made

    def date(self, number_format: str | None = None) -> Format:
        return self.number(number_format or DATE_FORMAT)

    def datetime(self, number_format: str | None = None) -> Format:
        return self.number(number_format or DATETIME_FORMAT)
