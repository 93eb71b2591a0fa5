"""Writes desktop_crm/domain/lunar_table.py: the months of every lunar year
from FIRST to LAST as lunar_python computes them, so that the app reads them
from a table instead of computing them (about 4 ms of CPU per year, paid by
the first agenda of each process).

Usage: python tools/lunar_table.py  (then run tests/unit/domain/test_dates.py,
which checks the table against lunar_python year by year)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lunar_python import LunarYear, Solar

FIRST, LAST = 1899, 2110  # covers the dates' years (1900-2100) and the years next to them
TARGET = Path(__file__).resolve().parent.parent / "desktop_crm" / "domain" / "lunar_table.py"


def year_row(lunar_year: int) -> tuple[int, int, int]:
    """(ordinal of the year's first day, its leap month or 0, a bit per month
    in order, set for a month of 30 days)."""
    first_day, leap, bits = 0, 0, 0
    months = [m for m in LunarYear.fromYear(lunar_year).getMonths() if m.getYear() == lunar_year]
    for n, m in enumerate(months):
        if n == 0:
            solar = Solar.fromJulianDay(m.getFirstJulianDay())
            first_day = date(solar.getYear(), solar.getMonth(), solar.getDay()).toordinal()
        if m.getMonth() < 0:
            leap = -m.getMonth()
        if m.getDayCount() == 30:
            bits |= 1 << n
    return first_day, leap, bits


def main() -> None:
    rows = [year_row(y) for y in range(FIRST, LAST + 1)]
    lines = [f"    ({o}, {leap}, 0x{bits:04x}),  # {FIRST + i}"
             for i, (o, leap, bits) in enumerate(rows)]
    TARGET.write_text(
        '"""The months of the lunar years FIRST..LAST, written by tools/lunar_table.py\n'
        "from lunar_python (do not edit): per year, the ordinal of its first\n"
        "Gregorian day, the month that has a leap month after it (0: none) and a bit\n"
        "per month in order (the leap month after its month), set for 30 days.\n"
        '"""\n\n'
        f"FIRST, LAST = {FIRST}, {LAST}\n\n"
        "YEARS: tuple[tuple[int, int, int], ...] = (\n" + "\n".join(lines) + "\n)\n",
        encoding="utf-8")
    print(f"wrote {TARGET} ({LAST - FIRST + 1} years)")


if __name__ == "__main__":
    main()
