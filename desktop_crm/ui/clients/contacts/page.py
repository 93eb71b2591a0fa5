"""The organisation card's contact people (联系人), a section of its
Organisation page: its people with their role
in the purchase, phones, e-mail, WeChat and birthday, and Add (Ins) / Edit
(Enter, F2, double-click) / Delete (Del) with Undo (Ctrl+Z) of the last delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.contact import ContactPerson
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.i18n import N_, _
from desktop_crm.services.contacts import ContactService
from desktop_crm.ui.clients.contacts.dialog import ContactDialog

# Builds the person dialog; tests replace it to answer without a modal loop.
DialogFactory = Callable[[ContactPerson, date, Callable[[ContactPerson], int], QWidget],
                         ContactDialog]


def _default_dialog(person: ContactPerson, today: date, save: Callable[[ContactPerson], int],
                    parent: QWidget) -> ContactDialog:
    return ContactDialog(person, today, save, parent)


def cells(person: ContactPerson) -> tuple[str, ...]:
    """The table's texts of one person, in HEADERS order."""
    return (person.name, person.title, person.role.label, ", ".join(person.phones),
            person.email, person.wechat,
            person.birthday.describe() if person.birthday else "")


class ContactsPage(QWidget):
    """One organisation's contact people.

    Signals:
        changed: a person was saved, deleted or put back (argument: client id);
            the organisation's history has a new entry.

    Attributes:
        table: the people; empty: shown instead when there are none.
        last_deleted: the person the last delete removed, for Undo.
    """

    changed = Signal(int)

    HEADERS = (N_("Name"), N_("Title"), N_("Role in the purchase"), N_("Phones"),
               N_("E-mail"), N_("WeChat"), N_("Birthday"))

    def __init__(self, service: ContactService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.dialog_factory: DialogFactory = _default_dialog
        self.client_id: int | None = None
        self.read_only = False
        self.last_deleted: ContactPerson | None = None
        self._people: list[ContactPerson] = []
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.table = QTableWidget(0, len(self.HEADERS), self)
        self.table.setMinimumHeight(160)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.undo_label = QLabel(self)
        self.undo_label.setWordWrap(True)
        self.undo_button = QPushButton(self)
        self.add_button = QPushButton(self)
        self.edit_button = QPushButton(self)
        self.delete_button = QPushButton(self)
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 12, 9, 9)  # as the form above it
        layout.addWidget(self.heading)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.table, 1)
        layout.addLayout(undo_row)
        layout.addLayout(buttons)
        self.add_action = self._shortcut(Qt.Key.Key_Insert, self.add)
        self.edit_action = self._shortcut(Qt.Key.Key_F2, self.edit_selected)
        self.delete_action = self._shortcut(QKeySequence.StandardKey.Delete,
                                            self.delete_selected)
        self.undo_action = self._shortcut(QKeySequence.StandardKey.Undo, self.undo_delete)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button.clicked.connect(self.undo_delete)
        # Enter and double-click
        self.table.cellActivated.connect(lambda row, _column: self.edit_row(row))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._set_undo(None)
        self.retranslate()

    def _shortcut(self, key: QKeySequence | QKeySequence.StandardKey | Qt.Key,
                  slot: Callable[[], object]) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def retranslate(self) -> None:
        self.heading.setText(_("Contact people"))
        self.table.setHorizontalHeaderLabels([_(h) for h in self.HEADERS])
        self.add_button.setText(_("Add contact person… (Ins)"))
        self.edit_button.setText(_("Edit… (Enter)"))
        self.delete_button.setText(_("Delete (Del)"))
        self.undo_button.setText(_("Undo (Ctrl+Z)"))
        self._set_undo(self.last_deleted)
        self._fill()

    # -- showing ----------------------------------------------------------------------
    def set_client(self, client_id: int | None, read_only: bool = False) -> None:
        """List ``client_id``'s people (None: a card not saved yet)."""
        if client_id != self.client_id:
            self._set_undo(None)
        self.client_id = client_id
        self.read_only = read_only
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        """Read the people again; select the person ``select_id`` where given."""
        self._people = (self.service.people_of(self.client_id)
                        if self.client_id is not None else [])
        self._fill(select_id)

    def _fill(self, select_id: int | None = None) -> None:
        people = self._people
        self.table.setRowCount(len(people))
        for row, person in enumerate(people):
            for column, text in enumerate(cells(person)):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, person.id)
                if person.notes:
                    cell.setToolTip(person.notes)
                self.table.setItem(row, column, cell)
            if person.id == select_id:
                self.table.selectRow(row)
        has = bool(people)
        self.table.setVisible(has)
        self.empty.setVisible(not has)
        if self.client_id is None:
            self.empty.setText(_("Save the new card first, then add its contact people here."))
        else:
            self.empty.setText(_("No contact people yet: add who decides, who buys and who "
                                 "uses, with Insert or the button below."))
        if has and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        editable = self.client_id is not None and not self.read_only
        selected = self.selected() is not None
        self.add_button.setEnabled(editable)
        self.edit_button.setEnabled(editable and selected)
        self.delete_button.setEnabled(editable and selected)

    def selected(self) -> ContactPerson | None:
        rows = self.table.selectionModel().selectedRows()
        return self._people[rows[0].row()] if rows else None

    # -- editing ----------------------------------------------------------------------
    def add(self) -> None:
        if self.client_id is None or self.read_only:
            return
        self._open(ContactPerson(self.client_id, ""))

    def edit_selected(self) -> None:
        person = self.selected()
        if person is not None:
            self._open(person)

    def edit_row(self, row: int) -> None:
        if 0 <= row < len(self._people):
            self._open(self._people[row])

    def _open(self, person: ContactPerson) -> None:
        if self.client_id is None or self.read_only:
            return
        dialog = self.dialog_factory(person, self.service.clock().date(), self.service.save,
                                     self)
        try:
            dialog.exec()
            saved = dialog.saved_id
        finally:
            dialog.deleteLater()
        if saved is not None:
            self.reload(saved)
            self.changed.emit(self.client_id)

    def delete_selected(self) -> None:
        person = self.selected()
        if person is None or person.id is None or self.read_only or self.client_id is None:
            return
        row = self.table.currentRow()
        try:
            gone = self.service.remove(person.id)
        except NotFoundError:  # removed in another window meanwhile: show what is left
            self.reload()
            return
        self.reload()
        if self._people:
            self.table.selectRow(min(row, len(self._people) - 1))
        self._set_undo(gone)
        self.changed.emit(self.client_id)

    def undo_delete(self) -> None:
        person = self.last_deleted
        if person is None or self.client_id is None or person.client_id != self.client_id:
            return
        restored = self.service.restore(person)
        self._set_undo(None)
        self.reload(restored)
        self.changed.emit(self.client_id)

    def _set_undo(self, person: ContactPerson | None) -> None:
        self.last_deleted = person
        if person is not None:
            self.undo_label.setText(_("Deleted the contact person {name}.", name=person.name))
        self.undo_label.setVisible(person is not None)
        self.undo_button.setVisible(person is not None)
