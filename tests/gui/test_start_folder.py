"""Where an export's save dialog opens (desktop_crm/ui/start_folder.py): never
the hidden data folder the database lives in by default (AppData on Windows,
Application Support on macOS), but the folder last exported to, a database's
own folder chosen by the user, or Documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from desktop_crm.storage.database import Database, default_db_path
from desktop_crm.ui import file_dialogs
from desktop_crm.ui.start_folder import FOLDER_KEY, documents_folder, start_folder


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with a Documents folder, and the app's data folder inside it."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    return home


def test_a_database_in_the_data_folder_exports_to_documents(
        home: Path, settings: QSettings) -> None:
    path = default_db_path()
    assert path.is_relative_to(home)
    db = Database.open(path, create=True)
    try:
        assert documents_folder() == home / "Documents"
        assert start_folder(settings, db) == home / "Documents"
        settings.setValue(FOLDER_KEY, str(home / "gone"))  # a removed USB stick
        assert start_folder(settings, db) == home / "Documents"
        settings.setValue(FOLDER_KEY, str(home))
        assert start_folder(settings, db) == home
    finally:
        db.close()


def test_a_database_of_the_users_own_keeps_its_folder(
        home: Path, settings: QSettings, tmp_path: Path) -> None:
    own = tmp_path / "D" / "CRM" / "clients.db"
    own.parent.mkdir(parents=True)
    db = Database.open(own, create=True)
    try:
        assert start_folder(settings, db) == own.parent
    finally:
        db.close()


def test_the_window_proposes_the_calendar_in_documents(  # type: ignore[no-untyped-def]
        qtbot, home: Path, settings: QSettings, monkeypatch) -> None:
    from desktop_crm.ui.main_window import MainWindow
    from tests.gui.conftest import shown

    db = Database.open(default_db_path(), create=True)
    proposed: list[Path] = []
    monkeypatch.setattr(file_dialogs, "save_file",
                        lambda parent, title, start, filters: proposed.append(Path(start)))
    try:
        for window in shown(qtbot, MainWindow(db, settings)):
            assert window.export_calendar() is None
    finally:
        db.close()
    assert proposed == [home / "Documents" / "care-calendar.ics"]
