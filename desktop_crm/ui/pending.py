"""A tab whose feature has not been built yet says so plainly."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop_crm.i18n import _


class PendingTab(QWidget):
    """Plain statement that this tab arrives in a later release."""

    def __init__(self, title: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_msgid = title
        self._what = what
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(
            "<h3>" + _(self.title_msgid) + "</h3><p>" + _(self._what) + "</p><p>"
            + _("This tab is not built yet; it comes in a later release.") + "</p>"
        )
