"""Who is recorded (issue 17, item 9): after "Your name" is chosen in
Settings, every write path of the window records that name, never the
operating-system account: the card's history (save, trash, restore), the
evaluator, a complaint's status changes and log, the follow-up done on the
care calendar, and an import's batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox

from desktop_crm.domain.complaint import ComplaintCategory
from desktop_crm.services.clients import ClientService
from desktop_crm.services.clock import current_user
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.services.importing import ImportService
from desktop_crm.ui import file_dialogs, transfer
from desktop_crm.ui.import_dialog import ImportDialog
from tests.gui.conftest import type_text

NAME = "王经理"


def _choose_name(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Settings > Your name, typed and accepted, after the window was built
    with the account's name."""
    dialog = window.edit_settings()  # File > Settings…
    dialog.user_name.clear()
    type_text(dialog.user_name, NAME)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    window.activateWindow()  # the keys go to the window again
    qtbot.waitActive(window)


@pytest.fixture
def named(qtbot, window):  # type: ignore[no-untyped-def]
    assert window.services.user == current_user() != NAME
    _choose_name(qtbot, window)
    return window


def test_the_card_s_history_records_the_chosen_name(qtbot, named, db):  # type: ignore[no-untyped-def]
    window, tab = named, named.clients
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    type_text(tab.editor.basics.name, "赵磊")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    client_id = tab.editor.client_id
    assert client_id is not None
    tab.apply_filter()
    tab._select(client_id)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    history = ClientService(db).history(client_id)
    assert [e.field for e in history] == ["restored", "deleted", "created"]
    assert {e.user for e in history} == {NAME}
    # what the card's history page shows as "who"
    assert {tab.editor.history.item(r, 1).text()
            for r in range(tab.editor.history.rowCount())} == {NAME}
    # the card's own order and complaint services follow the name too
    assert tab.editor.orders.service.user == NAME
    assert tab.editor._complaint_service.user == NAME


def test_the_evaluator_is_the_chosen_name(qtbot, named, seeded, db):  # type: ignore[no-untyped-def]
    named.evaluate_client(seeded["李娜"])
    form = named.evaluation.form
    for key, value in (("sales_attainment", "80"), ("late_payments", "3")):
        form.inputs[key].setFocus()
        form.inputs[key].selectAll()
        qtbot.keyClicks(form.inputs[key], value)
    for key, value in (("cooperation", "good"), ("information", "valuable")):
        form.inputs[key].setCurrentIndex(form.inputs[key].findData(value))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    [evaluation] = EvaluationService(db).history(seeded["李娜"])
    assert evaluation.evaluator == NAME


def test_a_complaint_and_its_follow_up_record_the_chosen_name(  # type: ignore[no-untyped-def]
        qtbot, named, seeded, db):
    tab = named.complaints
    named.new_complaint(seeded["李娜"])
    form = tab.form
    form.category.setCurrentIndex(form.category.findData(ComplaintCategory.PACKAGING.value))
    type_text(form.words, "包装破损")
    qtbot.keyClick(form.words, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    complaint_id = form.complaint.id
    assert complaint_id is not None
    type_text(tab.log.entry, "已致电客户")
    qtbot.mouseClick(tab.log.add_button, Qt.MouseButton.LeftButton)
    button = next(b for b in tab.transitions.buttons if b.text() == "Start handling")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    stored = ComplaintService(db).get(complaint_id)
    assert [c.user for c in stored.history] == [NAME, NAME]
    assert [e.author for e in stored.log] == [NAME]
    # the care calendar and Today write with the same name
    assert named.calendar.service.user == named.today._agenda.user == NAME


def test_an_import_records_the_chosen_name(  # type: ignore[no-untyped-def]
        qtbot, named, tmp_path: Path, monkeypatch, db):
    csv = tmp_path / "clients.csv"
    csv.write_text("客户名称,手机\n王小明,13700001111\n", encoding="utf-8")
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: csv)

    class Accepting(ImportDialog):
        def exec(self) -> int:
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(transfer, "DIALOG_FACTORY", Accepting)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    named.import_clients()
    # the batch in the database, not the status line, which a later message
    # may replace before a loaded machine polls it
    qtbot.waitUntil(lambda: bool(ImportService(db).batches()), timeout=20_000)
    [batch] = ImportService(db).batches()
    assert batch.user == NAME
