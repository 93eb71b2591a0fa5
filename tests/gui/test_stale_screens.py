"""Screens read again after an action (issue 17, item 8): a restored card is
editable, an Undo that no longer applies says so in one plain line, a client
removed by undoing its import or hidden by a search leaves the editor, and a
card another tab changed shows what is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop_crm.services.clients import ClientService
from desktop_crm.ui import file_dialogs, transfer
from desktop_crm.ui.changes import Changes
from desktop_crm.ui.import_dialog import ImportDialog
from tests.gui.conftest import type_text


def _open(qtbot, window, name: str) -> int:  # type: ignore[no-untyped-def]
    """Click ``name``'s row in the client list; returns its id."""
    tab = window.clients
    tab.apply_filter()
    model = tab.model
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r, 0)) == name)
    rect = tab.view.visualRect(model.index(row, 0))
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.editor.basics.name.text() == name
    return int(tab.editor.client_id)


def _switch(window, lang: str) -> None:  # type: ignore[no-untyped-def]
    window.switch_language(lang)


def test_a_card_restored_from_the_trash_is_editable_again(qtbot, window, seeded, db):  # type: ignore[no-untyped-def]
    tab, editor = window.clients, window.clients.editor
    _open(qtbot, window, "李娜")
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.trash_button, Qt.MouseButton.LeftButton)
    client_id = _open(qtbot, window, "李娜")
    assert editor.read_only and not editor.basics.isEnabled()
    assert "in the trash" in editor.status.text()

    qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    assert not tab.trash_button.isChecked()
    assert editor.client_id == client_id and not editor.read_only
    assert editor.basics.isEnabled()
    assert "in the trash" not in editor.status.text()
    assert not tab.undo_button.isVisible()  # the banner of the delete is gone too
    type_text(editor.basics.company, "新公司")
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert ClientService(db).get(client_id).company.endswith("新公司")


@pytest.mark.parametrize("lang, line", [
    ("en", "Nothing to undo: the client is no longer in the trash."),
    ("zh", "无可撤销：该客户已不在回收站中。"),
])
def test_an_undo_that_no_longer_applies_says_so_in_one_plain_line(  # type: ignore[no-untyped-def]
        qtbot, window, seeded, db, lang, line):
    _switch(window, lang)
    tab = window.clients
    client_id = _open(qtbot, window, "李娜")
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert tab.undo_button.isVisible()
    ClientService(db).restore(client_id)  # another window, or the command line

    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)  # no error dialog
    assert tab.undo_label.text() == line
    assert "Error" not in tab.undo_label.text()
    assert tab.undo_label.isVisible() and not tab.undo_button.isVisible()
    assert ClientService(db).get(client_id).deleted_at is None


def test_undoing_an_import_takes_its_client_out_of_the_editor(  # type: ignore[no-untyped-def]
        qtbot, window, seeded, tmp_path: Path, monkeypatch, answer_dialogs, db):
    answers, _asked = answer_dialogs
    csv = tmp_path / "clients.csv"
    csv.write_text("客户名称,手机\n王小明,13700001111\n", encoding="utf-8")
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: csv)

    class Accepting(ImportDialog):
        def exec(self) -> int:
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(transfer, "DIALOG_FACTORY", Accepting)
    window.import_clients()
    qtbot.waitUntil(lambda: "Imported as batch" in window.statusBar().currentMessage(),
                    timeout=60_000)  # a background import, on a machine loaded by the other worker
    _open(qtbot, window, "王小明")
    pane = window.clients.card_pane

    answers.append(QMessageBox.StandardButton.Yes)
    assert window.undo_import()
    assert "王小明" not in {r.name for r in ClientService(db).search("")}
    assert pane.is_empty() and pane.empty.isVisible()
    assert "王小明 no longer exists." in pane.empty.text()
    assert window.clients.editor.client_id is None


@pytest.mark.parametrize("lang, hint", [
    ("en", "No client card is open."), ("zh", "没有打开的客户卡片。")])
def test_a_search_with_no_result_puts_the_card_away(qtbot, window, seeded, lang, hint):  # type: ignore[no-untyped-def]
    _switch(window, lang)
    tab = window.clients
    _open(qtbot, window, "曾国方")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(tab.search, "wangfang")
    assert tab.model.rowCount() == 0
    assert tab.card_pane.is_empty() and not tab.editor.isVisible()
    assert tab.card_pane.empty.text().startswith(hint)
    assert tab.search.hasFocus()  # typing goes on in the search box
    tab.search.clear()
    _open(qtbot, window, "李娜")
    assert tab.editor.isVisible() and not tab.card_pane.is_empty()


