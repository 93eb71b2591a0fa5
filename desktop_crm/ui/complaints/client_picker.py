"""Choose the client a complaint is about: type a name, pinyin, initials or
phone number, then pick one of the matches (the client list's search)."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from desktop_crm.domain.client import ClientRow
from desktop_crm.i18n import _
from desktop_crm.services.clients import ClientService

MATCHES = 30  # more than a popup can usefully show
SEARCH_DELAY_MS = 150  # wait for the typing to pause before querying


def client_caption(row: ClientRow) -> str:
    return " · ".join(part for part in (row.name, row.company, row.phone) if part)


class ClientPicker(QWidget):
    """A search line and the matching clients.

    Signals:
        changed: the chosen client changed.

    Attributes:
        search: what the user types.
        matches: the clients found; its current entry is the value.
    """

    changed = Signal()

    def __init__(self, service: ClientService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.matches = QComboBox(self)
        self.matches.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.matches.setMinimumContentsLength(12)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.find_now)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 2)
        layout.addWidget(self.matches, 3)
        self.search.textEdited.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self.find_now)
        self.matches.currentIndexChanged.connect(lambda _index: self.changed.emit())
        self.setFocusProxy(self.search)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(_("Name, pinyin, initials or phone"))
        self.search.setToolTip(_("Type to find the client, then pick them on the right"))
        if self.matches.count() == 1 and self.matches.itemData(0) is None:
            self.matches.setItemText(0, self._none_text())

    def _none_text(self) -> str:
        return (_("No client matches") if self.search.text().strip()
                else _("— find the client —"))

    def find_now(self) -> None:
        """Look the typed text up at once and choose the best match."""
        self._timer.stop()
        text = self.search.text().strip()
        if not text:
            return
        current = self.value()
        rows = self._service.search(text, MATCHES)
        self.matches.blockSignals(True)
        self.matches.clear()
        for row in rows:
            self.matches.addItem(client_caption(row), row.id)
        if not rows:
            self.matches.addItem(self._none_text(), None)
        index = self.matches.findData(current) if current is not None else -1
        self.matches.setCurrentIndex(max(index, 0))
        self.matches.blockSignals(False)
        if self.value() != current:
            self.changed.emit()

    def value(self) -> int | None:
        data = self.matches.currentData()
        return int(data) if data is not None else None

    def set_value(self, client_id: int | None, fallback: str = "") -> None:
        """Show ``client_id`` as the only choice (``fallback`` names a client the
        list no longer finds, e.g. one in the trash)."""
        self._timer.stop()
        self.search.clear()
        self.matches.blockSignals(True)
        self.matches.clear()
        if client_id is None:
            self.matches.addItem(self._none_text(), None)
        else:
            rows = self._service.rows([client_id])
            self.matches.addItem(client_caption(rows[0]) if rows else fallback or str(client_id),
                                 client_id)
        self.matches.setCurrentIndex(0)
        self.matches.blockSignals(False)
