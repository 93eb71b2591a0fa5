"""Settings > Your name, driven like a user: the name typed there is what the
next saved card records as "who" and the owner a new card proposes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_crm.services.clients import ClientService
from desktop_crm.ui.main_window import MainWindow
from desktop_crm.ui.settings_dialog import USER_NAME_KEY
from tests.gui.conftest import type_text


def _ok(dialog) -> None:  # type: ignore[no-untyped-def]
    box = dialog.findChild(QDialogButtonBox)
    box.button(QDialogButtonBox.StandardButton.Ok).click()


@pytest.mark.both_engines
def test_your_name_changes_what_the_next_saved_card_records(  # type: ignore[no-untyped-def]
        qtbot, db, settings, window):
    window.clients.new_client()
    editor = window.clients.editor
    assert editor.basics.owner.text() == window.services.user  # the account's name
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialogs = [d for d in window.children() if type(d).__name__ == "SettingsDialog"]
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialog = dialogs[0]
    dialog.user_name.clear()
    type_text(dialog.user_name, "王经理")
    _ok(dialog)
    assert settings.value(USER_NAME_KEY) == "王经理"

    window.clients.new_client()
    assert editor.basics.owner.text() == "王经理"
    type_text(editor.basics.name, "赵磊")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    client_id = editor.client_id
    assert client_id is not None
    service = ClientService(db)
    assert service.get(client_id).owner == "王经理"
    assert [e.user for e in service.history(client_id)] == ["王经理"]
    assert window.clients.scope.is_mine() == db.shared


def test_the_name_is_kept_on_this_computer_for_the_next_window(  # type: ignore[no-untyped-def]
        qtbot, db, settings):
    settings.setValue(USER_NAME_KEY, "李娜")
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    assert window.services.user == "李娜"
    assert window.today._agenda.user == window.complaints.service.user == "李娜"
    dialog = window.edit_settings()
    assert dialog.user_name.text() == "李娜"
    dialog.user_name.clear()  # blank: back to the account's name
    _ok(dialog)
    assert settings.value(USER_NAME_KEY) is None
    assert window.services.user not in ("李娜", "")


def test_user_option_names_this_session_only(qtbot, db, settings):  # type: ignore[no-untyped-def]
    settings.setValue(USER_NAME_KEY, "李娜")
    window = MainWindow(db, settings, user="张伟")
    qtbot.addWidget(window)
    assert window.services.user == "张伟"
    assert settings.value(USER_NAME_KEY) == "李娜"
