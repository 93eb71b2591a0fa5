"""What the card editor shows by the card's kind: an organisation has its
contact people (a section of the Organisation page, below its fields) and
no individual-only fields (gender, title, home address); an individual the
other way round. Hidden fields keep what they hold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QBoxLayout

from desktop_crm.domain.enums import ClientKind

if TYPE_CHECKING:
    from desktop_crm.ui.clients.editor import CardEditor

# Basics fields that describe a person, not an organisation
PERSON_ONLY = ("gender", "title", "home_address")


def add_contacts_section(editor: CardEditor) -> None:
    """Put the contacts below the Organisation page's fields, taking the room
    left (a separate tab would push the card's last tab out of sight at
    1,280 pixels)."""
    holder = editor.organisation.parentWidget()  # the page's scrolled holder
    layout = holder.layout() if holder is not None else None
    assert isinstance(layout, QBoxLayout)
    layout.insertWidget(layout.indexOf(editor.organisation) + 1, editor.contacts, 1)
    layout.setStretch(layout.count() - 1, 0)  # the page's trailing stretch: the table takes it


def show_for_kind(editor: CardEditor) -> None:
    """Show the editor's sections and fields for the kind chosen on Basics."""
    organisation = editor.basics.kind.value() == ClientKind.ORGANISATION
    editor.contacts.setVisible(organisation)
    for name in PERSON_ONLY:
        editor.basics.form.setRowVisible(editor.basics.fields[name], not organisation)
