"""Recurring dates on the Gregorian or the Chinese lunar calendar.

Public API (stable: tests and outside checks import it)::

    DateSpec.solar(month, day, year=None)
    DateSpec.lunar(month, day, leap=False, year=None)
    next_occurrence(spec, after) -> date   # first Gregorian date on or after `after`

Rules: 29 February falls on 28 February in common years; a lunar day 30 in a
29-day month falls on day 29; a leap-month date falls in the leap month when
the year has one, else in the ordinary month. Lunar conversion is done by
lunar_python, never by tables of our own.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise

from lunar_python import LunarYear, Solar

from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import _, language

SOLAR = "solar"
LUNAR = "lunar"

_CN_MONTHS = ["正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"]
_CN_DIGITS = "一二三四五六七八九十"


class DateSpecError(ValueError, CrmError):
    """A month/day/year combination that does not exist."""


@dataclass(frozen=True)
class DateSpec:
    """A month and day, optionally with a year, on one of the two calendars."""

    calendar: str
    month: int
    day: int
    year: int | None = None
    leap: bool = False

    @classmethod
    def solar(cls, month: int, day: int, year: int | None = None) -> DateSpec:
        spec = cls(SOLAR, month, day, year, False)
        spec.check()
        return spec

    @classmethod
    def lunar(cls, month: int, day: int, leap: bool = False, year: int | None = None) -> DateSpec:
        spec = cls(LUNAR, month, day, year, leap)
        spec.check()
        return spec

    @classmethod
    def from_date(cls, value: date) -> DateSpec:
        return cls.solar(value.month, value.day, value.year)

    @property
    def is_lunar(self) -> bool:
        return self.calendar == LUNAR

    def check(self) -> None:
        """Raise DateSpecError (with a translated message) if the date cannot exist."""
        if self.calendar not in (SOLAR, LUNAR):
            raise DateSpecError(_("Unknown calendar {name}", name=self.calendar))
        if not 1 <= self.month <= 12:
            raise DateSpecError(_("Month must be between 1 and 12"))
        if self.year is not None and not 1900 <= self.year <= 2100:
            raise DateSpecError(_("Year must be between 1900 and 2100"))
        if self.calendar == SOLAR:
            if self.leap:
                raise DateSpecError(_("Only lunar dates have leap months"))
            days = calendar.monthrange(self.year or 2000, self.month)[1]
            if not 1 <= self.day <= days:
                raise DateSpecError(
                    _("{month}/{day} is not a date", month=self.month, day=self.day)
                )
            return
        if not 1 <= self.day <= 30:
            raise DateSpecError(_("A lunar day must be between 1 and 30"))
        if self.year is not None:
            if self.leap and _leap_month(self.year) != self.month:
                raise DateSpecError(
                    _("Lunar year {year} has no leap month {month}", year=self.year,
                      month=self.month)
                )
            if self.day > _lunar_month_days(self.year, self._lunar_month(self.year)):
                raise DateSpecError(
                    _("That lunar month has only 29 days")
                )

    def _lunar_month(self, lunar_year: int) -> int:
        """lunar_python's month number in `lunar_year`: negative for a leap month."""
        if self.leap and _leap_month(lunar_year) == self.month:
            return -self.month
        return self.month

    def in_lunar_year(self, lunar_year: int) -> date:
        """The Gregorian date of this lunar month/day in the given lunar year."""
        month = self._lunar_month(lunar_year)
        for signed, first, count in _lunar_months(lunar_year):
            if signed == month:
                return first + timedelta(days=min(self.day, count) - 1)
        raise AssertionError(f"lunar year {lunar_year} has no month {month}")

    def in_solar_year(self, year: int) -> date:
        day = min(self.day, calendar.monthrange(year, self.month)[1])
        return date(year, self.month, day)

    def original_date(self) -> date | None:
        """The first occurrence, when the year is known."""
        if self.year is None:
            return None
        return self.in_lunar_year(self.year) if self.is_lunar else self.in_solar_year(self.year)

    def describe(self) -> str:
        """Human text: ``1985-03-22``, ``03-22``, ``农历闰四月初八`` / ``Lunar leap 4/8``."""
        if not self.is_lunar:
            md = f"{self.month:02d}-{self.day:02d}"
            return f"{self.year}-{md}" if self.year else md
        if language() == "zh":
            text = "农历" + lunar_month_name(self.month, self.leap) + _cn_lunar_day(self.day)
            return f"{self.year}年{text}" if self.year else text
        text = "Lunar " + ("leap " if self.leap else "") + f"{self.month}/{self.day}"
        return f"{text} ({self.year})" if self.year else text


