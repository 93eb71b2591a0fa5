"""Mark an agenda item done: how it was done (channel) and what to write on
the client's timeline, prefilled so that Enter is usually enough. The
thank-you call after a delivery or deal also asks the client's satisfaction
(1-5, the source's survey after service), and the timeline entry is then the
client's feedback."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.care import AgendaItem, Source
from desktop_crm.domain.client import ClientRow
from desktop_crm.domain.enums import AgendaKind, Channel
from desktop_crm.i18n import N_, _, ngettext
from desktop_crm.ui.clients.fields import EnumCombo
from desktop_crm.ui.widgets import mark_invalid, ok_cancel_buttons

RECIPIENT_ROWS_SHOWN = 10  # the greeting list's height in rows; more scroll
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
        if item.source in (Source.THANK_YOU, Source.COMPLAINT):  # a complaint's needs it
            self.satisfaction = QComboBox(self)
            self.satisfaction.addItem(_("Not given"), None)
            for score, label in SATISFACTION_LABELS:
                self.satisfaction.addItem(_(label), score)
            self.satisfaction.setToolTip(_("What the client answered when asked how "
                                           "satisfied they are (survey after service)"))
            form.addRow(_("Satisfaction"), self.satisfaction)
        if item.source == Source.THANK_YOU:
            form.addRow(_("Client's feedback *"), self.summary)
        else:
            form.addRow(_("Timeline entry *"), self.summary)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        self.recipients: RecipientList | None = None
        if item.kind == AgendaKind.FESTIVAL:
            # every recipient, in a list that scrolls (a line of 302 names ran
            # off the dialog), under their count
            rows = greeted or []
            note = QLabel(ngettext("Logs a greeting on the timeline of this client:",
                                   "Logs a greeting on the timeline of each of these {n} clients:",
                                   len(rows), n=f"{len(rows):,}"), self)
            note.setWordWrap(True)
            layout.addWidget(note)
            self.recipients = RecipientList(rows, self)
            layout.addWidget(self.recipients, 1)
        else:
            note = QLabel(_("This is written on {client}'s timeline.", client=item.client), self)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel_buttons(self, self._accept, _("Mark as done")))
        fit_to_screen(self, 480)

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
        if self.item.source == Source.COMPLAINT and self.chosen_satisfaction() is None:
            assert self.satisfaction is not None
            self.error.setText(_("Ask the client how satisfied they are: a follow-up records it"))
            self.error.show()
            mark_invalid(self.satisfaction, self.error.text())
            self.satisfaction.setFocus()
            return
        self.accept()


class RecipientList(QListWidget):
    """A festival's greeting list, one client a row (name · company),
    RECIPIENT_ROWS_SHOWN rows high by preference; the rest scroll."""

    def __init__(self, rows: list[ClientRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.addItems([f"{r.name} · {r.company}" if r.company else r.name for r in rows])
        self._row = self.sizeHintForRow(0) if rows else self.fontMetrics().height()
        self.setMinimumHeight(self._rows_high(3))

    def _rows_high(self, rows: int) -> int:
        return self._row * min(max(self.count(), 1), rows) + 2 * self.frameWidth()

    def sizeHint(self) -> QSize:  # Override QListWidget::sizeHint
        return QSize(super().sizeHint().width(), self._rows_high(RECIPIENT_ROWS_SHOWN))


def fit_to_screen(dialog: QDialog, width: int) -> None:
    """Give ``dialog`` ``width`` and its preferred height, both no larger than
    the screen it opens on (less a margin for the title bar and the panel)."""
    parent = dialog.parentWidget()
    screen = parent.screen() if parent is not None else dialog.screen()
    room = screen.availableGeometry()
    dialog.setMaximumSize(room.width() - 40, room.height() - 80)
    hint = dialog.sizeHint()
    dialog.resize(min(max(width, hint.width()), room.width() - 40),
                  min(hint.height(), room.height() - 80))
