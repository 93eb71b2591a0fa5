"""Texts of the workbook in the language chosen for the export.

Headers, sheet names and enum labels are translated with
:func:`desktop_crm.i18n.translate`, so an export in another language than the
window's never switches the global language. The few domain texts that only
exist through ``_()`` (agenda titles, lunar date descriptions) are produced
with :meth:`Texts.domain`, which sets the language for that one call in the
exporting thread only (``i18n.language_in_this_thread``): the export runs on a
worker thread while the window keeps its own language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from desktop_crm import i18n
from desktop_crm.domain import enums
from desktop_crm.i18n import N_, translate

T = TypeVar("T")

# Sheet names (Excel allows 31 characters and no []:*?/\ in them).
SUMMARY = N_("Summary")
CLIENTS = N_("Clients")
CONTACTS = N_("Contacts")
SALES = N_("Sales")
LOYALTY = N_("Loyalty KPIs")
PROFILE = N_("Mackay 66")
EVALUATIONS = N_("Evaluations")
CARE = N_("Care calendar")
COMPLAINTS = N_("Complaints")
INTERACTIONS = N_("Interactions")


class Texts:
    """Translations into one language.

    Attributes:
        lang: "zh" or "en".
    """

    def __init__(self, lang: str) -> None:
        if lang not in i18n.LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}")
        self.lang = lang
        # labels by member, looked up for most rows of the workbook (a
        # translation costs a catalogue lookup each time). Keyed by identity:
        # members are string enums, and those of two enums with the same value
        # (Gender.OTHER, PhoneKind.OTHER) are equal and hash alike.
        self._labels: dict[int, str] = {}
        self._yes_no = (translate(N_("No"), lang), translate(N_("Yes"), lang))

    def __call__(self, msgid: str, **params: object) -> str:
        return translate(msgid, self.lang, **params)

    def label(self, member: enums.LabelledEnum | None) -> str:
        """The member's label in this language; "" for None."""
        if member is None:
            return ""
        found = self._labels.get(id(member))
        if found is None:
            found = self._labels[id(member)] = member.label_in(self.lang)
        return found

    def yes_no(self, value: bool) -> str:
        return self._yes_no[bool(value)]

    def domain(self, make: Callable[[], T]) -> T:
        """``make()`` with ``_()`` in this language, in this thread only."""
        if i18n.language() == self.lang:
            return make()
        with i18n.language_in_this_thread(self.lang):
            return make()
