"""The care calendar checked against what calendar programs import: the
bytes of the file (UTF-8, CRLF, lines folded at 75 octets without splitting
a character), the calendar's header (METHOD:PUBLISH for Outlook), all-day
events, reminders at 9:00; and khal importing and listing it when installed
(``tools/system-deps.sh test`` installs it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from desktop_crm.domain.care import CareSettings
from desktop_crm.domain.client import ClientCard, FamilyMember, ImportantDate, Interaction
from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import Channel, DateKind
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.ics_export import export_ics
from desktop_crm.storage.database import Database
from tests.conftest import Clock

NOW = datetime(2026, 9, 20, 9, 0)
# labels whose multi-byte characters (3 octets: 中, 4 octets: 😀 and 𠀀) fall
# across the 75th octet at every offset
LABELS = ["x" * k + "中文😀𠀀" * 12 for k in range(4)]


@pytest.fixture
def agenda(db: Database) -> AgendaService:
    clock = Clock(NOW)
    clients = ClientService(db, clock, user="test")
    client_id = clients.save(ClientCard(
        name="欧阳娜娜", birthday=DateSpec.solar(10, 8, year=1985),
        family=[FamilyMember("女儿", "李小雨", DateSpec.solar(2, 29, year=2012))],
        dates=[ImportantDate(DateKind.CUSTOM, DateSpec.solar(11, 1 + i), label)
               for i, label in enumerate(LABELS)]))
    clients.log_interaction(Interaction(
        client_id, datetime(2026, 9, 15, 10, 0), Channel.CALL, "回访", "寄送样品; 报价, 合同",
        follow_up_on=date(2026, 10, 1)))
    service = AgendaService(db, clock)
    service.save_settings(CareSettings(no_contact_days=dict.fromkeys(("A", "B", "C", ""), 3650)))
    return service


def test_the_bytes_calendar_programs_read(agenda: AgendaService, tmp_path: Path) -> None:
    path = tmp_path / "care.ics"
    export_ics(agenda, path)
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM: some parsers see it as text
    assert raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n") == raw.count(b"\r")
    lines = raw[:-2].split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    folded = [line for line in lines if line.startswith(b" ")]
    assert len(folded) >= len(LABELS) * 2  # the long labels were folded
    for line in lines:
        line.decode("utf-8")  # each line alone: no character split by a fold
    text = raw.decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    for label in LABELS:
        assert label in unfolded
    # no floating time: the only date-times are DTSTAMPs, in UTC
    assert not re.search(r"^(?!DTSTAMP:\d{8}T\d{6}Z\r?$).*:\d{8}T\d{6}(?!Z)", unfolded, re.M)


def test_header_all_day_events_and_reminders(agenda: AgendaService, tmp_path: Path) -> None:
    path = tmp_path / "care.ics"
    count = export_ics(agenda, path)
    calendar = Calendar.from_ical(path.read_bytes())
    head = path.read_bytes().split(b"BEGIN:VEVENT")[0].decode()
    for line in ("BEGIN:VCALENDAR", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"):
        assert f"{line}\r\n" in head
    assert "PRODID:-//Desktop CRM//" in head
    events = list(calendar.walk("VEVENT"))
    assert len(events) == count >= len(LABELS) + 3
    for event in events:
        start = event.decoded("DTSTART")
        assert type(start) is date and event["DTSTART"].params["VALUE"] == "DATE"
        assert event.decoded("DTEND") == start + timedelta(days=1)
        assert event["DTEND"].params["VALUE"] == "DATE"
        assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)  # UTC, not floating
        assert event["DTSTAMP"].to_ical().endswith(b"Z")
        assert str(event["TRANSP"]) == "TRANSPARENT"
        [alarm] = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"])
        trigger = alarm.decoded("TRIGGER")
        assert alarm["TRIGGER"].params.get("RELATED", "START") == "START"
        # from the start of the day (midnight) to 9:00 of that day or one before it
        at = datetime.combine(start, datetime.min.time()) + trigger
        assert at.time().hour == 9 and at.date() <= start
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    # the same book exported again: the same UIDs (a calendar updates, not duplicates)
    export_ics(agenda, tmp_path / "again.ics")
    again = Calendar.from_ical((tmp_path / "again.ics").read_bytes())
    assert sorted(str(e["UID"]) for e in again.walk("VEVENT")) == sorted(uids)


def _khal(config: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["khal", "-c", str(config), *args], capture_output=True, text=True,
                          env=env, timeout=300, check=False)


@pytest.mark.sqlite_only("khal reads the exported file, whatever the engine")
@pytest.mark.skipif(shutil.which("khal") is None,
                    reason="khal is not installed (tools/system-deps.sh test installs it)")
def test_khal_imports_and_lists_the_calendar(agenda: AgendaService, tmp_path: Path) -> None:
    path = tmp_path / "care.ics"
    count = export_ics(agenda, path)
    vdir = tmp_path / "vdir"
    vdir.mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[crm]]\npath = {vdir}\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "local_timezone = Asia/Shanghai\ndefault_timezone = Asia/Shanghai\n"
        "[default]\ndefault_calendar = crm\n", encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "LANG": "C.UTF-8"}
    imported = _khal(config, env, "import", "--batch", "-a", "crm", str(path))
    assert imported.returncode == 0, imported.stderr
    assert "error" not in (imported.stdout + imported.stderr).lower()
    assert len(list(vdir.glob("*.ics"))) == count  # one file per event: none refused

    listed = _khal(config, env, "list", "--format", "{start-date} {title}",
                   "2026-09-20", "2027-09-19")
    assert listed.returncode == 0, listed.stderr
    out = listed.stdout
    # every event on its day, under its title (long, folded, 4-octet characters)
    for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
        assert f"{event.decoded('DTSTART')} {event['SUMMARY']}\n" in out
    for i, label in enumerate(LABELS):
        assert f"2026-11-{1 + i:02d} 欧阳娜娜" in out and f"{label}\n" in out
    # 29 February: on the last day of February in common years, as the app has it
    assert "2027-02-28 欧阳娜娜: birthday of 女儿 李小雨\n" in out
