"""The pre-visit brief (拜访前简报): what one client's card, timeline,
complaints, orders and contact people say, cut to what fits one page (two at
most) to read before a visit.

Pure Python: ``build_brief`` takes what the service read from the database
and returns a ``Brief`` whose lists are capped and whose texts are
shortened with an ellipsis, so that a card with every field filled at its
limits still prints on at most two pages; each capped list says how many it
left out ("and N more"). The renderer (ui.brief) only lays it out.

Confidential profile answers (confidential by nature or marked private by
the user) are left out unless asked for; the brief says how many it left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from desktop_crm.domain import profile
from desktop_crm.domain.care import AgendaItem, Source
from desktop_crm.domain.client import ClientCard, Interaction
from desktop_crm.domain.complaint import (
    OPEN_STATUSES,
    Complaint,
    ComplaintStatus,
    follow_up_due,
    follow_up_overdue,
    reply_due,
    reply_overdue,
)
from desktop_crm.domain.contact import ContactPerson
from desktop_crm.domain.dates import DateSpec, next_occurrence, years_at
from desktop_crm.domain.enums import AgendaKind, ClientKind, DateKind
from desktop_crm.domain.evaluation import Evaluation
from desktop_crm.domain.loyalty_plan import PLAN_STATES, LoyaltyPlan, advice, service_class
from desktop_crm.domain.sales import Order, OrderStatus
from desktop_crm.domain.scoring import GRADES, grade_strategy, grade_title

# How far ahead the brief looks for birthdays and anniversaries.
DATES_AHEAD_DAYS = 30
# The caps that keep a brief on two pages whatever the card holds (in
# characters: a Chinese character is as wide as two Latin letters).
MAX_NAME = 40
MAX_HEADER = 60  # the company, the title
MAX_LINE = 80  # an address, a date's text
MAX_SHORT = 30  # an e-mail, a WeChat id, a product, a contact's name or title
MAX_ANSWER = 80  # one profile answer
MAX_QUESTION = 40  # one profile question's wording
MAX_ANSWERS = 20
MAX_PHONES = 4
MAX_ADVICE = 4
MAX_TAGS = 6
MAX_TAG = 16
MAX_INTERACTIONS = 5
MAX_SUMMARY = 90
MAX_STEP = 60
MAX_COMPLAINTS = 3
MAX_COMPLAINT_WORDS = 80
MAX_DATES = 8
MAX_CONTACTS = 5
MAX_ORDERS = 3
ELLIPSIS = "…"
T = TypeVar("T")


def shorten(text: str, limit: int) -> str:
    """``text`` on one line (runs of white space become one space), cut to
    ``limit`` characters with an ellipsis when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + ELLIPSIS


def _cap(items: Sequence[T], limit: int) -> tuple[tuple[T, ...], int]:
    return tuple(items[:limit]), max(0, len(items) - limit)


@dataclass(frozen=True)
class Answer:
    """A filled-in profile answer as the brief shows it."""

    number: int
    question: str
    text: str
    confidential: bool


@dataclass(frozen=True)
class UpcomingDate:
    """A birthday or anniversary in the coming days; ``text`` says whose and
    which (the age or year where known), ``spec_text`` the date as stored
    (a lunar date in lunar words) when it is lunar."""

    day: date
    days_away: int
    kind: AgendaKind
    text: str
    spec_text: str = ""


@dataclass(frozen=True)
class TimelineLine:
    """One of the last interactions."""

    occurred_at: datetime
    channel: str
    summary: str
    next_step: str
    follow_up_on: date | None
    follow_up_done: bool


@dataclass(frozen=True)
class OpenComplaint:
    """An open complaint and its next deadline (``deadline`` None: it waits for
    nothing with a date, e.g. in progress)."""

    number: str
    received_at: datetime
    category: str
    status: str
    priority: str
    words: str
    deadline: datetime | None
    overdue: bool
    follow_up: bool = False  # the deadline is the follow-up call's, not the first reply's


@dataclass(frozen=True)
class ContactLine:
    name: str
    title: str
    role: str
    phone: str


@dataclass(frozen=True)
class SalesFigures:
    """The client's won sales (by currency), the last order, the open orders
    (quoted, or won and not delivered yet) and the late payments."""

    won_this_year: dict[str, Decimal]
    won_last_12_months: dict[str, Decimal]
    orders_last_12_months: int
    last_order: Order | None
    open_orders: tuple[Order, ...]
    more_open_orders: int
    late_payments: int


@dataclass(frozen=True)
class Brief:
    """Everything the brief shows for one client, capped (see the module docstring)."""

    client_id: int
    name: str
    kind: ClientKind
    company: str
    title: str
    phones: tuple[str, ...]
    more_phones: int
    email: str
    wechat: str
    website: str
    address: str
    owner: str
    grade: str | None
    grade_title: str
    grade_strategy: str
    evaluated_on: date | None
    score: float | None
    loyalty: str
    loyalty_advice: tuple[str, ...]
    plan_actions: tuple[str, ...]
    answers: tuple[Answer, ...]
    more_answers: int
    confidential_left_out: int
    interactions: tuple[TimelineLine, ...]
    complaints: tuple[OpenComplaint, ...]
    more_complaints: int
    dates: tuple[UpcomingDate, ...]
    more_dates: int
    sales: SalesFigures | None
    contacts: tuple[ContactLine, ...]
    more_contacts: int
    prepared_at: datetime
    prepared_by: str
    include_confidential: bool = False
    tags: tuple[str, ...] = ()


