"""The care agenda as an iCalendar file (``.ics``) for phone and desktop calendars.

Every agenda item in the next ``days`` days becomes an all-day event with a
reminder (VALARM) at the item's lead time; overdue items are left out.

- Solar yearly dates (birthdays, anniversaries, custom dates, solar festivals):
  one event with a yearly rule from the next occurrence on. 29 February repeats
  on the last day of February, as the app puts it on 28 February in common
  years. The title leaves out the age, which changes every year.
- Lunar dates: one event per occurrence, as iCalendar has no lunar rule.
- Follow-ups, thank-yous and not-contacted clients: one event on their date.

What the calendar programs people use accept (Outlook's import,
[MS-OXCICAL] and [MS-STANOICAL]; Google Calendar's; Apple's, Thunderbird's,
khal's): UTF-8, CRLF line ends, lines folded at 75 octets without splitting
a character (the icalendar library does both); PRODID, VERSION:2.0,
CALSCALE:GREGORIAN and METHOD:PUBLISH (a calendar to add, not a meeting
request to answer); all-day events as DTSTART;VALUE=DATE with DTEND the next
day (Outlook and Google show them as all-day only then) and TRANSP:TRANSPARENT
(they do not make the day busy); no times but DTSTAMP, which is in UTC.

Reminders (VALARM, ACTION:DISPLAY with a DESCRIPTION, which RFC 5545 requires
and Outlook shows) go off at 9:00, never at midnight: ``remind_days`` before
the day as a negative duration from its start (-P2DT15H for three days),
on the day itself as +PT9H, which is how Apple's calendars write "on the day
at 9:00". Outlook keeps only "minutes before the start" and reads any
duration that way, so it shows that one at 15:00 the day before: early
rather than never. Google Calendar ignores imported reminders and applies
the calendar's own.

UIDs are name-based UUIDs (domain.identity.occurrence_uid) of the UUID of the
record an item comes from (a festival's: the database's UUID and the
festival), so they are stable (a yearly rule's holds no year: importing a newer
export updates the events instead of duplicating them) and never shared by
two databases (a calendar holding both keeps both). The calendar is built with
the icalendar library and written atomically as UTF-8.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from desktop_crm import __version__
from desktop_crm.domain.care import AgendaItem, Source
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.domain.identity import occurrence_uid
from desktop_crm.i18n import _
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.files import write_atomically

UID_DOMAIN = "desktop-crm"
PRODID = f"-//Desktop CRM//desktop-crm {__version__}//EN"
# Reminders go off at 9:00, not at midnight.
ON_THE_DAY = timedelta(hours=9)
# A yearly date marked done in the window recurs at most 366 days later.
_NEXT_YEAR = 366


def export_ics(agenda: AgendaService, path: Path | str, days: int = 365) -> int:
    """Write the next ``days`` days of the agenda (from today) to ``path`` and
    return the number of events. Raises ExportError when the file cannot be
    written, ValueError when ``days`` is below 1."""
    if days < 1:
        raise ValueError(_("The agenda needs at least one day"))
    start = agenda.today()
    # A yearly date done already in the window still recurs: look a year further
    # for its next occurrence.
    items = agenda.agenda(days + _NEXT_YEAR, start, include_overdue=False)
    kept = in_window(items, start, start + timedelta(days=days))
    calendar = build_calendar(kept, agenda.clock(), *agenda.identities(kept))
    write_atomically(Path(path), calendar.to_ical())
    return len(calendar.walk("VEVENT"))


def in_window(items: list[AgendaItem], start: date, end: date) -> list[AgendaItem]:
    """The items to export from a sorted agenda reaching past ``end`` (exclusive):
    those before ``end``, and yearly dates whose occurrence in the window was
    done (their next one is later); one item per yearly rule."""
    kept: list[AgendaItem] = []
    rules: set[str] = set()
    for item in items:
        if not is_yearly(item):
            if item.day < end:
                kept.append(item)
            continue
        uid = _key(item, dated=item.spec is not None and item.spec.is_lunar)
        if uid not in rules and (item.day < end or _done_in_window(item, start, end)):
            rules.add(uid)
            kept.append(item)
    return kept


def _done_in_window(item: AgendaItem, start: date, end: date) -> bool:
    """Whether the yearly date falls in ``start``..``end`` the year before
    ``item`` (the agenda skipped that occurrence, so it was done)."""
    assert item.spec is not None
    before = item.spec.in_solar_year(item.day.year - 1)
    return start <= before < end and (item.spec.year is None or before.year > item.spec.year)


def build_calendar(items: list[AgendaItem], now: datetime, database_uuid: str,
                   sources: dict[tuple[str, int], str]) -> Calendar:
    """A calendar with one event per item (see the module's rules);
    ``sources`` maps an item's (source, ref) to its record's UUID."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Desktop CRM"))
    stamp = now.astimezone(UTC)
    uids: set[str] = set()
    for item in items:
        uid = event_uid(item, database_uuid, sources)
        if uid in uids:  # two single items of one source row: tell them apart
            uid = event_uid(item, database_uuid, sources, dated=True)
        uids.add(uid)
        calendar.add_component(build_event(item, uid, stamp))
    return calendar


