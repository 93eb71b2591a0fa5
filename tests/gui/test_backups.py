"""File > Restore from backup, the daily and exit backups, and the way back
from a damaged database, driven through the real window and dialogs."""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop_crm import i18n
from desktop_crm.domain.client import ClientCard
from desktop_crm.services.backup import backup, backup_files, list_backups
from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import Database
from desktop_crm.ui.backups import RestoreDialog, open_or_recover
from tests.conftest import corrupt_clients_table
from tests.gui.conftest import finished
from tests.helpers.damage import orphan_phone


def live_clients(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return int(conn.execute(
            "SELECT count(*) FROM clients WHERE deleted_at IS NULL").fetchone()[0])


def test_restore_from_backup_brings_back_the_clients_and_keeps_the_current_file(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, answer_dialogs, db, db_path, seeded, window):
    made = finished(qtbot, window.backup_now())
    assert made is not None
    ClientService(db).save(ClientCard(name="后来的客户"))
    window.clients.apply_filter()
    assert window.clients.model.rowCount() == len(seeded) + 1

    def choose_newest(dialog: RestoreDialog) -> int:
        finished(qtbot, dialog.checks)
        assert dialog.table.rowCount() == 1
        assert dialog.table.item(0, 2).text() == str(len(seeded))
        assert dialog.restore_button.isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RestoreDialog, "exec", choose_newest)
    answers, asked = answer_dialogs
    answers.append(QMessageBox.StandardButton.Yes)
    operation = window.restore_from_backup()
    finished(qtbot, operation)
    assert operation.finished_ok
    assert "clients" in asked[0]
    assert window.db.path == db_path.resolve()
    assert window.clients.model.rowCount() == len(seeded)
    assert live_clients(db_path) == len(seeded)
    before = [b for b in list_backups(db_path) if b.reason == "before-restore"]
    assert len(before) == 1 and before[0].clients == len(seeded) + 1


def test_cancelling_the_confirmation_changes_nothing(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, answer_dialogs, db, db_path, seeded, window):
    finished(qtbot, window.backup_now())
    ClientService(db).save(ClientCard(name="后来的客户"))
    def accept(dialog: RestoreDialog) -> int:
        finished(qtbot, dialog.checks)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RestoreDialog, "exec", accept)
    answers, _asked = answer_dialogs
    answers.append(QMessageBox.StandardButton.Cancel)
    assert window.restore_from_backup() is None
    assert window.db is db and live_clients(db_path) == len(seeded) + 1
    assert len(list_backups(db_path)) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_dialog_lists_backups_and_will_not_restore_a_broken_one(  # type: ignore[no-untyped-def]
        qtbot, db, db_path, seeded, tmp_path: Path, lang: str):
    i18n.set_language(lang)
    backup(db, now=datetime(2026, 11, 20, 18, 0))
    ClientService(db).save(ClientCard(name="后来的客户"))
    backup(db, now=datetime(2026, 11, 23, 18, 0))
    broken = db_path.parent / "backups" / "clients-20261122-180000-daily.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    dialog = RestoreDialog(backup_files(db_path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert table.rowCount() == 3
    # listed at once from the names; the checks fill in clients and state
    finished(qtbot, dialog.checks)
    assert [table.item(r, 0).text() for r in range(3)] == [
        "2026-11-23 18:00", "2026-11-22 18:00", "2026-11-20 18:00"]
    assert [table.item(r, 2).text() for r in range(3)] == [
        str(len(seeded) + 1), "", str(len(seeded))]
    assert dialog.chosen() is not None and dialog.chosen().path.name.startswith(
        "clients-20261123")
    table.selectRow(1)
    assert not dialog.restore_button.isEnabled()
    assert table.item(1, 4).text() and table.item(1, 4).text() != i18n._("Good")
    table.selectRow(2)
    assert dialog.restore_button.isEnabled()
    out = Path(os.environ.get("DESKTOP_CRM_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(out / f"dialog-{lang}-restore.png"))


def click_in_box(monkeypatch: pytest.MonkeyPatch, button_text: str | None) -> list[str]:
    """Make QMessageBox.exec click the button labelled ``button_text`` (or none);
    returns the texts the boxes showed."""
    shown: list[str] = []

    def exec_(box: QMessageBox) -> int:
        shown.append(f"{box.text()}\n{box.informativeText()}\n{box.detailedText()}")
        for button in box.buttons():
            if button.text() == button_text:
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return shown


def test_a_damaged_database_is_restored_from_the_newest_good_backup(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db, db_path, seeded):
    backup(db, now=datetime(2026, 11, 23, 18, 0))
    db.close()
    corrupt_clients_table(db_path)
    damaged = db_path.read_bytes()
    shown = click_in_box(monkeypatch, "Restore backup")
    infos: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda parent, title, text: infos.append(text)))
    restored = open_or_recover(None, db_path)
    assert restored is not None
    try:
        assert "damaged" in shown[0] and "2026-11-23 18:00" in shown[0]
        assert live_clients(db_path) == len(seeded)
        kept = [p for p in db_path.parent.iterdir() if ".damaged-" in p.name
                and not p.name.endswith(("-wal", "-shm"))]
        assert len(kept) == 1 and kept[0].read_bytes() == damaged
        assert str(kept[0]) in infos[0]
    finally:
        restored.close()


