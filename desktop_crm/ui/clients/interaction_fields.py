"""The fields of one timeline entry (when, channel, milestone, what happened,
next step, follow-up date), shared by the timeline's quick entry and the
dialog that edits an entry."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop_crm.domain.client import Interaction
from desktop_crm.domain.enums import Channel, Milestone
from desktop_crm.i18n import N_, _
from desktop_crm.ui.clients.fields import EnumCombo
from desktop_crm.ui.date_edit import DateTimeEdit, OptionalDateEdit
from desktop_crm.ui.widgets import error_label, mark_invalid

CAPTIONS = (N_("When"), N_("What happened *"), N_("Next step"), N_("Follow up on"))


class InteractionFields:
    """The entry's widgets, laid out in ``form`` (rows are added to it, so
    the owner may add its own rows below).

    Attributes:
        when, channel, milestone, summary, next_step, follow_up: the fields.
        error: the problem line under them.
    """

    def __init__(self, parent: QWidget, form: QFormLayout) -> None:
        self.when = DateTimeEdit(parent)
        self.channel = EnumCombo(Channel, False, parent)
        self.milestone = EnumCombo(Milestone, True, parent)
        self.summary = QLineEdit(parent)
        self.next_step = QLineEdit(parent)
        self.follow_up = OptionalDateEdit(parent)
        self.error = error_label(parent)
        self._captions = [QLabel(parent) for _text in CAPTIONS]
        row = QHBoxLayout()
        row.addWidget(self.when)
        row.addWidget(self.channel)
        row.addWidget(self.milestone)
        row.addStretch(1)
        form.addRow(self._captions[0], row)
        form.addRow(self._captions[1], self.summary)
        form.addRow(self._captions[2], self.next_step)
        form.addRow(self._captions[3], self.follow_up)
        form.addRow(self.error)

    def retranslate(self) -> None:
        for caption, text in zip(self._captions, CAPTIONS, strict=True):
            caption.setText(_(text))
        self.summary.setPlaceholderText(_("e.g. Visited, presented the new catalogue"))
        self.channel.retranslate()
        self.milestone.retranslate()
        self.milestone.setItemText(0, _("No milestone"))
        self.milestone.setToolTip(_("A delivery or a closed deal puts a thank-you call on the "
                                    "care calendar 2-3 days later"))

    def clear(self) -> None:
        """Empty fields for a new entry, now."""
        self.when.setDateTime(QDateTime.currentDateTime())
        self.summary.clear()
        self.next_step.clear()
        self.follow_up.set_value(None)
        self.milestone.set_value(None)
        self.show_error(None)

    def set_value(self, item: Interaction) -> None:
        at = item.occurred_at
        self.when.setDateTime(QDateTime(QDate(at.year, at.month, at.day),
                                        QTime(at.hour, at.minute)))
        self.channel.set_value(item.channel)
        self.milestone.set_value(item.milestone)
        self.summary.setText(item.summary)
        self.next_step.setText(item.next_step)
        self.follow_up.set_value(item.follow_up_on)
        self.show_error(None)

    def value(self, client_id: int, interaction_id: int | None = None) -> Interaction:
        when = self.when.dateTime().toPython()
        assert isinstance(when, datetime)
        return Interaction(
            client_id=client_id, occurred_at=when.replace(second=0, microsecond=0),
            channel=Channel(self.channel.value() or Channel.VISIT),
            summary=self.summary.text(), next_step=self.next_step.text(),
            follow_up_on=self.follow_up.value(),
            milestone=Milestone(m) if (m := self.milestone.value()) else None,
            id=interaction_id,
        )

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        mark_invalid(self.summary, message)
