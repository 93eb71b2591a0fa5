"""The Complaints sheet: every complaint of the exported clients, newest first."""

from __future__ import annotations

from datetime import datetime

from desktop_crm.domain.complaint import Complaint, is_overdue
from desktop_crm.i18n import N_
from desktop_crm.services.exporting import texts
from desktop_crm.services.exporting.cells import DATETIME_FORMAT, MONEY_FORMAT, Column
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.exporting.texts import Texts

COLUMNS = (
    Column(N_("Number"), 14), Column(N_("Client ID"), 8), Column(N_("Client"), 16),
    Column(N_("Received"), 16, DATETIME_FORMAT), Column(N_("Complaint channel"), 10),
    Column(N_("Category"), 14), Column(N_("Cause"), 12), Column(N_("Department"), 12),
    Column(N_("Priority"), 8), Column(N_("Status"), 10), Column(N_("Overdue"), 8),
    Column(N_("The client's words"), 40), Column(N_("Problem restated"), 30),
    Column(N_("What the client asks for"), 24), Column(N_("Client's temperament"), 10),
    Column(N_("Escalation level"), 8), Column(N_("Solution"), 30),
    Column(N_("Compensation"), 10, MONEY_FORMAT), Column(N_("Resolution"), 30),
    Column(N_("First reply"), 16, DATETIME_FORMAT), Column(N_("Resolved on"), 16, DATETIME_FORMAT),
    Column(N_("Followed up on"), 16, DATETIME_FORMAT), Column(N_("Closed on"), 16, DATETIME_FORMAT),
    Column(N_("Satisfaction"), 8), Column(N_("Improvement action"), 30),
    Column(N_("UUID"), 38), Column(N_("Client UUID"), 38),
)


class ComplaintsSheet:
    """Writes the Complaints sheet."""

    def __init__(self, book: Book, t: Texts, now: datetime, reply_hours: int | None) -> None:
        self.t, self.now, self.reply_hours = t, now, reply_hours
        self.out = SheetWriter.create(book, t(texts.COMPLAINTS), [t(c.header) for c in COLUMNS],
                                      COLUMNS)

    def add(self, c: Complaint, client_uuid: str) -> None:
        t = self.t
        self.out.append([
            c.number, c.client_id, c.client, c.received_at, t.label(c.channel),
            t.label(c.category), t.label(c.cause), c.department, t.label(c.priority),
            t.label(c.status), t.yes_no(is_overdue(c, self.now, self.reply_hours)), c.words,
            c.restated, c.demand, t.label(c.temperament), c.escalation, c.solution,
            c.compensation, c.resolution, c.first_reply_at, c.resolved_at, c.followed_up_at,
            c.closed_at, c.satisfaction, c.improvement, c.uuid, client_uuid,
        ])

    def finish(self) -> None:
        self.out.finish()
