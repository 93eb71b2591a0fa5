"""The workflow buttons: one per move the workflow allows from the current
status ("Start handling", "Mark resolved", "Reopen"...), and an optional note
recorded with the status change."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from desktop_crm.domain.complaint import TRANSITIONS, ComplaintStatus, transition_label
from desktop_crm.i18n import _


class TransitionBar(QWidget):
    """Buttons for the legal moves only.

    Signals:
        requested: a move was asked for (arguments: the target ComplaintStatus, the note).

    Attributes:
        status: the status the buttons were made for (None: nothing registered).
        buttons: the buttons, in the order of TRANSITIONS[status].
        note: the optional note for the status history.
    """

    requested = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status: ComplaintStatus | None = None
        self.buttons: list[QPushButton] = []
        self.caption = QLabel(self)
        self.note = QLineEdit(self)
        self.note.setClearButtonEnabled(True)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.caption)
        self._layout.addWidget(self.note, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.caption.setText(_("Next:"))
        self.note.setPlaceholderText(_("Note for the status history (optional)"))
        self.set_status(self.status)

    def set_status(self, status: ComplaintStatus | None) -> None:
        """Offer the moves from ``status``; nothing for an unregistered complaint."""
        self.status = status
        for button in self.buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        self.setVisible(status is not None)
        if status is None:
            return
        for index, target in enumerate(TRANSITIONS[status]):
            button = QPushButton(transition_label(status, target), self)
            button.setProperty("target", target.value)
            button.clicked.connect(lambda _checked=False, t=target: self._request(t))
            self._layout.insertWidget(1 + index, button)
            self.buttons.append(button)

    def _request(self, target: ComplaintStatus) -> None:
        self.requested.emit(target, self.note.text().strip())

    def clear_note(self) -> None:
        self.note.clear()
