"""A table of one card's records (its orders, its contact people) with Add
(Ins) / Edit (Enter, F2, double-click) / Delete (Del) with Undo (Ctrl+Z) of
the last delete, an empty state and read-only cards. The Orders page and the
Contacts section subclass it and fill in what differs through small hooks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Generic, Protocol, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
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

from desktop_crm.domain.errors import NotFoundError
from desktop_crm.i18n import _
from desktop_crm.ui.widgets import add_shortcut


class Record(Protocol):
    """What the page needs of a record: its id, its card and its notes."""

    id: int | None
    client_id: int
    notes: str


T = TypeVar("T", bound=Record)
T_contra = TypeVar("T_contra", bound=Record, contravariant=True)


class RecordDialog(Protocol):
    """The edit dialog as the page uses it."""

    saved_id: int | None

    def exec(self) -> int: ...

    def deleteLater(self) -> None: ...


class RecordService(Protocol[T_contra]):
    """The service calls every page makes the same way."""

    clock: Callable[[], datetime]

    def save(self, record: T_contra, /) -> int: ...

    def restore(self, record: T_contra, /) -> int: ...


# Builds the edit dialog (record, today, save, parent); tests replace it to answer
# without a modal loop.
DialogFactory = Callable[[T, date, Callable[[T], int], QWidget], RecordDialog]


class RecordPage(QWidget, Generic[T]):
    """One card's records of one kind.

    Signals:
        changed: a record was saved, deleted or put back (argument: client id).

    Attributes:
        table: the records; empty: shown instead when there are none.
        last_deleted: the record the last delete removed, for Undo.
        dialog_factory: builds the edit dialog.
    """

    changed = Signal(int)

    HEADERS: tuple[str, ...] = ()

    def __init__(self, service: RecordService[T], dialog_factory: DialogFactory[T],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.dialog_factory = dialog_factory
        self.client_id: int | None = None
        self.read_only = False
        self.last_deleted: T | None = None
        self._records: list[T] = []
        self.table = QTableWidget(0, len(self.HEADERS), self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
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
        self._box = layout = QVBoxLayout(self)
        for widget in self._above_table():
            layout.addWidget(widget)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.table, 1)
        for widget in self._below_table():
            layout.addWidget(widget)
        layout.addLayout(undo_row)
        layout.addLayout(buttons)
        self.add_action = add_shortcut(self, Qt.Key.Key_Insert, self.add)
        self.edit_action = add_shortcut(self, Qt.Key.Key_F2, self.edit_selected)
        self.delete_action = add_shortcut(self, QKeySequence.StandardKey.Delete,
                                            self.delete_selected)
        self.undo_action = add_shortcut(self, QKeySequence.StandardKey.Undo, self.undo_delete)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button.clicked.connect(self.undo_delete)
        # Enter and double-click
        self.table.cellActivated.connect(lambda row, _column: self.edit_row(row))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._set_undo(None)
        self.retranslate()

    # -- hooks each page fills in -----------------------------------------------------
    def _above_table(self) -> list[QWidget]:
        """Widgets laid out above the table (made here: called before retranslate)."""
        return []

    def _below_table(self) -> list[QWidget]:
        """Widgets laid out between the table and the undo line."""
        return []

    def _add_text(self) -> str:
        raise NotImplementedError

    def _fetch(self, client_id: int) -> list[T]:
        raise NotImplementedError

    def _texts(self, record: T) -> tuple[str, ...]:
        """The table's texts of one record, in HEADERS order."""
        raise NotImplementedError

    def _decorate(self, cell: QTableWidgetItem, record: T, column: int) -> None:
        """Tooltip, alignment, colour of one cell; by default the notes as tooltip."""
        if record.notes:
            cell.setToolTip(record.notes)

    def _empty_text(self, saved: bool) -> str:
        """The text shown instead of the table (``saved``: the card is in the book)."""
        raise NotImplementedError

    def _filled(self, records: list[T], has: bool) -> None:
        """Called after the table is filled: show what depends on all the records."""

    def _new_record(self, client_id: int) -> T:
        raise NotImplementedError

    def _remove(self, record_id: int) -> T:
        """Delete the record; returns it as it was, for Undo."""
        raise NotImplementedError

    def _undo_text(self, record: T) -> str:
        raise NotImplementedError

    # -- showing ----------------------------------------------------------------------
    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_(h) for h in self.HEADERS])
        self.add_button.setText(self._add_text())
        self.edit_button.setText(_("Edit… (Enter)"))
        self.delete_button.setText(_("Delete (Del)"))
        self.undo_button.setText(_("Undo (Ctrl+Z)"))
        self._set_undo(self.last_deleted)
        self._fill()

    def set_client(self, client_id: int | None, read_only: bool = False,
                   records: list[T] | None = None) -> None:
        """List ``client_id``'s records (None: a card not saved yet);
        ``records``: its records as already read (else they are read here)."""
        if client_id != self.client_id:
            self._set_undo(None)
        self.client_id = client_id
        self.read_only = read_only
        if records is None:
            self.reload()
        else:
            self._records = records
            self._fill()

    def reload(self, select_id: int | None = None) -> None:
        """Read the records again; select the record ``select_id`` where given."""
        self._records = self._fetch(self.client_id) if self.client_id is not None else []
        self._fill(select_id)

    def _today(self) -> date:
        return self.service.clock().date()

    def _fill(self, select_id: int | None = None) -> None:
        records = self._records
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            for column, text in enumerate(self._texts(record)):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, record.id)
                self._decorate(cell, record, column)
                self.table.setItem(row, column, cell)
            if record.id == select_id:
                self.table.selectRow(row)
        has = bool(records)
        self.table.setVisible(has)
        self.empty.setVisible(not has)
        self.empty.setText(self._empty_text(self.client_id is not None))
        self._filled(records, has)
        if has and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        editable = self.client_id is not None and not self.read_only
        selected = self.selected() is not None
        self.add_button.setEnabled(editable)
        self.edit_button.setEnabled(editable and selected)
        self.delete_button.setEnabled(editable and selected)

    def selected(self) -> T | None:
        rows = self.table.selectionModel().selectedRows()
        return self._records[rows[0].row()] if rows else None

    # -- editing ----------------------------------------------------------------------
    def add(self) -> None:
        if self.client_id is None or self.read_only:
            return
        self._open(self._new_record(self.client_id))

    def edit_selected(self) -> None:
        record = self.selected()
        if record is not None:
            self._open(record)

    def edit_row(self, row: int) -> None:
        if 0 <= row < len(self._records):
            self._open(self._records[row])

    def _open(self, record: T) -> None:
        if self.client_id is None or self.read_only:
            return
        dialog = self.dialog_factory(record, self._today(), self.service.save, self)
        try:
            dialog.exec()
            saved = dialog.saved_id
        finally:
            dialog.deleteLater()
        if saved is not None:
            self.reload(saved)
            self.changed.emit(self.client_id)

    def delete_selected(self) -> None:
        record = self.selected()
        if record is None or record.id is None or self.read_only or self.client_id is None:
            return
        row = self.table.currentRow()
        try:
            gone = self._remove(record.id)
        except NotFoundError:  # removed in another window meanwhile: show what is left
            self.reload()
            return
        self.reload()
        if self._records:
            self.table.selectRow(min(row, len(self._records) - 1))
        self._set_undo(gone)
        self.changed.emit(self.client_id)

    def undo_delete(self) -> None:
        record = self.last_deleted
        if record is None or self.client_id is None or record.client_id != self.client_id:
            return
        restored = self.service.restore(record)
        self._set_undo(None)
        self.reload(restored)
        self.changed.emit(self.client_id)

    def _set_undo(self, record: T | None) -> None:
        self.last_deleted = record
        if record is not None:
            self.undo_label.setText(self._undo_text(record))
        self.undo_label.setVisible(record is not None)
        self.undo_button.setVisible(record is not None)