def lunar_month_name(month: int, leap: bool = False) -> str:
    """A lunar month the traditional way: ``正月``, ``八月``, ``冬月``, ``腊月``, ``闰四月``."""
    return ("闰" if leap else "") + _CN_MONTHS[month - 1] + "月"


def lunar_day_name(day: int) -> str:
    """A lunar day the traditional way: ``初一``, ``十五``, ``廿三``, ``三十``."""
    return _cn_lunar_day(day)


def lunar_month_number(text: str) -> int | None:
    """1-12 from ``正月``, ``八月``, ``冬月``, ``腊月``, ``十一`` or digits (``闰`` ignored)."""
    text = text.strip().removeprefix("闰").removesuffix("月")
    if text.isdigit():
        return int(text)
    return _LUNAR_MONTH_NAMES.get(text)


def lunar_day_number(text: str) -> int | None:
    """1-30 from ``初一``, ``十五``, ``廿三``, ``卅`` or digits."""
    text = text.strip().removesuffix("日")
    return _cn_number(text) if text else None


def _cn_lunar_day(day: int) -> str:
    if day == 10:
        return "初十"
    if day == 20:
        return "二十"
    if day == 30:
        return "三十"
    tens, units = divmod(day, 10)
    prefix = ["初", "十", "廿"][tens]
    return prefix + _CN_DIGITS[units - 1]


def _lunar_month_days(lunar_year: int, month: int) -> int:
    """Days in lunar_python's month ``month`` (negative: leap) of ``lunar_year``."""
    for signed, _first, count in _lunar_months(lunar_year):
        if signed == month:
            return count
    raise AssertionError(f"lunar year {lunar_year} has no month {month}")


def _leap_month(lunar_year: int) -> int:
    """The month that has a leap month in ``lunar_year``, 0 when none has."""
    return next((-m for m, _first, _n in _lunar_months(lunar_year) if m < 0), 0)


def lunar_year_of(value: date) -> int:
    """The lunar year ``value`` falls in (it begins between 21 January and 20
    February of the Gregorian year of the same number)."""
    return value.year if value >= _lunar_months(value.year)[0][1] else value.year - 1


def next_occurrence(spec: DateSpec, after: date) -> date:
    """First Gregorian date on or after ``after`` on which ``spec`` falls."""
    if spec.is_lunar:
        # The lunar year that contains `after` began in the previous Gregorian year
        # or this one, so three consecutive lunar years always cover the answer.
        start = lunar_year_of(after)
        for lunar_year in (start, start + 1, start + 2):
            candidate = spec.in_lunar_year(lunar_year)
            if candidate >= after:
                return candidate
        raise AssertionError("unreachable: a lunar date recurs every year")
    candidate = spec.in_solar_year(after.year)
    return candidate if candidate >= after else spec.in_solar_year(after.year + 1)


def years_at(spec: DateSpec, occurrence: date) -> int | None:
    """Age or anniversary number at ``occurrence`` when the year is known."""
    if spec.year is None:
        return None
    if spec.is_lunar:
        return lunar_year_of(occurrence) - spec.year
    return occurrence.year - spec.year


# A recurring date's identity without its year: (calendar, month, day, leap).
SpecKey = tuple[str, int, int, bool]


def spec_key(spec: DateSpec) -> SpecKey:
    return (spec.calendar, spec.month, spec.day, spec.leap)


_new_object, _set = object.__new__, object.__setattr__


def stored_spec(key: SpecKey, year: int | None) -> DateSpec:
    """The DateSpec of a stored date found by its ``key`` (calendar, month,
    day, leap) and ``year``: equal to ``DateSpec(*key[:3], year, key[3])``,
    made without the frozen dataclass's ``__init__`` (a call per field) and
    without ``check()`` (a stored date was checked when saved): the agenda
    makes one per yearly date in its window, thousands."""
    spec = _new_object(DateSpec)
    _set(spec, "__dict__", {"calendar": key[0], "month": key[1], "day": key[2], "year": year,
                            "leap": key[3]})
    return spec


