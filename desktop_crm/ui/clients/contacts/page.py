"""The organisation card's contact people (联系人), a section of its
Organisation page: its people with their role
in the purchase, phones, e-mail, WeChat and birthday, and Add (Ins) / Edit
(Enter, F2, double-click) / Delete (Del) with Undo (Ctrl+Z) of the last delete
(the shared table behaviour is in ui/clients/record_page.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from desktop_crm.domain.contact import ContactPerson
from desktop_crm.i18n import N_, _
from desktop_crm.services.contacts import ContactService
from desktop_crm.ui.clients.contacts.dialog import ContactDialog
from desktop_crm.ui.clients.record_page import RecordPage


def cells(person: ContactPerson) -> tuple[str, ...]:
    """The table's texts of one person, in HEADERS order."""
    return (person.name, person.title, person.role.label, ", ".join(person.phones),
            person.email, person.wechat,
            person.birthday.describe() if person.birthday else "")


class ContactsPage(RecordPage[ContactPerson]):
    """One organisation's contact people.

    Signals:
        changed: a person was saved, deleted or put back (argument: client id);
            the organisation's history has a new entry.

    Attributes:
        heading: the section's title.
        table: the people; empty: shown instead when there are none.
        last_deleted: the person the last delete removed, for Undo.
    """

    service: ContactService
    heading: QLabel

    HEADERS = (N_("Name"), N_("Title"), N_("Role in the purchase"), N_("Phones"),
               N_("E-mail"), N_("WeChat"), N_("Birthday"))

    def __init__(self, service: ContactService, parent: QWidget | None = None) -> None:
        super().__init__(service, ContactDialog, parent)
        self.table.setMinimumHeight(160)
        self.table.horizontalHeader().setStretchLastSection(True)
        self._box.setContentsMargins(9, 12, 9, 9)  # as the form above it

    def _above_table(self) -> list[QWidget]:
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        return [self.heading]

    def retranslate(self) -> None:
        self.heading.setText(_("Contact people"))
        super().retranslate()

    def _add_text(self) -> str:
        return _("Add contact person… (Ins)")

    def _fetch(self, client_id: int) -> list[ContactPerson]:
        return self.service.people_of(client_id)

    def _texts(self, record: ContactPerson) -> tuple[str, ...]:
        return cells(record)

    def _empty_text(self, saved: bool) -> str:
        if not saved:
            return _("Save the new card first, then add its contact people here.")
        return _("No contact people yet: add who decides, who buys and who "
                 "uses, with Insert or the button below.")

    def _new_record(self, client_id: int) -> ContactPerson:
        return ContactPerson(client_id, "")

    def _remove(self, record_id: int) -> ContactPerson:
        return self.service.remove(record_id)

    def _undo_text(self, record: ContactPerson) -> str:
        return _("Deleted the contact person {name}.", name=record.name)
