"""The window keeps its SQLite locks for its whole life (issue 13).

SQLite's locks belong to the process: one ``open()`` + ``close()`` of the
database, its -wal or its -shm anywhere in the process drops them all, and
another program then deletes the -wal under the window. Qt's file dialogs did
that by reading each file's first bytes to choose its icon. These tests open
the real window on a WAL database, open and cancel every file dialog it has in
the database's folder (typing names in the file-name box too), run the daily
backup, list and check the backups, and check /proc/locks after each step;
then another program reads and writes, the window saves again, and every
write of both sides is there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSortFilterProxyModel, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel, QLineEdit

import desktop_crm
from desktop_crm.domain.client import ClientCard, Phone
from desktop_crm.services.clients import ClientService
from desktop_crm.services.importing import ImportService
from desktop_crm.storage.database import Database
from desktop_crm.ui.backups import RestoreDialog
from desktop_crm.ui.import_dialog import ImportDialog
from desktop_crm.ui.main_window import MainWindow
from tests.conftest import posix_locks
from tests.gui.conftest import finished

HELD = {"clients.db", "clients.db-wal", "clients.db-shm", "clients.db-journal"}
# Files beside the database the dialogs must list: a name without an
# extension and an unknown one make Qt's own icon provider read the content.
OTHERS = ("notes.xlsx", "people.vcf", "care.ics", "other.db", "readme.txt", "data", "x.bin")
ROOT = Path(desktop_crm.__file__).resolve().parents[1]
# Typing a name opens the completer's popup, which the offscreen platform
# cannot raise or give the keyboard to.
OFFSCREEN_POPUP = pytest.mark.qt_log_ignore(
    "This plugin does not support (raise|grabbing the keyboard)")


class FileDialogCanceller:
    """Cancels the next file dialog the window opens, after showing the
    database's folder in it (all files, detail view), waiting until the
    listing is there and typing names in the file-name box (the completer).

    Attributes:
        seen: (title, names listed) of each dialog cancelled.
    """

    def __init__(self, qtbot, folder: Path) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.folder = folder
        self.seen: list[tuple[str, set[str]]] = []

    def arm(self) -> None:
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QFileDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(10, self._poll)
            return
        dialog = dialogs[0]
        try:
            self.seen.append((dialog.windowTitle(), self._browse(dialog)))
        finally:
            dialog.reject()

    def _listed(self, dialog: QFileDialog) -> set[str]:
        proxy = dialog.proxyModel()
        model = proxy.sourceModel() if proxy is not None else dialog.findChild(QFileSystemModel)
        assert isinstance(model, QFileSystemModel)
        root = model.index(str(self.folder))
        view: QSortFilterProxyModel | QFileSystemModel = model
        if proxy is not None:
            view, root = proxy, proxy.mapFromSource(root)
        return {str(view.index(row, 0, root).data()) for row in range(view.rowCount(root))}

    def _browse(self, dialog: QFileDialog) -> set[str]:
        dialog.setNameFilters(["All files (*)"])
        dialog.setDirectory(str(self.folder))
        dialog.setViewMode(QFileDialog.ViewMode.Detail)
        self.qtbot.waitUntil(lambda: set(OTHERS) <= self._listed(dialog))
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        assert edit is not None
        for name in ("clients.db", "clients.db-wal", "clients.db-shm", "notes"):
            edit.clear()
            self.qtbot.keyClicks(edit, name)
            self.qtbot.wait(20)  # let the completer's model look the name up
        return self._listed(dialog)


def names_seen_by_another_program(db_path: Path) -> set[str]:
    """The live clients' names as a separate process reads them."""
    script = ("import json, sqlite3, sys\n"
              "c = sqlite3.connect(sys.argv[1])\n"
              "print(json.dumps([r[0] for r in c.execute("
              "'SELECT name FROM clients WHERE deleted_at IS NULL')]))\n")
    out = subprocess.run([sys.executable, "-c", script, str(db_path)], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return set(json.loads(out))


def crm(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``desktop-crm ARGS`` in another process, as a user would run it beside the window."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "desktop_crm", *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


@OFFSCREEN_POPUP
def test_the_window_keeps_its_locks_through_every_file_dialog_backup_and_another_program(  # type: ignore[no-untyped-def]
        qtbot, db: Database, db_path: Path, window: MainWindow, tmp_path: Path) -> None:
    ClientService(window.db, user="window").save(ClientCard(name="窗口客户甲"))
    for name in OTHERS:
        (tmp_path / name).write_bytes(b"\x00\x01 not much here\n")
    held = posix_locks(db_path)
    assert {"clients.db", "clients.db-shm"} <= held  # the WAL read locks of the window

    canceller = FileDialogCanceller(qtbot, db_path.parent)
    for action, title in [(window.act_import, "Import clients or orders"),
                          (window.act_export_xlsx, "Export workbook"),
                          (window.act_export_list, "Export workbook"),
                          (window.act_export_vcf, "Export contacts"),
                          (window.act_export_ics, "Export care calendar"),
                          (window.act_open_db, "Open database"),
                          (window.act_new_db, "New database")]:
        canceller.arm()
        action.trigger()
        assert canceller.seen[-1][0] == title
        assert posix_locks(db_path) == held, f"{title}: the locks were dropped"
        listed = canceller.seen[-1][1]
        assert set(OTHERS) <= listed and not listed & HELD, title

    # the import dialog's Save report
    source = tmp_path / "import.csv"
    source.write_text("姓名,手机,生日\n王小明,13700001111,not a date\n", encoding="utf-8")
    service = ImportService(window.db)
    dialog = ImportDialog(service, service.open(source), window)
    canceller.arm()
    assert dialog.save_report() is None
    assert canceller.seen[-1][0] == "Save report"
    assert posix_locks(db_path) == held, "Save report: the locks were dropped"
    dialog.deleteLater()

    job = window.backup_if_due()
    assert job is not None
    finished(qtbot, job)
    assert list((tmp_path / "backups").iterdir())
    assert posix_locks(db_path) == held, "the daily backup dropped the locks"

    checked: list[int] = []

    def cancel_restore() -> None:
        found = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, RestoreDialog) and w.isVisible()]
        if not found:
            QTimer.singleShot(10, cancel_restore)
            return
        try:
            qtbot.waitUntil(lambda: None not in found[0].backups)
            checked.append(sum(1 for b in found[0].backups if b is not None and b.ok))
        finally:
            found[0].reject()

    QTimer.singleShot(0, cancel_restore)
    assert window.restore_from_backup() is None
    assert checked == [1]
    assert posix_locks(db_path) == held, "listing and checking the backups dropped the locks"

    # Another program reads, writes and exits beside the window.
    found = crm("search", "窗口", "--db", db_path)
    assert found.returncode == 0 and "窗口客户甲" in found.stdout, found.stderr
    other = tmp_path / "other-program.csv"
    other.write_text("姓名,手机\n命令行客户乙,13900002222\n", encoding="utf-8")
    imported = crm("import", other, "--db", db_path)
    assert imported.returncode == 0, imported.stderr
    assert posix_locks(db_path) == held

    third = ClientService(window.db, user="window").save(
        ClientCard(name="窗口客户丙", phones=[Phone("13700003333")]))
    everyone = {"窗口客户甲", "命令行客户乙", "窗口客户丙"}
    assert everyone <= names_seen_by_another_program(db_path)
    with window.db.read() as session:
        from sqlalchemy import text

        assert everyone <= {r[0] for r in session.execute(
            text("SELECT name FROM clients WHERE deleted_at IS NULL"))}
    assert ClientService(window.db).get(third).phones[0].number == "13700003333"
    assert db_path.with_name("clients.db-wal").exists()
    assert db_path.with_name("clients.db-shm").exists()


