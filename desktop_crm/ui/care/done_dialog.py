"""Mark an agenda item done: how it was done (channel) and what to write on
the client's timeline, prefilled so that Enter is usually enough."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.care import AgendaItem
from desktop_crm.domain.client import ClientRow
from desktop_crm.domain.enums import AgendaKind, Channel
from desktop_crm.i18n import _
from desktop_crm.ui.clients.fields import EnumCombo
from desktop_crm.ui.widgets import mark_invalid

GREETING_NAMES_SHOWN = 12


class MarkDoneDialog(QDialog):
    """Asks for the channel and summary of the interaction to log.

    Attributes:
        channel: how it was done (greeting, call, ...).
        summary: the timeline text.
    """

    def __init__(self, item: AgendaItem, greeted: list[ClientRow] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Mark as done"))
        self.item = item
        heading = QLabel(f"<b>{item.title}</b><br>{item.day.isoformat()} · {item.kind.label}",
                         self)
        heading.setWordWrap(True)
        self.channel = EnumCombo(Channel, False, self)
        self.channel.set_value(item.done_channel)
        self.summary = QLineEdit(item.done_summary, self)
        self.summary.selectAll()
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c0392b;")
        self.error.hide()
        form = QFormLayout()
        form.addRow(_("How"), self.channel)
        form.addRow(_("Timeline entry *"), self.summary)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        if item.kind == AgendaKind.FESTIVAL:
            names = [r.name for r in (greeted or [])]
            shown = "、".join(names[:GREETING_NAMES_SHOWN])
            if len(names) > GREETING_NAMES_SHOWN:
                shown += " " + _("and {n} more", n=len(names) - GREETING_NAMES_SHOWN)
            note = QLabel(_("Logs a greeting on the timeline of each of these {n} clients: "
                            "{names}", n=len(names), names=shown), self)
            note.setWordWrap(True)
            layout.addWidget(note)
        else:
            note = QLabel(_("This is written on {client}'s timeline.", client=item.client), self)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Mark as done"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, self.sizeHint().height())

    def chosen_channel(self) -> Channel:
        return Channel(self.channel.value() or self.item.done_channel)

    def _accept(self) -> None:
        if not self.summary.text().strip():
            self.error.setText(_("Write what happened"))
            self.error.show()
            mark_invalid(self.summary, self.error.text())
            self.summary.setFocus()
            return
        self.accept()
