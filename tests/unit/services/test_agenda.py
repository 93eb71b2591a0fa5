"""The care agenda (desktop_crm.services.agenda) over a fixed "today" on real SQLite files."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import update

from desktop_crm.domain.care import AgendaItem, CareSettings
from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Interaction
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import AgendaKind, Channel, DateKind, Milestone
from desktop_crm.domain.validation import ValidationError
from desktop_crm.services.agenda import AgendaService, AlreadyDoneError
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client
from tests.conftest import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 20, 9, 0))


@pytest.fixture
def clients(db: Database, clock: Clock) -> ClientService:
    return ClientService(db, clock, user="test")


@pytest.fixture
def agenda(db: Database, clock: Clock) -> AgendaService:
    return AgendaService(db, clock)


def add(clients: ClientService, name: str, *, grade: str | None = None,
        contacted: datetime | None = None, **fields: object) -> int:
    """A client created long ago; contacted (logged) at ``contacted`` if given."""
    client_id = clients.save(ClientCard(name=name, **fields))  # type: ignore[arg-type]
    with clients.db.session() as s:
        s.execute(update(Client).where(Client.id == client_id)
                  .values(grade=grade, created_at=datetime(2020, 1, 1, 9, 0)))
    if contacted:
        clients.log_interaction(Interaction(client_id, contacted, Channel.CALL, "hello"))
    return client_id


def kinds_for(items: list[AgendaItem], client_id: int) -> list[tuple[date, AgendaKind]]:
    return [(i.day, i.kind) for i in items if i.client_id == client_id]


RECENT = datetime(2026, 9, 15, 10, 0)  # contacted recently: no "not contacted" item


def test_lunar_birthday_with_age_and_reminder(clients: ClientService, agenda: AgendaService,
                                              clock: Clock) -> None:
    cid = add(clients, "王芳", contacted=RECENT,
              birthday=DateSpec.lunar(8, 15, year=1980))
    items = [i for i in agenda.agenda(7) if i.client_id == cid]
    assert [(i.day, i.kind, i.years, i.remind_days) for i in items] == [
        (date(2026, 9, 25), AgendaKind.BIRTHDAY, 46, 3)]
    assert items[0].title == "王芳: birthday, turns 46"
    # the reminder starts three days before: on the 22nd, not on the 21st
    clock.set_day(date(2026, 9, 21))
    assert cid not in {i.client_id for i in agenda.due_today()}
    clock.set_day(date(2026, 9, 22))
    assert cid in {i.client_id for i in agenda.due_today()}


def test_family_birthday_on_29_february_falls_on_28_february(
        clients: ClientService, agenda: AgendaService) -> None:
    member = FamilyMember("女儿", "李小雨", DateSpec.solar(2, 29, year=2012))
    cid = add(clients, "李明", contacted=RECENT, family=[member])
    items = agenda.agenda(10, date(2027, 2, 24), include_overdue=False)
    mine = [i for i in items if i.client_id == cid]
    assert [(i.day, i.kind, i.years, i.detail) for i in mine] == [
        (date(2027, 2, 28), AgendaKind.FAMILY_BIRTHDAY, 15, "女儿 李小雨")]
    assert mine[0].title == "李明: birthday of 女儿 李小雨, turns 15"


def test_anniversaries_custom_dates_and_their_own_reminder(
        clients: ClientService, agenda: AgendaService) -> None:
    cid = add(
        clients, "Acme Ltd", contacted=RECENT,
        founded_on=date(2001, 9, 22), relationship_since=date(2025, 9, 23),
        dates=[ImportantDate(DateKind.WEDDING_ANNIVERSARY, DateSpec.solar(9, 24, year=2000)),
               ImportantDate(DateKind.CUSTOM, DateSpec.lunar(8, 16), "公司周年庆",
                             remind_days=10)],
    )
    items = {i.kind: i for i in agenda.agenda(7) if i.client_id == cid}
    assert items[AgendaKind.FOUNDING_ANNIVERSARY].day == date(2026, 9, 22)
    assert items[AgendaKind.FOUNDING_ANNIVERSARY].years == 25
    assert items[AgendaKind.RELATIONSHIP_ANNIVERSARY].title == "Acme Ltd: one year as our client"
    assert items[AgendaKind.WEDDING_ANNIVERSARY].years == 26
    custom = items[AgendaKind.CUSTOM_DATE]
    assert (custom.day, custom.remind_days, custom.detail) == (date(2026, 9, 26), 10, "公司周年庆")
    assert custom.title == "Acme Ltd: 公司周年庆"
    # founded this week: the first anniversary is next year, so nothing yet
    new = add(clients, "New Co", contacted=RECENT, founded_on=date(2026, 9, 19))
    assert kinds_for(agenda.agenda(7, date(2026, 9, 17)), new) == []
    next_year = agenda.agenda(3, date(2027, 9, 18), include_overdue=False)
    assert kinds_for(next_year, new) == [(date(2027, 9, 19), AgendaKind.FOUNDING_ANNIVERSARY)]


def test_follow_ups_open_overdue_and_done(clients: ClientService, agenda: AgendaService) -> None:
    cid = add(clients, "张伟")
    old = datetime(2026, 9, 1, 10, 0)
    clients.log_interaction(Interaction(cid, old, Channel.VISIT, "拜访", "发送正式报价",
                                        follow_up_on=date(2026, 9, 10)))
    clients.log_interaction(Interaction(cid, old, Channel.CALL, "电话", "确认回款",
                                        follow_up_on=date(2026, 9, 12), follow_up_done=True))
    clients.log_interaction(Interaction(cid, RECENT, Channel.CALL, "电话", "",
                                        follow_up_on=date(2026, 10, 30)))
    follow_ups = [i for i in agenda.agenda(30) if i.kind == AgendaKind.FOLLOW_UP]
    # the overdue one stays however old; the done one and the one after the window do not show
    assert [(i.day, i.detail) for i in follow_ups] == [(date(2026, 9, 10), "发送正式报价")]
    assert follow_ups[0].is_overdue(date(2026, 9, 20))
    assert [i.day for i in agenda.agenda(30, include_overdue=False)
            if i.kind == AgendaKind.FOLLOW_UP] == []
    # a follow-up without a next step shows the summary
    later = [i for i in agenda.agenda(45) if i.day == date(2026, 10, 30)]
    assert later[0].title == "张伟: follow up - 电话"


def test_thank_you_two_to_three_days_after_a_delivery(
        clients: ClientService, agenda: AgendaService, clock: Clock) -> None:
    cid = add(clients, "赵磊")
    clients.log_interaction(Interaction(cid, datetime(2026, 9, 18, 15, 0), Channel.VISIT,
                                        "设备交付", milestone=Milestone.DELIVERY))
    thanks = [i for i in agenda.agenda(7) if i.source == "thank_you"]
    assert [(i.day, i.kind, i.client_id) for i in thanks] == [
        (date(2026, 9, 21), AgendaKind.FOLLOW_UP, cid)]
    assert thanks[0].title == "赵磊: thank them after the delivery"
    assert thanks[0].remind_from == date(2026, 9, 20)  # two days after
    assert thanks[0] in agenda.due_today()
    # a plain visit asks for no thank-you
    clients.log_interaction(Interaction(cid, datetime(2026, 9, 19), Channel.VISIT, "拜访"))
    assert len([i for i in agenda.agenda(7) if i.source == "thank_you"]) == 1
    # three weeks later it no longer nags
    clock.set_day(date(2026, 10, 12))
    assert [i for i in agenda.agenda(7) if i.source == "thank_you"] == []


def test_not_contacted_by_grade_and_settings(clients: ClientService, agenda: AgendaService,
                                             clock: Clock) -> None:
    a = add(clients, "A client", grade="A", contacted=datetime(2026, 8, 15, 10))
    b = add(clients, "B client", grade="B", contacted=datetime(2026, 8, 1, 10))
    unrated = add(clients, "New prospect")  # created 2020, never contacted
    items = {i.client_id: i for i in agenda.agenda(7) if i.kind == AgendaKind.NO_CONTACT}
    assert items[a].day == date(2026, 9, 14)  # 30 days after the last contact
    assert items[a].title == "A client: no contact since 2026-08-15 (limit 30 days)"
    assert b not in items  # 60 days reach past the window
    # overdue since 2020-03-31 (90 days after the card was made): older than the
    # week of overdue items, so counted in the backlog summary, listed last
    assert unrated not in items
    backlog = agenda.agenda(7)[-1]
    assert (backlog.source, backlog.group_size, backlog.client_id) == (
        "no_contact_backlog", 1, None)
    assert backlog.title == "1 client not contacted for longer than their grade allows"
    assert not backlog.can_be_done
    assert agenda.agenda(7, include_overdue=False)[-1].source != "no_contact_backlog"
    # logging any interaction restarts the clock
    clients.log_interaction(Interaction(a, clock(), Channel.WECHAT, "问候"))
    assert a not in {i.client_id for i in agenda.agenda(7)}
    # the limits are the user's
    agenda.save_settings(CareSettings(no_contact_days={"A": 30, "B": 45, "C": 90, "": 90}))
    assert b in {i.client_id for i in agenda.agenda(7) if i.kind == AgendaKind.NO_CONTACT}


def test_festivals_with_their_greeting_list(clients: ClientService, agenda: AgendaService) -> None:
    add(clients, "甲", grade="A", contacted=RECENT)
    add(clients, "乙", grade="B", contacted=RECENT)
    add(clients, "丙", grade="C", contacted=RECENT)
    assert agenda.agenda(7, kinds=[AgendaKind.FESTIVAL])[0].group_size == 3  # everyone by default
    agenda.save_settings(CareSettings(festival_grades=("A", "B")))
    festivals = [i for i in agenda.agenda(14) if i.kind == AgendaKind.FESTIVAL]
    assert [(i.day, i.detail, i.group_size) for i in festivals] == [
        (date(2026, 9, 25), "mid_autumn", 2), (date(2026, 10, 1), "national_day", 2)]
    assert festivals[0].title == "Mid-Autumn Festival: greetings to 2 clients"
    assert [r.name for r in agenda.greeting_list(festivals[0])] == ["甲", "乙"]
    spring = agenda.agenda(1, date(2026, 2, 17), include_overdue=False)
    assert [i.detail for i in spring if i.kind == AgendaKind.FESTIVAL] == ["spring"]


def test_missed_birthdays_stay_overdue_for_a_week(clients: ClientService,
                                                  agenda: AgendaService) -> None:
    three = add(clients, "三天前", contacted=RECENT, birthday=DateSpec.solar(9, 17))
    ten = add(clients, "十天前", contacted=RECENT, birthday=DateSpec.solar(9, 10))
    ids = {i.client_id for i in agenda.agenda(1)}
    assert three in ids and ten not in ids


def test_deleted_clients_leave_the_agenda(clients: ClientService, agenda: AgendaService) -> None:
    cid = add(clients, "回收站", birthday=DateSpec.solar(9, 21))
    assert cid in {i.client_id for i in agenda.agenda(7)}
    clients.delete(cid)
    assert cid not in {i.client_id for i in agenda.agenda(7)}


def test_mark_birthday_done_logs_a_greeting_and_can_be_undone(
        clients: ClientService, agenda: AgendaService) -> None:
    cid = add(clients, "王芳", contacted=RECENT, birthday=DateSpec.solar(9, 21))
    item = next(i for i in agenda.agenda(7) if i.client_id == cid)
    receipt = agenda.mark_done(item)
    timeline = clients.interactions(cid)
    assert (timeline[0].channel, timeline[0].summary) == (Channel.GREETING,
                                                          "Birthday greetings sent")
    assert cid not in {i.client_id for i in agenda.agenda(7)}
    with pytest.raises(AlreadyDoneError):
        agenda.mark_done(item)
    agenda.undo_done(receipt)
    assert item in agenda.agenda(7)
    assert [i.summary for i in clients.interactions(cid)] == ["hello"]
    # done this year is not done next year
    agenda.mark_done(item, summary="寄了贺卡", channel=Channel.GIFT)
    assert clients.interactions(cid)[0].summary == "寄了贺卡"
    assert cid in {i.client_id for i in agenda.agenda(7, date(2027, 9, 18))}


def test_anniversaries_done_leave_only_their_own_day_and_source(
        clients: ClientService, agenda: AgendaService) -> None:
    """A founding day marked done leaves the agenda (its query leaves the
    mark's day out) while the same client's relationship day on the same
    day stays, and next year's founding day comes back; undone, it is back."""
    cid = add(clients, "Acme Ltd", contacted=RECENT, founded_on=date(2001, 9, 22),
              relationship_since=date(2025, 9, 22))
    items = {i.kind: i for i in agenda.agenda(7) if i.client_id == cid}
    founding = items[AgendaKind.FOUNDING_ANNIVERSARY]
    relationship = items[AgendaKind.RELATIONSHIP_ANNIVERSARY]
    assert founding.day == relationship.day == date(2026, 9, 22)
    receipt = agenda.mark_done(founding)
    assert kinds_for(agenda.agenda(7), cid) == [
        (date(2026, 9, 22), AgendaKind.RELATIONSHIP_ANNIVERSARY)]
    assert kinds_for(agenda.agenda(3, date(2027, 9, 21), include_overdue=False), cid) == [
        (date(2027, 9, 22), AgendaKind.FOUNDING_ANNIVERSARY),
        (date(2027, 9, 22), AgendaKind.RELATIONSHIP_ANNIVERSARY)]
    agenda.mark_done(relationship)
    assert kinds_for(agenda.agenda(7), cid) == []
    agenda.undo_done(receipt)
    assert kinds_for(agenda.agenda(7), cid) == [
        (date(2026, 9, 22), AgendaKind.FOUNDING_ANNIVERSARY)]


def test_mark_follow_up_done_closes_the_follow_up(clients: ClientService,
                                                  agenda: AgendaService) -> None:
    cid = add(clients, "张伟", contacted=RECENT)
    clients.log_interaction(Interaction(cid, RECENT, Channel.VISIT, "拜访", "发送报价",
                                        follow_up_on=date(2026, 9, 19)))
    item = next(i for i in agenda.agenda(7) if i.kind == AgendaKind.FOLLOW_UP)
    receipt = agenda.mark_done(item)
    assert [i for i in agenda.agenda(7) if i.kind == AgendaKind.FOLLOW_UP] == []
    entries = clients.interactions(cid)
    assert entries[0].summary == "Followed up: 发送报价"
    assert entries[0].channel == Channel.CALL
    assert [e.follow_up_done for e in entries if e.follow_up_on] == [True]
    agenda.undo_done(receipt)
    assert [i.ref for i in agenda.agenda(7) if i.kind == AgendaKind.FOLLOW_UP] == [item.ref]


def test_mark_festival_done_greets_everyone_on_the_list(
        clients: ClientService, agenda: AgendaService) -> None:
    a = add(clients, "甲", grade="A", contacted=RECENT)
    c = add(clients, "丙", grade="C", contacted=RECENT)
    never = add(clients, "乙", grade="A")
    agenda.save_settings(CareSettings(festival_grades=("A",)))
    not_contacted = [i for i in agenda.agenda(7) if i.kind == AgendaKind.NO_CONTACT]
    assert not_contacted
    item = next(i for i in agenda.agenda(7) if i.kind == AgendaKind.FESTIVAL)
    receipt = agenda.mark_done(item)
    assert len(receipt.interaction_ids) == 2
    assert clients.interactions(a)[0].summary == "Mid-Autumn Festival greetings sent"
    assert [i.summary for i in clients.interactions(c)] == ["hello"]
    assert [i for i in agenda.agenda(7) if i.kind == AgendaKind.FESTIVAL] == []
    assert [i.mass for i in clients.interactions(a)] == [True, False]
    # a greeting to everyone on the list is not contact: the no-contact count
    # goes on (a personal greeting would restart it) ...
    assert clients.rows([a])[0].last_contact == RECENT
    assert clients.rows([never])[0].last_contact is None
    assert [i for i in agenda.agenda(7) if i.kind == AgendaKind.NO_CONTACT] == not_contacted
    # ... and deleting an interaction counts the last personal one
    personal = clients.interactions(a)[1].id
    assert personal is not None
    clients.delete_interaction(personal)
    assert clients.rows([a])[0].last_contact is None
    agenda.undo_done(receipt)
    assert clients.rows([never])[0].last_contact is None
    assert clients.interactions(a) == []
    assert [i.kind for i in agenda.agenda(7)].count(AgendaKind.FESTIVAL) == 1


def test_mark_done_needs_a_summary(clients: ClientService, agenda: AgendaService) -> None:
    add(clients, "王芳", contacted=RECENT, birthday=DateSpec.solar(9, 21))
    item = agenda.agenda(2)[0]
    with pytest.raises(ValidationError):
        agenda.mark_done(item, summary="  ")


def test_kind_filter_and_window(clients: ClientService, agenda: AgendaService) -> None:
    add(clients, "王芳", contacted=RECENT, birthday=DateSpec.solar(9, 21))
    only = agenda.agenda(30, kinds=[AgendaKind.FESTIVAL])
    assert {i.kind for i in only} == {AgendaKind.FESTIVAL}
    assert all(date(2026, 9, 20) <= i.day <= date(2026, 10, 19) for i in agenda.agenda(30))
    with pytest.raises(ValueError):
        agenda.agenda(0)


def test_settings_round_trip_and_validation(agenda: AgendaService) -> None:
    assert agenda.settings() == CareSettings()
    changed = CareSettings(remind_days={AgendaKind.BIRTHDAY: 5},
                           no_contact_days={"A": 14, "B": 60, "C": 90, "": 120},
                           festival_grades=("A",), overdue_days=3)
    agenda.save_settings(changed)
    loaded = agenda.settings()
    assert loaded.remind(AgendaKind.BIRTHDAY) == 5
    assert loaded.remind(AgendaKind.FESTIVAL) == 7  # unchanged kinds keep their default
    assert loaded.no_contact_limit(None) == 120
    assert (loaded.festival_grades, loaded.overdue_days) == (("A",), 3)
    with pytest.raises(ValidationError) as info:
        agenda.save_settings(CareSettings(no_contact_days={"A": 0}))
    assert info.value.errors[0].field == "no_contact_days.A"
    assert agenda.settings().no_contact_limit("A") == 14  # nothing written


def test_counts_by_day_for_the_month_view(clients: ClientService, agenda: AgendaService) -> None:
    add(clients, "王芳", contacted=RECENT, birthday=DateSpec.solar(9, 21))
    add(clients, "李明", contacted=RECENT, birthday=DateSpec.solar(9, 21))
    counts = agenda.counts_by_day(date(2026, 9, 1), date(2026, 9, 30))
    assert counts[date(2026, 9, 21)] == 2
    assert counts[date(2026, 9, 25)] == 1  # Mid-Autumn
    assert date(2026, 9, 22) not in counts


def test_json_shape(clients: ClientService, agenda: AgendaService) -> None:
    cid = add(clients, "王芳", contacted=RECENT, birthday=DateSpec.solar(9, 21, year=1990))
    item = next(i for i in agenda.agenda(3) if i.client_id == cid)
    assert item.to_json() == {"date": "2026-09-21", "kind": "birthday", "client_id": cid,
                              "client": "王芳", "title": "王芳: birthday, turns 36",
                              "remind_days": 3, "years": 36}


def test_due_today_respects_a_long_reminder(clients: ClientService, agenda: AgendaService) -> None:
    cid = add(clients, "提前", contacted=RECENT,
              dates=[ImportantDate(DateKind.CUSTOM, DateSpec.solar(11, 1), "签约纪念日",
                                   remind_days=45)])
    due = {i.client_id for i in agenda.due_today()}
    assert cid in due  # 1 November minus 45 days is 17 September


def test_backlog_filter_lists_exactly_the_backlog(clients: ClientService,
                                                  agenda: AgendaService) -> None:
    long_ago = add(clients, "很久", grade="A", contacted=datetime(2026, 6, 1, 10))
    add(clients, "刚过期", grade="A", contacted=datetime(2026, 8, 15, 10))  # due 09-14
    add(clients, "没过期", grade="B", contacted=datetime(2026, 8, 15, 10))
    never = add(clients, "从未联系")  # created 2020: overdue since 2020-03-31
    backlog = agenda.agenda(30)[-1]
    assert backlog.group_size == 2
    ids = clients.list_ids(agenda.backlog_filter())
    assert sorted(ids) == sorted([long_ago, never])
    # the one that passed its limit six days ago is listed on its own instead
    assert "刚过期" in {i.client for i in agenda.agenda(30)}


def test_the_agendas_items_skip_the_collectors_young_generations(
        clients: ClientService, agenda: AgendaService) -> None:
    """The agenda's and Today's items are moved to the collector's oldest
    generation as the call ends (services/collector.py, keep_made): tens of
    thousands at 100,000 clients, which a pass over the youngest would walk
    right after the call."""
    import gc

    for n in range(3):
        cid = add(clients, f"客户{n}", grade="A")  # not contacted since 2020
        clients.log_interaction(Interaction(cid, datetime(2026, 9, 1, 10, 0), Channel.CALL,
                                            "电话", "回访", follow_up_on=date(2026, 9, 19)))
    for items in (agenda.agenda(30), agenda.due_today()):
        assert {i.kind for i in items} >= {AgendaKind.FOLLOW_UP}
        oldest = {id(o) for o in gc.get_objects(2)}
        assert all(id(i) in oldest for i in items)
