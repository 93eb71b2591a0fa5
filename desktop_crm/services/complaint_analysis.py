"""Complaint analysis (投诉分析) for a chosen period: counts by category,
department and month, the Pareto of causes by department, reply and resolution
times, the share replied in time and followed up within seven days, the
satisfaction of complainants, repeat complainers and the improvement actions.

The figures are computed in one pass by :func:`summarise`, a pure function of
the complaints, so it is tested without a database; :func:`analyse` reads the
complaints of the period through the ComplaintService.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from desktop_crm.domain.complaint import (
    Complaint,
    ComplaintCategory,
    ComplaintCause,
    follow_up_due,
    reply_due,
)
from desktop_crm.i18n import _
from desktop_crm.services.complaints import ComplaintFilter, ComplaintService

__all__ = [
    "PERIODS",
    "ComplaintAnalysis",
    "Improvement",
    "ParetoRow",
    "RepeatComplainer",
    "analyse",
    "cause_label",
    "department_label",
    "hours_text",
    "month_keys",
    "period_range",
    "share_text",
    "summarise",
]

# The period chooser's choices; "custom" takes its dates from the user.
PERIODS = ("this_month", "last_3_months", "this_year", "all", "custom")


class ParetoRow(NamedTuple):
    """One bar of the Pareto chart: a (department, cause) pair.

    ``department`` is "" when no department was named, ``cause`` a
    ComplaintCause value or "" when the cause was not classified.
    """

    department: str
    cause: str
    complaints: int
    cumulative_share: float  # 0..1, of all complaints in the period


class RepeatComplainer(NamedTuple):
    client_id: int
    client: str
    complaints: int  # in the period, 2 or more


class Improvement(NamedTuple):
    number: str
    received: date
    category: ComplaintCategory
    text: str
    complaint_id: int | None = None


@dataclass(frozen=True)
class ComplaintAnalysis:
    """The analysis pane's figures for one period.

    Shares and averages are None when nothing could be measured. A share's
    denominator leaves out what is not due yet: a complaint still inside its
    reply deadline, a resolution whose seven days have not passed.
    """

    total: int = 0
    by_category: dict[str, int] = field(default_factory=dict)  # every category, enum order
    by_department: dict[str, int] = field(default_factory=dict)  # most first; "" unassigned
    by_month: dict[str, int] = field(default_factory=dict)  # "2026-09" -> n, no gaps
    pareto: list[ParetoRow] = field(default_factory=list)
    avg_hours_to_first_reply: float | None = None
    avg_hours_to_resolution: float | None = None
    replied_in_time: int = 0
    reply_counted: int = 0
    followed_up_in_time: int = 0
    follow_up_counted: int = 0
    avg_satisfaction: float | None = None
    satisfaction_count: int = 0
    repeat_complainers: list[RepeatComplainer] = field(default_factory=list)
    improvements: list[Improvement] = field(default_factory=list)
    reply_hours: int | None = None  # the reply target used; None: the same day

    @property
    def share_replied_same_day(self) -> float | None:
        """First replies within the target (the same day, or ``reply_hours``)."""
        return self.replied_in_time / self.reply_counted if self.reply_counted else None

    @property
    def share_followed_up_within_7_days(self) -> float | None:
        """Resolved complaints followed up within seven days of the resolution."""
        return (self.followed_up_in_time / self.follow_up_counted
                if self.follow_up_counted else None)


def _month(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def month_keys(first: date, last: date) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive: ["2026-09", "2026-10", ...]."""
    keys = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def _hours(delta: timedelta) -> float:
    return max(delta.total_seconds(), 0.0) / 3600.0