def test_a_damaged_database_without_a_backup_opens_nothing_and_stays_as_it_was(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db, db_path, seeded):
    db.close()
    corrupt_clients_table(db_path)
    damaged = db_path.read_bytes()
    shown = click_in_box(monkeypatch, None)
    assert open_or_recover(None, db_path) is None
    assert "no good backup" in shown[0]
    assert db_path.read_bytes() == damaged


def test_declining_the_restore_opens_nothing(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db, db_path, seeded):
    backup(db, now=datetime(2026, 11, 23, 18, 0))
    db.close()
    corrupt_clients_table(db_path)
    damaged = db_path.read_bytes()
    click_in_box(monkeypatch, "Close")
    assert open_or_recover(None, db_path) is None
    assert db_path.read_bytes() == damaged


def test_daily_backup_once_a_day_and_a_backup_on_exit(  # type: ignore[no-untyped-def]
        qtbot, db, db_path, seeded, window):
    job = window.backup_if_due()
    assert job is not None
    finished(qtbot, job)
    made = list_backups(db_path)
    assert len(made) == 1 and made[0].reason == "daily" and made[0].clients == len(seeded)
    assert "Daily backup written to" in window.statusBar().currentMessage()
    again = window.backup_if_due()
    assert again is not None
    finished(qtbot, again)
    assert len(list_backups(db_path)) == 1  # once a day
    exit_backup = window.backup_on_exit()
    assert exit_backup is not None and "exit" in exit_backup.name
    assert live_clients(exit_backup) == len(seeded)
    assert isinstance(window.db, Database)


def test_the_window_shows_while_the_check_runs_and_says_when_it_failed(  # type: ignore[no-untyped-def]
        qtbot, db, db_path, seeded, settings):
    """Building and showing the window only reads (a write would wait for the
    check); a damaged file is reported by the window, with the file unchanged."""
    from desktop_crm.app import create_window
    from desktop_crm.storage.database import DatabaseDamagedError

    db.close()
    window = create_window(str(db_path), "en", settings)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.db.checking)  # type: ignore[attr-defined]
    assert window.clients.model.rowCount() == len(seeded)  # type: ignore[attr-defined]
    window.db.close()  # type: ignore[attr-defined]

    orphan_phone(db_path)
    damaged = db_path.read_bytes()
    window = create_window(str(db_path), "en", settings)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.check_failed, timeout=30000) as failed:  # type: ignore[attr-defined]
        window.show()  # type: ignore[attr-defined]
    assert isinstance(failed.args[0], DatabaseDamagedError)
    assert db_path.read_bytes() == damaged


