"""Complaint use cases: register, edit, move through the workflow, log the
handling, list and filter. Resolving a complaint puts its follow-up call on
the care calendar (the agenda reads resolved complaints directly)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from desktop_crm.domain.complaint import (
    Complaint,
    ComplaintStatus,
    check_transition,
    follow_up_problems,
    is_overdue,
    validate_complaint,
)
from desktop_crm.domain.validation import FieldError, ValidationError
from desktop_crm.i18n import _
from desktop_crm.services.clients import NotFoundError
from desktop_crm.services.clock import Clock, current_user, system_clock
from desktop_crm.storage import care_repo, client_repo
from desktop_crm.storage import complaint_repo as repo
from desktop_crm.storage.complaint_repo import ComplaintFilter
from desktop_crm.storage.database import Database

__all__ = ["ComplaintFilter", "ComplaintService"]

SETTINGS_KEY = "complaints"
MAX_REPLY_HOURS = 72


class ComplaintService:
    """Everything the complaint tab and the CLI do with complaints.

    Attributes:
        db: the open database.
        clock: returns "now"; injected so tests can fix it.
        user: recorded as the author of log entries and of status changes
            (who registered, moved or reopened a complaint); "Mine" means the
            complaints of the clients this user owns.
    """

    def __init__(self, db: Database, clock: Clock = system_clock, user: str | None = None):
        self.db = db
        self.clock = clock
        self.user = current_user() if user is None else user

    def owner_for(self, mine: bool) -> str | None:
        """The owner a "Mine" list shows (the user), or None for everyone's."""
        return self.user if mine else None

    # -- reading --------------------------------------------------------------
    def get(self, complaint_id: int) -> Complaint:
        with self.db.read() as s:
            found = repo.load(s, complaint_id)
        if found is None:
            raise NotFoundError(_("Complaint {id} does not exist", id=complaint_id))
        return found

    def find(self, flt: ComplaintFilter | None = None, *, mine: bool = False) -> list[Complaint]:
        """The complaints ``flt`` selects; ``mine``: only those of the user's clients."""
        flt = flt or ComplaintFilter()
        if mine:
            flt = dataclasses.replace(flt, owner=self.user)
        with self.db.read() as s:
            return repo.list_complaints(s, flt)

    def for_client(self, client_id: int) -> list[Complaint]:
        return self.find(ComplaintFilter(client_id=client_id))

    def departments(self) -> list[str]:
        with self.db.read() as s:
            return repo.departments(s)

    def reply_hours(self) -> int | None:
        """The first-reply target in hours; None: the same day it arrived."""
        with self.db.read() as s:
            value = care_repo.get_setting(s, SETTINGS_KEY)
        hours = value.get("reply_hours") if isinstance(value, dict) else None
        return hours if isinstance(hours, int) and 0 < hours <= MAX_REPLY_HOURS else None

    def set_reply_hours(self, hours: int | None) -> None:
        if hours is not None and not 0 < hours <= MAX_REPLY_HOURS:
            raise ValidationError([FieldError("reply_hours", _(
                "Reply within 1 to {max} hours, or leave it to the same day",
                max=MAX_REPLY_HOURS))])
        with self.db.session() as s:
            care_repo.set_setting(s, SETTINGS_KEY, {"reply_hours": hours})

    def is_overdue(self, complaint: Complaint, reply_hours: int | None = None) -> bool:
        return is_overdue(complaint, self.clock(), reply_hours)

    # -- writing --------------------------------------------------------------
    def register(self, complaint: Complaint) -> Complaint:
        """Validate and store a new complaint; gives it the year's next number."""
        now = self.clock()
        errors = validate_complaint(complaint, now)
        if errors:
            raise ValidationError(errors)
        year = complaint.received_at.year
        with self.db.session() as s:
            sequence = repo.next_number(s, year)  # first: takes the write lock
            if not client_repo.client_exists(s, complaint.client_id, include_deleted=False):
                raise NotFoundError(_("Client {id} does not exist", id=complaint.client_id))
            complaint.status = ComplaintStatus.NEW
            complaint_id = repo.create(s, complaint, year, sequence, now, self.user)
        return self.get(complaint_id)

    def save(self, complaint: Complaint) -> Complaint:
        """Store edited fields of an existing complaint (not its status)."""
        if complaint.id is None:
            raise ValueError("save() needs a registered complaint")
        errors = validate_complaint(complaint, self.clock())
        if errors:
            raise ValidationError(errors)
        with self.db.session() as s:
            try:
                repo.update_fields(s, complaint, self.clock())
            except LookupError:
                raise NotFoundError(_("Complaint {id} does not exist",
                                      id=complaint.id)) from None
        return self.get(complaint.id)

    def transition(self, complaint_id: int, target: ComplaintStatus, note: str = "") -> Complaint:
        """Move a complaint; raises TransitionError for a move the workflow
        refuses, ValidationError for a follow-up without the client's satisfaction."""
        now = self.clock()
        with self.db.session() as s:
            current = repo.status_of(s, complaint_id)
            if current is None:
                raise NotFoundError(_("Complaint {id} does not exist", id=complaint_id))
            check_transition(current, target)
            if target == ComplaintStatus.FOLLOWED_UP:
                stored = repo.load(s, complaint_id)
                assert stored is not None  # its status was just read in this session
                errors = follow_up_problems(stored)
                if errors:
                    raise ValidationError(errors)
            repo.set_status(s, complaint_id, current, target, now, note.strip(), self.user)
        return self.get(complaint_id)

    def add_log(self, complaint_id: int, text: str) -> Complaint:
        if not text.strip():
            raise ValidationError([FieldError("log", _("Write what was done"))])
        with self.db.session() as s:
            if repo.status_of(s, complaint_id) is None:
                raise NotFoundError(_("Complaint {id} does not exist", id=complaint_id))
            repo.add_log(s, complaint_id, self.clock(), text.strip(), self.user)
        return self.get(complaint_id)

    def now(self) -> datetime:
        return self.clock()
