"""The Contacts sheet: the contact people (联系人) of the exported
organisations, by organisation, in the order they were added, with the
organisation's name and UUID so that a row can be matched back."""

from __future__ import annotations

from desktop_crm.domain.contact import ContactPerson, PurchaseRole
from desktop_crm.i18n import N_
from desktop_crm.services.exporting import texts
from desktop_crm.services.exporting.cells import Column
from desktop_crm.services.exporting.sheet import Book, SheetWriter
from desktop_crm.services.exporting.texts import Texts

COLUMNS = (
    Column(N_("Client ID"), 8), Column(N_("Organisation"), 20), Column(N_("Name"), 12),
    Column(N_("Title"), 14), Column(N_("Role in the purchase"), 12), Column(N_("Phones"), 22),
    Column(N_("E-mail"), 22), Column(N_("WeChat"), 14), Column(N_("Birthday"), 14),
    Column(N_("Notes"), 30), Column(N_("UUID"), 38), Column(N_("Client UUID"), 38),
)


class ContactsSheet:
    """Writes the Contacts sheet."""

    def __init__(self, book: Book, t: Texts) -> None:
        self.t = t
        self.role = {r.value: t.label(r) for r in PurchaseRole}  # looked up once
        self.out = SheetWriter.create(book, t(texts.CONTACTS), [t(c.header) for c in COLUMNS],
                                        COLUMNS)

    def add(self, person: ContactPerson, organisation: str, client_uuid: str) -> None:
        birthday = person.birthday
        self.out.append([
            person.client_id, organisation, person.name, person.title,
            self.role[person.role.value], ", ".join(person.phones), person.email,
            person.wechat, self.t.domain(birthday.describe) if birthday else "",
            person.notes, person.uuid, client_uuid,
        ])

    def finish(self) -> None:
        self.out.finish()
