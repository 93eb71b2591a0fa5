"""The window on a server database (PostgreSQL): backups, restore and the
integrity check are the server's, said once in the status bar; the backup
and restore actions are disabled; starting the app on a URL works."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from sqlalchemy.engine import make_url

from desktop_crm.app import build_window, create_window
from desktop_crm.storage.database import Database
from desktop_crm.ui.main_window import MainWindow


def _with_password(url: str) -> str:
    return make_url(url).set(password="s3cret-pw").render_as_string(hide_password=False)


def test_backup_stays_on_a_sqlite_file(qtbot, db_path: Path, empty_database: Path,
                                       settings: QSettings) -> None:  # type: ignore[no-untyped-def]
    import shutil

    shutil.copyfile(empty_database, db_path)
    db = Database.open(db_path)
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    assert window.act_backup.isEnabled() and window.act_restore.isEnabled()
    assert window.act_backup.statusTip() == ""
    window.close()
    db.close()



def test_a_save_cut_off_by_a_lost_connection_keeps_the_typing_and_saves_once_back(
        qtbot, pg_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop_crm.services.clients import ClientService
    from desktop_crm.storage import client_repo
    from desktop_crm.ui.clients.editor import CardEditor
    from tests.gui.conftest import type_text
    from tests.unit.services.test_connection_lost import end_connection_during, ids_of_clients

    db = Database.open(pg_url)
    service = ClientService(db, user="tester")
    editor = CardEditor(service)
    qtbot.addWidget(editor)
    editor.show()
    editor.new_card()
    type_text(editor.basics.name, "曾国方")
    type_text(editor.basics.company, "北京华为科技有限公司")
    ended = end_connection_during(monkeypatch, client_repo, "add_changes")
    assert editor.save() is False

    assert ended and editor.client_id is None
    assert editor.errors.isVisible() and "was lost" in editor.errors.text()
    assert "not saved" in editor.errors.text()
    assert editor.basics.name.text() == "曾国方"
    assert editor.basics.company.text() == "北京华为科技有限公司"
    assert ids_of_clients(db) == []

    monkeypatch.undo()  # the server answers again: the next save connects anew
    assert editor.save() is True
    assert editor.client_id is not None and not editor.errors.isVisible()
    assert ids_of_clients(db) == [editor.client_id]
    assert service.get(editor.client_id).name == "曾国方"
    db.close()


def test_in_the_window_a_lost_connection_keeps_the_typing_and_saves_once_back(
        qtbot, pg_url: str, settings: QSettings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from desktop_crm.services.clients import ClientService
    from desktop_crm.storage import client_repo
    from tests.gui.conftest import today_filled, type_text
    from tests.unit.services.test_connection_lost import end_connection_during

    db = Database.open(_with_password(pg_url))
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    today_filled(qtbot, window)  # nothing to do: the first start goes on to the client cards
    assert window.tabs.currentWidget() is window.clients
    editor = window.clients.editor
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    type_text(editor.basics.name, "曾国方")
    type_text(editor.basics.company, "北京华为科技有限公司")
    ended = end_connection_during(monkeypatch, client_repo, "add_changes")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert ended and editor.client_id is None
    assert editor.errors.isVisible() and "was lost" in editor.errors.text()
    assert "not saved" in editor.errors.text()
    assert editor.basics.name.text() == "曾国方" and editor.save_button.isEnabled()
    assert ClientService(db).search("曾国方") == []

    monkeypatch.undo()  # the server answers again
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.client_id is not None and not editor.errors.isVisible()
    assert [r.name for r in ClientService(db).search("曾国方")] == ["曾国方"]
    editor.revert()
    window.close()
    db.close()
    settings.sync()  # what the window remembers never holds the password
    assert "s3cret-pw" not in Path(settings.fileName()).read_text(encoding="utf-8")


def test_backup_and_restore_are_disabled_and_the_server_backups_said_once(
        qtbot, pg_url: str, settings: QSettings, tmp_path: Path,  # type: ignore[no-untyped-def]
        monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = Database.open(_with_password(pg_url))
    window = build_window(db, settings)
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    message = window.statusBar().currentMessage()
    assert "server's own backups apply" in message and "pg_dump" in message
    assert "s3cret-pw" not in message and "s3cret-pw" not in window.windowTitle()
    assert not window.act_backup.isEnabled() and not window.act_restore.isEnabled()
    assert window.act_backup.statusTip() == message
    # reached another way (a shortcut, a script): the same line, nothing written
    window.statusBar().clearMessage()
    assert window.backup_now() is None and window.restore_from_backup() is None
    assert window.backup_if_due() is None and window.backup_on_exit() is None
    assert window.statusBar().currentMessage() == message
    assert list(tmp_path.iterdir()) == []
    window.close()
    db.close()


def test_the_app_starts_on_a_url_with_the_check_left_to_the_server(
        qtbot, pg_url: str, settings: QSettings) -> None:  # type: ignore[no-untyped-def]
    window = create_window(pg_url, "en", settings)
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert not window.db.checking  # no file check pending: nothing to wait for
    window.db.finish_check()
    assert window.db.shared and window.act_new_client.isEnabled()
    window.close()
    window.db.close()
