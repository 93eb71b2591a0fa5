"""Bulk actions on many agenda items at once (Today, the care calendar's
list): mark done, postpone, dismiss as no longer relevant.

What each kind of item supports (``why_not``, in domain/care.py, says why
an action does not apply, in a line the window shows as a tooltip):

- follow-ups from an interaction's next step: done (logs the call), postpone
  (moves the follow-up date), dismiss (closes it without logging contact);
- yearly dates (birthdays, anniversaries, custom dates), festivals, thank-yous
  after a delivery or deal and churn warnings: done (logs the greeting or
  call, as one item's "mark as done" does; a festival greets its whole list
  with the mass greeting that does not count as contact), dismiss (taken off
  the agenda, nothing logged); they fall on their own date, so no postpone;
- a client not contacted for long: done (logs the call); it stays until
  someone contacts the client, so no dismiss, no postpone;
- complaint follow-ups: none; the follow-up records whether the client is
  satisfied, so each is marked done on its own;
- the not-contacted backlog: none; it is worked client by client.

Every action is one transaction and returns an ``AgendaReceipt``; ``undo``
reverses it in one transaction, or refuses (``BulkUndoError``, nothing
written) when one of its rows changed since. Items done meanwhile (another
window) are skipped and counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from desktop_crm.domain.care import (  # what each kind supports: the domain's
    DISMISS,
    DONE,
    POSTPONE,
    AgendaItem,
    Source,
    why_not,
)
from desktop_crm.domain.enums import Channel
from desktop_crm.domain.validation import FieldError, ValidationError
from desktop_crm.i18n import _
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.bulk import BulkUndoError
from desktop_crm.storage import care_repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# items that fall on a date of their own and are marked done with a care_done row
_MARKED = (Source.IMPORTANT_DATE, Source.FAMILY_MEMBER, Source.FOUNDING, Source.RELATIONSHIP,
           Source.FESTIVAL, Source.THANK_YOU, Source.CHURN_DROP, Source.CHURN_NO_ORDER,
           Source.CHURN_GRADE, Source.CONTACT_PERSON)


def next_working_day(day: date) -> date:
    """The next day from Monday to Friday after ``day``."""
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class AgendaReceipt:
    """What a bulk action on agenda items wrote, for its undo.

    Attributes:
        action: DONE, POSTPONE or DISMISS.
        items: the items it acted on (those done meanwhile are not among them).
        skipped: how many selected items were done or gone already.
        interaction_ids: timeline entries it logged.
        done_ids: care_done rows it added.
        closed: follow-ups (interaction ids) it marked done.
        moved: postponed follow-ups: interaction id -> the date before.
        day: the date it postponed to.
    """

    action: str
    items: tuple[AgendaItem, ...]
    skipped: int = 0
    interaction_ids: tuple[int, ...] = ()
    done_ids: tuple[int, ...] = ()
    closed: tuple[int, ...] = ()
    moved: dict[int, date | None] = field(default_factory=dict)
    day: date | None = None

    @property
    def count(self) -> int:
        return len(self.items)


class AgendaBulkService:
    """Bulk actions on agenda items, with the agenda service's database,
    clock, user and settings."""

    def __init__(self, agenda: AgendaService) -> None:
        self.agenda = agenda

    def _check(self, items: Sequence[AgendaItem], action: str) -> None:
        for item in items:
            reason = why_not(item, action)
            if reason:
                raise ValidationError([FieldError("items", f"{item.title}: {reason}")])

    # -- actions ------------------------------------------------------------------
    def mark_done(self, items: Sequence[AgendaItem], day: date | None = None, note: str = "",
                  mine: bool = False) -> AgendaReceipt:
        """Log each item's greeting or call on ``day`` (today by default) with
        ``note`` as its text (else the item's usual text) and take the items
        off the agenda. A festival greets its list (only the user's clients
        with ``mine``) with a mass greeting."""
        from desktop_crm.storage import bulk_repo as repo

        self._check(items, DONE)
        now = self.agenda.clock()
        day = day or now.date()
        if day > now.date():
            raise ValidationError([FieldError("day", _("The date is in the future"))])
        when = datetime.combine(day, now.time())
        note = " ".join(note.split())
        grades = self.agenda.settings().festival_grades
        with self.agenda.db.session() as s:
            todo = self._not_done(s, items)
            rows: list[dict[str, Any]] = []
            mass: list[int] = []
            for item in todo:
                text = note or item.done_summary
                if item.client_id is None:  # a festival: its whole greeting list
                    greeted = care_repo.graded_ids(s, grades, self.agenda.owner_for(mine))
                    mass += care_repo.log_for_many(s, greeted, when, Channel.GREETING.value,
                                                   text)
                    continue
                rows.append({"client_id": item.client_id, "occurred_at": when,
                             "channel": item.done_channel.value, "summary": text,
                             "next_step": "", "follow_up_on": None, "follow_up_done": False,
                             "milestone": None, "satisfaction": None, "mass": False,
                             "created_at": now})
            logged = repo.log_interactions(s, rows) if rows else []
            by_client = iter(logged)
            marks, closed = [], []
            for item in todo:
                interaction = next(by_client) if item.client_id is not None else None
                if item.source == Source.INTERACTION:
                    closed.append(item.ref)
                elif item.source in _MARKED:
                    marks.append({"source": item.source, "ref_id": item.ref,
                                  "occurs_on": item.day, "client_id": item.client_id,
                                  "done_at": now, "interaction_id": interaction})
            repo.set_follow_ups_done(s, closed, True)
            done_ids = repo.add_done_marks(s, marks) if marks else []
        return AgendaReceipt(DONE, tuple(todo), len(items) - len(todo),
                             tuple(logged + mass), tuple(done_ids), tuple(closed))

    def postpone(self, items: Sequence[AgendaItem], day: date) -> AgendaReceipt:
        """Move the follow-ups to ``day`` (today or later)."""
        from desktop_crm.storage import bulk_repo as repo

        self._check(items, POSTPONE)
        if day < self.agenda.today():
            raise ValidationError([FieldError("day", _("Choose today or a later date"))])
        with self.agenda.db.session() as s:
            todo = self._not_done(s, items)
            old = repo.follow_ups(s, [i.ref for i in todo])
            repo.set_follow_up_dates(s, {day: [i.ref for i in todo]})
        return AgendaReceipt(POSTPONE, tuple(todo), len(items) - len(todo),
                             moved={i.ref: old[i.ref][0] for i in todo}, day=day)

    def dismiss(self, items: Sequence[AgendaItem]) -> AgendaReceipt:
        """Take the items off the agenda as no longer relevant, logging
        nothing: follow-ups are closed, other items marked done."""
        from desktop_crm.storage import bulk_repo as repo

        self._check(items, DISMISS)
        now = self.agenda.clock()
        with self.agenda.db.session() as s:
            todo = self._not_done(s, items)
            closed = [i.ref for i in todo if i.source == Source.INTERACTION]
            repo.set_follow_ups_done(s, closed, True)
            marks = [{"source": i.source, "ref_id": i.ref, "occurs_on": i.day,
                      "client_id": i.client_id, "done_at": now, "interaction_id": None}
                     for i in todo if i.source in _MARKED]
            done_ids = repo.add_done_marks(s, marks) if marks else []
        return AgendaReceipt(DISMISS, tuple(todo), len(items) - len(todo),
                             done_ids=tuple(done_ids), closed=tuple(closed))

    def _not_done(self, s: Session, items: Sequence[AgendaItem]) -> list[AgendaItem]:
        """The items still open (follow-ups not done, no done mark), each once."""
        from desktop_crm.storage import bulk_repo as repo

        unique = list({i.key: i for i in items}.values())
        follow = repo.follow_ups(s, [i.ref for i in unique if i.source == Source.INTERACTION])
        marked = repo.done_keys_of(s, [i.key for i in unique if i.source in _MARKED])
        return [i for i in unique
                if not (i.source == Source.INTERACTION
                        and (i.ref not in follow or follow[i.ref][1]))
                and i.key not in marked]

    # -- undo -----------------------------------------------------------------------
    def undo(self, receipt: AgendaReceipt) -> int:
        """Reverse the action in one transaction; returns how many items came
        back. Raises BulkUndoError (nothing written) when an entry it logged
        was deleted, a done mark removed, or a follow-up changed since."""
        from desktop_crm.storage import bulk_repo as repo

        with self.agenda.db.session(lock=True) as s:
            changed = self._changed_since(s, receipt)
            if changed:
                raise BulkUndoError(_(
                    "Cannot undo: {items} changed since",
                    items=_names([i.client or i.title for i in changed])))
            repo.delete_done_marks(s, receipt.done_ids)
            repo.delete_interactions(s, receipt.interaction_ids)
            repo.set_follow_ups_done(s, receipt.closed, False)
            by_day: dict[date | None, list[int]] = defaultdict(list)
            for ref, old in receipt.moved.items():
                by_day[old].append(ref)
            repo.set_follow_up_dates(s, by_day)
        return receipt.count

    def _changed_since(self, s: Session, receipt: AgendaReceipt) -> list[AgendaItem]:
        from desktop_crm.storage import bulk_repo as repo

        lost = (len(repo.existing_interactions(s, receipt.interaction_ids))
                != len(receipt.interaction_ids)
                or len(repo.existing_done_marks(s, receipt.done_ids)) != len(receipt.done_ids))
        if lost:  # which item's entry went is not kept: name them all
            return list(receipt.items)
        refs = [*receipt.closed, *receipt.moved]
        state = repo.follow_ups(s, refs)
        bad = {r for r in receipt.closed if state.get(r, (None, False))[1] is not True}
        bad |= {r for r in receipt.moved
                if r not in state or state[r] != (receipt.day, False)}
        return [i for i in receipt.items if i.source == Source.INTERACTION and i.ref in bad]


def _names(names: list[str]) -> str:
    """The first few names and how many more (as an import's summary says
    them; the import code loads only when a bulk change is made)."""
    from desktop_crm.services.importing.service import name_list

    return name_list(names)
