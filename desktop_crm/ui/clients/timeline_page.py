"""The interaction timeline with quick entry (Ctrl+L): date, channel, summary,
next step and an optional follow-up date. Entries are saved at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.client import Interaction
from desktop_crm.domain.validation import ValidationError
from desktop_crm.i18n import _
from desktop_crm.services.clients import ClientService
from desktop_crm.ui.clients.interaction_dialog import InteractionDialog
from desktop_crm.ui.clients.interaction_fields import InteractionFields
from desktop_crm.ui.date_edit import date_problems
from desktop_crm.ui.entry_list import entry_list


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
        form = QFormLayout(self.entry_box)
        self.fields = InteractionFields(self.entry_box, form)
        fields = self.fields
        self.when, self.channel, self.milestone = fields.when, fields.channel, fields.milestone
        self.summary, self.next_step = fields.summary, fields.next_step
        self.follow_up, self.error = fields.follow_up, fields.error
        self.log_button = QPushButton(self.entry_box)
        form.addRow(self.log_button)
        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.list = entry_list(QListWidget(self))
        self.edit_button = QPushButton(self)
        self.delete_button = QPushButton(self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.entry_box)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.log_button.clicked.connect(self.log)
        self.summary.returnPressed.connect(self.log)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        # F2, Enter or a double-click on an entry opens it for editing
        self.list.itemActivated.connect(lambda _item: self.edit_selected())
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_selected())
        self.edit_action = QAction(self.list)
        self.edit_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.edit_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.edit_action.triggered.connect(self.edit_selected)
        self.list.addAction(self.edit_action)
        self.dialog: InteractionDialog | None = None
        self.retranslate()
        self.set_client(None)

    def retranslate(self) -> None:
        self.entry_box.setTitle(_("Log an interaction (Ctrl+L)"))
        self.fields.retranslate()
        self.log_button.setText(_("Add to timeline"))
        self.edit_button.setText(_("Edit entry… (F2)"))
        self.delete_button.setText(_("Delete entry"))
        self._fill()

    def set_client(self, client_id: int | None,
                   items: list[Interaction] | None = None) -> None:
        """Show ``client_id``'s timeline (None: a card not saved yet);
        ``items``: its entries as already read (else they are read here)."""
        self.client_id = client_id
        self.entry_box.setEnabled(client_id is not None)
        self.fields.clear()
        self._fill(items)

    def _fill(self, items: list[Interaction] | None = None) -> None:
        self.empty.setText(_("Save the new card first, then log visits and calls here.")
                           if self.client_id is None else _("No interactions yet."))
        self.list.clear()
        if items is None:
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
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = bool(self.list.selectedItems())
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def reload(self) -> None:
        """Read the timeline again (after an entry was logged elsewhere)."""
        self._fill()

    def focus_entry(self) -> None:
        self.summary.setFocus()
        self.summary.selectAll()

    def _show_error(self, message: str | None) -> None:
        self.fields.show_error(message)

    def log(self) -> None:
        if self.client_id is None:
            return
        if date_problems({"when": self.when, "follow_up": self.follow_up}):
            return  # shown at the field
        try:
            self._service.log_interaction(self.fields.value(self.client_id))
        except ValidationError as exc:
            self._show_error(exc.errors[0].message)
            self.summary.setFocus()
            return
        self.set_client(self.client_id)
        self.logged.emit(self.client_id)

    def edit_selected(self) -> InteractionDialog | None:
        """Open the selected entry in a dialog; saved, the timeline is read
        again. Opened window-modal; returns the dialog."""
        items = self.list.selectedItems()
        if not items or self.client_id is None:
            return None
        item = self._service.interaction(int(items[0].data(Qt.ItemDataRole.UserRole)))
        dialog = InteractionDialog(self._service, item, self)
        client_id = self.client_id

        def saved() -> None:
            if dialog.changed and self.client_id == client_id:
                self._fill()
                self._select(item.id)
                self.logged.emit(client_id)

        dialog.accepted.connect(saved)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _select(self, interaction_id: int | None) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == interaction_id:
                self.list.setCurrentRow(row)
                return

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
