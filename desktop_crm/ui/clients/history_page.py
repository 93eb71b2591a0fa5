"""Change history of a card: who changed which field when, old and new value."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop_crm.domain import profile
from desktop_crm.domain.client import ChangeEntry
from desktop_crm.i18n import N_, _

FIELD_LABELS: dict[str, str] = {
    "created": N_("Created"),
    "deleted": N_("Moved to trash"),
    "restored": N_("Restored"),
    "kind": N_("Kind"),
    "name": N_("Name"),
    "gender": N_("Gender"),
    "title": N_("Title"),
    "company": N_("Company"),
    "phones": N_("Phones"),
    "email": N_("E-mail"),
    "wechat": N_("WeChat"),
    "address": N_("Address"),
    "home_address": N_("Home address"),
    "industry": N_("Industry"),
    "source": N_("Source"),
    "tags": N_("Tags"),
    "owner": N_("Owner"),
    "notes": N_("Notes"),
    "legal_representative": N_("Legal representative"),
    "founded_on": N_("Founded on"),
    "scale": N_("Scale"),
    "assets": N_("Assets"),
    "org_form": N_("Organisation form"),
    "relationship_since": N_("Client since"),
    "nature": N_("By nature"),
    "stage": N_("By stage"),
    "tenure": N_("By tenure"),
    "volume_tier": N_("By volume"),
    "loyalty": N_("By loyalty"),
    "birthday": N_("Birthday"),
    "birthday_remind_days": N_("Birthday reminder (days before)"),
    "dates": N_("Anniversaries and other dates"),
    "family": N_("Family members"),
    "profile_private": N_("Confidential"),
    "profile_filled_by": N_("Filled in by"),
}


def field_label(field: str) -> str:
    if field.startswith("profile."):
        number = int(field.split(".")[1])
        return _("Profile Q{n}", n=number) + " " + profile.question(number).text()
    return _(FIELD_LABELS.get(field, field))


class HistoryPage(QTableWidget):
    """Read-only table of a card's change log, newest first."""

    HEADERS = (N_("When"), N_("Who"), N_("Field"), N_("Old value"), N_("New value"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self._entries: list[ChangeEntry] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([_(h) for h in self.HEADERS])
        self.show_entries(self._entries)

    def show_entries(self, entries: list[ChangeEntry]) -> None:
        self._entries = entries
        self.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            values = (
                f"{entry.changed_at:%Y-%m-%d %H:%M}",
                entry.user,
                field_label(entry.field),
                entry.old,
                entry.new,
            )
            for col, value in enumerate(values):
                self.setItem(row, col, QTableWidgetItem(value))
