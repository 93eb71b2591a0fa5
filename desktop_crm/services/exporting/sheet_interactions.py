"""The Interactions sheet: every timeline entry of the exported clients."""

from __future__ import annotations

from desktop_crm.i18n import N_
from desktop_crm.services.exporting import texts
from desktop_crm.services.exporting.cells import DATETIME_FORMAT, Column
from desktop_crm.services.exporting.pages import InteractionLine
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.exporting.texts import Texts

COLUMNS = (Column(N_("Client ID"), 8), Column(N_("Client"), 16),
           Column(N_("When"), 16, DATETIME_FORMAT), Column(N_("Contact channel"), 10),
           Column(N_("What happened"), 40), Column(N_("Next step"), 24),
           Column(N_("Follow up on"), 12), Column(N_("Follow-up done"), 8),
           Column(N_("Milestone"), 10), Column(N_("UUID"), 38), Column(N_("Client UUID"), 38))


class InteractionsSheet:
    """Writes the Interactions sheet."""

    def __init__(self, book: Book, t: Texts) -> None:
        self.t = t
        self.out = SheetWriter.create(book, t(texts.INTERACTIONS), [t(c.header) for c in COLUMNS],
                               COLUMNS)

    def add(self, line: InteractionLine, client: str, client_uuid: str) -> None:
        t = self.t
        self.out.append([line.client_id, client, line.occurred_at, t.label(line.channel),
                         line.summary, line.next_step, line.follow_up_on,
                         t.yes_no(line.follow_up_done) if line.follow_up_on else None,
                         t.label(line.milestone), line.uuid, client_uuid])

    def finish(self) -> None:
        self.out.finish()
