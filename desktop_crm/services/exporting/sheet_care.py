"""The Care calendar sheet: the agenda of the coming days (overdue items left out)."""

from __future__ import annotations

from desktop_crm.domain.care import AgendaItem
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.i18n import N_
from desktop_crm.services.exporting import texts
from desktop_crm.services.exporting.cells import Column
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.exporting.texts import Texts

COLUMNS = (Column(N_("Date"), 12), Column(N_("Remind from"), 12), Column(N_("Kind"), 14),
           Column(N_("Client ID"), 8), Column(N_("Client"), 16), Column(N_("What to do"), 48),
           Column(N_("Age or years"), 8), Column(N_("Client UUID"), 38))


class CareSheet:
    """Writes the Care calendar sheet."""

    def __init__(self, book: Book, t: Texts) -> None:
        self.t = t
        self.out = SheetWriter.create(book, t(texts.CARE), [t(c.header) for c in COLUMNS], COLUMNS)

    def add(self, item: AgendaItem, client_uuid: str) -> None:
        t = self.t
        self.out.append([item.day, item.remind_from, t.label(item.kind), item.client_id,
                         item.client, t.domain(lambda: item.title),
                         None if item.kind in (AgendaKind.NO_CONTACT, AgendaKind.CHURN_WARNING)
                         else item.years,
                         client_uuid or None])

    def finish(self) -> None:
        self.out.finish()
