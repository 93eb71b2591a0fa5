"""Customer care (客户关怀): what the agenda holds and when it falls due.

An ``AgendaItem`` is one thing to do on one day for one client (or, for a
festival, for a greeting list). ``CareSettings`` holds the user's reminder
lead times and how long each grade may go without contact. Everything here is
pure: the agenda service finds the rows, this module says what they mean.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter
from typing import Any, NamedTuple

from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import AgendaKind, Channel, Milestone
from desktop_crm.domain.festivals import festival
from desktop_crm.domain.validation import MAX_REMIND_DAYS, FieldError
from desktop_crm.i18n import _, ngettext


class Source:
    """Where an item comes from; with ``ref`` and the date it identifies the item."""

    IMPORTANT_DATE = "important_date"  # ref: important_dates.id
    FAMILY_MEMBER = "family_member"  # ref: family_members.id
    FOUNDING = "founding"  # ref: clients.id
    RELATIONSHIP = "relationship"  # ref: clients.id
    INTERACTION = "interaction"  # ref: interactions.id (its follow-up date)
    THANK_YOU = "thank_you"  # ref: interactions.id (the delivery or deal)
    NO_CONTACT = "no_contact"  # ref: clients.id
    NO_CONTACT_BACKLOG = "no_contact_backlog"  # ref 0: every client overdue for long
    FESTIVAL = "festival"  # ref: index in festivals.FESTIVALS
    COMPLAINT = "complaint"  # ref: complaints.id
    # churn warnings (domain.churn); ref: clients.id, the day: when the signal arose
    CHURN_DROP = "churn_drop"
    CHURN_NO_ORDER = "churn_no_order"
    CHURN_GRADE = "churn_grade"
    CONTACT_PERSON = "contact_person"  # ref: contact_people.id (their birthday)


CHURN_SOURCES = (Source.CHURN_DROP, Source.CHURN_NO_ORDER, Source.CHURN_GRADE)


# A thank-you is due within 2-3 days of a delivery or a deal (the source's customer care chapter).
THANK_YOU_FROM_DAYS = 2
THANK_YOU_BY_DAYS = 3

GRADES = ("A", "B", "C", "")  # "" = not evaluated yet

DEFAULT_REMIND_DAYS: dict[AgendaKind, int] = {
    AgendaKind.BIRTHDAY: 3,
    AgendaKind.FAMILY_BIRTHDAY: 3,
    AgendaKind.WEDDING_ANNIVERSARY: 3,
    AgendaKind.FOUNDING_ANNIVERSARY: 7,
    AgendaKind.RELATIONSHIP_ANNIVERSARY: 3,
    AgendaKind.CUSTOM_DATE: 3,
    AgendaKind.FOLLOW_UP: 0,
    AgendaKind.COMPLAINT_FOLLOW_UP: 5,  # from two days after the resolution
    AgendaKind.NO_CONTACT: 0,
    AgendaKind.FESTIVAL: 7,
    AgendaKind.CHURN_WARNING: 0,
    AgendaKind.CONTACT_BIRTHDAY: 3,
}
DEFAULT_NO_CONTACT_DAYS: dict[str, int] = {"A": 30, "B": 60, "C": 90, "": 90}
MAX_NO_CONTACT_DAYS = 3650


@dataclass(frozen=True)
class CareSettings:
    """The user's care preferences, stored as JSON in the database.

    Attributes:
        remind_days: per kind, how many days before its date an item shows on
            the Today tab as a reminder.
        no_contact_days: per grade ("" = unrated), how many days without any
            logged interaction before the client shows as not contacted.
        festival_grades: grades on festival greeting lists; empty = everyone.
        overdue_days: how long a missed yearly date (a birthday) stays overdue.
    """

    remind_days: Mapping[AgendaKind, int] = field(
        default_factory=lambda: dict(DEFAULT_REMIND_DAYS))
    no_contact_days: Mapping[str, int] = field(
        default_factory=lambda: dict(DEFAULT_NO_CONTACT_DAYS))
    festival_grades: tuple[str, ...] = ()
    overdue_days: int = 7

    def remind(self, kind: AgendaKind) -> int:
        return self.remind_days.get(kind, DEFAULT_REMIND_DAYS[kind])

    def no_contact_limit(self, grade: str | None) -> int:
        key = grade or ""
        return self.no_contact_days.get(key, DEFAULT_NO_CONTACT_DAYS.get(key, 90))

    def errors(self) -> list[FieldError]:
        problems = []
        for kind, days in self.remind_days.items():
            if not 0 <= days <= MAX_REMIND_DAYS:
                problems.append(FieldError(f"remind_days.{kind.value}", _(
                    "Remind between 0 and {max} days before", max=MAX_REMIND_DAYS)))
        for grade, days in self.no_contact_days.items():
            if not 1 <= days <= MAX_NO_CONTACT_DAYS:
                problems.append(FieldError(f"no_contact_days.{grade or 'unrated'}", _(
                    "Allow between 1 and {max} days without contact", max=MAX_NO_CONTACT_DAYS)))
        if not 0 <= self.overdue_days <= MAX_REMIND_DAYS:
            problems.append(FieldError("overdue_days", _(
                "Keep missed dates between 0 and {max} days", max=MAX_REMIND_DAYS)))
        return problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "remind_days": {k.value: v for k, v in self.remind_days.items()},
            "no_contact_days": {g or "unrated": v for g, v in self.no_contact_days.items()},
            "festival_grades": list(self.festival_grades),
            "overdue_days": self.overdue_days,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CareSettings:
        """Settings from stored JSON; unknown or malformed entries fall back to defaults."""
        remind = dict(DEFAULT_REMIND_DAYS)
        for key, value in dict(data.get("remind_days") or {}).items():
            if key in AgendaKind._value2member_map_ and isinstance(value, int):
                remind[AgendaKind(key)] = value
        limits = dict(DEFAULT_NO_CONTACT_DAYS)
        for key, value in dict(data.get("no_contact_days") or {}).items():
            grade = "" if key == "unrated" else key
            if grade in GRADES and isinstance(value, int):
                limits[grade] = value
        grades = tuple(g for g in data.get("festival_grades", ()) if g in GRADES)
        overdue = data.get("overdue_days", 7)
        settings = cls(remind, limits, grades, overdue if isinstance(overdue, int) else 7)
        return settings if not settings.errors() else cls()


class AgendaItem(NamedTuple):
    """One thing to do on ``day``. A named tuple: a month of a large book holds
    tens of thousands of items, and tuples are the cheapest immutable records.

    ``years`` is the age or anniversary number where the year is known (for
    ``no_contact``: the grade's limit in days); ``detail`` is the family
    member, the date's label, the follow-up's next step, the milestone or the
    festival key, as the kind needs; ``group_size`` is the size of a festival's
    greeting list, or the number of clients in the not-contacted backlog.
    Churn warnings: a sales drop has the percent in ``years``; "no order" has
    the days without one in ``years``, the grade in ``detail`` and the grade's
    limit in ``group_size``; "grade fell" has the grades before and after in
    ``detail`` ("BC").
    """

    day: date
    kind: AgendaKind
    source: str
    ref: int
    client_id: int | None
    client: str
    detail: str = ""
    years: int | None = None
    remind_days: int = 0
    group_size: int = 0
    spec: DateSpec | None = None

    @property
    def can_be_done(self) -> bool:
        """False for the backlog summary, which is done client by client."""
        return self.source != Source.NO_CONTACT_BACKLOG

    @property
    def key(self) -> tuple[str, int, date]:
        return (self.source, self.ref, self.day)

    @property
    def remind_from(self) -> date:
        return self.day - timedelta(days=self.remind_days)

    def is_overdue(self, today: date) -> bool:
        return self.day < today

    def is_due(self, today: date) -> bool:
        """Overdue, due today, or inside its reminder lead time."""
        return self.remind_from <= today

    @property
    def title(self) -> str:
        """What to do, in the current language."""
        c, d, n = self.client, self.detail, self.years
        match self.kind:
            case AgendaKind.BIRTHDAY:
                return (_("{client}: birthday, turns {n}", client=c, n=n) if n
                        else _("{client}: birthday", client=c))
            case AgendaKind.FAMILY_BIRTHDAY:
                return (_("{client}: birthday of {who}, turns {n}", client=c, who=d, n=n) if n
                        else _("{client}: birthday of {who}", client=c, who=d))
            case AgendaKind.WEDDING_ANNIVERSARY:
                return (_("{client}: wedding anniversary, year {n}", client=c, n=n) if n
                        else _("{client}: wedding anniversary", client=c))
            case AgendaKind.FOUNDING_ANNIVERSARY:
                return (_("{client}: founded one year ago", client=c) if n == 1
                        else _("{client}: founded {n} years ago", client=c, n=n))
            case AgendaKind.RELATIONSHIP_ANNIVERSARY:
                return (_("{client}: one year as our client", client=c) if n == 1
                        else _("{client}: {n} years as our client", client=c, n=n))
            case AgendaKind.CUSTOM_DATE:
                return (_("{client}: {label}, year {n}", client=c, label=d, n=n) if n
                        else _("{client}: {label}", client=c, label=d))
            case AgendaKind.FOLLOW_UP if self.source == Source.THANK_YOU:
                return _("{client}: thank them after the {milestone}", client=c,
                         milestone=Milestone(d).label.lower())
            case AgendaKind.FOLLOW_UP:
                return _("{client}: follow up - {step}", client=c, step=d)
            case AgendaKind.COMPLAINT_FOLLOW_UP:
                return _("{client}: follow up complaint {number}", client=c, number=d)
            case AgendaKind.NO_CONTACT if self.source == Source.NO_CONTACT_BACKLOG:
                return ngettext("{n} client not contacted for longer than their grade allows",
                                "{n} clients not contacted for longer than their grade allows",
                                self.group_size)
            case AgendaKind.NO_CONTACT:
                return ngettext("{client}: no contact since {since} (limit {n} day)",
                                "{client}: no contact since {since} (limit {n} days)", n or 0,
                                client=c, since=d)
            case AgendaKind.FESTIVAL:
                return ngettext("{festival}: greetings to {n} client",
                                "{festival}: greetings to {n} clients",
                                self.group_size, festival=festival(d).name)
            case AgendaKind.CHURN_WARNING:
                return _("{client}: {reason}", client=c, reason=self.churn_reason)
            case AgendaKind.CONTACT_BIRTHDAY:
                return (_("{client}: birthday of contact person {who}, turns {n}", client=c,
                          who=d, n=n) if n
                        else _("{client}: birthday of contact person {who}", client=c, who=d))
        raise AssertionError(self.kind)

    @property
    def churn_reason(self) -> str:
        """Why a churn warning was raised, in the current language."""
        d, n = self.detail, self.years
        if self.source == Source.CHURN_DROP:
            return _("sales down {n}% month on month", n=n)
        if self.source == Source.CHURN_NO_ORDER:
            if d:
                return ngettext("no order for {n} day (grade {grade} allows {limit})",
                                "no order for {n} days (grade {grade} allows {limit})", n or 0,
                                grade=d, limit=self.group_size)
            return ngettext("no order for {n} day (unrated clients: {limit} allowed)",
                            "no order for {n} days (unrated clients: {limit} allowed)", n or 0,
                            limit=self.group_size)
        return _("grade fell {before} → {after}", before=d[:1], after=d[1:])

    @property
    def done_channel(self) -> Channel:
        """How marking the item done is logged on the timeline."""
        if self.kind in (AgendaKind.FOLLOW_UP, AgendaKind.COMPLAINT_FOLLOW_UP,
                         AgendaKind.NO_CONTACT, AgendaKind.CHURN_WARNING):
            return Channel.CALL
        return Channel.GREETING

    @property
    def done_summary(self) -> str:
        """The timeline entry's default text when the item is marked done."""
        d, n = self.detail, self.years
        match self.kind:
            case AgendaKind.BIRTHDAY:
                return _("Birthday greetings sent")
            case AgendaKind.FAMILY_BIRTHDAY | AgendaKind.CONTACT_BIRTHDAY:
                return _("Birthday greetings sent to {who}", who=d)
            case AgendaKind.WEDDING_ANNIVERSARY:
                return _("Wedding anniversary greetings sent")
            case AgendaKind.FOUNDING_ANNIVERSARY:
                return ngettext("Congratulations sent on {n} year since founding",
                                "Congratulations sent on {n} years since founding", n or 0)
            case AgendaKind.RELATIONSHIP_ANNIVERSARY:
                return ngettext("Thanks sent for {n} year of working together",
                                "Thanks sent for {n} years of working together", n or 0)
            case AgendaKind.CUSTOM_DATE:
                return _("Greetings sent: {label}", label=d)
            case AgendaKind.FOLLOW_UP if self.source == Source.THANK_YOU:
                return _("Thanked the client after the {milestone}",
                         milestone=Milestone(d).label.lower())
            case AgendaKind.FOLLOW_UP:
                return _("Followed up: {step}", step=d)
            case AgendaKind.COMPLAINT_FOLLOW_UP:
                return _("Followed up complaint {number}", number=d)
            case AgendaKind.NO_CONTACT:
                return _("Called to keep in touch")
            case AgendaKind.FESTIVAL:
                return _("{festival} greetings sent", festival=festival(d).name)
            case AgendaKind.CHURN_WARNING:
                return _("Looked into the churn warning: {reason}", reason=self.churn_reason)
        raise AssertionError(self.kind)

    def to_json(self) -> dict[str, Any]:
        """The ``agenda --json`` shape of the README's command line, plus a few extra keys."""
        return {
            "date": self.day.isoformat(),
            "kind": self.kind.value,
            "client_id": self.client_id,
            "client": self.client,
            "title": self.title,
            "remind_days": self.remind_days,
            "years": self.years,
        }


# the bulk actions on agenda items (services/agenda_bulk.py); which kinds
# support which is said by ``why_not``, here so that Today's list enables
# its buttons without loading the actions' code
DONE, POSTPONE, DISMISS = "done", "postpone", "dismiss"
ACTIONS = (DONE, POSTPONE, DISMISS)


def why_not(item: AgendaItem, action: str) -> str:
    """Why ``action`` does not apply to ``item``; "" when it does."""
    source = item.source
    if source == Source.NO_CONTACT_BACKLOG:
        return _("The backlog is worked client by client: open it with Enter")
    if source == Source.COMPLAINT:
        return _("A complaint follow-up records whether the client is satisfied: "
                 "mark each one done on its own")
    if action == POSTPONE and source != Source.INTERACTION:
        return _("Only follow-ups can be postponed; this item falls on its own date")
    if action == DISMISS and source == Source.NO_CONTACT:
        return _("A client not contacted stays on the list until someone contacts them")
    return ""


_KIND_ORDER = {kind: i for i, kind in enumerate(AgendaKind)}


_SOURCE_ORDER = {value: i for i, value in enumerate(
    v for k, v in vars(Source).items() if k.isupper())}


def sort_items(items: list[AgendaItem]) -> list[AgendaItem]:
    """By date, then kind (in AgendaKind's order), then source and ref (so the
    order never depends on the order a database returned the rows in: the
    same on every engine and every run); the not-contacted backlog summary
    last. One integer key per item: a month of a large book is tens of
    thousands of items."""
    rank, source = _KIND_ORDER, _SOURCE_ORDER
    backlog = Source.NO_CONTACT_BACKLOG
    items.sort(key=lambda i: ((i.source == backlog) << 104 | i.day.toordinal() << 72
                              | rank[i.kind] << 68 | source[i.source] << 64 | i.ref))
    return items


_DAY, _REF = itemgetter(0), itemgetter(3)


def order_run(run: list[AgendaItem]) -> list[AgendaItem]:
    """Put a run (items of one kind and one source) in day order, then ref,
    in place: two stable sorts by a field, each compared in C, no key made
    per item in Python. Returns ``run``."""
    run.sort(key=_REF)
    run.sort(key=_DAY)
    return run


def run_of_days(buckets: dict[date, list[AgendaItem]]) -> list[AgendaItem]:
    """A run (``order_run``'s order) from items of one kind and source
    already grouped by day (``buckets``: day -> its items): each day's put in
    ref order, the days in order. For sources whose rows share a few hundred
    days (thousands of clients due on each): a sort per day of its own items,
    instead of sorting the whole run twice."""
    run: list[AgendaItem] = []
    for day in sorted(buckets):
        bucket = buckets[day]
        bucket.sort(key=_REF)
        run += bucket
    return run


def in_order(runs: Iterable[list[AgendaItem]]) -> list[AgendaItem]:
    """The items of ``runs`` in ``sort_items``' order, for tens of thousands
    of items: each run holds items of one kind and one source, already in
    day order, then ref (a query's ORDER BY, or ``order_run``). The runs are
    taken in kind and source order, each cut into its days' slices (the
    ends found by bisection), and one stable sort by day of the slices (a
    few hundred: the 30-day agenda at 100,000 clients is 327 slices of
    47,000 items) merges them, so that items of one day stay in kind,
    source and ref order: no key or comparison per item (a stable sort of
    the items by day cost about 3 ms there). Runs of the same kind and
    source are ordered together; the not-contacted backlog comes last."""
    groups: dict[tuple[int, int], list[list[AgendaItem]]] = {}
    for run in runs:
        if run:
            first = run[0]
            groups.setdefault((_KIND_ORDER[first.kind], _SOURCE_ORDER[first.source]),
                              []).append(run)
    slices: list[tuple[date, list[AgendaItem]]] = []
    last: list[AgendaItem] = []
    for key in sorted(groups):
        found = groups[key]
        run = found[0] if len(found) == 1 else order_run([i for r in found for i in r])
        if run[0].source == Source.NO_CONTACT_BACKLOG:
            last += run
            continue
        start, end = 0, len(run)
        while start < end:
            day = run[start][0]
            cut = bisect_right(run, day, start + 1, end, key=_DAY)
            slices.append((day, run[start:cut]))
            start = cut
    slices.sort(key=_DAY)  # (its day, first): stable, so kind and source order stay
    items: list[AgendaItem] = []
    for _day, part in slices:
        items += part
    items += order_run(last)
    return items
