"""What the card editor shows by the card's kind: an organisation has a
Contacts page and no individual-only fields (gender, title, home address);
an individual the other way round. Hidden fields keep what they hold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_crm.domain.enums import ClientKind

if TYPE_CHECKING:
    from desktop_crm.ui.clients.editor import CardEditor

# Basics fields that describe a person, not an organisation
PERSON_ONLY = ("gender", "title", "home_address")


def show_for_kind(editor: CardEditor) -> None:
    """Show the editor's pages and fields for the kind chosen on Basics."""
    organisation = editor.basics.kind.value() == ClientKind.ORGANISATION
    editor.pages.setTabVisible(editor.pages.indexOf(editor.contacts), organisation)
    for name in PERSON_ONLY:
        editor.basics.form.setRowVisible(editor.basics.fields[name], not organisation)
