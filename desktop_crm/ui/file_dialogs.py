"""Every file dialog of the window: Qt's own widget dialog that never opens a
file, and hides the database files the window holds open.

Why this module exists (see ``storage/held_files.py``): SQLite's locks on the
open database belong to the process, and an ``open()`` + ``close()`` of the
database file, its ``-wal`` or its ``-shm`` anywhere in the process drops
them all. Qt's file dialogs did exactly that: showing the database's folder,
the default icon provider asked ``QMimeDatabase`` for each file's type,
which reads the first bytes of a file whose name says nothing (``-wal``,
``-shm``, often ``.db``); a platform (GTK, KDE) dialog running in the process
sniffs files the same way. A rule about which folder a dialog starts in does
not help: the user can browse there. So, by construction:

- Qt's widget dialog is used, never the platform's (``DontUseNativeDialog``,
  and ``AA_DontUseNativeDialogs`` while it is built, so no platform dialog
  is even created);
- its icon provider (:class:`NameOnlyIcons`) chooses icons and type names
  from the file's name alone: it never opens a file;
- a proxy model (:class:`HideHeldFiles`) hides the held database files and
  their companions from the views and the file-name completer, so they can
  be neither seen nor picked from the list.

A test (tests/test_architecture.py) keeps ``QFileDialog``,
``QFileSystemModel`` and ``QFileIconProvider`` out of every other module.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QFileInfo,
    QMimeDatabase,
    QMimeType,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFileSystemModel,
    QHeaderView,
    QTreeView,
    QWidget,
)

from desktop_crm.i18n import _
from desktop_crm.storage import held_files

IconType = QAbstractFileIconProvider.IconType


class NameOnlyIcons(QAbstractFileIconProvider):
    """Icons and type names from a file's name, never its content.

    Qt's providers call ``QMimeDatabase.mimeTypeForFile`` with content
    matching, which opens a file whose extension is unknown or ambiguous.
    Here the MIME type comes from the name only (``MatchExtension``, which
    neither opens nor stats the file).
    """

    def __init__(self) -> None:
        super().__init__()
        self._mime = QMimeDatabase()  # thread-safe: the model may ask from its thread

    def _by_name(self, info: QFileInfo) -> QMimeType:
        return self._mime.mimeTypeForFile(info.fileName(),
                                          QMimeDatabase.MatchMode.MatchExtension)

    def icon(self, what: QFileInfo | IconType) -> QIcon:
        """Override QAbstractFileIconProvider::icon (both overloads)."""
        if not isinstance(what, QFileInfo):
            return super().icon(what)
        if what.isRoot():
            return super().icon(IconType.Drive)
        if what.isDir():
            return super().icon(IconType.Folder)
        mime = self._by_name(what)
        fallback = super().icon(IconType.File)
        return QIcon.fromTheme(mime.iconName(), QIcon.fromTheme(mime.genericIconName(),
                                                                fallback))

    def type(self, info: QFileInfo) -> str:
        """Override QAbstractFileIconProvider::type: the detail view's type column."""
        if info.isFile():
            mime = self._by_name(info)
            return str(mime.comment() or mime.name())
        if info.isDir() and not info.isRoot():
            return _("Folder")  # Qt's own text has no Chinese in its catalog
        return super().type(info)  # drives, links: from the name and stat only


class HideHeldFiles(QSortFilterProxyModel):
    """The dialog's file-system model without the database files this process
    holds open (``held_files``) and their ``-wal``, ``-shm`` and ``-journal``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # read once per dialog: a 10,000-file folder is filtered in about 0.1 s
        self._held = held_files.HeldFiles()

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        """Override QSortFilterProxyModel::filterAcceptsRow."""
        model = self.sourceModel()
        if not isinstance(model, QFileSystemModel):
            return True
        index = model.index(source_row, 0, source_parent)
        if model.isDir(index):
            return True
        return self._held.match(model.filePath(index)) is None


_icons: NameOnlyIcons | None = None


def _icon_provider() -> NameOnlyIcons:
    """One provider for every dialog: a dialog does not own its provider, so
    it must outlive them all."""
    global _icons
    if _icons is None:
        _icons = NameOnlyIcons()
    return _icons


def file_dialog(parent: QWidget | None, title: str, start: Path | str, filters: str,
                *, save: bool) -> QFileDialog:
    """The dialog, not shown: ``start`` is a folder, or a file whose folder
    it opens in with the name filled in."""
    start = Path(start)
    folder, name = (start, "") if start.is_dir() or not start.name else (start.parent,
                                                                         start.name)
    # Built with native dialogs off, so no platform dialog (which would read
    # files in this process) is created at all, not only not shown.
    was_off = QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    try:
        dialog = QFileDialog(parent, title, str(folder), filters)
    finally:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs,
                                      was_off)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    # Before the event loop runs: the model asks the provider only when the
    # listing its thread made arrives as an event.
    dialog.setIconProvider(_icon_provider())
    dialog.setProxyModel(HideHeldFiles(dialog))
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    else:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    if name:
        dialog.selectFile(name)
    # Qt's default (about 620x400, narrow columns) cuts the size, type and
    # date columns short: "263...KiB", "Mic...eet".
    dialog.resize(dialog.size().expandedTo(QSize(900, 560)))
    details = dialog.findChild(QTreeView, "treeView")
    if details is not None:
        header = details.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 100), (2, 200), (3, 170)):
            header.resizeSection(column, width)
    return dialog


def _run(dialog: QFileDialog) -> Path | None:
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        chosen = dialog.selectedFiles()
        return Path(chosen[0]) if chosen and chosen[0] else None
    finally:
        dialog.deleteLater()


def open_file(parent: QWidget | None, title: str, start: Path | str,
              filters: str) -> Path | None:
    """Ask for an existing file (like ``QFileDialog.getOpenFileName``);
    None when cancelled."""
    return _run(file_dialog(parent, title, start, filters, save=False))


def save_file(parent: QWidget | None, title: str, start: Path | str,
              filters: str) -> Path | None:
    """Ask where to write a file (like ``QFileDialog.getSaveFileName``: it
    asks before replacing an existing file); None when cancelled."""
    return _run(file_dialog(parent, title, start, filters, save=True))

