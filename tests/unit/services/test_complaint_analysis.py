"""Complaint analysis: every figure of ``summarise`` on hand-built complaints,
the preset periods and texts, and ``analyse`` over a real SQLite file with
complaints moved through the workflow by a fixed clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from desktop_crm import i18n
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.complaint import (
    Complaint,
    ComplaintCategory,
    ComplaintCause,
    ComplaintStatus,
)
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaint_analysis import (
    ComplaintAnalysis,
    Improvement,
    ParetoRow,
    RepeatComplainer,
    analyse,
    cause_label,
    department_label,
    hours_text,
    month_keys,
    period_range,
    share_text,
    summarise,
)
from desktop_crm.services.complaints import ComplaintService
from tests.conftest import Clock

NOW = datetime(2026, 11, 24, 9, 30)
S = ComplaintStatus


def _c(received: datetime, client_id: int = 1, **fields: object) -> Complaint:
    return Complaint(client_id=client_id, received_at=received, words="…", **fields)  # type: ignore[arg-type]


# -- summarise ---------------------------------------------------------------------

def test_no_complaints_gives_zeros_and_no_averages() -> None:
    a = summarise([], None, NOW)
    assert a.total == 0
    assert a.by_category == dict.fromkeys([c.value for c in ComplaintCategory], 0)
    assert a.by_department == {}
    assert a.by_month == {}  # all time and nothing received: no months to show
    assert a.pareto == []
    assert a.avg_hours_to_first_reply is None and a.avg_hours_to_resolution is None
    assert a.share_replied_same_day is None and a.share_followed_up_within_7_days is None
    assert a.avg_satisfaction is None and a.satisfaction_count == 0
    assert a.repeat_complainers == [] and a.improvements == []


def test_an_empty_period_still_lists_its_months() -> None:
    a = summarise([], None, NOW, since=date(2026, 9, 1), until=date(2026, 11, 24))
    assert a.by_month == {"2026-09": 0, "2026-10": 0, "2026-11": 0}


def test_counts_by_category_department_and_month_include_zeros() -> None:
    complaints = [
        _c(datetime(2026, 7, 3, 10), category=ComplaintCategory.DEFECT, department="生产部"),
        _c(datetime(2026, 7, 20, 10), category=ComplaintCategory.DEFECT, department="生产部"),
        _c(datetime(2026, 10, 1, 10), category=ComplaintCategory.BILLING, department=""),
        _c(datetime(2026, 10, 9, 10), category=ComplaintCategory.BILLING, department="财务部"),
        _c(datetime(2026, 10, 9, 11), category=ComplaintCategory.BILLING, department="财务部"),
    ]
    a = summarise(complaints, None, NOW, since=date(2026, 6, 15), until=date(2026, 11, 24))
    assert a.total == 5
    assert list(a.by_category) == [c.value for c in ComplaintCategory]  # the enum's order
    assert a.by_category["defect"] == 2 and a.by_category["billing"] == 3
    assert sum(a.by_category.values()) == 5 and a.by_category["packaging"] == 0
    # most first, ties by name, unassigned last among equals
    assert a.by_department == {"财务部": 2, "生产部": 2, "": 1}
    assert a.by_month == {"2026-06": 0, "2026-07": 2, "2026-08": 0, "2026-09": 0,
                          "2026-10": 3, "2026-11": 0}


def test_months_without_a_period_run_from_the_first_complaint_to_now() -> None:
    a = summarise([_c(datetime(2025, 12, 30, 9))], None, NOW)
    assert list(a.by_month) == ["2025-12", *[f"2026-{m:02d}" for m in range(1, 12)]]
    assert a.by_month["2025-12"] == 1 and sum(a.by_month.values()) == 1


def test_month_keys_cross_the_year() -> None:
    assert month_keys(date(2026, 11, 30), date(2027, 2, 1)) == [
        "2026-11", "2026-12", "2027-01", "2027-02"]
    assert month_keys(date(2026, 3, 1), date(2026, 2, 1)) == []


def test_average_times_to_first_reply_and_resolution() -> None:
    r = datetime(2026, 11, 2, 9, 0)
    complaints = [
        _c(r, first_reply_at=r + timedelta(hours=2), resolved_at=r + timedelta(hours=30)),
        _c(r, first_reply_at=r + timedelta(hours=5)),
        _c(r),  # no reply yet: not part of the average
    ]
    a = summarise(complaints, None, NOW)
    assert a.avg_hours_to_first_reply == pytest.approx(3.5)
    assert a.avg_hours_to_resolution == pytest.approx(30.0)


def test_share_replied_the_same_day() -> None:
    day = datetime(2026, 11, 20, 9, 0)
    complaints = [
        _c(day, first_reply_at=day.replace(hour=23, minute=59)),  # same day: in time
        _c(day, first_reply_at=day + timedelta(days=1)),  # next day: late
        _c(day),  # never replied, the day is over: late
        _c(NOW - timedelta(hours=1)),  # arrived today, the day is not over: not counted yet
    ]
    a = summarise(complaints, None, NOW)
    assert (a.replied_in_time, a.reply_counted) == (1, 3)
    assert a.share_replied_same_day == pytest.approx(1 / 3)


def test_share_replied_in_time_uses_the_reply_hours_target() -> None:
    day = datetime(2026, 11, 20, 9, 0)
    complaints = [
        _c(day, first_reply_at=day + timedelta(hours=3)),  # in time either way
        _c(day, first_reply_at=day + timedelta(hours=6)),  # same day, but over 4 hours
        _c(NOW - timedelta(hours=5)),  # 4 hours passed, no reply: late
        _c(NOW - timedelta(hours=1)),  # still inside its 4 hours: not counted
    ]
    same_day = summarise(complaints, None, NOW)
    assert (same_day.replied_in_time, same_day.reply_counted) == (2, 2)
    four_hours = summarise(complaints, 4, NOW)
    assert (four_hours.replied_in_time, four_hours.reply_counted) == (1, 3)
    assert four_hours.reply_hours == 4


def test_follow_up_within_seven_days() -> None:
    r = datetime(2026, 11, 1, 9, 0)
    resolved = datetime(2026, 11, 2, 16, 0)
    complaints = [
        # on the seventh day after the resolution: in time
        _c(r, resolved_at=resolved, followed_up_at=datetime(2026, 11, 9, 18, 0),
           status=S.FOLLOWED_UP),
        # on the eighth day: late
        _c(r, resolved_at=resolved, followed_up_at=datetime(2026, 11, 10, 8, 0),
           status=S.CLOSED, closed_at=datetime(2026, 11, 10, 9, 0)),
        # still waiting, past its seven days: counts as not within
        _c(r, resolved_at=resolved, status=S.RESOLVED),
        # still waiting, resolved yesterday: not due, not counted
        _c(r, resolved_at=NOW - timedelta(days=1), status=S.RESOLVED),
        # never resolved: not counted
        _c(r, status=S.IN_PROGRESS, first_reply_at=r),
    ]
    a = summarise(complaints, None, NOW)
    assert (a.followed_up_in_time, a.follow_up_counted) == (1, 3)
    assert a.share_followed_up_within_7_days == pytest.approx(1 / 3)


def test_average_satisfaction_of_complainants_who_gave_one() -> None:
    r = datetime(2026, 11, 1, 9, 0)
    a = summarise([_c(r, satisfaction=5), _c(r, satisfaction=2), _c(r)], None, NOW)
    assert a.avg_satisfaction == pytest.approx(3.5)
    assert a.satisfaction_count == 2


def test_repeat_complainers_have_two_or_more_most_first() -> None:
    r = datetime(2026, 11, 1, 9, 0)
    complaints = [
        _c(r, client_id=7, client="李娜"),
        _c(r, client_id=3, client="John Smith"),
        _c(r, client_id=7, client="李娜"),
        _c(r, client_id=9, client="王芳"),
        _c(r, client_id=7, client="李娜"),
        _c(r, client_id=3, client="John Smith"),
        _c(r, client_id=4, client="Anna"),
        _c(r, client_id=4, client="Anna"),
    ]
    a = summarise(complaints, None, NOW)
    assert a.repeat_complainers == [RepeatComplainer(7, "李娜", 3),
                                    RepeatComplainer(4, "Anna", 2),
                                    RepeatComplainer(3, "John Smith", 2)]


def test_improvement_actions_newest_first_without_empty_ones() -> None:
    complaints = [
        _c(datetime(2026, 9, 1, 9), number="TS-2026-0001", improvement="  加强出厂检验 ", id=1),
        _c(datetime(2026, 10, 1, 9), number="TS-2026-0002", improvement="   ", id=2),
        _c(datetime(2026, 11, 1, 9), number="TS-2026-0003", improvement="Train the drivers",
           category=ComplaintCategory.DELIVERY, id=3),
    ]
    a = summarise(complaints, None, NOW)
    assert a.improvements == [
        Improvement("TS-2026-0003", date(2026, 11, 1), ComplaintCategory.DELIVERY,
                    "Train the drivers", 3),
        Improvement("TS-2026-0001", date(2026, 9, 1), ComplaintCategory.OTHER, "加强出厂检验", 1),
    ]


def test_pareto_of_cause_by_department() -> None:
    r = datetime(2026, 11, 1, 9, 0)
    P, SV = ComplaintCause.PRODUCT, ComplaintCause.SERVICE
    complaints = (
        [_c(r, department="生产部", cause=P)] * 5
        + [_c(r, department="客服部", cause=SV)] * 3
        + [_c(r, department="生产部", cause=SV)]
        + [_c(r, department="")]  # neither department nor cause
    )
    a = summarise(complaints, None, NOW)
    assert [(p.department, p.cause, p.complaints) for p in a.pareto] == [
        ("生产部", "product", 5), ("客服部", "service", 3), ("", "", 1), ("生产部", "service", 1)]
    assert [p.cumulative_share for p in a.pareto] == pytest.approx([0.5, 0.8, 0.9, 1.0])
    assert a.pareto[-1].cumulative_share == 1.0  # exactly
    counts = [p.complaints for p in a.pareto]
    assert counts == sorted(counts, reverse=True)
    assert isinstance(a.pareto[0], ParetoRow) and a.pareto[0] == ("生产部", "product", 5, 0.5)


def test_negative_times_from_a_back_dated_reply_count_as_zero() -> None:
    r = datetime(2026, 11, 2, 9, 0)
    a = summarise([_c(r, first_reply_at=r - timedelta(hours=1))], None, NOW)
    assert a.avg_hours_to_first_reply == 0.0


def test_summarise_is_linear_enough_for_many_complaints() -> None:
    r = datetime(2024, 1, 1, 9, 0)
    complaints = [_c(r + timedelta(hours=7 * i), client_id=i % 500,
                     department=f"D{i % 20}", cause=ComplaintCause.PRODUCT,
                     first_reply_at=r + timedelta(hours=7 * i + 1))
                  for i in range(20_000)]
    a = summarise(complaints, None, NOW)
    assert a.total == 20_000 and sum(a.by_month.values()) == 20_000
    assert len(a.repeat_complainers) == 500 and len(a.pareto) == 20
    assert a.avg_hours_to_first_reply == pytest.approx(1.0)


# -- periods and texts -------------------------------------------------------------

def test_preset_periods() -> None:
    today = date(2026, 2, 14)
    assert period_range("this_month", today) == (date(2026, 2, 1), today)
    assert period_range("last_3_months", today) == (date(2025, 12, 1), today)
    assert period_range("this_year", today) == (date(2026, 1, 1), today)
    assert period_range("all", today) == (None, None)
    with pytest.raises(ValueError):
        period_range("custom", today)


def test_texts_in_both_languages() -> None:
    assert hours_text(None) == "—"
    assert hours_text(4.25) == "4.2 h"
    assert hours_text(36) == "1.5 d"
    assert share_text(2, 3) == "67% (2/3)"
    assert share_text(0, 0) == "—"
    assert department_label("") == "Unassigned" and department_label("财务部") == "财务部"
    assert cause_label("service") == "Service"
    assert cause_label("") == "Cause not classified"
    i18n.set_language("zh")
    assert hours_text(4.25) == "4.2 小时"
    assert hours_text(36) == "1.5 天"
    assert cause_label("customer") == "客户自身原因"


# -- analyse over the database -----------------------------------------------------

def _register(service: ComplaintService, clock: Clock, client_id: int, received: datetime,
              **fields: object) -> int:
    clock.now = received
    stored = service.register(_c(received, client_id=client_id, **fields))
    assert stored.id is not None
    return stored.id


def _move(service: ComplaintService, clock: Clock, complaint_id: int,
          *steps: tuple[ComplaintStatus, datetime]) -> None:
    for status, when in steps:
        clock.now = when
        service.transition(complaint_id, status)


@pytest.fixture
def seeded_service(db):  # type: ignore[no-untyped-def]
    """Five complaints of three clients; the clock ends at NOW."""
    clock = Clock(datetime(2026, 1, 1, 9, 0))
    clients = ClientService(db, clock=clock, user="tester")
    zeng = clients.save(ClientCard(name="曾国方"))
    li = clients.save(ClientCard(name="李娜"))
    smith = clients.save(ClientCard(name="John Smith"))
    service = ComplaintService(db, clock=clock, user="tester")
    d = datetime
    # 1: replied after 4 h, resolved after 2 days, followed up in time, satisfied (4)
    first = _register(service, clock, zeng, d(2026, 11, 3, 10), department="生产部",
                      category=ComplaintCategory.PRODUCT_QUALITY, cause=ComplaintCause.PRODUCT,
                      improvement="加强出厂检验", satisfaction=4)
    _move(service, clock, first, (S.IN_PROGRESS, d(2026, 11, 3, 14)),
          (S.RESOLVED, d(2026, 11, 5, 10)), (S.FOLLOWED_UP, d(2026, 11, 8, 10)))
    # 2: replied the next day, resolved, never followed up (overdue since 11-19)
    second = _register(service, clock, zeng, d(2026, 11, 10, 9), department="生产部",
                       category=ComplaintCategory.PACKAGING, cause=ComplaintCause.PRODUCT)
    _move(service, clock, second, (S.IN_PROGRESS, d(2026, 11, 11, 9)),
          (S.RESOLVED, d(2026, 11, 12, 9)))
    # 3: a month earlier, done within the day, followed up and closed, satisfied (5)
    third = _register(service, clock, li, d(2026, 10, 15, 9), department="客户服务部",
                      category=ComplaintCategory.SERVICE_ATTITUDE, cause=ComplaintCause.SERVICE,
                      improvement="服务礼仪培训", satisfaction=5)
    _move(service, clock, third, (S.IN_PROGRESS, d(2026, 10, 15, 11)),
          (S.RESOLVED, d(2026, 10, 15, 17)), (S.FOLLOWED_UP, d(2026, 10, 20, 9)),
          (S.CLOSED, d(2026, 10, 20, 10)))
    # 4: September, never answered
    _register(service, clock, smith, d(2026, 9, 2, 9), category=ComplaintCategory.DELIVERY)
    # 5: this morning, not due yet
    _register(service, clock, li, d(2026, 11, 24, 8), department="财务部",
              category=ComplaintCategory.BILLING, cause=ComplaintCause.CUSTOMER)
    clock.now = NOW
    return service, {"曾国方": zeng, "李娜": li, "John Smith": smith}


def test_analyse_all_time(seeded_service) -> None:  # type: ignore[no-untyped-def]
    service, ids = seeded_service
    a = analyse(service, None, None)
    assert isinstance(a, ComplaintAnalysis)
    assert a.total == 5
    assert a.by_month == {"2026-09": 1, "2026-10": 1, "2026-11": 3}
    assert {k: n for k, n in a.by_category.items() if n} == {
        "product_quality": 1, "packaging": 1, "service_attitude": 1, "delivery": 1,
        "billing": 1}
    assert a.by_department == {"生产部": 2, "客户服务部": 1, "财务部": 1, "": 1}
    assert a.avg_hours_to_first_reply == pytest.approx((4 + 24 + 2) / 3)
    assert a.avg_hours_to_resolution == pytest.approx((48 + 48 + 8) / 3)
    # in time: 1 and 3; late: 2 (next day) and 4 (never); 5 is not due yet
    assert (a.replied_in_time, a.reply_counted) == (2, 4)
    # in time: 1 and 3; 2 is past its seven days without a follow-up
    assert (a.followed_up_in_time, a.follow_up_counted) == (2, 3)
    assert a.avg_satisfaction == pytest.approx(4.5)
    assert a.repeat_complainers == [RepeatComplainer(ids["曾国方"], "曾国方", 2),
                                    RepeatComplainer(ids["李娜"], "李娜", 2)]
    assert [(i.number, i.received, i.text) for i in a.improvements] == [
        ("TS-2026-0001", date(2026, 11, 3), "加强出厂检验"),
        ("TS-2026-0003", date(2026, 10, 15), "服务礼仪培训")]
    assert [tuple(p[:3]) for p in a.pareto] == [
        ("生产部", "product", 2), ("", "", 1), ("客户服务部", "service", 1),
        ("财务部", "customer", 1)]
    assert [p.cumulative_share for p in a.pareto] == pytest.approx([0.4, 0.6, 0.8, 1.0])


def test_analyse_a_period_and_the_reply_hours_setting(seeded_service) -> None:  # type: ignore[no-untyped-def]
    service, _ids = seeded_service
    november = analyse(service, date(2026, 11, 1), date(2026, 11, 30))
    assert november.total == 3
    assert november.by_month == {"2026-11": 3}
    assert november.repeat_complainers[0].client == "曾国方"
    assert len(november.repeat_complainers) == 1
    autumn = analyse(service, date(2026, 8, 1), date(2026, 10, 31))
    assert autumn.by_month == {"2026-08": 0, "2026-09": 1, "2026-10": 1}
    service.set_reply_hours(3)  # 1 took 4 hours: now late
    tight = analyse(service, None, None)
    assert (tight.replied_in_time, tight.reply_counted, tight.reply_hours) == (1, 4, 3)


def test_analyse_leaves_out_clients_in_the_trash(db, seeded_service) -> None:  # type: ignore[no-untyped-def]
    service, ids = seeded_service
    ClientService(db, clock=lambda: NOW, user="tester").delete(ids["曾国方"])
    a = analyse(service, None, None)
    assert a.total == 3 and a.by_department.get("生产部") is None
