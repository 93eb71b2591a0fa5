"""The grade filter of the client list: all grades, A, B, C or unrated (the
latest evaluation's grade, ``ClientFilter.grade``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop_crm.i18n import _
from desktop_crm.ui.clients.filter_combo import FilterCombo
from desktop_crm.ui.evaluation.advice import grade_caption

GRADES = ("A", "B", "C", "unrated")


class GradeFilter(FilterCombo):
    """A combo box whose ``currentData()`` is None (all grades), "A", "B",
    "C" or "unrated"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.retranslate()

    def retranslate(self) -> None:
        """Fill the entries in the current language, keeping the choice: short
        ("Grade B", so the narrow filter bar does not clip it), the grade's
        title ("B Promising client") as the entry's tooltip."""
        self.refill([(_("All grades"), None),
                     *((_("Grade {caption}", caption=g), g) for g in GRADES[:3]),
                     (_("Unrated"), "unrated")])
        for index, grade in enumerate(GRADES[:3], start=1):
            self.setItemData(index, grade_caption(grade), Qt.ItemDataRole.ToolTipRole)
