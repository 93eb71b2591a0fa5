"""The interaction timeline with quick entry (Ctrl+L): date, channel, summary,
next step and an optional follow-up date. Entries are saved at once."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.client import Interaction
from desktop_crm.domain.enums import Channel, Milestone
from desktop_crm.domain.validation import ValidationError
from desktop_crm.i18n import N_, _
from desktop_crm.services.clients import ClientService
from desktop_crm.ui.clients.fields import EnumCombo
from desktop_crm.ui.date_edit import DateTimeEdit, OptionalDateEdit, date_problems
from desktop_crm.ui.widgets import mark_invalid


class TimelinePage(QWidget):
    """Timeline of one client.

    Signals:
        logged: an interaction was added or removed (argument: client id).
    """

    logged = Signal(int)

    def __init__(self, service: ClientService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.client_id: int | None = None
        self.entry_box = QGroupBox(self)
        self.when = DateTimeEdit(self.entry_box)
        self.channel = EnumCombo(Channel, False, self.entry_box)
        self.milestone = EnumCombo(Milestone, True, self.entry_box)
        self.summary = QLineEdit(self.entry_box)
        self.next_step = QLineEdit(self.entry_box)
        self.follow_up = OptionalDateEdit(self.entry_box)
        self.log_button = QPushButton(self.entry_box)
        self.error = QLabel(self.entry_box)
        self.error.setStyleSheet("color: #c0392b;")
        self.error.hide()
        form = QFormLayout(self.entry_box)
        self._captions = [QLabel(self.entry_box) for _i in range(5)]
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
        form.addRow(self.log_button)
        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setAlternatingRowColors(True)
        self.delete_button = QPushButton(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.entry_box)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignRight)
        self.log_button.clicked.connect(self.log)
        self.summary.returnPressed.connect(self.log)
        self.delete_button.clicked.connect(self.delete_selected)
        self.list.itemSelectionChanged.connect(
            lambda: self.delete_button.setEnabled(bool(self.list.selectedItems())))
        self.retranslate()
        self.set_client(None)

    def retranslate(self) -> None:
        self.entry_box.setTitle(_("Log an interaction (Ctrl+L)"))
        for caption, text in zip(self._captions,
                                 (N_("When"), N_("What happened *"), N_("Next step"),
                                  N_("Follow up on")),
                                 strict=False):
            caption.setText(_(text))
        self.summary.setPlaceholderText(_("e.g. Visited, presented the new catalogue"))
        self.log_button.setText(_("Add to timeline"))
        self.delete_button.setText(_("Delete entry"))
        self.channel.retranslate()
        self.milestone.retranslate()
        self.milestone.setItemText(0, _("No milestone"))
        self.milestone.setToolTip(_("A delivery or a closed deal puts a thank-you call on the "
                                    "care calendar 2-3 days later"))
        self.empty.setText(_("Save the new card first, then log visits and calls here.")
                           if self.client_id is None else _("No interactions yet."))
        self._fill()

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.entry_box.setEnabled(client_id is not None)
        self.when.setDateTime(QDateTime.currentDateTime())
        self.summary.clear()
        self.next_step.clear()
        self.follow_up.set_value(None)
        self.milestone.set_value(None)
        self._show_error(None)
        self.retranslate()

    def _fill(self) -> None:
        self.list.clear()
        items = self._service.interactions(self.client_id) if self.client_id else []
        for item in items:
            text = f"{item.occurred_at:%Y-%m-%d %H:%M} · {item.channel.label}"
            if item.milestone:
                text += f" · {item.milestone.label}"
            text += f"\n{item.summary}"
            if item.next_step:
                text += "\n" + _("Next step: {text}", text=item.next_step)
            if item.follow_up_on:
                text += "\n" + _("Follow up on {date}", date=item.follow_up_on.isoformat())
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            self.list.addItem(entry)
        self.empty.setVisible(not items)
        self.delete_button.setEnabled(False)

    def reload(self) -> None:
        """Read the timeline again (after an entry was logged elsewhere)."""
        self._fill()

    def focus_entry(self) -> None:
        self.summary.setFocus()
        self.summary.selectAll()

    def _show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        mark_invalid(self.summary, message)

    def log(self) -> None:
        if self.client_id is None:
            return
        if date_problems({"when": self.when, "follow_up": self.follow_up}):
            return  # shown at the field
        value = self.when.dateTime().toPython()
        assert isinstance(value, datetime)
        item = Interaction(
            client_id=self.client_id, occurred_at=value.replace(second=0, microsecond=0),
            channel=Channel(self.channel.value() or Channel.VISIT),
            summary=self.summary.text(), next_step=self.next_step.text(),
            follow_up_on=self.follow_up.value(),
            milestone=Milestone(m) if (m := self.milestone.value()) else None,
        )
        try:
            self._service.log_interaction(item)
        except ValidationError as exc:
            self._show_error(exc.errors[0].message)
            self.summary.setFocus()
            return
        self.set_client(self.client_id)
        self.logged.emit(self.client_id)

    def delete_selected(self) -> None:
        items = self.list.selectedItems()
        if not items or self.client_id is None:
            return
        answer = QMessageBox.question(self, _("Delete entry"),
                                      _("Delete this entry from the timeline?"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._service.delete_interaction(int(items[0].data(Qt.ItemDataRole.UserRole)))
        self._fill()
        self.logged.emit(self.client_id)
