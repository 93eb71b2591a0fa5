"""Churn warnings' pure parts (desktop_crm.domain.churn): the months a drop
compares, the drop in percent, a fallen grade, and the settings' JSON."""

from __future__ import annotations

from datetime import date

from desktop_crm.domain.churn import (
    ChurnSettings,
    drop_percent,
    grade_fell,
    month_starts,
    months_before,
)


def test_a_drop_compares_the_two_full_months_before():
    assert months_before(date(2026, 9, 1)) == (date(2026, 7, 1), date(2026, 8, 1))
    assert months_before(date(2026, 1, 1)) == (date(2025, 11, 1), date(2025, 12, 1))
    assert months_before(date(2026, 3, 1)) == (date(2026, 1, 1), date(2026, 2, 1))


def test_month_starts_in_a_window():
    assert month_starts(date(2026, 8, 21), date(2026, 9, 20)) == [date(2026, 9, 1)]
    assert month_starts(date(2026, 9, 1), date(2026, 9, 1)) == [date(2026, 9, 1)]
    assert month_starts(date(2026, 9, 2), date(2026, 9, 30)) == []
    assert month_starts(date(2026, 11, 15), date(2027, 2, 1)) == [
        date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]


def test_drop_percent_rounds_down_and_never_goes_negative():
    assert drop_percent(100_000, 60_000) == 40
    assert drop_percent(300_000, 200_001) == 33
    assert drop_percent(100_000, 0) == 100
    assert drop_percent(100_000, 150_000) == 0
    assert drop_percent(0, 0) == 0


def test_only_a_lower_grade_after_a_known_one_is_a_fall():
    assert grade_fell("A", "B") and grade_fell("B", "C")
    assert not grade_fell("C", "B") and not grade_fell("B", "B")
    assert not grade_fell(None, "C") and not grade_fell("A", None)


def test_settings_round_trip_and_bad_json_falls_back_to_defaults():
    wanted = ChurnSettings(30, 0, {"A": 0, "B": 45, "C": 180, "": 120}, 10)
    assert ChurnSettings.from_dict(wanted.to_dict()) == wanted
    assert wanted.to_dict()["no_order_days"]["unrated"] == 120
    assert ChurnSettings.from_dict({"drop_percent": "forty", "keep_days": True}) == \
        ChurnSettings()
    assert ChurnSettings.from_dict({"drop_percent": 500}) == ChurnSettings()  # invalid
    defaults = ChurnSettings()
    assert (defaults.drop_percent, defaults.drop_minimum, defaults.keep_days) == (40, 1000, 30)
    assert [defaults.no_order_limit(g) for g in ("A", "B", "C", None)] == [60, 90, 180, 120]
