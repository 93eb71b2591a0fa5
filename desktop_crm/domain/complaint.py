"""Complaints (投诉): the workflow, its deadlines, and the source's handling advice.

A complaint moves new -> in progress -> resolved -> followed up -> closed, and
may be reopened (back to in progress) from resolved, followed up or closed.
The first reply is due the day the complaint arrives (or within a configured
number of hours); the follow-up call no later than seven days after resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

# the status and the follow-up deadline, in a module of their own for Today
from desktop_crm.domain.complaint_status import FOLLOW_UP_DAYS as FOLLOW_UP_DAYS
from desktop_crm.domain.complaint_status import ComplaintStatus as ComplaintStatus
from desktop_crm.domain.complaint_status import follow_up_due as follow_up_due
from desktop_crm.domain.enums import LabelledEnum, register_labels
from desktop_crm.domain.errors import CrmError
from desktop_crm.domain.validation import FieldError
from desktop_crm.i18n import N_, _


class ComplaintCategory(LabelledEnum):
    PRODUCT_QUALITY = "product_quality"
    PACKAGING = "packaging"
    DEFECT = "defect"
    MISUSE = "misuse"
    SERVICE_ATTITUDE = "service_attitude"
    DELIVERY = "delivery"
    BILLING = "billing"
    OTHER = "other"


class ComplaintCause(LabelledEnum):
    PRODUCT = "product"
    SERVICE = "service"
    CUSTOMER = "customer"


class Temperament(LabelledEnum):
    HESITANT = "hesitant"
    FRIENDLY = "friendly"
    INSISTENT = "insistent"
    ANGRY = "angry"


class Priority(LabelledEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class ComplaintChannel(LabelledEnum):
    PHONE = "phone"
    VISIT = "visit"
    WECHAT = "wechat"
    EMAIL = "email"
    LETTER = "letter"
    OTHER = "other"


register_labels({
    "ComplaintCategory": {
        "product_quality": N_("Product quality"), "packaging": N_("Packaging"),
        "defect": N_("Defect"), "misuse": N_("Misuse by the client"),
        "service_attitude": N_("Service attitude"), "delivery": N_("Delivery"),
        "billing": N_("Billing"), "other": N_("Other"),
    },
    "ComplaintCause": {"product": N_("Product"), "service": N_("Service"),
                       "customer": N_("The client's own reasons")},
    "Temperament": {"hesitant": N_("Hesitant"), "friendly": N_("Friendly"),
                    "insistent": N_("Insistent"), "angry": N_("Angry")},
    "Priority": {"low": N_("Low"), "normal": N_("Normal"), "high": N_("High"),
                 "urgent": N_("Urgent")},
    "ComplaintChannel": {"phone": N_("Phone"), "visit": N_("Visit"), "wechat": N_("WeChat"),
                         "email": N_("E-mail"), "letter": N_("Letter"), "other": N_("Other")},
})

S = ComplaintStatus
TRANSITIONS: dict[ComplaintStatus, tuple[ComplaintStatus, ...]] = {
    S.NEW: (S.IN_PROGRESS,),
    S.IN_PROGRESS: (S.RESOLVED,),
    S.RESOLVED: (S.FOLLOWED_UP, S.IN_PROGRESS),
    S.FOLLOWED_UP: (S.CLOSED, S.IN_PROGRESS),
    S.CLOSED: (S.IN_PROGRESS,),
}
OPEN_STATUSES = (S.NEW, S.IN_PROGRESS, S.RESOLVED)  # still needs work from us
FOLLOWED_STATUSES = (S.FOLLOWED_UP, S.CLOSED)  # the client was asked how satisfied they are
MAX_ESCALATION = 3


class TransitionError(ValueError, CrmError):
    """A status change the workflow does not allow."""


def is_reopen(current: ComplaintStatus, target: ComplaintStatus) -> bool:
    return target == S.IN_PROGRESS and current in (S.RESOLVED, S.FOLLOWED_UP, S.CLOSED)


def check_transition(current: ComplaintStatus, target: ComplaintStatus) -> None:
    """Raise TransitionError unless ``current`` may move to ``target``."""
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(s.label for s in TRANSITIONS[current])
        raise TransitionError(_("A complaint that is {current} cannot become {target}; "
                                "it can become: {allowed}", current=current.label,
                                target=target.label, allowed=allowed))


def transition_label(current: ComplaintStatus, target: ComplaintStatus) -> str:
    """The button text for a move: "Start handling", "Reopen", ..."""
    if is_reopen(current, target):
        return _("Reopen")
    return _({
        S.IN_PROGRESS: N_("Start handling"),
        S.RESOLVED: N_("Mark resolved"),
        S.FOLLOWED_UP: N_("Followed up"),
        S.CLOSED: N_("Close"),
    }[target])


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    old: ComplaintStatus | None  # None: registered
    new: ComplaintStatus
    note: str = ""
    user: str = ""  # who made the change ("" before names were recorded)


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    text: str
    author: str = ""


@dataclass
class Complaint:
    """One complaint with everything the source asks to record."""

    client_id: int
    received_at: datetime
    words: str  # the customer's own words
    category: ComplaintCategory = ComplaintCategory.OTHER
    channel: ComplaintChannel = ComplaintChannel.PHONE
    cause: ComplaintCause | None = None
    department: str = ""
    priority: Priority = Priority.NORMAL
    restated: str = ""  # the problem restated and agreed with the client
    demand: str = ""  # what the client asks for
    temperament: Temperament | None = None
    escalation: int = 0  # 0 = the salesperson, higher = more senior handler
    solution: str = ""
    compensation: float = 0.0
    resolution: str = ""  # what was done in the end
    satisfaction: int | None = None  # 1-5 after the follow-up
    improvement: str = ""  # the internal improvement action
    status: ComplaintStatus = ComplaintStatus.NEW
    number: str = ""  # TS-2026-0001, given by storage
    id: int | None = None
    uuid: str = field(default="", compare=False)  # given by storage
    client: str = ""  # the client's name, read-only
    first_reply_at: datetime | None = None
    resolved_at: datetime | None = None
    followed_up_at: datetime | None = None
    closed_at: datetime | None = None
    history: list[StatusChange] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)


def validate_complaint(c: Complaint, now: datetime) -> list[FieldError]:
    errors = []
    if not c.words.strip():
        errors.append(FieldError("words", _("Write down what the client said")))
    if c.received_at > now + timedelta(minutes=5):
        errors.append(FieldError("received_at", _("The complaint cannot arrive in the future")))
    if not 0 <= c.escalation <= MAX_ESCALATION:
        errors.append(FieldError("escalation", _("Escalation goes from 0 to {n}",
                                                 n=MAX_ESCALATION)))
    if c.compensation < 0:
        errors.append(FieldError("compensation", _("Compensation cannot be negative")))
    if c.satisfaction is not None and not 1 <= c.satisfaction <= 5:
        errors.append(FieldError("satisfaction", _("Satisfaction goes from 1 to 5")))
    elif c.status in FOLLOWED_STATUSES:
        errors.extend(follow_up_problems(c))
    return errors


def follow_up_problems(c: Complaint) -> list[FieldError]:
    """What keeps ``c`` from being followed up: the source's last step calls the
    client to confirm the problem is solved and asks how satisfied they are, so
    a follow-up (and a closed complaint) records that satisfaction."""
    if c.satisfaction is None:
        return [FieldError("satisfaction", _(
            "Ask the client how satisfied they are: a follow-up records it"))]
    return []


# -- deadlines ------------------------------------------------------------------

def reply_due(received_at: datetime, reply_hours: int | None = None) -> datetime:
    """When the first reply is due: the end of the day it arrived, or within
    ``reply_hours`` when the team set a tighter target."""
    if reply_hours:
        return received_at + timedelta(hours=reply_hours)
    return datetime.combine(received_at.date(), time(23, 59, 59))


def reply_overdue(c: Complaint, now: datetime, reply_hours: int | None = None) -> bool:
    due = reply_due(c.received_at, reply_hours)
    return (c.first_reply_at or now) > due


def follow_up_overdue(c: Complaint, now: datetime) -> bool:
    if c.resolved_at is None or c.status != S.RESOLVED:
        return False
    return now.date() > follow_up_due(c.resolved_at)


def is_overdue(c: Complaint, now: datetime, reply_hours: int | None = None) -> bool:
    """Still waiting for its first reply past the deadline, or for its follow-up."""
    waiting_reply = c.first_reply_at is None and c.status == S.NEW
    return (waiting_reply and reply_overdue(c, now, reply_hours)) or follow_up_overdue(c, now)


# -- the source's advice ---------------------------------------------------------

_ADVICE = {
    Temperament.HESITANT: N_("Remove their doubts, make the goal clear, and promise to stay "
                             "with them until it is solved."),
    Temperament.FRIENDLY: N_("Thank them for telling you; they are giving you a chance to "
                             "keep them."),
    Temperament.INSISTENT: N_("Act at once and do what they ask as fast as you can."),
    Temperament.ANGRY: N_("Sympathise and let them vent; stay calm, listen, find the root "
                          "cause and solve it fast."),
}

A_BIT_MORE = (  # 七个一点
    N_("A bit more patience"),
    N_("A bit better attitude"),
    N_("A bit faster action: reply the same day, escalate what you cannot solve"),
    N_("A bit more fitting words"),
    N_("A bit more compensation"),
    N_("A bit higher-level handler"),
    N_("A bit more remedies"),
)

STEPS = (  # the source's handling steps, in order
    N_("Listen fully and record the client's words"),
    N_("Ask with care, restate the problem and get agreement"),
    N_("Propose a solution and agree it with the client"),
    N_("Apologise"),
    N_("Act on the solution"),
    N_("Contact the client again within a week to confirm it is solved"),
)


def advice(temperament: Temperament) -> str:
    return _(_ADVICE[temperament])


def a_bit_more() -> list[str]:
    return [_(text) for text in A_BIT_MORE]


def number_text(year: int, sequence: int) -> str:
    """``TS-2026-0001``: the year and a sequence that restarts every year."""
    return f"TS-{year}-{sequence:04d}"


def age_text(c: Complaint, now: datetime) -> str:
    """How long the complaint has been open (or took), for the list."""
    end = c.closed_at or c.followed_up_at or now
    days = (end - c.received_at).days
    if days < 1:
        hours = int((end - c.received_at).total_seconds() // 3600)
        return _("{n} h", n=hours)
    return _("{n} d", n=days)
