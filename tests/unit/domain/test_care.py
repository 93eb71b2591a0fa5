"""Care rules without a database: settings, item texts in both languages, ordering."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from desktop_crm import i18n
from desktop_crm.domain.care import (
    AgendaItem,
    CareSettings,
    Source,
    in_order,
    order_run,
    run_of_days,
    sort_items,
)
from desktop_crm.domain.enums import AgendaKind, Channel


@pytest.fixture
def zh() -> Iterator[None]:
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def item(kind: AgendaKind, source: str = Source.IMPORTANT_DATE, **kw: object) -> AgendaItem:
    values: dict[str, object] = {"day": date(2026, 9, 25), "kind": kind, "source": source,
                                 "ref": 1, "client_id": 7, "client": "王芳"}
    values.update(kw)
    return AgendaItem(**values)  # type: ignore[arg-type]


def test_settings_defaults_match_the_issue() -> None:
    settings = CareSettings()
    assert settings.remind(AgendaKind.BIRTHDAY) == 3
    assert [settings.no_contact_limit(g) for g in ("A", "B", "C", None)] == [30, 60, 90, 90]
    assert settings.festival_grades == ()  # everyone
    assert CareSettings.from_dict(settings.to_dict()) == settings


@pytest.mark.parametrize("stored", [
    {"remind_days": {"birthday": "three"}},
    {"remind_days": {"no_such_kind": 5}},
    {"no_contact_days": {"Z": 10}},
    {"festival_grades": ["A", "Q"]},
    {},
])
def test_malformed_entries_fall_back_to_their_defaults(stored: dict[str, object]) -> None:
    settings = CareSettings.from_dict(stored)
    assert settings.remind(AgendaKind.BIRTHDAY) == 3
    assert settings.no_contact_limit("A") == 30


def test_out_of_range_settings_are_refused_and_never_loaded() -> None:
    bad = CareSettings(remind_days={AgendaKind.BIRTHDAY: 61},
                       no_contact_days={"A": 0, "B": 60, "C": 90, "": 90}, overdue_days=-1)
    fields = [e.field for e in bad.errors()]
    assert fields == ["remind_days.birthday", "no_contact_days.A", "overdue_days"]
    assert CareSettings.from_dict(bad.to_dict()) == CareSettings()


def test_titles_and_timeline_texts_in_chinese(zh: None) -> None:
    birthday = item(AgendaKind.BIRTHDAY, years=46)
    assert birthday.title == "王芳：46 岁生日"
    assert (birthday.done_channel, birthday.done_summary) == (Channel.GREETING, "已送上生日祝福")
    thanks = item(AgendaKind.FOLLOW_UP, Source.THANK_YOU, detail="delivery")
    assert thanks.title == "王芳：交货后致谢"
    assert thanks.done_channel == Channel.CALL
    festival = item(AgendaKind.FESTIVAL, Source.FESTIVAL, client_id=None, client="",
                    detail="mid_autumn", group_size=12)
    assert festival.title == "中秋节：向 12 位客户致以节日问候"
    assert festival.done_summary == "已送上中秋节问候"


def test_every_kind_has_a_title_and_a_timeline_text() -> None:
    details = {AgendaKind.FESTIVAL: "spring"}
    for kind in AgendaKind:
        one = item(kind, detail=details.get(kind, "x"), years=3)
        assert one.title and one.done_summary


def test_reminder_window() -> None:
    birthday = item(AgendaKind.BIRTHDAY, remind_days=3)
    assert birthday.remind_from == date(2026, 9, 22)
    assert not birthday.is_due(date(2026, 9, 21))
    assert birthday.is_due(date(2026, 9, 22)) and not birthday.is_overdue(date(2026, 9, 25))
    assert birthday.is_overdue(date(2026, 9, 26))


def test_sorted_by_day_then_kind_with_the_backlog_last() -> None:
    backlog = item(AgendaKind.NO_CONTACT, Source.NO_CONTACT_BACKLOG, day=date(2026, 9, 1),
                   client_id=None, group_size=5)
    festival = item(AgendaKind.FESTIVAL, Source.FESTIVAL, detail="mid_autumn")
    birthday = item(AgendaKind.BIRTHDAY)
    earlier = item(AgendaKind.FOLLOW_UP, Source.INTERACTION, day=date(2026, 9, 20))
    assert sort_items([backlog, festival, birthday, earlier]) == [
        earlier, birthday, festival, backlog]
    assert not backlog.can_be_done and birthday.can_be_done


def test_items_of_one_day_and_kind_are_ordered_whatever_order_the_rows_came_in() -> None:
    """The order must not depend on the order a database returned its rows in
    (PostgreSQL's may change with its plan), so calendars export the same."""
    items = [item(AgendaKind.BIRTHDAY, ref=r) for r in (30, 2, 17)]
    items += [item(AgendaKind.BIRTHDAY, Source.FAMILY_MEMBER, ref=r) for r in (5, 1)]
    expected = sort_items(list(items))
    assert [(i.source, i.ref) for i in expected] == [
        (Source.IMPORTANT_DATE, 2), (Source.IMPORTANT_DATE, 17), (Source.IMPORTANT_DATE, 30),
        (Source.FAMILY_MEMBER, 1), (Source.FAMILY_MEMBER, 5)]
    assert sort_items(list(reversed(items))) == expected


def test_runs_merged_in_order_are_sorted_as_sort_items_sorts() -> None:
    """``in_order`` (the agenda's sort: runs of one kind and source, each in
    day and ref order, cut into their days' slices merged by one stable sort
    by day) gives exactly
    ``sort_items``' order, whatever order the runs come in, with two runs of
    one kind and source, and the backlog last."""
    rng = random.Random(5)
    first = date(2026, 9, 1)
    kinds = [(AgendaKind.BIRTHDAY, Source.IMPORTANT_DATE),
             (AgendaKind.CUSTOM_DATE, Source.IMPORTANT_DATE),
             (AgendaKind.FAMILY_BIRTHDAY, Source.FAMILY_MEMBER),
             (AgendaKind.FOLLOW_UP, Source.INTERACTION), (AgendaKind.FOLLOW_UP, Source.THANK_YOU),
             (AgendaKind.NO_CONTACT, Source.NO_CONTACT),
             (AgendaKind.CHURN_WARNING, Source.CHURN_DROP),
             (AgendaKind.CHURN_WARNING, Source.CHURN_GRADE)]
    runs = []
    for kind, source in [*kinds, (AgendaKind.FOLLOW_UP, Source.INTERACTION)]:
        run = [item(kind, source, day=first + timedelta(days=rng.randrange(6)),
                    ref=rng.randrange(1, 40)) for _n in range(30)]
        runs.append(order_run(run))
        assert run == sorted(run, key=lambda i: (i.day, i.ref))
    # a run of one day, and one of a single item on a day no other run has
    runs.append([item(AgendaKind.CONTACT_BIRTHDAY, Source.CONTACT_PERSON, day=first, ref=r)
                 for r in (3, 7, 9)])
    runs.append([item(AgendaKind.FESTIVAL, Source.FESTIVAL, day=first - timedelta(days=40),
                      client_id=None)])
    runs.append([item(AgendaKind.NO_CONTACT, Source.NO_CONTACT_BACKLOG, day=first,
                      client_id=None, group_size=3)])
    expected = sort_items([i for run in runs for i in run])
    assert expected[-1].source == Source.NO_CONTACT_BACKLOG
    for _shuffle in range(5):
        rng.shuffle(runs)
        assert in_order([list(run) for run in runs]) == expected
    assert in_order([]) == [] and in_order([[], []]) == []


def test_a_run_gathered_by_day_is_in_order_runs_order() -> None:
    """``run_of_days`` (items grouped by day as they are read, in any order)
    gives ``order_run``'s order: days in order, each day's items by ref."""
    rng = random.Random(8)
    first = date(2026, 9, 1)
    run = [item(AgendaKind.NO_CONTACT, Source.NO_CONTACT,
                day=first + timedelta(days=rng.randrange(-3, 9)), ref=rng.randrange(1, 500))
           for _n in range(300)]
    by_day: dict[date, list[AgendaItem]] = {}
    for i in run:
        by_day.setdefault(i.day, []).append(i)
    assert run_of_days(by_day) == order_run(list(run)) == sorted(run, key=lambda i: (i.day,
                                                                                      i.ref))
    assert run_of_days({}) == []
