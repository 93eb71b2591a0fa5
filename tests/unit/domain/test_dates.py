"""Tests for recurring solar and lunar dates (desktop_crm.domain.dates)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lunar_python import Lunar, LunarMonth, LunarYear, Solar

from desktop_crm import i18n
from desktop_crm.domain import dates
from desktop_crm.domain.dates import (
    DateSpec,
    DateSpecError,
    lunar_day_labels,
    next_occurrence,
    occurrences_between,
    spec_key,
    stored_spec,
    years_at,
)


@pytest.fixture
def lang() -> Iterator[None]:
    try:
        yield
    finally:
        i18n.set_language("en")


def _solar(lunar: Lunar) -> date:
    solar = lunar.getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _lunar_of(value: date) -> Lunar:
    return Solar.fromYmd(value.year, value.month, value.day).getLunar()


def _month_days(lunar_year: int, month: int) -> int:
    days: int = LunarMonth.fromYm(lunar_year, month).getDayCount()
    return days


# -- next_occurrence: the public rules ------------------------------------------

def test_mid_autumn_2026() -> None:
    assert next_occurrence(DateSpec.lunar(month=8, day=15), after=date(2026, 1, 1)) == date(
        2026, 9, 25)


def test_mid_autumn_after_2026_is_in_2027() -> None:
    assert next_occurrence(DateSpec.lunar(8, 15), after=date(2026, 9, 26)) == date(2027, 9, 15)


def test_spring_festival_2026() -> None:
    assert next_occurrence(DateSpec.lunar(1, 1), after=date(2026, 1, 1)) == date(2026, 2, 17)


def test_on_or_after_returns_the_day_itself() -> None:
    assert next_occurrence(DateSpec.lunar(8, 15), after=date(2026, 9, 25)) == date(2026, 9, 25)
    assert next_occurrence(DateSpec.solar(3, 22), after=date(2026, 3, 22)) == date(2026, 3, 22)
    assert next_occurrence(DateSpec.solar(3, 22), after=date(2026, 3, 23)) == date(2027, 3, 22)


def test_29_february_in_common_and_leap_years() -> None:
    spec = DateSpec.solar(month=2, day=29)
    assert next_occurrence(spec, after=date(2026, 3, 1)) == date(2027, 2, 28)
    assert next_occurrence(spec, after=date(2027, 3, 1)) == date(2028, 2, 29)
    assert next_occurrence(spec, after=date(2028, 2, 29)) == date(2028, 2, 29)


def _a_29_day_month() -> tuple[int, int]:
    for year in range(2024, 2040):
        for month in range(1, 13):
            if _month_days(year, month) == 29:
                return year, month
    raise AssertionError("no 29-day lunar month found")


def test_lunar_day_30_in_a_29_day_month_falls_on_day_29() -> None:
    year, month = _a_29_day_month()
    expected = _solar(Lunar.fromYmd(year, month, 29))
    first_day = _solar(Lunar.fromYmd(year, month, 1))
    assert next_occurrence(DateSpec.lunar(month, 30), after=first_day) == expected


def test_lunar_day_30_in_a_30_day_month_is_day_30() -> None:
    for year in range(2024, 2040):
        for month in range(1, 13):
            if _month_days(year, month) == 30:
                first_day = _solar(Lunar.fromYmd(year, month, 1))
                expected = _solar(Lunar.fromYmd(year, month, 30))
                assert next_occurrence(DateSpec.lunar(month, 30), first_day) == expected
                return
    raise AssertionError("no 30-day lunar month found")


def test_leap_month_date_falls_in_the_leap_month_when_the_year_has_one() -> None:
    assert LunarYear.fromYear(2025).getLeapMonth() == 6
    spec = DateSpec.lunar(6, 10, leap=True)
    leap_day = _solar(Lunar.fromYmd(2025, -6, 10))
    ordinary_day = _solar(Lunar.fromYmd(2025, 6, 10))
    assert ordinary_day < leap_day
    # even from before the ordinary month, the leap-month date is the one
    assert next_occurrence(spec, after=date(2025, 1, 1)) == leap_day
    assert next_occurrence(spec, after=leap_day) == leap_day


def test_leap_month_date_falls_in_the_ordinary_month_otherwise() -> None:
    assert LunarYear.fromYear(2026).getLeapMonth() != 6
    spec = DateSpec.lunar(6, 10, leap=True)
    leap_day_2025 = _solar(Lunar.fromYmd(2025, -6, 10))
    expected = _solar(Lunar.fromYmd(2026, 6, 10))
    assert next_occurrence(spec, after=leap_day_2025 + timedelta(days=1)) == expected


def test_ordinary_month_date_ignores_the_leap_month() -> None:
    spec = DateSpec.lunar(6, 10)
    ordinary_day = _solar(Lunar.fromYmd(2025, 6, 10))
    assert next_occurrence(spec, after=date(2025, 1, 1)) == ordinary_day
    # after the ordinary 6/10 of 2025, the leap 6/10 does not count
    assert next_occurrence(spec, after=ordinary_day + timedelta(days=1)) == _solar(
        Lunar.fromYmd(2026, 6, 10))


def test_lunar_date_in_early_january_belongs_to_the_previous_lunar_year() -> None:
    # lunar 12/1 of lunar year 2025 is in January 2026
    expected = _solar(Lunar.fromYmd(2025, 12, 1))
    assert expected.year == 2026
    assert next_occurrence(DateSpec.lunar(12, 1), after=date(2026, 1, 1)) == expected


# -- next_occurrence: properties ------------------------------------------------

def _expected_in_lunar_year(spec: DateSpec, lunar_year: int) -> date:
    """The public rule (domain.dates docstring), written directly against lunar_python."""
    month = spec.month
    if spec.leap and LunarYear.fromYear(lunar_year).getLeapMonth() == spec.month:
        month = -spec.month
    day = min(spec.day, _month_days(lunar_year, month))
    return _solar(Lunar.fromYmd(lunar_year, month, day))


afters = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=200, deadline=None)
@given(month=st.integers(1, 12), day=st.integers(1, 30), leap=st.booleans(), after=afters)
def test_lunar_next_occurrence_properties(month: int, day: int, leap: bool, after: date) -> None:
    spec = DateSpec.lunar(month, day, leap=leap)
    result = next_occurrence(spec, after)
    assert after <= result < after + timedelta(days=400)
    lunar = _lunar_of(result)
    assert abs(lunar.getMonth()) == month
    assert lunar.getDay() == min(day, _month_days(lunar.getYear(), lunar.getMonth()))
    in_leap_month = leap and LunarYear.fromYear(lunar.getYear()).getLeapMonth() == month
    assert (lunar.getMonth() < 0) == in_leap_month
    assert result == _expected_in_lunar_year(spec, lunar.getYear())
    # it is the first one: the occurrence a lunar year earlier lies before `after`
    assert _expected_in_lunar_year(spec, lunar.getYear() - 1) < after


@settings(max_examples=200, deadline=None)
@given(month=st.integers(1, 12), day=st.integers(1, 31), after=afters)
def test_solar_next_occurrence_properties(month: int, day: int, after: date) -> None:
    if day > calendar.monthrange(2000, month)[1]:
        with pytest.raises(DateSpecError):
            DateSpec.solar(month, day)
        return
    result = next_occurrence(DateSpec.solar(month, day), after)
    assert after <= result < after + timedelta(days=367)
    assert result.month == month
    assert result.day == min(day, calendar.monthrange(result.year, month)[1])
    # the first one: the previous year's occurrence lies before `after`
    previous = date(result.year - 1, month, min(day, calendar.monthrange(result.year - 1,
                                                                         month)[1]))
    assert previous < after


# -- DateSpec validation --------------------------------------------------------

@pytest.mark.parametrize(
    "make",
    [
        lambda: DateSpec.solar(13, 1),
        lambda: DateSpec.solar(0, 1),
        lambda: DateSpec.lunar(13, 1),
        lambda: DateSpec.solar(4, 31),
        lambda: DateSpec.solar(1, 0),
        lambda: DateSpec.lunar(1, 31),
        lambda: DateSpec.lunar(1, 0),
        lambda: DateSpec.solar(2, 29, year=2026),
        lambda: DateSpec.solar(2, 30),
        lambda: DateSpec(calendar="solar", month=1, day=1, leap=True).check(),
        lambda: DateSpec.lunar(5, 1, leap=True, year=2025),  # 2025's leap month is 6
        lambda: DateSpec.solar(1, 1, year=1800),
        lambda: DateSpec(calendar="julian", month=1, day=1).check(),
    ],
    ids=["month13", "month0", "lunar-month13", "solar-4-31", "day0", "lunar-day31",
         "lunar-day0", "2-29-2026", "2-30", "leap-solar", "no-such-leap-month",
         "year-1800", "unknown-calendar"],
)
def test_impossible_dates_are_refused(make: object) -> None:
    with pytest.raises(DateSpecError) as info:
        make()  # type: ignore[operator]
    assert str(info.value)


def test_29_february_with_a_leap_year_or_no_year_is_valid() -> None:
    assert DateSpec.solar(2, 29, year=2024).original_date() == date(2024, 2, 29)
    assert DateSpec.solar(2, 29).original_date() is None


def test_lunar_day_30_with_a_year_needs_a_30_day_month() -> None:
    year, month = _a_29_day_month()
    with pytest.raises(DateSpecError):
        DateSpec.lunar(month, 30, year=year)
    assert DateSpec.lunar(month, 29, year=year).original_date() == _solar(
        Lunar.fromYmd(year, month, 29))


def test_leap_month_with_a_year_that_has_it() -> None:
    spec = DateSpec.lunar(6, 10, leap=True, year=2025)
    assert spec.original_date() == _solar(Lunar.fromYmd(2025, -6, 10))


def test_date_spec_error_is_a_value_error() -> None:
    assert issubclass(DateSpecError, ValueError)


def test_from_date() -> None:
    spec = DateSpec.from_date(date(1985, 3, 22))
    assert (spec.calendar, spec.month, spec.day, spec.year) == ("solar", 3, 22, 1985)
    assert not spec.is_lunar


# -- describe and years_at ---------------------------------------------------------

def test_describe_in_english(lang: None) -> None:
    i18n.set_language("en")
    assert DateSpec.solar(3, 22, year=1985).describe() == "1985-03-22"
    assert DateSpec.solar(3, 2).describe() == "03-02"
    assert DateSpec.lunar(4, 8, leap=True).describe() == "Lunar leap 4/8"
    assert DateSpec.lunar(8, 15, year=1990).describe() == "Lunar 8/15 (1990)"


def test_describe_in_chinese(lang: None) -> None:
    i18n.set_language("zh")
    assert DateSpec.lunar(4, 8, leap=True).describe() == "农历闰四月初八"
    assert DateSpec.lunar(1, 1).describe() == "农历正月初一"
    assert DateSpec.lunar(8, 15).describe() == "农历八月十五"
    assert DateSpec.lunar(11, 20).describe() == "农历冬月二十"
    assert DateSpec.lunar(12, 23).describe() == "农历腊月廿三"
    assert DateSpec.lunar(3, 30).describe() == "农历三月三十"
    assert DateSpec.lunar(3, 10).describe() == "农历三月初十"
    assert DateSpec.lunar(8, 15, year=1990).describe() == "1990年农历八月十五"
    assert DateSpec.solar(3, 22, year=1985).describe() == "1985-03-22"


def test_years_at() -> None:
    assert years_at(DateSpec.solar(3, 22), date(2026, 3, 22)) is None
    assert years_at(DateSpec.solar(3, 22, year=1985), date(2026, 3, 22)) == 41
    lunar = DateSpec.lunar(12, 1, year=1990)
    # lunar 12/1 of lunar year 2025 falls in January 2026: 35 lunar years, not 36
    occurrence = next_occurrence(lunar, date(2026, 1, 1))
    assert occurrence.year == 2026
    assert years_at(lunar, occurrence) == 35
    assert years_at(DateSpec.lunar(8, 15, year=1990), date(2026, 9, 25)) == 36


# occurrences_between: the window lookup the agenda uses must agree with
# next_occurrence for every kind of date.

specs = st.one_of(
    st.builds(
        lambda m, d: DateSpec.solar(m, min(d, calendar.monthrange(2024, m)[1])),
        st.integers(1, 12),
        st.integers(1, 31),
    ),
    st.builds(lambda m, d, leap: DateSpec.lunar(m, d, leap=leap),
              st.integers(1, 12), st.integers(1, 30), st.booleans()),
)


@settings(max_examples=150, deadline=None)
@given(spec=specs, start=afters, length=st.integers(0, 70))
def test_occurrences_between_agrees_with_next_occurrence(
    spec: DateSpec, start: date, length: int
) -> None:
    end = start + timedelta(days=length)
    expected = []
    day = start
    while (found := next_occurrence(spec, day)) <= end:
        expected.append(found)
        day = found + timedelta(days=1)
    got = sorted(d for d, _ in occurrences_between(start, end).get(spec_key(spec), []))
    assert got == expected


def test_occurrences_between_reports_the_lunar_year_for_ages() -> None:
    occ = occurrences_between(date(2026, 9, 20), date(2026, 9, 30))
    assert occ[("lunar", 8, 15, False)] == [(date(2026, 9, 25), 2026)]
    spring = occurrences_between(date(2026, 2, 10), date(2026, 2, 20))
    assert spring[("lunar", 1, 1, False)] == [(date(2026, 2, 17), 2026)]
    assert spring[("lunar", 12, 30, False)] == [(date(2026, 2, 16), 2025)]


@pytest.mark.parametrize("new_year", [date(1966, 1, 21), date(1985, 2, 20), date(2026, 2, 17),
                                      date(2027, 2, 6)])
def test_occurrences_between_reads_only_the_lunar_years_in_the_window(
        new_year: date, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows that begin or end around a lunar new year (the earliest, 21
    January 1966, and the latest, 20 February 1985) find the same dates as
    when every lunar year from the one before the window's first day is
    read, and a window wholly after 20 February reads one lunar year."""
    def window_dates(start: date, end: date) -> dict[object, list[tuple[date, int]]]:
        return {k: v for k, v in occurrences_between(start, end).items() if k[0] == "lunar"}

    windows = [(new_year + timedelta(days=shift), new_year + timedelta(days=shift + length))
               for shift in range(-40, 40, 3) for length in (0, 1, 30, 45)]
    narrowed = [window_dates(start, end) for start, end in windows]
    monkeypatch.setattr(dates, "_lunar_years",
                        lambda start, end: range(start.year - 1, end.year + 1))
    assert narrowed == [window_dates(start, end) for start, end in windows]
    assert narrowed[0] and all(narrowed)  # lunar dates in each window to compare
    monkeypatch.undo()
    dates._lunar_months.cache_clear()
    occurrences_between(date(2026, 10, 25), date(2026, 12, 8))  # a start's Today
    assert dates._lunar_months.cache_info().misses == 1


