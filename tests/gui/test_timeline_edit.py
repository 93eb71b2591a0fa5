"""Timeline entries are edited in a dialog opened by F2, Enter, a double-click
or the Edit button; the change lands in the database and the card's history."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_crm.domain.changes import TIMELINE
from desktop_crm.services.clients import ClientService
from desktop_crm.ui.clients.interaction_dialog import InteractionDialog
from tests.gui.conftest import type_text

pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]


def open_timeline(qtbot, window, client_id):  # type: ignore[no-untyped-def]
    window.clients.apply_filter()
    assert window.clients.show_client(client_id)
    editor = window.clients.editor
    editor.pages.setCurrentWidget(editor.timeline)
    page = editor.timeline
    type_text(page.summary, "拜访，介绍新产品")
    page.log_button.click()
    assert page.list.count() == 1
    return page


def save(dialog: InteractionDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_f2_edits_the_selected_entry_into_the_database_and_history(  # type: ignore[no-untyped-def]
        qtbot, db, seeded, window):
    page = open_timeline(qtbot, window, seeded["李娜"])
    assert not page.edit_button.isEnabled()  # nothing chosen yet
    page.list.setCurrentRow(0)
    assert page.edit_button.isEnabled()
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_F2)
    dialog = page.dialog
    assert isinstance(dialog, InteractionDialog) and dialog.isVisible()
    assert dialog.fields.summary.text() == "拜访，介绍新产品"
    dialog.fields.summary.clear()
    type_text(dialog.fields.summary, "电话确认样品已寄出")
    dialog.fields.next_step.setText("下周回访")
    save(dialog)
    assert not dialog.isVisible()
    assert "电话确认样品已寄出" in page.list.item(0).text()
    assert "下周回访" in page.list.item(0).text()
    service = ClientService(db)
    stored = service.interactions(seeded["李娜"])
    assert [(i.summary, i.next_step) for i in stored] == [("电话确认样品已寄出", "下周回访")]
    history = [e for e in service.history(seeded["李娜"]) if e.field == TIMELINE]
    assert len(history) == 1 and "拜访，介绍新产品" in history[0].old
    assert "电话确认样品已寄出" in history[0].new
    # the card's history page shows it at once
    shown = window.clients.editor.history
    assert shown.item(0, 2).text() == "Timeline entry"
    assert "电话确认样品已寄出" in shown.item(0, 4).text()


def test_an_empty_summary_keeps_the_dialog_open_and_nothing_changes(  # type: ignore[no-untyped-def]
        qtbot, db, seeded, window):
    page = open_timeline(qtbot, window, seeded["李娜"])
    page.list.setCurrentRow(0)
    dialog = page.edit_selected()
    assert dialog is not None
    dialog.fields.summary.clear()
    save(dialog)
    assert dialog.isVisible() and dialog.fields.error.isVisible()
    assert dialog.fields.error.text() == "Write what happened"
    dialog.reject()
    stored = ClientService(db).interactions(seeded["李娜"])
    assert [i.summary for i in stored] == ["拜访，介绍新产品"]


@pytest.mark.parametrize("how", ["enter", "double-click", "button"])
def test_enter_double_click_and_the_button_open_the_entry(qtbot, seeded, window, how):  # type: ignore[no-untyped-def]
    page = open_timeline(qtbot, window, seeded["李娜"])
    page.list.setCurrentRow(0)
    page.list.setFocus()
    if how == "enter":
        qtbot.keyClick(page.list, Qt.Key.Key_Return)
    elif how == "double-click":
        page.list.itemDoubleClicked.emit(page.list.item(0))
    else:
        page.edit_button.click()
    assert page.dialog is not None and page.dialog.isVisible()
    assert page.dialog.fields.summary.text() == "拜访，介绍新产品"
    page.dialog.reject()


def test_the_edit_dialog_in_chinese(qtbot, seeded, window):  # type: ignore[no-untyped-def]
    page = open_timeline(qtbot, window, seeded["李娜"])
    window.switch_language("zh")
    assert page.edit_button.text() == "编辑记录…（F2）"
    page.list.setCurrentRow(0)
    dialog = page.edit_selected()
    assert dialog is not None and dialog.windowTitle() == "编辑互动记录"
    dialog.fields.summary.clear()
    type_text(dialog.fields.summary, "改为电话回访")
    save(dialog)
    assert window.clients.editor.history.item(0, 2).text() == "互动记录"
    window.switch_language("en")