@OFFSCREEN_POPUP
def test_the_dialogs_hide_the_open_database_however_the_folder_is_reached(  # type: ignore[no-untyped-def]
        qtbot, db: Database, db_path: Path, window: MainWindow, tmp_path: Path) -> None:
    """The same folder through a symbolic link: the database is still hidden."""
    for name in OTHERS:
        (tmp_path / name).write_bytes(b"x")
    link = tmp_path.parent / f"{tmp_path.name}-link"
    link.symlink_to(tmp_path, target_is_directory=True)
    try:
        canceller = FileDialogCanceller(qtbot, link)
        canceller.arm()
        window.act_import.trigger()
        listed = canceller.seen[-1][1]
        assert set(OTHERS) <= listed and not listed & HELD
    finally:
        link.unlink()


def test_open_database_of_the_open_file_says_so_and_reads_nothing(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db: Database, db_path: Path, window: MainWindow) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop_crm.ui import file_dialogs

    held = posix_locks(db_path)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda parent, title, text: told.append(text)))
    spelled = db_path.parent / ".." / db_path.parent.name / db_path.name
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: spelled)
    window.open_database()
    assert told == [f"{spelled} is already open in this window"]
    assert window.db is db
    assert posix_locks(db_path) == held


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_importing_the_open_database_is_refused_before_reading_it(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db: Database, db_path: Path, window: MainWindow,
        suffix: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop_crm.ui import file_dialogs

    held = posix_locks(db_path)
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: errors.append(text)))
    chosen = db_path.with_name(db_path.name + suffix)
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: chosen)
    operation = window.import_clients()
    qtbot.waitUntil(lambda: operation.finished_ok is not None)  # read on a worker thread
    assert operation.finished_ok is False
    assert posix_locks(db_path) == held
    assert errors == [f"{chosen} is the database this program has open; choose another file"]


def test_icons_and_types_come_from_the_name_not_the_content(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QFileInfo
    from PySide6.QtWidgets import QFileIconProvider

    from desktop_crm.ui.file_dialogs import NameOnlyIcons

    sniffed = tmp_path / "no-extension"
    sniffed.write_bytes(b"SQLite format 3\x00" + bytes(100))
    info = QFileInfo(str(sniffed))
    assert "SQLite" in QFileIconProvider().type(info)  # Qt's provider reads the bytes
    ours = NameOnlyIcons()
    assert "SQLite" not in ours.type(info)
    assert ours.type(QFileInfo(str(tmp_path / "book.xlsx"))) != ours.type(info)
    assert ours.type(QFileInfo(str(tmp_path))) == QFileIconProvider().type(
        QFileInfo(str(tmp_path))) == "Folder"
    from desktop_crm import i18n

    i18n.set_language("zh")
    assert ours.type(QFileInfo(str(tmp_path))) == "文件夹"  # Qt's catalog has none
    ours.icon(info)
    ours.icon(QFileInfo(str(tmp_path)))


def test_file_dialogs_are_wide_enough_for_their_columns(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Qt's default dialog cut size, type and date short ("263...KiB", "Mic...eet")."""
    from PySide6.QtWidgets import QTreeView

    from desktop_crm.ui.file_dialogs import file_dialog

    dialog = file_dialog(None, "Export", tmp_path / "clients.xlsx", "Excel (*.xlsx)", save=True)
    qtbot.addWidget(dialog)
    assert dialog.width() >= 900 and dialog.height() >= 560
    header = dialog.findChild(QTreeView, "treeView").header()
    assert [header.sectionSize(c) for c in (1, 2, 3)] == [100, 200, 170]
