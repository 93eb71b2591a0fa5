"""The care agenda: every birthday, anniversary, follow-up, thank-you,
not-contacted client, festival and churn warning in a window of days, and
marking items done.

The window's recurring dates are computed once (``occurrences_between``) and
looked up by key, so the agenda costs one lunar conversion per day of the
window, not one per stored date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from desktop_crm.domain.care import (
    CHURN_SOURCES,
    GRADES,
    THANK_YOU_BY_DAYS,
    THANK_YOU_FROM_DAYS,
    AgendaItem,
    CareSettings,
    Source,
    in_order,
    order_run,
    run_of_days,
)
from desktop_crm.domain.churn import ChurnSettings
from desktop_crm.domain.client import ClientRow, Interaction
from desktop_crm.domain.complaint_status import FOLLOW_UP_DAYS, ComplaintStatus, follow_up_due
from desktop_crm.domain.dates import DateSpec, SpecKey, occurrences_between, stored_spec
from desktop_crm.domain.enums import AgendaKind, Channel, DateKind
from desktop_crm.domain.errors import CrmError
from desktop_crm.domain.festivals import FESTIVALS
from desktop_crm.domain.validation import FieldError, ValidationError
from desktop_crm.i18n import _
from desktop_crm.services import churn, lunar_cache
from desktop_crm.services.clock import Clock, current_user, system_clock
from desktop_crm.services.collector import paused_collector
from desktop_crm.storage import care_repo as repo
from desktop_crm.storage import client_rows, identity_repo
from desktop_crm.storage.client_rows import ClientFilter
from desktop_crm.storage.database import Database
from desktop_crm.storage.read_ahead import ReadAhead, read_ahead

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop_crm.storage.dialect import Reader

SETTINGS_KEY = "care"
# Deliveries and deals this many days back still get their thank-you reminder.
THANK_YOU_LOOKBACK_DAYS = 14
# The satisfaction scale of the thank-you call after a delivery (1 = very unhappy, 5 = delighted).
MIN_SATISFACTION, MAX_SATISFACTION = 1, 5

_DATE_KINDS = {
    DateKind.BIRTHDAY.value: AgendaKind.BIRTHDAY,
    DateKind.WEDDING_ANNIVERSARY.value: AgendaKind.WEDDING_ANNIVERSARY,
    DateKind.CUSTOM.value: AgendaKind.CUSTOM_DATE,
    "family": AgendaKind.FAMILY_BIRTHDAY,
    "contact": AgendaKind.CONTACT_BIRTHDAY,
}

# The stored kinds (storage.care_repo.STORED_KINDS) each yearly source holds.
_SOURCE_KINDS = {Source.IMPORTANT_DATE: tuple(k.value for k in DateKind),
                 Source.FAMILY_MEMBER: ("family",), Source.CONTACT_PERSON: ("contact",)}

# The sources whose queries leave their done days out themselves.
_DONE_IN_QUERY = (Source.IMPORTANT_DATE, Source.FAMILY_MEMBER, Source.CONTACT_PERSON,
                  Source.FOUNDING, Source.RELATIONSHIP, Source.THANK_YOU)

# The kinds found through the window's recurring dates (``occurrences_between``),
# and those whose single dates can set their own reminder.
_OCCURRING = (*_DATE_KINDS.values(), AgendaKind.FOUNDING_ANNIVERSARY,
              AgendaKind.RELATIONSHIP_ANNIVERSARY, AgendaKind.FESTIVAL)
_OWN_REMINDER = frozenset({AgendaKind.BIRTHDAY, AgendaKind.WEDDING_ANNIVERSARY,
                           AgendaKind.CUSTOM_DATE, AgendaKind.FAMILY_BIRTHDAY})


class AlreadyDoneError(ValueError, CrmError):
    """The item was marked done already (perhaps in another window)."""


@dataclass(frozen=True)
class DoneReceipt:
    """What marking an item done wrote, so that it can be undone."""

    item: AgendaItem
    interaction_ids: list[int] = field(default_factory=list)
    done_id: int | None = None


class AgendaService:
    """Builds the care agenda and records what was done.

    Attributes:
        db: the open database.
        clock: returns "now"; injected so tests can fix "today".
        user: "Mine" (``mine=True``) means the items of the clients this user owns.
    """

    def __init__(self, db: Database, clock: Clock = system_clock,
                 user: str | None = None) -> None:
        self.db = db
        self.clock = clock
        self.user = current_user() if user is None else user

    def owner_for(self, mine: bool) -> str | None:
        """The owner a "Mine" agenda shows (the user), or None for everyone's."""
        return self.user if mine else None

    def today(self) -> date:
        return self.clock().date()

    def identities(self, items: Sequence[AgendaItem]) -> tuple[str, dict[tuple[str, int], str]]:
        """This database's UUID, and (source, ref) -> the UUID of the record
        each item comes from (a query per table, not per item): what calendar
        UIDs are made of."""
        with self.db.read() as s:
            return (identity_repo.database_uuid(s),
                    identity_repo.source_uuids(s, ((i.source, i.ref) for i in items)))

    # -- settings -------------------------------------------------------------
    def settings(self) -> CareSettings:
        with self.db.connect() as c:
            stored = repo.get_setting(c, SETTINGS_KEY)
        return _care_settings(stored)

    def churn_settings(self) -> ChurnSettings:
        """The thresholds of the churn warnings (defaults until saved)."""
        with self.db.connect() as c:
            stored = repo.get_setting(c, churn.SETTINGS_KEY)
        return _churn_settings(stored)

    def save_settings(self, settings: CareSettings,
                      churn_settings: ChurnSettings | None = None) -> None:
        """Save the care settings and, when given, the churn thresholds (in
        one transaction: both or neither)."""
        errors = settings.errors() + (churn_settings.errors() if churn_settings else [])
        if errors:
            raise ValidationError(errors)
        with self.db.session() as s:
            repo.set_setting(s, SETTINGS_KEY, settings.to_dict())
            if churn_settings is not None:
                repo.set_setting(s, churn.SETTINGS_KEY, churn_settings.to_dict())

    # -- building -------------------------------------------------------------
    def agenda(self, days: int, start: date | None = None, *, include_overdue: bool = True,
               kinds: Iterable[AgendaKind] | None = None, mine: bool = False
               ) -> list[AgendaItem]:
        """Items falling on ``start`` .. ``start + days - 1`` (``start`` defaults to
        today), plus, with ``include_overdue``, those missed before it and not done:
        open follow-ups and overdue contacts however old, yearly dates up to
        ``settings.overdue_days`` back. Sorted by date, kind and client. ``mine``:
        only the user's clients' items; festivals count (and greet) the user's
        clients only."""
        if days < 1:
            raise ValueError(_("The agenda needs at least one day"))
        start = start or self.today()
        end = start + timedelta(days=days - 1)
        wanted = set(kinds) if kinds is not None else set(AgendaKind)
        # Tens of thousands of tuples and no cycles: see services/collector.py
        # for what the paused collector saves and why pausing it is safe here;
        # the items are kept out of the pass its end would set off (keep_made).
        # One read, both settings in one statement (as Today's), through the
        # tables alone (no ORM: see Database.connect).
        with paused_collector(keep_made=True), self.db.connect() as s:
            stored = repo.get_settings(s, (SETTINGS_KEY, churn.SETTINGS_KEY))
            settings = _care_settings(stored.get(SETTINGS_KEY))
            first = start - timedelta(days=settings.overdue_days) if include_overdue else start
            builder = _Builder(settings, start, end, first, include_overdue, wanted,
                               self.owner_for(mine))
            if AgendaKind.CHURN_WARNING in wanted:
                builder.churn = _churn_settings(stored.get(churn.SETTINGS_KEY))
                builder.today = self.today()
            repo.plan_for_cached_rows(s)
            builder.collect(s)
            return builder.items()

    def due_today(self, mine: bool = False, day: date | None = None) -> list[AgendaItem]:
        """The Today list: overdue items, today's, and those whose reminder has
        begun (on ``day``, default today)."""
        today = day or self.today()
        # one read, its settings in one statement: on a server each
        # transaction and statement is a round trip; through the tables
        # alone (Today reads this before the ORM is loaded: Database.connect)
        with paused_collector(keep_made=True), self.db.connect() as s:
            own = repo.longest_own_reminder(s)
            stored = repo.get_settings(s, (SETTINGS_KEY, churn.SETTINGS_KEY))
            care, warnings = stored.get(SETTINGS_KEY), stored.get(churn.SETTINGS_KEY)
            settings = _care_settings(care)
            lead = max([own, *settings.remind_days.values()])
            end = today + timedelta(days=lead)
            builder = _Builder(settings, today, end,
                               today - timedelta(days=settings.overdue_days), True,
                               set(AgendaKind), self.owner_for(mine), due_on=today,
                               own_lead=own)
            builder.churn = _churn_settings(warnings)
            builder.today = self.today()
            repo.plan_for_cached_rows(s)
            builder.collect(s)
        return [i for i in builder.items() if i.is_due(today)]

    def backlog_filter(self, mine: bool = False) -> ClientFilter:
        """The client-list filter showing the agenda's not-contacted backlog:
        clients past their grade's limit since before the overdue window (of
        the user's clients with ``mine``)."""
        settings = self.settings()
        first = self.today() - timedelta(days=settings.overdue_days)
        limits = tuple((g, settings.no_contact_limit(g)) for g in GRADES)
        return ClientFilter(contact_limits=limits, contact_due_before=first,
                            sort="last_contact", owner=self.owner_for(mine))

    def counts_by_day(self, start: date, end: date, mine: bool = False) -> dict[date, int]:
        """How many items fall on each day (for a month view); overdue ones not carried."""
        counts: dict[date, int] = {}
        for item in self.agenda((end - start).days + 1, start, include_overdue=False,
                                mine=mine):
            counts[item.day] = counts.get(item.day, 0) + 1
        return counts

    def greeting_list(self, item: AgendaItem, mine: bool = False) -> list[ClientRow]:
        """The clients a festival item greets (only the user's with ``mine``)."""
        with self.db.read() as s:
            ids = repo.graded_ids(s, self.settings().festival_grades, self.owner_for(mine))
            return client_rows.rows(s, ids)

    # -- done -----------------------------------------------------------------
    def mark_done(self, item: AgendaItem, summary: str | None = None,
                  channel: Channel | None = None, mine: bool = False,
                  satisfaction: int | None = None) -> DoneReceipt:
        """Log the interaction the item asked for (a greeting, a call) on the
        client's timeline, or on every greeted client's for a festival (only the
        user's clients with ``mine``), and take the item off the agenda. Raises
        AlreadyDoneError when it was done already.

        ``satisfaction`` (1-5): what the client answered the thank-you call
        after a delivery or deal (the survey after service); it is kept with
        the logged entry, whose summary is then the client's feedback. A
        complaint's follow-up needs it (unless the complaint has it already):
        it is kept with the complaint (ValidationError without it)."""
        from desktop_crm.storage import client_repo, complaint_repo

        now = self.clock()
        text = (summary if summary is not None else item.done_summary).strip()
        errors: list[FieldError] = []
        if not text:
            errors.append(FieldError("summary", _("Write what happened")))
        if satisfaction is not None and item.source not in (Source.THANK_YOU, Source.COMPLAINT):
            errors.append(FieldError("satisfaction", _(
                "Satisfaction is recorded with the thank-you after a delivery or deal")))
        elif satisfaction is not None and not MIN_SATISFACTION <= satisfaction <= MAX_SATISFACTION:
            errors.append(FieldError("satisfaction", _(
                "Satisfaction is from {low} to {high}", low=MIN_SATISFACTION,
                high=MAX_SATISFACTION)))
        if errors:
            raise ValidationError(errors)
        channel = channel or item.done_channel
        grades = self.settings().festival_grades
        with self.db.session() as s:
            if item.source == Source.INTERACTION:
                done = repo.follow_up_done(s, item.ref)
                if done is None:
                    raise AlreadyDoneError(_("This follow-up no longer exists"))
                if done:
                    raise AlreadyDoneError(_("This item is done already"))
            elif item.source == Source.COMPLAINT:
                if complaint_repo.status_of(s, item.ref) != ComplaintStatus.RESOLVED:
                    raise AlreadyDoneError(_("This complaint is not waiting for its "
                                             "follow-up any more"))
                _record_satisfaction(s, item.ref, satisfaction, now)
            elif item.source != Source.NO_CONTACT and repo.is_done(s, item.source, item.ref,
                                                                    item.day):
                raise AlreadyDoneError(_("This item is done already"))
            if item.client_id is None:  # a festival: everyone on the greeting list
                greeted = repo.graded_ids(s, grades, self.owner_for(mine))
                ids = repo.log_for_many(s, greeted, now, channel.value, text)
            else:
                ids = [client_repo.add_interaction(
                    s, Interaction(item.client_id, now, channel, text, satisfaction=(
                        satisfaction if item.source == Source.THANK_YOU else None)), now)]
            done_id = None
            if item.source == Source.INTERACTION:
                repo.set_follow_up_done(s, item.ref, True)
            elif item.source == Source.COMPLAINT:
                complaint_repo.set_status(s, item.ref, ComplaintStatus.RESOLVED,
                                          ComplaintStatus.FOLLOWED_UP, now, text, self.user)
            elif item.source != Source.NO_CONTACT:
                done_id = repo.add_done(s, item.source, item.ref, item.day, item.client_id,
                                        now, ids[0] if item.client_id else None)
        return DoneReceipt(item, ids, done_id)

    def undo_done(self, receipt: DoneReceipt) -> None:
        """Put the item back on the agenda and remove what marking it logged."""
        from desktop_crm.storage import client_repo, complaint_repo

        with self.db.session() as s:
            if receipt.item.client_id is None:
                repo.delete_many(s, receipt.interaction_ids)
            else:
                for interaction_id in receipt.interaction_ids:
                    client_repo.delete_interaction(s, interaction_id)
            if receipt.item.source == Source.INTERACTION:
                repo.set_follow_up_done(s, receipt.item.ref, False)
            elif receipt.item.source == Source.COMPLAINT:
                complaint_repo.undo_last_status(s, receipt.item.ref)
            elif receipt.done_id is not None:
                repo.remove_done(s, receipt.done_id)