def _answers(card: ClientCard, include_confidential: bool) -> tuple[list[Answer], int]:
    filled = {n: text for n, text in card.profile.items() if text and text.strip()}
    shown = profile.shareable_answers(filled, card.profile_private, include_confidential)
    answers = [Answer(n, shorten(profile.question(n).text(), MAX_QUESTION),
                      shorten(text, MAX_ANSWER), profile.is_confidential(n, card.profile_private))
               for n, text in shown.items()]
    left_out = sum(1 for n in filled if 1 <= n <= profile.QUESTION_COUNT) - len(shown)
    return answers, left_out


def _date_item(kind: AgendaKind, source: str, who: str, client: str, spec: DateSpec,
               today: date, label: str = "") -> AgendaItem | None:
    day = next_occurrence(spec, today)
    if (day - today).days >= DATES_AHEAD_DAYS:
        return None
    years = years_at(spec, day)
    if years is not None and years <= 0:
        return None  # the original date itself is no anniversary
    detail = who or label
    return AgendaItem(day, kind, source, 0, None, client, detail, years, 0, 0, spec)


def _without_client(item: AgendaItem) -> str:
    """The care calendar's wording of ``item`` without the client's name in
    front (the whole brief is about that client)."""
    marker = "\x00"
    text = item._replace(client=marker).title
    return text.split(marker, 1)[-1].lstrip(":：, ").strip()


def upcoming_dates(card: ClientCard, people: Sequence[ContactPerson],
                   today: date) -> list[UpcomingDate]:
    """The client's birthdays and anniversaries from ``today`` to
    ``DATES_AHEAD_DAYS`` ahead, soonest first; lunar dates converted as the
    care calendar converts them, texts as the calendar words them."""
    name = card.name.strip()
    found: list[AgendaItem | None] = []
    if card.birthday is not None:
        found.append(_date_item(AgendaKind.BIRTHDAY, Source.IMPORTANT_DATE, "", name,
                                card.birthday, today))
    kinds = {DateKind.BIRTHDAY: AgendaKind.BIRTHDAY,
             DateKind.WEDDING_ANNIVERSARY: AgendaKind.WEDDING_ANNIVERSARY,
             DateKind.CUSTOM: AgendaKind.CUSTOM_DATE}
    for item in card.dates:
        found.append(_date_item(kinds[item.kind], Source.IMPORTANT_DATE, "", name, item.spec,
                                today, shorten(item.label, MAX_SHORT)))
    for member in card.family:
        if member.birthday is not None:
            who = shorten(" ".join(p for p in (member.relation.strip(), member.name.strip())
                                   if p), MAX_SHORT)
            found.append(_date_item(AgendaKind.FAMILY_BIRTHDAY, Source.FAMILY_MEMBER, who,
                                    name, member.birthday, today))
    for person in people:
        if person.birthday is not None:
            found.append(_date_item(AgendaKind.CONTACT_BIRTHDAY, Source.CONTACT_PERSON,
                                    shorten(person.name, MAX_SHORT), name, person.birthday,
                                    today))
    for kind, value in ((AgendaKind.FOUNDING_ANNIVERSARY, card.founded_on),
                        (AgendaKind.RELATIONSHIP_ANNIVERSARY, card.relationship_since)):
        if value is not None:
            found.append(_date_item(kind, Source.FOUNDING, "", name,
                                    DateSpec.from_date(value), today))
    items = sorted((i for i in found if i is not None), key=lambda i: (i.day, i.kind.value))
    return [UpcomingDate(i.day, (i.day - today).days, i.kind,
                         shorten(_without_client(i), MAX_LINE),
                         i.spec.describe() if i.spec is not None and i.spec.is_lunar else "")
            for i in items]


def _complaint(c: Complaint, now: datetime, reply_hours: int | None) -> OpenComplaint:
    deadline: datetime | None = None
    overdue = follow_up = False
    if c.status == ComplaintStatus.NEW and c.first_reply_at is None:
        deadline = reply_due(c.received_at, reply_hours)
        overdue = reply_overdue(c, now, reply_hours)
    elif c.status == ComplaintStatus.RESOLVED and c.resolved_at is not None:
        deadline = datetime.combine(follow_up_due(c.resolved_at), datetime.max.time())
        overdue = follow_up_overdue(c, now)
        follow_up = True
    return OpenComplaint(c.number, c.received_at, c.category.label, c.status.label,
                         c.priority.label, shorten(c.restated or c.words, MAX_COMPLAINT_WORDS),
                         deadline, overdue, follow_up)