def is_yearly(item: AgendaItem) -> bool:
    """Solar recurring dates repeat with a yearly rule; lunar ones cannot."""
    return item.spec is not None and not item.spec.is_lunar


def event_uid(item: AgendaItem, database_uuid: str, sources: dict[tuple[str, int], str],
              dated: bool | None = None) -> str:
    """``<uuid>@desktop-crm``: a name-based UUID of the item's source record's
    UUID and its kind, plus the date for a lunar occurrence (or ``dated``).
    Yearly rules and single items keep one UID when their date moves (next
    year, a rescheduled follow-up)."""
    if dated is None:
        dated = item.spec is not None and item.spec.is_lunar
    record = sources.get((item.source, item.ref))
    if record is None:  # festivals and the backlog: this database's, by key
        record = occurrence_uid(database_uuid, _key(item, False), None)
    uid = occurrence_uid(record, item.source, item.day if dated else None)
    return f"{uid}@{UID_DOMAIN}"


def _key(item: AgendaItem, dated: bool) -> str:
    """The item's source row within this database (one yearly rule per key)."""
    # a festival's ref is its place in the list; its key survives reordering
    row = item.detail if item.source == Source.FESTIVAL else str(item.ref)
    when = f"-{item.day:%Y%m%d}" if dated else ""
    return f"{item.source}-{row}{when}"


def build_event(item: AgendaItem, uid: str, stamp: datetime) -> Event:
    """An all-day event on ``item.day`` with its reminder."""
    summary = summary_of(item)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", item.day)
    event.add("dtend", item.day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description_of(item))
    event.add("categories", [item.kind.label])
    event.add("transp", "TRANSPARENT")
    if is_yearly(item):
        event.add("rrule", yearly_rule(item))
    event.add_component(build_alarm(item, summary))
    return event


def yearly_rule(item: AgendaItem) -> dict[str, object]:
    """FREQ=YEARLY; for 29 February the last day of February every year."""
    assert item.spec is not None
    if (item.spec.month, item.spec.day) == (2, 29):
        return {"freq": "yearly", "bymonth": 2, "bymonthday": -1}
    return {"freq": "yearly"}


def build_alarm(item: AgendaItem, summary: str) -> Alarm:
    """A display reminder at 9:00, ``remind_days`` before the day."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", reminder_offset(item.remind_days), parameters={"RELATED": "START"})
    return alarm


def reminder_offset(remind_days: int) -> timedelta:
    """From the start of an all-day event (midnight) to 9:00 ``remind_days``
    days before it."""
    return timedelta(days=-remind_days) + ON_THE_DAY


def summary_of(item: AgendaItem) -> str:
    """The item's title; a yearly rule's leaves out the age or year count."""
    if not is_yearly(item) or item.years is None:
        return item.title
    if item.kind == AgendaKind.FOUNDING_ANNIVERSARY:
        return _("{client}: founding anniversary", client=item.client)
    if item.kind == AgendaKind.RELATIONSHIP_ANNIVERSARY:
        return _("{client}: relationship anniversary", client=item.client)
    return item._replace(years=None).title


def description_of(item: AgendaItem) -> str:
    """The kind, and the stored date (with its year, or on the lunar calendar)."""
    lines = [item.kind.label]
    if item.spec is not None and item.kind != AgendaKind.FESTIVAL:
        lines.append(_("Date: {date}", date=item.spec.describe()))
    return "\n".join(lines)
