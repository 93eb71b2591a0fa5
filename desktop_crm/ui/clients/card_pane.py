"""The right side of the client-cards tab: the card editor, or a plain line
when no card is open, so that a card the list no longer holds (a search with
no result, a client removed by undoing its import) does not stay on screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from desktop_crm.domain.client import ClientCard
from desktop_crm.i18n import _
from desktop_crm.ui.clients.editor import CardEditor


class CardPane(QStackedWidget):
    """The editor, or the empty state (``empty``) until a card is loaded again.

    The empty state leaves a new, blank card in the editor, so that nothing
    there refers to the card that went away.
    """

    def __init__(self, editor: CardEditor, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self._user = user
        self._reason = ""  # why the pane is empty; "" for the usual line
        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setMargin(24)
        self.addWidget(editor)
        self.addWidget(self.empty)
        editor.loaded.connect(self._on_loaded)
        self.retranslate()

    def set_user(self, user: str) -> None:
        """The owner of the blank card left in the editor."""
        self._user = user

    def is_empty(self) -> bool:
        return self.currentWidget() is self.empty

    def show_empty(self, reason: str = "") -> None:
        """Put away the card shown; ``reason`` (one plain line) says why."""
        self.editor.load(ClientCard(owner=self._user))
        self._reason = reason
        self.retranslate()
        self.setCurrentWidget(self.empty)

    def _on_loaded(self) -> None:
        self.setCurrentWidget(self.editor)

    def retranslate(self) -> None:
        hint = _("No client card is open. Choose a client in the list, or press Ctrl+N "
                 "for a new card.")
        self.empty.setText(f"{self._reason}\n\n{hint}" if self._reason else hint)
