"""The complaint workflow, deadlines and advice (desktop_crm.domain.complaint)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime

import pytest

from desktop_crm import i18n
from desktop_crm.domain.complaint import (
    TRANSITIONS,
    Complaint,
    ComplaintStatus,
    Temperament,
    TransitionError,
    a_bit_more,
    advice,
    age_text,
    check_transition,
    follow_up_due,
    follow_up_overdue,
    is_overdue,
    number_text,
    reply_due,
    reply_overdue,
    transition_label,
    validate_complaint,
)

S = ComplaintStatus
LEGAL = {
    (S.NEW, S.IN_PROGRESS), (S.IN_PROGRESS, S.RESOLVED), (S.RESOLVED, S.FOLLOWED_UP),
    (S.FOLLOWED_UP, S.CLOSED),
    # reopen
    (S.RESOLVED, S.IN_PROGRESS), (S.FOLLOWED_UP, S.IN_PROGRESS), (S.CLOSED, S.IN_PROGRESS),
}
RECEIVED = datetime(2026, 11, 24, 10, 30)


@pytest.fixture
def zh() -> Iterator[None]:
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
def test_every_legal_move_is_allowed(current: S, target: S) -> None:
    check_transition(current, target)
    assert target in TRANSITIONS[current]


ILLEGAL = sorted(set(itertools.product(S, S)) - LEGAL)


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_every_other_move_is_refused_with_a_clear_message(current: S, target: S) -> None:
    with pytest.raises(TransitionError) as info:
        check_transition(current, target)
    message = str(info.value)
    assert current.label in message and target.label in message


def test_the_message_lists_the_moves_that_are_allowed(zh: None) -> None:
    with pytest.raises(TransitionError) as info:
        check_transition(S.NEW, S.CLOSED)
    assert str(info.value) == "状态为“新登记”的投诉不能变为“已关闭”；只能变为：处理中"


def test_button_texts() -> None:
    assert transition_label(S.NEW, S.IN_PROGRESS) == "Start handling"
    assert transition_label(S.CLOSED, S.IN_PROGRESS) == "Reopen"
    assert transition_label(S.RESOLVED, S.FOLLOWED_UP) == "Followed up"


def test_reply_is_due_the_same_day_or_within_the_configured_hours() -> None:
    assert reply_due(RECEIVED) == datetime(2026, 11, 24, 23, 59, 59)
    assert reply_due(RECEIVED, 4) == datetime(2026, 11, 24, 14, 30)
    late = Complaint(1, RECEIVED, "坏了")
    assert not reply_overdue(late, datetime(2026, 11, 24, 23, 0))
    assert reply_overdue(late, datetime(2026, 11, 25, 0, 0))
    assert reply_overdue(late, datetime(2026, 11, 24, 15, 0), reply_hours=4)
    late.first_reply_at = datetime(2026, 11, 24, 13, 0)
    assert not reply_overdue(late, datetime(2026, 12, 30), reply_hours=4)


def test_follow_up_is_due_within_seven_days_of_resolution() -> None:
    resolved = Complaint(1, RECEIVED, "坏了", status=S.RESOLVED,
                         first_reply_at=RECEIVED, resolved_at=datetime(2026, 11, 25, 17, 0))
    assert follow_up_due(resolved.resolved_at) == date(2026, 12, 2)  # type: ignore[arg-type]
    assert not follow_up_overdue(resolved, datetime(2026, 12, 2, 23, 0))
    assert follow_up_overdue(resolved, datetime(2026, 12, 3, 8, 0))
    assert is_overdue(resolved, datetime(2026, 12, 3, 8, 0))
    resolved.status = S.FOLLOWED_UP
    assert not is_overdue(resolved, datetime(2026, 12, 30))


def test_a_new_complaint_is_overdue_after_its_day_without_a_reply() -> None:
    new = Complaint(1, RECEIVED, "坏了")
    assert not is_overdue(new, datetime(2026, 11, 24, 22, 0))
    assert is_overdue(new, datetime(2026, 11, 25, 9, 0))
    new.status, new.first_reply_at = S.IN_PROGRESS, datetime(2026, 11, 25, 9, 0)
    assert not is_overdue(new, datetime(2026, 11, 26, 9, 0))


def test_validation_names_each_field() -> None:
    bad = Complaint(1, datetime(2026, 12, 1), "  ", escalation=4, compensation=-1,
                    satisfaction=6)
    fields = [e.field for e in validate_complaint(bad, RECEIVED)]
    assert fields == ["words", "received_at", "escalation", "compensation", "satisfaction"]
    assert validate_complaint(Complaint(1, RECEIVED, "坏了"), RECEIVED) == []


def test_advice_for_every_temperament_in_both_languages(zh: None) -> None:
    assert advice(Temperament.ANGRY).startswith("表示同情")
    assert len(a_bit_more()) == 7 and a_bit_more()[0] == "多一点耐心"
    i18n.set_language("en")
    for temperament in Temperament:
        assert advice(temperament)
    assert "reply the same day" in a_bit_more()[2]


def test_numbers_and_ages() -> None:
    assert number_text(2026, 1) == "TS-2026-0001"
    assert number_text(2026, 12345) == "TS-2026-12345"
    c = Complaint(1, RECEIVED, "坏了")
    assert age_text(c, datetime(2026, 11, 24, 15, 0)) == "4 h"
    assert age_text(c, datetime(2026, 11, 27, 11, 0)) == "3 d"