def test_a_search_keeps_a_card_with_unsaved_edits(qtbot, window, seeded):  # type: ignore[no-untyped-def]
    tab = window.clients
    _open(qtbot, window, "曾国方")
    type_text(tab.editor.basics.company, "改")
    qtbot.keyClicks(tab.search, "wangfang")
    assert not tab.card_pane.is_empty() and tab.editor.is_dirty()


def test_a_card_another_tab_changed_shows_what_is_stored(qtbot, window, seeded, db):  # type: ignore[no-untyped-def]
    tab = window.clients
    client_id = _open(qtbot, window, "李娜")
    service = ClientService(db)
    card = service.get(client_id)
    card.tags = ["老客户"]
    service.save(card)  # a bulk tag, say
    window.broadcast(Changes(clients=frozenset({client_id}), lists=True))
    assert tab.editor.basics.tags.text() == "老客户"
    service.delete(client_id)  # a bulk move to the trash
    window.broadcast(Changes(clients=frozenset({client_id})))
    assert tab.editor.read_only and "in the trash" in tab.editor.status.text()


def test_deleting_the_last_listed_client_leaves_the_empty_state(qtbot, window, seeded):  # type: ignore[no-untyped-def]
    tab = window.clients
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    type_text(tab.search, "李娜")
    _open(qtbot, window, "李娜")
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == 0
    assert tab.card_pane.is_empty() and tab.editor.client_id is None
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert tab.editor.basics.name.text() == "李娜" and not tab.card_pane.is_empty()


def test_the_evaluation_tab_lets_go_of_a_client_moved_to_the_trash(  # type: ignore[no-untyped-def]
        qtbot, window, seeded, db):
    window.evaluate_client(seeded["李娜"])
    evaluation = window.evaluation
    assert evaluation.name.text().startswith("李娜")
    window.tabs.setCurrentWidget(window.clients)
    _open(qtbot, window, "李娜")
    qtbot.mouseClick(window.clients.delete_button, Qt.MouseButton.LeftButton)
    window.tabs.setCurrentWidget(evaluation)
    assert evaluation.client_id is None
    assert "李娜" not in evaluation.name.text()
    assert evaluation.current_grade.text() == "Choose a client on the left to evaluate them."


@pytest.mark.parametrize("lang, expected", [
    ("en", {("Kind", "Individual", "Organisation"), ("By tenure", "", "New client"),
            ("By nature", "", "Individual client"), ("By loyalty", "", "New")}),
    ("zh", {("类型", "个人", "单位"), ("按新老", "", "新客户"),
            ("按性质", "", "个人客户"), ("按忠诚度", "", "新客户")}),
])
def test_the_history_shows_labels_in_the_ui_language(  # type: ignore[no-untyped-def]
        qtbot, window, seeded, db, lang, expected):
    from desktop_crm.domain.enums import ClientKind, Loyalty, Nature, Tenure

    tab = window.clients
    client_id = _open(qtbot, window, "李娜")
    editor = tab.editor
    editor.basics.kind.set_value(ClientKind.ORGANISATION)
    editor.classification.tenure.set_value(Tenure.NEW)
    editor.classification.nature.set_value(Nature.INDIVIDUAL)
    editor.classification.loyalty.set_value(Loyalty.NEW)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    stored = {(e.field, e.new) for e in ClientService(db).history(client_id)}
    assert {("tenure", "new"), ("nature", "individual"), ("kind", "organisation")} <= stored

    _switch(window, lang)
    history = editor.history
    rows = {tuple(history.item(r, c).text() for c in (2, 3, 4))
            for r in range(history.rowCount())}
    assert expected <= rows
    assert not any(value in {"new", "individual", "organisation", "person"}
                   for row in rows for value in row)


def test_an_entry_logged_elsewhere_keeps_the_one_being_typed(qtbot, window, seeded, db):  # type: ignore[no-untyped-def]
    """A timeline change reads the timeline again, not the whole card: the
    summary half typed on the card's timeline stays."""
    from datetime import datetime

    from desktop_crm.domain.client import Interaction
    from desktop_crm.domain.enums import Channel

    tab = window.clients
    client_id = _open(qtbot, window, "李娜")
    timeline = tab.editor.timeline
    type_text(timeline.summary, "谈了新报价")
    ClientService(db).log_interaction(
        Interaction(client_id, datetime(2026, 12, 1, 10), Channel.CALL, "节日问候"))
    window.broadcast(Changes(clients=frozenset({client_id}), timeline=True, agenda=True),
                     window.today)
    assert timeline.summary.text() == "谈了新报价"
    assert any("节日问候" in timeline.list.item(r).text() for r in range(timeline.list.count()))


def test_a_book_without_clients_starts_with_the_new_card_form(qtbot, window):  # type: ignore[no-untyped-def]
    tab = window.clients
    assert tab.model.rowCount() == 0
    assert not tab.card_pane.is_empty() and tab.editor.isVisible()
    assert tab.editor.title.text() == "New client card"
