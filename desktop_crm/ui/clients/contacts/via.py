"""The client list's note on an organisation that the search box found
through one of its contact people: "via 周远: 远航贸易"."""

from __future__ import annotations

from desktop_crm.domain.client import ClientRow
from desktop_crm.i18n import _
from desktop_crm.services.clients import ClientService
from desktop_crm.services.contacts import ContactService


class FoundVia:
    """The people each listed organisation was found by, a page at a time
    (the list model fetches its rows so)."""

    def __init__(self, service: ClientService) -> None:
        self._contacts = ContactService(service.db, service.clock, service.user)
        self._via: dict[int, str] = {}

    def clear(self) -> None:
        self._via.clear()

    def add_page(self, rows: list[ClientRow], typed: str) -> None:
        self._via.update(self._contacts.found_via(rows, typed))

    def name(self, item: ClientRow) -> str:
        """The list's name of ``item``, after the people it was found by (first,
        so that a narrow column elides the organisation's name, not them)."""
        people = self._via.get(item.id)
        return _("via {people}: {name}", name=item.name, people=people) if people else item.name