def test_occurrences_between_puts_29_february_on_28_february() -> None:
    occ = occurrences_between(date(2027, 2, 27), date(2027, 3, 1))
    assert occ[("solar", 2, 29, False)] == [(date(2027, 2, 28), 2027)]
    leap_year = occurrences_between(date(2028, 2, 27), date(2028, 3, 1))
    assert leap_year[("solar", 2, 29, False)] == [(date(2028, 2, 29), 2028)]


def test_lunar_day_labels(lang: None) -> None:
    i18n.set_language("zh")
    labels = lunar_day_labels(date(2026, 9, 10), date(2026, 9, 30))
    assert labels[date(2026, 9, 25)] == "十五"  # Mid-Autumn
    assert labels[date(2026, 9, 11)] == "八月"  # first day of the eighth month
    assert len(labels) == 21
    i18n.set_language("en")
    assert lunar_day_labels(date(2026, 9, 25), date(2026, 9, 25)) == {date(2026, 9, 25): "15"}
    # 2025 had a leap sixth month from 25 July
    assert lunar_day_labels(date(2025, 7, 25), date(2025, 7, 25)) == {date(2025, 7, 25): "L6+"}


@pytest.mark.parametrize("spec", [DateSpec.solar(2, 29, year=2012), DateSpec.solar(12, 31),
                                  DateSpec.lunar(6, 10, leap=True, year=2017),
                                  DateSpec.lunar(12, 30)])
def test_a_stored_spec_is_the_spec_it_was_stored_from(spec: DateSpec) -> None:
    """``stored_spec`` (the agenda's, without ``__init__``) is equal to the
    DateSpec, hashes alike, and behaves alike."""
    made = stored_spec(spec_key(spec), spec.year)
    assert made == spec and hash(made) == hash(spec) and repr(made) == repr(spec)
    assert made.describe() == spec.describe() and made.is_lunar == spec.is_lunar
    assert next_occurrence(made, date(2026, 11, 24)) == next_occurrence(spec, date(2026, 11, 24))
    with pytest.raises(AttributeError):
        made.day = 1  # type: ignore[misc]  # frozen, like any DateSpec
