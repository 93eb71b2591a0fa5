"""The care calendar as an .ics file (desktop_crm.services.ics_export): written to a real
file from a real SQLite database with a fixed clock, then parsed back with icalendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event
from sqlalchemy import update

from desktop_crm.domain.care import CareSettings
from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Interaction
from desktop_crm.domain.dates import DateSpec, next_occurrence
from desktop_crm.domain.enums import Channel, DateKind
from desktop_crm.domain.identity import occurrence_uid
from desktop_crm.i18n import set_language
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.files import ExportError
from desktop_crm.services.ics_export import export_ics
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client
from tests.conftest import Clock

NOW = datetime(2026, 9, 20, 9, 0)
RECENT = datetime(2026, 9, 15, 10, 0)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def clients(db: Database, clock: Clock) -> ClientService:
    return ClientService(db, clock, user="test")


@pytest.fixture
def agenda(db: Database, clock: Clock) -> AgendaService:
    """Clients may go ten years without contact, so that no "not contacted" item
    joins the events under test unless a test asks for one."""
    service = AgendaService(db, clock)
    service.save_settings(CareSettings(no_contact_days=dict.fromkeys(("A", "B", "C", ""), 3650)))
    return service


def add(clients: ClientService, name: str, **fields: object) -> int:
    """A client contacted recently (no "not contacted" item for 90 days)."""
    client_id = clients.save(ClientCard(name=name, **fields))  # type: ignore[arg-type]
    clients.log_interaction(Interaction(client_id, RECENT, Channel.CALL, "hello"))
    return client_id


@pytest.fixture
def book(clients: ClientService) -> dict[str, int]:
    """A solar birthday, a lunar one, a 29 February family birthday and follow-ups."""
    ids = {
        "zhang": add(clients, "张伟", birthday=DateSpec.solar(3, 22, year=1985)),
        "wang": add(clients, "王芳", birthday=DateSpec.lunar(8, 15, year=1980)),
        "li": add(clients, "李明", family=[
            FamilyMember("女儿", "李小雨", DateSpec.solar(2, 29, year=2012))]),
        "zhao": add(clients, "赵磊"),
    }
    clients.log_interaction(Interaction(ids["zhao"], RECENT, Channel.VISIT, "拜访", "发送报价",
                                        follow_up_on=date(2026, 10, 1)))
    clients.log_interaction(Interaction(ids["zhao"], datetime(2026, 9, 1), Channel.VISIT, "拜访",
                                        "已过期", follow_up_on=date(2026, 9, 10)))  # overdue
    return ids


def read(path: Path) -> Calendar:
    raw = path.read_bytes()
    raw.decode("utf-8")  # valid UTF-8, or UnicodeDecodeError
    return Calendar.from_ical(raw)


def events(calendar: Calendar) -> list[Event]:
    return list(calendar.walk("VEVENT"))


def by_summary(calendar: Calendar, text: str) -> list[Event]:
    """Events whose summary contains ``text``, by date."""
    found = [e for e in events(calendar) if text in str(e["SUMMARY"])]
    return sorted(found, key=lambda e: e.decoded("DTSTART"))


def triggers(event: Event) -> list[timedelta]:
    return [alarm.decoded("TRIGGER") for alarm in event.walk("VALARM")]


def test_each_kind_as_events_with_reminders(agenda: AgendaService, book: dict[str, int],
                                            tmp_path: Path) -> None:
    path = tmp_path / "care.ics"
    written = export_ics(agenda, path)
    cal = read(path)
    assert written == len(events(cal))
    assert (str(cal["VERSION"]), str(cal["X-WR-CALNAME"])) == ("2.0", "Desktop CRM")
    assert "Desktop CRM" in str(cal["PRODID"])

    # solar birthday: one all-day event with a yearly rule, no age in the title
    [zhang] = by_summary(cal, "张伟")
    assert zhang.decoded("DTSTART") == date(2027, 3, 22)
    assert zhang.decoded("DTEND") == date(2027, 3, 23)
    assert "VALUE=DATE" in zhang.to_ical().decode()
    assert zhang["RRULE"].to_ical() == b"FREQ=YEARLY"
    assert str(zhang["SUMMARY"]) == "张伟: birthday"
    assert "1985-03-22" in str(zhang["DESCRIPTION"])
    assert triggers(zhang) == [timedelta(days=-3, hours=9)]  # at 9:00, not midnight

    # lunar birthday: one event per year, no rule, with the age of that year
    wang = by_summary(cal, "王芳")
    assert [e.decoded("DTSTART") for e in wang] == [date(2026, 9, 25), date(2027, 9, 15)]
    assert [str(e["SUMMARY"]) for e in wang] == ["王芳: birthday, turns 46",
                                                 "王芳: birthday, turns 47"]
    assert all("RRULE" not in e for e in wang)
    assert all(triggers(e) == [timedelta(days=-3, hours=9)] for e in wang)

    # follow-up: a single event; no lead time, so the reminder is at 9:00 on the day
    [follow_up] = by_summary(cal, "发送报价")
    assert follow_up.decoded("DTSTART") == date(2026, 10, 1)
    assert "RRULE" not in follow_up
    assert triggers(follow_up) == [timedelta(hours=9)]
    assert [str(c) for c in follow_up["CATEGORIES"].cats] == ["Follow-up"]
    assert str(follow_up["DESCRIPTION"]) == "Follow-up"

    # the overdue follow-up is not in the file
    assert by_summary(cal, "已过期") == []


def test_every_event_is_complete_and_uids_are_unique(agenda: AgendaService,
                                                     book: dict[str, int],
                                                     tmp_path: Path) -> None:
    path = tmp_path / "care.ics"
    export_ics(agenda, path)
    all_events = events(read(path))
    uids = [str(e["UID"]) for e in all_events]
    assert len(uids) == len(set(uids))
    assert all(uid.endswith("@desktop-crm") for uid in uids)
    for event in all_events:
        assert event.decoded("DTSTAMP") == NOW.astimezone(UTC)
        assert isinstance(event.decoded("DTSTART"), date)
        assert not isinstance(event.decoded("DTSTART"), datetime)  # all-day
        assert date(2026, 9, 20) <= event.decoded("DTSTART") < date(2027, 9, 20)
        [alarm] = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert str(alarm["DESCRIPTION"]) == str(event["SUMMARY"])
        assert event["CATEGORIES"].cats


def test_29_february_repeats_on_the_last_day_of_february(
        agenda: AgendaService, book: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "care.ics"
    export_ics(agenda, path)
    [event] = by_summary(read(path), "李小雨")
    start = event.decoded("DTSTART")
    assert start == date(2027, 2, 28)
    assert str(event["SUMMARY"]) == "李明: birthday of 女儿 李小雨"
    rule = rrulestr(event["RRULE"].to_ical().decode(),
                    dtstart=datetime.combine(start, datetime.min.time()))
    expanded = [d.date() for d in rule[:6]]
    # the same days the app puts the birthday on
    spec = DateSpec.solar(2, 29, year=2012)
    expected = [next_occurrence(spec, date(year, 1, 1)) for year in range(2027, 2033)]
    assert expanded == expected
    assert expanded[:3] == [date(2027, 2, 28), date(2028, 2, 29), date(2029, 2, 28)]


def test_chinese_text_survives(agenda: AgendaService, clients: ClientService,
                               tmp_path: Path) -> None:
    label = "公司成立二十周年庆典暨新产品发布会及年度客户答谢晚宴，请提前准备贺礼和贺卡"
    add(clients, "欧阳娜娜", birthday=DateSpec.lunar(8, 15, year=1980),
        dates=[ImportantDate(DateKind.CUSTOM, DateSpec.solar(10, 8), label)])
    set_language("zh")
    titles = {i.day: i.title for i in agenda.agenda(365, include_overdue=False)
              if i.client == "欧阳娜娜"}
    path = tmp_path / "关怀日历.ics"
    export_ics(agenda, path)
    cal = read(path)
    assert str(cal["X-WR-CALNAME"]) == "客户卡片管理"
    birthday = by_summary(cal, "生日")
    assert [str(e["SUMMARY"]) for e in birthday] == [titles[date(2026, 9, 25)],
                                                     titles[date(2027, 9, 15)]]
    assert "46" in str(birthday[0]["SUMMARY"])
    assert "农历八月十五" in str(birthday[0]["DESCRIPTION"])
    [custom] = by_summary(cal, label)  # a long line, folded inside the file
    assert str(custom["SUMMARY"]) == f"欧阳娜娜：{label}"
    assert [str(c) for c in custom["CATEGORIES"].cats] == ["自定义日期"]


def test_a_yearly_date_done_this_year_still_recurs(agenda: AgendaService,
                                                   clients: ClientService,
                                                   tmp_path: Path) -> None:
    cid = add(clients, "王芳", birthday=DateSpec.solar(9, 21))
    item = next(i for i in agenda.agenda(7) if i.client_id == cid)
    agenda.mark_done(item)
    path = tmp_path / "care.ics"
    export_ics(agenda, path)
    [event] = by_summary(read(path), "王芳")
    assert event.decoded("DTSTART") == date(2027, 9, 21)  # the next one not done
    assert "RRULE" in event


def test_window_and_one_rule_per_yearly_date(agenda: AgendaService, book: dict[str, int],
                                             tmp_path: Path) -> None:
    path = tmp_path / "care.ics"
    export_ics(agenda, path, days=30)
    cal = read(path)
    assert [e.decoded("DTSTART") for e in by_summary(cal, "王芳")] == [date(2026, 9, 25)]
    assert by_summary(cal, "张伟") == []  # March is outside 30 days
    # two years: still one event for the solar birthday, one per year for the lunar
    export_ics(agenda, path, days=730)
    cal = read(path)
    assert len(by_summary(cal, "张伟")) == 1
    assert len(by_summary(cal, "王芳")) == 2  # 2028's falls on 3 October, past the window


def test_uids_are_stable_across_exports(agenda: AgendaService, book: dict[str, int],
                                        clock: Clock, tmp_path: Path) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    export_ics(agenda, first)
    export_ics(agenda, first)
    clock.now = datetime(2027, 3, 25, 9, 0)  # after the solar birthday
    export_ics(agenda, second)
    [before] = by_summary(read(first), "张伟")
    [after] = by_summary(read(second), "张伟")
    assert str(before["UID"]) == str(after["UID"])
    assert "2027" not in str(before["UID"])
    assert after.decoded("DTSTART") == date(2028, 3, 22)
    lunar = {str(e["UID"]) for e in by_summary(read(first), "王芳")}
    later = {str(e["UID"]) for e in by_summary(read(second), "王芳")}
    assert len(lunar & later) == 1  # the occurrence of 2027 (15 September) in both


def test_anniversaries_recur_without_a_year_count(agenda: AgendaService,
                                                  clients: ClientService,
                                                  tmp_path: Path) -> None:
    add(clients, "Acme Ltd", founded_on=date(2001, 10, 22),
        relationship_since=date(2020, 10, 23))
    path = tmp_path / "care.ics"
    export_ics(agenda, path)
    summaries = {str(e["SUMMARY"]): e for e in by_summary(read(path), "Acme")}
    assert set(summaries) == {"Acme Ltd: founding anniversary",
                              "Acme Ltd: relationship anniversary"}
    assert triggers(summaries["Acme Ltd: founding anniversary"]) == [
        timedelta(days=-7, hours=9)]
    assert all("RRULE" in e for e in summaries.values())


def test_festivals(agenda: AgendaService, tmp_path: Path) -> None:
    path = tmp_path / "care.ics"
    export_ics(agenda, path)
    festivals = {str(e["UID"]): e for e in events(read(path))}
    database_uuid, _none = agenda.identities([])

    def uid(key: str, day: date | None = None) -> str:
        """A festival's UID: of this database's UUID and the festival's key."""
        series = occurrence_uid(database_uuid, f"festival-{key}", None)
        return occurrence_uid(series, "festival", day) + "@desktop-crm"

    assert "RRULE" in festivals[uid("national_day")]
    mid_autumn = festivals[uid("mid_autumn", date(2026, 9, 25))]
    assert "RRULE" not in mid_autumn
    assert uid("mid_autumn", date(2027, 9, 15)) in festivals


