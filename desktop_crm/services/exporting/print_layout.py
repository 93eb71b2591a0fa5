"""How each sheet of the manager's workbook prints: the page setup Excel,
WPS and LibreOffice read from the sheet.

- One page wide (``fitToPage`` with ``fitToWidth="1"`` and
  ``fitToHeight="0"``: as many pages down as the rows need), landscape when
  the columns are wider than a portrait page.
- The header row printed again at the top of every page (the sheet's
  ``_xlnm.Print_Titles`` defined name).
- The sheet's name and "page / pages" in the footer: codes (``&A``, ``&P``,
  ``&N``) every program fills in, so no text to translate.
- A4 paper, or US Letter where the user's locale uses it (the territories
  CLDR lists for US-Letter: the United States, Canada, Mexico, the
  Philippines and a few Latin American countries). The printer driver still
  has the last word; with "fit to width" the scale follows the paper chosen.

The Summary sets its own: landscape, at most two pages tall, no repeated
header (a page of figures and charts, not a list).
"""

from __future__ import annotations

import locale
import os
import re
from collections.abc import Mapping, Sequence

from xlsxwriter.worksheet import Worksheet

A4 = 9  # the paperSize codes of ECMA-376 Part 1, 18.3.1.63
LETTER = 1
# CLDR supplemental data, paperSize "US-Letter"
LETTER_TERRITORIES = frozenset(
    {"BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH", "PR", "SV", "US", "VE"})
# Windows names its locales "English_United States" rather than "en_US"
_WINDOWS_NAMES = {
    "united states": "US", "canada": "CA", "mexico": "MX", "philippines": "PH",
    "chile": "CL", "colombia": "CO", "costa rica": "CR", "guatemala": "GT",
    "nicaragua": "NI", "panama": "PA", "puerto rico": "PR", "el salvador": "SV",
    "venezuela": "VE", "belize": "BZ",
}
_TERRITORY = re.compile(r"^[a-z]{2,3}[_-]([A-Z]{2})\b")
# Paper widths in cm (portrait) and the margins in inches: narrower sides
# than Excel's "Normal" (0.7") leave more room for the columns; the footer
# sits in the bottom margin.
_PAPER_WIDTH_CM = {A4: 21.0, LETTER: 21.59}
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.75, "header": 0.3, "footer": 0.3}
FOOTER_LEFT = "&A"  # the sheet's name
FOOTER_RIGHT = "&P / &N"  # page / pages
FOOTER = f"&L{FOOTER_LEFT}&R{FOOTER_RIGHT}"


def paper_size(environ: Mapping[str, str] | None = None) -> int:
    """A4, or Letter when the user's locale is in a Letter territory
    (``LC_ALL``, ``LC_PAPER``, ``LANG`` as POSIX reads them, else the
    process's locale)."""
    env = os.environ if environ is None else environ
    name = next((env[k] for k in ("LC_ALL", "LC_PAPER", "LANG") if env.get(k)), None)
    if name is None:
        try:
            name = locale.getlocale()[0]
        except ValueError:  # a locale Python does not know ("UTF-8" on macOS)
            name = None
    return LETTER if territory(name or "") in LETTER_TERRITORIES else A4


def territory(name: str) -> str:
    """The country code of a locale name: "en_US.UTF-8" and
    "English_United States" give "US"; "C" and "" give ""."""
    found = _TERRITORY.match(name)
    if found:
        return found.group(1)
    _language, _, country = name.partition("_")
    return _WINDOWS_NAMES.get(country.split(".")[0].strip().lower(), "")


def width_cm(widths: Sequence[float]) -> float:
    """Columns of ``widths`` (in characters, as the sheet gives them) on paper at
    100 %: a character is 7 pixels of the default font, plus 5 of padding."""
    return sum(int(w * 7 + 5) for w in widths) * 2.54 / 96


def is_landscape(widths: Sequence[float], paper: int) -> bool:
    """Whether columns of ``widths`` are wider than a portrait page of ``paper``."""
    margins = (MARGINS["left"] + MARGINS["right"]) * 2.54
    return width_cm(widths) > _PAPER_WIDTH_CM[paper] - margins


def lay_out(ws: Worksheet, widths: Sequence[float], *, repeat_header: bool = True,
            landscape: bool | None = None, pages_tall: int = 0,
            paper: int | None = None) -> None:
    """Give ``ws`` its page setup: one page wide and ``pages_tall`` pages tall
    at most (0: as many as needed), landscape when ``widths`` (or the caller)
    say so, the first row repeated on every page when ``repeat_header``."""
    paper = paper_size() if paper is None else paper
    if landscape is None:
        landscape = is_landscape(widths, paper)
    ws.set_paper(paper)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, pages_tall)
    ws.set_margins(left=MARGINS["left"], right=MARGINS["right"], top=MARGINS["top"],
                   bottom=MARGINS["bottom"])
    # no header text: only its margin (an empty <oddHeader/> makes Gnumeric warn)
    ws.set_header("", {"margin": MARGINS["header"]})
    ws.set_footer(FOOTER, {"margin": MARGINS["footer"]})
    if repeat_header:
        ws.repeat_rows(0)