def summarise(complaints: Iterable[Complaint], reply_hours: int | None, now: datetime,
              since: date | None = None, until: date | None = None) -> ComplaintAnalysis:
    """The figures of ``complaints`` in one pass.

    Args:
        complaints: the complaints of the period.
        reply_hours: the first-reply target in hours; None: the same day.
        now: the current time; decides which deadlines have passed.
        since, until: the period, so that ``by_month`` lists its empty months
            too; without them the months run from the first complaint to the
            current month.
    """
    by_category = dict.fromkeys((c.value for c in ComplaintCategory), 0)
    by_department: dict[str, int] = {}
    by_month: dict[str, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    names: dict[int, str] = {}
    per_client: dict[int, int] = {}
    improvements: list[Improvement] = []
    reply_total = resolution_total = 0.0
    replies = resolutions = 0
    replied_in_time = reply_counted = 0
    followed_in_time = follow_counted = 0
    satisfaction_sum = satisfaction_n = 0
    total = 0
    first_day: date | None = None
    last_day: date | None = None

    for c in complaints:
        total += 1
        received = c.received_at.date()
        first_day = received if first_day is None or received < first_day else first_day
        last_day = received if last_day is None or received > last_day else last_day
        by_category[c.category.value] = by_category.get(c.category.value, 0) + 1
        by_department[c.department] = by_department.get(c.department, 0) + 1
        month = _month(received)
        by_month[month] = by_month.get(month, 0) + 1
        pair = (c.department, c.cause.value if c.cause is not None else "")
        pairs[pair] = pairs.get(pair, 0) + 1
        names.setdefault(c.client_id, c.client)
        per_client[c.client_id] = per_client.get(c.client_id, 0) + 1
        if c.improvement.strip():
            improvements.append(Improvement(c.number, received, c.category,
                                            c.improvement.strip(), c.id))

        due = reply_due(c.received_at, reply_hours)
        if c.first_reply_at is not None:
            replies += 1
            reply_total += _hours(c.first_reply_at - c.received_at)
            reply_counted += 1
            replied_in_time += int(c.first_reply_at <= due)
        elif now > due:  # no reply and the deadline has passed: a miss
            reply_counted += 1

        if c.resolved_at is not None:
            resolutions += 1
            resolution_total += _hours(c.resolved_at - c.received_at)
            deadline = follow_up_due(c.resolved_at)
            if c.followed_up_at is not None:
                follow_counted += 1
                followed_in_time += int(c.followed_up_at.date() <= deadline)
            elif now.date() > deadline:  # still waiting past the seven days
                follow_counted += 1

        if c.satisfaction is not None:
            satisfaction_n += 1
            satisfaction_sum += c.satisfaction

    # months: the whole period, empty months included
    months: dict[str, int] = {}
    start = since or first_day
    end = until or max(now.date(), last_day or now.date())
    if start is not None:
        if first_day is not None:
            start, end = min(start, first_day), max(end, last_day or end)
        months = dict.fromkeys(month_keys(start, end), 0)
    for key, n in by_month.items():
        months[key] = n
    months = dict(sorted(months.items()))

    pareto: list[ParetoRow] = []
    running = 0
    for (department, cause), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
        running += n
        pareto.append(ParetoRow(department, cause, n, running / total))

    repeaters = sorted(
        (RepeatComplainer(client_id, names[client_id], n)
         for client_id, n in per_client.items() if n >= 2),
        key=lambda r: (-r.complaints, r.client, r.client_id))
    # newest first; the service's list is already in that order, so this is linear
    improvements.sort(key=lambda i: (i.received, i.number), reverse=True)

    return ComplaintAnalysis(
        total=total,
        by_category=by_category,
        by_department=dict(sorted(by_department.items(),
                                  key=lambda kv: (-kv[1], kv[0] == "", kv[0]))),
        by_month=months,
        pareto=pareto,
        avg_hours_to_first_reply=reply_total / replies if replies else None,
        avg_hours_to_resolution=resolution_total / resolutions if resolutions else None,
        replied_in_time=replied_in_time,
        reply_counted=reply_counted,
        followed_up_in_time=followed_in_time,
        follow_up_counted=follow_counted,
        avg_satisfaction=satisfaction_sum / satisfaction_n if satisfaction_n else None,
        satisfaction_count=satisfaction_n,
        repeat_complainers=repeaters,
        improvements=improvements,
        reply_hours=reply_hours,
    )


def analyse(service: ComplaintService, since: date | None,
            until: date | None) -> ComplaintAnalysis:
    """The analysis of the complaints received from ``since`` to ``until``
    (inclusive; None: no limit), of clients not in the trash."""
    complaints = service.find(ComplaintFilter(since=since, until=until))
    return summarise(complaints, service.reply_hours(), service.now(), since, until)


# -- periods ---------------------------------------------------------------------

def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_range(kind: str, today: date) -> tuple[date | None, date | None]:
    """(since, until) of a preset period ending today; (None, None) for all time.

    "last_3_months" is the current month and the two before it.
    """
    if kind == "this_month":
        return today.replace(day=1), today
    if kind == "last_3_months":
        return _add_months(today, -2), today
    if kind == "this_year":
        return date(today.year, 1, 1), today
    if kind == "all":
        return None, None
    raise ValueError(f"no preset period {kind!r}")


# -- texts -----------------------------------------------------------------------

def department_label(department: str) -> str:
    return department or _("Unassigned")


def cause_label(cause: str) -> str:
    return ComplaintCause(cause).label if cause else _("Cause not classified")


def hours_text(hours: float | None) -> str:
    """"4.2 h" below a day, "1.5 d" from a day on, "—" without data."""
    if hours is None:
        return "—"
    if hours < 24:
        return _("{n} h", n=f"{hours:.1f}")
    return _("{n} d", n=f"{hours / 24:.1f}")


def share_text(part: int, whole: int) -> str:
    """"67% (4/6)", or "—" when nothing was measured."""
    if not whole:
        return "—"
    return f"{part / whole:.0%} ({part}/{whole})"