def occurrences_between(start: date, end: date) -> dict[SpecKey, list[tuple[date, int]]]:
    """Every recurring month/day that falls in ``start``..``end`` (inclusive).

    Maps each key that occurs to its (Gregorian date, year) pairs, where year is
    the Gregorian year for solar keys and the lunar year for lunar keys (for
    ages and anniversaries). Applies the same rules as ``next_occurrence``, so a
    database can find every date in a window by looking keys up, without
    converting any stored date. Lunar months come from a per-year cache, so a
    window costs a few dictionary inserts per day.
    """
    result: dict[SpecKey, list[tuple[date, int]]] = {}

    def add(key: SpecKey, day: date, year: int) -> None:
        result.setdefault(key, []).append((day, year))

    day = start
    one = timedelta(days=1)
    while day <= end:
        add((SOLAR, day.month, day.day, False), day, day.year)
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            add((SOLAR, 2, 29, False), day, day.year)
        day += one
    for year in _lunar_years(start, end):
        months = _lunar_months(year)
        leap_month = next((-m for m, _first, _n in months if m < 0), 0)
        for signed, first, count in months:
            month = abs(signed)
            if first > end or first + timedelta(days=count - 1) < start:
                continue
            for mday in range(1, count + 1):
                day = first + timedelta(days=mday - 1)
                if not start <= day <= end:
                    continue
                days = [29, 30] if mday == 29 == count else [mday]
                for d in days:
                    if signed < 0:
                        add((LUNAR, month, d, True), day, year)
                    else:
                        add((LUNAR, month, d, False), day, year)
                        if leap_month != month:
                            add((LUNAR, month, d, True), day, year)
    return result


def _lunar_years(start: date, end: date) -> range:
    """The lunar years that may have days in ``start``..``end``. Lunar year Y
    begins between 21 January and 20 February of Gregorian year Y, so the
    year before ``start``'s is over by then, and ``end``'s has not begun
    before: each lunar year's months cost lunar_python a few milliseconds
    (a start's Today reads one year, not two, from late February on)."""
    first = start.year - 1 if start < date(start.year, 2, 21) else start.year
    last = end.year if end >= date(end.year, 1, 21) else end.year - 1
    return range(first, last + 1)


LunarMonths = tuple[tuple[int, date, int], ...]

# lunar year -> its months as lunar_python gave them before, in this process
# or another (``remember_lunar_months``), and those it computed here
_REMEMBERED: dict[int, LunarMonths] = {}
_COMPUTED: dict[int, LunarMonths] = {}


@lru_cache(maxsize=256)
def _lunar_months(lunar_year: int) -> LunarMonths:
    """The months of a lunar year: (month, negative for the leap month; first
    Gregorian day; number of days). lunar_python computes a year's solar
    terms and new moons for them, about 5 ms of CPU: once per process, or
    not at all when they were remembered (``remember_lunar_months``)."""
    remembered = _REMEMBERED.get(lunar_year)
    if remembered is not None:
        return remembered
    months = []
    for m in LunarYear.fromYear(lunar_year).getMonths():
        if m.getYear() == lunar_year:
            first = Solar.fromJulianDay(m.getFirstJulianDay())
            months.append((m.getMonth(), date(first.getYear(), first.getMonth(), first.getDay()),
                           m.getDayCount()))
    _COMPUTED[lunar_year] = found = tuple(months)
    return found


def lunar_months_computed() -> dict[int, LunarMonths]:
    """The lunar years whose months lunar_python computed in this process
    (``_lunar_months``' form): what a cache of them may keep."""
    return dict(_COMPUTED)


def remember_lunar_months(years: Mapping[int, LunarMonths]) -> None:
    """Take the months of ``years`` as lunar_python gave them (in another
    process: services/lunar_cache.py) instead of computing them again.
    Each year's must be whole and in order (``lunar_months_problem``)."""
    for year, months in years.items():
        problem = lunar_months_problem(months)
        if problem:
            raise ValueError(f"lunar year {year}: {problem}")
    _REMEMBERED.update(years)


