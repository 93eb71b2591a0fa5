"""A filter of the client list's bar ("All kinds", "All classifications", ...)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QWidget

from desktop_crm.ui.widgets import refill_combo


class FilterCombo(QComboBox):
    """Asks for the room of its first entry, so that at the usual widths "All
    classifications" is read whole in English, not "All classifica"; in a pane
    the user made narrower it shrinks with the pane instead of holding the pane
    wide. A chosen entry longer than the box ("Company size: 100-499 people")
    is the box's tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(4)
        self.currentIndexChanged.connect(self._show_choice)

    def refill(self, entries: Sequence[tuple[str, object]]) -> None:
        """Replace the (text, data) entries, keeping the choice, quietly."""
        refill_combo(self, entries)
        self._show_choice()
        self.updateGeometry()  # the first entry's width is the new size hint

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.count():
            option = QStyleOptionComboBox()
            self.initStyleOption(option)
            metrics = self.fontMetrics()
            text = QSize(metrics.horizontalAdvance(self.itemText(0)), metrics.height())
            needed = self.style().sizeFromContents(
                QStyle.ContentsType.CT_ComboBox, option, text, self)
            hint.setWidth(max(hint.width(), needed.width()))
        return hint

    def _show_choice(self) -> None:
        self.setToolTip(self.currentText() if self.currentIndex() > 0 else "")
