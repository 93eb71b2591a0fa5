"""Mark an agenda item done: how it was done (channel) and what to write on
the client's timeline, prefilled so that Enter is usually enough. The
thank-you call after a delivery or deal also asks the client's satisfaction
(1-5, the source's survey after service), and the timeline entry is then the
client's feedback."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.care import AgendaItem, Source
from desktop_crm.domain.client import ClientRow
from desktop_crm.domain.enums import AgendaKind, Channel
from desktop_crm.i18n import N_, _, ngettext
from desktop_crm.ui.clients.fields import EnumCombo
from desktop_crm.ui.widgets import mark_invalid

GREETING_NAMES_SHOWN = 12
SATISFACTION_LABELS = (
    (5, N_("5 - Very satisfied")), (4, N_("4 - Satisfied")), (3, N_("3 - Neither")),
    (2, N_("2 - Dissatisfied")), (1, N_("1 - Very dissatisfied")))


class MarkDoneDialog(QDialog):
    """Asks for the channel and summary of the interaction to log.

    Attributes:
        channel: how it was done (greeting, call, ...).
        summary: the timeline text (the client's feedback after a thank-you call).
        satisfaction: the client's satisfaction, for a thank-you call only
            (None otherwise); its first entry means "not given".
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
        self.satisfaction: QComboBox | None = None
        if item.source == Source.THANK_YOU:
            self.satisfaction = QComboBox(self)
            self.satisfaction.addItem(_("Not given"), None)
            for score, label in SATISFACTION_LABELS:
                self.satisfaction.addItem(_(label), score)
            self.satisfaction.setToolTip(_("What the client answered when asked how "
                                           "satisfied they are (survey after service)"))
            form.addRow(_("Satisfaction"), self.satisfaction)
            form.addRow(_("Client's feedback *"), self.summary)
        else:
            form.addRow(_("Timeline entry *"), self.summary)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        if item.kind == AgendaKind.FESTIVAL:
            names = [r.name for r in (greeted or [])]
            shown = "、".join(names[:GREETING_NAMES_SHOWN])
            if len(names) > GREETING_NAMES_SHOWN:
                shown += " " + _("and {n} more", n=len(names) - GREETING_NAMES_SHOWN)
            note = QLabel(ngettext(
                "Logs a greeting on the timeline of this client: {names}",
                "Logs a greeting on the timeline of each of these {n} clients: {names}",
                len(names), names=shown), self)
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

    def chosen_satisfaction(self) -> int | None:
        """The score chosen (1-5), None when not given or not asked."""
        if self.satisfaction is None:
            return None
        score = self.satisfaction.currentData()
        return int(score) if score is not None else None

    def set_satisfaction(self, score: int | None) -> None:
        if self.satisfaction is not None:
            self.satisfaction.setCurrentIndex(max(self.satisfaction.findData(score), 0))

    def _accept(self) -> None:
        if not self.summary.text().strip():
            self.error.setText(_("Write what happened"))
            self.error.show()
            mark_invalid(self.summary, self.error.text())
            self.summary.setFocus()
            return
        self.accept()