class FakeApp:
    """What AppWindow asks of the QApplication: quit and exit, recorded."""

    def __init__(self) -> None:
        self.exits: list[int] = []

    def quit(self) -> None:
        self.exits.append(0)

    def exit(self, code: int) -> None:
        self.exits.append(code)


def test_a_file_failing_the_check_after_the_window_showed_gets_the_restore_offer(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db, db_path, seeded, settings):
    from desktop_crm.app import AppWindow

    backup(db, now=datetime(2026, 11, 23, 18, 0))
    db.close()
    orphan_phone(db_path)
    damaged = db_path.read_bytes()
    shown = click_in_box(monkeypatch, "Restore backup")
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda parent, title, text: None))
    opened = Database.open(db_path, check_later=True)  # the quick part passes
    app = FakeApp()
    keeper = AppWindow(app, db_path, settings, None)
    assert keeper.open(opened)
    first = keeper.window
    assert first.isVisible() and not shown  # shown before the check's verdict
    qtbot.waitUntil(lambda: keeper.window is not first, timeout=30000)
    second = keeper.window
    try:
        assert "damaged" in shown[0] and "2026-11-23 18:00" in shown[0]
        assert second is not None and second.isVisible() and not app.exits
        assert live_clients(db_path) == len(seeded)
        kept = [p for p in db_path.parent.iterdir() if ".damaged-" in p.name
                and not p.name.endswith(("-wal", "-shm"))]
        assert len(kept) == 1 and kept[0].read_bytes() == damaged  # nothing was written
    finally:
        if second is not None:
            second.reminders.hide()
            second.hide()
            second.db.close()
            second.deleteLater()


def test_a_file_failing_the_check_without_a_backup_ends_the_app(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db, db_path, seeded, settings):
    from desktop_crm.app import AppWindow

    db.close()
    orphan_phone(db_path)
    damaged = db_path.read_bytes()
    shown = click_in_box(monkeypatch, None)
    app = FakeApp()
    keeper = AppWindow(app, db_path, settings, None)
    assert keeper.open(Database.open(db_path, check_later=True))
    qtbot.waitUntil(lambda: app.exits == [2], timeout=30000)
    assert keeper.window is None and "no good backup" in shown[0]
    assert db_path.read_bytes() == damaged


def test_a_restore_that_fails_says_why_and_keeps_the_database(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, answer_dialogs, db, db_path, seeded, window):
    made = finished(qtbot, window.backup_now())
    ClientService(db).save(ClientCard(name="后来的客户"))

    def accept_then_spoil(dialog: RestoreDialog) -> int:
        finished(qtbot, dialog.checks)
        made.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)  # spoilt after the check
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RestoreDialog, "exec", accept_then_spoil)
    answers, _asked = answer_dialogs
    answers.append(QMessageBox.StandardButton.Yes)
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: errors.append(text)))
    operation = window.restore_from_backup()
    finished(qtbot, operation)
    assert operation.finished_ok is False
    assert len(errors) == 1 and made.name in errors[0]
    assert window.clients.model.rowCount() == len(seeded) + 1
    assert live_clients(db_path) == len(seeded) + 1


def test_the_daily_backup_waits_for_the_files_check(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, db, db_path, seeded, settings):
    """No copy of a file whose check has not passed: a damaged one would count
    as the day's backup."""
    from desktop_crm.storage import integrity
    from desktop_crm.ui.main_window import MainWindow

    gate = threading.Event()
    real_check = integrity.check_file

    def held_check(path: Path, full: bool | None = None) -> integrity.FileReport:
        gate.wait(60)
        return real_check(path, full=full)

    monkeypatch.setattr(integrity, "check_file", held_check)
    db.close()
    window = MainWindow(Database.open(db_path, check_later=True), settings)
    qtbot.addWidget(window)
    try:
        assert window.db.checking
        assert window.backup_if_due() is None and list_backups(db_path) == []
        gate.set()
        qtbot.waitUntil(lambda: len(list_backups(db_path)) == 1, timeout=30000)
        assert not window.db.checking
    finally:
        gate.set()
        window.db.close()
