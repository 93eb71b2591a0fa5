"""Evaluation scoring: the source's worked example, every grade boundary,
invalid schemes and inputs, and properties of the total."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_crm import i18n
from desktop_crm.domain.scoring import (
    COUNT,
    PERCENT,
    RATING,
    Criterion,
    Scheme,
    ScoringError,
    default_scheme,
    evaluate,
    grade_strategy,
    grade_title,
)

EXAMPLE = {"sales_attainment": 80, "cooperation": "good", "late_payments": 3,
           "information": "valuable"}


def test_worked_example_from_the_source_is_75_and_grade_b() -> None:
    r = evaluate(default_scheme(), EXAMPLE)
    assert r.total == 75.0
    assert r.grade == "B"
    assert r.points == {"sales_attainment": 80.0, "cooperation": 75.0, "late_payments": 40.0,
                        "information": 100.0}
    assert sum(r.contributions.values()) == pytest.approx(75.0)


def _single(weight_key: str = "sales_attainment") -> Scheme:
    return Scheme((Criterion(weight_key, 100, PERCENT),))


@pytest.mark.parametrize(("percent", "grade"), [
    (0, "C"), (59.9, "C"), (60, "B"), (79.9, "B"), (80, "A"), (100, "A"), (130, "A"),
])
def test_grade_boundaries(percent: float, grade: str) -> None:
    r = evaluate(_single(), {"sales_attainment": percent})
    assert r.grade == grade
    assert r.total == min(percent, 100)


def test_thresholds_are_editable() -> None:
    strict = Scheme(_single().criteria, threshold_a=90, threshold_b=70)
    assert evaluate(strict, {"sales_attainment": 85}).grade == "B"
    assert evaluate(strict, {"sales_attainment": 65}).grade == "C"


def test_percent_is_capped_and_late_payments_floor_at_zero() -> None:
    best = dict(EXAMPLE, sales_attainment=150, late_payments=0, cooperation="excellent")
    assert evaluate(default_scheme(), best).total == 100.0
    worst = {"sales_attainment": 0, "cooperation": "poor", "late_payments": 9,
             "information": "none"}
    r = evaluate(default_scheme(), worst)
    assert r.points["late_payments"] == 0.0
    assert r.grade == "C"


@pytest.mark.parametrize(("inputs", "message"), [
    (dict(EXAMPLE, sales_attainment=-5), "negative"),
    (dict(EXAMPLE, sales_attainment="abc"), "number"),
    (dict(EXAMPLE, sales_attainment=float("nan")), "number"),
    (dict(EXAMPLE, cooperation="brilliant"), "unknown rating"),
    (dict(EXAMPLE, late_payments=1.5), "whole number"),
    (dict(EXAMPLE, late_payments=-1), "negative"),
    ({k: v for k, v in EXAMPLE.items() if k != "information"}, "no value"),
    (dict(EXAMPLE, charm=5), "Unknown criteria"),
])
def test_invalid_inputs_are_refused_with_a_clear_message(inputs: dict, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        evaluate(default_scheme(), inputs)


@pytest.mark.parametrize(("scheme", "message"), [
    (Scheme((Criterion("a", 60, PERCENT), Criterion("b", 30, PERCENT))), "add up to 90"),
    (Scheme((Criterion("a", 100, PERCENT), Criterion("a", 0, PERCENT))), "only once"),
    (Scheme(()), "at least one"),
    (Scheme((Criterion("a", 120, PERCENT), Criterion("b", -20, PERCENT))), "negative"),
    (Scheme((Criterion("a", 100, RATING),)), "scale"),
    (Scheme((Criterion("a", 100, RATING, ratings=(("x", 150),)),)), "0-100"),
    (Scheme((Criterion("a", 100, PERCENT),), threshold_a=60, threshold_b=80), "Thresholds"),
    (Scheme((Criterion("a", 100, PERCENT),), threshold_a=101), "Thresholds"),
])
def test_invalid_schemes_are_refused(scheme: Scheme, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        scheme.check()
    with pytest.raises(ScoringError):
        evaluate(scheme, {})


def test_scheme_round_trips_through_a_dict() -> None:
    scheme = default_scheme()
    assert Scheme.from_dict(scheme.to_dict()) == scheme
    data = scheme.to_dict()
    data["criteria"][0]["weight"] = 10
    with pytest.raises(ScoringError, match="add up to 70"):
        Scheme.from_dict(data)


def test_messages_and_strategies_in_both_languages() -> None:
    assert "Key client" in grade_title("A")
    assert "visit often" in grade_strategy("B")
    i18n.set_language("zh")
    assert grade_title("A") == "重点客户"
    assert grade_title("B") == "有发展前途的客户"
    assert grade_title("C") == "一般客户"
    with pytest.raises(ScoringError, match="不能为负"):
        evaluate(default_scheme(), dict(EXAMPLE, sales_attainment=-1))


@given(
    sales=st.floats(min_value=0, max_value=1000, allow_nan=False),
    cooperation=st.sampled_from(["excellent", "good", "fair", "poor"]),
    late=st.integers(min_value=0, max_value=50),
    information=st.sampled_from(["valuable", "some", "none"]),
)
def test_total_is_between_0_and_100_and_grade_matches(sales: float, cooperation: str,
                                                      late: int, information: str) -> None:
    r = evaluate(default_scheme(), {"sales_attainment": sales, "cooperation": cooperation,
                                    "late_payments": late, "information": information})
    assert 0 <= r.total <= 100
    assert r.total == round(r.total, 1)
    expected = "A" if r.total >= 80 else "B" if r.total >= 60 else "C"
    assert r.grade == expected


@given(a=st.floats(0, 200, allow_nan=False), b=st.floats(0, 200, allow_nan=False),
       late=st.integers(0, 10))
def test_more_sales_never_lowers_the_score(a: float, b: float, late: int) -> None:
    low, high = sorted((a, b))
    base = dict(EXAMPLE, late_payments=late)
    r_low = evaluate(default_scheme(), dict(base, sales_attainment=low))
    r_high = evaluate(default_scheme(), dict(base, sales_attainment=high))
    assert r_high.total >= r_low.total


def test_more_late_payments_never_raise_the_score() -> None:
    totals = [evaluate(default_scheme(), dict(EXAMPLE, late_payments=n)).total
              for n in range(8)]
    assert totals == sorted(totals, reverse=True)
    assert default_scheme().criteria[2].kind == COUNT