def _add(totals: dict[str, Decimal], order: Order) -> None:
    totals[order.currency] = totals.get(order.currency, Decimal(0)) + order.amount


def sales_figures(orders: Sequence[Order], today: date) -> SalesFigures | None:
    """The figures of ``orders`` (any order); None when the client has none."""
    if not orders:
        return None
    year_start = date(today.year, 1, 1)
    twelve_months = today - timedelta(days=365)
    this_year: dict[str, Decimal] = {}
    last_12: dict[str, Decimal] = {}
    count = 0
    for order in orders:
        if not order.is_won or order.ordered_on > today:
            continue
        if order.ordered_on >= year_start:
            _add(this_year, order)
        if order.ordered_on > twelve_months:
            _add(last_12, order)
            count += 1
    newest = [replace(o, product=shorten(o.product, MAX_SHORT))
              for o in sorted(orders, key=lambda o: (o.ordered_on, o.id or 0), reverse=True)]
    last = next((o for o in newest if o.status != OrderStatus.LOST), None)
    still_open = [o for o in newest if o.status in (OrderStatus.QUOTED, OrderStatus.WON)]
    shown, more = _cap(still_open, MAX_ORDERS)
    late = sum(1 for o in orders if o.ordered_on > twelve_months and o.is_late(today))
    return SalesFigures(this_year, last_12, count, last, shown, more, late)


def build_brief(card: ClientCard, *, interactions: Sequence[Interaction],
                complaints: Sequence[Complaint], orders: Sequence[Order],
                people: Sequence[ContactPerson], evaluations: Sequence[Evaluation],
                plan: LoyaltyPlan, reply_hours: int | None, now: datetime, user: str,
                include_confidential: bool = False) -> Brief:
    """The brief of ``card`` from what the database holds about it (see the
    module docstring); ``interactions`` newest first, ``evaluations`` oldest
    first, as storage returns them."""
    today = now.date()
    grade = card.grade if card.grade in GRADES else None
    latest = evaluations[-1] if evaluations else None
    cls = service_class(grade)
    loyalty = card.loyalty
    actions = (plan.actions(loyalty, cls) if loyalty is not None and cls
               and loyalty in PLAN_STATES else [])
    phones = [shorten(f"{p.number.strip()} ({p.kind.label})", MAX_SHORT)
              for p in card.phones if p.number.strip()]
    answers, left_out = _answers(card, include_confidential)
    timeline = [TimelineLine(i.occurred_at, i.channel.label, shorten(i.summary, MAX_SUMMARY),
                             shorten(i.next_step, MAX_STEP), i.follow_up_on,
                             i.follow_up_done)
                for i in interactions if not i.mass][:MAX_INTERACTIONS]
    still_open = sorted((c for c in complaints if c.status in OPEN_STATUSES),
                        key=lambda c: c.received_at, reverse=True)
    dates = upcoming_dates(card, people, today)
    contacts = [ContactLine(shorten(p.name, MAX_SHORT), shorten(p.title, MAX_SHORT),
                            p.role.label, shorten(p.primary_phone, MAX_SHORT)) for p in people]
    shown_phones, more_phones = _cap(phones, MAX_PHONES)
    shown_answers, more_answers = _cap(answers, MAX_ANSWERS)
    shown_complaints, more_complaints = _cap(
        [_complaint(c, now, reply_hours) for c in still_open], MAX_COMPLAINTS)
    shown_dates, more_dates = _cap(dates, MAX_DATES)
    shown_contacts, more_contacts = _cap(contacts, MAX_CONTACTS)
    return Brief(
        client_id=card.id or 0, name=shorten(card.name, MAX_NAME), kind=card.kind,
        company=shorten(card.company, MAX_HEADER), title=shorten(card.title, MAX_HEADER),
        phones=shown_phones, more_phones=more_phones, email=shorten(card.email, MAX_SHORT),
        wechat=shorten(card.wechat, MAX_SHORT), website=shorten(card.website, MAX_SHORT),
        address=shorten(card.address, MAX_LINE),
        owner=shorten(card.owner, MAX_SHORT), grade=grade,
        grade_title=grade_title(grade) if grade else "",
        grade_strategy=grade_strategy(grade) if grade else "",
        evaluated_on=latest.evaluated_on if latest else None,
        score=latest.total if latest else None,
        loyalty=loyalty.label if loyalty else "",
        loyalty_advice=tuple(advice(loyalty)[:MAX_ADVICE]) if loyalty else (),
        plan_actions=tuple(shorten(a, MAX_SUMMARY) for a in actions[:MAX_ADVICE]),
        answers=shown_answers, more_answers=more_answers, confidential_left_out=left_out,
        interactions=tuple(timeline), complaints=shown_complaints,
        more_complaints=more_complaints, dates=shown_dates, more_dates=more_dates,
        sales=sales_figures(orders, today), contacts=shown_contacts,
        more_contacts=more_contacts, prepared_at=now, prepared_by=shorten(user, MAX_SHORT),
        include_confidential=include_confidential,
        tags=tuple(shorten(t, MAX_TAG) for t in card.tags[:MAX_TAGS]),
    )
