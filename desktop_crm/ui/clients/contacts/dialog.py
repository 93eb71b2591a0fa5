"""Add or edit one contact person: name, title, role in the purchase,
phones, e-mail, WeChat, birthday (Gregorian or lunar) and notes.

Problems are marked at their field and the dialog stays open until the
person is saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.contact import ContactPerson, PurchaseRole, validate_contact
from desktop_crm.domain.validation import FieldError
from desktop_crm.i18n import N_, _
from desktop_crm.ui.clients.fields import EnumCombo
from desktop_crm.ui.field_errors import save_or_show, show_field_errors
from desktop_crm.ui.widgets import DateSpecEdit, error_label, ok_cancel_buttons

# numbers are separated by these (not by spaces or dashes, which numbers hold)
_PHONE_SPLIT = re.compile(r"[,，;；、/]")

# field name (a ContactPerson attribute) -> caption
CAPTIONS = {
    "name": N_("Name *"), "title": N_("Title"), "role": N_("Role in the purchase"),
    "phones": N_("Phones"), "email": N_("E-mail"), "wechat": N_("WeChat"),
    "birthday": N_("Birthday"), "notes": N_("Notes"),
}


def split_phones(text: str) -> list[str]:
    """The numbers typed in the phones field, in order."""
    return [p.strip() for p in _PHONE_SPLIT.split(text) if p.strip()]


class ContactDialog(QDialog):
    """Edits one contact person and saves it through ``save`` (the contact service's).

    Attributes:
        fields: the editor of each ContactPerson field, by name.
        saved_id: the person's id once saved (None before).
    """

    def __init__(self, person: ContactPerson, today: date,
                 save: Callable[[ContactPerson], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._person = person
        self._today = today
        self._save = save
        self.saved_id: int | None = None
        self.setWindowTitle(_("Edit contact person") if person.id else _("New contact person"))
        self.name = QLineEdit(self)
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(_("e.g. purchasing manager"))
        self.role = EnumCombo(PurchaseRole, False, self)
        self.phones = QLineEdit(self)
        self.phones.setPlaceholderText(_("e.g. 138 0013 8000, 010-6552 9988"))
        self.phones.setToolTip(_("Separate several numbers with commas"))
        self.email = QLineEdit(self)
        self.email.setPlaceholderText("name@example.com")
        self.wechat = QLineEdit(self)
        self.birthday = DateSpecEdit(self)
        self.notes = QPlainTextEdit(self)
        self.notes.setMaximumHeight(90)
        self.fields: dict[str, QWidget] = {
            "name": self.name, "title": self.title, "role": self.role, "phones": self.phones,
            "email": self.email, "wechat": self.wechat, "birthday": self.birthday,
            "notes": self.notes,
        }
        self.form = QFormLayout()
        for name, widget in self.fields.items():
            caption = QLabel(_(CAPTIONS[name]), self)
            caption.setBuddy(widget)
            self.form.addRow(caption, widget)
        self.errors = error_label(self)
        buttons = ok_cancel_buttons(self, self._accept, _("Save contact person"))
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self._load(person)
        self.resize(max(560, self.sizeHint().width()), self.sizeHint().height())
        self.name.setFocus()

    def _load(self, person: ContactPerson) -> None:
        self.name.setText(person.name)
        self.title.setText(person.title)
        self.role.set_value(person.role)
        self.phones.setText(", ".join(person.phones))
        self.email.setText(person.email)
        self.wechat.setText(person.wechat)
        self.birthday.set_value(person.birthday)
        self.notes.setPlainText(person.notes)

    def person(self) -> ContactPerson:
        """The person as entered (not validated)."""
        return ContactPerson(
            client_id=self._person.client_id, name=self.name.text().strip(),
            title=self.title.text().strip(),
            role=PurchaseRole(self.role.value() or PurchaseRole.OTHER),
            phones=split_phones(self.phones.text()), email=self.email.text().strip(),
            wechat=self.wechat.text().strip(), birthday=self.birthday.value(),
            notes=self.notes.toPlainText(), id=self._person.id, uuid=self._person.uuid)

    def _accept(self) -> None:
        person = self.person()
        save_or_show(self, self._save, person, validate_contact(person, self._today))

    def show_errors(self, errors: list[FieldError]) -> None:
        phones = split_phones(self.phones.text())

        def describe(field: str, index: str, message: str) -> str:
            if field == "phones" and index.isdigit() and int(index) < len(phones):
                return f"{phones[int(index)]}: {message}"
            return message

        show_field_errors(self.fields, CAPTIONS, self.errors, errors, describe)