def lunar_months_problem(months: LunarMonths) -> str:
    """What is wrong with a lunar year's months, "" when nothing: 12 or 13
    months of 29 or 30 days, one after another, numbered 1 to 12 with at
    most one leap month (negative) right after its month."""
    if len(months) not in (12, 13):
        return "not 12 or 13 months"
    numbers = [abs(m) for m, _first, _n in months]
    if sorted(set(numbers)) != list(range(1, 13)) or numbers != sorted(numbers):
        return "not the months 1 to 12 in order"
    leaps = [i for i, (m, _f, _n) in enumerate(months) if m < 0]
    if len(months) - 12 != len(leaps) or any(i == 0 or months[i - 1][0] != -months[i][0]
                                            for i in leaps):
        return "a leap month not right after its month"
    for (_m, first, count), (_next, after, _n) in pairwise(months):
        if count not in (29, 30) or first + timedelta(days=count) != after:
            return "months not one after another"
    if months[-1][2] not in (29, 30):
        return "a month not of 29 or 30 days"
    return ""


def lunar_date_text(value: date) -> str:
    """The lunar date of ``value`` in words: ``农历冬月廿四`` / ``Lunar 11/24``."""
    lunar = Solar.fromYmd(value.year, value.month, value.day).getLunar()
    month = lunar.getMonth()
    return DateSpec.lunar(abs(month), lunar.getDay(), leap=month < 0).describe()


def lunar_day_labels(start: date, end: date) -> dict[date, str]:
    """Short lunar labels for a month view: the month on its first day
    (``八月`` / ``L8``, ``闰六月`` / ``L6+``), else the day (``十五`` / ``15``)."""
    labels: dict[date, str] = {}
    zh = language() == "zh"
    for year in _lunar_years(start, end):
        for signed, first, count in _lunar_months(year):
            for mday in range(1, count + 1):
                day = first + timedelta(days=mday - 1)
                if not start <= day <= end:
                    continue
                month = abs(signed)
                if mday == 1:
                    labels[day] = (("闰" if signed < 0 else "") + _CN_MONTHS[month - 1] + "月"
                                   if zh else f"L{month}" + ("+" if signed < 0 else ""))
                else:
                    labels[day] = _cn_lunar_day(mday) if zh else str(mday)
    return labels


_LUNAR_MONTH_NAMES = {"正": 1, "冬": 11, "腊": 12, "十一": 11, "十二": 12, "一": 1, "二": 2,
                      "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _cn_number(text: str) -> int | None:
    """1-30 written as 初一..初十, 十一..十九, 二十, 廿一.., 三十, 卅 or digits."""
    if text.isdigit():
        return int(text)
    text = text.removeprefix("初")
    text = text.replace("廿", "二十").replace("卅", "三十")
    digits = {ch: i + 1 for i, ch in enumerate(_CN_DIGITS[:9])}
    if text == "十":
        return 10
    if text.startswith("十"):
        rest = text[1:]
        return 10 + digits[rest] if rest in digits else None
    if len(text) >= 2 and text[1] == "十" and text[0] in digits:
        tens = digits[text[0]] * 10
        rest = text[2:]
        if not rest:
            return tens
        return tens + digits[rest] if rest in digits else None
    return digits.get(text)


def parse_lunar(text: str) -> DateSpec | None:
    """``农历八月十五``, ``农历1980年闰四月初八``, ``1980年农历8月15日``,
    ``阴历腊月廿三``: a lunar DateSpec, or None when ``text`` is not one.
    Raises DateSpecError when it names a lunar date that cannot exist.
    Also reads what ``DateSpec.describe`` writes in English: ``Lunar leap 4/8 (2020)``."""
    english = re.match(r"^lunar\s+(leap\s+)?(\d{1,2})/(\d{1,2})(?:\s*\((\d{4})\))?$",
                       text.strip(), re.IGNORECASE)
    if english:
        year = int(english.group(4)) if english.group(4) else None
        return DateSpec.lunar(int(english.group(2)), int(english.group(3)),
                              leap=bool(english.group(1)), year=year)
    m = re.match(r"^(?:(\d{4})年)?\s*(?:农历|阴历|旧历)\s*(?:(\d{4})年)?\s*(闰)?"
                 r"([正冬腊一二三四五六七八九十]{1,2}|\d{1,2})月\s*"
                 r"([初十廿卅一二三四五六七八九]{1,3}|\d{1,2})[日号]?$", text.strip())
    if not m:
        return None
    year_text = m.group(1) or m.group(2)
    month_text = m.group(4)
    month = int(month_text) if month_text.isdigit() else _LUNAR_MONTH_NAMES.get(month_text)
    day = _cn_number(m.group(5))
    if month is None or day is None:
        return None
    return DateSpec.lunar(month, day, leap=bool(m.group(3)),
                          year=int(year_text) if year_text else None)
