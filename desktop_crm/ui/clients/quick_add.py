"""Quick add from an unknown number: a search for phone digits that match
nobody offers "New client with this phone" in the empty list, and Ctrl+N
after such a search does the same: a new card with that phone filled in."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QPushButton, QWidget

from desktop_crm.i18n import _
from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.ui.clients.editor import CardEditor
from desktop_crm.ui.clients.fields import PhoneRow

MIN_DIGITS = 4  # as few as the search matches a number by (its last four digits)
# digits with what people type between them: 138 0013 8000, +86-138-0013-8000, (010) 6552
_PHONE_TEXT = re.compile(r"\+?[\d\s\-().]+")


def phone_query(text: str) -> str | None:
    """``text`` when it is a phone number being searched for (only digits and
    separators, at least MIN_DIGITS digits), else None."""
    text = text.strip()
    if _PHONE_TEXT.fullmatch(text) and sum(c.isdigit() for c in text) >= MIN_DIGITS:
        return text
    return None


class QuickAdd(QPushButton):
    """The empty list's "New client with this phone" button.

    ``phone`` is the number offered (None when nothing is): shown only when
    the search is a phone number that no client has, in the list or the trash,
    whatever the filters (so that no second card is made for a known number).
    """

    def __init__(self, service: ClientService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.phone: str | None = None
        self.hide()

    def update_for(self, search: str, listed: int, trash: bool) -> None:
        """Offer the number of ``search`` when the list shows no client."""
        phone = phone_query(search) if not listed and not trash else None
        if phone is not None and any(
                self._service.list_ids(ClientFilter(text=phone, trash=in_trash))
                for in_trash in (False, True)):
            phone = None  # a filter hides its client: not unknown
        self.phone = phone
        self.retranslate()
        self.setVisible(phone is not None)

    def retranslate(self) -> None:
        self.setText(_("New client with this phone: {phone} (Ctrl+N)", phone=self.phone or ""))

    @staticmethod
    def fill(editor: CardEditor, phone: str) -> None:
        """Put ``phone`` on the new card in ``editor`` as an unsaved edit (so
        that Save is offered), then leave the cursor in the name."""
        row = editor.basics.phones.add_row()
        assert isinstance(row, PhoneRow)
        row.number.setText(phone)
        editor.basics.name.setFocus()
