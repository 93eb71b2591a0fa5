"""File > Restore from backup, and the way back from a damaged database.

- :class:`RestoreDialog` lists the backups of a database (when, why, how many
  clients, size, whether it can be restored), newest first.
- :func:`choose_and_restore` asks which backup, confirms, and restores; the
  caller closes its database first and opens it again afterwards.
- :func:`recover_damaged`, when ``ui.open_book.open_or_recover`` (named here
  too) finds the file damaged, shows what is wrong and offers the newest good
  backup. The damaged file is moved aside by the restore, never overwritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.i18n import N_, _
from desktop_crm.storage.database import Database, DatabaseDamagedError, DatabaseError
from desktop_crm.storage.snapshot import BackupName, BackupReason
from desktop_crm.ui.open_book import open_or_recover as open_or_recover
from desktop_crm.ui.operations import Operation, OperationContext

if TYPE_CHECKING:  # the backup and restore code loads when a backup is listed or
    # restored: opening a sound database (the window's start) needs neither
    from desktop_crm.services.backup import BackupInfo
    from desktop_crm.services.restore import RestoreResult

REASON_LABELS = {
    BackupReason.MANUAL: N_("made by hand"),
    BackupReason.DAILY: N_("daily"),
    BackupReason.EXIT: N_("on exit"),
    BackupReason.BEFORE_MIGRATION: N_("before an upgrade"),
    BackupReason.BEFORE_IMPORT: N_("before an import"),
    BackupReason.BEFORE_RESTORE: N_("before a restore"),
}


def reason_label(reason: BackupReason | None) -> str:
    return _(REASON_LABELS[reason]) if reason is not None else ""


def size_label(size: int) -> str:
    return _("{n} MB", n=f"{size / 1e6:.1f}") if size >= 100_000 else \
        _("{n} KB", n=f"{size / 1e3:.0f}")


class RestoreDialog(QDialog):
    """The backups of one database to choose from: listed at once from their
    names, then each opened and checked in the background (about a second
    each at 100,000 clients), newest first.

    Attributes:
        table: one row per backup, newest first.
        backups: the rows' check results (None while a row is being checked).
        checks: the background checks.
    """

    COLUMNS = (N_("Taken"), N_("Why"), N_("Clients"), N_("Size"), N_("State"))

    def __init__(self, files: list[tuple[Path, BackupName]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Restore from backup"))
        self.backups: list[BackupInfo | None] = [None] * len(files)
        intro = QLabel(_("Choose the backup to go back to. The database as it is now is "
                         "backed up first, so the restore can be undone by restoring that "
                         "backup."))
        intro.setWordWrap(True)
        self.table = QTableWidget(len(files), len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([_(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, (path, name) in enumerate(files):
            try:
                size = path.stat().st_size
            except OSError:
                size = 0
            cells = (f"{name.taken_at:%Y-%m-%d %H:%M}", reason_label(name.reason), "",
                     size_label(size), _("Checking…"))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty = QLabel(_("There are no backups of this database yet."))
        self.empty.setVisible(not files)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.restore_button = self.buttons.addButton(
            _("Restore…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update)
        self.table.doubleClicked.connect(lambda _index: self._accept_if_ok())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        layout.addWidget(self.buttons)
        self.resize(720, 380)
        self._selected_first = False
        if files:
            self.table.selectRow(0)
        self._update()

        from desktop_crm.services.backup import inspect_backup

        def check_all(ctx: OperationContext) -> None:
            for row, (path, name) in enumerate(files):
                ctx.check_cancelled()
                ctx.partial((row, inspect_backup(path, name)))

        self.checks: Operation[None] = (
            Operation(self, check_all)
            .partial_results(lambda checked: self._checked(*checked))
            .cancelled(lambda: None)
            .errors(_("Restore from backup"))
            .run_in_background())
        self.finished.connect(self.checks.cancel)

    def _checked(self, row: int, info: BackupInfo) -> None:
        self.backups[row] = info
        self._item(row, 2).setText("" if info.clients is None else f"{info.clients:,}")
        self._item(row, 4).setText(_("Good") if info.ok else info.problem)
        if not info.ok:
            for column in range(self.table.columnCount()):
                item = self._item(row, column)
                item.setForeground(Qt.GlobalColor.darkRed)
                item.setToolTip(info.problem)
        if not self._selected_first and info.ok:
            # the newest good backup is the suggestion, unless the user chose already
            self._selected_first = True
            if self.table.currentRow() in (-1, 0) or self.chosen() is None:
                self.table.selectRow(row)
        self._update()

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None
        return item

    def chosen(self) -> BackupInfo | None:
        """The selected backup once its check has passed, else None."""
        rows = self.table.selectionModel().selectedRows()
        info = self.backups[rows[0].row()] if rows else None
        return info if info is not None and info.ok else None

    def _update(self) -> None:
        self.restore_button.setEnabled(self.chosen() is not None)

    def _accept_if_ok(self) -> None:
        if self.restore_button.isEnabled():
            self.accept()


def confirm_restore(parent: QWidget | None, info: BackupInfo) -> bool:
    clients = "?" if info.clients is None else f"{info.clients:,}"
    answer = QMessageBox.question(
        parent, _("Restore from backup"),
        _("Replace the database with the backup of {when} ({clients} clients)? Changes made "
          "since then are kept only in the backup of the current database that is made "
          "first.", when=f"{info.taken_at:%Y-%m-%d %H:%M}", clients=clients),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes


def run_restore(parent: QWidget | None, db_path: Path, info: BackupInfo) -> RestoreResult | None:
    """Restore ``info`` over ``db_path`` (closed by the caller) behind a busy
    indicator; shows the error and returns None when it fails."""
    from desktop_crm.services.restore import restore

    try:
        return (Operation(parent, lambda ctx: restore(db_path, info.path))
                .with_progress(_("Restoring the backup of {when}…",
                                 when=f"{info.taken_at:%Y-%m-%d %H:%M}"))
                .run_and_wait())
    except DatabaseError as exc:
        QMessageBox.critical(parent, _("Restore failed"), str(exc))
        return None


def choose_backup(parent: QWidget | None, db_path: Path) -> BackupInfo | None:
    """The backup the user chose and confirmed, or None."""
    from desktop_crm.services.backup import backup_files

    dialog = RestoreDialog(backup_files(db_path), parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        chosen = dialog.chosen()
    finally:
        dialog.checks.cancel()
        dialog.deleteLater()
    if chosen is None or not confirm_restore(parent, chosen):
        return None
    return chosen


def restored_message(result: RestoreResult) -> str:
    if result.damaged_copy is not None:
        return _("Restored from {backup}. The damaged file was kept as {copy}.",
                 backup=result.restored_from.name, copy=result.damaged_copy)
    if result.previous_backup is not None:
        return _("Restored from {backup}. The database as it was is in {previous}.",
                 backup=result.restored_from.name, previous=result.previous_backup.name)
    return _("Restored from {backup}.", backup=result.restored_from.name)


def recover_damaged(parent: QWidget | None, path: Path | str,
                    damaged: DatabaseDamagedError) -> Database | None:
    """``path`` was found ``damaged`` on open (``ui.open_book.open_or_recover``):
    show what is wrong and offer the newest good backup. Returns the restored
    database, open, or None when nothing was opened."""
    from desktop_crm.services.backup import newest_good_backup

    db_path = damaged.path or Path(path)
    good = (Operation(parent, lambda ctx: newest_good_backup(db_path))
            .with_progress(_("Looking for the newest good backup…"))
            .run_and_wait())
    box = QMessageBox(QMessageBox.Icon.Critical, _("The database is damaged"), str(damaged),
                      parent=parent)
    box.setDetailedText("\n".join(damaged.problems))
    if good is None:
        box.setInformativeText(_("There is no good backup to restore. The file was not "
                                 "changed; keep it for a repair."))
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.button(QMessageBox.StandardButton.Close).setText(_("Close"))
        box.exec()
        return None
    clients = "?" if good.clients is None else f"{good.clients:,}"
    box.setInformativeText(_(
        "Restore the newest good backup, of {when} ({clients} clients)? The damaged file "
        "is kept next to it, unchanged.", when=f"{good.taken_at:%Y-%m-%d %H:%M}",
        clients=clients))
    restore_button = box.addButton(_("Restore backup"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close).setText(_("Close"))
    box.setDefaultButton(restore_button)
    box.exec()
    if box.clickedButton() is not restore_button:
        return None
    result = run_restore(parent, db_path, good)
    if result is None:
        return None
    QMessageBox.information(parent, _("Restore from backup"), restored_message(result))
    try:
        return Database.open(db_path)
    except DatabaseError as exc:
        QMessageBox.critical(parent, _("Cannot open the database"), str(exc))
        return None
