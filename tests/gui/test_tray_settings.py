"""Settings > reminders and "Start with the computer", driven like a user:
what the dialog shows, what it keeps in the settings, and the autostart file
it writes and removes."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from desktop_crm.services.autostart import Autostart
from desktop_crm.ui import close_to_tray
from desktop_crm.ui.tray import reminder_time

pytestmark = pytest.mark.qt_log_ignore("systemTrayWindowChanged")


def _ok(dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_reminder_settings_and_start_with_the_computer(  # type: ignore[no-untyped-def]
        window, settings, own_config_home: Path):
    entry = own_config_home / "autostart" / "desktop-crm.desktop"
    assert window.autostart.path == entry  # the default follows XDG_CONFIG_HOME
    dialog = window.edit_settings()
    assert dialog.reminder_time.time() == QTime(9, 0)
    assert not dialog.keep_in_tray.isChecked()  # off by default
    assert not dialog.start_with_computer.isChecked()
    # offscreen there is no tray: keeping the app in it cannot be chosen
    assert not dialog.keep_in_tray.isEnabled()
    assert dialog.keep_in_tray.toolTip() == "This desktop has no tray"
    dialog.reminder_time.setTime(QTime(8, 15))
    dialog.start_with_computer.setChecked(True)
    _ok(dialog)
    assert reminder_time(settings) == time(8, 15)
    assert window.reminders.schedule.reminder_time == time(8, 15)
    assert entry.is_file() and "Exec=" in entry.read_text(encoding="utf-8")
    dialog = window.edit_settings()
    assert dialog.start_with_computer.isChecked()
    dialog.start_with_computer.setChecked(False)
    _ok(dialog)
    assert not entry.exists() and entry.parent.is_dir()


def test_keep_in_the_tray_where_there_is_one(qtbot, db, settings, tmp_path):  # type: ignore[no-untyped-def]
    from desktop_crm.ui.main_window import MainWindow
    from tests.gui.conftest import shown

    for window in shown(qtbot, MainWindow(db, settings, tray=True)):
        window.autostart = Autostart("darwin", tmp_path, {}, ["/Applications/x"])
        dialog = window.edit_settings()
        assert dialog.keep_in_tray.isEnabled()
        dialog.keep_in_tray.setChecked(True)
        dialog.start_with_computer.setChecked(True)
        _ok(dialog)
        assert close_to_tray.keeps_running(settings)
        assert (tmp_path / "Library" / "LaunchAgents"
                / "com.desktopcrm.desktop-crm.plist").is_file()
        close_to_tray.set_keeps_running(settings, False)  # the fixture closes it for good


def test_an_autostart_file_that_cannot_be_written_is_said(  # type: ignore[no-untyped-def]
        window, settings, tmp_path, monkeypatch):
    (tmp_path / "blocked").write_text("a file where a folder should be", encoding="utf-8")
    window.autostart = Autostart("linux", tmp_path / "home",
                                 {"XDG_CONFIG_HOME": str(tmp_path / "blocked")}, ["/x"])
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda parent, title, text, *a, **k: warned.append(text)))
    dialog = window.edit_settings()
    dialog.start_with_computer.setChecked(True)
    _ok(dialog)
    assert len(warned) == 1 and warned[0].startswith(f"Cannot change {window.autostart.path}")
    assert dialog.isVisible() and not dialog.start_with_computer.isChecked()
    dialog.reject()


def test_the_settings_in_chinese(window):  # type: ignore[no-untyped-def]
    window.switch_language("zh")
    dialog = window.edit_settings()
    assert dialog.keep_in_tray.text() == "关闭窗口后在系统托盘中继续运行"
    assert dialog.start_with_computer.text() == "开机时启动"
    dialog.reject()