def _care_settings(stored: object) -> CareSettings:
    """The care settings stored (defaults where none, or not a mapping)."""
    return CareSettings.from_dict(stored) if isinstance(stored, dict) else CareSettings()


def _churn_settings(stored: object) -> ChurnSettings:
    """The churn thresholds stored (defaults where none, or not a mapping)."""
    return ChurnSettings.from_dict(stored) if isinstance(stored, dict) else ChurnSettings()


def missed_items(s: Session, today: date) -> list[AgendaItem]:
    """Everyone's items the agenda shows as overdue on ``today``, read in the
    session ``s`` (the demo's upkeep, inside its own transaction)."""
    settings = _care_settings(repo.get_setting(s, SETTINGS_KEY))
    builder = _Builder(settings, today, today, today - timedelta(days=settings.overdue_days),
                       True, set(AgendaKind), None)
    builder.churn = _churn_settings(repo.get_setting(s, churn.SETTINGS_KEY))
    builder.today = today
    builder.collect(s)
    return [i for i in builder.items() if i.is_overdue(today)]


class _Builder:
    """Collects one agenda; one instance per call."""

    def __init__(self, settings: CareSettings, start: date, end: date, first: date,
                 include_overdue: bool, kinds: set[AgendaKind], owner: str | None,
                 due_on: date | None = None, own_lead: int = 0) -> None:
        self.settings = settings
        self.owner = owner
        self.start, self.end, self.first = start, end, first
        self.include_overdue = include_overdue
        self.kinds = kinds
        # the items, by runs of one kind and source in day and ref order
        # (``in_order`` merges them): no key is made per item to sort them
        self.runs: list[list[AgendaItem]] = []
        # Today's list (``due_on``) keeps only items whose reminder has begun:
        # an item of lead time n is due on ``due_on`` only if its day is at
        # most n days later, so each source reads up to its own kind's lead
        # (``own_lead``: the longest reminder set on a single date) and no
        # further: the rows the list would drop are never fetched.
        self.due_on = due_on
        self.own_lead = own_lead
        dated = [self._lead(k) for k in _OCCURRING if k in kinds] or [0]
        lunar_cache.prime()  # the lunar months of an earlier process, if kept
        self.occurrences = occurrences_between(first, self._end(max(dated)))
        lunar_cache.keep()
        self.days = repo.window_days(self.occurrences)
        # per row of ``days``: its day, its year and its key's DateSpecs by
        # the stored year (each made once for all the yearly sources): a row
        # of a yearly date finds them by its index and an integer, without
        # hashing the key
        specs: dict[SpecKey, dict[int | None, DateSpec]] = {}
        self._at = [(day, year, specs.setdefault(key, {})) for key, day, year in self.days]
        self.churn: ChurnSettings | None = None  # set when churn warnings are wanted
        self.today = start

    def items(self) -> list[AgendaItem]:
        """The items collected, sorted (``sort_items``' order)."""
        return in_order(self.runs)

    def _lead(self, kind: AgendaKind) -> int:
        """The longest reminder lead time an item of ``kind`` can have."""
        lead = self.settings.remind(kind)
        return max(lead, self.own_lead) if kind in _OWN_REMINDER else lead

    def _end(self, lead: int) -> date:
        """The last day a source with reminders of up to ``lead`` days reads."""
        if self.due_on is None:
            return self.end
        return min(self.end, self.due_on + timedelta(days=lead))

    def _churn_first(self) -> date:
        """Warnings not dismissed stay ``keep_days`` (not ``overdue_days``)."""
        if self.churn is None or not self.include_overdue:
            return self.start
        return self.start - timedelta(days=self.churn.keep_days)

    def collect(self, s: Reader) -> None:
        """Reads the agenda's sources and builds their items. Each source is
        a step (a generator): it names its reads (``ReadAhead``), yields
        once, then builds its items from their rows. On PostgreSQL every
        step names its reads first, and the server runs them one after
        another while the steps build in turn (storage/read_ahead.py); on
        SQLite each step reads and builds in turn, as before."""
        with read_ahead(s) as read:
            # the yearly dates' and thank-yous' queries leave their done days
            # out themselves, as do the churn warnings'
            marks = read(repo.done_keys, min(self.first, self._churn_first()), self.end,
                         (*_DONE_IN_QUERY, *(CHURN_SOURCES if self.churn is not None else ())))
            steps = list(self._steps(read))
            if read.ahead:
                for step in steps:
                    next(step, None)
            for step in steps:
                for _built in step:
                    pass
            done = marks.get()
        if done:  # (source, ref, day): the item's key, made only for the runs of a
            # source that has done marks here
            sources = {source for source, _ref, _day in done}
            self.runs = [[i for i in run if (i.source, i.ref, i.day) not in done]
                         if run and run[0].source in sources else run for run in self.runs]

    def _steps(self, read: ReadAhead) -> Iterator[Iterator[None]]:
        """The steps of the sources wanted, in the order their runs are kept."""
        remind = self.settings.remind
        if self.kinds & {AgendaKind.BIRTHDAY, AgendaKind.WEDDING_ANNIVERSARY,
                         AgendaKind.CUSTOM_DATE}:
            leads = {stored: remind(kind) for stored, kind in _DATE_KINDS.items()}
            yield self._dated(read, repo.dates_with_keys, Source.IMPORTANT_DATE, leads)
        if AgendaKind.FAMILY_BIRTHDAY in self.kinds:
            yield self._dated(read, repo.family_birthdays_with_keys, Source.FAMILY_MEMBER,
                              remind(AgendaKind.FAMILY_BIRTHDAY))
        if AgendaKind.CONTACT_BIRTHDAY in self.kinds:
            yield self._dated(read, repo.contact_birthdays_with_keys, Source.CONTACT_PERSON,
                              remind(AgendaKind.CONTACT_BIRTHDAY))
        if self.kinds & {AgendaKind.FOUNDING_ANNIVERSARY, AgendaKind.RELATIONSHIP_ANNIVERSARY}:
            yield self._anniversaries(read)
        if AgendaKind.FOLLOW_UP in self.kinds:
            yield self._follow_ups(read)
            yield self._thank_yous(read)
        if AgendaKind.NO_CONTACT in self.kinds:
            yield self._not_contacted(read)
        if AgendaKind.FESTIVAL in self.kinds:
            yield self._festivals(read)
        if AgendaKind.COMPLAINT_FOLLOW_UP in self.kinds:
            yield self._complaint_follow_ups(read)
        if self.churn is not None:
            yield self._churn(read, self.churn)

    def _churn(self, read: ReadAhead, settings: ChurnSettings) -> Iterator[None]:
        """The churn warnings (services/churn.py), a step as the others."""
        self.runs += yield from churn.churn_items(
            read, settings, self.today, self._churn_first(),
            self._end(self._lead(AgendaKind.CHURN_WARNING)), self.owner,
            self.settings.remind(AgendaKind.CHURN_WARNING))

    def _dated(self, read: ReadAhead, rows_of: Callable[..., Sequence[repo.Row]], source: str,
               leads: Mapping[str, int] | int) -> Iterator[None]:
        """Items of yearly dates: one query row per date and day it falls on,
        in day order (``self.days``), then ref; a run per kind. ``rows_of``
        is the repository's function of ``source`` (``repo.dates_with_keys``
        and the like), ``leads`` its reminders."""
        rows = read(rows_of, self.days, source, self.owner, self.due_on, leads)
        yield
        runs: dict[AgendaKind, list[AgendaItem]] = {}
        # a row's slot (its day's index and its kind's code, one integer) ->
        # its day, year, DateSpecs by the stored year, agenda kind, default
        # reminder, run's append and day's index, for the kinds of this
        # source wanted (None for the others): a list's index per row
        slots: list[tuple[Any, ...] | None] = [None] * (len(self.days) * repo.KIND_SLOTS)
        for code, stored in enumerate(repo.STORED_KINDS):
            kind = _DATE_KINDS[stored]
            if stored not in _SOURCE_KINDS[source] or kind not in self.kinds:
                continue
            made = (kind, self.settings.remind(kind), runs.setdefault(kind, []).append)
            for n, at in enumerate(self._at):
                slots[n * repo.KIND_SLOTS + code] = (*at, *made, n)
        new = tuple.__new__
        for ref, client_id, name, label, year, remind, slot in rows.get():
            found = slots[slot]
            if found is None:
                continue
            day, occ_year, specs, kind, default, append, n = found
            if year is None:
                years = None
            else:
                years = occ_year - year
                if years <= 0:
                    continue  # the original date itself is not an anniversary
            spec = specs.get(year)
            if spec is None:
                spec = specs[year] = stored_spec(self.days[n][0], year)
            append(new(AgendaItem, (day, kind, source, ref, client_id, name, label, years,
                                    default if remind is None else remind, 0, spec)))
        self.runs += runs.values()

    def _anniversaries(self, read: ReadAhead) -> Iterator[None]:
        """Founding and relationship anniversaries: one query row per client
        and day its date falls on (Today: only once the kind's reminder has
        begun, so a client read for one kind's day makes no item of the
        other's that Today would drop)."""
        leads: dict[str, int] = {}
        runs: list[list[AgendaItem]] = []
        # source -> (its constant, its kind, its reminder, its run's append):
        # the query's rows are in day order, then client, so each source's
        # are a run as they come
        wanted: dict[str, tuple[str, AgendaKind, int, Any]] = {}
        for kind, source in ((AgendaKind.FOUNDING_ANNIVERSARY, Source.FOUNDING),
                             (AgendaKind.RELATIONSHIP_ANNIVERSARY, Source.RELATIONSHIP)):
            if kind in self.kinds:
                leads[source] = remind = self.settings.remind(kind)
                runs.append([])
                wanted[source] = (source, kind, remind, runs[-1].append)
        rows = read(repo.anniversaries_with_keys, self.days, leads, self.owner, self.due_on)
        yield
        # a row's slot (its day's index times 2 plus its source's index in
        # sorted(leads)) -> its day, year, DateSpecs, day's index and source's
        # constant, kind, reminder and run's append
        order = sorted(leads)
        slots: list[tuple[Any, ...]] = [
            (*at, n, *wanted[order[min(code, len(order) - 1)]])
            for n, at in enumerate(self._at) for code in range(2)] if order else []
        new = tuple.__new__
        for client_id, name, year, slot in rows.get():
            day, occ_year, specs, n, source, kind, remind, append = slots[slot]
            years = occ_year - year
            if years <= 0:
                continue  # the founding day itself is not an anniversary
            spec = specs.get(year)
            if spec is None:
                spec = specs[year] = stored_spec(self.days[n][0], year)
            append(new(AgendaItem, (day, kind, source, client_id, client_id, name, "", years,
                                    remind, 0, spec)))
        self.runs += runs

    def _follow_ups(self, read: ReadAhead) -> Iterator[None]:
        """Open follow-ups, read in day order, then interaction (a run as it is)."""
        remind = self.settings.remind(AgendaKind.FOLLOW_UP)
        kind, source = AgendaKind.FOLLOW_UP, Source.INTERACTION
        rows = read(repo.open_follow_ups, self._end(self._lead(AgendaKind.FOLLOW_UP)),
                    self.owner)
        yield
        days, new = repo.Days(), tuple.__new__
        items = [new(AgendaItem, (days[due], kind, source, ref, client_id, name, step, None,
                                  remind, 0, None))
                 for ref, client_id, name, due, step in rows.get()]
        if not self.include_overdue:  # no day before the window's
            items = [i for i in items if i.day >= self.start]
        self.runs.append(items)

    def _thank_yous(self, read: ReadAhead) -> Iterator[None]:
        earliest = self.start - timedelta(days=THANK_YOU_LOOKBACK_DAYS if self.include_overdue
                                          else 0)
        since = datetime.combine(earliest - timedelta(days=THANK_YOU_BY_DAYS), time())
        lead = THANK_YOU_BY_DAYS - THANK_YOU_FROM_DAYS
        end = self._end(lead)
        until = datetime.combine(end - timedelta(days=THANK_YOU_BY_DAYS - 1), time())
        rows = read(repo.milestones_between, since, until, self.owner, THANK_YOU_BY_DAYS)
        yield
        items = []
        days, by = repo.Days(), timedelta(days=THANK_YOU_BY_DAYS)
        for ref, client_id, name, logged, milestone in rows.get():
            due = days[logged] + by
            if self.include_overdue or due >= self.start:
                items.append(AgendaItem(due, AgendaKind.FOLLOW_UP, Source.THANK_YOU, ref,
                                        client_id, name, milestone, None, lead))
        self.runs.append(order_run(items))

    def _not_contacted(self, read: ReadAhead) -> Iterator[None]:
        """Clients who pass their grade's limit in the window (or in the overdue
        lookback) one by one; those who passed it earlier as one backlog item."""
        limits = {g: self.settings.no_contact_limit(g) for g in GRADES}
        remind = self.settings.remind(AgendaKind.NO_CONTACT)
        kind, source = AgendaKind.NO_CONTACT, Source.NO_CONTACT
        after = {g: timedelta(days=n) for g, n in limits.items()}
        rows = read(repo.not_contacted, limits, self.first, self._end(self._lead(kind)),
                    self.owner)
        backlog = (read(repo.count_not_contacted_before, limits, self.first, self.owner)
                   if self.include_overdue else None)
        yield
        # (day of the last contact and grade, one value) -> (day due, that day
        # as text, the grade's limit, the items due that day): thousands of
        # clients share a few hundred of them, and the items are gathered by
        # day as read
        due: dict[Any, tuple[date, str, int, Any]] = {}
        by_day: dict[date, list[AgendaItem]] = {}
        new = tuple.__new__
        # each grade's rows come in the order of the index (last contact):
        # a row mostly has the day and grade of the one before it, compared
        # as they are instead of looked up
        since_was: Any = None
        found: tuple[date, str, int, Any] | None = None
        for client_id, name, since in rows.get():
            if found is None or since != since_was:
                since_was = since
                found = due.get(since)
                if found is None:
                    last, grade = repo.split_day_and_grade(since)
                    day = last + after[grade]
                    found = due[since] = (day, last.isoformat(), limits[grade],
                                          by_day.setdefault(day, []).append)
            day, text, limit, append = found
            append(new(AgendaItem, (day, kind, source, client_id, client_id, name, text,
                                    limit, remind, 0, None)))
        self.runs.append(run_of_days(by_day))
        if backlog is not None and (count := backlog.get()):
            self.runs.append([AgendaItem(self.first - timedelta(days=1), kind,
                                         Source.NO_CONTACT_BACKLOG, 0, None, "", "", None,
                                         remind, count)])

    def _complaint_follow_ups(self, read: ReadAhead) -> Iterator[None]:
        """Resolved complaints wait for a follow-up call within seven days."""
        remind = self.settings.remind(AgendaKind.COMPLAINT_FOLLOW_UP)
        # due = resolution day + 7 <= end  <=>  resolved before end - 6 days, 00:00
        end = self._end(self._lead(AgendaKind.COMPLAINT_FOLLOW_UP))
        before = datetime.combine(end - timedelta(days=FOLLOW_UP_DAYS - 1), time())
        rows = read(repo.resolved_waiting, before, self.owner)
        yield
        items = []
        for ref, client_id, name, number, resolved in rows.get():
            due = follow_up_due(resolved)
            if self.include_overdue or due >= self.start:
                items.append(AgendaItem(due, AgendaKind.COMPLAINT_FOLLOW_UP, Source.COMPLAINT,
                                        ref, client_id, name, number, None, remind))
        self.runs.append(order_run(items))

    def _festivals(self, read: ReadAhead) -> Iterator[None]:
        remind = self.settings.remind(AgendaKind.FESTIVAL)
        found = []
        for index, fest in enumerate(FESTIVALS):
            key: SpecKey = (fest.spec.calendar, fest.spec.month, fest.spec.day, False)
            for day, _year in self.occurrences.get(key, []):
                if self.include_overdue or day >= self.start:
                    found.append((day, index, fest))
        if not found:
            return  # the greeting list is counted only when a festival falls in the window
        count = read(repo.count_graded, self.settings.festival_grades, self.owner)
        yield
        greeted = count.get()
        self.runs.append(order_run([AgendaItem(day, AgendaKind.FESTIVAL, Source.FESTIVAL, index,
                                               None, "", fest.key, None, remind, greeted,
                                               fest.spec)
                                    for day, index, fest in found]))


def month_grid(year: int, month: int) -> tuple[date, date]:
    """First and last day a six-week month view shows (weeks start on Monday)."""
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    return start, start + timedelta(days=41)


def _record_satisfaction(session: Session, complaint_id: int, satisfaction: int | None,
                         now: datetime) -> None:
    """Keep the satisfaction the client gave on a complaint's follow-up call;
    raises ValidationError when there is none (given now or in the complaint)."""
    from desktop_crm.domain.complaint import follow_up_problems
    from desktop_crm.storage import complaint_repo

    complaint = complaint_repo.load(session, complaint_id)
    assert complaint is not None  # its status was just read in this session
    if satisfaction is not None:
        complaint.satisfaction = satisfaction
    errors = follow_up_problems(complaint)
    if errors:
        raise ValidationError(errors)
    if satisfaction is not None:
        complaint_repo.update_fields(session, complaint, now)