@pytest.mark.parametrize("target", ["missing/care.ics", "."])
def test_unwritable_path(agenda: AgendaService, tmp_path: Path, target: str) -> None:
    with pytest.raises(ExportError, match=r"Cannot write|is a folder"):
        export_ics(agenda, tmp_path / target)
    assert not list(tmp_path.rglob("*.part"))


def test_overwrites_atomically(agenda: AgendaService, book: dict[str, int],
                               tmp_path: Path) -> None:
    path = tmp_path / "out" / "care.ics"
    path.parent.mkdir()
    path.write_text("old", encoding="utf-8")
    written = export_ics(agenda, path)
    assert len(events(read(path))) == written > 0
    assert list(path.parent.iterdir()) == [path]


def test_not_contacted_is_a_single_event(agenda: AgendaService, clients: ClientService,
                                         tmp_path: Path) -> None:
    agenda.save_settings(CareSettings())  # grade A: 30 days
    cid = add(clients, "孙丽")
    with clients.db.session() as s:
        s.execute(update(Client).where(Client.id == cid).values(grade="A"))
    path = tmp_path / "care.ics"
    export_ics(agenda, path)
    [event] = by_summary(read(path), "孙丽")
    assert event.decoded("DTSTART") == date(2026, 10, 15)  # 30 days after the last call
    series = occurrence_uid(clients.get(cid).uuid, "no_contact", None)
    assert str(event["UID"]) == f"{series}@desktop-crm"  # the client's, moving with the date
    assert "RRULE" not in event
    assert triggers(event) == [timedelta(hours=9)]


def test_needs_at_least_one_day(agenda: AgendaService, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one day"):
        export_ics(agenda, tmp_path / "care.ics", days=0)
    assert not (tmp_path / "care.ics").exists()
